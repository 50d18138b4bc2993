"""The embedding index of a generation: ``vectors.npy``, float32 [n, dim], L2-normalised, row i = paragraph i.

Search is exact: one matrix-vector product. At the corpus's size (and up to ~10^5 rows) that costs a few
milliseconds, less than embedding the query, so an approximate index would only add error.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from indexer.sentences import SentenceIndex

VECTORS = "vectors.npy"

# A multilingual encoder finds text in the query's language closer than text in another, whatever it says. A
# query in a language that is a minority of the index is corrected by this share of the mean sentence of its
# language (``search/semantic.py`` says why and how it was measured).
LANGUAGE_CORRECTION = 0.7
MIN_LANGUAGE_SENTENCES = 20  # fewer sentences in a language give no reliable mean
_CHUNK = 65536


def minority_centroids(sentences: SentenceIndex, langs: np.ndarray) -> dict[str, np.ndarray]:
    """The mean sentence vector of each language (``langs``: each paragraph's) that has at least
    ``MIN_LANGUAGE_SENTENCES`` sentences but fewer than half of them: the languages whose queries are corrected.

    Sentences, not paragraphs: how a document is cut into paragraphs (a letter's eight short lines joined into
    one passage) must not move the correction.
    """
    sentence_langs = langs[sentences.spans[:, 0]] if len(sentences.spans) else langs[:0]
    counts = Counter(sentence_langs.tolist())
    minorities = [lang for lang, n in counts.items() if MIN_LANGUAGE_SENTENCES <= n < len(sentence_langs) / 2]
    sums = {lang: np.zeros(sentences.vectors.shape[1], dtype=np.float64) for lang in minorities}
    for start in range(0, len(sentence_langs), _CHUNK):  # half-precision rows, summed a chunk at a time
        chunk = sentence_langs[start : start + _CHUNK]
        for lang in minorities:
            sums[lang] += sentences.vectors[start : start + _CHUNK][chunk == lang].sum(axis=0, dtype=np.float64)
    return {lang: (sums[lang] / counts[lang]).astype(np.float32) for lang in minorities}


def corrected_query(query: np.ndarray, lang: str, centroids: dict[str, np.ndarray]) -> np.ndarray:
    """The query vector less its language's pull, if that language is a minority of the index."""
    centroid = centroids.get(lang)
    return query if centroid is None else query - LANGUAGE_CORRECTION * centroid


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
