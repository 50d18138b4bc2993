"""The embedding index of a generation: ``vectors.npy``, float32 [n, dim], L2-normalised, row i = paragraph i.

Search is exact: one matrix-vector product. At the corpus's size (and up to ~10^5 rows) that costs a few
milliseconds, less than embedding the query, so an approximate index would only add error.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

VECTORS = "vectors.npy"


class VectorIndex:
    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors

    @classmethod
    def load(cls, generation_path: Path) -> VectorIndex:
        return cls(np.load(Path(generation_path) / VECTORS, mmap_mode="r"))

    @staticmethod
    def save(generation_path: Path, vectors: np.ndarray) -> None:
        np.save(Path(generation_path) / VECTORS, np.ascontiguousarray(vectors, dtype=np.float32))

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def similarities(self, query: np.ndarray) -> np.ndarray:
        """Cosine of ``query`` with every row."""
        return self.vectors @ query.astype(np.float32, copy=False)
