"""Read a corpus file into a document: its metadata and its paragraphs.

``.txt`` files are PDF extractions in any common encoding (UTF-8, UTF-16 with a BOM, cp1251 …: detected by
charset-normalizer, never assumed); ``.jsonl`` files are BEIR corpora (``_id``, ``title``, ``text``), one
paragraph per record, so public benchmarks are indexed as they are.
"""

from __future__ import annotations

import codecs
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from indexer.catalog import slug
from indexer.long_paragraphs import split_long_paragraphs
from indexer.paragraphs import Paragraph, split_paragraphs

SUPPORTED_SUFFIXES = (".txt", ".jsonl")
_TITLE_CHARS = 120


class DocumentError(ValueError):
    """A file that cannot be indexed; the message says why, in words a user can act on."""


@dataclass
class Document:
    doc_id: str
    title: str
    source: str
    paragraphs: list[Paragraph]
    meta: dict = field(default_factory=dict)


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
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"{path.name}: unsupported file type (kazsearch reads {', '.join(SUPPORTED_SUFFIXES)})")
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DocumentError(f"{path.name}: cannot be read: {error.strerror}") from error
    text = unicodedata.normalize("NFC", decode_text(data, path.name))
    entry = catalog.get(path.name, {})
    doc_id = entry.get("doc_id") or slug(path.name)
    if path.suffix.lower() == ".jsonl":
        paragraphs = _beir_paragraphs(text, path.name)
    else:
        paragraphs = split_paragraphs(text)
    paragraphs = split_long_paragraphs(paragraphs)
    if not paragraphs:
        raise DocumentError(f"{path.name}: no text paragraphs found")
    title = entry.get("title") or _first_heading(paragraphs) or path.stem
    meta = {key: value for key, value in entry.items() if key not in ("file", "doc_id", "title")}
    return Document(doc_id=doc_id, title=title, source=path.name, paragraphs=paragraphs, meta=meta)


def _first_heading(paragraphs: list[Paragraph]) -> str | None:
    first = paragraphs[0]
    title = first.section or first.text
    return title[:_TITLE_CHARS].rstrip() if title else None


def _beir_paragraphs(text: str, name: str) -> list[Paragraph]:
    paragraphs = []
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
