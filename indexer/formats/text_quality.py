"""Whether a text layer says anything: the share of its words that look like words of a real language.

Some PDFs carry a text layer whose fonts map glyphs to the wrong characters: ``M]heh\\guc dh^_dk`` where the
page shows «Уголовный кодекс». Such a layer must never be indexed; the page is read by OCR instead. A token
counts as a word when it is written in one script with the case of a word, and, for Russian, when pymorphy3's
dictionary knows it (in a text with Kazakh letters, any well-formed Cyrillic word; a Latin word needs vowels,
as real ones have).
"""

from __future__ import annotations

import re

from indexer.analysis import is_known_russian_word
from indexer.language import KAZAKH_SHARE, kazakh_letters

# Below this share of real words a text layer is garbage. Clean pages score 0.8–1.0; mojibake, under 0.3.
GARBAGE_BELOW = 0.5
_MIN_TOKENS = 5

_EDGE_PUNCTUATION = "«»\"'“”„()[]{},.;:!?…—–-*/\\|"
_CYRILLIC_WORD = re.compile(r"^[а-яёәғқңөұүһі]+(?:-[а-яёәғқңөұүһі]+)*$")
_LATIN_WORD = re.compile(r"^[a-z]+(?:['-][a-z]+)*$")
_LATIN_VOWELS = set("aeiouy")
_NUMBER = re.compile(r"^[\d.,:/%№-]+$")


def _case_is_plain(token: str) -> bool:
    return token.islower() or token.isupper() or (token[:1].isupper() and token[1:].islower())


def _is_word(token: str, kazakh: bool) -> bool:
    if not _case_is_plain(token):
        return False
    lowered = token.lower()
    if _CYRILLIC_WORD.match(lowered):
        # pymorphy3 knows no Kazakh: in a Kazakh text any well-formed Cyrillic word counts.
        return kazakh or len(lowered) <= 2 or is_known_russian_word(lowered)
    if _LATIN_WORD.match(lowered):
        vowels = sum(ch in _LATIN_VOWELS for ch in lowered)
        return len(lowered) <= 3 or 0.2 <= vowels / len(lowered) <= 0.7
    return False


def word_share(text: str) -> float | None:
    """Share of real-looking words among the text's tokens; None when it has too few to judge."""
    if "(cid:" in text:  # glyphs the PDF could not map to characters at all
        text = text.replace("(cid:", " (cid:")
    tokens = [token.strip(_EDGE_PUNCTUATION) for token in text.split()]
    tokens = [token for token in tokens if token and not _NUMBER.match(token)]
    if len(tokens) < _MIN_TOKENS:
        return None
    kazakh, cyrillic = kazakh_letters(text)
    is_kazakh = bool(cyrillic) and kazakh >= KAZAKH_SHARE * cyrillic
    return sum(_is_word(token, is_kazakh) for token in tokens) / len(tokens)


def is_garbage(text: str) -> bool:
    share = word_share(text)
    return share is not None and share < GARBAGE_BELOW
