"""A generation's ``paragraphs.jsonl`` as a sequence of records read on demand.

A server keeps where each line starts (8 bytes a paragraph) instead of every record (about 1.5 KB each: 1.5 GB
at a million paragraphs); a search reads the few records it shows, and the recently read ones stay cached.
The file is read through a descriptor opened once, so a generation removed under a running server stays
readable, as its vectors do (``indexer/vector_index.py``).
"""

from __future__ import annotations

import itertools
import json
import operator
import os
import weakref
from collections.abc import Iterator, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import overload

import numpy as np

from indexer.records import ParagraphRecord

_BLOCK = 1 << 24  # bytes read at a time when the line starts are found
_BLOCK_LINES = 8192  # lines read at a time when every record is read (about 12 MB)
CACHED_RECORDS = 4096


class ParagraphFile(Sequence[ParagraphRecord]):
    def __init__(self, path: Path) -> None:
        self._file = _Descriptor(os.open(path, os.O_RDONLY))
        self.close = weakref.finalize(self, self._file.close)
        try:
            self._starts = line_starts(self._file.fd)
        except BaseException:
            self.close()
            raise
        # The cache holds the descriptor and offsets, not this object: no cycle keeps a closed file's object alive.
        self._record = lru_cache(maxsize=CACHED_RECORDS)(partial(_read_record, self._file, self._starts))

    def __enter__(self) -> ParagraphFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self._starts) - 1

    @overload
    def __getitem__(self, row: int) -> ParagraphRecord: ...

    @overload
    def __getitem__(self, row: slice) -> list[ParagraphRecord]: ...

    def __getitem__(self, row: int | slice) -> ParagraphRecord | list[ParagraphRecord]:
        if isinstance(row, slice):
            return [self._record(i) for i in range(*row.indices(len(self)))]
        row = operator.index(row)
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(f"row {row} of {len(self)} paragraphs")
        return self._record(row)

    def __iter__(self) -> Iterator[ParagraphRecord]:
        """Every record in row order, read ``_BLOCK_LINES`` lines at a time (not cached: a pass over all of them
        would push out the records that searches show)."""
        return map(_parse, self._lines())

    def fields(self, *names: str) -> Iterator[tuple]:
        """Each record's ``names`` (None where it has none) in row order, without making the records: a server's
        pass over every paragraph at start-up (a million took 23 s, where making their records took 40)."""
        for line in self._lines():
            data = json.loads(line)
            yield tuple(data.get(name) for name in names)

    def _lines(self) -> Iterator[bytes]:
        for first in range(0, len(self), _BLOCK_LINES):
            starts = self._starts[first : first + _BLOCK_LINES + 1]
            block = os.pread(self._file.fd, int(starts[-1] - starts[0]), int(starts[0]))
            for start, end in itertools.pairwise((starts - starts[0]).tolist()):
                yield block[start:end]


class _Descriptor:
    """An open file's descriptor, which reads refuse once it is closed (its number may belong to another file)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def close(self) -> None:
        fd, self.fd = self.fd, -1
        if fd >= 0:
            os.close(fd)


def line_starts(fd: int) -> np.ndarray:
    """Where each line starts, then where the last one ends (int64)."""
    ends, position = [], 0
    while block := os.pread(fd, _BLOCK, position):
        ends.append(np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == ord("\n")) + position + 1)
        position += len(block)
    starts = np.concatenate([[0], *ends]).astype(np.int64)
    return starts if starts[-1] == position else np.append(starts, position)  # a last line without its end


def _read_record(file: _Descriptor, starts: np.ndarray, row: int) -> ParagraphRecord:
    start, end = int(starts[row]), int(starts[row + 1])
    return _parse(os.pread(file.fd, end - start, start))


def _parse(line: bytes) -> ParagraphRecord:
    return ParagraphRecord.from_json(json.loads(line))
