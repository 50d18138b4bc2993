"""Rows of a memory-mapped ``.npy`` array read from its file with ``preadv``, not through the map.

A page fault maps the pages around it too: the scattered rows that a few hundred queries read through a map
(the rows a query rescores, the sentences of its results) leave most of the file in the server's memory. The
file is opened once and kept, as the maps are, so that a generation removed under a running server stays
readable.
"""

from __future__ import annotations

import os
import weakref

import numpy as np

_READ_GAP = 4  # rows (6 KB of float32 vectors): nearer rows are read in one call, with the rows between


class RowReader:
    def __init__(self, array: np.memmap) -> None:
        """Reads rows of ``array``, an ``np.load(..., mmap_mode="r")`` of a 2-d ``.npy`` file."""
        self.dtype, self.dim, self.offset = array.dtype, int(array.shape[1]), int(array.offset)
        self._fd = os.open(str(array.filename), os.O_RDONLY)
        self.close = weakref.finalize(self, os.close, self._fd)

    def rows(self, rows: np.ndarray) -> np.ndarray:
        """The ``rows`` (ascending), as an array of their own. Rows fewer than ``_READ_GAP`` apart are read
        together, one read a run."""
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return np.empty((0, self.dim), dtype=self.dtype)
        starts_run = np.diff(rows, prepend=-_READ_GAP) >= _READ_GAP
        run = np.cumsum(starts_run) - 1  # each row's run
        firsts = rows[starts_run]
        lengths = rows[np.append(starts_run[1:], True)] + 1 - firsts
        places = np.concatenate([[0], np.cumsum(lengths)[:-1]])  # where each run goes in ``spans``
        spans = np.empty((int(lengths.sum()), self.dim), dtype=self.dtype)
        into, size = spans.data.cast("B"), self.dim * spans.itemsize
        for first, length, place in zip(firsts.tolist(), lengths.tolist(), places.tolist(), strict=True):
            target = into[place * size : (place + length) * size]
            os.preadv(self._fd, [target], self.offset + first * size)  # no shared file offset
        if len(spans) == len(rows):  # no row between them: the rows are the spans
            return spans
        return spans[places[run] + rows - firsts[run]]
