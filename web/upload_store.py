"""Users' documents on disk, in ``<corpus>/uploads/``, and the jobs that index them or take them out again.

The web app never parses a document (DESIGN.md, "Data flows one way"): an upload is checked only for what its
content says it is (``detect_format``: empty files, ``.doc``, ``.rtf``, images and zip bombs are refused at
once, with the indexer's own words), stored, and handed to the indexer, which builds the corpus folder and
publishes a new generation. A file the indexer then skips (an encrypted or damaged PDF, say) is taken out of the
folder again, so that it is not retried by every later build, and its job says why.

A stored file's name is made here, never taken from the client: the original name's stem, transliterated and
reduced to ``[a-z0-9-]``, then the first 12 hex digits of the content's sha256, then the extension of the
detected type (``Доклад 2024.pdf`` → ``doklad-2024-3f5a0c1d9e2b.pdf``). The document's ``doc_id`` is that name
without its extension (the indexer's ``slug`` of it), so a ``doc_id`` leads back to its file and the same
content is recognised when it comes again.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext

from indexer.build import BuildReport, NoDocuments, build_index
from indexer.formats import FormatError, detect_format
from indexer.formats.detect import DOCX, HTML, ODT, PDF, TEXT
from indexer.generation import IndexNotFound, published_generation
from indexer.settings import Settings
from indexer.sources import MB
from web.jobs import JobFailed, Stage, Work

UPLOADS = "uploads"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt", HTML: ".html", TEXT: ".txt"}
HASH_DIGITS = 12
_STEM_CHARS = 48
_DOC_ID = re.compile(rf"[a-z0-9][a-z0-9-]*-[0-9a-f]{{{HASH_DIGITS}}}")
# Russian and Kazakh letters in Latin, so that a stored name (and the doc_id in every URL) is plain ASCII.
_LATIN = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэәғқңөұүһі", "abvgdeziiklmnoprstufyeagqnouuhi", strict=True)),
        **{"ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya"},
        **{"ъ": "", "ь": ""},
    }
)


class UploadRefused(ValueError):
    """An upload or deletion that is not done; ``status`` is its HTTP status, the message says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class StoredUpload:
    path: Path
    doc_id: str


def safe_stem(client_name: str) -> str:
    """The part of a stored name that comes from the client's: its stem in ``[a-z0-9-]``, never a path."""
    stem = Path(_base_name(client_name)).stem.lower().translate(_LATIN)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_stem)[:_STEM_CHARS].strip("-") or "document"


def _base_name(client_name: str) -> str:
    """The file name a client sent without any folder (Windows browsers once sent whole paths)."""
    return re.split(r"[/\\]", client_name)[-1].strip()[:200]


class UploadStore:
    """The uploads folder of one corpus, indexed into one index folder."""

    def __init__(self, settings: Settings, index_dir: Path) -> None:
        self.settings = settings
        self.corpus = Path(settings.corpus)
        self.folder = self.corpus / UPLOADS
        self.index_dir = Path(index_dir)
        self.max_bytes = int(settings.max_file_mb * MB)

    def save(self, data: bytes, client_name: str) -> StoredUpload:
        """Store an upload under its safe name; UploadRefused if it is too large, not a document kazsearch
        reads, or content that is already there."""
        shown = _base_name(client_name) or "the file"
        if len(data) > self.max_bytes:
            raise UploadRefused(413, self.too_large())
        try:
            kind = detect_format(data, shown)
        except FormatError as error:
            raise UploadRefused(415, str(error)) from None
        digest = hashlib.sha256(data).hexdigest()
        if (existing := self._same_content(digest)) is not None:
            message = gettext(
                "%(file)s: the same content is already in the corpus as %(id)s.", file=shown, id=repr(existing)
            )
            raise UploadRefused(409, message)
        doc_id = f"{safe_stem(client_name)}-{digest[:HASH_DIGITS]}"
        path = self.folder / f"{doc_id}{EXTENSIONS[kind]}"
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, data)
        return StoredUpload(path, doc_id)

    def too_large(self) -> str:
        limit = f"{self.settings.max_file_mb:g}"
        return gettext("The file is over the upload limit of %(mb)s MB (KAZSEARCH_MAX_FILE_MB).", mb=limit)

    def file_of(self, doc_id: str) -> Path | None:
        """The uploaded file of a document, or None for a document that was not uploaded (a shipped report)."""
        if not _DOC_ID.fullmatch(doc_id):
            return None
        return next((p for p in (self.folder / f"{doc_id}{ext}" for ext in EXTENSIONS.values()) if p.is_file()), None)

    def uploaded(self) -> list[dict]:
        """The published documents that were uploaded, and so can be deleted, as the manifest lists them (read
        from the index folder, so that the page works before any index is served)."""
        return [d for d in self._published_documents() if self.file_of(d["doc_id"])]

    def remove(self, doc_id: str) -> Work:
        """Take an uploaded document's file out of the corpus now; the returned work publishes an index
        without it. UploadRefused (403) for a document that was not uploaded, (404) for one that is unknown."""
        path = self.file_of(doc_id)
        if path is None:
            if any(d["doc_id"] == doc_id for d in self._published_documents()):
                message = gettext(
                    "%(id)s is one of the corpus's own reports: only uploads can be deleted.", id=repr(doc_id)
                )
                raise UploadRefused(403, message)
            raise UploadRefused(404, gettext("No uploaded document %(id)s.", id=repr(doc_id)))
        path.unlink(missing_ok=True)

        def work(stage: Stage) -> dict:
            stage(f"indexing the corpus without {path.name}")
            try:
                report = self._build()
            except NoDocuments:
                raise JobFailed(
                    f"{path.name} was removed, but no document is left to index: the index keeps its last "
                    "generation until a document is added"
                ) from None
            return {"doc_id": doc_id, "generation": report.generation}

        return work

    def indexing(self, stored: StoredUpload) -> Work:
        """The work that indexes a stored upload: a build of the corpus folder. If the indexer skips the file,
        the file is taken out of the folder and the job fails with the indexer's reason."""
        name = stored.path.name

        def work(stage: Stage) -> dict:
            stage(f"indexing the corpus with {name}")
            try:
                report = self._build()
            except NoDocuments as error:  # the only file there was this one, and it is not a document
                stored.path.unlink(missing_ok=True)
                raise JobFailed(f"not indexed: {error}; the file was removed", {"skipped": str(error)}) from None
            skipped = next((line for line in report.skipped if line.startswith(f"{name}:")), None)
            if skipped is not None:
                stored.path.unlink(missing_ok=True)
                raise JobFailed(f"not indexed: {skipped}; the file was removed", {"skipped": skipped})
            document = next((d for d in self._published_documents() if d["doc_id"] == stored.doc_id), None)
            if document is None:
                raise JobFailed(f"{name} is not in the published index: it was deleted before it was indexed")
            return {
                "doc_id": stored.doc_id,
                "title": document["title"],
                "paragraphs": document["paragraphs"],
                "generation": report.generation,
            }

        return work

    def _build(self) -> BuildReport:
        """A build of the whole corpus folder, waiting for any other indexer publishing to the same index. The
        model is the published generation's, so that adding a document never re-embeds the rest with another."""
        return build_index(
            [self.corpus],
            self.index_dir,
            progress=False,
            model=self._published_manifest().get("model") or self.settings.model,
            cache_dir=self.settings.cache,
            max_file_mb=self.settings.max_file_mb,
            wait=True,
            models_dir=self.settings.models_dir,
        )

    def _same_content(self, digest: str) -> str | None:
        """The doc_id (or file) that already holds content with this sha256: an upload, or an indexed file."""
        if (upload := next(self.folder.glob(f"*-{digest[:HASH_DIGITS]}.*"), None)) is not None:
            return upload.stem
        manifest = self._published_manifest()
        names = {Path(source).name for source, sha in manifest.get("sources", {}).items() if sha == digest}
        return next((d["doc_id"] for d in manifest.get("documents", []) if Path(d["source"]).name in names), None)

    def _published_manifest(self) -> dict:
        try:
            return published_generation(self.index_dir).manifest
        except IndexNotFound:
            return {}

    def _published_documents(self) -> list[dict]:
        return self._published_manifest().get("documents", [])


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` so that a build never reads it half written: a temporary file, synced, renamed over it."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
