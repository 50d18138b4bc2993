"""Where a paragraph is and how it is cited: one place for the URL and the citation every front end shows."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.records import ParagraphRecord


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

    @classmethod
    def of(cls, record: ParagraphRecord) -> Citation:
        return cls(record.doc_title, record.label, record.ordinal, record.section, paragraph_url(record))

    def text(self, with_section: bool = True) -> str:
        """``Report title, para. 12 (Section)``: what a lawyer pastes."""
        number = f"para. {self.label}" if self.label else f"¶ {self.ordinal}"
        section = f" ({self.section})" if with_section and self.section else ""
        return f"{self.title}, {number}{section}"
