"""A light Kazakh stemmer: inflectional suffixes off, right to left, respecting vowel harmony.

Kazakh words inflect in a fixed order, root + plural + possessive + case + predicative ending
(``сотталған-дар-ға``, ``мекеме-лер-і-нде``), and each suffix comes in variants chosen by vowel harmony
(back а о ұ ы / front ә е ө ү і) and by the sound it follows. Stripping the outermost slot first, and only
with the variant whose harmony agrees with the stem left behind, brings ``сотталғандарға``,
``сотталғандардың`` and ``сотталған`` to one stem without cutting roots that merely end like a suffix.
Derivational suffixes (``-лық``, ``-шы``, participles in ``-ған``) are kept: they make other words.

No Kazakh stemmer is packaged for PyPI (kazstem needs a binary bundle, Snowball has no Kazakh algorithm),
hence this one; its tests use real words from the corpus.
"""

from __future__ import annotations

from functools import lru_cache

_BACK = frozenset("аоұы")
_FRONT = frozenset("әеөүі")

# Slots from the end of the word inwards. Each is tried once, longest variant first.
_PREDICATIVE = "мыз міз быз біз пыз піз сыңдар сіңдер сыздар сіздер мын мін бын бін пын пін сың сің сыз сіз".split()
_CASE = (
    "ның нің дың дің тың тің "  # genitive
    "нда нде да де та те "  # locative
    "нан нен дан ден тан тен "  # ablative
    "ға ге қа ке на не "  # dative
    "ны ні ды ді ты ті н "  # accusative (н after a possessive)
    "мен бен пен "  # instrumental
    "ша ше"  # equative
).split()
_POSSESSIVE = "ымыз іміз ыңыз іңіз ңыз ңіз мыз міз сы сі ым ім ың ің ы і м ң".split()
_PLURAL = "лар лер дар дер тар тер".split()

_SLOTS = tuple(sorted(slot, key=len, reverse=True) for slot in (_PREDICATIVE, _CASE, _POSSESSIVE, _PLURAL))

_MIN_STEM = 3  # letters left after stripping a suffix
_MIN_STEM_SHORT_SUFFIX = 5  # after a one-letter suffix, which is easily the end of a root

_VOWELS = _BACK | _FRONT | frozenset("эиуюя")
_VOICELESS = frozenset("кқпстфхцчшщ")
_NASALS = frozenset("мнң")
_HARMONY_NEUTRAL = frozenset({"мен", "бен", "пен"})  # the instrumental does not follow vowel harmony


def _follows(rest: str, suffix: str) -> bool:
    """Whether suffix's first sound may follow the last sound of rest (consonant assimilation)."""
    last, first = rest[-1], suffix[0]
    if suffix == "н":  # accusative н only after a possessive vowel: жаза-сы-н
        return last in "ыі"
    if first in "тқкп":  # loanwords in voiced б в г д sound voiceless: психолог-тар
        return last in _VOICELESS or last in "бвгд"
    if suffix in ("ды", "ді", "дың", "дің"):  # after vowels these are ны / ның
        return last not in _VOICELESS and last not in _VOWELS
    if first in "дғгб":
        return last not in _VOICELESS
    if first == "н":
        return last in _VOWELS or (last in _NASALS and len(suffix) == 3)
    if first == "л":
        return last in _VOWELS or last in "руй"
    if first == "с" and len(suffix) == 2:  # possessive сы/сі after a vowel
        return last in _VOWELS
    if first in "ыі":  # possessive ы/і, ым/ім, ың/ің after a consonant
        return last not in _VOWELS
    if suffix in ("м", "ң"):
        return last in _VOWELS
    return True


def _harmony(text: str) -> str | None:
    """'back' or 'front' by the last harmonic vowel of text, None if it has none."""
    for ch in reversed(text):
        if ch in _BACK:
            return "back"
        if ch in _FRONT:
            return "front"
    return None


def _agrees(stem: str, suffix: str) -> bool:
    if suffix in _HARMONY_NEUTRAL:
        return True
    suffix_harmony = _harmony(suffix)
    stem_harmony = _harmony(stem)
    return suffix_harmony is None or stem_harmony is None or suffix_harmony == stem_harmony


def _has_vowel(text: str) -> bool:
    return any(ch in _VOWELS for ch in text)


@lru_cache(maxsize=200_000)
def kazakh_stem(word: str) -> str:
    """Stem of a normalised (lower-case) Kazakh word: ``бағдарламаларға`` → ``бағдарлама``."""
    stem = word
    for slot in _SLOTS:
        for suffix in slot:
            if not stem.endswith(suffix):
                continue
            rest = stem[: -len(suffix)]
            least = _MIN_STEM_SHORT_SUFFIX if len(suffix) == 1 else _MIN_STEM
            if len(rest) >= least and _has_vowel(rest) and _follows(rest, suffix) and _agrees(rest, suffix):
                stem = rest
                break
    return stem
