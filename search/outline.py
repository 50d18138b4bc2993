"""A document's outline: its headings in order, each with its level and the paragraph it opens, for a table of
contents. A paragraph's ``section`` is the path of headings it falls under, joined by " — " ("Часть — Тема",
``indexer/paragraphs.py``); a heading opens where a paragraph's path first holds it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from indexer.records import ParagraphRecord

HEADING_PATH_SEPARATOR = " — "


@dataclass(frozen=True)
class Heading:
    title: str
    level: int  # 1: a heading of the document, 2: one under it …
    ordinal: int  # the paragraph it opens
    lang: str  # the language of the paragraph it opens (headings carry none of their own)

    @property
    def anchor(self) -> str:
        """The heading's id on the document page."""
        return f"h{self.ordinal}-{self.level}"


def outline(paragraphs: Iterable[ParagraphRecord]) -> list[Heading]:
    """The headings of a document's paragraphs (in document order): where the path of headings changes, each
    heading of the new path that the previous one did not end with at the same level."""
    headings: list[Heading] = []
    previous: list[str] = []
    for record in paragraphs:
        path = record.section.split(HEADING_PATH_SEPARATOR) if record.section else []
        if path == previous:
            continue
        kept = 0
        while kept < min(len(path), len(previous)) and path[kept] == previous[kept]:
            kept += 1
        headings += [
            Heading(title, level, record.ordinal, record.lang) for level, title in enumerate(path[kept:], kept + 1)
        ]
        previous = path
    return headings
