"""DOCX: paragraphs, headings, lists, tables and footnotes in reading order (python-docx and its XML).

- Headings come from heading styles (and their outline level), or are paragraphs set wholly in bold that read
  as headings; the table of contents (toc styles, or the content control Word wraps it in) is kind ``toc``.
- Numbered paragraphs get the number Word shows (computed from numbering.xml) in their text and as label.
- Footnotes (word/footnotes.xml) follow the paragraph that cites them, as notes; the citation stays in the text
  as a superscript number. The legal database's inline amendment notes («Сноска.», «Ескерту.») are notes too.
- Pages are Word's own last rendering (``lastRenderedPageBreak``), where the file has it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.styles.style import ParagraphStyle
from lxml import etree

from indexer.formats.blocks import (
    HEADING,
    LIST_ITEM,
    NOTE,
    PARAGRAPH,
    TOC,
    BlockList,
    Extracted,
    FormatError,
    clause_label,
    clean_inline,
    legal_level,
    reads_as_heading,
    superscript,
)
from indexer.formats.docx_numbering import ListNumbering, val, w
from indexer.formats.tables import Cell, add_table
from indexer.formats.zip_guard import ZIP_ERRORS, checked_zip

_HEADING_STYLE = re.compile(r"^(?:heading|заголовок|title|название|subtitle)\s*(\d)?$", re.IGNORECASE)
_TOC_STYLE = re.compile(r"^(?:toc|оглавление)\s*(?:\d|heading)$|^toc heading$", re.IGNORECASE)
_TOC_LINE = re.compile(r"(?:\t|\.{4,}|…{2,})\s*\d{1,4}\s*$")
# The legal database (adilet.zan.kz) sets amendment history inline, after the clause it concerns.
_AMENDMENT_NOTE = re.compile(r"^(?:Сноска|Ескерту|Примечание ИЗПИ|ҚРЗАИ-ның ескертпесі)\s*[.!:]")
_MARKS = {w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}
_TEXT_TAGS = {w(tag) for tag in ("t", "tab", "br", "cr", "noBreakHyphen", "footnoteReference", "lastRenderedPageBreak")}


def read_docx(data: bytes, name: str) -> Extracted:
    checked_zip(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
    # python-docx meets a damaged package part with whatever error its absent element causes.
    except (PackageNotFoundError, KeyError, AttributeError, etree.XMLSyntaxError, *ZIP_ERRORS) as error:
        raise FormatError(f"{name}: corrupt DOCX: {error or type(error).__name__}") from error
    reader = _DocxReader(document)
    reader.read(document.element.body)
    properties = document.core_properties
    created = properties.created or properties.modified
    meta = {
        "title": properties.title,
        "author": properties.author,
        "subject": properties.subject,
        "keywords": properties.keywords,
        "date": created.date().isoformat() if created else None,
        "year": created.year if created else None,
    }
    pages = reader.page if reader.paginated else None
    return reader.out.result(meta, pages=pages)


def _related_xml(document: DocxDocument, relationship: str) -> etree._Element | None:
    try:
        return etree.fromstring(document.part.part_related_by(relationship).blob)
    except (KeyError, etree.XMLSyntaxError):
        return None


class _DocxReader:
    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self.out = BlockList()
        numbering = _related_xml(document, RT.NUMBERING)
        self.numbering = ListNumbering(numbering)
        footnotes = _related_xml(document, RT.FOOTNOTES)
        self.footnotes = {} if footnotes is None else _notes_by_id(footnotes)
        self.footnote_count = 0
        self.pending_notes: list[tuple[str, str]] = []  # (number, text) cited but not yet placed
        self.styles = {style.style_id: style for style in document.styles}
        self.paginated = document.element.body.find(f".//{w('lastRenderedPageBreak')}") is not None
        self.page = 1

    # Document order: paragraphs and tables, and the content controls (w:sdt) Word wraps some of them in.
    def read(self, container: etree._Element, in_toc: bool = False) -> None:
        for child in container:
            if child.tag == w("p"):
                self._paragraph(child, in_toc)
            elif child.tag == w("tbl"):
                self._table(child)
            elif child.tag == w("sdt"):
                gallery = child.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}")
                toc = in_toc or "Table of Contents" in (gallery.get(w("val"), "") if gallery is not None else "")
                content = child.find(w("sdtContent"))
                if content is not None:
                    self.read(content, toc)
            elif child.tag in (w("customXml"), w("sdtContent")):
                self.read(child, in_toc)
            self._flush_notes()

    def _paragraph(self, element: etree._Element, in_toc: bool) -> None:
        first = next(element.iter(*_TEXT_TAGS), None)
        starts_page = first is not None and first.tag == w("lastRenderedPageBreak")
        page = self.page + starts_page if self.paginated else None
        raw, bold = self._text(element)
        style = self._style_name(element)
        number = self._number(element)
        text = clean_inline(raw)
        if not text:
            return
        heading = _HEADING_STYLE.match(style)
        if in_toc or _TOC_STYLE.match(style) or _TOC_LINE.search(raw):
            self.out.add(text, TOC, page=page)
            return
        label = None
        if number is not None:
            prefix, bullet = number
            if bullet:
                self.out.add(text, HEADING if heading else LIST_ITEM, page=page, label=None)
                return
            if prefix and not text.startswith(prefix):
                text = f"{prefix} {text}"
            label = clause_label(f"{prefix} ") if prefix else None
        if _AMENDMENT_NOTE.match(text):
            self.out.add(text, NOTE, page=page)
        elif heading or (bold and reads_as_heading(text)) or self._outline_level(element) is not None:
            level = int(heading.group(1)) if heading and heading.group(1) else self._outline_level(element)
            self.out.add(text, HEADING, page=page, label=label, level=level or legal_level(text))
        elif label:
            self.out.add(text, PARAGRAPH, page=page, label=label)
        else:
            self.out.add(text, PARAGRAPH, page=page)

    def _text(self, paragraph: etree._Element) -> tuple[str, bool]:
        """A paragraph's text (tabs kept, footnote citations as superscripts) and whether all of it is bold."""
        parts: list[str] = []
        bold_chars = plain_chars = 0
        style_bold = self._style_bold(paragraph)
        for node in paragraph.iter(*_TEXT_TAGS):
            run = node.getparent()
            if node.tag == w("lastRenderedPageBreak"):
                self.page += 1
                continue
            if node.tag == w("footnoteReference"):
                note_id = node.get(w("id"), "")
                if note_id in self.footnotes:
                    self.footnote_count += 1
                    number = str(self.footnote_count)
                    self.pending_notes.append((number, self.footnotes[note_id]))
                    parts.append(superscript(number))
                continue
            text = _MARKS.get(node.tag, node.text or "")
            properties = run.find(w("rPr")) if run is not None else None
            if properties is not None and val(properties.find(w("vertAlign"))) == "superscript":
                text = superscript(text) if text.strip().isdigit() else text
            if text.strip():
                if _on(properties, "b", style_bold):
                    bold_chars += len(text.strip())
                else:
                    plain_chars += len(text.strip())
            parts.append(text)
        return "".join(parts), bold_chars > 0 and plain_chars == 0

    def _style(self, paragraph: etree._Element) -> ParagraphStyle | None:
        properties = paragraph.find(w("pPr"))
        style_id = val(properties.find(w("pStyle"))) if properties is not None else None
        return self.styles.get(style_id) if style_id else self.document.styles.default(WD_STYLE_TYPE.PARAGRAPH)

    def _style_name(self, paragraph: etree._Element) -> str:
        style = self._style(paragraph)
        return (style.name or "").strip() if style is not None else ""

    def _style_chain(self, paragraph: etree._Element) -> Iterator[ParagraphStyle]:
        style = self._style(paragraph)
        while style is not None:
            yield style
            style = style.base_style

    def _style_bold(self, paragraph: etree._Element) -> bool:
        for style in self._style_chain(paragraph):
            if style.font is not None and style.font.bold is not None:
                return bool(style.font.bold)
        return False

    def _outline_level(self, paragraph: etree._Element) -> int | None:
        """Word's outline level (0 = level 1) from the paragraph or its style; 9 means body text."""
        candidates = [paragraph.find(w("pPr"))] + [style.element.pPr for style in self._style_chain(paragraph)]
        for properties in candidates:
            level = properties.find(w("outlineLvl")) if properties is not None else None
            if level is not None:
                value = int(val(level, "9") or 9)
                return value + 1 if value < 9 else None
        return None

    def _number(self, paragraph: etree._Element) -> tuple[str, bool] | None:
        candidates = [paragraph.find(w("pPr"))] + [style.element.pPr for style in self._style_chain(paragraph)]
        for properties in candidates:
            numbering = properties.find(w("numPr")) if properties is not None else None
            if numbering is None:
                continue
            num_id = val(numbering.find(w("numId")))
            if num_id is None:
                continue
            if num_id == "0":
                return None  # numbering switched off for this paragraph
            return self.numbering.next_label(num_id, int(val(numbering.find(w("ilvl")), "0") or 0))
        return None

    def _table(self, table: etree._Element) -> None:
        rows: list[list[Cell]] = []
        header_rows = 0
        for index, row in enumerate(table.iter(w("tr"))):
            if row.getparent() is not table:
                continue  # a nested table's rows are read as text of the cell holding it
            properties = row.find(w("trPr"))
            if index == 0 and properties is not None and properties.find(w("tblHeader")) is not None:
                header_rows = 1
            cells = []
            # Side-by-side cells break onto the next page together: count the breaks of the longest one.
            row_start = row_end = self.page
            for cell in row.findall(w("tc")):
                self.page = row_start
                merged = cell.find(f"{w('tcPr')}/{w('vMerge')}")
                continued = merged is not None and val(merged, "continue") == "continue"
                paragraphs = [] if continued else [self._text(p) for p in cell.iter(w("p"))]
                row_end = max(row_end, self.page)
                span = int(val(cell.find(f"{w('tcPr')}/{w('gridSpan')}"), "1") or 1)
                page = row_start if self.paginated else None
                cells.extend([Cell(paragraphs, page)] * span)  # one cell in each column it spans, as the grid shows
            self.page = row_end
            rows.append(cells)
        add_table(self.out, rows, header_rows=header_rows)

    def _flush_notes(self) -> None:
        page = self.page if self.paginated else None
        for number, text in self.pending_notes:
            self.out.add(text, NOTE, page=page, label=number)
        self.pending_notes = []


def _on(properties: etree._Element | None, tag: str, default: bool) -> bool:
    """A run's on/off property (bold): ``<w:b/>`` is on, ``w:val="0"``/``"false"`` off, absent inherits."""
    element = properties.find(w(tag)) if properties is not None else None
    if element is None:
        return default
    return val(element, "true") not in ("0", "false", "off")


def _notes_by_id(notes: etree._Element) -> dict[str, str]:
    texts = {}
    for note in notes.iter(w("footnote")):
        if note.get(w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = " ".join("".join(t.text or "" for t in p.iter(w("t"))) for p in note.iter(w("p")))
        texts[note.get(w("id"), "")] = clean_inline(text)
    return texts
