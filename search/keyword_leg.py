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

from dataclasses import dataclass, field

import numpy as np
from whoosh import query as q

from indexer.keyword_index import KeywordIndex
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
    scores: dict[int, float] = field(default_factory=dict)  # BM25 of the best matches (and their translations)
    coverage: dict[int, float] = field(default_factory=dict)  # each one's share of the query's words
    total: int = 0  # paragraphs that match in all
    holders: set[int] | None = None  # paragraphs holding every quoted phrase and identifier, if the query has any
    borrowed: dict[int, float] = field(default_factory=dict)  # BM25 for the borrowed words, if any
    partial: bool = False  # the time budget ran out: the hits are those found by then


def expand_query(parsed: ParsedQuery, terms: TermMatrix) -> ExpandedQuery:
    expansions: dict[str, tuple[str, ...]] = {}
    notes = list(parsed.notes)
    limit = expansion_limit(len(parsed.prefixes) + len(parsed.fuzzy))
    found = [expand_prefix(terms, p, limit) for p in parsed.prefixes]
    found += [expand_fuzzy(terms, w, limit) for w in parsed.fuzzy]
    for expansion in found:
        expansions[expansion.pattern] = expansion.terms
        if expansion.capped:
            notes.append(
                Note("expansion_capped", pattern=expansion.pattern, matched=expansion.matched, searched=limit)
            )
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
    window: int,
    allowed: np.ndarray,
    whoosh_filter: q.Query | None,
    seconds: float = KEYWORD_SECONDS,
) -> KeywordScores:
    """BM25 scores of the best ``window`` allowed matches, each one's share of query words, the match count."""
    parsed, words = query.parsed, query.words
    searched, holders, partial = allowed, None, False
    if parsed.phrases:
        required, partial = index.rows(phrases_query(parsed), whoosh_filter, seconds)
        if required:
            searched = allowed & _mask(required, len(allowed))
        holders = required
    if parsed.identifiers and not partial:
        holders, partial = index.rows(phrases_query(parsed, identifiers=True), whoosh_filter, seconds)
    hits, total = index.search_words(words, window, searched)
    scores = {hit.row: hit.score for hit in hits}
    coverage = {hit.row: hit.matched / len(words) if words else 1.0 for hit in hits}
    return KeywordScores(scores, coverage, total, holders, partial=partial)


def _mask(rows: set[int], size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[list(rows)] = True
    return mask
