"""The corpus catalogue (``catalog.toml`` beside the reports): stable ids and titles for known files."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

CATALOG_NAME = "catalog.toml"


class CatalogError(ValueError):
    pass


def load_catalog(folder: Path) -> dict[str, dict]:
    """Catalogue entries of a corpus folder by file name; empty if the folder has no catalogue."""
    path = Path(folder) / CATALOG_NAME
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CatalogError(f"{path}: not a valid catalogue: {error}") from error
    entries = {}
    for entry in data.get("document", []):
        if "file" not in entry or "doc_id" not in entry:
            raise CatalogError(f"{path}: every [[document]] needs 'file' and 'doc_id'")
        entries[entry["file"]] = entry
    return entries


def slug(name: str) -> str:
    """A stable document id from a file name: ``Доклад 2020.txt`` → ``доклад-2020``."""
    stem = Path(name).stem.lower()
    return re.sub(r"[^\w]+", "-", stem).strip("-_") or "document"
