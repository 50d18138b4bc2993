"""HTML: the document's own text, without scripts, navigation or the page chrome around it (lxml).

1. Chrome goes first: scripts, styles, forms and buttons, ``nav``/``aside``/``header``/``footer`` outside the
   article, elements whose role, class or id says navigation, menu, breadcrumbs, sidebar, cookie or share, hidden
   elements, and lists or blocks that are mostly links (menus without a telling name).
2. The content is ``main`` (or ``role=main``, or the only ``article``) where the page has one, else ``body``.
3. Block elements become lines with their look (bold, alignment); ``<sup>`` and CSS superscripts become
   superscript digits (``статья 15¹``). Lines set apart the same way and not separated by an empty paragraph
   are one block: a centred title printed over four lines is one heading; an approval stamp set right is one.
4. Tables go through the shared table reader, unless they only lay the page out (cells holding many blocks).
5. Notes: after a rule of dashes, paragraphs that start with a note marker (``<1>``, ``1)``, ``*``) are notes.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import lxml.html
from charset_normalizer import from_bytes
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

_DROP = {
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "form", "button",
    "input", "select", "textarea", "nav", "aside", "menu", "dialog", "head", "link", "meta",
}  # fmt: skip
_PAGE_PARTS = {"header", "footer"}  # chrome outside an article, part of it inside
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary", "menu", "menubar", "dialog"}
_CHROME_NAME = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|sidebar|cookies?|share|social|toolbar|pagination|"
    r"advert|ads|footer|header|topbar)(?:$|[\s_-])",
    re.IGNORECASE,
)
_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "blockquote", "pre", "dl", "dt", "dd",
    "section", "article", "main", "center", "address", "figure", "figcaption", "caption", "tr", "td", "th", "body",
    "hr",
}  # fmt: skip
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.IGNORECASE)
_SUPER_STYLE = re.compile(r"vertical-align\s*:\s*super", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_ALIGN_STYLE = re.compile(r"text-align\s*:\s*(center|right)", re.IGNORECASE)
_RULE = re.compile(r"^[-_—–=*]{5,}$")
_NOTE_START = re.compile(r"^(?:<(\d{1,3})>|\[(\d{1,3})\]|(\d{1,3})\)|(\*{1,3})|([¹²³⁴⁵⁶⁷⁸⁹⁰]+))\s*")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
# A block whose text is mostly links, in a list or a row of them, is a menu.
_LINK_SHARE = 0.6
_MIN_LINKS = 3
# A table cell holding this many blocks is page layout, not data.
_LAYOUT_CELL_BLOCKS = 4


@dataclass
class _Line:
    text: str
    kind: str = PARAGRAPH
    bold: bool = False
    align: str = "left"
    level: int | None = None


def read_html(data: bytes, name: str) -> Extracted:
    text = _decode(data, name)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise FormatError(f"{name}: unreadable HTML: {error}") from error
    meta = _meta(root)
    _drop_chrome(root)
    content = _main_content(root)
    _drop_link_lists(content)
    out = BlockList()
    walker = _Walker(out)
    walker.walk(content)
    walker.flush()
    _emit(out, walker.lines)
    return out.result(meta)


def _decode(data: bytes, name: str) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = _CHARSET.search(data[:8192])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="strict")
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise FormatError(f"{name}: undecodable HTML: not text in any known encoding") from None
        return str(best)


def _meta(root: etree._Element) -> dict:
    def meta(*names: str) -> str | None:
        for name in names:
            for attribute in ("name", "property", "itemprop"):
                found = root.xpath(f"//meta[translate(@{attribute}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
                                   f"'abcdefghijklmnopqrstuvwxyz')='{name}']/@content")  # fmt: skip
                if found and found[0].strip():
                    return found[0].strip()
        return None

    title = root.findtext(".//title")
    canonical = root.xpath("//link[@rel='canonical']/@href")
    date = meta("date", "dc.date", "article:published_time", "dcterms.created")
    year = re.search(r"\b(19|20)\d\d\b", date or "")
    return {
        "title": clean_inline(title or "") or meta("og:title", "dc.title", "title"),
        "author": meta("author", "dc.creator", "article:author"),
        "description": meta("description", "og:description"),
        "date": date,
        "year": int(year.group(0)) if year else None,
        "url": canonical[0] if canonical else meta("og:url"),
    }


def _is_chrome(element: etree._Element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _DROP:
        return True
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if _HIDDEN_STYLE.search(element.get("style", "")):
        return True
    if element.get("role", "").lower() in _CHROME_ROLES:
        return True
    names = f"{element.get('class', '')} {element.get('id', '')}"
    in_article = any(ancestor.tag in ("article", "main") for ancestor in element.iterancestors())
    page_part = tag in _PAGE_PARTS or bool(_CHROME_NAME.search(names))
    # A header that holds the document's title is part of it, as is anything inside the article itself.
    return page_part and not in_article and tag not in ("body", "html") and not element.xpath(".//h1")


def _drop_chrome(root: etree._Element) -> None:
    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # comments and processing instructions
            if element.getparent() is not None:
                element.drop_tree()
            continue
        if element.getparent() is not None and _is_chrome(element):
            element.drop_tree()


def _main_content(root: etree._Element) -> etree._Element:
    for candidates in (root.xpath("//main"), root.xpath("//*[@role='main']"), root.xpath("//article")):
        if len(candidates) == 1:
            return candidates[0]
    body = root.find("body")
    return body if body is not None else root


def _drop_link_lists(content: etree._Element) -> None:
    for element in list(content.iter("ul", "ol", "div", "p", "table", "section")):
        if element.getparent() is None:
            continue
        text = clean_inline(element.text_content())
        links = element.findall(".//a")
        if len(links) < _MIN_LINKS or not text:
            continue
        linked = sum(len(clean_inline(link.text_content())) for link in links)
        if linked >= _LINK_SHARE * len(text):
            element.drop_tree()


def _style_of(element: etree._Element) -> str:
    return element.get("style", "")


class _Walker:
    """Block elements in document order, each as a line with its look."""

    def __init__(self, out: BlockList) -> None:
        self.out = out
        self.lines: list[_Line] = []
        self.parts: list[str] = []
        self.bold_chars = 0
        self.plain_chars = 0
        self.context: dict = {"kind": PARAGRAPH, "align": "left", "level": None}

    def flush(self) -> None:
        text = clean_inline("".join(self.parts))
        # An element holding only a no-break space is an empty paragraph: it separates what it stands between.
        if text or any("\xa0" in part for part in self.parts):
            bold = self.bold_chars > 0 and self.plain_chars == 0
            self.lines.append(_Line(text, self.context["kind"], bold, self.context["align"], self.context["level"]))
        self.parts, self.bold_chars, self.plain_chars = [], 0, 0

    def _add(self, text: str | None, bold: bool, sup: bool) -> None:
        if not text:
            return
        if sup and text.strip().isdigit():
            text = superscript(text)
        self.parts.append(text)
        if text.strip():
            if bold:
                self.bold_chars += len(text.strip())
            else:
                self.plain_chars += len(text.strip())

    def walk(self, element: etree._Element, bold: bool = False, sup: bool = False) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        style = _style_of(element)
        bold = bold or tag in ("b", "strong") or bool(_BOLD_STYLE.search(style))
        sup = sup or tag == "sup" or bool(_SUPER_STYLE.search(style))
        if tag == "table" and not _is_layout_table(element):
            self.flush()
            self._table(element)
            return
        if tag == "br":
            self.parts.append("\n")
            return
        block = tag in _BLOCK
        if block:
            self.flush()
            saved = dict(self.context)
            align = _ALIGN_STYLE.search(style)
            if align or element.get("align") in ("center", "right") or tag == "center":
                self.context["align"] = align.group(1).lower() if align else element.get("align") or "center"
            if tag in _HEADINGS:
                self.context.update(kind=HEADING, level=_HEADINGS[tag])
            elif tag == "li":
                self.context["kind"] = LIST_ITEM
        self._add(element.text, bold, sup)
        for child in element:
            self.walk(child, bold, sup)
            self._add(child.tail, bold, sup)
        if block:
            self.flush()
            self.context = saved

    def _table(self, table: etree._Element) -> None:
        rows: list[list[Cell]] = []
        header_rows = 0
        for index, row in enumerate(table.iter("tr")):
            if row.xpath("ancestor::table[1]")[0] is not table:
                continue
            cells: list[Cell] = []
            for cell in row:
                if cell.tag not in ("td", "th"):
                    continue
                walker = _Walker(self.out)
                walker.walk(cell)
                walker.flush()
                paragraphs = [(line.text, line.bold or cell.tag == "th") for line in walker.lines if line.text]
                span = int(cell.get("colspan", "1")) if cell.get("colspan", "1").isdigit() else 1
                cells.extend([Cell(paragraphs)] * max(1, min(span, 50)))
            if index == 0 and (
                row.getparent().tag == "thead" or all(c.tag == "th" for c in row if c.tag in ("td", "th"))
            ):
                header_rows = 1
            rows.append(cells)
        # Lines before the table are emitted first, so the table's blocks land in reading order.
        _emit(self.out, self.lines)
        self.lines = []
        add_table(self.out, rows, header_rows=header_rows)


def _is_layout_table(table: etree._Element) -> bool:
    if table.get("role") == "presentation":
        return True
    for cell in table.iter("td", "th"):
        blocks = [child for child in cell if isinstance(child.tag, str) and child.tag in _BLOCK]
        if len(blocks) >= _LAYOUT_CELL_BLOCKS or cell.find(".//table") is not None:
            return True
    return False


def _emit(out: BlockList, lines: list[_Line]) -> None:
    """Lines to blocks: runs of lines set apart the same way joined; notes after a rule of dashes."""
    merged: list[_Line] = []
    for line in lines:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and line.text
            and previous.text
            and line.align != "left"
            and (line.align, line.bold, line.kind) == (previous.align, previous.bold, previous.kind)
        ):
            previous.text = f"{previous.text} {line.text}"
        else:
            merged.append(_Line(line.text, line.kind, line.bold, line.align, line.level))
    in_notes = False
    for line in merged:
        if not line.text:
            continue
        if _RULE.match(line.text):
            in_notes = True
            continue
        marker = _NOTE_START.match(line.text) if in_notes else None
        if marker:
            label = next(group for group in marker.groups() if group)
            out.add(line.text, NOTE, label=label)
            continue
        in_notes = False
        if line.kind == HEADING:
            out.add(line.text, HEADING, level=line.level)
        elif (line.bold or line.align == "center") and reads_as_heading(line.text):
            out.add(line.text, HEADING, level=legal_level(line.text))
        else:
            out.add(line.text, line.kind)
