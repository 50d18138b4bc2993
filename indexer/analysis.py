"""Text analysis shared by the indexer and the query side.

Every word goes through the same steps whether it comes from a report or from a query, so that the forms
stored in the keyword index and the forms looked up at search time always agree:

- ``normalise``: NFC, soft hyphens out, Latin look-alikes inside Cyrillic words mapped to Cyrillic, lower case,
  ``ё`` → ``е``;
- ``tokenize``: normalised words and numbers with their character offsets (letters and digits glued together, as in
  ``УПК69`` or ``COVID-1975``, are split, so a glued footnote number does not hide the word);
- ``russian_lemmas``: every distinct pymorphy3 normal form of a word (homonyms included), cached;
- ``kazakh_forms``: a Kazakh word's lemmas from the Apertium analyser (:mod:`indexer.kazakh_morphology`), or,
  for a word it does not know, its stem by suffix stripping with vowel harmony (:mod:`indexer.kazakh_stemmer`).

Bump ``ANALYSIS_VERSION`` whenever a change here alters the forms produced, or a change to the splitting alters
the paragraphs of an unchanged file: the manifest records it, an unchanged corpus is rebuilt when it differs,
and the search side refuses an index analysed differently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

import pymorphy3

from indexer.kazakh_morphology import kazakh_lemmas
from indexer.kazakh_stemmer import kazakh_stem

# 2: whole passages (furniture, joined fragments), cuts by translation, plain-text tables; 3: Kazakh lemmas
ANALYSIS_VERSION = 3

KAZAKH_LETTERS = frozenset("әғқңөұүһі")

# Latin letters that look like Cyrillic ones, as PDF extraction and careless typing mix them in.
_LOOKALIKES = str.maketrans("ABCEHIKMOPTXYaceikopxy", "АВСЕНІКМОРТХУасеікорху")
_MIXED_WORD = re.compile(r"\w*[a-zA-Z]\w*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_TOKEN = re.compile(r"(?:[^\W\d_]|\u00ad)+|\d+")


class Token(NamedTuple):
    text: str
    start: int
    end: int


def _fix_mixed_word(match: re.Match[str]) -> str:
    word = match.group(0)
    return word.translate(_LOOKALIKES) if _CYRILLIC.search(word) else word


def clean_text(text: str) -> str:
    """NFC, soft hyphens out, Latin look-alikes inside Cyrillic words made Cyrillic; case kept (for encoders)."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    return _MIXED_WORD.sub(_fix_mixed_word, text)


def normalise(text: str) -> str:
    """The canonical form of a text for matching: same length rules for index and query."""
    return clean_text(text).lower().replace("ё", "е")


# Words repeat: normalising each distinct one once halves the time of tokenizing a page of snippets.
_normalise_word = lru_cache(maxsize=200_000)(normalise)


def tokenize(text: str) -> Iterator[Token]:
    """Normalised words and numbers of an NFC text, with their offsets in that text (for highlighting)."""
    for match in _TOKEN.finditer(text):
        yield Token(_normalise_word(match.group(0)), match.start(), match.end())


_morph: pymorphy3.MorphAnalyzer | None = None


def _analyzer() -> pymorphy3.MorphAnalyzer:
    global _morph
    if _morph is None:
        _morph = pymorphy3.MorphAnalyzer()
    return _morph


@lru_cache(maxsize=500_000)
def _parses(word: str) -> tuple:
    """pymorphy3's readings of a word, once per word: lemmas, stop words and the splitter all ask."""
    return tuple(_analyzer().parse(word))


def is_known_russian_word(word: str) -> bool:
    """Whether pymorphy3's dictionary has this lower-case word (not just a guess)."""
    return _analyzer().word_is_known(word)


# Parts of speech that carry no topic: prepositions, conjunctions, particles, interjections, pronouns.
_FUNCTION_POS = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO"})
_MIN_PARSE_SCORE = 0.01


@lru_cache(maxsize=500_000)
def russian_lemmas(word: str) -> tuple[str, ...]:
    """Distinct normal forms of a normalised Russian word, most likely first (``нашли`` → найти, наслать)."""
    if not _CYRILLIC.search(word):
        return (word,)
    parses = _parses(word)
    lemmas: list[str] = []
    for i, parse in enumerate(parses):
        if i and parse.score < _MIN_PARSE_SCORE:
            continue
        lemma = parse.normal_form.replace("ё", "е")
        if lemma not in lemmas:
            lemmas.append(lemma)
    return tuple(lemmas)


@lru_cache(maxsize=20_000)
def russian_forms(word: str) -> frozenset[str]:
    """Every inflected form of every reading of a normalised Russian word (the readings ``russian_lemmas``
    keeps): highlighting looks tokens up in this set instead of analysing each token of each snippet."""
    forms: set[str] = {word}
    for i, parse in enumerate(_parses(word)):
        if i and parse.score < _MIN_PARSE_SCORE:
            continue
        forms.update(form.word.replace("ё", "е") for form in parse.lexeme)
    return frozenset(forms)


@lru_cache(maxsize=100_000)
def is_russian_stopword(word: str) -> bool:
    if not _CYRILLIC.search(word):
        return False
    return _parses(word)[0].tag.POS in _FUNCTION_POS


# Kazakh function words: conjunctions, postpositions and particles that carry no topic.
KAZAKH_STOPWORDS = frozenset(
    "және мен бен пен да де та те ал бірақ немесе не әрі бойынша үшін туралы арқылы сияқты кезінде "
    "қатысты сондай ақ бұл осы ол сол мұндай оның олар біз сіз мен қандай қанша қалай кім не неше ма ме ба "
    "бе па пе ғой ғана тек әр барлық".split()
)


# Words after which a sentence cannot end: conjunctions and prepositions, and Kazakh genitives, which always
# lean on a following noun ("кодексінің 480-бабы").
_KAZAKH_JOINERS = frozenset("және мен бен пен немесе әрі бірақ яғни".split())
_KAZAKH_GENITIVE = re.compile(r"[әғқңөұүһі]\w*(?:ның|нің|дың|дің|тың|тің)$")
_JOINING_POS = frozenset({"PREP", "CONJ"})


@lru_cache(maxsize=100_000)
def leans_forward(word: str) -> bool:
    """Whether a sentence goes on after ``word`` (normalised): the word joins what follows to what precedes."""
    if word in _KAZAKH_JOINERS or _KAZAKH_GENITIVE.search(word):
        return True
    return bool(_CYRILLIC.search(word)) and _parses(word)[0].tag.POS in _JOINING_POS


_NAME_TAGS = frozenset({"Geox", "Name", "Surn", "Patr", "Orgn", "Abbr"})


@lru_cache(maxsize=100_000)
def is_russian_name(word: str) -> bool:
    """A capitalised word that is capitalised anywhere in a sentence: an abbreviation or a proper name (also an
    unknown word, which in these reports is nearly always a name: Костанайской, Еңбек)."""
    if len(word) < 2:
        return False
    if word.isupper():
        return True
    lowered = word.lower()
    if not _CYRILLIC.search(word) or any(letter in KAZAKH_LETTERS for letter in lowered):
        return False
    if not _analyzer().word_is_known(lowered):
        return True
    return bool(_NAME_TAGS & _parses(lowered)[0].tag.grammemes)


def is_stopword(word: str) -> bool:
    return word in KAZAKH_STOPWORDS or is_russian_stopword(word)


def kazakh_forms(word: str) -> tuple[str, ...]:
    """A normalised Kazakh word's index forms: every lemma the analyser gives it, else its stem."""
    return kazakh_lemmas(word) or (kazakh_stem(word),)


def analyse_word(word: str, lang: str) -> tuple[str, ...]:
    """Index forms of a normalised word in a text of language ``lang``: Kazakh lemmas or Russian lemmas."""
    if word.isdigit():
        return (word,)
    if lang == "kk":
        return kazakh_forms(word)
    return russian_lemmas(word)
