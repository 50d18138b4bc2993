"""The files a build reads: folders walked without leaving them, and each file read once, up to a size limit.

Every file in a folder is read, whatever its name (but the folder's catalogue): what it is, its content decides
(``indexer.extract``), and one that is not a document is skipped with a line saying why, never in silence.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from indexer.catalog import CATALOG_NAME
from indexer.extract import DocumentError

MB = 1 << 20


@dataclass
class CorpusFiles:
    files: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line per link that was not followed, and why


def find_corpus_files(paths: list[Path]) -> CorpusFiles:
    """The given files, and the files inside given folders (their catalogues aside) in name order, each under
    its folder's real path: a file's path is its key in the manifest, so ``corpus``, ``/home/…/corpus`` and the
    same folder reached through a link must name the same files, or an update reads every file again. A file
    (given, or a link in a folder) keeps its own name: that name is what its catalogue entry and id go by.

    A folder is walked without following links to folders (a link to its own parent would loop for ever); a
    link to a file is followed only if it stays inside the folder, and is left out if its target is indexed
    anyway under its own name.
    """
    found = CorpusFiles()
    for path in map(Path, paths):
        if path.is_dir():
            files, skipped = _walk(path.resolve())
            found.files += files
            found.skipped += skipped
        else:
            found.files.append(path.parent.resolve() / path.name)
    return found


def _walk(folder: Path) -> tuple[list[Path], list[str]]:
    """The files under ``folder`` (its real path: what a link must stay inside) and the links left out."""
    regular: list[Path] = []
    links: list[Path] = []
    skipped: list[str] = []
    for current, folders, names in os.walk(folder, followlinks=False):
        here = Path(current)
        folders.sort()
        names.sort()
        for name in folders:
            if (here / name).is_symlink() and not _inside(here / name, folder):
                skipped.append(f"{_shown(here / name, folder)}: a link to a folder outside {folder}")
        for name in names:
            path = here / name
            if name == CATALOG_NAME:
                continue
            if path.is_symlink():
                links.append(path)
            elif path.is_file():
                regular.append(path)
    targets = {path.resolve() for path in regular}
    for link in links:
        try:
            target = link.resolve(strict=True)
        except (OSError, RuntimeError):  # dangling, or a loop of links
            skipped.append(f"{_shown(link, folder)}: a link that leads to no file")
            continue
        if not target.is_relative_to(folder):
            skipped.append(f"{_shown(link, folder)}: a link to a file outside {folder}")
        elif target.is_file() and target not in targets:
            targets.add(target)
            regular.append(link)
    return sorted(regular), skipped


def _inside(link: Path, root: Path) -> bool:
    try:
        return link.resolve(strict=True).is_relative_to(root)
    except (OSError, RuntimeError):
        return True  # a dangling or looping link leads nowhere outside


def _shown(path: Path, folder: Path) -> str:
    return str(path.relative_to(folder))


def read_source(path: Path, max_bytes: int) -> bytes:
    """The bytes of a corpus file; DocumentError if it is missing, unreadable, not a file or over ``max_bytes``."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            raise DocumentError(f"{path.name}: not a regular file")
        if info.st_size > max_bytes:
            raise DocumentError(_too_big(path, info.st_size, max_bytes))
        with open(path, "rb") as source:
            data = source.read(max_bytes + 1)  # a file growing while it is read still stops at the limit
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file") from None
    except OSError as error:
        raise DocumentError(f"{path.name}: cannot be read: {error.strerror}") from error
    if len(data) > max_bytes:
        raise DocumentError(_too_big(path, len(data), max_bytes))
    return data


def _too_big(path: Path, size: int, max_bytes: int) -> str:
    return f"{path.name}: {size / MB:.3g} MB, over the limit of {max_bytes / MB:.3g} MB (--max-file-mb)"
