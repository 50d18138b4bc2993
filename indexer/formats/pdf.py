"""PDF: the text layer read with pdfplumber, page by page; pages without a usable one go to OCR.

Each page's words come with position, size and font. Ruled tables (pdfplumber's table finder) are taken out
and read as rows; the remaining words form lines, in reading order: a page with two text columns (an empty
vertical band down its middle) is read left column first, lines that cross the band splitting the page into
bands. A page whose text layer is garbage (glyphs mapped to the wrong letters) or that is only an image is
rendered and read by Tesseract. ``layout.read_layout`` turns the pages into blocks.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime
from typing import Any

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException
from tqdm import tqdm

from indexer.formats.blocks import Extracted, FormatError
from indexer.formats.layout import read_layout
from indexer.formats.page_lines import Line, PageContent, TableBox, Word, group_lines, set_column
from indexer.formats.text_quality import is_garbage

# pdfminer warns of every damaged stream and odd font it copes with: a build would print dozens of such lines for
# one file, where a file gets one line, and only if it is refused.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|,b$|-b$", re.IGNORECASE)
# A page with less text than this but with an image on it is a scan.
_MIN_TEXT_CHARS = 20
# A column gutter: an empty vertical band this wide in the middle of the page, with text on both sides.
_GUTTER = 10
_MIN_COLUMN_WORDS = 40
_MIN_COLUMN_SHARE = 0.2


def read_pdf(data: bytes, name: str) -> Extracted:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as error:
        raise FormatError(_reason(name, error.args[0] if error.args else error)) from error
    except (PDFPasswordIncorrect, PDFEncryptionError, PDFSyntaxError, PSException) as error:
        raise FormatError(_reason(name, error)) from error
    with pdf:
        try:
            pages, scanned = _text_pages(pdf)
        except (PDFPasswordIncorrect, PDFEncryptionError, PDFSyntaxError, PSException, PdfminerException) as error:
            raise FormatError(_reason(name, error)) from error
        meta = _meta(pdf.metadata or {})
        page_count = len(pdf.pages)
    if scanned:
        pages += _ocr_pages(name, data, scanned)
        pages.sort(key=lambda page: page.number)
    out = read_layout(pages)
    return out.result(meta, pages=page_count, ocr_pages=[number for number, _, _ in scanned])


def _reason(name: str, error: object) -> str:
    if isinstance(error, PdfminerException) and error.args:
        error = error.args[0]
    if isinstance(error, PDFPasswordIncorrect | PDFEncryptionError):
        return f"{name}: encrypted PDF: it opens only with a password; save an unprotected copy and add that"
    return f"{name}: corrupt PDF: {error or type(error).__name__}"


def _meta(info: dict) -> dict:
    def text(key: str) -> str | None:
        value = info.get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        return value.strip() if isinstance(value, str) and value.strip() else None

    created = text("CreationDate") or text("ModDate")
    date = None
    if created:
        match = re.match(r"D?:?(\d{4})(\d{2})?(\d{2})?", created)
        if match:
            year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
            try:
                date = datetime(int(year), int(month), int(day)).date()
            except ValueError:
                date = None
    return {
        "title": text("Title"),
        "author": text("Author"),
        "subject": text("Subject"),
        "keywords": text("Keywords"),
        "date": date.isoformat() if date else None,
        "year": date.year if date else None,
    }


def _text_pages(pdf: pdfplumber.PDF) -> tuple[list[PageContent], list[tuple[int, float, float]]]:
    """Pages read from the text layer, and (number, width, height) of those that need OCR."""
    pages: list[PageContent] = []
    scanned: list[tuple[int, float, float]] = []
    for page in pdf.pages:
        words = page.extract_words(extra_attrs=["size", "fontname"])
        text = " ".join(word["text"] for word in words)
        if is_garbage(text) or (len(text) < _MIN_TEXT_CHARS and page.images):
            scanned.append((page.page_number, float(page.width), float(page.height)))
        elif text.strip():
            pages.append(_page_content(page, words))
        page.close()  # pdfplumber caches every page's objects otherwise: a long report would fill memory
    return pages, scanned


def _page_content(page: Page, raw_words: list[dict[str, Any]]) -> PageContent:
    number = page.page_number
    tables = [table for table in page.find_tables() if len(table.rows) >= 2]
    boxes = [table.bbox for table in tables]

    def in_table(word: dict) -> bool:
        x, y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
        return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    words = [
        Word(
            w["text"],
            w["x0"],
            w["x1"],
            w["top"],
            w["bottom"],
            round(w["size"], 1),
            bool(_BOLD_FONT.search(w["fontname"])),
        )
        for w in raw_words
        if not in_table(w)
    ]
    lines, columns = _reading_order(words, number, float(page.width))
    items: list[Line | TableBox] = list(lines)
    for table in sorted(tables, key=lambda table: table.bbox[1]):
        # A table slots in before the first line below its top (the lines are already in reading order).
        below = [i for i, item in enumerate(items) if isinstance(item, Line) and item.top > table.bbox[1]]
        items.insert(below[0] if below else len(items), TableBox(table.bbox[1], table.extract(), number))
    return PageContent(number, float(page.width), float(page.height), items, columns=columns)


def _gutter(words: list[Word], width: float) -> float | None:
    if len(words) < _MIN_COLUMN_WORDS:
        return None
    coverage = np.zeros(int(width) + 2)
    for word in words:
        coverage[int(word.x0) : int(word.x1) + 1] += 1
    low, high = int(0.3 * width), int(0.7 * width)
    best_start, best_length, start = 0, 0, None
    for x in range(low, high + 1):
        if coverage[x] <= 2:  # a title or two may cross the gutter
            start = x if start is None else start
            if x - start + 1 > best_length:
                best_start, best_length = start, x - start + 1
        else:
            start = None
    if best_length < _GUTTER:
        return None
    gutter = best_start + best_length / 2
    left = sum(word.x1 <= gutter for word in words)
    right = sum(word.x0 >= gutter for word in words)
    if min(left, right) < _MIN_COLUMN_SHARE * len(words):
        return None
    return gutter


def _reading_order(words: list[Word], page: int, width: float) -> tuple[list[Line], int]:
    """The page's lines in reading order, and its number of text columns."""
    gutter = _gutter(words, width)
    if gutter is None:
        return group_lines(words, page), 1
    crossing = [word for word in words if word.x0 < gutter < word.x1]
    full = group_lines(crossing, page) if crossing else []
    # Words beside a line that crosses the gutter belong to it (a centred title over both columns).
    bands = [(line.top, line.bottom) for line in full]
    beside = [w for w in words if w not in crossing and any(min(b, w.bottom) - max(t, w.top) > 0 for t, b in bands)]
    if beside:
        full = group_lines(crossing + beside, page)
    rest = [word for word in words if word not in crossing and word not in beside]
    left = group_lines([word for word in rest if word.x1 <= gutter], page)
    right = group_lines([word for word in rest if word.x0 >= gutter], page)
    for column in (left, right, full):
        set_column(column)
    ordered: list[Line] = []
    for line in sorted(full, key=lambda line: line.top):
        ordered += [other for other in left if other.top < line.top and other not in ordered]
        ordered += [other for other in right if other.top < line.top and other not in ordered]
        ordered.append(line)
    ordered += [line for line in left if line not in ordered]
    ordered += [line for line in right if line not in ordered]
    return ordered, 2


def _ocr_pages(name: str, data: bytes, scanned: list[tuple[int, float, float]]) -> list[PageContent]:
    from indexer.formats.ocr import ocr_pages, tesseract_available

    if not tesseract_available():
        numbers = ", ".join(str(number) for number, _, _ in scanned)
        raise FormatError(
            f"{name}: page(s) {numbers} have no usable text layer and need OCR, but Tesseract with Russian and "
            "Kazakh is not installed (make ocr)"
        )
    document = pdfium.PdfDocument(data)
    try:
        with tqdm(total=len(scanned), desc=f"OCR {name}", unit="page", disable=None) as progress:
            read = ocr_pages(document, [number for number, _, _ in scanned], progress)
    except FormatError as error:  # the OCR knows the page, not the file
        raise FormatError(f"{name}: {error}") from error
    finally:
        document.close()
    return [
        PageContent(number, width, height, list(lines), ocr=True)
        for (number, width, height), lines in zip(scanned, read, strict=True)
    ]
