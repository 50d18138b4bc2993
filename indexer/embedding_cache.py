"""Passage embeddings cached by (model id, text hash), so a rebuild embeds only text it has not seen.

The cache is one SQLite file (``<cache>/embeddings.sqlite``): safe for concurrent builds, no server, stdlib.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import numpy as np
from tqdm import tqdm

from indexer.encoders import Encoder

DEFAULT_CACHE = Path(os.environ.get("KAZSEARCH_CACHE", "var/cache"))
CACHE_FILE = "embeddings.sqlite"
BATCH = 16


class EmbeddingCache:
    def __init__(self, directory: Path | str = DEFAULT_CACHE) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / CACHE_FILE
        self._db = sqlite3.connect(self.path, timeout=60)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash BLOB, vector BLOB, PRIMARY KEY (model, hash))"
        )

    def get(self, model_id: str, hashes: list[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        for start in range(0, len(hashes), 500):  # SQLite caps the number of bound parameters
            chunk = hashes[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT hash, vector FROM vectors WHERE model = ? AND hash IN ({marks})", [model_id, *chunk]
            )
            found.update((h, np.frombuffer(v, dtype=np.float32)) for h, v in rows)
        return found

    def put(self, model_id: str, items: list[tuple[bytes, np.ndarray]]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [(model_id, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items],
            )

    def close(self) -> None:
        self._db.close()


def text_hash(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def embed_passages(
    encoder: Encoder, texts: list[str], cache: EmbeddingCache | None = None, progress: bool = True
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts`` (row i = text i) and how many had to be embedded (the rest came from the cache)."""
    hashes = [text_hash(t) for t in texts]
    known = cache.get(encoder.model_id, hashes) if cache else {}
    todo = sorted({h: t for h, t in zip(hashes, texts, strict=True) if h not in known}.items(), key=lambda i: len(i[1]))
    # Batches of similar length waste little on padding.
    with tqdm(total=len(todo), desc="embedding", unit="text", disable=not progress or not todo) as bar:
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            vectors = encoder.encode_passages([t for _, t in batch])
            fresh = [(h, v) for (h, _), v in zip(batch, vectors, strict=True)]
            known.update(fresh)
            if cache:
                cache.put(encoder.model_id, fresh)
            bar.update(len(batch))
    matrix = np.stack([known[h] for h in hashes]) if hashes else np.zeros((0, encoder.dim), dtype=np.float32)
    return matrix.astype(np.float32, copy=False), len(todo)
