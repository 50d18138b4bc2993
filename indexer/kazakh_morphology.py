"""Kazakh lemmas from the Apertium morphological analyser (``models/apertium/kaz.automorf.hfstol``).

The suffix stripper (:mod:`indexer.kazakh_stemmer`) cuts endings it can see; the analyser knows the lexicon, so it
also undoes what suffixes do to a root (``бостандығынан`` → ``бостандық``, not ``бостандығ``) and its lemmas are
the headwords of the Kazakh–Russian dictionary (:mod:`search.kazakh_russian`). A word has every analysis's lemma
(``соттардың`` → ``сот`` "court" and ``сотта`` "to try"): choosing among them needs the context, which the index
does not have. A word the analyser does not know (new loanwords, most abbreviations) gets ``()``, and the caller
falls back to :func:`indexer.kazakh_stemmer.kazakh_stem`.

The analyser is case-sensitive: common words are lower case, proper nouns capitalised (``Қазақстан``),
abbreviations in capitals (``БҰҰ``). A lower-case word is looked up as it is, else capitalised, else (if short)
in capitals; a capitalised word both as a name and in lower case; a short word written with two or more capitals
is an abbreviation and is looked up only as written, since its letters in lower case are often another word
(``ҚАЖ``, the penal system, is not ``қаж`` "to wear out"). So pass the word as the text has it where the case
is still known; a lower-case ``қаж`` is the verb.

Runs on the ``hfst`` wheel (GPL-3.0, like the analyser): 20–40 µs a word; the wheel and the analyser are loaded
once, on first use (50–70 ms).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import hfst

APERTIUM_DIR = Path(__file__).resolve().parent.parent / "models" / "apertium"
ANALYSER_PATH = APERTIUM_DIR / "kaz.automorf.hfstol"

_MAX_ABBREVIATION = 6  # letters: longer words in capitals are headings, not abbreviations

_lock = threading.Lock()
_analyser: hfst.HfstTransducer | None = None


class Analysis(NamedTuple):
    """One reading of a word: its lemma (lower case) and part of speech (Apertium's tag: n, v, adj, np, …)."""

    lemma: str
    pos: str


def _lookup(spelling: str) -> tuple[str, ...]:
    """The analyser's raw readings of one spelling (``сот<n><pl><gen>``); loads the analyser on first use."""
    global _analyser
    with _lock:  # hfst objects are not documented as thread-safe; a lookup is microseconds
        if _analyser is None:
            import hfst  # 30–50 ms of shared libraries: only once a Kazakh word is analysed

            _analyser = hfst.HfstInputStream(str(ANALYSER_PATH)).read()
        return tuple(reading for reading, _weight in _analyser.lookup(spelling))


def _spellings(word: str) -> tuple[tuple[str, ...], ...]:
    """Groups of spellings to look a word up in: the readings of the first group that the analyser knows count.

    An abbreviation as written; a capitalised word both as a name (``Тоқаев``) and as a word (the first of a
    sentence: ``Азаптаудан``); a lower-case one as itself, else as a name (``қазақстанның``), else, if short, as
    an abbreviation (``қк`` → ``ҚК``, the criminal code).
    """
    short = len(word) <= _MAX_ABBREVIATION
    if short and sum(letter.isupper() for letter in word) >= 2:
        return ((word,),)
    lower = word.lower()
    if word[:1].isupper():
        return ((word[:1] + word[1:].lower(), lower),)
    return ((lower,), (lower.capitalize(),), (lower.upper(),) if short else ())


def _parse(reading: str) -> Analysis:
    """``бостандық<n><px3sp><abl>+е<cop><aor><p3><sg>`` → (бостандық, n): a clitic after ``+`` is not the word."""
    lemma, _, tags = reading.split("+", 1)[0].partition("<")
    return Analysis(lemma.lower().replace("ё", "е"), tags.split(">", 1)[0])


@lru_cache(maxsize=200_000)
def kazakh_analyses(word: str) -> tuple[Analysis, ...]:
    """Distinct (lemma, part of speech) readings of a Kazakh word, in the analyser's order; () if it is unknown."""
    for spellings in _spellings(word):
        readings = [reading for spelling in spellings for reading in _lookup(spelling)]
        if readings:
            return tuple(dict.fromkeys(_parse(reading) for reading in readings))
    return ()


@lru_cache(maxsize=200_000)
def kazakh_lemmas(word: str) -> tuple[str, ...]:
    """Distinct lemmas of a Kazakh word, lower case (``соттардың`` → сот, сотта); () if the analyser does not know
    it, in which case the caller uses :func:`indexer.kazakh_stemmer.kazakh_stem`."""
    return tuple(dict.fromkeys(analysis.lemma for analysis in kazakh_analyses(word)))


def is_kazakh_word(word: str) -> bool:
    """Whether the analyser knows this word (numbers aside): evidence that a short query is Kazakh."""
    return any(letter.isalpha() for letter in word) and bool(kazakh_analyses(word))
