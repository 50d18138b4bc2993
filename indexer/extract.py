"""Read a corpus file into a document: its metadata and its paragraphs.

What a file is, its content says, not its name (``indexer.formats.detect_format``). PDF, DOCX, ODT and HTML go
through their format readers (``indexer.formats``): their paragraphs keep page, kind, language hint and OCR flag,
a bilingual table gives translation pairs, and the file's own metadata (title, author, date …) describes the
document where the catalogue does not. Plain text is read from ``.txt`` files as PDF extractions in any common
encoding (UTF-8, UTF-16 with a BOM, cp1251 …: detected by charset-normalizer, never assumed), and from ``.jsonl``
files as BEIR corpora (``_id``, ``title``, ``text``), one paragraph per record, so public benchmarks are indexed
as they are.
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from indexer.catalog import RESERVED_KEYS, slug
from indexer.formats import FormatError, detect_format, read_blocks_from_bytes
from indexer.formats.blocks_to_paragraphs import paragraph_pairs, paragraphs_from_blocks
from indexer.formats.detect import TEXT
from indexer.long_paragraphs import split_long_paragraphs
from indexer.paragraphs import Paragraph, split_paragraphs
from indexer.passages import whole_passages

# Plain text is indexed from a file named as a document (a ".pdf" that holds text is read as text); any file whose
# content is a PDF, DOCX, ODT or HTML document is read whatever its name.
SUPPORTED_SUFFIXES = (".txt", ".jsonl", ".pdf", ".docx", ".odt", ".html", ".htm")
_TITLE_CHARS = 120
# Titles producers put in a file's properties that are not its title: its own file name, Word's "Microsoft Word - …".
_NOT_A_TITLE = re.compile(r"^Microsoft Word - |\.(?:pdf|docx?|odt|rtf|txt|html?)$", re.IGNORECASE)
# A file's own address (an HTML page's canonical URL) is kept under another name: "url" is every result's link
# to its paragraph.
_RENAMED_META = {"url": "source_url"}


class DocumentError(ValueError):
    """A file that cannot be indexed; the message says why, in words a user can act on."""


@dataclass
class Document:
    doc_id: str
    title: str
    source: str
    paragraphs: list[Paragraph]
    meta: dict = field(default_factory=dict)
    # Translations its layout gives (a bilingual table's rows): (Kazakh ordinal, Russian ordinal).
    pairs: list[tuple[int, int]] = field(default_factory=list)

    def paragraph_id(self, paragraph: Paragraph) -> str:
        """A paragraph's stable id, ``<doc_id>:<ordinal or key>``: the one place it is spelled."""
        return f"{self.doc_id}:{paragraph.id_key}"


def decode_text(data: bytes, name: str) -> str:
    """Text of a file's bytes, its encoding detected; DocumentError for empty, binary or undecodable data."""
    if not data.strip():
        raise DocumentError(f"{name}: the file is empty")
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise DocumentError(f"{name}: undecodable {encoding} text ({error.reason})") from error
    if b"\x00" in data:  # valid UTF-8 too, but no text file has it
        raise DocumentError(f"{name}: a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DocumentError(f"{name}: undecodable bytes: not text in any known encoding")
    return str(best)


def load_document(path: Path, catalog: dict[str, dict], data: bytes | None = None) -> Document:
    """The document in ``path``, described by its catalogue entry if it has one.

    ``data`` is the file's content if the caller has read it already (the build hashes the same bytes).
    """
    path = Path(path)
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DocumentError(f"{path.name}: cannot be read: {error.strerror}") from error
    try:
        kind = detect_format(data, path.name)
        extracted = None if kind == TEXT else read_blocks_from_bytes(data, path.name, kind)
    except FormatError as error:
        raise DocumentError(str(error)) from error
    if extracted is None:
        paragraphs, file_meta = _text_paragraphs(data, path), {}
    else:
        paragraphs, file_meta = whole_passages(paragraphs_from_blocks(extracted.blocks)), extracted.meta
    paragraphs = split_long_paragraphs(paragraphs)
    if not paragraphs:
        raise DocumentError(f"{path.name}: no text paragraphs found")
    entry = catalog.get(path.name, {})
    doc_id = entry.get("doc_id") or slug(path.name)
    title = entry.get("title") or _file_title(file_meta) or _first_heading(paragraphs) or path.stem
    return Document(
        doc_id=doc_id,
        title=title,
        source=path.name,
        paragraphs=paragraphs,
        meta=_document_meta(file_meta, entry),
        pairs=paragraph_pairs(paragraphs, extracted.pairs) if extracted else [],
    )


def _text_paragraphs(data: bytes, path: Path) -> list[Paragraph]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"{path.name}: unsupported file type (kazsearch reads {', '.join(SUPPORTED_SUFFIXES)})")
    text = unicodedata.normalize("NFC", decode_text(data, path.name))
    # A BEIR record is a passage as the set gives it; a report's paragraphs are made whole passages.
    return _beir_paragraphs(text, path.name) if suffix == ".jsonl" else whole_passages(split_paragraphs(text))


def _file_title(file_meta: dict) -> str | None:
    title = file_meta.get("title")
    return None if not title or _NOT_A_TITLE.search(title) else title


def _document_meta(file_meta: dict, entry: dict) -> dict:
    """Metadata for citations: what the file says of itself, overridden by its catalogue entry; keys that would
    shadow a record's or a result's field are left out (the catalogue is checked for them)."""
    meta = {_RENAMED_META.get(key, key): value for key, value in file_meta.items() if key != "title"}
    meta = {key: value for key, value in meta.items() if key not in RESERVED_KEYS}
    meta.update((key, value) for key, value in entry.items() if key not in ("file", "doc_id", "title"))
    return meta


def _first_heading(paragraphs: list[Paragraph]) -> str | None:
    first = paragraphs[0]
    title = first.section or first.text
    return title[:_TITLE_CHARS].rstrip() if title else None


def _beir_paragraphs(text: str, name: str) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            record_id, body = str(record["_id"]), str(record["text"])
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise DocumentError(f"{name}, line {line_no}: not a BEIR record with _id and text ({error})") from error
        paragraphs.append(
            Paragraph(
                ordinal=len(paragraphs) + 1,
                text=body.strip(),
                lines=(line_no, line_no),
                key=record_id,
                section=str(record.get("title") or "") or None,
            )
        )
    return paragraphs
