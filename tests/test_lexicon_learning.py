"""Kazakh–Russian pairs learnt from parallel sentences (search/lexicon_learning.py), on real text and the real
analyser, and the shipped file they make."""

from __future__ import annotations

import pytest

from search.kazakh_russian import LEARNT_PATH, russian_candidates
from search.lexicon_learning import HEADER, MIN_PAIRS, learn, read_pairs
from tests.conftest import shared_path

CONVICTS = [
    ("Сотталғандар жазасын колонияда өтейді.", "Осуждённые отбывают наказание в колонии."),
    ("Сотталған әйелдер үшін жағдай жасалды.", "Для осуждённых женщин созданы условия."),
    ("Сотталғандардың құқықтары қорғалады.", "Права осуждённых защищены."),
    ("Сотталған адамдардың шағымдары қаралды.", "Жалобы осуждённых лиц рассмотрены."),
    ("Сотталғандарға медициналық көмек көрсетіледі.", "Осуждённым оказывается медицинская помощь."),
]


def test_a_pair_seen_often_enough_in_both_languages_is_learnt() -> None:
    learnt = {(kazakh, pos, russian) for kazakh, pos, russian, _ in learn(CONVICTS)}
    assert ("сотта", "v", "осудить") in learnt  # the dictionary has only судить
    assert not any(russian == "наказание" for _, _, russian in learnt)  # жаза → наказание: the dictionary's own


def test_a_pair_seen_fewer_times_is_not() -> None:
    assert len(CONVICTS) == MIN_PAIRS
    assert learn(CONVICTS[:-1]) == []


def test_each_word_keeps_only_its_mutual_best_partner() -> None:
    learnt = learn(CONVICTS)
    assert len({(kazakh, pos) for kazakh, pos, _, _ in learnt}) == len(learnt)
    assert len({russian for _, _, russian, _ in learnt}) == len(learnt)


def test_learnt_senses_join_the_dictionarys() -> None:
    senses = [lemma for lemma, _ in russian_candidates("сотталғандар")]
    assert senses == ["судить", "осудить"]  # Apertium's first, then the learnt one


def test_shipped_pairs_are_what_the_parallel_sentences_give() -> None:
    folder = shared_path("data", "kk_ru_gov_parallel")
    lines = LEARNT_PATH.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    expected = [f"{k}\t{pos}\t{r}\tlearnt\tkk-ru" for k, pos, r, _ in learn(read_pairs(sorted(folder.glob("*.tsv"))))]
    assert lines[1:] == expected
    assert len(expected) > 400


@pytest.mark.parametrize(("kazakh", "russian"), [("тиімділігі", "эффективность"), ("басымдық", "приоритет")])
def test_learnt_pairs_fill_holes_of_the_dictionary(kazakh: str, russian: str) -> None:
    assert russian in [lemma for lemma, _ in russian_candidates(kazakh)]
