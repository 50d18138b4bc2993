"""Split text extracted from PDF into paragraphs.

PDF extraction leaves a text in which a blank line follows every printed line, pages break in mid-sentence,
footnotes interrupt running text and numbered paragraphs, headings, bullets and table rows all look alike.
The splitter reads the layout the extraction kept and decides, line by line, where a paragraph ends:

1. ``_read_lines``: each non-empty line with the gap before it (empty lines, whitespace-only lines) and its
   indent; footnote blocks, bare URL lines and page numbers are taken out, and the line after them is marked
   as continuing across the cut.
2. ``_is_boundary``: a paragraph ends before a numbered paragraph (``12. …``, kept as the label), a bullet or
   dash item, a table row, after a whitespace-only separator line, or where a sentence ends on a short line
   and the next line starts a new one.
3. ``_cut_where_translation_does``: in a document given in Kazakh and in Russian, a paragraph that ends on a full
   line before one that starts a sentence is cut where its translation is (``indexer.translation_cuts``).
4. ``_assemble``: lines are joined, hyphenation at line end undone (real compound hyphens stay), white space
   folded; short headline-like blocks become the ``section`` of what follows instead of results; a run of
   tab-separated lines is a table, one ``table-row`` paragraph per row with its column headers
   (``indexer.formats.tables``, as in every other format); a block with a signature line is a ``signature``.

The report-specific cases it has to survive are listed in ``corpus/STRUCTURE.md`` of the shared data.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from indexer.analysis import is_known_russian_word, is_russian_name, leans_forward, normalise
from indexer.formats.blocks import SIGNATURE, TABLE_ROW
from indexer.formats.tables import Cell, table_rows
from indexer.language import kazakh_letters
from indexer.records import FURNITURE
from indexer.translation_cuts import translation_cuts

_NUMBERED = re.compile(r"^(\d{1,4})\.\s+\S")
_FOOTNOTE = re.compile(r"^(\d{1,3})\s+\S")
_BULLET = re.compile(r"^(?:[•\uf0b7▪●◦·]|[-–—](?=\s))")
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S*$")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_SENTENCE_END = re.compile(r"[.!?:;…][»\"”’)\]]*$")
_FULL_STOP = re.compile(r"[.!?…][»\"”’)\]]*$")
_SENTENCE_START = re.compile(r"^[«\"„“(]*[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9№§]")
_LINE_HYPHEN = re.compile(r"([^\W\d_])[-‐]$")
_DASH_END = re.compile(r"\d[–—]$")
_SPACES = re.compile(r"[ \u00a0]+")
_SIGNATURE_GAP = " " * 8
_RUNS_ON = (",", "-", "–", "—", "(", "«")

# A numbered layout needs this many sequential "N. " starts before numbers are trusted as boundaries.
_MIN_NUMBERED = 10
# A sentence that ends on a line shorter than this share of the text width ends its paragraph.
_SHORT_LINE = 0.92
# Without a full stop, a line must be shorter still to end its paragraph before a capital.
_UNPUNCTUATED_END = 0.8
_MAX_HEADING_CHARS = 160
# Lines longer than this are not printed lines of a PDF page but whole paragraphs, one per line.
_MAX_PDF_LINE = 200


@dataclass
class Paragraph:
    """One paragraph of a document: the unit that is indexed, searched and cited."""

    ordinal: int
    text: str
    lines: tuple[int, int]
    label: str | None = None
    section: str | None = None
    key: str | None = None  # what follows "<doc_id>:" in the paragraph id; the ordinal unless set
    # Set by the format readers (indexer/formats), where ``lines`` is the range of source blocks:
    page: int | None = None  # 1-based page the paragraph starts on, where the source has pages
    kind: str | None = None  # "note", "table-row", "list-item", "signature"; None for running text
    lang: str | None = None  # the layout's language hint (a bilingual table's column)
    ocr: bool = False  # read from a page image, so the text may hold recognition errors

    @property
    def id_key(self) -> str:
        return self.key or str(self.ordinal)


@dataclass
class _Line:
    no: int  # 1-based line number in the source
    text: str  # stripped
    indent: int
    blanks: int = 0  # empty lines since the previous kept line
    separator: bool = False  # a whitespace-only line stands in the gap
    after_cut: bool = False  # furniture (footnotes, URLs) was removed just before this line
    signature: bool = False  # a long run of spaces inside: "Министр            М."
    label: str | None = None
    gap: bool = False  # the layout itself sets this line apart from the one before
    glued: bool = False  # follows its predecessor with no blank line where a blank is the rule

    @property
    def page_break(self) -> bool:
        """PDF page starts are lines indented by one space that follow their predecessor directly."""
        return self.indent == 1 and self.blanks == 0 and not self.separator


@dataclass
class _Block:
    lines: list[_Line] = field(default_factory=list)
    label: str | None = None


def split_paragraphs(text: str) -> list[Paragraph]:
    """The paragraphs of a PDF-extracted text, each whole, in order, with its heading as ``section``."""
    lines = _read_lines(text.splitlines())
    if not lines:
        return []
    numbered = _label_numbered(lines)
    width = _text_width(lines)
    # PDF extractions put a blank line after every printed line; plain text files separate paragraphs by one.
    spacing = 2 if statistics.median(line.blanks for line in lines) >= 1 else 1
    for line in lines:
        line.gap = line.separator or line.blanks >= spacing or line.page_break or line.indent >= 2 or line.after_cut
        line.glued = spacing == 2 and line.blanks == 0 and not line.separator and line.indent == 0
    lines[0].gap = True
    one_per_line = width > _MAX_PDF_LINE
    blocks: list[_Block] = []
    for i, line in enumerate(lines):
        if i == 0 or one_per_line or _is_boundary(lines[i - 1], line, numbered, width):
            blocks.append(_Block(label=line.label))
        blocks[-1].lines.append(line)
    if not (numbered or one_per_line):  # the report's own numbers, or a paragraph a line: no break is in doubt
        blocks = _cut_where_translation_does(blocks)
    return _assemble(blocks, numbered)


def _read_lines(raw: list[str]) -> list[_Line]:
    kept: list[_Line] = []
    blanks = 0
    separator = False
    after_cut = False
    next_footnote = 1
    in_footnotes = False
    footnote_urls = False
    for no, line in enumerate(raw, start=1):
        stripped = line.strip()
        if not line:
            blanks += 1
            continue
        if not stripped:
            separator = True
            continue
        indent = len(line) - len(line.lstrip(" "))
        footnote = _FOOTNOTE.match(stripped)
        starts_footnote = (
            footnote is not None
            and int(footnote.group(1)) == next_footnote
            and not _NUMBERED.match(stripped)
            and (separator or in_footnotes)
        )
        if starts_footnote:
            next_footnote += 1
            in_footnotes, footnote_urls = True, False
        elif in_footnotes:
            # A footnote block runs on over its own continuation lines and the URL lines after it; running
            # text resumes on a new page (indented line) or after the URL run.
            resumes = (indent == 1 and blanks == 0) or separator or blanks >= 2 or (footnote_urls and blanks)
            if not resumes and not _URL_LINE.match(stripped):
                blanks, separator = 0, False
                continue
            if resumes and not _URL_LINE.match(stripped):
                in_footnotes = False
        if in_footnotes or _URL_LINE.match(stripped) or _PAGE_NUMBER.match(stripped):
            footnote_urls = footnote_urls or bool(_URL_LINE.match(stripped))
            after_cut = True
            blanks, separator = 0, False
            continue
        signature = _SIGNATURE_GAP in stripped
        kept.append(_Line(no, _SPACES.sub(" ", stripped), indent, blanks, separator, after_cut, signature))
        blanks, separator, after_cut = 0, False, False
    return kept


def _label_numbered(lines: list[_Line]) -> bool:
    """Mark lines that start the report's own numbered paragraphs 1, 2, 3 …; True if the layout is numbered."""
    expected = 1
    starts: list[tuple[_Line, str]] = []
    for line in lines:
        match = _NUMBERED.match(line.text)
        if match and int(match.group(1)) == expected and line.indent <= 1:
            starts.append((line, match.group(1)))
            expected += 1
    if len(starts) < _MIN_NUMBERED:
        return False
    for line, label in starts:
        line.label = label
    return True


def _text_width(lines: list[_Line]) -> float:
    """The width of a full line of running text: a high percentile of line lengths."""
    lengths = sorted(len(line.text) for line in lines if "\t" not in line.text)
    if not lengths:
        return 80.0
    return float(lengths[int(0.9 * (len(lengths) - 1))]) or 80.0


def _is_heading_line(line: _Line) -> bool:
    """Indented lines after a gap are headings in the numbered layout (page starts are indented by one)."""
    return line.indent >= 2 or (line.indent == 1 and (line.blanks > 0 or line.separator))


def _is_boundary(prev: _Line, line: _Line, numbered: bool, width: float) -> bool:
    if line.label:
        return True
    if numbered:
        # Only the numbers and the indented headings are reliable here; bullets stay inside their paragraph.
        return _is_heading_line(line)
    if "\t" in line.text or "\t" in prev.text:
        return True
    if _BULLET.match(line.text):
        return True
    if line.signature or _switches_language(prev.text, line.text):
        return True
    if _runs_on(prev.text):
        return False
    ends = bool(_SENTENCE_END.search(prev.text))
    starts = bool(_SENTENCE_START.match(line.text))
    if not ends and not line.gap and _starts_with_name(line.text):
        return False  # a sentence going on with a name or an abbreviation ("… на базе / Костанайской академии")
    if line.separator and not line.after_cut:
        # A whitespace-only line separates paragraphs unless a sentence is visibly cut in two.
        return ends or starts or not line.text[:1].islower()
    if prev.signature:
        return False  # the name under a signature line
    if line.gap and starts and len(prev.text) < _SHORT_LINE * width:
        # A short last line before a new page or a cut ends its paragraph even without a full stop (a name).
        return True
    if line.text[:1].isupper() and len(prev.text) < _UNPUNCTUATED_END * width:
        # A short line, then a capital: a title, an address line or a paragraph whose full stop was lost.
        return True
    if not (ends and starts):
        return False
    # A sentence that ends where the layout breaks its rhythm (a line glued to the previous) ends a paragraph.
    return line.glued or len(prev.text) < _SHORT_LINE * width


def _runs_on(text: str) -> bool:
    """A line that ends in the middle of a sentence: on a comma or dash, or on a word that leans forward."""
    if text.endswith(_RUNS_ON):
        return True
    words = normalise(text).split()
    return bool(words) and leans_forward(words[-1])


def _starts_with_name(text: str) -> bool:
    words = text.split(maxsplit=1)
    return bool(words) and is_russian_name(words[0].strip('«"„“(,.'))


def _switches_language(prev: str, text: str) -> bool:
    """A line in plain Russian after a Kazakh one (or back) starts a new paragraph in bilingual letters."""

    def script(line: str) -> str | None:
        # Stricter than a paragraph's language: one line is short, and Kazakh names turn up in Russian lines.
        kazakh, letters = kazakh_letters(line)
        if kazakh >= 2 and kazakh >= 0.08 * letters:
            return "kk"
        return "ru" if not kazakh and letters >= 40 else None

    before, after = script(prev), script(text)
    return before is not None and after is not None and before != after


def _cut_where_translation_does(blocks: list[_Block]) -> list[_Block]:
    """The blocks, each cut where the document's translation of it is two paragraphs (see the module's notes)."""
    places = [_cut_places(block) for block in blocks]
    pieces = [_pieces(block, cuts) for block, cuts in zip(blocks, places, strict=True)]
    cut: list[_Block] = []
    for block, cuts, piece in zip(blocks, places, translation_cuts(pieces), strict=True):
        if piece is None:
            cut.append(block)
        else:
            at = cuts[piece - 1]
            cut += [_Block(block.lines[:at], block.label), _Block(block.lines[at:])]
    return cut


def _pieces(block: _Block, cuts: list[int]) -> list[str]:
    """A block's text in pieces, cut before each line of ``cuts``."""
    bounds = [0, *cuts, len(block.lines)]
    return [_join(block.lines[start:end]) for start, end in zip(bounds, bounds[1:], strict=False)]


def _cut_places(block: _Block) -> list[int]:
    """Where a block may hold a paragraph break the layout does not show: a line that ends a sentence, then one
    that starts a sentence (not a name: "… им. Ш." / "Кабылбаева"), inside a block that signs nothing."""
    if any(line.signature for line in block.lines):
        return []
    return [
        i
        for i in range(1, len(block.lines))
        if _FULL_STOP.search(block.lines[i - 1].text)
        and _SENTENCE_START.match(block.lines[i].text)
        and not _starts_with_name(block.lines[i].text)
    ]


def _assemble(blocks: list[_Block], numbered: bool) -> list[Paragraph]:
    texts = [_join(block.lines) for block in blocks]
    headings = [
        _is_heading_block(block, text, numbered, following is not None and following.lines[0].gap, len(next_text))
        for block, text, following, next_text in zip(blocks, texts, [*blocks[1:], None], [*texts[1:], ""], strict=True)
    ]
    closing_lines: set[int] = set()
    for i in range(len(blocks) - 1):
        if headings[i] and headings[i + 1] and blocks[i + 1].lines[0].page_break:
            headings[i] = False  # a closing line at a part's end (the issuer's name), not a title
            closing_lines.add(i)
    paragraphs: list[Paragraph] = []
    section: str | None = None
    heading: list[str] = []
    table: list[_Block] = []
    for i, (block, text, is_heading) in enumerate(zip(blocks, texts, headings, strict=True)):
        if is_heading:
            # A part title followed by a topic reads as one section: keep the last two.
            heading = [*heading[-1:], _BULLET.sub("", text).strip()]
            section = " — ".join(heading)
            continue
        heading = []
        if "\t" in text:
            table.append(block)
            if i + 1 == len(blocks) or "\t" not in texts[i + 1]:
                paragraphs += _table_paragraphs(table, section, len(paragraphs))
                table = []
            continue
        paragraphs.append(
            Paragraph(
                ordinal=len(paragraphs) + 1,
                text=text,
                lines=(block.lines[0].no, block.lines[-1].no),
                label=block.label,
                section=section,
                kind=_kind(block, i in closing_lines),
            )
        )
    return paragraphs


def _kind(block: _Block, closes_part: bool) -> str | None:
    """A signature line's block is a signature; a part's closing line (the issuer) is furniture; else None."""
    if any(line.signature for line in block.lines):
        return SIGNATURE
    return FURNITURE if closes_part else None


def _table_paragraphs(rows: list[_Block], section: str | None, before: int) -> list[Paragraph]:
    """A table's rows (one line each, cells split by tabs) as ``table-row`` paragraphs, each value under its
    column's header where the first row is one; ``before``: how many paragraphs precede them."""
    cells = [[Cell([(cell, False)]) for cell in _join(row.lines).split("\t")] for row in rows]
    return [
        Paragraph(
            ordinal=before + n,
            text=text,
            lines=(rows[index].lines[0].no, rows[index].lines[-1].no),
            label=label,
            section=section,
            kind=TABLE_ROW,
        )
        for n, (index, text, label) in enumerate(table_rows(cells), start=1)
    ]


def _is_heading_block(block: _Block, text: str, numbered: bool, before_gap: bool, next_chars: int) -> bool:
    if block.label or len(text) > _MAX_HEADING_CHARS or "\t" in text or "№" in text:
        return False
    if any(line.signature for line in block.lines):
        return False
    first = block.lines[0]
    if numbered:
        return _is_heading_line(first)
    if not (before_gap and first.gap):
        return False
    if not _SENTENCE_START.match(_BULLET.sub("", text).lstrip()):
        return False
    if _BULLET.match(text):
        # A bullet standing alone between separator lines is a section title (the list items of an
        # introduction come back as headings further on).
        return len(text) < 100 and not text.endswith((":", ","))
    if re.search(r"[.,;:!?…]$", text):
        # A heading ending in a full stop is a short phrase without figures, over a long paragraph.
        return (
            text.endswith(".") and len(text.split()) <= 8 and not re.search(r"\d", text) and next_chars > 3 * len(text)
        )
    return len(text) <= 100


def _join(lines: list[_Line]) -> str:
    """Lines of one paragraph as running text: hyphenation undone where a dictionary confirms it."""
    text = ""
    for line in lines:
        piece = line.text
        if not text:
            text = piece
        elif _LINE_HYPHEN.search(text) and piece[:1].islower():
            text = _join_hyphenated(text, piece)
        elif _DASH_END.search(text):
            text += piece
        else:
            text += " " + piece
    return text


def _join_hyphenated(head: str, tail: str) -> str:
    """Join a word broken at line end: drop the hyphen only if the whole word is a known Russian word."""
    broken = re.search(r"([^\W\d_]+)[-‐]$", head)
    right = re.match(r"[^\W\d_]+", tail)
    if broken and right:
        left = broken.group(1)
        if is_known_russian_word((left + right.group(0)).lower()) and not is_known_russian_word(left.lower()):
            return head[:-1] + tail
    return head + tail
