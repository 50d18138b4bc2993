"""Synthetic archives of any size, recombined from the corpus's own sentences.

Each synthetic paragraph is built from random sentences of one language, to a length drawn from that
language's real paragraph lengths; each synthetic document holds ``DOC_PARAGRAPHS`` paragraphs of one language,
in the corpus's proportion of Kazakh and Russian. Embedding 100k paragraphs would take hours on two cores, so a
synthetic paragraph's vector is the normalised sum of the real vectors of the paragraphs its sentences came
from: a plausible point near its sources, and search cost does not depend on what vectors mean. Those vectors
are put into the embedding cache under the paragraphs' text hashes, so the real indexer builds the archive
without embedding anything; so are the vectors of their sentences (the source sentence's own, or the
paragraph's where a sentence boundary falls differently in the new text).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

import numpy as np

from indexer.embedding_cache import EmbeddingCache, text_hash
from indexer.records import ParagraphRecord
from indexer.sentences import SentenceIndex, split_sentences

DOC_PARAGRAPHS = 500


def write_archive(
    records: list[ParagraphRecord],
    vectors: np.ndarray,
    sentences: SentenceIndex,
    size: int,
    folder: Path,
    cache: EmbeddingCache,
    model_id: str,
) -> list[Path]:
    """Write ``size`` synthetic paragraphs as BEIR .jsonl documents into ``folder``, their vectors (and their
    sentences' vectors) into ``cache``."""
    rng = random.Random(size)
    pool: dict[str, list[tuple[str, int]]] = defaultdict(list)
    sentence_vectors: dict[str, np.ndarray] = {}
    lengths: dict[str, list[int]] = defaultdict(list)
    sections = [r.section for r in records if r.section]
    for (row, start, end), vector in zip(sentences.spans, sentences.vectors, strict=True):
        record = records[row]
        if record.lang in ("ru", "kk"):
            pool[record.lang].append((record.text[start:end], row))
            sentence_vectors[record.text[start:end]] = vector
    for record in records:
        if record.lang in ("ru", "kk"):
            lengths[record.lang].append(len(record.text))
    langs = sorted(pool)
    weights = [len(lengths[lang]) for lang in langs]
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for number, start in enumerate(range(0, size, DOC_PARAGRAPHS)):
        lang = rng.choices(langs, weights)[0]
        path = folder / f"synthetic-{number:04d}-{lang}.jsonl"
        items = []
        with open(path, "w", encoding="utf-8") as out:
            for i in range(start, min(size, start + DOC_PARAGRAPHS)):
                text, sources = _paragraph(rng, pool[lang], lengths[lang])
                vector = vectors[sources].sum(axis=0)
                vector /= np.linalg.norm(vector)
                items.append((text_hash(text), vector))
                pieces = [text[a:b] for a, b in split_sentences(text)]
                if len(pieces) > 1:
                    items += [(text_hash(p), sentence_vectors.get(p, vector)) for p in pieces]
                record = {"_id": str(i), "title": rng.choice(sections), "text": text}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        cache.put(model_id, items)
        files.append(path)
    return files


def write_new_report(records: list[ParagraphRecord], paragraphs: int, path: Path, seed: int) -> Path:
    """A Russian report of ``paragraphs`` new paragraphs, as BEIR .jsonl, whose vectors no cache holds: adding
    it to an archive embeds it for real, as a user's new report would be."""
    rng = random.Random(seed)
    pool = [(sentence, row) for row, r in enumerate(records) if r.lang == "ru" for sentence in _sentences(r.text)]
    lengths = [len(r.text) for r in records if r.lang == "ru"]
    with open(path, "w", encoding="utf-8") as out:
        for i in range(paragraphs):
            text, _ = _paragraph(rng, pool, lengths)
            out.write(json.dumps({"_id": str(i), "title": "", "text": text}, ensure_ascii=False) + "\n")
    return path


def _sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def _paragraph(rng: random.Random, pool: list[tuple[str, int]], lengths: list[int]) -> tuple[str, list[int]]:
    """Random sentences of ``pool`` up to a length drawn from ``lengths``, and the rows they came from."""
    target = rng.choice(lengths)
    parts: list[str] = []
    sources: list[int] = []
    while sum(map(len, parts)) < target:
        text, row = rng.choice(pool)
        parts.append(text)
        sources.append(row)
    return " ".join(parts), sources
