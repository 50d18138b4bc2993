"""The paragraph record: what a generation stores for each paragraph (``paragraphs.jsonl``, row i = keyword
index row i = vector row i), what search returns and what pages show."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from indexer.formats.blocks import SIGNATURE, TABLE_ROW

# A letter's head and closing, an issuer's line: kept and shown in the document, never a search result.
FURNITURE = "furniture"
# Kinds of paragraph shown in their document but never returned alone: they cite nothing by themselves.
SHOWN_ONLY = frozenset({FURNITURE, SIGNATURE})
# Fewer words than this and a paragraph is a fragment, nothing one can cite on its own (indexer/passages.py).
FRAGMENT_WORDS = 6
_WORD = re.compile(r"\w")


def word_count(text: str) -> int:
    """Words of a text: its white-space-separated tokens with a letter or digit in them (not bullets, dashes)."""
    return sum(bool(_WORD.search(token)) for token in text.split())


def indexed_text(text: str, section: str | None) -> str:
    """What the keyword index holds for a paragraph: its text under the heading it stands directly under (the
    last of its ``section``, "Часть — Тема"; a BEIR record's title), so that a heading's words find the
    paragraphs under it. A part's title, over hundreds of paragraphs, would tell none of them apart."""
    heading = section.split(" — ")[-1] if section else None
    return f"{heading}\n{text}" if heading else text


def embedded_text(text: str, section: str | None, kind: str | None) -> str:
    """What is embedded for a paragraph: a table row under its heading ("Передано в суд: 60" alone says little
    of what was passed to court); any other paragraph as it is, a passage that stands alone."""
    return indexed_text(text, section) if kind == TABLE_ROW else text


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
    kind: str | None = None  # None for running text; "note", "table-row", "list-item", "signature", "furniture"
    ocr: bool = False  # read from a page image

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParagraphRecord:
        values = {key: value for key, value in data.items() if key in _FIELDS}
        values["lines"] = tuple(values["lines"])
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        record = asdict(self)
        record["lines"] = list(self.lines)
        return record


_FIELDS = frozenset(field.name for field in fields(ParagraphRecord))  # what from_json keeps of a line's keys
