"""The paragraph record: what a generation stores for each paragraph (``paragraphs.jsonl``, row i = keyword
index row i = vector row i), what search returns and what pages show."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class ParagraphRecord:
    id: str  # "<doc_id>:<ordinal or key>"
    doc_id: str
    doc_title: str
    ordinal: int  # 1-based position in the document
    label: str | None  # the document's own number for it ("16"), if it numbers its paragraphs
    section: str | None  # the heading it falls under
    lang: str  # kk, ru, en or other
    text: str
    lines: tuple[int, int]  # where it came from: first and last line (or block) of the source
    page: int | None = None  # page of the source, where it has pages
    kind: str | None = None  # None for running text; "note", "table-row", "signature" …
    ocr: bool = False  # read from a page image

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParagraphRecord:
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["lines"] = tuple(values["lines"])
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        record = asdict(self)
        record["lines"] = list(self.lines)
        return record
