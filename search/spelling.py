"""Words a query has that the index does not, and a corrected query made of the index's own words.

A query that finds nothing usually has a word the reports never use, misspelt or not: the page names those
words and offers the query with each replaced by the most frequent index word one edit away (``пыткии`` →
``пытки``), when there is one.
"""

from __future__ import annotations

import re

from indexer.analysis import is_stopword
from indexer.term_matrix import TermMatrix
from search.expansion import expand_fuzzy
from search.query import ParsedQuery, word_alternatives


def unknown_words(parsed: ParsedQuery, terms: TermMatrix) -> list[str]:
    """The query's content words that no paragraph holds in any form (exact, lemma or stem), in query order."""
    typed = [*parsed.words, *(w for phrase in [*parsed.phrases, *parsed.identifiers] for w in phrase)]
    return [
        word
        for word in dict.fromkeys(typed)
        if not is_stopword(word)
        and not any(terms.has_term(f, t) for f, forms, _ in word_alternatives(word, parsed.kazakh) for t in forms)
    ]


def did_you_mean(query: str, unknown: list[str], terms: TermMatrix) -> str | None:
    """``query`` with each unknown word replaced by the most frequent index word one edit away, or None if no
    word has such a neighbour."""
    corrected = query
    for word in unknown:
        found = expand_fuzzy(terms, word, limit=1).terms
        if found:
            corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", found[0], corrected, flags=re.IGNORECASE)
    return corrected if corrected != query else None
