"""Prefix (``прав*``) and fuzzy (``пытк~``) words expanded into words of the index, at bounded cost.

Left unbounded, ``с*`` becomes thousands of words and 28 one-letter prefixes took a server down for 20 s.
So a prefix needs ``MIN_PREFIX`` letters (a shorter one is searched as a word, see ``search/query.py``), and
each pattern is expanded to at most ``MAX_EXPANSIONS`` words of the index, its most frequent ones, within a
budget of ``MAX_EXPANDED_TERMS`` for the whole query; what was cut is said in the response's notes.
Fuzzy words are expanded by generating every spelling one edit away (the first letter kept, as whoosh's
``FuzzyTerm(prefixlength=1)`` did) and looking each up: a cost that grows with the word, not the vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.term_matrix import TermMatrix

MAX_EXPANSIONS = 50
MAX_EXPANDED_TERMS = 200
FIELD = "exact"
# The letters a one-edit spelling may bring in, by the word's script: Russian and Kazakh Cyrillic (normalised:
# ё is е), or Latin; digits in both.
_CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі0123456789"
_LATIN = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class Expansion:
    pattern: str  # as the user typed it, e.g. "пытк~" or "прав*"
    terms: tuple[str, ...]  # the index words searched for it, most frequent first
    matched: int  # index words that match the pattern in all

    @property
    def capped(self) -> bool:
        return self.matched > len(self.terms)


def expansion_limit(patterns: int) -> int:
    """Words each of ``patterns`` prefix and fuzzy terms may expand to, so the query stays within budget."""
    return min(MAX_EXPANSIONS, max(1, MAX_EXPANDED_TERMS // max(1, patterns)))


def expand_prefix(terms: TermMatrix, prefix: str, limit: int) -> Expansion:
    return _most_frequent(terms, f"{prefix}*", terms.terms_with_prefix(FIELD, prefix), limit)


def expand_fuzzy(terms: TermMatrix, word: str, limit: int) -> Expansion:
    found = [spelling for spelling in one_edit_away(word) if terms.has_term(FIELD, spelling)]
    return _most_frequent(terms, f"{word}~", found, limit)


def one_edit_away(word: str) -> set[str]:
    """``word`` and every spelling one deletion, insertion, substitution or transposition away from it,
    its first letter kept."""
    head, tail = word[:1], word[1:]
    alphabet = _CYRILLIC if any(c in _CYRILLIC[:-10] for c in word) else _LATIN
    splits = [(tail[:i], tail[i:]) for i in range(len(tail) + 1)]
    spellings = {word}
    for left, right in splits:
        if right:
            spellings.add(head + left + right[1:])
            spellings.update(head + left + c + right[1:] for c in alphabet)
        if len(right) > 1:
            spellings.add(head + left + right[1] + right[0] + right[2:])
        spellings.update(head + left + c + right for c in alphabet)
    return spellings


def _most_frequent(terms: TermMatrix, pattern: str, found: list[str], limit: int) -> Expansion:
    ranked = sorted(found, key=lambda term: (-terms.document_frequency(FIELD, term), term))
    return Expansion(pattern, tuple(ranked[:limit]), len(found))
