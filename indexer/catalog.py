"""The corpus catalogue (``catalog.toml`` beside the reports): stable ids and titles for known files.

Each ``[[document]]`` entry names its ``file`` and gives its ``doc_id``; ``title``, ``short``, ``author``, ``year``,
``languages``, ``symbol`` (a UN document symbol such as ``CCPR/C/KAZ/QPR/3``) and ``source_url`` (where the
document was published) describe it, and any other key with a string, an integer or a list of strings is kept
as metadata; each overrides what the file says of itself (a PDF's or DOCX's title, author, date, an HTML
page's address). The metadata go into the manifest's document entry and from there into citations
(``search/citation.py``). A catalogue is checked whole before a build starts: every bad value is reported, not
just the first.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

CATALOG_NAME = "catalog.toml"
YEARS = range(1900, 2101)
_SLUG = re.compile(r"[^\W_][\w.-]{0,99}")
_URL = re.compile(r"https?://[^\s/]+\S*")
# Keys of a paragraph record, of a manifest's document and of an API result: metadata is stored beside them
# (and may be shown with them), so a catalogue must not redefine them.
RESERVED_KEYS = frozenset(
    {
        "id", "ordinal", "label", "section", "lang", "text", "lines", "key", "page", "kind", "ocr",
        "doc_title", "source", "paragraphs",
        "score", "snippet_html", "keyword", "semantic", "url", "translation", "evidence", "confidence", "citation",
    }
)  # fmt: skip


class CatalogError(ValueError):
    """Problems found in catalogues, all of them: ``problems`` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_catalogs(folders: Iterable[Path]) -> dict[Path, dict[str, dict]]:
    """The catalogue entries of each folder by file name, each catalogue read once; CatalogError with every
    problem of every catalogue if any is wrong."""
    catalogs: dict[Path, dict[str, dict]] = {}
    problems: list[str] = []
    for folder in folders:
        try:
            catalogs[Path(folder)] = load_catalog(folder)
        except CatalogError as error:
            problems += error.problems
    if problems:
        raise CatalogError(problems)
    return catalogs


def load_catalog(folder: Path) -> dict[str, dict]:
    """Catalogue entries of a corpus folder by file name; empty if the folder has no catalogue."""
    path = Path(folder) / CATALOG_NAME
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CatalogError([f"{path}: not a valid catalogue: {error}"]) from error
    except OSError as error:
        raise CatalogError([f"{path}: cannot be read: {error.strerror}"]) from error
    validate_catalog(data, str(path))
    return {entry["file"]: entry for entry in data.get("document", [])}


def validate_catalog(data: dict, name: str) -> None:
    """CatalogError listing every problem of a parsed catalogue ``name``: the entry, the key, what was expected."""
    problems = [
        f"{name}: unknown key {key!r}: a catalogue holds [[document]] entries only" for key in data if key != "document"
    ]
    entries = data.get("document", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        problems.append(f"{name}: 'document' must be a list of [[document]] tables")
        entries = []
    files: set[str] = set()
    owners: dict[str, str] = {}  # doc_id → the entry that gives it
    for number, entry in enumerate(entries, start=1):
        file, doc_id = entry.get("file"), entry.get("doc_id")
        entry_name = f"[[document]] {file!r}" if isinstance(file, str) and file else f"[[document]] #{number}"
        found = _entry_problems(entry)
        if isinstance(file, str):
            if file in files:
                found.append("the file is listed twice")
            files.add(file)
        if isinstance(doc_id, str):
            if doc_id in owners:
                found.append(f"doc_id {doc_id!r} is given to {owners[doc_id]} already")
            owners.setdefault(doc_id, entry_name)
        problems += [f"{name}: {entry_name}: {problem}" for problem in found]
    if problems:
        raise CatalogError(problems)


def _entry_problems(entry: dict) -> list[str]:
    problems = [f"'{key}' is missing" for key in ("file", "doc_id") if key not in entry]
    for key, value in entry.items():
        if key in RESERVED_KEYS:
            problems.append(f"'{key}' is the name of a field of every paragraph or result: rename the key")
            continue
        expected = _expected(key, value)
        if expected:
            problems.append(f"'{key}' must be {expected}, not {_describe(value)}")
    return problems


def _expected(key: str, value: object) -> str | None:
    """What a key's value should have been, or None if it is right."""
    if key == "file":
        return None if isinstance(value, str) and value and "/" not in value else "a file name (no folder)"
    if key == "doc_id":
        ok = isinstance(value, str) and _SLUG.fullmatch(value) is not None
        return None if ok else "a slug of letters, digits, '-', '_' and '.' (up to 100, first a letter or digit)"
    if key in ("title", "short", "author", "symbol"):
        return None if isinstance(value, str) else "a string"
    if key == "source_url":
        ok = isinstance(value, str) and _URL.fullmatch(value) is not None
        return None if ok else "an http:// or https:// address"
    if key == "year":
        ok = isinstance(value, int) and not isinstance(value, bool) and value in YEARS
        return None if ok else f"an integer year from {YEARS.start} to {YEARS.stop - 1}"
    if key == "languages":
        return None if _is_strings(value) else 'a list of language codes such as ["kk", "ru"]'
    ok = isinstance(value, str) or _is_strings(value) or (isinstance(value, int) and not isinstance(value, bool))
    return None if ok else "a string, an integer or a list of strings"


def _is_strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return f"the string {value[:60]!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    return "a table"


def slug(name: str) -> str:
    """A stable document id from a file name: ``Доклад 2020.txt`` → ``доклад-2020``."""
    stem = Path(name).stem.lower()
    return re.sub(r"[^\w]+", "-", stem).strip("-_") or "document"
