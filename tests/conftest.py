"""Shared fixtures: the real corpus indexed once per test session, and the shared evaluation data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from indexer.build import build_index
from search.engine import SearchEngine

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
# The project's own embedding cache: a test run embeds the corpus once, later runs not at all.
CACHE = ROOT / "var" / "cache"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not found: {path}")
    return path


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("index")
    build_index([CORPUS], index_dir, progress=False, cache_dir=CACHE)
    return index_dir


@pytest.fixture(scope="session")
def engine(corpus_index: Path) -> SearchEngine:
    engine = SearchEngine(corpus_index)
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def dev_queries() -> list[dict]:
    path = shared_path("eval", "dev_queries.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


PYTHON = sys.executable
