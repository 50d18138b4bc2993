"""The query language on its own: what ``parse_query`` makes of what a user typed, and how prefix and fuzzy
words expand (``search/expansion.py``) over a term matrix built here. No index, no engine."""

from __future__ import annotations

import pytest

from indexer.term_matrix import TermMatrix
from search.expansion import (
    FIELD,
    MAX_EXPANDED_TERMS,
    MAX_EXPANSIONS,
    expand_fuzzy,
    expand_prefix,
    expansion_limit,
    one_edit_away,
)
from search.query import (
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    MIN_PREFIX,
    ParsedQuery,
    excluded_terms,
    is_costly,
    meaning_text,
    parse_query,
    patterns,
)

PARTS = ("words", "phrases", "prefixes", "fuzzy", "excluded", "identifiers")


def parts(parsed: ParsedQuery) -> dict[str, list]:
    """The parsed query's non-empty parts, so that a table row names everything the query became."""
    return {name: getattr(parsed, name) for name in PARTS if getattr(parsed, name)}


def notes(parsed: ParsedQuery) -> list[tuple[str, dict]]:
    return [(note.key, note.values) for note in parsed.notes]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("прав*", {"prefixes": ["прав"]}, id="prefix"),
        pytest.param("ПРАВ*", {"prefixes": ["прав"]}, id="prefix-normalised"),
        pytest.param("пра*", {"prefixes": ["пра"]}, id="prefix-of-exactly-MIN_PREFIX-letters"),
        pytest.param("пытк~", {"fuzzy": ["пытк"]}, id="fuzzy"),
        pytest.param("Ёлка~", {"fuzzy": ["елка"]}, id="fuzzy-normalised"),
        pytest.param("пытки -смертной", {"words": ["пытки"], "excluded": ["смертной"]}, id="excluded"),
        pytest.param("-Права", {"excluded": ["права"]}, id="excluded-normalised"),
        pytest.param("права-человека", {"words": ["права", "человека"]}, id="hyphen-inside-a-word-excludes-nothing"),
        pytest.param(
            '"лицо, выступающее в официальном качестве"',
            {"phrases": [["лицо", "выступающее", "в", "официальном", "качестве"]]},
            id="phrase-keeps-its-stopwords",
        ),
        pytest.param('"пытки"', {"words": ["пытки"]}, id="one-word-quote-is-a-word"),
        pytest.param("ДС-219", {"identifiers": [["дс", "219"]]}, id="identifier-letters-and-number"),
        pytest.param("13.08.2014", {"identifiers": [["13", "08", "2014"]]}, id="identifier-date"),
        pytest.param("COVID-19", {"identifiers": [["covid", "19"]]}, id="identifier-latin"),
        pytest.param(
            "Covid-19 пандемия", {"words": ["пандемия"], "identifiers": [["covid", "19"]]}, id="identifier-and-word"
        ),
        pytest.param("a-b-c", {"words": ["a", "b", "c"]}, id="hyphenated-letters-without-digits-are-words"),
        pytest.param('"права 13.08.2014"', {"phrases": [["права", "13", "08", "2014"]]}, id="identifier-in-a-phrase"),
        pytest.param(
            'прав* пытк~ -казни "смертной казни" ДС-219 отмена',
            {
                "words": ["отмена"],
                "phrases": [["смертной", "казни"]],
                "prefixes": ["прав"],
                "fuzzy": ["пытк"],
                "excluded": ["казни"],
                "identifiers": [["дс", "219"]],
            },
            id="every-part-at-once",
        ),
    ],
)
def test_syntax(query: str, expected: dict[str, list]) -> None:
    parsed = parse_query(query)
    assert parts(parsed) == expected
    assert parsed.notes == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param('"', {}, id="lone-quote"),
        pytest.param('""', {}, id="empty-quotes"),
        pytest.param("-", {}, id="lone-minus"),
        pytest.param("*", {}, id="lone-star"),
        pytest.param("~~", {}, id="tildes"),
        pytest.param("--x", {"words": ["x"]}, id="double-minus-is-text"),
        pytest.param("пытки~~", {"fuzzy": ["пытки"]}, id="double-tilde-is-one-fuzzy-word"),
        pytest.param(
            "пытки AND OR NOT ( ]", {"words": ["пытки", "and", "or", "not"]}, id="boolean-operators-are-words"
        ),
        pytest.param('"незакрытая кавычка', {"words": ["незакрытая", "кавычка"]}, id="unbalanced-quote-is-text"),
        pytest.param(
            '"права человека" "пытки',
            {"phrases": [["права", "человека"]], "words": ["пытки"]},
            id="balanced-phrase-then-unbalanced-quote",
        ),
    ],
)
def test_stray_operators_and_unbalanced_quotes_are_text(query: str, expected: dict[str, list]) -> None:
    parsed = parse_query(query)
    assert parts(parsed) == expected
    assert parsed.empty == (not expected) and parsed.notes == []


@pytest.mark.parametrize(
    ("query", "words"),
    [
        pytest.param("права и свободы", ["права", "свободы"], id="russian-stopword-dropped"),
        pytest.param("және пытки", ["пытки"], id="kazakh-stopword-dropped"),
        pytest.param('пытки "и"', ["пытки"], id="quoted-stopword-is-a-stopword"),
        pytest.param('"и" прав*', [], id="dropped-beside-a-prefix"),
        pytest.param('в "правах человека"', [], id="dropped-beside-a-phrase"),
        pytest.param("и в на", ["и", "в", "на"], id="only-stopwords-kept"),
        pytest.param("және мен", ["және", "мен"], id="only-kazakh-stopwords-kept"),
    ],
)
def test_stopwords_are_dropped_unless_the_query_is_only_stopwords(query: str, words: list[str]) -> None:
    assert parse_query(query).words == words


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        pytest.param("Конституциялық Сотқа кімдер жүгіне алады?", "kk", id="kazakh"),
        pytest.param("отмена смертной казни", "ru", id="russian"),
        pytest.param("human rights", "en", id="english"),
        pytest.param("13.08.2014", "other", id="no-letters"),
        pytest.param("", "other", id="empty"),
    ],
)
def test_language_of_the_query(query: str, lang: str) -> None:
    parsed = parse_query(query)
    assert parsed.lang == lang
    assert parsed.kazakh == (lang == "kk")


@pytest.mark.parametrize(
    ("query", "words", "short"),
    [
        pytest.param("с*", ["с"], "с*", id="one-letter"),
        pytest.param("пр*", ["пр"], "пр*", id="two-letters"),
        pytest.param("14*", ["14"], "14*", id="digits"),
        # "с" is then dropped as a stopword, though the note says it was searched as a word
        pytest.param("е* с* пытки", ["е", "пытки"], "е*, с*", id="two-short-prefixes-one-note"),
    ],
)
def test_a_prefix_shorter_than_min_prefix_is_a_word_with_a_note(query: str, words: list[str], short: str) -> None:
    parsed = parse_query(query)
    assert parsed.prefixes == [] and parsed.words == words
    assert notes(parsed) == [("prefix_short", {"patterns": short, "letters": MIN_PREFIX})]
    assert parsed.notes == [f"{short}: a prefix needs at least {MIN_PREFIX} letters; searched as a word"]


@pytest.mark.parametrize(
    ("query", "words", "cut"),
    [
        pytest.param("права" + " " * (MAX_QUERY_CHARS - 5), ["права"], False, id="at-the-limit"),
        pytest.param("права" + " " * (MAX_QUERY_CHARS - 5) + "пытки", ["права"], True, id="over-the-limit"),
        pytest.param('"права' + " " * MAX_QUERY_CHARS + 'пытки"', ["права"], True, id="cut-inside-a-phrase"),
    ],
)
def test_the_text_is_cut_at_max_query_chars(query: str, words: list[str], cut: bool) -> None:
    parsed = parse_query(query)
    assert parsed.words == words
    assert notes(parsed) == ([("query_cut", {"chars": MAX_QUERY_CHARS})] if cut else [])


# 40 distinct content words, none a stopword, no digit (a digit would split a token in two).
MANY = [f"тема{a}{b}" for a in "бвгд" for b in "клмнпрстфх"]


@pytest.mark.parametrize(
    ("query", "expected", "typed"),
    [
        pytest.param(" ".join(MANY[:MAX_QUERY_WORDS]), {"words": MANY[:MAX_QUERY_WORDS]}, None, id="at-the-limit"),
        pytest.param(" ".join(MANY), {"words": MANY[:MAX_QUERY_WORDS]}, 40, id="plain-words"),
        pytest.param(
            " ".join(MANY[:MAX_QUERY_WORDS]) + " и в на",
            {"words": MANY[:MAX_QUERY_WORDS]},
            None,
            id="stopwords-do-not-count",
        ),
        pytest.param(
            " ".join(MANY[:31]) + ' "права человека" ДС-219',
            {"words": MANY[:28], "phrases": [["права", "человека"]], "identifiers": [["дс", "219"]]},
            35,
            id="phrases-and-identifiers-first",
        ),
        pytest.param(
            " ".join(MANY[:31]) + " прав* пытк~",
            {"words": MANY[:31], "prefixes": ["прав"]},
            33,
            id="prefixes-then-fuzzy-words-last",
        ),
        pytest.param(
            f'"{" ".join(MANY[:33])}" "права человека"',
            {"phrases": [["права", "человека"]]},
            35,
            id="a-phrase-longer-than-the-budget-is-dropped-whole",
        ),
    ],
)
def test_at_most_max_query_words_are_searched(query: str, expected: dict[str, list], typed: int | None) -> None:
    parsed = parse_query(query)
    assert parts(parsed) == expected
    searched = len(parsed.all_words()) + len(parsed.prefixes)
    assert searched <= MAX_QUERY_WORDS
    assert notes(parsed) == ([("words_cut", {"words": typed, "searched": searched})] if typed else [])


@pytest.mark.parametrize(
    ("text", "expected", "cut"),
    [
        pytest.param("  отмена   смертной\tказни ", "отмена смертной казни", False, id="spaces-collapsed"),
        pytest.param('"права человека" -пытки', "права человека", False, id="quotes-and-excluded-words-out"),
        pytest.param(
            "пытк~ прав* ДС-219 экшн-фильм", "пытк прав ДС-219 экшн-фильм", False, id="operators-out-hyphens-kept"
        ),
        pytest.param("пытки " * 200, ("пытки " * 50).strip(), True, id="cut-at-a-word-within-max-meaning-chars"),
        pytest.param("", "", False, id="empty"),
    ],
)
def test_meaning_text(text: str, expected: str, cut: bool) -> None:
    assert meaning_text(text) == (expected, cut)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("прав* пытк~ ещё*", ["прав*", "еще*", "пытк~"], id="prefixes-then-fuzzy-normalised"),
        pytest.param("с* пытки", [], id="short-prefix-is-no-pattern"),
        pytest.param('"прав*" пытки', [], id="quoted-star-is-text"),
    ],
)
def test_patterns(query: str, expected: list[str]) -> None:
    assert patterns(parse_query(query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(
            "пытки -смертной",
            [("exact", "смертной"), ("kk", "смертной"), ("ru", "смертный")],
            id="russian-lemma",
        ),
        pytest.param(
            "-права",
            [("exact", "права"), ("kk", "права"), ("ru", "право"), ("ru", "правый")],
            id="every-russian-lemma",
        ),
        pytest.param(
            "құқықтары -соттардың",
            [("exact", "соттардың"), ("kk", "сот"), ("kk", "сотта")],
            id="kazakh-lemmas-no-russian-lemmas",
        ),
        pytest.param("-123", [("exact", "123"), ("kk", "123")], id="number-no-lemmas"),
        pytest.param(
            "-пытки -казни",
            [
                ("exact", "пытки"),
                ("kk", "пытки"),
                ("ru", "пытка"),
                ("exact", "казни"),
                ("kk", "казни"),
                ("ru", "казнь"),
                ("ru", "казнить"),
            ],
            id="two-excluded-words",
        ),
        pytest.param("пытки", [], id="none"),
    ],
)
def test_excluded_terms_are_every_form_of_the_excluded_words(query: str, expected: list[tuple[str, str]]) -> None:
    assert excluded_terms(parse_query(query)) == expected


@pytest.mark.parametrize(
    ("word", "inside", "outside"),
    [
        pytest.param(
            "пытка",
            ["пытка", "пыта", "пыттка", "пытки", "пыкта", "пытқа", "пытк1", "пыткаа"],
            ["ытка", "бытка", "ыптка", "апытка", "пытками", "пытkа"],  # a Latin k in a Cyrillic word: no
            id="russian",
        ),
        pytest.param("а", ["а", "аб", "аі", "а7"], ["", "б", "ба"], id="one-letter-word-keeps-its-letter"),
    ],
)
def test_one_edit_away_keeps_the_first_letter(word: str, inside: list[str], outside: list[str]) -> None:
    spellings = one_edit_away(word)
    assert set(inside) <= spellings
    assert not set(outside) & spellings


# The letters a spelling may bring in, by the word's script: Russian less ё and 9 Kazakh letters, or 26 Latin
# letters; 10 digits in both.
CYRILLIC = 32 + 9 + 10
LATIN = 26 + 10


@pytest.mark.parametrize(
    ("word", "size"),
    [
        # 1 + t letters, all different, the first kept: the word, t deletions, t - 1 swaps, t·(A - 1)
        # substitutions and (t + 1)·A - t insertions (a letter inserted beside its twin is counted once): (2t + 1)·A
        pytest.param("пытка", CYRILLIC * (2 * 4 + 1), id="five-distinct-letters"),
        pytest.param("ab", LATIN * (2 * 1 + 1), id="two-letters"),
        pytest.param("а", CYRILLIC + 1, id="one-letter-word-and-its-insertions"),
    ],
)
def test_one_edit_away_grows_with_the_word(word: str, size: int) -> None:
    assert len(one_edit_away(word)) == size


@pytest.mark.parametrize(
    ("patterns_in_query", "limit"),
    [
        pytest.param(0, MAX_EXPANSIONS, id="none"),
        pytest.param(1, MAX_EXPANSIONS, id="one"),
        pytest.param(MAX_EXPANDED_TERMS // MAX_EXPANSIONS, MAX_EXPANSIONS, id="budget-just-covers-every-one"),
        pytest.param(5, 40, id="five-share-the-budget"),
        pytest.param(7, 28, id="rounded-down"),
        pytest.param(MAX_EXPANDED_TERMS, 1, id="one-each"),
        pytest.param(MAX_EXPANDED_TERMS * 3, 1, id="never-below-one"),
    ],
)
def test_expansion_limit(patterns_in_query: int, limit: int) -> None:
    assert expansion_limit(patterns_in_query) == limit
    assert patterns_in_query * limit <= MAX_EXPANDED_TERMS or limit == 1


@pytest.fixture(scope="module")
def terms() -> TermMatrix:
    rows = [
        "право правый правда",
        "право права пытка",
        "право пытки бытка",
        "пытка пытать",
    ]
    return TermMatrix.build({FIELD: [iter(row.split()) for row in rows]}, size=len(rows), k1=1.2, b=0.75)


@pytest.mark.parametrize(
    ("prefix", "limit", "expected", "matched"),
    [
        pytest.param("прав", 50, ("право", "права", "правда", "правый"), 4, id="most-frequent-then-alphabetical"),
        pytest.param("прав", 2, ("право", "права"), 4, id="capped"),
        pytest.param("правд", 50, ("правда",), 1, id="a-whole-word-is-its-own-prefix"),
        pytest.param("пыт", 50, ("пытка", "пытать", "пытки"), 3, id="other-words"),
        pytest.param("суд", 50, (), 0, id="nothing"),
    ],
)
def test_expand_prefix(terms: TermMatrix, prefix: str, limit: int, expected: tuple[str, ...], matched: int) -> None:
    expansion = expand_prefix(terms, prefix, limit)
    assert (expansion.pattern, expansion.terms, expansion.matched) == (f"{prefix}*", expected, matched)
    assert expansion.capped == (matched > limit)


@pytest.mark.parametrize(
    ("word", "limit", "expected", "matched"),
    [
        # бытка is one edit from пытка but starts with another letter; пытать is two edits away
        pytest.param("пытка", 50, ("пытка", "пытки"), 2, id="the-word-and-one-edit"),
        pytest.param("пытка", 1, ("пытка",), 2, id="capped"),
        pytest.param("пытку", 50, ("пытка", "пытки"), 2, id="the-typed-word-need-not-be-indexed"),
        pytest.param("правы", 50, ("право", "права", "правый"), 3, id="substitution-and-insertion"),
        pytest.param("суд", 50, (), 0, id="nothing"),
    ],
)
def test_expand_fuzzy(terms: TermMatrix, word: str, limit: int, expected: tuple[str, ...], matched: int) -> None:
    expansion = expand_fuzzy(terms, word, limit)
    assert (expansion.pattern, expansion.terms, expansion.matched) == (f"{word}~", expected, matched)
    assert expansion.capped == (matched > limit)


@pytest.mark.parametrize(
    ("text", "costly"),
    [
        pytest.param("отмена смертной казни", False, id="plain-words"),
        pytest.param("пытки -пытка", False, id="an-exclusion-is-a-mask"),
        pytest.param('"права человека"', True, id="phrase"),
        pytest.param("ДС-219", True, id="identifier"),
        pytest.param("пра*", True, id="prefix"),
        pytest.param("пытк~", True, id="fuzzy"),
        pytest.param(" ".join(f"слово{i}" for i in range(13)), True, id="many-words"),
    ],
)
def test_costly_queries_are_told_apart(text: str, costly: bool) -> None:
    assert is_costly(parse_query(text)) is costly
