"""Index generations on disk: written once, published by an atomic switch of the ``CURRENT`` pointer.

    <index>/CURRENT              name of the published generation
    <index>/<generation>/
        manifest.json            format and analysis versions, corpus files with sha256, counts, model id, dim
        paragraphs.jsonl         the paragraph records, row i = keyword index row i = vector row i
        whoosh/                  keyword index
        vectors.npy              float32 [n, dim], L2-normalised passage embeddings
        sentences.npy            float16 sentence embeddings, and sentence_spans.npy: where each sentence is
        alignment.jsonl          Kazakh ↔ Russian paragraph pairs of bilingual documents
        vocabulary.tsv           words and frequent phrases with paragraph counts, for suggestions

A build writes into a hidden ``.building-*`` folder and renames it only when complete, so an interrupted or
failed build leaves the published generation untouched and servable. A reader keeps the generation it
opened until it opens the index again.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# 2: vectors, alignment, vocabulary and term matrix in every generation; 3: sentence vectors
FORMAT_VERSION = 3
DEFAULT_INDEX = Path(os.environ.get("KAZSEARCH_INDEX", "var/index"))
POINTER = "CURRENT"
MANIFEST = "manifest.json"
PARAGRAPHS = "paragraphs.jsonl"
ALIGNMENT = "alignment.jsonl"
KEYWORD_DIR = "whoosh"
_BUILDING = ".building-"
_KEEP_OLD = 1  # previous generations kept besides the published one, for readers still using them


class IndexNotFound(FileNotFoundError):
    pass


@dataclass
class Generation:
    path: Path
    manifest: dict

    @property
    def name(self) -> str:
        return self.path.name

    def read_paragraphs(self) -> list[dict]:
        return _read_jsonl(self.path / PARAGRAPHS)

    def read_alignment(self) -> list[dict]:
        """The Kazakh ↔ Russian pairs (none for a generation without bilingual documents)."""
        return _read_jsonl(self.path / ALIGNMENT) if (self.path / ALIGNMENT).exists() else []


def write_jsonl(path: Path, records: list[dict]) -> None:
    """Records as JSON lines, the form of a generation's paragraph and alignment files."""
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def published_generation(index_dir: Path) -> Generation:
    """The generation ``CURRENT`` points to; IndexNotFound with a hint if there is none."""
    index_dir = Path(index_dir)
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexNotFound(f"no index published in {index_dir}: run `python -m indexer` first") from None
    path = index_dir / name
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexNotFound(f"{index_dir}: CURRENT names {name!r}, which is missing; rebuild the index") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexNotFound(
            f"{path}: index format {manifest.get('format_version')}, expected {FORMAT_VERSION}; rebuild"
        )
    return Generation(path, manifest)


def start_generation(index_dir: Path) -> Path:
    """A fresh, hidden folder to build the next generation in (named by time, unique even within a second)."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{_BUILDING}{time.strftime('%Y%m%d-%H%M%S')}-", dir=index_dir))


def publish_generation(building: Path, manifest: dict) -> Generation:
    """Seal a built folder: write its manifest, rename it, switch ``CURRENT`` to it, prune old generations."""
    building = Path(building)
    index_dir = building.parent
    manifest = {"format_version": FORMAT_VERSION, **manifest}
    (building / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    final = index_dir / building.name.removeprefix(_BUILDING)
    building.rename(final)
    pointer = index_dir / f".{POINTER}.tmp"
    pointer.write_text(final.name + "\n", encoding="utf-8")
    os.replace(pointer, index_dir / POINTER)
    _prune(index_dir, final.name)
    return Generation(final, manifest)


def abandon_generation(building: Path) -> None:
    shutil.rmtree(building, ignore_errors=True)


def _prune(index_dir: Path, current: str) -> None:
    generations = sorted(
        (p for p in index_dir.iterdir() if p.is_dir() and (p / MANIFEST).exists() and p.name != current),
        key=lambda p: p.stat().st_mtime,
    )
    for old in generations[: max(0, len(generations) - _KEEP_OLD)]:
        shutil.rmtree(old, ignore_errors=True)
