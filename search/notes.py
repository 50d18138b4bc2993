"""Notes: what a response says about how the query was searched, where that differs from what was typed.

A note is its English text (what the API shows), carrying its ``key`` and ``values`` so that pages can say
it in the interface's language (``web/i18n.py``).
"""

from __future__ import annotations

from typing import Any

TEXTS = {
    "query_cut": "the query was cut to its first {chars} characters",
    "prefix_short": "{patterns}: a prefix needs at least {letters} letters; searched as a word",
    "expansion_capped": "{pattern} matched {matched:,} words; the {searched} most frequent were searched",
    "words_cut": "the query has {words} words; the first {searched} were searched",
    "fuzzy_many": "{patterns}: at most {fuzzy} words are searched fuzzily; these were searched as words",
    "meaning_cut": "the meaning search read the first {chars} characters of the query",
    "phrase_absent": "no paragraph holds {phrases} word for word: these paragraphs hold its words",
    "keyword_time": "the word search ran out of time after {ms} ms; its results are those found by then",
}


class Note(str):
    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, **values: Any) -> Note:
        note = super().__new__(cls, TEXTS[key].format(**values))
        note.key, note.values = key, values
        return note

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:
        return (self.key,), self.values  # so that copies and pickles are made the way the note was
