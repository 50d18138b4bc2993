"""Issue 11, the search command line: a bad argument is one clear line and exit status 2, never a traceback."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from indexer.build import build_index
from tests.conftest import CACHE, PYTHON, ROOT


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "torture.txt").write_text("Суды рассматривают жалобы на пытки.\n", encoding="utf-8")
    (folder / "probation.txt").write_text("Служба пробации помогает осуждённым.\n", encoding="utf-8")
    index = tmp_path_factory.mktemp("index")
    build_index([folder], index, progress=False, cache_dir=CACHE)
    return index


def search(index: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "-m", "search", *args, "--index", str(index)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    (line,) = result.stderr.strip().splitlines()
    return line


def test_a_missing_batch_file_is_named(index, tmp_path):
    missing = tmp_path / "missing.jsonl"
    assert error_line(search(index, "--batch", str(missing))) == f"error: {missing}: no such file"


def test_an_unknown_language_lists_the_valid_ones(index):
    line = error_line(search(index, "пытки", "--lang", "xx"))
    assert line == "error: unknown language 'xx': choose kk, ru, en, other (paragraphs in this index: ru 2)"


def test_an_unknown_document_lists_the_indexed_ones(index):
    line = error_line(search(index, "пытки", "--doc", "no-such-doc"))
    assert line == "error: no document 'no-such-doc' in this index: choose one of probation, torture"


def test_valid_filters_still_search(index):
    found = search(index, "пытки", "--lang", "ru", "--doc", "torture", "--json")
    assert found.returncode == 0, found.stderr
    assert [r["doc_id"] for r in json.loads(found.stdout)["results"]] == ["torture"]
