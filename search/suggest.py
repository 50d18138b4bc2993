"""Search suggestions as the browser's search box asks for them (OpenSearch suggestions, JSON).

Completions come from the generation's vocabulary (``indexer/vocabulary.py``): words and frequent phrases of
the reports in both languages, the most frequent first. Lookup is a binary search in a sorted list, so a
suggestion costs microseconds and can run on every keystroke.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from functools import lru_cache

from indexer.analysis import normalise

MAX_SUGGESTIONS = 8
MAX_PREFIX_CHARS = 100


class Suggester:
    def __init__(self, vocabulary: list[tuple[str, int, str]]) -> None:
        self._entries = [entry for entry, _, _ in vocabulary]
        self._counts = [count for _, count, _ in vocabulary]
        self._shapes = [shape for _, _, shape in vocabulary]
        self.complete = lru_cache(maxsize=4096)(self._complete)

    def _complete(self, prefix: str, limit: int = MAX_SUGGESTIONS) -> tuple[tuple[str, int], ...]:
        """The most frequent entries that start with ``prefix`` (normalised), as (written form, paragraphs)."""
        key = " ".join(normalise(prefix[:MAX_PREFIX_CHARS]).split())
        if not key:
            return ()
        start = bisect_left(self._entries, key)
        end = bisect_left(self._entries, key + "\uffff", lo=start)
        best = heapq.nsmallest(limit, range(start, end), key=lambda i: (-self._counts[i], self._entries[i]))
        return tuple((self._shapes[i], self._counts[i]) for i in best)
