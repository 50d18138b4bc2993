"""Build an index generation from corpus files: read, split, detect language, index, publish."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from indexer.alignment import align_documents
from indexer.analysis import ANALYSIS_VERSION
from indexer.catalog import CATALOG_NAME, load_catalogs
from indexer.embedding_cache import EmbeddingCache, embed_passages
from indexer.encoders import Encoder, load_encoder
from indexer.extract import Document, DocumentError, load_document
from indexer.generation import (
    ALIGNMENT,
    KEYWORD_DIR,
    PARAGRAPHS,
    IndexNotFound,
    Publisher,
    published_generation,
    write_jsonl,
)
from indexer.keyword_index import BM25_B, BM25_K1, KeywordIndex
from indexer.language import detect_language
from indexer.sentences import SentenceIndex, sentence_spans, sentences_to_embed
from indexer.settings import DEFAULT_CACHE, DEFAULT_MAX_FILE_MB, DEFAULT_MODEL, DEFAULT_MODELS_DIR
from indexer.sources import MB, find_corpus_files, read_source
from indexer.vector_index import VectorIndex
from indexer.vocabulary import VOCABULARY, build_vocabulary, write_vocabulary

# A translation pair a document's layout states (a bilingual table's row) is certain, not a guess of the aligner.
LAYOUT_SCORE = 1.0


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

    @property
    def paragraphs(self) -> int:
        return sum(self.paragraphs_by_lang.values())


def paragraph_records(document: Document) -> list[dict]:
    """The records stored and indexed for a document's paragraphs (the fields of ``--dump paragraphs``).

    Every record has every field: ``page`` (null where the source has no pages), ``kind`` (null for running text;
    "note", "table-row", "list-item", "signature") and ``ocr``. The language is the layout's where it gives one
    (a bilingual table's column), else the text's.
    """
    return [
        {
            "id": document.paragraph_id(p),
            "doc_id": document.doc_id,
            "doc_title": document.title,
            "ordinal": p.ordinal,
            "label": p.label,
            "section": p.section,
            "lang": p.lang or detect_language(p.text),
            "text": p.text,
            "lines": list(p.lines),
            "page": p.page,
            "kind": p.kind,
            "ocr": p.ocr,
        }
        for p in document.paragraphs
    ]


def layout_pairs(documents: list[Document]) -> list[dict]:
    """The translation pairs the documents' layouts give, as alignment records (``--dump alignment``)."""
    return [
        {
            "kk_id": d.paragraph_id(d.paragraphs[kk - 1]),
            "ru_id": d.paragraph_id(d.paragraphs[ru - 1]),
            "score": LAYOUT_SCORE,
        }
        for d in documents
        for kk, ru in d.pairs
    ]


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
) -> BuildReport:
    """Index the files and folders in ``paths`` into a new generation under ``index_dir`` and publish it.

    Every catalogue is checked before anything else (CatalogError lists all their problems). Files that cannot
    be indexed (unreadable, over ``max_file_mb``, links out of their folder …) are reported in
    ``BuildReport.skipped`` and left out; if no file is indexable, NoDocuments is raised and the published
    generation stays as it was. An unchanged corpus (same files, analysis and model) is not rebuilt unless
    ``force``. Passage vectors come from the embedding cache in ``cache_dir`` where it has them (None: no cache).
    One build publishes to an index folder at a time: PublishError if another one is, unless ``wait``.
    """
    started = time.perf_counter()
    corpus = find_corpus_files(paths)
    folders = sorted({path.parent for path in corpus.files})
    catalogs = load_catalogs(folders)
    contents, hashes, unread = _read_sources(corpus.files, int(max_file_mb * MB), progress)
    catalog_files = [path for path in (folder / CATALOG_NAME for folder in folders) if path.is_file()]
    sources = dict(sorted({**{str(path): _sha256(path) for path in catalog_files}, **hashes}.items()))
    skipped = corpus.skipped + unread
    if not force and (report := _unchanged(index_dir, sources, model)):
        return report
    with Publisher(index_dir, wait=wait) as publisher:
        if not force and (report := _unchanged(index_dir, sources, model)):
            return report  # published by the indexer this one waited for
        documents = _load_documents(contents, catalogs, skipped, progress)
        if not documents:
            raise NoDocuments(
                "no documents to index"
                + (": " + "; ".join(skipped) if skipped else f" in {', '.join(map(str, paths))}")
            )
        building = publisher.start_generation()
        records: list[dict] = []
        with tqdm(
            total=sum(len(d.paragraphs) for d in documents), desc="analysing", unit="¶", disable=not progress
        ) as bar:
            for document in documents:
                records += paragraph_records(document)
                bar.update(len(document.paragraphs))
        write_jsonl(building / PARAGRAPHS, records)
        encoder = load_encoder(model, models_dir)
        texts = [r["text"] for r in records]
        spans = sentence_spans(tqdm(texts, desc="sentences", unit="¶", disable=not progress))
        with ThreadPoolExecutor(max_workers=1) as helper:
            # The encoder's C code holds no GIL: the keyword index is built while the paragraphs are embedded.
            embedding = helper.submit(_embed, encoder, texts + sentences_to_embed(texts, spans), cache_dir, progress)
            KeywordIndex.build(building / KEYWORD_DIR, records, progress=False).close()
            write_vocabulary(building / VOCABULARY, build_vocabulary(texts))
            all_vectors, embedded = embedding.result()
        vectors = all_vectors[: len(texts)]
        VectorIndex.save(building, vectors)
        SentenceIndex.assemble(spans, vectors, all_vectors[len(texts) :]).save(building)
        # A document whose layout pairs its translations (a bilingual table) keeps those and is not aligned again.
        paired = {d.doc_id for d in documents if d.pairs}
        write_jsonl(building / ALIGNMENT, layout_pairs(documents) + align_documents(records, vectors, progress, paired))
        by_lang = Counter(record["lang"] for record in records)
        manifest = {
            "analysis_version": ANALYSIS_VERSION,
            "bm25": {"k1": BM25_K1, "b": BM25_B},  # the stored term weights depend on them
            "model": encoder.model_id,
            "dim": encoder.dim,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "sources": sources,
            "documents": [
                {"doc_id": d.doc_id, "title": d.title, "source": d.source, "paragraphs": len(d.paragraphs), **d.meta}
                for d in documents
            ],
            "skipped": skipped,
            "counts": {"documents": len(documents), "paragraphs": len(records), "by_lang": dict(by_lang)},
        }
        generation = publisher.publish(building, manifest)
    return BuildReport(
        generation=generation.name,
        documents=len(documents),
        paragraphs_by_lang=by_lang,
        skipped=skipped,
        seconds=time.perf_counter() - started,
        embedded=embedded,
    )


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
    contents: dict[Path, bytes], catalogs: dict[Path, dict[str, dict]], skipped: list[str], progress: bool
) -> list[Document]:
    """The documents of the files read, each file's bytes let go once parsed; a line in ``skipped`` for each
    file that is not a document."""
    documents: list[Document] = []
    seen_ids: set[str] = set()
    total = sum(len(data) for data in contents.values())
    with tqdm(total=total, desc="splitting", unit="B", unit_scale=True, disable=not progress) as bar:
        for path in list(contents):
            data = contents.pop(path)
            try:
                document = load_document(path, catalogs.get(path.parent, {}), data)
            except DocumentError as error:
                skipped.append(str(error))
            else:
                if document.doc_id in seen_ids:
                    skipped.append(f"{path.name}: doc_id {document.doc_id!r} is already used by another file")
                else:
                    seen_ids.add(document.doc_id)
                    documents.append(document)
            bar.update(len(data))
    return documents


def _embed(encoder: Encoder, texts: list[str], cache_dir: Path | None, progress: bool) -> tuple[np.ndarray, int]:
    cache = EmbeddingCache(cache_dir) if cache_dir else None  # SQLite: opened in the thread that uses it
    try:
        return embed_passages(encoder, texts, cache, progress)
    finally:
        if cache:
            cache.close()


def _unchanged(index_dir: Path, sources: dict[str, str | None], model: str) -> BuildReport | None:
    """A report for the published generation if it was built from exactly these files, analysis and model."""
    try:
        generation = published_generation(index_dir)
    except IndexNotFound:
        return None
    manifest = generation.manifest
    if (manifest.get("sources"), manifest.get("analysis_version"), manifest.get("model")) != (
        sources,
        ANALYSIS_VERSION,
        model,
    ):
        return None
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
