"""Printed pages to blocks: what a reader of a PDF sees, rebuilt from the position and size of its lines.

Both a PDF text layer (``pdf.py``) and OCR (``ocr.py``) give lines with boxes and font sizes; from there the
rules are the same:

1. Page furniture goes: lines repeated in the top or bottom margin of most pages (running heads, footers) and
   page numbers there.
2. Footnotes are the lines at the foot of a page set smaller than the body text (or, same size, standing below
   a wide gap and starting with a marker); they become notes, labelled by their marker, placed after the
   paragraph that is open when the page ends.
3. A table of contents (lines ending in a page number set apart or after dot leaders, three or more on a page)
   is kind ``toc``.
4. Lines join into paragraphs until the layout says a new one starts: a first-line indent, a wider gap than
   the page's line spacing, a change of font size, a short line that ends a sentence, a clause number
   after a finished sentence, a centred or right-set block beginning or ending. A paragraph runs on across a
   page break when its last line is full and unfinished. Hyphenation at line ends is undone where a dictionary
   confirms the word.
5. Bold, larger or centred short paragraphs that read as headings are headings.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict

from indexer.analysis import is_known_russian_word
from indexer.formats.blocks import (
    HEADING,
    LIST_ITEM,
    NOTE,
    PARAGRAPH,
    TOC,
    BlockHints,
    BlockList,
    clause_label,
    legal_level,
    reads_as_heading,
)
from indexer.formats.page_lines import Line, PageContent, TableBox, set_column, weighted_median
from indexer.formats.tables import Cell, add_table

# --- 1. page furniture ----------------------------------------------------------------------------------------

# Running heads and footers sit in the outer 15 % of a page; page numbers in the outer 12 %.
_FURNITURE_MARGIN = 0.15
_NUMBER_MARGIN = 0.12
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?\d{1,4}(?:\s*[-–—])?$|^(?:стр\.?|страница|page|бет)\s*\d{1,4}(?:\s*(?:из|of)\s*\d+)?$|^\d{1,4}\s*(?:бет|стр\.?)$",
    re.IGNORECASE,
)


def _size_changes(a: Line, b: Line) -> bool:
    if a.ocr or b.ocr:
        # OCR measures size from word boxes, which swing by a quarter with the letters a line happens to hold
        # (capitals, brackets, descenders): too loose to tell a heading's size from the body's.
        return False
    return abs(a.size - b.size) > max(1.0, 0.08 * max(a.size, b.size))


def _furniture_key(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.lower())).strip()


def drop_furniture(pages: list[PageContent]) -> None:
    def in_margin(line: Line, page: PageContent, margin: float = _FURNITURE_MARGIN) -> bool:
        return line.top < margin * page.height or line.bottom > (1 - margin) * page.height

    seen: defaultdict[str, set[int]] = defaultdict(set)
    for page in pages:
        for line in page.items:
            if isinstance(line, Line) and in_margin(line, page):
                seen[_furniture_key(line.text)].add(page.number)
    repeated = {key for key, where in seen.items() if len(where) >= 2 and len(where) >= 0.5 * len(pages)}
    for page in pages:
        page.items = [
            item
            for item in page.items
            if not (
                isinstance(item, Line)
                and (
                    (in_margin(item, page) and _furniture_key(item.text) in repeated)
                    or (in_margin(item, page, _NUMBER_MARGIN) and _PAGE_NUMBER.match(item.text.strip()))
                )
            )
        ]


# --- 2. footnotes --------------------------------------------------------------------------------------------

_NOTE_MARKER = re.compile(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹*]+|\d{1,2}(?=\s)|\*+)\s*")
_FROM_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SMALL = 0.88  # footnotes are set at most this share of the body size
_SMALL_OCR = 0.9


def _notes_start(page: PageContent, body_size: float) -> int:
    """Where the footnotes at the foot of a page begin (``len(items)`` if there are none): the trailing lines set
    smaller than the body, or else the trailing lines after a wide gap that begin with a note marker."""
    items = page.items
    small = (_SMALL_OCR if page.ocr else _SMALL) * body_size
    cut = len(items)
    while cut > 0:
        item = items[cut - 1]
        if not (isinstance(item, Line) and item.size <= small and item.top > 0.5 * page.height):
            break
        cut -= 1
    if 0 < cut < len(items) and page.ocr:
        # OCR sizes are rough: smaller lines are footnotes only if there are several, set apart by a gap.
        above = items[cut - 1]
        gap = items[cut].top - above.bottom if isinstance(above, Line) else 0.0
        if len(items) - cut < 2 or gap < 1.5 * body_size:
            cut = len(items)
    if cut < len(items):
        return cut
    for i in range(len(items) - 1, 0, -1):
        line, above = items[i], items[i - 1]
        if not (isinstance(line, Line) and isinstance(above, Line)) or line.top < 0.5 * page.height:
            break
        if _NOTE_MARKER.match(line.text) and line.top - above.bottom > 2.5 * body_size and _position(line) == "left":
            return i
    return len(items)


def split_notes(page: PageContent, body_size: float) -> list[tuple[str | None, str]]:
    """Take the footnotes off the foot of the page: (marker, text) for each."""
    cut = _notes_start(page, body_size)
    # Lines only: _notes_start cuts where every item below is a Line.
    lines = [item for item in page.items[cut:] if isinstance(item, Line)]
    if not lines or cut == 0:
        return []
    page.items = page.items[:cut]
    notes: list[tuple[str | None, list[Line]]] = []
    for previous, line in zip([None, *lines], lines, strict=False):
        marker = _NOTE_MARKER.match(line.text)
        # A figure at the start of a line is a new note's marker only where the last note ended (not "… от /
        # 8 февраля 2018 г." running on).
        if marker and previous is not None and not (_is_short(previous) or _SENTENCE_END.search(previous.text)):
            marker = None
        if marker or not notes:
            label = marker.group(1).translate(_FROM_SUPERSCRIPT) if marker else None
            notes.append((label, [line]))
        else:
            notes[-1][1].append(line)
    return [(label, join_lines(group)) for label, group in notes]


# --- 3. table of contents ------------------------------------------------------------------------------------

_TOC_TITLE = re.compile(r"^(?:мазмұны|мазмұн|содержание|оглавление|contents|table of contents)\.?$", re.IGNORECASE)
_LEADERS = re.compile(r"(?:\.{3,}|…{2,}|_{3,})\s*\d{1,4}$")
_ENDS_IN_NUMBER = re.compile(r"\s\d{1,4}$")
_MIN_TOC_ENTRIES = 3


def _is_toc_entry(line: Line) -> bool:
    return bool(_LEADERS.search(line.text)) or (
        bool(_ENDS_IN_NUMBER.search(line.text)) and line.tail_gap >= 2 * line.size and line.x1 >= line.right - line.size
    )


def mark_toc(page: PageContent) -> None:
    lines = [item for item in page.items if isinstance(item, Line)]
    entries = [i for i, line in enumerate(lines) if _is_toc_entry(line)]
    if len(entries) < _MIN_TOC_ENTRIES:
        return
    first, last = entries[0], entries[-1]
    if first > 0 and _TOC_TITLE.match(lines[first - 1].text.strip()):
        first -= 1
    for line in lines[first : last + 1]:
        line.toc = True
    if last + 1 < len(lines) and not _is_toc_entry(lines[last + 1]) and lines[last + 1].text[:1].islower():
        lines[last + 1].toc = True  # the wrapped end of the last entry


# --- 4. paragraphs -------------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?:;…][»\"”’)]*$")
_BULLET = re.compile(r"^(?:[•●▪◦·\uf0b7\uf0a7\uf076\uf0d8]|[-–—](?=\s))\s*")
_LINE_HYPHEN = re.compile(r"([^\W\d_]+)[-‐\u00ad]$")


def _position(line: Line) -> str:
    width = max(line.right - line.left, 1.0)
    lead, trail = line.x0 - line.left, line.right - line.x1
    # Far-in lines may be off-centre by a little; a wide line must be centred closely.
    tolerance = max(2 * line.size, 0.1 * width) if min(lead, trail) > 1.5 * line.size else max(line.size, 0.02 * width)
    symmetric = min(lead, trail) > 0.5 * line.size and abs(lead - trail) < tolerance
    # A one-line paragraph with a first-line indent can look centred: a centred line is far in, or bold, or
    # neither a sentence nor a list item and not at the column's usual indent.
    plain = not (_SENTENCE_END.search(line.text) or _starts_item(line.text)) and abs(lead - line.indent) > 2
    if symmetric and (lead >= 0.15 * width or line.bold or plain):
        return "center"
    if lead > 0.3 * width:
        return "block"  # set to the right: an approval stamp, a signature's name
    if lead > 0.6 * line.size:
        return "indent"
    return "left"


def _is_short(line: Line) -> bool:
    return line.x1 < line.right - max(3 * line.size, 0.12 * (line.right - line.left))


def _starts_item(text: str) -> bool:
    return bool(clause_label(text) or _BULLET.match(text))


def _breaks(prev: Line, line: Line, pitch_limit: float) -> bool:
    """Whether ``line`` starts a new paragraph after ``prev`` on the same page."""
    if prev.toc or line.toc:
        return prev.toc != line.toc or not (line.text[:1].islower() and not _is_toc_entry(prev))
    if _size_changes(prev, line):
        return True
    if line.bottom - prev.bottom > pitch_limit or line.top < prev.top:
        return True
    before, position = _position(prev), _position(line)
    if before == position == "center" or (before == "center" and position == "left" and line.text[:1].islower()):
        return False  # a centred title over several lines, or a paragraph's first line that only looked centred
    if before == position == "block":
        return False  # lines set to the right together: a stamp or an address, centred or not within the block
    if "center" in (before, position) or "block" in (before, position):
        return True
    ended = bool(_SENTENCE_END.search(prev.text))
    if position == "indent":
        return ended or _is_short(prev) or _starts_item(line.text)
    if _starts_item(line.text) and (ended or _is_short(prev)):
        return True
    return _is_short(prev) and (ended or line.text[:1].isupper() or line.text[:1].isdigit())


def _continues_over_page(prev: Line, line: Line) -> bool:
    if prev.toc or line.toc or _size_changes(prev, line) or line.bold != prev.bold:
        return False
    if _position(line) != "left" or _starts_item(line.text) or _position(prev) not in ("left", "indent"):
        return False
    return line.text[:1].islower() or not (_SENTENCE_END.search(prev.text) or _is_short(prev))


def join_lines(lines: list[Line]) -> str:
    text = ""
    for line in lines:
        piece = line.text.strip()
        hyphen = _LINE_HYPHEN.search(text)
        if not text:
            text = piece
        elif hyphen and piece[:1].islower():
            right = re.match(r"[^\W\d_]+", piece)
            whole = (hyphen.group(1) + right.group(0)).lower() if right else ""
            soft = text.endswith("\u00ad")
            # Drop the hyphen only where the joined word is a word and its first half is not: "информа-ции"
            # joins, "ата-аналар" and "научно-технический" keep theirs.
            joins = soft or (is_known_russian_word(whole) and not is_known_russian_word(hyphen.group(1).lower()))
            text = (text[:-1] if joins else text) + piece
        else:
            text = f"{text} {piece}"
    return text


def _pitch_limit(lines: list[Line], body_size: float) -> float:
    """The baseline-to-baseline distance beyond which a gap sets a paragraph apart: the page's usual line pitch
    and a bit (baselines, not boxes: an OCR box shrinks on a line without ascenders)."""
    pitches = [
        b.bottom - a.bottom
        for a, b in zip(lines, lines[1:], strict=False)
        if 0 < b.bottom - a.bottom < 3 * body_size and not _size_changes(a, b)
    ]
    pitch = statistics.median(pitches) if pitches else 1.2 * body_size
    # OCR baselines jump by a few points (a stray mark, a merged superscript): there a gap must be wider.
    return pitch + (0.8 if any(line.ocr for line in lines) else 0.4) * body_size


class _Paragraphs:
    """Lines grouped into paragraphs and emitted as blocks, notes after the paragraph open at their page's end."""

    def __init__(self, out: BlockList, body_size: float) -> None:
        self.out = out
        self.body_size = body_size
        self.lines: list[Line] = []
        self.pending_notes: list[tuple[str | None, str, int, bool]] = []

    def flush(self) -> None:
        if self.lines:
            self._emit(self.lines)
            self.lines = []
        for label, text, page, ocr in self.pending_notes:
            self.out.add(text, NOTE, page=page, label=label, ocr=ocr)
        self.pending_notes = []

    def _emit(self, lines: list[Line]) -> None:
        text = join_lines(lines)
        first = lines[0]
        hints: BlockHints = {"page": first.page, "ocr": first.ocr}
        if first.toc:
            self.out.add(text, TOC, **hints)
            return
        positions = {_position(line) for line in lines}
        set_apart = (
            all(line.bold for line in lines)
            or (first.size >= self.body_size + 1.5 and not first.ocr)
            or positions == {"center"}
            or (legal_level(text) is not None and (len(lines) == 1 or not text.endswith(".")))
        )
        if set_apart and "block" not in positions and len(lines) <= 4 and reads_as_heading(text):
            self.out.add(text, HEADING, page=first.page, ocr=first.ocr, level=legal_level(text))
        elif _BULLET.match(text):
            self.out.add(_BULLET.sub("", text), LIST_ITEM, **hints)
        else:
            self.out.add(text, PARAGRAPH, **hints)


def read_layout(pages: list[PageContent]) -> BlockList:
    """The blocks of a document's pages, in reading order."""
    out = BlockList()
    drop_furniture(pages)
    all_lines = [item for page in pages for item in page.items if isinstance(item, Line)]
    if not all_lines:
        return out
    body_size = weighted_median([line.size for line in all_lines], [len(line.text) for line in all_lines])
    for page in pages:
        if page.columns == 1:  # measured again now that running heads and footers are gone
            set_column([item for item in page.items if isinstance(item, Line)])
    notes = {page.number: split_notes(page, body_size) for page in pages}
    for page in pages:
        mark_toc(page)
    paragraphs = _Paragraphs(out, body_size)
    previous: Line | None = None
    for page in pages:
        pitch_limit = _pitch_limit([item for item in page.items if isinstance(item, Line)], body_size)
        for item in page.items:
            if isinstance(item, TableBox):
                paragraphs.flush()
                add_table(out, _cells(item.rows), page=item.page, ocr=item.ocr)
                previous = None
                continue
            if previous is not None:
                same_page = previous.page == item.page
                new = _breaks(previous, item, pitch_limit) if same_page else not _continues_over_page(previous, item)
                if new:
                    paragraphs.flush()
            paragraphs.lines.append(item)
            previous = item
        paragraphs.pending_notes.extend((label, text, page.number, page.ocr) for label, text in notes[page.number])
        if not paragraphs.lines:
            paragraphs.flush()
    paragraphs.flush()
    return out


def _cells(rows: list[list[str | None]]) -> list[list[Cell]]:
    table: list[list[Cell]] = []
    for row in rows:
        cells: list[Cell] = []
        for value in row:
            if value is None and cells:
                cells.append(cells[-1])  # covered by a merged cell: the same cell in each column it spans
            else:
                cells.append(Cell([((value or "").replace("\n", " "), False)]))
        table.append(cells)
    return table
