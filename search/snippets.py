"""Snippets: a paragraph's text, escaped, with the words that match the query marked.

A word matches when it is the query word, one of its inflected forms (all forms of all its readings, from
pymorphy3's lexemes: built once per query, so no token of a snippet needs analysing) or, in Kazakh text,
shares its stem; so ``осуждённых`` is marked for the query ``осужденный``. Text is escaped before any
markup is added: markup in a document or a query is shown, never run.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from indexer.analysis import is_stopword, kazakh_forms, russian_forms, tokenize
from search.query import ParsedQuery

SNIPPET_CHARS = 360


@dataclass(frozen=True)
class QueryForms:
    exact: frozenset[str]
    inflections: frozenset[str]
    stems: frozenset[str]
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, parsed: ParsedQuery, expansions: Mapping[str, tuple[str, ...]]) -> QueryForms:
        """The forms to mark for a query; ``expansions``: the index words its prefix and fuzzy words became."""
        words = [w for w in parsed.all_words() if not is_stopword(w)]
        return cls(
            exact=frozenset(words).union(*expansions.values()),
            inflections=frozenset(form for w in words if not w.isdigit() for form in russian_forms(w)),
            stems=frozenset(form for w in words for form in kazakh_forms(w)),
            prefixes=tuple(parsed.prefixes),
        )

    def matching(self, words: Collection[str], lang: str) -> set[str]:
        """Which of ``words`` (distinct words of a text in ``lang``) match: set operations where they can be."""
        found = set(self.exact.intersection(words))
        if self.prefixes:
            found.update(w for w in words if w.startswith(self.prefixes))
        if lang == "kk":
            if self.stems:  # each word not yet matched costs an analysis
                found.update(w for w in words if w not in found and not self.stems.isdisjoint(kazakh_forms(w)))
        else:
            found.update(self.inflections.intersection(words))
        return found


def highlight(text: str, forms: QueryForms, lang: str, max_chars: int = SNIPPET_CHARS) -> str:
    """HTML of the part of ``text`` with the most matches (all of it if short), matches in ``<mark>``."""
    return render_snippet(text, word_spans(text, lang, forms.matching), max_chars)


def word_spans(text: str, lang: str, matching: Callable[[Collection[str], str], set[str]]) -> list[tuple[int, int]]:
    """Where the words of ``text`` (in ``lang``) that ``matching(words, lang)`` picks stand in it, in order."""
    places = _word_places(text)
    return sorted(span for word in matching(places.keys(), lang) for span in places[word])


@lru_cache(maxsize=2048)
def _word_places(text: str) -> Mapping[str, tuple[tuple[int, int], ...]]:
    """Each distinct word of a paragraph and where it stands, once per paragraph that results keep showing:
    tokenising them was half of what a page of ten results cost beyond embedding the query. Shared by every
    caller: read it, never change it."""
    places: dict[str, list[tuple[int, int]]] = {}
    for token in tokenize(text):
        places.setdefault(token.text, []).append((token.start, token.end))
    return {word: tuple(spans) for word, spans in places.items()}


def highlight_sentence(text: str, sentence: tuple[int, int]) -> str:
    """HTML of ``text`` around one sentence, marked whole (for a hit found by meaning, not by words)."""
    start, end = sentence
    return render_snippet(text, [(start, end)], max(SNIPPET_CHARS, end - start + SNIPPET_CHARS // 4), "near")


def render_snippet(
    text: str, spans: list[tuple[int, int]], max_chars: int = SNIPPET_CHARS, mark_class: str | None = None
) -> str:
    """Escaped HTML of the stretch of ``text`` holding most ``spans`` (all of it if short), spans in ``<mark>``."""
    mark = f'<mark class="{mark_class}">' if mark_class else "<mark>"
    start, end = _window(text, spans, max_chars)
    html = ["…"] if start > 0 else []
    cursor = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        html.append(escape(text[cursor:span_start]))
        html.append(f"{mark}{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    html.append(escape(text[cursor:end]))
    if end < len(text):
        html.append("…")
    return "".join(html)


def _window(text: str, spans: list[tuple[int, int]], max_chars: int) -> tuple[int, int]:
    """The stretch of at most max_chars holding the most matches, widened to word boundaries."""
    if len(text) <= max_chars:
        return 0, len(text)
    best_start, best_count = 0, 0
    for i, (span_start, _) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= span_start + max_chars)
        if count > best_count:
            best_start, best_count = span_start, count
    start = max(0, best_start - max_chars // 5)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < best_start else start
    end = min(len(text), start + max_chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end
