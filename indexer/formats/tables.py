"""Tables as blocks, the same for every format.

Three kinds of table turn up in reports and legal texts, and each reads differently:

- layout tables (one row, or a single column left once empty ones are dropped): a signature line, an approval
  stamp set to the right: their cells are ordinary paragraphs;
- bilingual tables (Kazakh in one half of the columns, Russian in the other, as Kazakhstan's contracts and acts are
  laid out): each half's paragraphs are blocks with that column's language, and a row's halves are translations;
- data tables: one block per row, each value with its column header ("Header: value; Header: value").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TypedDict, Unpack

from indexer.formats.blocks import (
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    TABLE_ROW,
    BlockList,
    clause_label,
    clean_inline,
    reads_as_heading,
)
from indexer.language import detect_language


@dataclass
class Cell:
    paragraphs: list[tuple[str, bool]] = field(default_factory=list)  # (text, set in bold)
    page: int | None = None  # where the row starts, if the format knows (rows of one table span pages)

    @property
    def text(self) -> str:
        return clean_inline(" ".join(text for text, _ in self.paragraphs))

    @property
    def bold(self) -> bool:
        return bool(self.paragraphs) and all(bold for text, bold in self.paragraphs if clean_inline(text))


_MAX_HEADER_CELL = 120
_HEADER_WORDS = 6  # a column's name is a few words
_ROW_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
# A column headed by a year or a span of years: "2015", "2015 г.", "2015–2016 гг.", "2015 жыл".
_YEARS = re.compile(r"^(?:19|20)\d\d(?:\s*[-–—]\s*(?:19|20)\d\d)?(?:\s*(?:гг?|год|жыл)\.?)?$")
_BULLET = re.compile(r"^[-–—•·▪●]\s")
# Lines this short, stacked in one cell, are one text broken for layout (an address, an approval stamp).
_SHORT_LINE = 80
# Share of rows whose halves are in the same two languages that makes a table bilingual.
_BILINGUAL_SHARE = 0.6


class TableHints(TypedDict, total=False):
    """What a format knows of a whole table, put on each of its blocks."""

    page: int | None
    ocr: bool


def add_table(out: BlockList, rows: list[list[Cell]], *, header_rows: int = 0, **hints: Unpack[TableHints]) -> None:
    """Append a table's blocks (and translation pairs) to ``out``; ``hints`` (page, ocr) go on every block."""
    rows = _drop_empty(rows)
    if not rows:
        return
    widest = max(len(_unique(row)) for row in rows)
    if widest == 1 or (len(rows) == 1 and widest <= 2):
        for row in rows:
            for cell in _unique(row):
                _add_cell(out, cell, **hints)
        return
    languages = _bilingual_languages(rows)
    if languages:
        _add_bilingual(out, rows, languages, **hints)
        return
    for index, text, label in table_rows(rows, header_rows=header_rows):
        out.add(text, TABLE_ROW, label=label, **_on_page(rows[index][0], hints))


def table_rows(rows: list[list[Cell]], *, header_rows: int = 0) -> list[tuple[int, str, str | None]]:
    """A data table's body rows, each as (its index in ``rows``, "Header: value; Header: value", its row number).

    The first row is the header when ``header_rows`` says so or it reads as one; rows without text give nothing.
    Plain-text tables (``indexer.paragraphs``) use this directly: the same rows as every other format's.
    """
    kept = [i for i, row in enumerate(rows) if any(cell.text for cell in row)]
    body = _drop_empty([rows[i] for i in kept])  # keeps exactly the rows of ``kept``, in order
    header: list[Cell] | None = None
    if body and (header_rows or _is_header(body[0], body[1:])):
        header, body, kept = body[0], body[1:], kept[1:]
    found = []
    for index, row in zip(kept, body, strict=True):
        text, label = _row_text(row, header)
        if text:
            found.append((index, text, label))
    return found


def _drop_empty(rows: list[list[Cell]]) -> list[list[Cell]]:
    rows = [row for row in rows if any(cell.text for cell in row)]
    width = max((len(row) for row in rows), default=0)
    if rows and all(len(row) == width for row in rows):
        keep = [i for i in range(width) if any(row[i].text for row in rows)]
        rows = [[row[i] for i in keep] for row in rows]
    return rows


def _cell_texts(cell: Cell) -> list[tuple[str, bool]]:
    """A cell's paragraphs; short lines that run on (an address, an approval stamp set line by line) are joined."""
    joined: list[tuple[str, bool]] = []
    previous = ""
    for text, bold in cell.paragraphs:
        text = clean_inline(text)
        if not text:
            continue
        if joined and joined[-1][1] == bold and _runs_on(previous, text):
            joined[-1] = (f"{joined[-1][0]} {text}", bold)
        else:
            joined.append((text, bold))
        previous = text
    return joined


def _runs_on(previous: str, text: str) -> bool:
    short = len(previous) <= _SHORT_LINE and len(text) <= _SHORT_LINE
    ends = previous.endswith((".", ";", ":", "!", "?"))
    return short and not ends and not clause_label(text) and not _BULLET.match(text)


def _on_page(cell: Cell, hints: TableHints) -> TableHints:
    return hints if cell.page is None else {**hints, "page": cell.page}


def _add_cell(out: BlockList, cell: Cell, lang: str | None = None, **hints: Unpack[TableHints]) -> list[int]:
    """Append a cell's paragraphs; their indices. ``lang``: the cell's column's language, in a bilingual table."""
    hints = _on_page(cell, hints)
    indices = []
    for text, bold in _cell_texts(cell):
        kind = HEADING if bold and reads_as_heading(text) else LIST_ITEM if _BULLET.match(text) else PARAGRAPH
        index = out.add(text, kind, lang=lang, **hints)
        if index is not None:
            indices.append(index)
    return indices


def _unique(cells: list[Cell]) -> list[Cell]:
    """A row's cells once each: a cell spanning several columns stands in each of them."""
    return list({id(cell): cell for cell in cells}.values())  # a dict keeps each key where it first came


def _halves(row: list[Cell]) -> tuple[list[Cell], list[Cell]] | None:
    if len(row) % 2:
        return None
    return _unique(row[: len(row) // 2]), _unique(row[len(row) // 2 :])


def _half_text(cells: list[Cell]) -> str:
    return " ".join(cell.text for cell in cells).strip()


def _bilingual_languages(rows: list[list[Cell]]) -> tuple[str, str] | None:
    votes: Counter[tuple[str, str]] = Counter()
    compared = 0
    for row in rows:
        halves = _halves(row)
        if not halves or not _half_text(halves[0]) or not _half_text(halves[1]):
            continue
        compared += 1
        votes[(detect_language(_half_text(halves[0])), detect_language(_half_text(halves[1])))] += 1
    if compared < 2:
        return None
    (left, right), count = votes.most_common(1)[0]
    if {left, right} != {"kk", "ru"} or count < _BILINGUAL_SHARE * compared:
        return None
    return left, right


def _add_bilingual(
    out: BlockList, rows: list[list[Cell]], languages: tuple[str, str], **hints: Unpack[TableHints]
) -> None:
    kk_side = languages.index("kk")
    for row in rows:
        halves = _halves(row) or (row, [])
        sides = [
            [index for cell in half for index in _add_cell(out, cell, lang=lang, **hints)]
            for half, lang in zip(halves, languages, strict=True)
        ]
        kazakh, other = sides[kk_side], sides[1 - kk_side]
        out.pairs.extend(_pair(out, kazakh, other))


def _pair(out: BlockList, kazakh: list[int], other: list[int]) -> list[tuple[int, int]]:
    """A row's Kazakh and Russian paragraphs, one to one where the counts agree, else by their clause numbers."""
    if len(kazakh) == len(other):
        return list(zip(kazakh, other, strict=True))
    by_label = {out.blocks[i].label: i for i in other if out.blocks[i].label}
    return [(i, by_label[out.blocks[i].label]) for i in kazakh if out.blocks[i].label in by_label]


def _is_header(row: list[Cell], body: list[list[Cell]]) -> bool:
    cells = [cell for cell in row if cell.text]
    if len(cells) < 2 or not body:
        return False
    if all(cell.bold for cell in cells) and not all(cell.bold for cell in body[0] if cell.text):
        return True
    # Without formatting: column names (a few words, no figures; a time series' years, two at least) over rows of
    # figures. Over rows of words a first row of words is as likely a row of the table: taking it for a header
    # would put it before every other row, so it is read as a row.
    if len(body) < 2 or any(len(cell.text.split()) > _HEADER_WORDS for cell in cells):
        return False
    years = sum(bool(_YEARS.match(cell.text)) for cell in cells)
    if years == 1 or not all(_YEARS.match(cell.text) or not re.search(r"\d", cell.text) for cell in cells):
        return False
    return 2 * sum(any(re.search(r"\d", cell.text) for cell in row) for row in body) >= len(body)


def _row_text(row: list[Cell], header: list[Cell] | None) -> tuple[str, str | None]:
    values = [cell.text for cell in row]
    names = [cell.text for cell in header] if header and len(header) == len(row) else [""] * len(row)
    label = values[0].rstrip(".") if _ROW_NUMBER.match(values[0]) else None
    parts: list[str] = []
    previous = None
    for name, value in zip(names, values, strict=True):
        if not value or value == previous:  # a merged cell repeats its text in every column it spans
            continue
        previous = value
        parts.append(f"{name}: {value}" if name and name != value else value)
    if not header and label is None and len(parts) == 2 and len(parts[0]) <= _MAX_HEADER_CELL:
        key = parts[0] if parts[0].endswith(":") else f"{parts[0]}:"
        return f"{key} {parts[1]}", label  # a key and its value
    return "; ".join(parts), label
