"""Facets of a query: how many of its results each document, language and year holds, for filters with counts.

Counted over every result of the query, not over one page; a year is counted for the documents that have one.
Documents and languages come most results first, years newest first. Only the ``FACET_DOCUMENTS`` documents
with the most results are listed (an archive of a million paragraphs has thousands of documents, and a common
word finds them all: a response would carry them all, and a page would list them); ``doc_others`` counts the
rest, so that the listed documents' counts and its count add up to ``total``. A language's label is its code:
front ends say it in their reader's language.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from search.contract import FacetJSON, FacetsJSON
from search.store import ParagraphStore

FACET_DOCUMENTS = 50


def facets(store: ParagraphStore, results: np.ndarray) -> FacetsJSON:
    """The facets of the rows ``results`` (a mask over the store's rows)."""
    rows = np.flatnonzero(results)  # once: a million-row mask costs more to read than the rows it holds
    per_document = np.bincount(store.doc_codes[rows], minlength=len(store.doc_names))
    by_document = _most_first(store.doc_names, per_document)
    docs: list[FacetJSON] = [
        {"value": doc, "label": store.document_title(doc), "count": n} for doc, n in by_document[:FACET_DOCUMENTS]
    ]
    others = by_document[FACET_DOCUMENTS:]
    per_language = np.bincount(store.lang_codes[rows], minlength=len(store.lang_names))
    langs: list[FacetJSON] = [
        {"value": lang, "label": lang, "count": n} for lang, n in _most_first(store.lang_names, per_language)
    ]
    per_year: Counter[int] = Counter()  # a year is its documents': summed from their counts, not from every row
    for code in np.flatnonzero(per_document):
        per_year[int(store.doc_years[code])] += int(per_document[code])
    years: list[FacetJSON] = [
        {"value": year, "label": str(year), "count": n}
        for year, n in sorted(per_year.items(), reverse=True)
        if year  # 0: the document gives no year
    ]
    return {
        "doc": docs,
        "doc_others": {"documents": len(others), "count": sum(n for _, n in others)},
        "lang": langs,
        "year": years,
    }


def _most_first(names: np.ndarray, counts: np.ndarray) -> list[tuple[str, int]]:
    """Each value (``names[code]``) that ``counts`` (by code) finds, with its count, most frequent first (ties by
    value)."""
    return sorted(((str(names[i]), int(counts[i])) for i in np.flatnonzero(counts)), key=lambda p: (-p[1], p[0]))
