"""Index generations on disk: written once, published by an atomic switch of the ``CURRENT`` pointer.

    <index>/CURRENT              name of the published generation
    <index>/.lock                held by the one indexer publishing here; holds its pid
    <index>/<generation>/
        manifest.json            format and analysis versions, corpus files with sha256 (null: a file not read:
                                 missing, unreadable or over the size limit), counts, model id, dim
        paragraphs.jsonl         the paragraph records, row i = keyword index row i = vector row i
        whoosh/                  keyword index
        vectors.npy              float32 [n, dim], L2-normalised passage embeddings; vectors_int8.npy and
                                 vector_scales.npy: the same rows as int8 and their scales, scored first
        sentences.npy            float16 sentence embeddings, and sentence_spans.npy: where each sentence is
        alignment.jsonl          Kazakh ↔ Russian paragraph pairs of bilingual documents
        vocabulary.tsv           words and frequent phrases with paragraph counts, for suggestions

Writers. One indexer at a time publishes to an index folder: ``Publisher`` holds an exclusive ``flock`` on
``<index>/.lock`` from the start of a build to its publication (a second one is refused, or waits). A build
writes into a hidden ``.building-*`` folder; publishing fsyncs its files, renames it, writes the pointer to a
temporary file of its own, fsyncs it and renames it over ``CURRENT``, then fsyncs the index folder. So a build
that fails or is killed at any point leaves the published generation untouched and servable; its leftovers are
removed by the next publisher, under the lock, so a live build's folder is never touched.

Readers. A reader keeps the generation it opened until it opens the index again. While it uses one, it holds
it: ``generation.hold()`` returns an open file on which the reader keeps a shared ``flock`` (on the
generation's manifest) until it closes the file. Publishing keeps the previous generation besides the new
one, and removes older ones only if it gets an exclusive lock on them at once: a held generation is left for
a later publish to remove. A reader that holds a generation is sure it stays whole; ``hold`` raises
IndexNotFound if the generation was removed before the lock was taken (open the index again).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from indexer.paragraph_file import ParagraphFile
from indexer.records import ParagraphRecord

# 2: vectors, alignment, vocabulary and term matrix in every generation; 3: sentence vectors; 5: int8 vectors
FORMAT_VERSION = 5
POINTER = "CURRENT"
MANIFEST = "manifest.json"
PARAGRAPHS = "paragraphs.jsonl"
ALIGNMENT = "alignment.jsonl"
KEYWORD_DIR = "whoosh"
LOCK = ".lock"
_BUILDING = ".building-"
_REMOVING = ".removing-"  # an old generation being deleted, out of readers' sight
_POINTER_DRAFT = f".{POINTER}"  # .CURRENT-<random>: a pointer being written
_KEEP_OLD = 1  # previous generations kept besides the published one, for readers still using them

log = logging.getLogger(__name__)


class IndexNotFound(FileNotFoundError):
    pass


class PublishError(RuntimeError):
    """The index folder cannot take a new generation: another indexer is publishing, or it cannot be written."""


@dataclass
class Generation:
    path: Path
    manifest: dict

    @property
    def name(self) -> str:
        return self.path.name

    def read_paragraphs(self) -> list[ParagraphRecord]:
        """Every record, row by row, in memory (the indexer's way; search reads them on demand: ``paragraphs``)."""
        with self.paragraphs() as paragraphs:
            return list(paragraphs)

    def paragraphs(self) -> ParagraphFile:
        """The records, row by row, each read when it is asked for (search's way: see ``indexer/paragraph_file.py``);
        close the file when done."""
        return ParagraphFile(self.path / PARAGRAPHS)

    def read_alignment(self) -> list[dict]:
        """The Kazakh ↔ Russian pairs (none for a generation without bilingual documents)."""
        return read_jsonl(self.path / ALIGNMENT)

    def hold(self) -> IO[bytes]:
        """An open file whose shared lock keeps this generation from being removed until the file is closed.

        IndexNotFound if the generation was removed before the lock was taken: open the index again.
        """
        manifest = self.path / MANIFEST
        gone = IndexNotFound(f"{self.path}: the generation was removed; open the index again")
        try:
            held = open(manifest, "rb")  # the caller closes it, and so lets the lock go
        except FileNotFoundError:
            raise gone from None
        try:
            fcntl.flock(held, fcntl.LOCK_SH)
            # A prune moves a generation away before it lets go of its lock: then the path leads elsewhere.
            removed = not _same_file(held, manifest)
        except BaseException:
            held.close()
            raise
        if removed:
            held.close()
            raise gone
        return held


def _same_file(opened: IO[bytes], path: Path) -> bool:
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    then = os.fstat(opened.fileno())
    return (then.st_dev, then.st_ino) == (now.st_dev, now.st_ino)


def write_jsonl(path: Path, records: list[dict]) -> None:
    """Records as JSON lines, the form of a generation's paragraph and alignment files."""
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def published_generation(index_dir: Path) -> Generation:
    """The generation ``CURRENT`` points to; IndexNotFound with a hint if there is none."""
    index_dir = Path(index_dir)
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexNotFound(f"no index published in {index_dir}: run `python -m indexer` first") from None
    except NotADirectoryError:
        raise IndexNotFound(f"{index_dir} is a file, not an index folder") from None
    except (OSError, UnicodeDecodeError) as error:
        raise IndexNotFound(f"{index_dir / POINTER} cannot be read: {_reason(error)}") from None
    path = index_dir / name
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        raise IndexNotFound(f"{index_dir}: CURRENT names {name!r}, which is missing; rebuild the index") from None
    except (OSError, ValueError) as error:  # ValueError: not UTF-8, not JSON
        raise IndexNotFound(f"{path / MANIFEST} cannot be read: {_reason(error)}; rebuild the index") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexNotFound(
            f"{path}: index format {manifest.get('format_version')}, expected {FORMAT_VERSION}; rebuild"
        )
    return Generation(path, manifest)


def _reason(error: Exception) -> str:
    return error.strerror if isinstance(error, OSError) and error.strerror else str(error)


class Publisher:
    """The one writer of an index folder, from the start of a build to its publication.

        with Publisher(index_dir) as publisher:     # PublishError if another indexer is publishing there
            building = publisher.start_generation()
            ...                                     # write the generation's files into ``building``
            publisher.publish(building, manifest)

    Entering takes the folder's lock (``wait``: wait for it rather than fail) and removes what killed builds
    left behind; leaving removes a started generation that was not published, and lets the lock go.
    """

    def __init__(self, index_dir: Path, wait: bool = False) -> None:
        self.index_dir = Path(index_dir)
        self.wait = wait
        self._lock: IO[str] | None = None
        self._unpublished: list[Path] = []

    def __enter__(self) -> Publisher:
        self._lock = _lock_index(self.index_dir, self.wait)
        try:
            _remove_leftovers(self.index_dir)
        except BaseException:
            self._lock.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        for building in self._unpublished:
            shutil.rmtree(building, ignore_errors=True)
        self._unpublished.clear()
        if self._lock:
            self._lock.close()
            self._lock = None

    def start_generation(self) -> Path:
        """A fresh, hidden folder to build the next generation in (named by time, unique even within a second)."""
        if self._lock is None:
            raise RuntimeError("start_generation outside `with Publisher(...)`")
        while True:
            # Not tempfile.mkdtemp: its 0700 folder would hide the generation from a server run by another user.
            building = self.index_dir / f"{_BUILDING}{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}"
            try:
                building.mkdir()
            except FileExistsError:
                continue
            self._unpublished.append(building)
            return building

    def publish(self, building: Path, manifest: dict) -> Generation:
        """Seal a built folder: write its manifest, make it durable, rename it, switch ``CURRENT`` to it, prune."""
        manifest = {"format_version": FORMAT_VERSION, **manifest}
        (building / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _fsync_tree(building)
        final = self.index_dir / building.name.removeprefix(_BUILDING)
        building.rename(final)
        self._unpublished.remove(building)
        _fsync(self.index_dir)  # the generation's name is on disk before a pointer can name it
        _write_pointer(self.index_dir, final.name)
        _prune(self.index_dir, final.name)
        return Generation(final, manifest)


def _lock_index(index_dir: Path, wait: bool) -> IO[str]:
    """The index folder's lock file, locked by this process, with its pid written in for the next one to name."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock = os.fdopen(os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644), "r+", encoding="utf-8")
    except FileExistsError:
        raise PublishError(f"cannot publish to {index_dir}: it is a file, not a folder") from None
    except OSError as error:
        raise PublishError(f"cannot publish to {index_dir}: {error.strerror}") from None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = lock.read().strip() or "unknown"
        if not wait:
            lock.close()
            raise PublishError(f"another indexer (pid {holder}) is publishing to {index_dir}") from None
        log.warning("waiting for another indexer (pid %s) to finish publishing to %s", holder, index_dir)
        fcntl.flock(lock, fcntl.LOCK_EX)
    lock.seek(0)
    lock.truncate()
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    return lock


def _remove_leftovers(index_dir: Path) -> None:
    """What killed builds and prunes left: unpublished folders, half-removed generations, pointer drafts."""
    for path in index_dir.iterdir():
        if path.name.startswith((_BUILDING, _REMOVING)) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(_POINTER_DRAFT) and path.is_file():
            path.unlink(missing_ok=True)


def _write_pointer(index_dir: Path, name: str) -> None:
    # A draft of this process's own (not tempfile.mkstemp: its 0600 file would hide CURRENT from other users).
    draft = index_dir / f"{_POINTER_DRAFT}{secrets.token_hex(8)}"
    try:
        with open(draft, "x", encoding="utf-8") as out:
            out.write(name + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(draft, index_dir / POINTER)
    except BaseException:
        draft.unlink(missing_ok=True)
        raise
    _fsync(index_dir)


def _fsync_tree(root: Path) -> None:
    for folder, _, names in os.walk(root):
        for name in names:
            _fsync(Path(folder) / name)
        _fsync(Path(folder))


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _prune(index_dir: Path, current: str) -> None:
    """Remove generations older than the ``_KEEP_OLD`` before ``current``, except those a reader holds."""
    generations = sorted(
        (p for p in index_dir.iterdir() if p.is_dir() and (p / MANIFEST).exists() and p.name != current),
        key=lambda p: p.stat().st_mtime,
    )
    for old in generations[: max(0, len(generations) - _KEEP_OLD)]:
        try:
            _remove_unless_held(old)
        except OSError as error:  # the new generation is published: an old one left behind is only disk space
            log.warning("could not remove the old generation %s: %s", old, error)


def _remove_unless_held(generation: Path) -> None:
    try:
        manifest = open(generation / MANIFEST, "rb")
    except FileNotFoundError:
        return
    with manifest:
        try:
            fcntl.flock(manifest, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("%s is kept: a reader holds it", generation.name)
            return
        # Out of readers' sight before the lock goes: a reader that locks it next finds it gone (see hold).
        hidden = generation.with_name(f"{_REMOVING}{generation.name}")
        generation.rename(hidden)
    shutil.rmtree(hidden, ignore_errors=True)
