"""Where a paragraph is and how it is cited: one place for the URL and the citation every front end shows.

A citation is written in the reader's language: Russian and Kazakh close to ГОСТ Р 7.0.100 (areas joined by
". — "), English plainly, the document's own title and author kept as the document gives them:

    ru  Республика Казахстан. Ответы на перечень вопросов (CCPR/C/KAZ/QPR/3). — 2024. — п. 16.
    kk  Республика Казахстан. Ответы на перечень вопросов (CCPR/C/KAZ/QPR/3). — 2024. — т. 16.
    en  Республика Казахстан, Ответы на перечень вопросов (CCPR/C/KAZ/QPR/3), 2024, para. 16

A paragraph the document does not number is cited by its place in it (``¶ 12``, our count, in every language);
a page is cited where the source has pages (``с. 7`` / ``б. 7`` / ``p. 7``), and the address the document was
published at, where the catalogue gives one, ends the citation (``— URL: …``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from indexer.records import ParagraphRecord

CITATION_LANGUAGES = ("ru", "kk", "en")
DEFAULT_CITATION_LANGUAGE = "en"
# How each language abbreviates a paragraph the document numbers and a page: пункт, тармақ (Kazakh), bet (page).
_PARAGRAPH = {"ru": "п.", "kk": "т.", "en": "para."}
_PAGE = {"ru": "с.", "kk": "б.", "en": "p."}


def paragraph_url(record: ParagraphRecord) -> str:
    """The paragraph in its document: ``/doc/<doc_id>#p<ordinal>``."""
    return f"/doc/{record.doc_id}#p{record.ordinal}"


@dataclass(frozen=True, slots=True)
class Citation:
    title: str
    label: str | None  # the document's own number for the paragraph
    ordinal: int
    section: str | None
    url: str
    author: str | None = None
    year: int | None = None
    symbol: str | None = None  # the document's symbol, such as CCPR/C/KAZ/QPR/3
    page: int | None = None  # page of the source, where it has pages
    source_url: str | None = None  # where the document was published

    @classmethod
    def of(cls, record: ParagraphRecord, document: Mapping[str, object] | None = None) -> Citation:
        """The citation of a paragraph; ``document``: its document's metadata (the manifest's entry)."""
        meta = document or {}
        author, symbol, source = meta.get("author"), meta.get("symbol"), meta.get("source_url")
        return cls(
            title=record.doc_title,
            label=record.label,
            ordinal=record.ordinal,
            section=record.section,
            url=paragraph_url(record),
            author=author if isinstance(author, str) and author else None,
            year=document_year(meta),
            symbol=symbol if isinstance(symbol, str) and symbol else None,
            page=record.page,
            source_url=source if isinstance(source, str) and source else None,
        )

    def text(self, language: str = DEFAULT_CITATION_LANGUAGE, with_section: bool = False) -> str:
        """What a lawyer pastes, in ``language`` (ru, kk or en; another is read as en); ``with_section``: the
        heading the paragraph falls under, in brackets after its number."""
        language = language if language in CITATION_LANGUAGES else DEFAULT_CITATION_LANGUAGE
        title = self.title if not self.symbol or self.symbol in self.title else f"{self.title} ({self.symbol})"
        number = f"{_PARAGRAPH[language]} {self.label}" if self.label else f"¶ {self.ordinal}"
        place = ", ".join([f"{_PAGE[language]} {self.page}"] * (self.page is not None) + [number])
        if with_section and self.section:
            place += f" ({self.section})"
        if language == "en":
            return ", ".join(str(part) for part in (self.author, title, self.year, place, self.source_url) if part)
        # ГОСТ Р 7.0.100: the heading (author) ends in a full stop, the areas are separated by ". — ".
        head = f"{_without_stop(self.author)}. {title}" if self.author else title
        cited = ". — ".join(_without_stop(str(part)) for part in (head, self.year, place) if part) + "."
        return f"{cited} — URL: {self.source_url}" if self.source_url else cited


def document_year(document: Mapping[str, object]) -> int | None:
    """The year a document's metadata give, if any."""
    year = document.get("year")
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def _without_stop(text: str) -> str:
    return text.rstrip(" .")
