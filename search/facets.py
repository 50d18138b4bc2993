"""Facets of a query: how many of its results each document, language and year holds, for filters with counts.

Counted over every result of the query, not over one page; a year is counted for the documents that have one.
Documents and languages come most results first, years newest first. Only the ``FACET_DOCUMENTS`` documents
with the most results are listed (an archive of a million paragraphs has thousands of documents, and a common
word finds them all: a response would carry them all, and a page would list them); ``doc_others`` counts the
rest, so that the listed documents' counts and its count add up to ``total``. A language's label is its code:
front ends say it in their reader's language.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from search.contract import FacetJSON, FacetsJSON
from search.store import ParagraphStore

FACET_DOCUMENTS = 50


def facets(store: ParagraphStore, results: np.ndarray) -> FacetsJSON:
    """The facets of the rows ``results`` (a mask over the store's rows)."""
    rows = np.flatnonzero(results)  # once: a million-row mask costs more to read than the rows it holds
    per_document = np.bincount(store.doc_codes[rows], minlength=len(store.doc_names))
    listed, others = _most_first(per_document, FACET_DOCUMENTS)
    docs = [_facet(store.doc_names[code], int(per_document[code]), store.document_title) for code in listed]
    per_language = np.bincount(store.lang_codes[rows], minlength=len(store.lang_names))
    langs = [_facet(store.lang_names[code], int(per_language[code])) for code in _most_first(per_language)[0]]
    # A year is its documents': summed from their counts, not from every row.
    per_year = np.bincount(store.doc_years, weights=per_document, minlength=1)
    years: list[FacetJSON] = [
        {"value": int(year), "label": str(year), "count": int(per_year[year])}
        for year in np.flatnonzero(per_year)[::-1]
        if year  # 0: the document gives no year
    ]
    return {
        "doc": docs,
        "doc_others": {"documents": len(others), "count": int(per_document[others].sum())},
        "lang": langs,
        "year": years,
    }


def _most_first(counts: np.ndarray, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The codes that ``counts`` (by code) finds, most frequent first, ties by code (codes number sorted values):
    the first ``limit`` of them and the rest. Ordered by numpy: a common word finds thousands of documents."""
    found = np.flatnonzero(counts)
    ordered = found[np.lexsort((found, -counts[found]))]
    cut = len(ordered) if limit is None else limit
    return ordered[:cut], ordered[cut:]


def _facet(value: np.str_, count: int, label: Callable[[str], str] = str) -> FacetJSON:
    return {"value": str(value), "label": label(str(value)), "count": count}
