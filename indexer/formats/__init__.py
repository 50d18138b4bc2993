"""Users' own documents: one reader per format behind ``read_blocks``, chosen by the file's content.

``read_blocks(path)`` (or ``read_blocks_from_bytes(data, name)`` for bytes read already) returns the document's
layout blocks in reading order (``Block``: text, kind, page, label, language hint, OCR flag) and its metadata;
``paragraphs_from_blocks`` (in ``blocks_to_paragraphs``) turns them into the indexer's paragraphs. Readers are
imported when a file needs them: PDF and OCR pull in heavy libraries.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from indexer.formats.blocks import Block, Extracted, FormatError
from indexer.formats.detect import DOCX, HTML, ODT, PDF, detect_format

__all__ = ["Block", "Extracted", "FormatError", "detect_format", "read_blocks", "read_blocks_from_bytes"]


def read_blocks(path: Path) -> Extracted:
    """The blocks and metadata of the document in ``path``; FormatError names the file and the reason."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FormatError(f"{path.name}: cannot be read: {error.strerror}") from error
    return read_blocks_from_bytes(data, path.name)


def read_blocks_from_bytes(data: bytes, name: str, kind: str | None = None) -> Extracted:
    """The blocks and metadata of the document ``name`` whose content is ``data``, read by the reader of ``kind``
    (``detect_format``'s answer, found here unless the caller has it already)."""
    kind = kind or detect_format(data, name)
    try:
        return _reader(kind)(data, name)
    except FormatError:
        raise
    # The parsers meet untrusted files and fail on damaged ones in ways they do not document (pdfminer's
    # KeyError, a deep tree's RecursionError): one bad file is one refused file, never a failed build.
    except Exception as error:
        raise FormatError(f"{name}: unreadable {kind.upper()}: {type(error).__name__}: {error}") from error


def _reader(kind: str) -> Callable[[bytes, str], Extracted]:
    if kind == PDF:
        from indexer.formats.pdf import read_pdf

        return read_pdf
    if kind == DOCX:
        from indexer.formats.docx import read_docx

        return read_docx
    if kind == ODT:
        from indexer.formats.odt import read_odt

        return read_odt
    if kind == HTML:
        from indexer.formats.html import read_html

        return read_html
    from indexer.formats.text import read_text

    return read_text
