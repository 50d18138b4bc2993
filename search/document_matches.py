"""Where a query's words fall in one document: its paragraphs that hold any form of them, their text marked,
and where each stands in the document, for the document view's marks and hit map and the comparison view.
The comparison view also marks the query's translation into the index's other language
(``search/translation_leg.py``), so that a word sought in one column is found in the other too.

A paragraph matches when it holds any form of any of the query's words, as a result's snippet marks them
(``search/snippets.py``: inflections, Kazakh stems, prefixes, the index words a fuzzy word became), so every
paragraph the hit map points to shows a mark, and every mark is on the map. The engine's ranking restricted
to the document would add paragraphs found by meaning alone, which have no word to mark: a reader scanning
the map for the words would land on paragraphs that do not show them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from indexer.records import ParagraphRecord
from indexer.term_matrix import TermMatrix
from search.keyword_leg import expand_query
from search.query import ParsedQuery, parse_query
from search.snippets import QueryForms, render_snippet, word_spans
from search.translation_leg import TranslatedQuery, translate_query


@dataclass(frozen=True)
class Hit:
    record: ParagraphRecord
    place: float  # the middle of the paragraph's place in the document: 0 (its start) … 1 (its end)


@dataclass(frozen=True)
class DocumentMatches:
    marked: dict[str, str]  # paragraph id → its text as escaped HTML, the query's words in <mark>
    hits: list[Hit]  # the matching paragraphs in document order
    translation: TranslatedQuery | None = None  # the query's translation, marked in its language's paragraphs


def document_matches(
    paragraphs: Sequence[ParagraphRecord], query: str, terms: TermMatrix, with_translation: bool = False
) -> DocumentMatches:
    """The paragraphs of one document (``paragraphs``, in document order) that hold any form of ``query``'s
    words (``with_translation``: or of its translation's, in that language's paragraphs); ``terms``: the
    index's words, into which prefix and fuzzy words expand and the translation's senses are weighed."""
    parsed = parse_query(query)
    if parsed.empty:
        return DocumentMatches({}, [])
    forms = QueryForms.of(parsed, expand_query(parsed, terms).expansions)
    translation = translate_query(parsed, terms) if with_translation else None
    # The translation's terms are lemmas of its language: marked, in all their forms, in its paragraphs only.
    translated = {translation.lang: QueryForms.of(ParsedQuery(words=translation.terms), {})} if translation else {}

    def matching(words: Collection[str], lang: str) -> set[str]:
        found = forms.matching(words, lang)
        return found | translated[lang].matching(words, lang) if lang in translated else found

    marked: dict[str, str] = {}
    hits: list[Hit] = []
    for position, record in enumerate(paragraphs):
        spans = word_spans(record.text, record.lang, matching)
        if spans:
            marked[record.id] = render_snippet(record.text, spans, max_chars=len(record.text))
            hits.append(Hit(record, (position + 0.5) / len(paragraphs)))
    return DocumentMatches(marked, hits, translation)
