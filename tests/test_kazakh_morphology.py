"""The Apertium Kazakh analyser and the Kazakh–Russian dictionary as shipped in models/apertium/ (no mocks)."""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.kazakh_translation import translated_share
from indexer.kazakh_morphology import APERTIUM_DIR, is_kazakh_word, kazakh_analyses, kazakh_lemmas
from models.apertium.build_dictionary import HEADER, entries
from search.kazakh_russian import (
    DICTIONARY_PATH,
    Translation,
    kazakh_candidates,
    read_dictionary,
    russian_candidates,
    translate_kazakh,
    weigh,
)
from tests.conftest import shared_path


@pytest.mark.parametrize(
    ("word", "lemmas"),
    [
        ("соттардың", ("сот", "сотта")),  # "of the courts", and a participle of сотта "to try"
        ("бостандығынан", ("бостандық",)),  # the root's final қ back, which suffix stripping cannot do
        ("мекемелерінде", ("мекеме",)),
        ("жазасы", ("жаза",)),
        ("Конституциялық", ("конституциялық",)),  # capitalised at the start of a sentence: the lower-case word
        ("қазақстанның", ("қазақстан",)),  # a name in lower case: found capitalised
        ("БҰҰ", ("бұұ",)),  # an abbreviation the analyser knows
        ("қк", ("қк",)),  # a lower-cased abbreviation: found in capitals (ҚК, the criminal code)
        ("ҚАЖ", ()),  # an abbreviation it does not know, not the verb қаж "to wear out"
        ("ӘҚБтК", ()),
        ("психологтарды", ()),  # a new loanword: the caller falls back to the suffix stripper
        ("отмена", ()),  # Russian
        ("2020", ("2020",)),
    ],
)
def test_kazakh_lemmas(word: str, lemmas: tuple[str, ...]) -> None:
    assert kazakh_lemmas(word) == lemmas


def test_analyses_carry_the_part_of_speech() -> None:
    assert {(a.lemma, a.pos) for a in kazakh_analyses("соттардың")} == {("сот", "n"), ("сотта", "v")}
    assert ("өлім", "n") in kazakh_analyses("өлім")


@pytest.mark.parametrize(
    ("word", "known"),
    [("азаптау", True), ("оқиғалары", True), ("Тоқаев", True), ("ҚАЖ", False), ("смертной", False), ("2020", False)],
)
def test_is_kazakh_word(word: str, known: bool) -> None:
    assert is_kazakh_word(word) is known


def test_analyser_is_safe_across_threads() -> None:
    words = ["соттардың", "бостандығынан", "мекемелерінде", "жазасы", "азаптаудың", "оқиғалары"] * 50
    expected = [kazakh_lemmas(word) for word in words]
    kazakh_analyses.cache_clear()
    kazakh_lemmas.cache_clear()
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(kazakh_lemmas, words)) == expected


def lemmas_of(candidates: list[tuple[str, float]]) -> list[str]:
    return [lemma for lemma, _ in candidates]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("бостандығынан", ["свобода"]),
        ("соттардың", ["суд"]),  # the noun's senses: судебный is the adjective's, судить the verb сотта's
        ("Қазақстанның", ["казахстан"]),
        ("жылғы", ["год"]),  # "of the year", not a headword: through its base жыл
        ("2020", ["2020"]),  # numbers and Latin words carry over unchanged
        ("COVID", ["covid"]),
        ("блогерлер", ["блогер"]),  # a loanword the analyser does not know, spelt as in Russian
        ("референдумда", ["референдум"]),  # ... whose ending breaks vowel harmony
        ("ҚАЖ", ["куис"]),  # an abbreviation from our rights terms (search/data/kaz_rus_rights.tsv)
        ("мүгедек", ["инвалид"]),  # known to the analyser, missing from Apertium's dictionary, in our terms
        ("ҚРБП", []),  # an abbreviation nobody knows
    ],
)
def test_russian_candidates(word: str, expected: list[str]) -> None:
    assert lemmas_of(russian_candidates(word))[: len(expected) or None] == expected


def test_senses_share_one_weight_and_fit_the_part_of_speech() -> None:
    senses = russian_candidates("жазасы")
    assert set(lemmas_of(senses)) == {"наказание", "кара", "репрессия", "возмездие"}
    assert all(weight == pytest.approx(0.25) for _, weight in senses)
    head = lemmas_of(russian_candidates("басы"))  # a noun (or adjective) here, never the verb бас "to press"
    assert "голова" in head and "давить" not in head


def test_a_prior_weighs_the_senses() -> None:
    frequency = {"наказание": 30.0, "кара": 10.0}
    senses = dict(russian_candidates("жазасы", prior=lambda lemma: frequency.get(lemma, 0.0)))
    assert senses == {"наказание": 0.75, "кара": 0.25, "репрессия": 0.0, "возмездие": 0.0}
    assert weigh(["а", "б"], prior=lambda _: 0.0) == [("а", 0.5), ("б", 0.5)]  # no evidence: evenly
    assert math.fsum(weight for _, weight in russian_candidates("ұшырауы")) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("russian", "kazakh"),
    [("свобода", "бостандық"), ("суд", "сот"), ("Казахстан", "қазақстан"), ("ООН", "бұұ"), ("наказание", "жаза")],
)
def test_kazakh_candidates(russian: str, kazakh: str) -> None:
    assert kazakh in lemmas_of(kazakh_candidates(russian))


def test_reverse_direction_respects_one_way_entries() -> None:
    # керек → должен is marked left-to-right only; нужный reads both ways.
    assert "должен" in lemmas_of(russian_candidates("керек"))
    assert kazakh_candidates("должен") == []
    assert "керек" in lemmas_of(kazakh_candidates("нужный"))
    assert kazakh_candidates("274") == [("274", 1.0)]


def test_translate_a_query() -> None:
    translations = translate_kazakh("2022 жылғы референдумда Ата Заңға енгізілген өзгерістер туралы".split())
    assert [t.words for t in translations] == [
        ("2022",),
        ("жылғы",),
        ("референдумда",),
        ("Ата", "Заңға"),  # a multiword entry: "the Mother Law", the constitution
        ("енгізілген",),
        ("өзгерістер",),
    ]  # туралы "about", a postposition, is left out
    assert translations[3].candidates == (("конституция", 1.0),)
    assert "изменение" in lemmas_of(list(translations[5].candidates))


def test_multiword_entries_match_an_inflected_last_word() -> None:
    assert translate_kazakh(["бас", "тартуы"]) == [Translation(("бас", "тартуы"), (("отказываться", 1.0),))]
    assert translate_kazakh(["салыстырмалы", "түрде"])[0].candidates == (("по сравнению с", 1.0),)
    # Apart, the words keep their own senses.
    assert [t.words for t in translate_kazakh(["тартуы", "бас"])] == [("тартуы",), ("бас",)]


def test_untranslated_words_are_kept_without_candidates() -> None:
    assert translate_kazakh(["ҚРБП", "мекемелерінде"]) == [
        Translation(("ҚРБП",), ()),
        Translation(("мекемелерінде",), (("организация", 1 / 3), ("заведение", 1 / 3), ("учреждение", 1 / 3))),
    ]


def test_shipped_dictionary_is_the_source_parsed() -> None:
    source = APERTIUM_DIR / "apertium-kaz-rus" / "apertium-kaz-rus.kaz-rus.dix"
    lines = DICTIONARY_PATH.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == list(HEADER)
    assert [tuple(line.split("\t")) for line in lines[1:]] == entries(source)
    assert len(lines) - 1 > 27_000


def test_read_dictionary_lower_cases_and_keeps_directions() -> None:
    dictionary = read_dictionary(
        [
            "kazakh\tkazakh_pos\trussian\trussian_pos\tdirection",
            "Қазақстан\tnp\tКазахстан\tnp\tboth",
            "жүр\tvaux\tходить\tvblex\tkk-ru",
            "ала\tadj\tпёстрый\tadj\tru-kk",
            "бас тарт\tv\tотказываться\tvblex\tboth",
        ]
    )
    assert [entry.russian for entry in dictionary.kazakh["қазақстан"]] == ["казахстан"]
    assert "ходить" not in dictionary.russian and "ала" not in dictionary.kazakh
    assert [entry.kazakh for entry in dictionary.russian["пестрый"]] == ["ала"]
    assert dictionary.phrases["бас"] == [("бас", "тарт")]


def test_coverage_of_kazakh_twin_queries() -> None:
    """Analyser + dictionary give most content words of Kazakh questions about the reports a Russian lemma
    (issue 15 quotes about 91 % for its 31 questions)."""
    path = shared_path("eval", "dev_xl_queries.jsonl")
    queries = [json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert translated_share(queries) >= 0.9


def test_a_prior_carries_over_loanwords_it_has_seen() -> None:
    # pymorphy3 does not know пробация; the Russian paragraphs of an index may.
    assert russian_candidates("пробация") == []
    assert russian_candidates("пробация", prior=lambda lemma: float(lemma == "пробация")) == [("пробация", 1.0)]
    assert russian_candidates("пробация", prior=lambda lemma: 0.0) == []
