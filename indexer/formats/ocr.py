"""OCR of PDF pages with Tesseract (Russian + Kazakh), page by page.

A page is rendered by pypdfium2 at 300 dpi, straightened (a scan a degree or two askew loses whole lines in
Tesseract's layout analysis) and read by the Tesseract command into word boxes. The words come back as ``Line``
objects in PDF points, so the layout reader treats an OCR'd page like a text layer: the same paragraphs,
footnotes and page furniture rules apply. Tesseract must be installed (Debian: tesseract-ocr, tesseract-ocr-rus,
tesseract-ocr-kaz; ``make ocr``).

Tesseract runs single-threaded, one process per page and as many pages at once as there are cores: its own
OpenMP threads fight each other on a small machine (8 s a page with them, under 2 s without, on two cores).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from functools import cache
from typing import Any

import numpy as np
import pypdfium2 as pdfium
from PIL import Image
from tqdm import tqdm

from indexer.formats.blocks import FormatError
from indexer.formats.page_lines import Line, Word

LANGUAGES = "rus+kaz"
DPI = 300
_POINTS_PER_PIXEL = 72 / DPI
# Skew angles tried, in degrees; scans are rarely more than a few degrees off.
_MAX_SKEW = 5.0
_SKEW_STEP = 0.25
_SKEW_SAMPLE_WIDTH = 1000
# Tesseract gives -1 for boxes that hold no text and low confidence to stamps, signatures and handwriting.
_MIN_CONFIDENCE = 30
_MEANINGFUL = re.compile(r"[^\W_]")
_LINE_HEIGHT = 1.25  # a line's box, ascenders to descenders, in font sizes
_EM_PER_LETTER = 0.5
_MIN_WORD_LETTERS = 3
_PAGE_TIMEOUT = 300  # seconds; a page that takes longer is not a page of text


@cache
def tesseract_available() -> bool:
    if shutil.which("tesseract") is None:
        return False
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False).stdout
    return set(LANGUAGES.split("+")) <= set(listed.split())


def skew_angle(image: Image.Image) -> float:
    """The rotation (degrees, counter-clockwise) that makes the text lines level: the angle at which rows of ink
    are most unevenly filled, since level lines give dense rows of text and empty rows between them."""
    scale = _SKEW_SAMPLE_WIDTH / image.width
    sample = image.convert("L").resize((_SKEW_SAMPLE_WIDTH, max(1, int(image.height * scale))))
    ink = Image.fromarray(((np.asarray(sample) < 128) * 255).astype(np.uint8))
    best, best_score = 0.0, -1.0
    for angle in np.arange(-_MAX_SKEW, _MAX_SKEW + _SKEW_STEP / 2, _SKEW_STEP):
        rows = np.asarray(ink.rotate(float(angle), fillcolor=0)).sum(axis=1, dtype=np.float64)
        score = float(np.var(rows))
        if score > best_score:
            best, best_score = float(angle), score
    return best


def render_page(document: pdfium.PdfDocument, index: int) -> Image.Image:
    return document[index].render(scale=DPI / 72, grayscale=True).to_pil()


def ocr_pages(document: pdfium.PdfDocument, numbers: list[int], progress: tqdm[Any]) -> list[list[Line]]:
    """The lines of the given pages (1-based), read in parallel; ``progress`` (a tqdm bar) counts pages."""
    workers = os.cpu_count() or 1
    futures: list[Future[list[Line]]] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for number in numbers:
            # PDFium is not thread-safe: pages are rendered here, one at a time, and only the OCR runs in parallel,
            # with no more pages waiting in memory than there are workers.
            pending = [future for future in futures if not future.done()]
            if len(pending) >= workers:
                wait(pending, return_when=FIRST_COMPLETED)
            future = pool.submit(ocr_lines, render_page(document, number - 1), number)
            future.add_done_callback(lambda _: progress.update(1))
            futures.append(future)
        return [future.result() for future in futures]


def ocr_lines(image: Image.Image, page: int) -> list[Line]:
    """The text lines Tesseract reads on a page image, in PDF points, after straightening the image."""
    angle = skew_angle(image)
    if abs(angle) >= _SKEW_STEP:
        image = image.rotate(angle, fillcolor=255, expand=False, resample=Image.Resampling.BICUBIC)
    grouped: dict[tuple[str, str, str], list[Word]] = {}
    for row in _tesseract_words(image, page):
        text = row["text"]
        if not text.strip() or float(row["conf"]) < _MIN_CONFIDENCE or not _MEANINGFUL.search(text):
            continue  # also box borders read as "|" or "_"
        left, top = int(row["left"]) * _POINTS_PER_PIXEL, int(row["top"]) * _POINTS_PER_PIXEL
        width, height = int(row["width"]) * _POINTS_PER_PIXEL, int(row["height"]) * _POINTS_PER_PIXEL
        key = (row["block_num"], row["par_num"], row["line_num"])
        grouped.setdefault(key, []).append(Word(text, left, left + width, top, top + height, height))
    # Tesseract numbers blocks in reading order (columns included).
    return [Line.from_words(words, page=page, size=_font_size(words), ocr=True) for words in grouped.values()]


def _font_size(words: list[Word]) -> float:
    """A line's font size from its words' widths: a word box's height swings with its letters (а against б, у),
    its width per letter much less; Cyrillic and Latin text averages half an em a letter."""
    widths = sorted((word.x1 - word.x0) / len(word.text) for word in words if len(word.text) >= _MIN_WORD_LETTERS)
    if widths:
        return widths[len(widths) // 2] / _EM_PER_LETTER
    return (max(word.bottom for word in words) - min(word.top for word in words)) / _LINE_HEIGHT


def _tesseract_words(image: Image.Image, page: int) -> list[dict[str, str]]:
    png = io.BytesIO()
    image.save(png, format="PNG")
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        result = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", LANGUAGES, "tsv"],
            input=png.getvalue(),
            capture_output=True,
            env=environment,
            timeout=_PAGE_TIMEOUT,
            check=True,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        detail = error.stderr.decode(errors="replace").strip() if error.stderr else str(error)
        raise FormatError(f"OCR failed on page {page}: {detail[-300:]}") from error
    rows = result.stdout.decode("utf-8", errors="replace").splitlines()
    header = rows[0].split("\t") if rows else []
    return [dict(zip(header, row.split("\t"), strict=False)) for row in rows[1:] if row.count("\t") >= 11]
