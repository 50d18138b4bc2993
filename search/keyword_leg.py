"""The keyword leg: BM25F of the query's words, prefixes, fuzzy words and phrases, at a bounded cost.

Every word is scored on the term matrix (``indexer/term_matrix.py``), the same BM25F as whoosh's; prefixes and
fuzzy words first become a capped set of index words (``search/expansion.py``). Only phrases and identifiers
need word positions: whoosh finds the rows that hold them, with a time budget after which the rows found so
far are kept and the response says it is partial. A quoted phrase is required where any paragraph holds it
(otherwise its words are searched: a remembered phrase may not be word for word in the text); the holders of
every phrase and identifier rank first (``holders``). Excluded words (``-word``) are a row mask over every
form of the word, which the engine applies to every leg.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from indexer.keyword_index import KeywordIndex
from indexer.ranking import ranks_of, top_rows
from indexer.term_matrix import Alternative, TermMatrix
from search.expansion import expand_fuzzy, expand_prefix, expansion_limit
from search.notes import Note
from search.query import ParsedQuery, excluded_terms, phrases_query, query_words

# Phrases on whoosh: a normal one takes a few milliseconds, a phrase of frequent words in a big archive more.
KEYWORD_SECONDS = 0.3


@dataclass(frozen=True)
class ExpandedQuery:
    """A parsed query with its prefix and fuzzy words expanded into index words."""

    parsed: ParsedQuery
    expansions: dict[str, tuple[str, ...]]  # pattern as typed → index words searched for it
    words: list[list[Alternative]]  # each searched word's alternatives (see ``search/query.py``)
    notes: list[Note]


@dataclass
class KeywordScores:
    """The keyword leg's answer: every row's BM25 and share of the query's words (0: no match)."""

    bm25: np.ndarray
    share: np.ndarray
    coverage: np.ndarray  # each row's share of the query words' idf: the words' evidence (``search/evidence.py``)
    holders: set[int] | None = None  # paragraphs holding every quoted phrase and identifier, if the query has any
    borrowed: dict[int, float] = field(default_factory=dict)  # BM25 for the borrowed words, if any
    translated: dict[int, float] = field(default_factory=dict)  # normalised like the own words' (translation_leg)
    partial: bool = False  # the time budget ran out: the hits are those found by then
    phrase_absent: bool = False  # no paragraph holds the query's quoted phrases: their words were searched

    @classmethod
    def nothing(cls, size: int) -> KeywordScores:
        """The answer of a leg that did not search: no row matches."""
        zeros = np.zeros(size, dtype=np.float32)
        return cls(zeros, zeros.copy(), zeros.copy())

    @property
    def total(self) -> int:
        return int(np.count_nonzero(self.bm25))

    @property
    def best(self) -> float:
        return float(self.bm25.max(initial=0.0))

    def top(self, window: int, by_share: bool = False, among: np.ndarray | None = None) -> list[int]:
        """The best ``window`` matches (of the rows ``among``, default all), by BM25 or by BM25 × share of words
        (what fusion ranks them by), and every holder of the query's phrases and identifiers (they rank first
        whatever their score)."""
        scores = self.bm25 * self.share if by_share else self.bm25
        if among is not None:
            scores = scores * among  # 0 outside ``among``: a product, where np.where took twice as long
        best = top_rows(scores, window, above=0.0)
        chosen = set(best)
        return best + sorted(
            row
            for row in self.holders or ()
            if self.bm25[row] > 0 and row not in chosen and (among is None or among[row])
        )

    def order(self, rows: list[int]) -> list[int]:
        """``rows`` best first, the holders of every phrase and identifier ahead of the rest."""
        holders = self.holders or set()
        return sorted(rows, key=lambda row: (row not in holders, -self.bm25[row], row))

    def ranks(self, rows: Iterable[int]) -> dict[int, int]:
        """Where each of ``rows`` that matches stands among all matches (1: the best)."""
        return ranks_of(self.bm25, rows, above=0.0)


def expand_query(parsed: ParsedQuery, terms: TermMatrix) -> ExpandedQuery:
    expansions: dict[str, tuple[str, ...]] = {}
    notes = list(parsed.notes)
    limit = expansion_limit(len(parsed.prefixes) + len(parsed.fuzzy))
    found = [expand_prefix(terms, p, limit) for p in parsed.prefixes]
    found += [expand_fuzzy(terms, w, limit) for w in parsed.fuzzy]
    for expansion in found:
        expansions[expansion.pattern] = expansion.terms
        if expansion.capped:
            notes.append(Note("expansion_capped", pattern=expansion.pattern, matched=expansion.matched, searched=limit))
    return ExpandedQuery(parsed, expansions, query_words(parsed, expansions), notes)


def excluded_rows(parsed: ParsedQuery, terms: TermMatrix) -> np.ndarray:
    """Rows holding any form of an excluded word (its exact form, a Russian lemma or its Kazakh stem)."""
    excluded = np.zeros(terms.size, dtype=bool)
    for field_name, term in excluded_terms(parsed):
        excluded[terms.column(field_name, term)[0]] = True
    return excluded


def search_keywords(
    index: KeywordIndex,
    query: ExpandedQuery,
    allowed: np.ndarray,
    seconds: float = KEYWORD_SECONDS,
) -> KeywordScores:
    """Every allowed row's BM25 for the query's words and its share of them; a quoted phrase, where any
    paragraph holds it, limits the matches to its holders."""
    parsed, words = query.parsed, query.words
    searched, holders, partial, absent = allowed, None, False, False
    deadline = time.monotonic() + seconds  # one budget for the phrases and the identifiers
    if parsed.phrases:
        required, partial = index.rows(phrases_query(parsed), seconds)
        if required:
            searched = allowed & _mask(required, len(allowed))
        holders, absent = required, not required and not partial
    if parsed.identifiers and not partial:
        holders, partial = index.rows(phrases_query(parsed, identifiers=True), max(0.0, deadline - time.monotonic()))
    found = index.score_words(words, searched)
    share = np.divide(found.matched, np.float32(max(1, len(words))), dtype=np.float32)  # float64 costs a pass more
    return KeywordScores(found.bm25, share, found.coverage, holders, partial=partial, phrase_absent=absent)


def _mask(rows: set[int], size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[list(rows)] = True
    return mask
