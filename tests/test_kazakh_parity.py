"""Kazakh questions find Russian answers: Kazakh lemmas, short Kazakh queries recognised, and the translation
leg shown and steerable (real corpus, analyser, dictionary and encoder)."""

from __future__ import annotations

import pytest

from indexer.analysis import analyse_word
from indexer.language import detect_language
from web import create_app


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("азаптау", "kk"),  # no Kazakh letter, but only the Kazakh lexicon has it
        ("өлім жазасы", "kk"),
        ("пытки", "ru"),
        ("Статистика", "ru"),
        ("права человека", "ru"),
        ("судебная практика по делам о пытках в Казахстане", "ru"),
    ],
)
def test_short_queries_are_told_kazakh_by_the_lexicons(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("бостандығынан", {"бостандық"}),  # the analyser undoes what the suffix did to the root
        ("соттардың", {"сот"}),
        ("қжәқжә", {"қжәқжә"}),  # unknown to the analyser: the suffix stripper's stem
    ],
)
def test_kazakh_words_are_indexed_by_their_lemmas(word, forms):
    assert forms <= set(analyse_word(word, "kk"))


def test_a_kazakh_word_finds_russian_paragraphs_and_says_what_it_was_searched_as(engine):
    response = engine.search("азаптау", k=10)
    assert response["translation"]["lang"] == "ru" and "пытка" in response["translation"]["terms"]
    about_torture = [r for r in response["results"] if r["lang"] == "ru" and "пыт" in r["text"].lower()]
    assert len(about_torture) >= 5


def test_in_semantic_mode_the_translation_is_evidence_but_ranks_nothing(engine):
    response = engine.search("қаңтар оқиғалары", k=20, mode="semantic")
    assert response["translation"]["lang"] == "ru" and "январь" in response["translation"]["terms"]
    backed = [r for r in response["results"] if r["evidence"] == "both" and "январ" in r["text"].lower()]
    assert backed, "Russian paragraphs about January hold the translated words: evidence beside their meaning"
    semantic = [r["semantic"]["score"] for r in response["results"]]
    assert semantic == sorted(semantic, reverse=True)  # ranked by meaning alone


def test_a_dropped_translation_term_is_not_searched(engine):
    terms = engine.search("өлім жазасы")["translation"]["terms"]
    assert terms
    again = engine.search("өлім жазасы", drop=[terms[0]])["translation"]
    assert again is None or terms[0] not in again["terms"]


def test_the_page_shows_the_translation_with_a_way_to_drop_each_term(corpus_index):
    client = create_app(corpus_index).test_client()
    page = client.get("/search", query_string={"q": "азаптау", "ui": "en"}).get_data(as_text=True)
    assert "Also searched in Russian" in page and '<span lang="ru">пытка</span>' in page
    assert "drop=%D0%BF%D1%8B%D1%82%D0%BA%D0%B0" in page  # the link that searches again without it
    api = client.get("/api/search", query_string={"q": "азаптау", "drop": "пытка"}).get_json()
    assert "пытка" not in (api["translation"] or {"terms": []})["terms"]
