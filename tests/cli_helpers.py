"""Running the real command lines on small corpora written in the test: shared by the indexer's tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import CACHE, PYTHON, ROOT

# Paragraphs apart by a white-space line, as in the PDF extractions: two paragraphs, the first of two sentences.
REPORT = (
    "Суды рассматривают жалобы на пытки. Решения суда публикуются.\n\n \n\n"
    "Второй абзац говорит о правах человека в Казахстане.\n"
)
OTHER = "Отчёт о пробации.\n\n \n\nСлужба пробации работает в каждом районе и помогает осуждённым.\n"
SENTENCE = "Комитет рекомендует государству-участнику обеспечить независимое расследование всех заявлений о пытках. "


def indexer(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "-m", "indexer", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        **kwargs,
    )


def search(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "search", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """The single ``error: …`` line a failed command printed (and nothing else: no traceback)."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def corpus(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def build(
    folder: Path, index: Path, *args: str, cache: Path = CACHE, env: dict | None = None
) -> subprocess.CompletedProcess:
    return indexer(str(folder), "--index", str(index), "--cache", str(cache), "--quiet", *args, env=env)
