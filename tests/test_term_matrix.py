"""The term matrix's sums against a paragraph-by-paragraph reference: rare and common words (which take
different paths), alternatives in several fields, rival terms of one word and a mask of allowed rows."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.term_matrix import Alternative, TermMatrix

FIELDS = ("exact", "ru")


@pytest.fixture(scope="module")
def matrix() -> tuple[TermMatrix, list[dict[str, list[str]]]]:
    """400 paragraphs of a Zipf vocabulary: "w0" is in most of them, "w40" in a few."""
    rng = np.random.default_rng(7)
    rows = []
    for _ in range(400):
        words = [f"w{min(int(rng.zipf(1.3)) - 1, 60)}" for _ in range(rng.integers(1, 12))]
        rows.append({"exact": words, "ru": [word.upper() for word in words if rng.random() < 0.7]})
    fields = {field: [iter(row[field]) for row in rows] for field in FIELDS}
    return TermMatrix.build(fields, size=len(rows), k1=0.9, b=0.35), rows


def reference(terms: TermMatrix, words: list[list[Alternative]], allowed: np.ndarray) -> tuple[list, list, list]:
    """Each row's BM25, matched words and idf share, one row at a time."""
    weight_of = {
        (field, term): dict(zip(*(a.tolist() for a in terms.column(field, term)), strict=True))
        for alternatives in words
        for field, names, _ in alternatives
        for term in names
    }
    idf = [terms.word_weight(alternatives) for alternatives in words]
    bm25, matched, coverage = [], [], []
    for row in range(terms.size):
        score, count, covered = np.float32(0), 0, np.float32(0)
        for alternatives, weight in zip(words, idf, strict=True):
            hit = False
            for field, names, boost in alternatives:
                found = [weight_of[field, term][row] for term in names if row in weight_of[field, term]]
                if found:
                    score += np.float32(boost * np.float32(max(found)))
                    hit = True
            if hit:
                count += 1
                covered += np.float32(weight)
        keep = bool(allowed[row])
        bm25.append(score if keep else 0)
        matched.append(count if keep else 0)
        coverage.append(covered / max(sum(idf), 1e-9) if keep else 0)
    return bm25, matched, coverage


QUERIES = [
    [[("exact", ("w0",), 0.3), ("ru", ("W0",), 1.0)]],  # in most rows: counted over every row
    [[("exact", ("w0",), 0.3), ("ru", ("W0",), 1.0)], [("exact", ("w30",), 0.3), ("ru", ("W30",), 1.0)]],
    [[("ru", ("W1", "W2", "W3"), 1.0)], [("exact", ("w17",), 1.0)], [("exact", ("absent",), 1.0)]],
    [[("exact", ("w5", "w6"), 0.3), ("ru", ("W5", "W6"), 1.0)], [("ru", ("W0", "W40"), 2.0)]],
    # a word twice, a term in two alternatives of a word, an alternative without terms
    [[("exact", ("w3",), 1.0)], [("exact", ("w3",), 1.0), ("exact", ("w3", "w4"), 0.5), ("ru", (), 1.0)]],
    [],
]


@pytest.mark.parametrize("words", QUERIES)
@pytest.mark.parametrize("left_out", [0, 5, 120, 400])  # rows left out: none, a few (zeroed), many, all
def test_scores_match_a_row_by_row_reference(matrix, words, left_out) -> None:
    terms, _ = matrix
    allowed = np.ones(terms.size, dtype=bool)
    allowed[np.random.default_rng(1).choice(terms.size, left_out, replace=False)] = False
    found = terms.score(words, allowed if left_out else None)
    bm25, matched, coverage = reference(terms, words, allowed)
    assert np.allclose(found.bm25, bm25, rtol=1e-6, atol=0)
    assert found.matched.tolist() == matched
    assert np.allclose(found.coverage, coverage, rtol=1e-6, atol=0)
    assert np.array_equal(terms.bm25(words, allowed if left_out else None), found.bm25)  # the same sums, bit for bit


def test_the_reference_sees_common_and_rare_words(matrix) -> None:
    terms, rows = matrix
    assert terms.document_frequency("exact", "w0") > terms.size // 8  # the path over every row is exercised
    assert 0 < terms.document_frequency("exact", "w30") < terms.size // 8
    assert sum("w0" in row["exact"] and "W0" not in row["ru"] for row in rows) > 0  # fields differ on some rows


def test_an_empty_matrix_scores_nothing() -> None:
    empty = TermMatrix.build({"exact": []}, size=0, k1=0.9, b=0.35)
    found = empty.score([[("exact", ("w0",), 1.0)]], np.zeros(0, dtype=bool))
    assert all(len(values) == 0 for values in found)
