"""DOCX and ODT files are ZIP archives: refuse one that would unpack to far more than any document needs."""

from __future__ import annotations

import io
import zipfile
import zlib

from indexer.formats.blocks import FormatError

# A text document rarely unpacks to more than 20 times its size (images do not compress at all); 100 times, at
# least 20 MB and at most 200 MB, leaves room for any real one and stops a zip bomb before a parser inflates it.
_RATIO = 100
_FLOOR = 20 * 1024 * 1024
_CEILING = 200 * 1024 * 1024
# What zipfile raises for a damaged archive: a bad directory or header, a name that does not decode, a broken or
# truncated deflate stream, a compression method it does not know, a member that needs a password.
ZIP_ERRORS = (zipfile.BadZipFile, ValueError, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError)


def checked_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """The archive in ``data``, after checking that it opens and that its members' total size is plausible."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as error:
        raise FormatError(f"{name}: corrupt file: not a readable ZIP container ({error})") from error
    # The sizes in the directory are what zipfile decompresses to at most (a member that inflates further fails
    # its CRC check), so checking them bounds the work.
    unpacked = sum(info.file_size for info in archive.infolist())
    limit = min(_CEILING, max(_FLOOR, _RATIO * len(data)))
    if unpacked > limit:
        raise FormatError(
            f"{name}: refused: the archive would unpack to {unpacked // 2**20} MB from {len(data) // 1024} KB "
            f"(limit {limit // 2**20} MB); it is damaged or not a real document"
        )
    return archive
