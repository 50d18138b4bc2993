"""BM25 weights of every (term, paragraph) pair as column arrays: the fast path for plain-word queries.

whoosh scores an OR of frequent words by walking a tree of matchers in Python, posting by posting: 60–150 ms
over 100k paragraphs. The same sums are a few NumPy operations over precomputed columns, each holding the
paragraphs that contain a term and their BM25 weight, ``idf · tf·(K1+1) / (tf + K1·(1 − B + B·len/avglen))``,
exactly as whoosh's BM25F computes it per field (same analysis, idf and field lengths). Phrases, prefixes,
fuzzy words and exclusions still go to whoosh, which keeps positions.

Stored in the generation as ``terms.npz`` (columns) and ``terms.json`` (each field's terms in column order).
"""

from __future__ import annotations

import bisect
import json
import threading
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np

TERMS = "terms.npz"
TERM_NAMES = "terms.json"

# One query word: alternatives that add up; each is (field, terms whose best weight counts, boost).
Alternative = tuple[str, tuple[str, ...], float]


class TermMatrix:
    def __init__(
        self, columns: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]], terms: dict[str, list[str]], size: int
    ) -> None:
        self._columns = columns  # field -> (indptr, rows, weights), CSC layout
        self._index = {field: {term: i for i, term in enumerate(names)} for field, names in terms.items()}
        self._terms = terms
        self.size = size  # paragraphs
        self._sorted: dict[str, list[str]] = {}  # each field's terms in order, for prefix look-ups (made on demand)
        self._sorting = threading.Lock()

    @classmethod
    def build(cls, fields: Mapping[str, Iterable[Iterator[str]]], size: int, k1: float, b: float) -> TermMatrix:
        """Columns from each field's term stream per paragraph (``fields[field]`` yields one iterator a row)."""
        columns: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        terms: dict[str, list[str]] = {}
        for field, streams in fields.items():
            ids: dict[str, int] = {}
            rows, term_ids, counts = array("i"), array("i"), array("f")  # compact: 10^7 postings at 100k rows
            lengths = np.zeros(size, dtype=np.float32)
            for row, stream in enumerate(streams):
                tally = Counter(stream)
                lengths[row] = sum(tally.values())
                for term, count in tally.items():
                    rows.append(row)
                    term_ids.append(ids.setdefault(term, len(ids)))
                    counts.append(count)
            row_of = np.frombuffer(rows, dtype=np.int32)
            term_of = np.frombuffer(term_ids, dtype=np.int32)
            tf = np.frombuffer(counts, dtype=np.float32)
            frequency = np.bincount(term_of, minlength=len(ids))
            idf = (np.log(size / (frequency + 1)) + 1).astype(np.float32)
            average = max(float(lengths.mean()), 1e-9)
            weights = idf[term_of] * tf * (k1 + 1) / (tf + k1 * ((1 - b) + b * lengths[row_of] / average))
            order = np.lexsort((row_of, term_of))
            indptr = np.concatenate([[0], np.cumsum(frequency)]).astype(np.int64)
            columns[field] = (indptr, row_of[order].copy(), weights[order].astype(np.float32))
            terms[field] = list(ids)
        return cls(columns, terms, size)

    def save(self, folder: Path) -> None:
        arrays = {f"{field}_{part}": array for field, column in self._columns.items() for part, array in
                  zip(("indptr", "rows", "weights"), column, strict=True)}  # fmt: skip
        # numpy's stub lets a ** argument name ``allow_pickle`` (a bool), so no dict of arrays type-checks here
        np.savez(Path(folder) / TERMS, size=np.array(self.size), **arrays)  # type: ignore[arg-type]
        (Path(folder) / TERM_NAMES).write_text(json.dumps(self._terms, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> TermMatrix:
        """The term matrix saved in ``folder`` (every generation has one since index format 2)."""
        terms = json.loads((Path(folder) / TERM_NAMES).read_text(encoding="utf-8"))
        with np.load(Path(folder) / TERMS) as data:
            columns = {f: tuple(data[f"{f}_{part}"] for part in ("indptr", "rows", "weights")) for f in terms}
            size = int(data["size"])
        return cls(columns, terms, size)

    def column(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows holding ``term`` in ``field`` and their weights (empty if none)."""
        i = self._index.get(field, {}).get(term)
        if i is None:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
        indptr, rows, weights = self._columns[field]
        return rows[indptr[i] : indptr[i + 1]], weights[indptr[i] : indptr[i + 1]]

    def document_frequency(self, field: str, term: str) -> int:
        """How many paragraphs hold ``term`` in ``field``."""
        i = self._index.get(field, {}).get(term)
        if i is None:
            return 0
        indptr = self._columns[field][0]
        return int(indptr[i + 1] - indptr[i])

    def has_term(self, field: str, term: str) -> bool:
        return term in self._index.get(field, {})

    def terms_with_prefix(self, field: str, prefix: str) -> list[str]:
        """Every term of ``field`` that starts with ``prefix``, in alphabetical order."""
        with self._sorting:
            if field not in self._sorted:
                self._sorted[field] = sorted(self._terms.get(field, ()))
        ordered = self._sorted[field]
        start = bisect.bisect_left(ordered, prefix)
        end = bisect.bisect_left(ordered, prefix + "\U0010ffff", start)
        return ordered[start:end]

    def score(self, words: list[list[Alternative]]) -> tuple[np.ndarray, np.ndarray]:
        """BM25 score of every paragraph for an OR of ``words``, and how many of the words each matches."""
        scores = np.zeros(self.size, dtype=np.float32)
        matched = np.zeros(self.size, dtype=np.int16)
        for alternatives in words:
            hit = np.zeros(self.size, dtype=bool)
            for field, terms, boost in alternatives:
                best = np.zeros(self.size, dtype=np.float32) if len(terms) > 1 else None
                for term in terms:
                    rows, weights = self.column(field, term)
                    if best is None:
                        scores[rows] += boost * weights
                    else:
                        best[rows] = np.maximum(best[rows], weights)
                    hit[rows] = True
                if best is not None:
                    scores += boost * best
            matched += hit
        return scores, matched
