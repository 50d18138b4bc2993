"""The one rule for picking the best rows of a score array, shared by every leg: the ``limit`` highest
scores above a floor, best first, ties broken by the lower row so that rankings repeat exactly; and the
rank a leg shows for each of them."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

# A large array's best rows are looked for among those reaching what a sample of every _SAMPLE_STEP-th row puts a
# little below its share of them: one comparison over the array instead of a selection over all of it (a
# million scores: about 1 ms instead of 8-15).
_SAMPLE_STEP = 64
_SAMPLED_FROM = 64  # rows per wanted row from which the sample pays
_SAMPLED_ROWS = 4096  # and never below this many rows: the sample must hold more than it sets aside
_BUCKETED_MAX = 65536  # ranks_of: scores above a level bucketed at most (more are counted per level) …
_COUNTED_LEVELS = 8  # … for this many levels at most


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


def ranks_of(scores: np.ndarray, rows: Iterable[int], above: float = -np.inf) -> dict[int, int]:
    """Each of ``rows`` that scores above ``above`` with its rank among all rows: 1 + how many score higher
    (tied rows share a rank). Without sorting every row, or counting over all of them for each row asked: a
    page's results at a million paragraphs."""
    asked = np.array([row for row in rows if scores[row] > above], dtype=np.int64)
    if not len(asked):
        return {}
    values = scores[asked]
    levels = np.unique(values)  # ascending
    higher: dict[float, int] = {}
    low = 0
    beating = scores > levels[0]
    # A level that many rows beat is counted over the whole array (a keyword hit far down the meaning ranking):
    # bucketing hundreds of thousands of scores among the levels cost several times as much. A few such levels
    # at most: past them, bucketing every score once costs less than counting for each.
    while low < min(len(levels), _COUNTED_LEVELS):
        count = int(np.count_nonzero(beating))
        if count <= _BUCKETED_MAX:
            break
        higher[float(levels[low])] = count
        low += 1
        if low < len(levels):
            beating = scores > levels[low]
    if low < len(levels):
        rest = levels[low:]
        ahead = scores[beating]  # only these can be ahead of the rest
        # A score beats rest[j] exactly when more than j levels are below it: its slot is > j.
        slots = np.bincount(np.searchsorted(rest, ahead, side="left"), minlength=len(rest) + 1)
        beaten = np.cumsum(slots[::-1])[::-1]  # beaten[j]: scores in slots j and after
        higher |= {float(level): int(beaten[j + 1]) for j, level in enumerate(rest)}
    return {int(row): higher[float(value)] + 1 for row, value in zip(asked, values, strict=True)}
