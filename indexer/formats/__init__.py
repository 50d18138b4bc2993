"""Users' own documents: one reader per format behind ``read_blocks``, chosen by the file's content.

``read_blocks(path)`` returns the document's layout blocks in reading order (``Block``: text, kind, page, label,
language hint, OCR flag) and its metadata; ``paragraphs_from_blocks`` (in ``blocks_to_paragraphs``) turns them
into the indexer's paragraphs. Readers are imported when a file needs them: PDF and OCR pull in heavy libraries.
"""

from __future__ import annotations

from pathlib import Path

from indexer.formats.blocks import Block, Extracted, FormatError
from indexer.formats.detect import DOCX, HTML, ODT, PDF, detect_format

__all__ = ["Block", "Extracted", "FormatError", "detect_format", "read_blocks"]


def read_blocks(path: Path) -> Extracted:
    """The blocks and metadata of the document in ``path``; FormatError names the file and the reason."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FormatError(f"{path.name}: cannot be read: {error.strerror}") from error
    kind = detect_format(data, path.name)
    if kind == PDF:
        from indexer.formats.pdf import read_pdf

        return read_pdf(path, data)
    if kind == DOCX:
        from indexer.formats.docx import read_docx

        return read_docx(path, data)
    if kind == ODT:
        from indexer.formats.odt import read_odt

        return read_odt(path, data)
    if kind == HTML:
        from indexer.formats.html import read_html

        return read_html(path, data)
    from indexer.formats.text import read_text

    return read_text(path, data)
