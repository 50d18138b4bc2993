"""Build an index generation from corpus files: read, split, detect language, index, publish."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from indexer.analysis import ANALYSIS_VERSION
from indexer.catalog import CATALOG_NAME, load_catalogs
from indexer.embedding_cache import TaskMap
from indexer.encoders import load_encoder
from indexer.extract import Document, DocumentError, load_document
from indexer.generation import (
    ALIGNMENT,
    KEYWORD_DIR,
    PARAGRAPHS,
    Generation,
    IndexNotFound,
    Publisher,
    published_generation,
    write_jsonl,
)
from indexer.keyword_index import BM25_B, BM25_K1, KeywordIndex
from indexer.meaning_null import embed_null_queries, load_null_queries, meaning_null, save_null_queries
from indexer.new_paragraphs import NewParagraphs, embed_new_paragraphs, paragraph_records
from indexer.sentences import SentenceIndex
from indexer.settings import DEFAULT_CACHE, DEFAULT_MAX_FILE_MB, DEFAULT_MODEL, DEFAULT_MODELS_DIR
from indexer.sources import MB, find_corpus_files, read_source
from indexer.update import update_generation
from indexer.vector_index import VectorIndex, minority_centroids
from indexer.vocabulary import VOCABULARY, build_vocabulary, write_vocabulary


class NoDocuments(ValueError):
    """Nothing indexable was found; nothing was published."""


@dataclass
class BuildReport:
    generation: str
    documents: int = 0
    paragraphs_by_lang: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    up_to_date: bool = False
    embedded: int = 0  # paragraphs and sentences the encoder had to embed; the rest came from the cache
    read: int = 0  # documents read from their files
    carried_over: int = 0  # documents kept from the previous generation without reading them again

    @property
    def paragraphs(self) -> int:
        return sum(self.paragraphs_by_lang.values())


def build_index(
    paths: list[Path],
    index_dir: Path,
    force: bool = False,
    progress: bool = True,
    model: str = DEFAULT_MODEL,
    cache_dir: Path | None = DEFAULT_CACHE,
    max_file_mb: float = DEFAULT_MAX_FILE_MB,
    wait: bool = False,
    models_dir: Path = DEFAULT_MODELS_DIR,
    tasks: TaskMap = map,
) -> BuildReport:
    """Index the files and folders in ``paths`` into a new generation under ``index_dir`` and publish it.

    Every catalogue is checked before anything else (CatalogError lists all their problems). Files that cannot
    be indexed (unreadable, over ``max_file_mb``, links out of their folder …) are reported in
    ``BuildReport.skipped`` and left out; if no file is indexable, NoDocuments is raised and the published
    generation stays as it was. An unchanged corpus (same files, analysis and model) is not rebuilt unless
    ``force``. When the published generation was built the same way, only the files added or changed since
    (and those under a changed catalogue) are read, analysed and embedded; the others' paragraphs, vectors and
    index entries are carried over (``indexer/update.py``). ``force`` rebuilds everything. Passage vectors
    come from the embedding cache in ``cache_dir`` where it has them (None: no cache). One build publishes to
    an index folder at a time: PublishError if another one is, unless ``wait``. The heavy steps, reading
    files into documents (extraction, OCR) and embedding batches of passages, run through ``tasks``: here by
    default, on a Ray cluster's workers with ``indexer.ray_cluster.RayTasks``; the generation is the same.
    """
    started = time.perf_counter()
    corpus = find_corpus_files(paths)
    folders = sorted({path.parent for path in corpus.files})
    catalogs = load_catalogs(folders)
    contents, hashes, unread = _read_sources(corpus.files, int(max_file_mb * MB), progress)
    catalog_files = [path for path in (folder / CATALOG_NAME for folder in folders) if path.is_file()]
    sources = dict(sorted({**{str(path): _sha256(path) for path in catalog_files}, **hashes}.items()))
    skipped = corpus.skipped + unread
    previous = None if force else _updatable(index_dir, model)
    if previous and previous.manifest.get("sources") == sources:
        return _up_to_date(previous)
    with Publisher(index_dir, wait=wait) as publisher:
        previous = None if force else _updatable(index_dir, model)  # another indexer may have published
        if previous and previous.manifest.get("sources") == sources:
            return _up_to_date(previous)
        kept: list[dict] = []  # the previous generation's documents carried over
        if previous:
            before = follow_moves(previous.manifest, sources)
            changed = changed_files(before, sources)
            kept = [d for d in before["documents"] if d["file"] in sources and d["file"] not in changed]
            contents = {path: data for path, data in contents.items() if str(path) in changed}
        loaded = _load_documents(contents, catalogs, skipped, progress, {d["doc_id"] for d in kept}, tasks)
        if not loaded and not kept:
            raise NoDocuments(
                "no documents to index"
                + (": " + "; ".join(skipped) if skipped else f" in {', '.join(map(str, paths))}")
            )
        documents = [document for _, document in loaded]
        building = publisher.start_generation()
        added: list[dict] = []
        with tqdm(
            total=sum(len(d.paragraphs) for d in documents), desc="analysing", unit="¶", disable=not progress
        ) as bar:
            for document in documents:
                added += paragraph_records(document)
                bar.update(len(document.paragraphs))
        encoder = load_encoder(model, models_dir)
        with ThreadPoolExecutor(max_workers=1) as helper:
            new = helper.submit(embed_new_paragraphs, encoder, documents, added, cache_dir, progress, tasks)
            if previous and kept:
                langs = update_generation(previous, building, {d["doc_id"] for d in kept}, added, new)
                null_vectors = load_null_queries(previous.path)
            else:
                _write_generation(building, added, new)
                langs = [record["lang"] for record in added]
                null_vectors = embed_null_queries(encoder)
            embedded = new.result().embedded
        save_null_queries(building, null_vectors)
        by_lang = Counter(langs)
        centroids = minority_centroids(SentenceIndex.load(building), np.array(langs))
        documents_json = kept + [
            {
                "doc_id": d.doc_id,
                "title": d.title,
                "source": d.source,
                "file": str(path),  # its key in "sources": which file an update reads again
                "paragraphs": len(d.paragraphs),
                **d.meta,
            }
            for path, d in loaded
        ]
        manifest = {
            "analysis_version": ANALYSIS_VERSION,
            "bm25": {"k1": BM25_K1, "b": BM25_B},  # the stored term weights depend on them
            "model": encoder.model_id,
            "dim": encoder.dim,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "sources": sources,
            "documents": documents_json,
            "skipped": skipped,
            "meaning_null": meaning_null(null_vectors, VectorIndex.load(building), centroids),
            # kept for search, which would otherwise read every sentence vector again when it opens the generation
            "language_centroids": {lang: centroid.tolist() for lang, centroid in centroids.items()},
            "counts": {"documents": len(documents_json), "paragraphs": by_lang.total(), "by_lang": dict(by_lang)},
        }
        if previous and kept:
            manifest["updated_from"] = previous.name
        generation = publisher.publish(building, manifest)
    return BuildReport(
        generation=generation.name,
        documents=len(documents_json),
        paragraphs_by_lang=by_lang,
        skipped=skipped,
        seconds=time.perf_counter() - started,
        embedded=embedded,
        read=len(loaded),
        carried_over=len(kept),
    )


def _write_generation(building: Path, records: list[dict], new: Future[NewParagraphs]) -> None:
    """Write a whole generation of ``records``, whose vectors ``new`` brings once the encoder is done."""
    write_jsonl(building / PARAGRAPHS, records)
    KeywordIndex.build(building / KEYWORD_DIR, records, progress=False)
    write_vocabulary(building / VOCABULARY, build_vocabulary([r["text"] for r in records]))
    vectors = new.result()
    VectorIndex.save(building, vectors.vectors)
    vectors.sentences.save(building)
    write_jsonl(building / ALIGNMENT, vectors.pairs)


def follow_moves(manifest: dict, sources: dict[str, str | None]) -> dict:
    """``manifest`` with each file it read that is gone from ``sources`` renamed to the path in ``sources`` of a
    file with the same name and content in a folder with the same catalogue (or none in both): a folder that
    moved, or was named another way by an earlier build, is carried over instead of read, analysed and OCR'd
    again. A file whose new folder's catalogue differs is read again: its id and title may come from it."""
    before = manifest["sources"]

    def key(path: str, digest: str | None, folder_sources: dict[str, str | None]) -> tuple:
        return Path(path).name, digest, folder_sources.get(str(Path(path).parent / CATALOG_NAME))

    gone: dict[tuple, str] = {}
    for path, digest in before.items():
        if path not in sources and digest is not None:
            gone.setdefault(key(path, digest, before), path)
    moves = {
        gone.pop(found): path
        for path, digest in sources.items()
        if path not in before and digest is not None and (found := key(path, digest, sources)) in gone
    }
    if not moves:
        return manifest
    return manifest | {
        "sources": {moves.get(path, path): digest for path, digest in before.items()},
        "documents": [d | {"file": moves.get(d["file"], d["file"])} for d in manifest["documents"]],
    }


def changed_files(manifest: dict, sources: dict[str, str | None]) -> set[str]:
    """The files of ``sources`` to read again for an update of the generation with ``manifest``: new files,
    changed ones, those that gave no document last time (they are tried again) and every file of a folder
    whose catalogue was added, changed or removed (their titles and ids may differ)."""
    before = manifest["sources"]
    indexed = {d["file"] for d in manifest["documents"]}
    catalogs = {str(Path(path).parent) for path in before.keys() | sources.keys() if Path(path).name == CATALOG_NAME}
    recatalogued = {folder for folder in catalogs if before.get(str(Path(folder) / CATALOG_NAME)) !=
                    sources.get(str(Path(folder) / CATALOG_NAME))}  # fmt: skip
    return {
        path
        for path, digest in sources.items()
        if Path(path).name != CATALOG_NAME
        and (before.get(path) != digest or path not in indexed or str(Path(path).parent) in recatalogued)
    }


def _read_sources(
    files: list[Path], max_bytes: int, progress: bool
) -> tuple[dict[Path, bytes], dict[str, str | None], list[str]]:
    """Each file's bytes, read once; their sha256 by path; a line for each file that could not be read.

    A file not read has the hash None, so that a file that becomes readable, or fits a raised limit, makes the
    corpus changed. The bytes are kept until they are parsed: an unchanged corpus costs hashing only, a changed
    one is not read twice.
    """
    contents: dict[Path, bytes] = {}
    hashes: dict[str, str | None] = {}
    unread: list[str] = []
    for path in tqdm(files, desc="reading", unit="file", disable=not progress):
        try:
            contents[path] = read_source(path, max_bytes)
        except DocumentError as error:
            unread.append(str(error))
            hashes[str(path)] = None
        else:
            hashes[str(path)] = hashlib.sha256(contents[path]).hexdigest()
    return contents, hashes, unread


def _load_documents(
    contents: dict[Path, bytes],
    catalogs: dict[Path, dict[str, dict]],
    skipped: list[str],
    progress: bool,
    taken: set[str],
    tasks: TaskMap,
) -> list[tuple[Path, Document]]:
    """The documents of the files read (parsed through ``tasks``), each file's bytes let go once handed over;
    a line in ``skipped`` for each file that is not a document, or whose doc_id is in ``taken`` or used by an
    earlier file."""
    documents: list[tuple[Path, Document]] = []
    seen_ids = set(taken)
    paths = list(contents)
    sizes = [len(contents[path]) for path in paths]
    files = ((path, catalogs.get(path.parent, {}), contents.pop(path)) for path in paths)
    with tqdm(total=sum(sizes), desc="splitting", unit="B", unit_scale=True, disable=not progress) as bar:
        for path, size, loaded in zip(paths, sizes, tasks(_document_or_reason, files), strict=True):
            if isinstance(loaded, str):
                skipped.append(loaded)
            elif loaded.doc_id in seen_ids:
                skipped.append(f"{path.name}: doc_id {loaded.doc_id!r} is already used by another file")
            else:
                seen_ids.add(loaded.doc_id)
                documents.append((path, loaded))
            bar.update(size)
    return documents


def _document_or_reason(file: tuple[Path, dict[str, dict], bytes]) -> Document | str:
    """The document in a file (its path, its folder's catalogue, its bytes), or why it is not one: a value, not
    an exception, so that it comes back from a worker as it is."""
    path, catalog, data = file
    try:
        return load_document(path, catalog, data)
    except DocumentError as error:
        return str(error)


def _updatable(index_dir: Path, model: str) -> Generation | None:
    """The published generation if a new one can be made from it by reading only the changed files: it was
    built with the same analysis, BM25 parameters and model."""
    try:
        generation = published_generation(index_dir)
    except IndexNotFound:
        return None
    manifest = generation.manifest
    same = (manifest.get("analysis_version"), manifest.get("bm25"), manifest.get("model")) == (
        ANALYSIS_VERSION,
        {"k1": BM25_K1, "b": BM25_B},
        model,
    )
    return generation if same else None


def _up_to_date(generation: Generation) -> BuildReport:
    """The report of a build that found the published generation made the same way from the same files."""
    manifest = generation.manifest
    counts = manifest.get("counts", {})
    return BuildReport(
        generation=generation.name,
        documents=counts.get("documents", 0),
        paragraphs_by_lang=Counter(counts.get("by_lang", {})),
        skipped=manifest.get("skipped", []),
        up_to_date=True,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for chunk in iter(lambda: data.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
