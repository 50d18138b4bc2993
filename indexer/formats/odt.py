"""ODT (OpenDocument text): headings, paragraphs, lists, tables and notes from content.xml, read with lxml.

Headings are ``text:h`` elements, or paragraphs whose style (or every span of which) is bold and whose wording
reads as a heading. Footnotes (``text:note``) follow their paragraph as notes, their citation kept as a
superscript. LibreOffice records where it last broke pages (``text:soft-page-break``): that gives page numbers.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from indexer.formats.blocks import (
    HEADING,
    LIST_ITEM,
    NOTE,
    PARAGRAPH,
    BlockList,
    Extracted,
    FormatError,
    clean_inline,
    legal_level,
    reads_as_heading,
    superscript,
)
from indexer.formats.tables import Cell, add_table
from indexer.formats.zip_guard import ZIP_ERRORS, checked_zip

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


_PARAGRAPH, _HEADING, _LIST, _TABLE, _SECTION = (
    _q(t) for t in ("text:p", "text:h", "text:list", "table:table", "text:section")
)
_BOLD_WEIGHTS = ("bold", "600", "700", "800", "900")


def read_odt(data: bytes, name: str) -> Extracted:
    archive = checked_zip(data, name)
    try:
        content = etree.fromstring(archive.read("content.xml"))
        styles = etree.fromstring(archive.read("styles.xml")) if "styles.xml" in archive.namelist() else None
        meta = etree.fromstring(archive.read("meta.xml")) if "meta.xml" in archive.namelist() else None
    except (KeyError, etree.XMLSyntaxError, *ZIP_ERRORS) as error:
        raise FormatError(f"{name}: corrupt ODT: {error}") from error
    body = content.find(f"{_q('office:body')}/{_q('office:text')}")
    if body is None:
        raise FormatError(f"{name}: corrupt ODT: content.xml has no text body")
    paginated = body.find(f".//{_q('text:soft-page-break')}") is not None
    reader = _OdtReader([root for root in (styles, content) if root is not None], paginated)
    reader.read(body)
    return reader.out.result(_meta(meta), pages=reader.page if paginated else None)


def _meta(meta: etree._Element | None) -> dict:
    if meta is None:
        return {}

    def text(name: str) -> str | None:
        element = meta.find(f".//{_q(name)}")
        return element.text.strip() if element is not None and element.text else None

    date = text("meta:creation-date") or text("dc:date")
    parsed = None
    if date:
        try:
            parsed = datetime.fromisoformat(date[:19])
        except ValueError:
            parsed = None
    return {
        "title": text("dc:title"),
        "author": text("meta:initial-creator") or text("dc:creator"),
        "subject": text("dc:subject"),
        "date": parsed.date().isoformat() if parsed else None,
        "year": parsed.year if parsed else None,
    }


class _OdtReader:
    def __init__(self, roots: list[etree._Element], paginated: bool) -> None:
        self.out = BlockList()
        self.paginated = paginated
        self.page = 1
        self.note_count = 0
        # Style name → (parent style, bold or None when the style does not say).
        self.styles: dict[str, tuple[str | None, bool | None]] = {}
        for root in roots:
            for style in root.iter(_q("style:style")):
                properties = style.find(_q("style:text-properties"))
                weight = properties.get(_q("fo:font-weight")) if properties is not None else None
                bold = None if weight is None else weight in _BOLD_WEIGHTS
                self.styles[style.get(_q("style:name"), "")] = (style.get(_q("style:parent-style-name")), bold)

    def _bold(self, style: str | None) -> bool | None:
        seen = set()
        while style and style not in seen:
            seen.add(style)
            parent, bold = self.styles.get(style, (None, None))
            if bold is not None:
                return bold
            style = parent
        return None

    def read(self, container: etree._Element, in_list: bool = False) -> None:
        for child in container:
            if child.tag == _q("text:soft-page-break"):
                self.page += 1
            elif child.tag in (_PARAGRAPH, _HEADING):
                self._paragraph(child, in_list)
            elif child.tag == _LIST:
                for item in child:
                    self.read(item, in_list=True)
            elif child.tag == _TABLE:
                self._table(child)
            elif child.tag in (_SECTION, _q("text:list-item"), _q("text:list-header")):
                self.read(child, in_list)

    @property
    def _page(self) -> int | None:
        return self.page if self.paginated else None

    def _paragraph(self, element: etree._Element, in_list: bool) -> None:
        page = self._page
        if page and not (element.text or "").strip() and len(element) and element[0].tag == _q("text:soft-page-break"):
            page += 1  # the page breaks before the paragraph's first word
        text, bold, notes = self._text(element)
        text = clean_inline(text)
        if text:
            if element.tag == _HEADING:
                level = element.get(_q("text:outline-level"))
                self.out.add(text, HEADING, page=page, level=int(level) if level else legal_level(text))
            elif bold and reads_as_heading(text):
                self.out.add(text, HEADING, page=page, level=legal_level(text))
            else:
                self.out.add(text, LIST_ITEM if in_list else PARAGRAPH, page=page)
        for number, note in notes:
            self.out.add(note, NOTE, page=page, label=number)

    def _text(self, element: etree._Element) -> tuple[str, bool, list[tuple[str, str]]]:
        """A paragraph's text, whether all of it is bold, and the notes it cites (number, text)."""
        parts: list[str] = []
        notes: list[tuple[str, str]] = []
        weights = {"bold": 0, "plain": 0}

        def walk(node: etree._Element, bold: bool) -> None:
            if node.tag == _q("text:note"):
                self.note_count += 1
                citation = node.find(_q("text:note-citation"))
                number = (citation.text or "").strip() if citation is not None else str(self.note_count)
                body = node.find(_q("text:note-body"))
                note_text = " ".join(self._text(p)[0] for p in body.iter(_PARAGRAPH)) if body is not None else ""
                notes.append((number, clean_inline(note_text)))
                parts.append(superscript(number))
                return
            if node.tag == _q("text:soft-page-break"):
                self.page += 1
            style_bold = self._bold(node.get(_q("text:style-name")))
            bold = bold if style_bold is None else style_bold
            if node.text:
                add(node.text, bold)
            for child in node:
                if child.tag == _q("text:s"):
                    parts.append(" " * int(child.get(_q("text:c"), "1")))
                elif child.tag in (_q("text:tab"), _q("text:line-break")):
                    parts.append(" ")
                else:
                    walk(child, bold)
                if child.tail:
                    add(child.tail, bold)

        def add(text: str, bold: bool) -> None:
            parts.append(text)
            if text.strip():
                weights["bold" if bold else "plain"] += len(text.strip())

        walk(element, False)
        return "".join(parts), weights["bold"] > 0 and not weights["plain"], notes

    def _table(self, table: etree._Element) -> None:
        rows: list[list[Cell]] = []
        header_rows = 0
        for row in table.iter(_q("table:table-row")):
            if row.getparent().tag == _q("table:table-header-rows"):
                header_rows = 1
            cells: list[Cell] = []
            for cell in row:
                if cell.tag == _q("table:covered-table-cell"):
                    cells.append(cells[-1] if cells else Cell())  # the cell spanning over it
                elif cell.tag == _q("table:table-cell"):
                    paragraphs = [self._text(p)[:2] for p in cell.iter(_PARAGRAPH, _HEADING)]
                    cells.append(Cell(paragraphs, self._page))
            rows.append(cells)
        add_table(self.out, rows, header_rows=header_rows)
