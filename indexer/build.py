"""Build an index generation from corpus files: read, split, detect language, index, publish."""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from indexer.alignment import align_documents
from indexer.analysis import ANALYSIS_VERSION
from indexer.catalog import CATALOG_NAME, load_catalog
from indexer.embedding_cache import DEFAULT_CACHE, EmbeddingCache, embed_passages
from indexer.encoders import DEFAULT_MODEL, Encoder, load_encoder
from indexer.extract import SUPPORTED_SUFFIXES, Document, DocumentError, load_document
from indexer.generation import (
    ALIGNMENT,
    KEYWORD_DIR,
    PARAGRAPHS,
    IndexNotFound,
    abandon_generation,
    publish_generation,
    published_generation,
    start_generation,
    write_jsonl,
)
from indexer.keyword_index import KeywordIndex
from indexer.language import detect_language
from indexer.sentences import SentenceIndex, sentence_spans, sentences_to_embed
from indexer.vector_index import VectorIndex
from indexer.vocabulary import VOCABULARY, build_vocabulary, write_vocabulary

log = logging.getLogger(__name__)


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


def find_corpus_files(paths: list[Path]) -> list[Path]:
    """Files to index: the given files, and the supported files inside given folders, in name order."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            found.append(path)
    return found


def paragraph_records(document: Document) -> list[dict]:
    """The records stored and indexed for a document's paragraphs (the fields of ``--dump paragraphs``)."""
    return [
        {
            "id": f"{document.doc_id}:{p.id_key}",
            "doc_id": document.doc_id,
            "doc_title": document.title,
            "ordinal": p.ordinal,
            "label": p.label,
            "section": p.section,
            "lang": detect_language(p.text),
            "text": p.text,
            "lines": list(p.lines),
        }
        for p in document.paragraphs
    ]


def build_index(
    paths: list[Path],
    index_dir: Path,
    force: bool = False,
    progress: bool = True,
    model: str = DEFAULT_MODEL,
    cache_dir: Path | None = DEFAULT_CACHE,
) -> BuildReport:
    """Index the files and folders in ``paths`` into a new generation under ``index_dir`` and publish it.

    Unreadable files are reported in ``BuildReport.skipped`` and left out; if no file is indexable,
    NoDocuments is raised and the published generation stays as it was. An unchanged corpus (same files,
    analysis and model) is not rebuilt unless ``force``. Passage vectors come from the embedding cache in
    ``cache_dir`` where it has them (None: no cache).
    """
    started = time.perf_counter()
    files = find_corpus_files(paths)
    catalogs_used = {path.parent / CATALOG_NAME for path in files}
    inputs = sorted({*files, *(c for c in catalogs_used if c.is_file())})
    sources = {str(path): _sha256(path) for path in inputs if path.is_file()}
    missing = [f"{path}: no such file" for path in files if not path.is_file()]
    if not force and not missing:
        report = _unchanged(index_dir, sources, model)
        if report:
            return report
    catalogs: dict[Path, dict] = {}
    documents: list[Document] = []
    skipped = list(missing)
    seen_ids: set[str] = set()
    for path in tqdm(files, desc="reading", unit="file", disable=not progress):
        if not path.is_file():
            continue
        try:
            catalog = catalogs.setdefault(path.parent, load_catalog(path.parent))
            document = load_document(path, catalog)
        except (DocumentError, ValueError) as error:
            skipped.append(str(error))
            log.warning("skipped %s", error)
            continue
        if document.doc_id in seen_ids:
            skipped.append(f"{path.name}: doc_id {document.doc_id!r} is already used by another file")
            continue
        seen_ids.add(document.doc_id)
        documents.append(document)
    if not documents:
        raise NoDocuments(
            "no documents to index" + (": " + "; ".join(skipped) if skipped else f" in {', '.join(map(str, paths))}")
        )

    building = start_generation(index_dir)
    try:
        records = [
            r for d in tqdm(documents, desc="analysing", unit="doc", disable=not progress) for r in paragraph_records(d)
        ]
        write_jsonl(building / PARAGRAPHS, records)
        encoder = load_encoder(model)
        texts = [r["text"] for r in records]
        spans = sentence_spans(texts)
        with ThreadPoolExecutor(max_workers=1) as helper:
            # The encoder's C code holds no GIL: the keyword index is built while the paragraphs are embedded.
            embedding = helper.submit(_embed, encoder, texts + sentences_to_embed(texts, spans), cache_dir, progress)
            KeywordIndex.build(building / KEYWORD_DIR, records, progress=False).close()
            write_vocabulary(building / VOCABULARY, build_vocabulary(texts))
            all_vectors, embedded = embedding.result()
        vectors = all_vectors[: len(texts)]
        VectorIndex.save(building, vectors)
        SentenceIndex.assemble(spans, vectors, all_vectors[len(texts) :]).save(building)
        write_jsonl(building / ALIGNMENT, align_documents(records, vectors))
        by_lang = Counter(record["lang"] for record in records)
        manifest = {
            "analysis_version": ANALYSIS_VERSION,
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
        generation = publish_generation(building, manifest)
    except BaseException:
        abandon_generation(building)
        raise
    return BuildReport(
        generation=generation.name,
        documents=len(documents),
        paragraphs_by_lang=by_lang,
        skipped=skipped,
        seconds=time.perf_counter() - started,
        embedded=embedded,
    )


def _embed(encoder: Encoder, texts: list[str], cache_dir: Path | None, progress: bool) -> tuple[np.ndarray, int]:
    cache = EmbeddingCache(cache_dir) if cache_dir else None  # SQLite: opened in the thread that uses it
    try:
        return embed_passages(encoder, texts, cache, progress)
    finally:
        if cache:
            cache.close()


def _unchanged(index_dir: Path, sources: dict[str, str], model: str) -> BuildReport | None:
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
