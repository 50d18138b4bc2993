"""Which reader a file needs, judged by its content rather than its name."""

from __future__ import annotations

import re

from indexer.formats.blocks import FormatError
from indexer.formats.zip_guard import ZIP_ERRORS, checked_zip

PDF, DOCX, ODT, HTML, TEXT = "pdf", "docx", "odt", "html", "text"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_HTML_START = re.compile(rb"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
_HTML_TAGS = re.compile(rb"<(?:html|head|body|meta|title|div|p|table|br)\b[^>]*>", re.IGNORECASE)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")


def _unsupported(name: str, what: str) -> FormatError:
    return FormatError(f"{name}: unsupported: {what}; save it as DOCX or PDF")


def detect_format(data: bytes, name: str) -> str:
    """``pdf``, ``docx``, ``odt``, ``html`` or ``text``; FormatError for an empty or unsupported file."""
    if not data.strip():
        raise FormatError(f"{name}: the file is empty")
    if b"%PDF-" in data[:1024]:  # a few producers put junk before the header; readers accept 1 KB of it
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_format(data, name)
    if data.startswith(_OLE2):
        raise _unsupported(name, "an old binary Word .doc (Office 97–2003) file")
    head = data[:4096]
    for bom in _BOMS:
        head = head.removeprefix(bom)
    head = head.lstrip()
    if head.startswith(b"{\\rtf"):
        raise _unsupported(name, "an RTF file")
    if head.startswith(_IMAGES):
        raise FormatError(f"{name}: unsupported: an image; put scans into a PDF to have them read by OCR")
    if _HTML_START.match(head) or (head.startswith(b"<") and len(_HTML_TAGS.findall(head)) >= 2):
        return HTML
    return TEXT


def _zip_format(data: bytes, name: str) -> str:
    archive = checked_zip(data, name)
    names = set(archive.namelist())
    if "word/document.xml" in names:
        return DOCX
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype").strip()
        except ZIP_ERRORS as error:
            raise FormatError(f"{name}: corrupt file: {error}") from error
        if mimetype == _ODT_MIMETYPE:
            return ODT
        raise _unsupported(name, f"an OpenDocument file of type {mimetype.decode(errors='replace')}, not text")
    raise _unsupported(name, "a ZIP archive that is neither a DOCX nor an ODT document")
