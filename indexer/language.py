"""Language of a paragraph: ``kk``, ``ru``, ``en`` or ``other``.

langdetect has no Kazakh profile (it calls Kazakh ``ru``, ``uk`` or ``mk``), so Kazakh is recognised first by
its own letters (ә ғ қ ң ө ұ ү һ і); Cyrillic text without them is Russian, and langdetect, seeded so that
results repeat, tells English from other Latin-script text.
"""

from __future__ import annotations

import re

from langdetect import DetectorFactory, LangDetectException, detect

from indexer.analysis import KAZAKH_LETTERS, normalise

DetectorFactory.seed = 0

LANGUAGES = ("kk", "ru", "en", "other")  # every value detect_language gives

# Share of Kazakh-only letters among Cyrillic ones above which a text is Kazakh. In 004 any share from 0.02
# to 0.08 separated the Kazakh paragraphs from the Russian ones; Russian text quoting a Kazakh name stays
# far below.
KAZAKH_SHARE = 0.03

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
        return "kk" if kazakh and kazakh >= KAZAKH_SHARE * cyrillic else "ru"
    try:
        return "en" if detect(text) == "en" else "other"
    except LangDetectException:
        return "other"
