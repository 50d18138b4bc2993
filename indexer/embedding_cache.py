"""Passage embeddings cached by (model id, text hash), so a rebuild embeds only text it has not seen.

The cache is one SQLite file (``<cache>/embeddings.sqlite``): safe for concurrent builds, no server, stdlib.
A cache found corrupt is moved aside (``embeddings.sqlite.corrupt-<time>``) with a warning and started again
empty: it only saves time, so losing it must never fail a build.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np
from tqdm import tqdm

from indexer.encoders import Encoder

CACHE_FILE = "embeddings.sqlite"
BATCH = 16
# SQLite's (primary) result codes for a file that is not a database, or a damaged one.
_CORRUPT = (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)

log = logging.getLogger(__name__)

_Item = TypeVar("_Item", contravariant=True)
_Result = TypeVar("_Result")


class TaskMap(Protocol):
    """Where a build's heavy steps run: ``function`` over ``items``, results in the items' order. The builtin
    ``map`` runs them here; ``indexer.ray_cluster.RayTasks`` on a Ray cluster's workers (``function`` must be
    picklable there)."""

    def __call__(self, function: Callable[[_Item], _Result], items: Iterable[_Item], /) -> Iterator[_Result]: ...


class EmbeddingCache:
    def __init__(self, directory: Path | str) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / CACHE_FILE
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as error:
            self._db = self._reopen(error, None)

    def get(self, model_id: str, hashes: list[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        try:
            for start in range(0, len(hashes), 500):  # SQLite caps the number of bound parameters
                chunk = hashes[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT hash, vector FROM vectors WHERE model = ? AND hash IN ({marks})", [model_id, *chunk]
                )
                found.update((h, np.frombuffer(v, dtype=np.float32)) for h, v in rows)
        except sqlite3.DatabaseError as error:
            self._db = self._reopen(error, self._db)
            return {}
        return found

    def put(self, model_id: str, items: list[tuple[bytes, np.ndarray]]) -> None:
        rows = [(model_id, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items]
        try:
            self._insert(rows)
        except sqlite3.DatabaseError as error:
            self._db = self._reopen(error, self._db)
            self._insert(rows)

    def close(self) -> None:
        self._db.close()

    def _open(self) -> sqlite3.Connection:
        self._opened = _identity(self.path)
        db = sqlite3.connect(self.path, timeout=60)
        try:
            db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash BLOB, vector BLOB, PRIMARY KEY (model, hash))"
            )
        except BaseException:
            db.close()
            raise
        return db

    def _insert(self, rows: list[tuple[str, bytes, bytes]]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)

    def _reopen(self, error: sqlite3.DatabaseError, db: sqlite3.Connection | None) -> sqlite3.Connection:
        """A fresh cache in place of a corrupt one, which is moved aside; any other database error is raised."""
        if (error.sqlite_errorcode or 0) & 0xFF not in _CORRUPT:
            raise error
        if db is not None:
            db.close()
        if _identity(self.path) == self._opened:  # else another build has moved it aside already
            aside = self.path.with_name(f"{CACHE_FILE}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            # The journal goes too: SQLite would otherwise replay it into the fresh file.
            for suffix in ("", "-journal", "-wal"):
                try:
                    os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
                except FileNotFoundError:
                    pass
            log.warning("embedding cache %s was corrupt (%s): moved aside to %s", self.path, error, aside)
        return self._open()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def text_hash(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def embed_passages(
    encoder: Encoder,
    texts: list[str],
    cache: EmbeddingCache | None = None,
    progress: bool = True,
    tasks: TaskMap = map,
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts`` (row i = text i) and how many had to be embedded (the rest came from the cache).

    The batches to embed go through ``tasks``; their vectors come back here, into the one cache.
    """
    hashes = [text_hash(t) for t in texts]
    known = cache.get(encoder.model_id, hashes) if cache else {}
    todo = sorted({h: t for h, t in zip(hashes, texts, strict=True) if h not in known}.items(), key=lambda i: len(i[1]))
    # Batches of similar length waste little on padding.
    batches = [todo[start : start + BATCH] for start in range(0, len(todo), BATCH)]
    batch_vectors = tasks(encoder.encode_passages, ([t for _, t in batch] for batch in batches))
    with tqdm(total=len(todo), desc="embedding", unit="text", disable=not progress or not todo) as bar:
        for batch, vectors in zip(batches, batch_vectors, strict=True):
            fresh = [(h, v) for (h, _), v in zip(batch, vectors, strict=True)]
            known.update(fresh)
            if cache:
                cache.put(encoder.model_id, fresh)
            bar.update(len(batch))
    matrix = np.stack([known[h] for h in hashes]) if hashes else np.zeros((0, encoder.dim), dtype=np.float32)
    return matrix.astype(np.float32, copy=False), len(todo)
