"""What a build makes of the documents it reads: paragraph records, then their vectors and translation pairs.

A full build writes these as the whole generation; an update (``indexer/update.py``) appends them to what it
keeps of the previous one. Either writes the keyword index while the encoder works: ``embed_new_paragraphs``
runs on a helper thread (the encoder's C code holds no GIL).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from indexer.alignment import align_documents
from indexer.embedding_cache import EmbeddingCache, TaskMap, embed_passages
from indexer.encoders import Encoder
from indexer.extract import Document
from indexer.language import detect_language
from indexer.records import embedded_text
from indexer.sentences import SentenceIndex, sentence_spans, sentences_to_embed

# A translation pair a document's layout states (a bilingual table's row) is certain, not a guess of the aligner.
LAYOUT_SCORE = 1.0


@dataclass
class NewParagraphs:
    vectors: np.ndarray  # row i = the i-th new record
    sentences: SentenceIndex  # rows numbered from 0, as the new records
    pairs: list[dict]  # Kazakh–Russian pairs within the new documents
    embedded: int  # texts the encoder had to embed; the rest came from the cache


def paragraph_records(document: Document) -> list[dict]:
    """The records stored and indexed for a document's paragraphs (the fields of ``--dump paragraphs``).

    Every record has every field: ``page`` (null where the source has no pages), ``kind`` (null for running text;
    "note", "table-row", "list-item", "signature", "furniture") and ``ocr``. The language is the layout's where
    it gives one (a bilingual table's column), else the text's.
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


def embed_new_paragraphs(
    encoder: Encoder,
    documents: list[Document],
    records: list[dict],
    cache_dir: Path | None,
    progress: bool,
    tasks: TaskMap = map,
) -> NewParagraphs:
    """Vectors of the ``records`` of ``documents`` and of their sentences (from the cache in ``cache_dir``
    where it has them, else embedded through ``tasks``), and their translation pairs."""
    texts = [record["text"] for record in records]
    spans = sentence_spans(tqdm(texts, desc="sentences", unit="¶", disable=not progress))
    cache = EmbeddingCache(cache_dir) if cache_dir else None  # SQLite: opened in the thread that uses it
    try:
        passages = [embedded_text(r["text"], r["section"], r["kind"]) for r in records]
        every, embedded = embed_passages(encoder, passages + sentences_to_embed(texts, spans), cache, progress, tasks)
    finally:
        if cache:
            cache.close()
    vectors = every[: len(texts)]
    # A document whose layout pairs its translations (a bilingual table) keeps those and is not aligned again.
    paired = {d.doc_id for d in documents if d.pairs}
    pairs = layout_pairs(documents) + align_documents(records, vectors, progress, paired)
    return NewParagraphs(vectors, SentenceIndex.assemble(spans, vectors, every[len(texts) :]), pairs, embedded)
