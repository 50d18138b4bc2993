"""BM25 weights of every (term, paragraph) pair as column arrays: the fast path for plain-word queries.

whoosh scores an OR of frequent words by walking a tree of matchers in Python, posting by posting: 60–150 ms
over 100k paragraphs. The same sums are a few NumPy operations over precomputed columns, each holding the
paragraphs that contain a term and their BM25 weight, ``idf · tf·(K1+1) / (tf + K1·(1 − B + B·len/avglen))``,
exactly as whoosh's BM25F computes it per field (same analysis, idf and field lengths). Phrases, prefixes,
fuzzy words and exclusions still go to whoosh, which keeps positions.

Stored in the generation as ``terms.npz`` (columns, with each posting's term frequency and each paragraph's
field length, so that an update recomputes the weights without analysing a kept paragraph again) and
``terms.json`` (each field's terms in column order).
"""

from __future__ import annotations

import bisect
import json
import threading
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np

TERMS = "terms.npz"
TERM_NAMES = "terms.json"

# One query word: alternatives that add up; each is (field, terms whose best weight counts, boost).
Alternative = tuple[str, tuple[str, ...], float]


class WordMatches(NamedTuple):
    """Every paragraph's answer to an OR of query words."""

    bm25: np.ndarray  # float32: the BM25 sum
    matched: np.ndarray  # int16: how many of the words it holds
    coverage: np.ndarray  # float32 0…1: the share of the words' idf it holds (rare words count more)


_PARTS = ("indptr", "rows", "weights", "tf", "lengths")


class _Postings(NamedTuple):
    """One field's (term, paragraph) pairs before weighting, in any order."""

    names: list[str]  # term id -> term
    term_of: np.ndarray  # int32 per posting
    row_of: np.ndarray  # int32 per posting
    tf: np.ndarray  # float32 per posting: the term's count in the paragraph
    lengths: np.ndarray  # float32 per paragraph: its number of terms in the field


def _count_postings(streams: Iterable[Iterator[str]], size: int, ids: dict[str, int]) -> _Postings:
    """Postings of one term stream per row (at most ``size`` rows); new terms get ids after those in ``ids``."""
    rows, term_ids, counts = array("i"), array("i"), array("f")  # compact: 10^7 postings at 100k rows
    lengths = np.zeros(size, dtype=np.float32)
    for row, stream in enumerate(streams):
        tally = Counter(stream)
        lengths[row] = sum(tally.values())
        for term, count in tally.items():
            rows.append(row)
            term_ids.append(ids.setdefault(term, len(ids)))
            counts.append(count)
    return _Postings(
        list(ids),
        np.frombuffer(term_ids, dtype=np.int32),
        np.frombuffer(rows, dtype=np.int32),
        np.frombuffer(counts, dtype=np.float32),
        lengths,
    )


class TermMatrix:
    def __init__(
        self,
        columns: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
        terms: dict[str, list[str]],
        size: int,
        counts: dict[str, tuple[np.ndarray, np.ndarray]],
    ) -> None:
        self._columns = columns  # field -> (indptr, rows, weights), CSC layout
        self._counts = counts  # field -> (tf of each posting in column order, length of each row); {} for search
        self._index = {field: {term: i for i, term in enumerate(names)} for field, names in terms.items()}
        self._terms = terms
        self.size = size  # paragraphs
        self._sorted: dict[str, list[str]] = {}  # each field's terms in order, for prefix look-ups (made on demand)
        self._sorting = threading.Lock()

    @classmethod
    def build(cls, fields: Mapping[str, Iterable[Iterator[str]]], size: int, k1: float, b: float) -> TermMatrix:
        """Columns from each field's term stream per paragraph (``fields[field]`` yields one iterator a row)."""
        return cls._weighted({field: _count_postings(streams, size, {}) for field, streams in fields.items()}, k1, b)

    def update(
        self, new_row: np.ndarray, added: Mapping[str, Iterable[Iterator[str]]], added_rows: int, k1: float, b: float
    ) -> TermMatrix:
        """This matrix with its rows renumbered by ``new_row`` (old row -> new row, -1 for a removed one; kept
        rows keep their order and come first) and ``added_rows`` paragraphs appended, whose term streams per
        field are ``added[field]``.

        No kept paragraph is analysed again: their term frequencies and lengths are carried over, and every
        weight is computed afresh, since the idf and the average length change with the paragraphs.
        """
        kept = int((new_row >= 0).sum())
        postings = {}
        for field in self._columns:
            indptr, rows, _ = self._columns[field]
            tf, lengths = self._counts[field]
            names = self._terms[field]
            fresh = _count_postings(added.get(field, ()), added_rows, {term: i for i, term in enumerate(names)})
            term_of = np.repeat(np.arange(len(names), dtype=np.int32), np.diff(indptr))
            moved = new_row[rows].astype(np.int32)
            if kept < len(new_row):
                keep = moved >= 0
                term_of, moved, tf = term_of[keep], moved[keep], tf[keep]
            # The kept postings are in column order, rows ascending; each new one goes after its column's kept
            # ones (its row comes after theirs), in the order it came: no sort of the whole matrix.
            by_term = np.argsort(fresh.term_of, kind="stable")
            fresh_terms = fresh.term_of[by_term]
            places = np.searchsorted(term_of, fresh_terms, side="right")
            postings[field] = _Postings(
                fresh.names,
                np.insert(term_of, places, fresh_terms),
                np.insert(moved, places, fresh.row_of[by_term] + kept),
                np.insert(tf, places, fresh.tf[by_term]),
                np.concatenate([lengths[new_row >= 0], fresh.lengths]),
            )
        return self._weighted(postings, k1, b, in_column_order=True)

    @classmethod
    def _weighted(
        cls, postings: Mapping[str, _Postings], k1: float, b: float, in_column_order: bool = False
    ) -> TermMatrix:
        """Columns of BM25 weights from each field's postings (``in_column_order``: already by term, rows
        ascending); a term no paragraph holds is dropped."""
        columns: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        counts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        terms: dict[str, list[str]] = {}
        size = 0
        for field, (names, term_of, row_of, tf, lengths) in postings.items():
            size = len(lengths)
            frequency = np.bincount(term_of, minlength=len(names))
            used = frequency > 0
            if not used.all():
                term_of = (np.cumsum(used) - 1).astype(np.int32)[term_of]  # ids without the unused terms
                frequency = frequency[used]
            idf = (np.log(size / (frequency + 1)) + 1).astype(np.float32)
            average = max(float(lengths.mean()) if size else 0.0, 1e-9)
            weights = idf[term_of] * tf * (k1 + 1) / (tf + k1 * ((1 - b) + b * lengths[row_of] / average))
            if not in_column_order:  # postings row by row: a stable sort by term (a radix sort) keeps rows ascending
                order = np.argsort(term_of, kind="stable")
                row_of, weights, tf = row_of[order], weights[order], tf[order]
            indptr = np.concatenate([[0], np.cumsum(frequency)]).astype(np.int64)
            columns[field] = (indptr, row_of.astype(np.int32, copy=False), weights.astype(np.float32, copy=False))
            counts[field] = (tf, lengths)
            terms[field] = [name for name, is_used in zip(names, used, strict=True) if is_used]
        return cls(columns, terms, size, counts)

    def save(self, folder: Path) -> None:
        arrays = {
            f"{field}_{part}": array
            for field in self._columns
            for part, array in zip(_PARTS, self._columns[field] + self._counts[field], strict=True)
        }
        # numpy's stub lets a ** argument name ``allow_pickle`` (a bool), so no dict of arrays type-checks here
        np.savez(Path(folder) / TERMS, size=np.array(self.size), **arrays)  # type: ignore[arg-type]
        (Path(folder) / TERM_NAMES).write_text(json.dumps(self._terms, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, with_counts: bool = False) -> TermMatrix:
        """The term matrix saved in ``folder`` (every generation has one since index format 4). The term
        frequencies and field lengths that an update weighs afresh are read only ``with_counts``: search needs
        the weights alone, and the counts would take as much memory again."""
        terms = json.loads((Path(folder) / TERM_NAMES).read_text(encoding="utf-8"))
        with np.load(Path(folder) / TERMS) as data:  # an .npz reads only the arrays asked for
            columns = {f: (data[f"{f}_indptr"], data[f"{f}_rows"], data[f"{f}_weights"]) for f in terms}
            counts = {f: (data[f"{f}_tf"], data[f"{f}_lengths"]) for f in terms} if with_counts else {}
            size = int(data["size"])
        return cls(columns, terms, size, counts)

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

    def word_weight(self, alternatives: list[Alternative]) -> float:
        """A query word's idf, from its most common form in the index: an unknown word weighs the most."""
        frequency = max((self.document_frequency(f, t) for f, terms, _ in alternatives for t in terms), default=0)
        return float(np.log(self.size / (frequency + 1)) + 1) if self.size else 1.0

    def score(self, words: list[list[Alternative]], allowed: np.ndarray | None = None) -> WordMatches:
        """BM25 score of every paragraph for an OR of ``words``, how many of the words each matches and which
        share of the words' idf it covers (all 0 outside ``allowed``, a row mask, if given).

        The work is proportional to the words' postings, not to the paragraphs, except for a word that most
        rows hold (``_count_word``): at a million paragraphs, a dozen passes over every row a query cost more
        than the postings themselves."""
        scores = np.zeros(self.size, dtype=np.float32)
        matched = np.zeros(self.size, dtype=np.int16)
        covered = np.zeros(self.size, dtype=np.float32)
        stamp = np.zeros(self.size, dtype=np.int32)  # the last word (1, 2 …) counted on each row
        weights = [self.word_weight(alternatives) for alternatives in words]
        searched, blocked = self._left_out(allowed)
        for word, (reached_by, weight) in enumerate(
            zip(self._add_words(words, searched, scores), weights, strict=True), start=1
        ):
            self._count_word(reached_by, word, weight, stamp, matched, covered)
        covered /= max(sum(weights), 1e-9)
        for values in (scores, matched, covered):
            values[blocked] = 0
        return WordMatches(scores, matched, covered)

    def bm25(self, words: list[list[Alternative]], allowed: np.ndarray | None = None) -> np.ndarray:
        """``score``'s BM25 alone, without counting the words on each row (nearly half of its work): for callers
        that rank by BM25 and nothing else, as a borrowed sentence's words are."""
        scores = np.zeros(self.size, dtype=np.float32)
        searched, blocked = self._left_out(allowed)
        for _ in self._add_words(words, searched, scores):
            pass
        scores[blocked] = 0
        return scores

    def _left_out(self, allowed: np.ndarray | None) -> tuple[np.ndarray | None, np.ndarray]:
        """The mask the columns are filtered by, and the rows to zero at the end instead. A few rows left out
        (furniture, an excluded word's holders) are zeroed at the end; more (all but a phrase's holders) are
        filtered out of every column, so that the sums read fewer postings."""
        if allowed is not None and self.size - np.count_nonzero(allowed) <= self.size // 64:
            return None, np.flatnonzero(~allowed)
        return allowed, np.empty(0, dtype=np.int64)

    def _add_words(
        self, words: list[list[Alternative]], allowed: np.ndarray | None, scores: np.ndarray
    ) -> Iterator[list[np.ndarray]]:
        """Add each word's BM25 to ``scores`` (columns filtered by ``allowed``), and give, word after word, the
        rows each of its alternatives reached (a row maybe twice in one array)."""
        best = np.zeros(self.size, dtype=np.float32)  # scratch for alternatives of several terms, kept all 0
        for alternatives in words:
            reached_by = []
            for field, terms, boost in alternatives:
                columns = [self._allowed_column(field, term, allowed) for term in terms]
                if not columns:
                    continue
                if len(columns) == 1:
                    reached, term_weights = columns[0]
                    scores[reached] += boost * term_weights
                else:  # the best weight among the terms counts, once a row
                    for rows, term_weights in columns:
                        best[rows] = np.maximum(best[rows], term_weights)
                    # Rows several terms reach come twice; a fancy-indexed += still adds once to each.
                    reached = np.concatenate([rows for rows, _ in columns])
                    scores[reached] += boost * best[reached]
                    best[reached] = 0
                reached_by.append(reached)
            yield reached_by

    def _count_word(
        self,
        reached_by: list[np.ndarray],
        word: int,
        weight: float,
        stamp: np.ndarray,
        matched: np.ndarray,
        covered: np.ndarray,
    ) -> None:
        """Count a word once on each row that any of its alternatives reached (``reached_by``: their rows, a row
        maybe twice in one array)."""
        if sum(len(rows) for rows in reached_by) > self.size // 8:  # a common word: one pass over all rows is less
            hit = np.zeros(self.size, dtype=bool)
            for rows in reached_by:
                hit[rows] = True
            matched += hit
            covered += hit * np.float32(weight)
            return
        for rows in reached_by:
            new = rows[stamp[rows] != word]  # rows an earlier alternative of this word has not counted
            stamp[new] = word
            matched[new] += 1
            covered[new] += weight

    def _allowed_column(self, field: str, term: str, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        rows, weights = self.column(field, term)
        if allowed is None:
            return rows, weights
        keep = allowed[rows]
        return rows[keep], weights[keep]
