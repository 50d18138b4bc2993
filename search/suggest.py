"""Search suggestions as the browser's search box asks for them (OpenSearch suggestions, JSON).

Completions come from the generation's vocabulary (``indexer/vocabulary.py``): words and frequent phrases of
the reports in both languages, the most frequent first. Lookup is a binary search in a sorted list, so a
suggestion costs microseconds and can run on every keystroke.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from functools import lru_cache, partial

from indexer.analysis import normalise

MAX_SUGGESTIONS = 8
MAX_PREFIX_CHARS = 100


class Suggester:
    def __init__(self, vocabulary: list[tuple[str, int, str]]) -> None:
        entries = [entry for entry, _, _ in vocabulary]
        counts = [count for _, count, _ in vocabulary]
        shapes = [shape for _, _, shape in vocabulary]
        # The cache holds the lists, not the suggester: no reference cycle keeps an old one alive.
        self.complete = lru_cache(maxsize=4096)(partial(_complete, entries, counts, shapes))


def _complete(
    entries: list[str], counts: list[int], shapes: list[str], prefix: str, limit: int = MAX_SUGGESTIONS
) -> tuple[tuple[str, int], ...]:
    """The most frequent entries that start with ``prefix`` (normalised), as (written form, paragraphs)."""
    key = " ".join(normalise(prefix[:MAX_PREFIX_CHARS]).split())
    if not key:
        return ()
    start = bisect_left(entries, key)
    end = bisect_left(entries, key + "\uffff", lo=start)
    best = heapq.nsmallest(limit, range(start, end), key=lambda i: (-counts[i], entries[i]))
    return tuple((shapes[i], counts[i]) for i in best)
