"""The embedding index of a generation, row i = paragraph i, memory-mapped:

    vectors.npy          float32 [n, dim], L2-normalised: exact scores
    vectors_int8.npy     int8 [n, dim]: each row divided by its scale and rounded
    vector_scales.npy    float32 [n]: each row's scale (its largest component / 127)

A query is scored against every int8 row (SimSIMD's integer dot products: about 2 ms at 100k paragraphs, where
the float32 product read 150 MB and cost 11–22 ms), and the ``RESCORED`` rows that score best are scored again
exactly in float32, read from the file row by row. Every other row keeps its int8 estimate (off by 0.0003 on
average, 0.002 at most, on the benchmark's 100k paragraphs); the top 100 is the exact one (README, "Index
layout").
"""

from __future__ import annotations

import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import simsimd

from indexer.kept_rows import save_kept_rows
from indexer.ranking import top_rows
from indexer.row_reader import RowReader
from indexer.sentences import SentenceIndex

VECTORS = "vectors.npy"
QUANTISED = "vectors_int8.npy"
SCALES = "vector_scales.npy"
# Rows rescored exactly: twice the search's window of 100 semantic candidates. On the benchmark's 150 queries it
# gave the exact top 100 for every query at 100k and at a million paragraphs (1.5 times the window missed a row
# for some); 400, as before, read 7 ms more of the float32 file a query at a million.
RESCORED = 200
_INT8_MAX = 127
# A small index is scored exactly through its map (the shipped corpus: 1.2 MB, 0.1 ms a query, where reading the
# rows to rescore cost 1.8 ms): mapping it whole costs nothing worth saving.
WHOLLY_EXACT_BYTES = 16 * 2**20

# A multilingual encoder finds text in the query's language closer than text in another, whatever it says. A
# query in a language that is a minority of the index is corrected by this share of the mean sentence of its
# language (``search/semantic.py`` says why and how it was measured).
LANGUAGE_CORRECTION = 0.7
MIN_LANGUAGE_SENTENCES = 20  # fewer sentences in a language give no reliable mean
_CHUNK = 65536
_QUERIES_AT_ONCE = 16  # an indexer's queries scored in one pass over the int8 rows: 128 MB of scores at a million
# From this many rows the int8 scan is split in two (``int8_dots``): 1.1 → 0.75 ms at 50k rows; below, handing half
# to a thread gains next to nothing.
SPLIT_ROWS = 50_000


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
    for start, vectors in zip(range(0, len(sentence_langs), _CHUNK), sentences.vector_chunks(_CHUNK), strict=True):
        chunk = sentence_langs[start : start + _CHUNK]  # half-precision rows, summed a chunk at a time
        for lang in minorities:
            sums[lang] += vectors[chunk == lang].sum(axis=0, dtype=np.float64)
    return {lang: (sums[lang] / counts[lang]).astype(np.float32) for lang in minorities}


def corrected_query(query: np.ndarray, lang: str, centroids: dict[str, np.ndarray]) -> np.ndarray:
    """The query vector less its language's pull, if that language is a minority of the index."""
    centroid = centroids.get(lang)
    return query if centroid is None else query - LANGUAGE_CORRECTION * centroid


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row as int8 and its scale (row ≈ scale · int8 row): symmetric, one scale per row."""
    vectors = np.asarray(vectors, dtype=np.float32)
    peaks = np.abs(vectors).max(axis=1) if vectors.size else np.zeros(len(vectors), dtype=np.float32)
    scales = np.where(peaks > 0, peaks / _INT8_MAX, 1.0).astype(np.float32)
    return np.round(vectors / scales[:, None]).astype(np.int8), scales


class VectorIndex:
    def __init__(self, vectors: np.memmap, quantised: np.ndarray, scales: np.ndarray) -> None:
        self.vectors = vectors  # float32, mapped; the rows to rescore are read from its file (``RowReader``)
        self.quantised = quantised
        self.scales = scales
        self._exact = RowReader(vectors)
        self.close = self._exact.close

    @classmethod
    def load(cls, generation_path: Path) -> VectorIndex:
        path = Path(generation_path)
        vectors = np.load(path / VECTORS, mmap_mode="r")
        return cls(vectors, np.load(path / QUANTISED, mmap_mode="r"), np.load(path / SCALES))

    @staticmethod
    def save(generation_path: Path, vectors: np.ndarray) -> None:
        """Write ``vectors`` and their int8 rows and scales, a chunk of rows at a time."""
        path = Path(generation_path)
        rows, dim = vectors.shape
        files = [
            np.lib.format.open_memmap(path / name, mode="w+", dtype=dtype, shape=shape)
            for name, dtype, shape in (
                (VECTORS, np.float32, (rows, dim)),
                (QUANTISED, np.int8, (rows, dim)),
                (SCALES, np.float32, (rows,)),
            )
        ]
        for start in range(0, rows, _CHUNK):
            chunk = np.asarray(vectors[start : start + _CHUNK], dtype=np.float32)
            for out, values in zip(files, (chunk, *quantise(chunk)), strict=True):
                out[start : start + len(chunk)] = values
        for out in files:
            out.flush()

    @staticmethod
    def save_kept(previous_path: Path, generation_path: Path, kept: np.ndarray, vectors: np.ndarray) -> None:
        """Write the ``kept`` rows (a mask) of the index in ``previous_path``, then ``vectors``: an update's. The
        kept rows are copied as they are (quantised row by row, they are what ``save`` would make of them again),
        the new ones quantised."""
        vectors = np.asarray(vectors, dtype=np.float32)
        for name, rows in zip((VECTORS, QUANTISED, SCALES), (vectors, *quantise(vectors)), strict=True):
            save_kept_rows(Path(previous_path) / name, Path(generation_path) / name, kept, rows)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def estimates(self, query: np.ndarray) -> np.ndarray:
        """Every row's cosine with ``query`` as its int8 row gives it (the query quantised the same way)."""
        return self._estimates(np.asarray(query, dtype=np.float32)[None])[0]

    def _estimates(self, queries: np.ndarray) -> np.ndarray:
        """``estimates`` of each of ``queries`` (rows), one row each: the int8 rows are read once for them all."""
        if not len(self.quantised):
            return np.zeros((len(queries), 0), dtype=np.float32)
        rows, steps = quantise(queries)
        dots = int8_dots(self.quantised, rows)  # rows × queries
        estimates = np.empty((len(queries), len(self.quantised)), dtype=np.float32)
        for i, step in enumerate(steps):  # each query's row written in place: a search's one row is not copied
            np.multiply(dots[:, i], self.scales * step, out=estimates[i])
        return estimates

    def similarities(self, query: np.ndarray, among: np.ndarray | None = None) -> np.ndarray:
        """Cosine of ``query`` with every row: exact for the ``RESCORED`` rows that the int8 estimates put first
        (first among the ``among`` rows, a mask, where given), the estimate for every other row; exact for every
        row of an index of at most ``WHOLLY_EXACT_BYTES``."""
        query = np.asarray(query, dtype=np.float32)
        if self.vectors.nbytes <= WHOLLY_EXACT_BYTES:
            return np.asarray(self.vectors @ query, dtype=np.float32)
        return self._rescored(query, self.estimates(query), among)

    def best_similarities(self, queries: np.ndarray) -> list[float]:
        """Each query's best cosine over the rows (-1 if none), as ``similarities`` scores it: an indexer's
        question, asked of many queries at once (``indexer/meaning_null.py``)."""
        queries = np.asarray(queries, dtype=np.float32).reshape(-1, self.dim)
        if self.vectors.nbytes <= WHOLLY_EXACT_BYTES:
            return [float(self.similarities(query).max(initial=-1.0)) for query in queries]
        best = []
        for start in range(0, len(queries), _QUERIES_AT_ONCE):
            group = queries[start : start + _QUERIES_AT_ONCE]
            estimates = self._estimates(group)
            best += [float(self._rescored(q, e, None).max(initial=-1.0)) for q, e in zip(group, estimates, strict=True)]
        return best

    def _rescored(self, query: np.ndarray, scores: np.ndarray, among: np.ndarray | None) -> np.ndarray:
        """``scores`` (the int8 estimates) with the best ``RESCORED`` of them (among ``among``) made exact."""
        pool = scores if among is None else np.where(among, scores, -np.inf)
        candidates = np.sort(np.array(top_rows(pool, RESCORED), dtype=np.int64))  # ascending: near rows read together
        scores[candidates] = self.exact_scores(candidates, query)
        return scores

    def exact_scores(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        """The float32 cosine of ``query`` with each of ``rows`` (ascending)."""
        return self._exact.rows(rows) @ np.asarray(query, dtype=np.float32)


def int8_dots(quantised: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """The int8 dot products of every row with each of ``queries`` (int8 rows; one for a search), rows ×
    queries, the first half of a large index on a helper thread while the caller takes the second.

    The kernel is bound by one core: a million rows took 59 ms on one, 29–36 on two. If the helper has not
    started the first half by the time the caller is done (it is busy with other searches, or was slow to
    wake), the caller takes it back: under load no search waits behind another's half, and no second OpenMP
    runtime spins against the encoder's (as SimSIMD's own ``threads`` would: ``indexer/threads.py`` says what
    that cost). While the interpreter shuts down, no thread can be started: the caller scans it all."""
    if len(quantised) < SPLIT_ROWS:
        return _dot(quantised, queries)
    half = len(quantised) // 2
    try:
        first = _HELPER.submit(_dot, quantised[:half], queries)
    except RuntimeError:  # "cannot schedule new futures after interpreter shutdown"
        return _dot(quantised, queries)
    second = _dot(quantised[half:], queries)
    first_dots = _dot(quantised[:half], queries) if first.cancel() else first.result()  # cancelled: not started
    return np.concatenate([first_dots, second])


def _dot(quantised: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """SimSIMD's int8 dot products of ``quantised``'s rows with each of ``queries``, as float32 (rows × queries)."""
    return np.asarray(simsimd.cdist(quantised, queries, metric="dot"), dtype=np.float32)


def _start_helper() -> None:
    """A fresh helper thread: also in a forked child, which inherits the parent's executor without its thread
    (every half would be taken back, and the cancelled items would keep old indexes' rows alive)."""
    global _HELPER
    _HELPER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kazsearch-int8")


_HELPER: ThreadPoolExecutor
_start_helper()
os.register_at_fork(after_in_child=_start_helper)
