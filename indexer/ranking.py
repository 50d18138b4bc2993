"""The one rule for picking the best rows of a score array, shared by every leg: the ``limit`` highest
scores above a floor, best first, ties broken by the lower row so that rankings repeat exactly."""

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
