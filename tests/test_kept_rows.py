"""An update's row arrays: the previous file's kept rows, copied file to file, then the new rows, exactly as an
array built in memory would hold them, whether the kernel copies or the fallback reads and writes."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from indexer.kept_rows import kept_runs, save_kept_lines, save_kept_rows
from indexer.paragraph_file import line_starts

SHAPES = [(np.float32, (500, 384)), (np.int8, (500, 384)), (np.float32, (500,)), (np.float16, (300, 4))]


@pytest.mark.parametrize("kernel_copies", [True, False])
@pytest.mark.parametrize(("dtype", "shape"), SHAPES)
def test_the_kept_rows_then_the_new_ones_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel_copies: bool, dtype: type, shape: tuple[int, ...]
) -> None:
    if not kernel_copies:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    rng = np.random.default_rng(len(shape))
    old = (rng.normal(size=shape) * 40).astype(dtype)
    np.save(tmp_path / "old.npy", old)
    masks = {
        "runs": rng.random(shape[0]) < 0.6,
        "all": np.ones(shape[0], dtype=bool),
        "none": np.zeros(shape[0], dtype=bool),
        "middle out": np.r_[np.ones(100, bool), np.zeros(shape[0] - 200, bool), np.ones(100, bool)],
    }
    for name, kept in masks.items():
        for added in (0, 7):
            new = (rng.normal(size=(added, *shape[1:])) * 40).astype(np.float64)  # converted to the file's type
            save_kept_rows(tmp_path / "old.npy", tmp_path / "new.npy", kept, new)
            np.save(tmp_path / "expected.npy", np.concatenate([old[kept], new.astype(dtype)]))
            expected = (tmp_path / "expected.npy").read_bytes()
            assert (tmp_path / "new.npy").read_bytes() == expected, (name, added)  # header and rows


def test_rows_that_do_not_fit_the_file_are_refused(tmp_path: Path) -> None:
    np.save(tmp_path / "old.npy", np.zeros((4, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="4 rows"):
        save_kept_rows(tmp_path / "old.npy", tmp_path / "new.npy", np.ones(3, dtype=bool), np.zeros((0, 3)))
    with pytest.raises(ValueError, match="shape"):
        save_kept_rows(tmp_path / "old.npy", tmp_path / "new.npy", np.ones(4, dtype=bool), np.zeros((2, 6)))


def test_runs_are_the_spans_of_consecutive_kept_rows() -> None:
    assert kept_runs(np.array([True, True, False, True, False, False, True])) == [(0, 2), (3, 4), (6, 7)]
    assert kept_runs(np.zeros(3, dtype=bool)) == []
    assert kept_runs(np.zeros(0, dtype=bool)) == []


@pytest.mark.parametrize("kernel_copies", [True, False])
@pytest.mark.parametrize("last_line_ends", [True, False])
def test_the_kept_lines_are_copied_as_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel_copies: bool, last_line_ends: bool
) -> None:
    if not kernel_copies:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    rng = np.random.default_rng(7)
    lines = [f'{{"id": "d:{i}", "text": "абзац {"ж" * int(rng.integers(0, 300))}"}}\n'.encode() for i in range(400)]
    if not last_line_ends:
        lines[-1] = lines[-1].rstrip(b"\n")
    (tmp_path / "old.jsonl").write_bytes(b"".join(lines))
    with open(tmp_path / "old.jsonl", "rb") as old:
        starts = line_starts(old.fileno())
    for kept in (rng.random(len(lines)) < 0.5, np.ones(len(lines), dtype=bool), np.zeros(len(lines), dtype=bool)):
        with open(tmp_path / "new.jsonl", "wb") as out:
            out.write(b"first\n")
            save_kept_lines(tmp_path / "old.jsonl", out, starts, kept)
            out.write(b"last\n")
        expected = b"first\n" + b"".join(line for line, keep in zip(lines, kept, strict=True) if keep) + b"last\n"
        assert (tmp_path / "new.jsonl").read_bytes() == expected
