"""The semantic leg's int8 vectors: their top rows, rescored in float32, are the exact ones; an update keeps the
int8 rows beside their float32 rows; a generation of the format before them is refused, and rebuilt (real corpus,
encoder and builds)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from indexer import vector_index
from indexer.build import build_index
from indexer.generation import FORMAT_VERSION, MANIFEST, IndexNotFound, published_generation
from indexer.meaning_null import OFF_TOPIC_QUERIES, load_null_queries
from indexer.ranking import top_rows
from indexer.row_reader import RowReader
from indexer.sentences import SentenceIndex
from indexer.vector_index import QUANTISED, RESCORED, SCALES, VectorIndex, quantise
from search.engine import SearchEngine
from search.query import meaning_text, parse_query
from tests.conftest import CACHE, CORPUS

BILINGUAL = "004_9641ebcea6de96ce.txt"  # a file whose removal leaves rows before and after it


def query_vectors(engine: SearchEngine, queries: list[str]) -> list[np.ndarray]:
    """Each query's vector as the semantic leg scores it: embedded, less its language's pull."""
    return [engine.semantic.corrected(engine.query_vector(meaning_text(q)[0]), parse_query(q).lang) for q in queries]


def found_share(exact: np.ndarray, rows: list[int], depth: int) -> float:
    """The share of ``rows`` that belong to the exact top ``depth`` (a row tied with the last one counts)."""
    floor = exact[top_rows(exact, depth)[-1]] - 1e-6
    return float(np.mean(exact[rows] >= floor))


@pytest.fixture(autouse=True)
def int8_at_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped corpus is small enough to be scored exactly: these tests take it through the int8 leg."""
    monkeypatch.setattr(vector_index, "WHOLLY_EXACT_BYTES", 0)


def test_a_small_index_is_scored_exactly(engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vector_index, "WHOLLY_EXACT_BYTES", engine.vectors.vectors.nbytes)
    [vector] = query_vectors(engine, ["отмена смертной казни"])
    exact = np.asarray(engine.vectors.vectors) @ vector
    assert engine.vectors.similarities(vector) == pytest.approx(exact, abs=1e-6)


def test_the_top_100_of_the_int8_leg_is_the_exact_top_100(engine: SearchEngine, dev_queries: list[dict]) -> None:
    assert len(engine.store) > RESCORED  # so that some rows keep their int8 estimate
    vectors = np.asarray(engine.vectors.vectors)
    for query, vector in zip(dev_queries, query_vectors(engine, [q["query"] for q in dev_queries]), strict=True):
        exact = vectors @ vector
        scores = engine.vectors.similarities(vector)
        top = top_rows(scores, 100)
        assert found_share(exact, top, 100) >= 0.98, query["query"]
        assert scores[top] == pytest.approx(exact[top], abs=1e-5)  # rescored: the exact cosine
        assert np.abs(scores - exact).max() < 0.01  # the others: their int8 estimate
        assert np.sum(scores == engine.vectors.estimates(vector)) >= len(scores) - RESCORED


def test_a_split_int8_scan_gives_every_row_its_one_scan_score(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past SPLIT_ROWS the scan is cut in two halves, the first on a helper thread, or taken back by the caller
    while the helper is busy: either way, the dot products of one scan."""
    queries = query_vectors(engine, ["пытки", "өлім жазасы", "суд"])
    whole = [engine.vectors.estimates(vector) for vector in queries]
    monkeypatch.setattr(vector_index, "SPLIT_ROWS", 2)
    busy = vector_index._HELPER.submit(time.sleep, 0.5)
    taken_back = [engine.vectors.estimates(vector) for vector in queries]
    busy.result()
    helped = [engine.vectors.estimates(vector) for vector in queries]
    for one, *split in zip(whole, taken_back, helped, strict=True):
        assert all(np.array_equal(one, two) for two in split) and len(one) == len(engine.store)


def test_rows_outside_a_mask_do_not_take_its_rescoring(engine: SearchEngine) -> None:
    [vector] = query_vectors(engine, ["право на справедливое судебное разбирательство"])
    exact = np.asarray(engine.vectors.vectors) @ vector
    among = np.arange(len(exact)) % 3 == 0
    scores = engine.vectors.similarities(vector, among)
    best = top_rows(np.where(among, scores, -np.inf), 100)
    assert scores[best] == pytest.approx(exact[best], abs=1e-5)
    assert found_share(np.where(among, exact, -np.inf), best, 100) >= 0.98


def test_the_meaning_thresholds_are_the_exact_best_similarities(corpus_index: Path, engine: SearchEngine) -> None:
    """The manifest's off-topic similarities come from the same int8-then-rescore scoring as queries: their best
    row is rescored, so each is the exact float32 best."""
    generation = published_generation(corpus_index)
    null_vectors = load_null_queries(generation.path)
    vectors = np.asarray(engine.vectors.vectors)
    start = 0
    for lang, questions in OFF_TOPIC_QUERIES.items():
        corrected = [engine.semantic.corrected(v, lang) for v in null_vectors[start : start + len(questions)]]
        start += len(questions)
        exact = sorted(float((vectors @ v).max()) for v in corrected)
        assert generation.manifest["meaning_null"][lang] == pytest.approx(exact, abs=1e-4), lang


def test_many_queries_scored_in_one_pass_find_each_its_own_best(engine: SearchEngine) -> None:
    """An indexer's questions (more of them than one pass takes) get, from one pass over the int8 rows, the best
    similarity each gets alone."""
    queries = query_vectors(engine, [q for qs in OFF_TOPIC_QUERIES.values() for q in qs][:21])
    alone = [float(engine.vectors.similarities(vector).max()) for vector in queries]
    assert engine.vectors.best_similarities(np.array(queries)) == alone
    assert len(set(alone)) > 10  # distinct questions, distinct answers: no row of scores stood in for another


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


def rows_by_id(index: Path) -> tuple[dict[str, int], VectorIndex]:
    generation = published_generation(index)
    return {r.id: row for row, r in enumerate(generation.read_paragraphs())}, VectorIndex.load(generation.path)


def test_an_update_keeps_the_int8_rows_beside_their_float32_rows(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index([corpus], index, progress=False, cache_dir=CACHE)
    before_rows, before = rows_by_id(index)
    shutil.move(corpus / BILINGUAL, tmp_path / BILINGUAL)
    update = build_index([corpus], index, progress=False, cache_dir=CACHE)
    assert (update.read, update.carried_over) == (0, 4)
    after_rows, after = rows_by_id(index)
    assert len(after.vectors) == len(after.quantised) == len(after.scales) == len(after_rows) < len(before_rows)
    kept_before = [before_rows[i] for i in after_rows]
    assert np.array_equal(after.vectors, before.vectors[kept_before])
    assert np.array_equal(after.quantised, before.quantised[kept_before])
    assert np.array_equal(after.scales, before.scales[kept_before])
    quantised, scales = quantise(np.asarray(after.vectors))
    assert np.array_equal(after.quantised, quantised) and np.array_equal(after.scales, scales)
    # each int8 row, scaled, is its float32 row within half a step
    assert np.all(np.abs(after.quantised * after.scales[:, None] - after.vectors) <= after.scales[:, None] / 2 + 1e-7)


def test_a_generation_of_the_previous_format_is_refused_and_rebuilt(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index([corpus], index, progress=False, cache_dir=CACHE)
    old = published_generation(index).path
    manifest = json.loads((old / MANIFEST).read_text(encoding="utf-8"))
    (old / MANIFEST).write_text(json.dumps({**manifest, "format_version": FORMAT_VERSION - 1}), encoding="utf-8")
    (old / QUANTISED).unlink()  # as the format before int8 vectors wrote it
    (old / SCALES).unlink()
    with pytest.raises(IndexNotFound, match=f"index format {FORMAT_VERSION - 1}, expected {FORMAT_VERSION}; rebuild"):
        SearchEngine(index)
    rebuilt = build_index([corpus], index, progress=False, cache_dir=CACHE)
    assert (rebuilt.read, rebuilt.carried_over) == (5, 0)
    assert (published_generation(index).path / QUANTISED).is_file()
    engine = SearchEngine(index)
    try:
        assert engine.search("пытки", mode="semantic")["results"]
    finally:
        engine.close()


def test_rows_are_read_from_the_file_as_the_map_gives_them(tmp_path: Path) -> None:
    """Rescored rows and result sentences are read with preadv, runs of near rows in one read; the file stays
    readable once removed (a generation pruned under a running server)."""
    array = np.random.default_rng(7).standard_normal((500, 16)).astype(np.float16)
    np.save(tmp_path / "rows.npy", array)
    reader = RowReader(np.load(tmp_path / "rows.npy", mmap_mode="r"))
    (tmp_path / "rows.npy").unlink()
    for rows in ([0], [499], [3, 4, 5, 9, 10, 200, 201, 499], list(range(0, 500, 3)), []):
        assert np.array_equal(reader.rows(np.array(rows, dtype=np.int64)), array[rows])
    reader.close()


def test_the_nearest_sentences_are_the_same_read_from_the_file(engine: SearchEngine) -> None:
    mapped = engine.sentences
    in_memory = SentenceIndex(np.asarray(mapped.vectors), mapped.spans)
    query = engine.query_vector("отмена смертной казни")
    for rows in ([5], [40, 12, 300], list(range(100, 160))):
        assert mapped.nearest(query, rows, 3) == in_memory.nearest(query, rows, 3)
