"""Evidence, or nothing: a paragraph is a result only when its words or its meaning show that it answers; a
query with no answer gets none, with its unknown words and what to try (real corpus, whoosh and encoder)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from indexer.generation import published_generation
from indexer.meaning_null import OFF_TOPIC_QUERIES
from search.evaluate import match_form
from search.evidence import EVIDENCE_KINDS, Evidence, MeaningThresholds
from search.keyword_leg import KeywordScores
from tests.conftest import shared_path
from web import create_app

THRESHOLDS = MeaningThresholds(strong=0.85, weak=0.80)


@pytest.mark.parametrize(
    ("coverage", "similarity", "borrowed", "mode", "kind"),
    [
        (0.6, 0.70, False, "hybrid", "words"),  # most of the query's idf
        (0.3, 0.70, False, "hybrid", None),  # a few common words, far in meaning
        (0.0, 0.86, False, "hybrid", "meaning"),  # closer than any off-topic question came
        (0.3, 0.82, False, "hybrid", "both"),  # some words and a typical off-topic question's closeness
        (0.05, 0.82, False, "hybrid", None),  # a stray word is no support
        (0.0, 0.82, True, "hybrid", None),  # a borrowed sentence's words back nothing: every query has one
        (0.6, 0.70, False, "semantic", "words"),  # words are evidence whichever leg ranks the paragraph
        (0.0, 0.86, False, "keyword", None),  # keyword mode is asked for the words
        (0.6, 0.86, False, "hybrid", "both"),
    ],
)
def test_evidence_kinds(coverage, similarity, borrowed, mode, kind):
    leg = KeywordScores(np.array([1.0 if coverage else 0.0]), np.array([coverage]), np.array([coverage]))
    leg.borrowed = {0: 1.0} if borrowed else {}
    evidence = Evidence.of(leg, np.array([similarity]), THRESHOLDS, mode)
    assert evidence.kind(0) == kind


def test_the_index_measures_how_close_off_topic_questions_come(corpus_index):
    null = published_generation(corpus_index).manifest["meaning_null"]
    assert {lang: len(values) for lang, values in null.items()} == {
        lang: len(queries) for lang, queries in OFF_TOPIC_QUERIES.items()
    }
    assert all(values == sorted(values) for values in null.values())
    # Kazakh queries are corrected for their language's pull: their similarities live lower.
    assert max(null["kk"]) < min(null["ru"])


def test_questions_with_no_answer_get_nothing(engine):
    queries = [json.loads(line) for line in shared_path("eval", "dev_no_answer.jsonl").read_text("utf-8").splitlines()]
    empty = [engine.search(q["query"])["total"] == 0 for q in queries]
    assert sum(empty) / len(empty) >= 0.9
    nothing = engine.search("zzzxqv")
    assert (nothing["total"], nothing["results"], nothing["unknown_words"]) == (0, [], ["zzzxqv"])


def test_every_result_carries_its_evidence_and_a_confidence(engine):
    for query in ["отмена смертной казни", "пытки в местах лишения свободы", "Конституциялық Сот"]:
        response = engine.search(query, k=20)
        assert response["results"]
        for result in response["results"]:
            assert result["evidence"] in EVIDENCE_KINDS
            assert 0.0 <= result["confidence"] <= 1.0
    best = engine.search("отмена смертной казни", k=1)["results"][0]
    assert best["evidence"] == "both" and best["confidence"] > 0.8


def test_confidence_is_calibrated_on_the_judged_queries(engine):
    """The mean confidence of the top 10 is the share of them that are judged answers, within 0.05."""
    confidences, relevant = [], []
    for name in ("dev_queries.jsonl", "dev_xl_queries.jsonl"):
        for query in map(json.loads, shared_path("eval", name).read_text("utf-8").splitlines()):
            quotes = [match_form(judged["quote"]) for judged in query["relevant"]]
            for result in engine.search(query["query"], k=10, snippets=False)["results"]:
                confidences.append(result["confidence"])
                relevant.append(any(quote in match_form(result["text"]) for quote in quotes))
    assert abs(np.mean(confidences) - np.mean(relevant)) <= 0.05
    high = [r for c, r in zip(confidences, relevant, strict=True) if c >= 0.8]
    low = [r for c, r in zip(confidences, relevant, strict=True) if c < 0.2]
    assert np.mean(high) >= 0.8 and np.mean(low) <= 0.2


def test_a_misspelt_word_is_named_and_corrected_from_the_index(engine):
    response = engine.search("пыткии в тюрьмах")
    assert response["unknown_words"] == ["пыткии"]
    assert response["did_you_mean"] == "пытки в тюрьмах"
    assert engine.search("пытки")["did_you_mean"] is None


def test_a_phrase_no_paragraph_holds_is_said(engine):
    response = engine.search('"пытки в детских садах"')
    assert any(note.key == "phrase_absent" for note in response["notes"])
    assert not any(note.key == "phrase_absent" for note in engine.search('"права человека"')["notes"])


def test_the_page_says_nothing_matches_and_what_to_try(corpus_index):
    client = create_app(corpus_index).test_client()
    page = client.get("/search", query_string={"q": "zzzxqv пыткии", "ui": "en"}).get_data(as_text=True)
    assert "Nothing in the reports matches this query." in page
    assert "No report contains these words: zzzxqv, пыткии." in page
    assert "zzzxqv пытки</a>" in page  # the corrected query, as a link
    assert "the other language" in page
    closest = client.get("/search", query_string={"q": '"пытки в детских садах"', "ui": "en"}).get_data(as_text=True)
    assert "Closest paragraphs (without the exact phrase)" in closest
