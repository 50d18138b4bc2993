"""An update's copy of a row array: the previous generation's ``.npy`` file without the removed rows, and the
new rows after them; and the same for the lines of its ``paragraphs.jsonl``.

The kept rows are copied file to file (``copy_file_range``: in the kernel, without reading them into the
process), a run of consecutive rows at a time, so an update that adds one report to a million paragraphs neither
reads 1.5 GB of vectors into memory nor converts them again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import numpy as np

_CHUNK = 1 << 24  # bytes a read takes where the kernel cannot copy


def kept_runs(kept: np.ndarray) -> list[tuple[int, int]]:
    """The (start, end) of each run of consecutive True rows of the mask ``kept``."""
    edges = np.flatnonzero(np.diff(np.concatenate([[False], kept, [False]]).astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def save_kept_rows(source: Path, target: Path, kept: np.ndarray, appended: np.ndarray) -> None:
    """Write to ``target`` the array of the ``.npy`` file ``source`` with only its ``kept`` rows (a mask), in
    their order, then the rows of ``appended`` (converted to the source's type)."""
    old = np.load(source, mmap_mode="r")
    appended = np.ascontiguousarray(appended, dtype=old.dtype)
    if len(kept) != len(old) or appended.shape[1:] != old.shape[1:]:
        raise ValueError(f"{source}: {len(old)} rows of shape {old.shape[1:]}, but a mask of {len(kept)} rows and "
                         f"new rows of shape {appended.shape[1:]}")  # fmt: skip
    row_bytes = old.dtype.itemsize * int(np.prod(old.shape[1:], dtype=np.int64))
    shape = (int(np.count_nonzero(kept)) + len(appended), *old.shape[1:])
    header = {"descr": np.lib.format.dtype_to_descr(old.dtype), "fortran_order": False, "shape": shape}
    with open(source, "rb") as src, open(target, "wb") as out:
        np.lib.format.write_array_header_1_0(out, header)
        out.flush()
        for start, end in kept_runs(kept):
            _copy(src.fileno(), out.fileno(), old.offset + start * row_bytes, (end - start) * row_bytes)
        out.seek(0, os.SEEK_END)  # the copies moved the file's position, not the buffered writer's
        out.write(appended.data)


def save_kept_lines(source: Path, out: BinaryIO, starts: np.ndarray, kept: np.ndarray) -> None:
    """Write to ``out`` the ``kept`` lines (a mask) of the text file ``source``, whose lines start at ``starts``
    (then where the last one ends), as they are."""
    out.flush()
    with open(source, "rb") as src:
        for start, end in kept_runs(kept):
            _copy(src.fileno(), out.fileno(), int(starts[start]), int(starts[end] - starts[start]))
    out.seek(0, os.SEEK_END)  # the copies moved the file's position, not the buffered writer's


def _copy(src: int, out: int, offset: int, count: int) -> None:
    """``count`` bytes of ``src`` from ``offset``, written at ``out``'s position."""
    while count > 0:
        try:
            done = os.copy_file_range(src, out, count, offset)
        except (AttributeError, OSError):  # not Linux, or a file system that cannot: read and write
            done = os.write(out, os.pread(src, min(count, _CHUNK), offset))
        if done == 0:
            raise OSError(f"the file ended before {count} more bytes at {offset}")
        offset += done
        count -= done
