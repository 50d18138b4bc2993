"""The pages of a PDF as lines with their geometry: what both the text layer (``pdf.py``) and OCR (``ocr.py``)
produce and ``layout.py`` reads.

A ``Line`` knows its box in PDF points, its font size and weight, and the text column it stands in (left and
right edges, usual first-line indent), measured once per column by ``set_column``.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from indexer.formats.blocks import superscript


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False


_SUPERSCRIPT_TEXT = re.compile(r"^[\d*]{1,3}$")


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    bold: bool = False
    ocr: bool = False
    tail_gap: float = 0.0  # the space before the last word: a contents line's page number stands apart
    left: float = 0.0  # the text column this line belongs to, once the page knows it
    right: float = 0.0
    indent: float = 0.0  # the column's usual first-line indent
    toc: bool = False

    @classmethod
    def from_words(cls, words: list[Word], page: int, size: float | None = None, ocr: bool = False) -> Line:
        """A line from its words: spaces where the words stand apart, small raised figures as superscripts."""
        words = sorted(words, key=lambda word: word.x0)
        weights = [len(word.text) for word in words]
        size = size or weighted_median([word.size for word in words], weights)
        body = [word for word in words if word.size >= 0.8 * size] or words
        # OCR boxes run down to descenders and up to stray marks: most words' bottom is the baseline.
        bottoms = sorted(word.bottom for word in body)
        baseline = bottoms[len(bottoms) // 2] if ocr else bottoms[-1]
        parts: list[str] = []
        for i, word in enumerate(words):
            # (OCR word boxes carry no font size: their figures are left as read.)
            raised = not ocr and word.size < 0.8 * size and word.bottom < baseline - 0.15 * size
            text = superscript(word.text) if raised and _SUPERSCRIPT_TEXT.match(word.text) else word.text
            glued = i and (text != word.text or word.x0 - words[i - 1].x1 < 0.12 * size)
            parts.append(text if not i or glued else f" {text}")
        bold_chars = sum(len(word.text) for word in words if word.bold)
        return cls(
            text="".join(parts),
            x0=min(word.x0 for word in words),
            x1=max(word.x1 for word in words),
            top=sorted(word.top for word in body)[len(body) // 2] if ocr else min(word.top for word in body),
            bottom=baseline,
            size=size,
            page=page,
            bold=bold_chars >= 0.8 * sum(weights),
            ocr=ocr,
            tail_gap=words[-1].x0 - words[-2].x1 if len(words) > 1 else 0.0,
        )


@dataclass
class TableBox:
    top: float
    rows: list[list[str | None]]  # None: covered by the cell to its left (a merged cell)
    page: int
    ocr: bool = False


@dataclass
class PageContent:
    number: int
    width: float
    height: float
    items: list[Line | TableBox] = field(default_factory=list)  # in reading order
    ocr: bool = False
    columns: int = 1  # a two-column page has its lines' column edges set by its reader


def weighted_median(values: list[float], weights: list[int]) -> float:
    pairs = sorted(zip(values, weights, strict=True))
    half, running = sum(weights) / 2, 0
    for value, weight in pairs:
        running += weight
        if running >= half:
            return value
    return pairs[-1][0]


def group_lines(words: list[Word], page: int) -> list[Line]:
    """Words into lines: a word joins the line it overlaps vertically by half its height."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda word: (word.top, word.x0)):
        for row in reversed(rows[-3:]):
            top, bottom = min(w.top for w in row), max(w.bottom for w in row)
            overlap = min(bottom, word.bottom) - max(top, word.top)
            if overlap >= 0.5 * min(word.bottom - word.top, bottom - top):
                row.append(word)
                break
        else:
            rows.append([word])
    return [Line.from_words(row, page) for row in rows]


def set_column(lines: list[Line]) -> None:
    """The left and right edges of the text column these lines share: where full lines start and end."""
    if not lines:
        return
    widest = max(line.x1 for line in lines) - min(line.x0 for line in lines)
    full = [line for line in lines if line.x1 - line.x0 >= 0.6 * widest] or lines
    starts = sorted(line.x0 for line in full)
    ends = sorted(line.x1 for line in lines)
    left, right = starts[len(starts) // 10], ends[int(0.9 * (len(ends) - 1))]
    leads = [round(line.x0 - left) for line in lines if 0.6 * line.size < line.x0 - left < 0.3 * (right - left)]
    indent = statistics.mode(leads) if leads else 0.0
    for line in lines:
        line.left, line.right, line.indent = left, right, indent
