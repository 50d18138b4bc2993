"""Words a query has that the index does not, and a corrected query made of the index's own words.

A query that finds nothing usually has a word the reports never use, misspelt or not: the page names those
words and offers the query corrected. A word typed with the wrong keyboard layout (``cvthnyfz rfpym``: Russian
typed on the Latin one) is retyped in the Russian or the Kazakh layout (``смертная казнь``), where the retyped
word is an index word; any other unknown word is replaced by the most frequent index word one edit away
(``пыткии`` → ``пытки``), when there is one.
"""

from __future__ import annotations

import re

from indexer.analysis import KAZAKH_LETTERS, is_stopword, tokenize
from indexer.term_matrix import TermMatrix
from search.expansion import expand_fuzzy
from search.query import ParsedQuery, word_alternatives

# The keys of a US (QWERTY) keyboard that type letters in the Russian layout (ЙЦУКЕН), and those letters; the
# Kazakh layout (РСТ КазССР 903-90, Windows and X11 alike) has the same letters but for ё, and its own nine on
# the digit row.
_LETTER_KEYS = "qwertyuiop[]asdfghjkl;'zxcvbnm,."
_RUSSIAN_LETTERS = "йцукенгшщзхъфывапролджэячсмитьбю"


# Shift on these keys types { } : < > in the Latin layout and a capital in the Russian and Kazakh ones (Shift+'
# types the quote, which is read as the quote of a phrase).
_SHIFTED = dict(zip("[];,.", "{}:<>", strict=True))


def _layout(keys: str, letters: str) -> dict[int, str]:
    """What each key gives in a layout, and with Shift its capital."""
    table = dict(zip(keys, letters, strict=True))
    table |= {key.upper(): letter.upper() for key, letter in table.items() if key.isalpha()}
    table |= {_SHIFTED[key]: letter.upper() for key, letter in table.items() if key in _SHIFTED}
    return str.maketrans(table)


LAYOUTS = {
    "ru": _layout(_LETTER_KEYS + "`", _RUSSIAN_LETTERS + "ё"),
    "kk": _layout(_LETTER_KEYS + "2345890-=", _RUSSIAN_LETTERS + "әіңғүұқөһ"),
}
_LATIN = re.compile(r"[A-Za-z]")
_KEYS_LEFT = re.compile(r"[A-Za-z0-9]")  # a key the layout does not retype: the token was not typed in it
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_TOKEN = re.compile(r"\S+")


def retype(text: str, layout: str) -> str:
    """``text`` as the same keys type it in ``layout`` (``ru`` or ``kk``): ``cvthnm`` → ``смерть``."""
    return text.translate(LAYOUTS[layout])


def is_known(word: str, terms: TermMatrix, kazakh: bool) -> bool:
    """Whether some paragraph holds the word in any form (exact, lemma or stem)."""
    return any(terms.has_term(f, t) for f, forms, _ in word_alternatives(word, kazakh) for t in forms)


def unknown_words(parsed: ParsedQuery, terms: TermMatrix) -> list[str]:
    """The query's content words that no paragraph holds in any form (exact, lemma or stem), in query order."""
    typed = [*parsed.words, *(w for phrase in [*parsed.phrases, *parsed.identifiers] for w in phrase)]
    return [word for word in dict.fromkeys(typed) if not is_stopword(word) and not is_known(word, terms, parsed.kazakh)]


def did_you_mean(query: str, unknown: list[str], terms: TermMatrix) -> str | None:
    """``query`` with its words typed in the wrong keyboard layout retyped, and each other unknown word
    replaced by the most frequent index word one edit away; None if nothing changes."""
    corrected = retyped(query, set(unknown), terms)
    for word in unknown:
        typed = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", flags=re.IGNORECASE)
        if not typed.search(corrected):
            continue  # retyped
        found = expand_fuzzy(terms, word, limit=1).terms
        if found:
            corrected = typed.sub(found[0], corrected)
    return corrected if corrected != query else None


def retyped(query: str, unknown: set[str], terms: TermMatrix) -> str:
    """``query`` with each of its Latin tokens (between spaces) that holds an ``unknown`` word retyped in the
    first layout that retypes all its letters and digits into index words. A token that retypes to stop words
    only (``d`` → ``в``) is retyped only beside a token retyped to words: alone, it is more likely a letter."""
    words: dict[str, str] = {}  # token → the token retyped, whose words are index words
    stop_words: dict[str, str] = {}  # token → the token retyped, only stop words
    for token in dict.fromkeys(_TOKEN.findall(query)):
        if not _LATIN.search(token) or _CYRILLIC.search(token) or not unknown & set(_words(token)):
            continue
        for layout in LAYOUTS:
            text = retype(token, layout)
            if _KEYS_LEFT.search(text):
                continue
            found = _words(text)
            content = [word for word in found if not is_stopword(word)]
            if found and all(is_known(word, terms, any(c in KAZAKH_LETTERS for c in word)) for word in content):
                (words if content else stop_words)[token] = text
                break
    changed = words | stop_words if words else {}
    return _TOKEN.sub(lambda match: changed.get(match.group(0), match.group(0)), query)


def _words(text: str) -> list[str]:
    return [token.text for token in tokenize(text)]
