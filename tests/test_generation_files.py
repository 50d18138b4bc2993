"""Every generation of the current index format holds its term matrix, vocabulary and alignment: a missing one
is a damaged generation and an error, not an older format to make do without."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.generation import ALIGNMENT, KEYWORD_DIR, Generation, published_generation
from indexer.term_matrix import TERM_NAMES, TERMS, TermMatrix
from indexer.vocabulary import VOCABULARY, read_vocabulary

ROWS = ["право пытка право", "пытка", "суд право"]


def test_a_built_generation_has_every_file(corpus_index: Path) -> None:
    path = published_generation(corpus_index).path
    for name in (ALIGNMENT, VOCABULARY, f"{KEYWORD_DIR}/{TERMS}", f"{KEYWORD_DIR}/{TERM_NAMES}"):
        assert (path / name).is_file(), name


def test_a_saved_term_matrix_loads_with_the_same_scores(tmp_path: Path) -> None:
    built = TermMatrix.build({"exact": [iter(row.split()) for row in ROWS]}, size=len(ROWS), k1=1.2, b=0.75)
    built.save(tmp_path)
    loaded = TermMatrix.load(tmp_path)
    words = [[("exact", ("право",), 1.0)], [("exact", ("пытка", "суд"), 0.5)]]
    for expected, actual in zip(built.score(words), loaded.score(words), strict=True):
        assert np.array_equal(expected, actual)
    assert loaded.size == 3 and loaded.terms_with_prefix("exact", "п") == ["право", "пытка"]


def test_a_missing_term_matrix_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        TermMatrix.load(tmp_path)


def test_a_missing_vocabulary_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_vocabulary(tmp_path / VOCABULARY)


def test_a_missing_alignment_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Generation(tmp_path, {}).read_alignment()
