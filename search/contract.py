"""The JSON API's objects (DESIGN.md, "The JSON API is the contract"), made here and nowhere else: the search
response, its results, and a paragraph as ``/api/paragraph`` shows it. The CLI's ``--json`` and the web API
print the same objects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from indexer.records import ParagraphRecord
from search.citation import Citation, paragraph_url


class LegJSON(TypedDict):
    score: float
    rank: int


class TranslationJSON(TypedDict):
    id: str
    lang: str
    text: str


class CitationJSON(TypedDict):
    text: str  # in the reader's language (search/citation.py)
    title: str
    author: str | None
    year: int | None
    label: str | None  # the document's own number for the paragraph; None where it numbers none
    page: int | None  # page of the source, where it has pages
    url: str  # a path: /doc/<doc_id>#p<ordinal>


class ResultJSON(TypedDict):
    id: str
    doc_id: str
    doc_title: str
    label: str | None
    ordinal: int
    lang: str
    section: str | None
    text: str
    snippet_html: str
    score: float
    keyword: LegJSON | None
    semantic: LegJSON | None
    url: str
    citation: CitationJSON
    translation: TranslationJSON | None
    evidence: str | None  # "words", "meaning" or "both" (search/evidence.py); None for similar paragraphs
    confidence: float | None  # 0…1: the chance that it answers the query, as calibrated (search/evidence.py)


class TranslationTermsJSON(TypedDict):
    lang: str
    terms: list[str]


class FacetJSON(TypedDict):
    value: str | int  # what the filter takes: a doc_id, a language code, a year
    label: str
    count: int


class OtherFacetsJSON(TypedDict):
    documents: int  # documents with results beyond the listed ones
    count: int  # their results


class FacetsJSON(TypedDict):
    doc: list[FacetJSON]  # the FACET_DOCUMENTS documents with the most results (search/facets.py)
    doc_others: OtherFacetsJSON
    lang: list[FacetJSON]
    year: list[FacetJSON]


class ResponseJSON(TypedDict):
    query: str
    mode: str
    alpha: float
    total: int
    unknown_words: list[str]  # the query's words that no paragraph holds in any form
    did_you_mean: str | None  # the query with unknown words replaced by index words one edit away
    translation: TranslationTermsJSON | None  # what the query was also searched as, in the other language
    took_ms: float
    partial: bool
    notes: Sequence[str]  # search.notes.Note: each note is its text
    facets: FacetsJSON  # counted over every result of the query, not one page (search/facets.py)
    results: list[ResultJSON]


@dataclass(frozen=True, slots=True)
class LegScore:
    """One leg's view of a hit: its score there and its rank among that leg's hits."""

    score: float
    rank: int

    def to_json(self) -> LegJSON:
        return {"score": round(self.score, 6), "rank": self.rank}


def translation_json(record: ParagraphRecord | None) -> TranslationJSON | None:
    return None if record is None else {"id": record.id, "lang": record.lang, "text": record.text}


def citation_json(citation: Citation, language: str) -> CitationJSON:
    return {
        "text": citation.text(language),
        "title": citation.title,
        "author": citation.author,
        "year": citation.year,
        "label": citation.label,
        "page": citation.page,
        "url": citation.url,
    }


def result_json(
    record: ParagraphRecord,
    citation: CitationJSON,
    score: float,
    snippet_html: str,
    keyword: LegScore | None,
    semantic: LegScore | None,
    translation: ParagraphRecord | None,
    evidence: str | None = None,
    confidence: float | None = None,
) -> ResultJSON:
    return {
        "id": record.id,
        "doc_id": record.doc_id,
        "doc_title": record.doc_title,
        "label": record.label,
        "ordinal": record.ordinal,
        "lang": record.lang,
        "section": record.section,
        "text": record.text,
        "snippet_html": snippet_html,
        "score": round(float(score), 6),
        "keyword": None if keyword is None else keyword.to_json(),
        "semantic": None if semantic is None else semantic.to_json(),
        "url": paragraph_url(record),
        "citation": citation,
        "translation": translation_json(translation),
        "evidence": evidence,
        "confidence": confidence,
    }


def paragraph_json(
    record: ParagraphRecord,
    citation: CitationJSON,
    before: ParagraphRecord | None,
    after: ParagraphRecord | None,
    translation: ParagraphRecord | None,
) -> dict[str, Any]:
    """A paragraph with its place: the stored record, its URL and citation, its neighbours' ids and its
    translation."""
    return record.to_json() | {
        "url": paragraph_url(record),
        "citation": citation,
        "previous": before and before.id,
        "next": after and after.id,
        "translation": translation_json(translation),
    }
