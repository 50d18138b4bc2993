"""The one rule for picking the best rows of a score array, shared by every leg: the ``limit`` highest
scores above a floor, best first, ties broken by the lower row so that rankings repeat exactly; and the
rank a leg shows for each of them."""

from __future__ import annotations

import numpy as np


def top_rows(scores: np.ndarray, limit: int, above: float = -np.inf) -> list[int]:
    """Rows of the ``limit`` highest scores greater than ``above``, best first, ties by row."""
    found = np.flatnonzero(scores > above)
    if len(found) > limit > 0:
        found = found[np.argpartition(-scores[found], limit - 1)[:limit]]
    elif limit <= 0:
        return []
    return [int(r) for r in found[np.lexsort((found, -scores[found]))]]


def ranks(scores: np.ndarray, order: list[int]) -> dict[int, int]:
    """Each row of ``order`` (``top_rows``' answer: best first) with its rank, 1 + how many rows score higher
    (tied rows share a rank): without counting over every row for each, as ``(scores > score).sum()`` does."""
    found: dict[int, int] = {}
    previous, rank = None, 0
    for position, row in enumerate(order, start=1):
        score = scores[row]
        if score != previous:
            previous, rank = score, position
        found[row] = rank
    return found
