"""Language of a paragraph: ``kk``, ``ru``, ``en`` or ``other``.

langdetect has no Kazakh profile (it calls Kazakh ``ru``, ``uk`` or ``mk``), so Kazakh is recognised first by
its own letters (ә ғ қ ң ө ұ ү һ і); Cyrillic text without them is Russian, and langdetect, seeded so that
results repeat, tells English from other Latin-script text. A text of a few words may have no Kazakh letter
(``азаптау``, torture): there a word that the Kazakh analyser knows and pymorphy3 does not makes it Kazakh.
"""

from __future__ import annotations

import re

from langdetect import DetectorFactory, LangDetectException, detect

from indexer.analysis import KAZAKH_LETTERS, is_known_russian_word, normalise, tokenize
from indexer.kazakh_morphology import kazakh_analyses

DetectorFactory.seed = 0

LANGUAGES = ("kk", "ru", "en", "other")  # every value detect_language gives

# Share of Kazakh-only letters among Cyrillic ones above which a text is Kazakh. In 004 any share from 0.02
# to 0.08 separated the Kazakh paragraphs from the Russian ones; Russian text quoting a Kazakh name stays
# far below.
KAZAKH_SHARE = 0.03
SHORT_TEXT_WORDS = 3  # up to this many words, the analysers' lexicons decide a text without Kazakh letters

_CYRILLIC = re.compile(r"[а-яәғқңөұүһі]")
_LATIN = re.compile(r"[a-z]")


def kazakh_letters(text: str) -> tuple[int, int]:
    """How many Kazakh-only letters a text has, and how many Cyrillic letters in all."""
    cyrillic = _CYRILLIC.findall(normalise(text))
    return sum(ch in KAZAKH_LETTERS for ch in cyrillic), len(cyrillic)


def detect_language(text: str) -> str:
    """``kk``, ``ru``, ``en`` or ``other`` for a paragraph or a query."""
    kazakh, cyrillic = kazakh_letters(text)
    latin = len(_LATIN.findall(normalise(text)))
    if not cyrillic and not latin:
        return "other"
    if cyrillic >= latin:
        if kazakh:
            return "kk" if kazakh >= KAZAKH_SHARE * cyrillic else "ru"
        return "kk" if _kazakh_words_only(text) else "ru"
    try:
        return "en" if detect(text) == "en" else "other"
    except LangDetectException:
        return "other"


def _kazakh_words_only(text: str) -> bool:
    """A short text with a Cyrillic word that only the Kazakh lexicon has (a name, which the analyser also
    guesses for any unknown word, decides nothing: names are spelt alike in both languages)."""
    words = [token.text for token in tokenize(text) if not token.text.isdigit()]
    return 0 < len(words) <= SHORT_TEXT_WORDS and any(
        _CYRILLIC.match(word)
        and any(analysis.pos != "np" for analysis in kazakh_analyses(word))
        and not is_known_russian_word(word)
        for word in words
    )
