"""Facets of a query: how many of its results each document, language and year holds, for filters with counts.

Counted over every result of the query, not over one page, so the document counts add up to ``total``; a year
is counted for the documents that have one. Documents and languages come most results first, years newest
first. A language's label is its code: front ends say it in their reader's language.
"""

from __future__ import annotations

import numpy as np

from search.contract import FacetJSON, FacetsJSON
from search.store import ParagraphStore


def facets(store: ParagraphStore, results: np.ndarray) -> FacetsJSON:
    """The facets of the rows ``results`` (a mask over the store's rows)."""
    docs: list[FacetJSON] = [
        {"value": doc, "label": store.document_title(doc), "count": n} for doc, n in _counts(store.docs[results])
    ]
    langs: list[FacetJSON] = [{"value": lang, "label": lang, "count": n} for lang, n in _counts(store.langs[results])]
    years: list[FacetJSON] = [
        {"value": year, "label": str(year), "count": n}
        for year, n in sorted(_counts(store.years[results]), reverse=True)
        if year  # 0: the document gives no year
    ]
    return {"doc": docs, "lang": langs, "year": years}


def _counts(values: np.ndarray) -> list[tuple]:
    """Each distinct value with its count, most frequent first (ties by value)."""
    found, counts = np.unique(values, return_counts=True)
    return sorted(zip(found.tolist(), counts.tolist(), strict=True), key=lambda pair: (-pair[1], pair[0]))
