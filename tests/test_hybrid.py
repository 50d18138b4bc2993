"""Hybrid ranking, cross-lingual search and the Kazakh–Russian alignment on the real corpus."""

import json
import subprocess

import numpy as np
import pytest

from indexer.alignment import align_documents
from search.evaluate import evaluate_alignment
from search.evaluate import main as evaluate_main
from search.fusion import fuse_scores, normalise_keyword, normalise_semantic, reciprocal_rank_fusion, with_borrowed
from tests.conftest import PYTHON, ROOT, shared_path


def ids(response):
    return [r["id"] for r in response["results"]]


def test_fusion_weights_reproduce_each_leg_and_break_ties_by_row():
    keyword = {1: 1.0, 2: 0.5, 3: 0.5}
    semantic = {4: 1.0, 3: 0.8, 1: 0.1}
    assert [f.row for f in fuse_scores(keyword, semantic, 0.0)][:3] == [1, 2, 3]
    assert [f.row for f in fuse_scores(keyword, semantic, 1.0)][:3] == [4, 3, 1]
    assert [f.row for f in fuse_scores({7: 1.0, 5: 1.0}, {}, 0.5)] == [5, 7]
    assert [f.row for f in reciprocal_rank_fusion({1: 1, 2: 2}, {2: 1, 3: 2}, 0.5)][0] == 2


def test_normalisation_puts_both_legs_on_one_scale():
    assert normalise_keyword({1: 10.0, 2: 5.0}, {1: 1.0, 2: 0.5}) == {1: 1.0, 2: 0.25}
    assert normalise_keyword({}, {}) == {}
    assert normalise_semantic({1: 0.9, 2: 0.8, 3: 0.7}, floor=0.8) == {1: 1.0, 2: 0.0, 3: 0.0}


def test_borrowed_words_weigh_what_the_query_own_words_leave():
    assert with_borrowed({1: 1.0, 2: 0.5}, {3: 8.0}) == {1: 1.0, 2: 0.5}  # own words explain it all
    assert with_borrowed({}, {3: 8.0, 4: 2.0}) == {3: 1.0, 4: 0.25}  # own words find nothing
    assert with_borrowed({1: 0.5, 3: 0.4}, {3: 8.0, 4: 4.0}) == {1: 0.5, 3: 0.5, 4: 0.25}
    assert with_borrowed({1: 0.5}, {}) == {1: 0.5}


def test_alpha_zero_and_one_reproduce_the_legs(engine):
    query = "условия содержания в местах лишения свободы"
    keyword = engine.search(query, k=10, mode="keyword")
    semantic = engine.search(query, k=10, mode="semantic")
    assert ids(engine.search(query, k=10, alpha=0.0)) == ids(keyword)
    assert ids(engine.search(query, k=10, alpha=1.0)) == ids(semantic)
    hybrid = engine.search(query, k=10)
    assert hybrid["mode"] == "hybrid" and ids(hybrid) not in (ids(keyword), ids(semantic))
    scores = [r["score"] for r in hybrid["results"]]
    assert scores == sorted(scores, reverse=True)
    # Each result carries each leg's own score and rank, as that leg alone ranks it: the fusion explained.
    for leg, alone in (("keyword", keyword), ("semantic", semantic)):
        own = {r["id"]: r[leg] for r in alone["results"]}
        shown = {r["id"]: r[leg] for r in hybrid["results"] if r["id"] in own}
        assert shown and shown == {id_: own[id_] for id_ in shown}, leg
    assert all(r["semantic"] is not None for r in hybrid["results"])  # meaning scores every paragraph


def test_pages_beyond_the_window_are_consistent(engine):
    query = "права человека"
    whole = engine.search(query, k=100)
    assert ids(engine.search(query, k=10, offset=60)) == ids(whole)[60:70]
    assert whole["total"] >= 100


def test_rrf_is_an_option_and_bad_parameters_are_refused(engine):
    assert engine.search("пробация", k=5, fusion="rrf")["results"]
    with pytest.raises(ValueError, match="alpha"):
        engine.search("пробация", alpha=1.5)
    with pytest.raises(ValueError, match="fusion"):
        engine.search("пробация", fusion="max")


def test_kazakh_query_finds_russian_answers(engine):
    results = engine.search("Конституциялық Сотқа кімдер жүгіне алады?", k=10)["results"]
    assert any(r["lang"] == "ru" and "Конституционный Суд" in r["text"] for r in results[:5])


def test_kazakh_question_borrows_the_words_of_its_nearest_russian_sentences(engine):
    query = "Жәбірленушілерге өтемақы қорынан қанша АЕК төленеді?"
    assert engine.semantic.is_minority("kk") and not engine.semantic.is_minority("ru")
    results = engine.search(query, k=10)["results"]
    # "С 1 июля 2020 года действует Фонд компенсации потерпевшим…": no word of the query, far down by meaning
    fund = next(r for r in results if r["id"] == "ccpr-answers:24")
    assert fund["keyword"] is None and fund["semantic"]["rank"] > 20
    # words only (alpha 0) means the query's own words: nothing is borrowed
    words_only = {r["id"]: r["score"] for r in engine.search(query, k=100, alpha=0.0)["results"]}
    assert words_only.get("ccpr-answers:24", 0.0) == 0.0


def test_generation_keeps_each_sentence_and_its_vector(engine):
    row = engine.store.row_of("ccpr-answers:206")
    found = engine.sentences.of_rows([row])
    text = engine.paragraph("ccpr-answers:206").text
    starts = [int(s) for _, s, _ in engine.sentences.spans[found]]
    assert len(found) == 5 and text[starts[2] :].startswith("Предусмотрена выплата")
    _, start, end = engine.sentences.spans[found[2]]
    fresh = engine.encoder.encode_passages([text[start:end]])[0]
    assert float(np.asarray(engine.sentences.vectors[found[2]], dtype=np.float32) @ fresh) > 0.999
    # a one-sentence paragraph's sentence is the paragraph itself, with its vector
    single = next(r for r in range(len(engine.store)) if len(engine.sentences.of_rows([r])) == 1)
    [index] = engine.sentences.of_rows([single])
    assert np.allclose(engine.sentences.vectors[index], engine.vectors.vectors[single], atol=1e-3)


def test_russian_query_finds_kazakh_annex(engine):
    results = engine.search("подготовка пенитенциарных психологов в Костанайской академии", k=6)["results"]
    assert {"ru", "kk"} <= {r["lang"] for r in results}


def test_alignment_pairs_the_bilingual_letter(engine):
    figures = evaluate_alignment(engine, shared_path("eval", "dev_align_004.jsonl"))
    assert figures["precision"] >= 0.9 and figures["recall"] >= 0.9
    kazakh = engine.search("пробация қызметінің негізгі міндеттері", k=1, lang="kk")["results"][0]
    assert kazakh["translation"]["lang"] == "ru"
    assert engine.translation(kazakh["translation"]["id"]).id == kazakh["id"]


def test_alignment_dump(corpus_index):
    dump = subprocess.run(
        [PYTHON, "-m", "indexer", "--dump", "alignment", "--index", str(corpus_index)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    pairs = [json.loads(line) for line in dump.stdout.splitlines()]
    # 004's Kazakh paragraphs (each cover letter is one passage, head and closing included): all of them paired
    assert len(pairs) >= 55 and pairs[0].keys() == {"kk_id", "ru_id", "score"}
    assert all(p["kk_id"].startswith("mvd-ds-219:") and 0 < p["score"] <= 1 for p in pairs)


@pytest.mark.parametrize(("kazakh", "russian", "aligned"), [(5, 5, True), (3, 9, True), (2, 18, False), (0, 10, False)])
def test_only_documents_with_both_languages_in_earnest_are_aligned(kazakh, russian, aligned):
    """A Russian report with a Kazakh quote or two is not a translation of itself."""
    records = [{"id": f"d:{i}", "doc_id": "d", "lang": "kk" if i < kazakh else "ru"} for i in range(kazakh + russian)]
    # Each Kazakh paragraph's translation is the Russian one at the same place: nearly the same vector.
    rng = np.random.default_rng(0)
    base = rng.normal(size=(max(kazakh, russian), 16))
    vectors = np.concatenate([base[:kazakh], base[:russian] + 0.01 * rng.normal(size=(russian, 16))])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert bool(align_documents(records, vectors)) == aligned


def test_evaluate_refuses_a_misspelt_set_before_running_any(capsys, tmp_path):
    with pytest.raises(SystemExit) as stopped:
        evaluate_main(["--index", str(tmp_path / "none"), "--sets", "dev,tatoeba", "--shared", str(tmp_path)])
    assert stopped.value.code == 2
    assert "--sets tatoeba" in capsys.readouterr().err
