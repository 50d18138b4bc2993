"""Plain text given to ``read_blocks``: paragraphs separated by blank lines, encoding detected.

The indexer reads ``.txt`` corpus files with its own PDF-extraction splitter (``indexer.paragraphs``); this
reader serves files that arrive without a known format, such as an upload that turned out to be text.
"""

from __future__ import annotations

import re
import unicodedata

from indexer.formats.blocks import BlockList, Extracted, FormatError

_BLANK_LINES = re.compile(r"\n\s*\n")


def read_text(data: bytes, name: str) -> Extracted:
    # extract.py will import this package: importing it here at module level would be circular.
    from indexer.extract import DocumentError, decode_text

    try:
        text = unicodedata.normalize("NFC", decode_text(data, name))
    except DocumentError as error:
        raise FormatError(str(error)) from error
    out = BlockList()
    for chunk in _BLANK_LINES.split(text.replace("\r\n", "\n")):
        out.add(chunk)
    return out.result({})
