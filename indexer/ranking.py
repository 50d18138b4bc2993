"""The one rule for picking the best rows of a score array, shared by every leg: the ``limit`` highest
scores above a floor, best first, ties broken by the lower row so that rankings repeat exactly; and the
rank a leg shows for each of them."""

from __future__ import annotations

import numpy as np

# A large array's best rows are looked for among those reaching what a sample of every _SAMPLE_STEP-th row puts a
# little below its share of them: one comparison over the array instead of a selection over all of it (a
# million scores: about 1 ms instead of 8-15).
_SAMPLE_STEP = 64
_SAMPLED_FROM = 64  # rows per wanted row from which the sample pays
_SAMPLED_ROWS = 4096  # and never below this many rows: the sample must hold more than it sets aside


def top_rows(scores: np.ndarray, limit: int, above: float = -np.inf) -> list[int]:
    """Rows of the ``limit`` highest scores greater than ``above``, best first, ties by row."""
    if limit <= 0:
        return []
    found = _candidates(scores, limit, above)  # ascending
    if len(found) > limit:
        values = scores[found]
        best = np.argpartition(-values, limit - 1)[:limit]
        cut = values[best].min()
        if np.count_nonzero(values == cut) > np.count_nonzero(values[best] == cut):  # a tie across the cut
            better, tied = found[values > cut], found[values == cut]
            found = np.concatenate([better, tied[: limit - len(better)]])  # its lowest rows
        else:
            found = found[best]
    return [int(r) for r in found[np.lexsort((found, -scores[found]))]]


def _candidates(scores: np.ndarray, limit: int, above: float) -> np.ndarray:
    """Rows (ascending) scoring above ``above`` among which the best ``limit`` are: on a large array those at or
    above a floor that at least ``limit`` rows reach (but not so many that the sample was no help: a floor
    shared by most rows), else all of them."""
    if len(scores) >= max(_SAMPLED_FROM * limit, _SAMPLED_ROWS):
        sample = scores[::_SAMPLE_STEP]
        place = len(sample) - 1 - (2 * limit // _SAMPLE_STEP + 8)
        floor = np.partition(sample, place)[place]
        if floor > above:
            found = np.flatnonzero(scores >= floor)
            if limit <= len(found) <= _SAMPLED_FROM * limit:
                return found
    return np.flatnonzero(scores > above)


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
