"""Sentences of every paragraph and their vectors: where a query's nearest sentence is looked up.

    sentences.npy        float16 [m, dim], L2-normalised, one row per sentence
    sentence_spans.npy   int32 [m, 3]: paragraph row, start and end of the sentence in its text; rows ascending

Only paragraphs of two sentences or more have their sentences embedded; a one-sentence paragraph's sentence
takes the paragraph's own vector. Half precision: the vectors only pick the nearest sentence among a few
dozen, where float16's three decimals are plenty, and they take half the memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from razdel import sentenize

from indexer.kept_rows import save_kept_rows
from indexer.ranking import top_rows
from indexer.row_reader import RowReader

SENTENCES = "sentences.npy"
SENTENCE_SPANS = "sentence_spans.npy"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph.

    razdel knows Russian abbreviations and numbering ("ст. 128", "тыс. тенге", "им. Ш. Кабылбаева", "206. …"),
    which a split at every full stop before a capital cut into fragments: 537 of the corpus's 1,945 pieces
    were shorter than 25 characters, against 5 of razdel's 1,124 sentences.
    """
    return [(s.start, s.stop) for s in sentenize(text) if s.stop > s.start]


def sentence_spans(texts: Iterable[str]) -> np.ndarray:
    """The sentences of every text as rows of (text's index, start, end); ``texts`` is read once."""
    spans = [(row, start, end) for row, text in enumerate(texts) for start, end in split_sentences(text)]
    return np.array(spans, dtype=np.int32).reshape(-1, 3)


def sentences_to_embed(texts: list[str], spans: np.ndarray) -> list[str]:
    """The sentences that need a vector of their own: those of texts with two sentences or more."""
    return [texts[row][start:end] for row, start, end in spans[_in_longer_texts(spans)]]


def _in_longer_texts(spans: np.ndarray) -> np.ndarray:
    counts = np.bincount(spans[:, 0]) if len(spans) else np.zeros(0, dtype=np.int64)
    return counts[spans[:, 0]] > 1


class SentenceIndex:
    def __init__(self, vectors: np.ndarray, spans: np.ndarray) -> None:
        self.vectors = vectors
        self.spans = spans
        # A generation's vectors are mapped: the few a search needs are read from the file (``RowReader``).
        self._reader = RowReader(vectors) if isinstance(vectors, np.memmap) and vectors.filename else None
        # sentences of paragraph row r: self.spans[self._first[r] : self._first[r + 1]]
        rows = int(spans[-1, 0]) + 1 if len(spans) else 0
        self._first = np.searchsorted(spans[:, 0], np.arange(rows + 1))

    @classmethod
    def assemble(cls, spans: np.ndarray, paragraph_vectors: np.ndarray, embedded: np.ndarray) -> SentenceIndex:
        """The index of ``spans``, from the vectors of ``sentences_to_embed`` (in its order) and the paragraphs'."""
        vectors = np.asarray(paragraph_vectors, dtype=np.float16)[spans[:, 0]]
        vectors[_in_longer_texts(spans)] = embedded
        return cls(vectors, spans)

    @staticmethod
    def save_kept(previous_path: Path, generation_path: Path, new_row: np.ndarray, added: SentenceIndex) -> None:
        """Write the sentences of the paragraphs kept of the index in ``previous_path``, renumbered by ``new_row``
        (old row -> new row, -1: removed), then those of ``added`` paragraphs, which follow the kept ones: an
        update's. The kept vectors are copied file to file."""
        previous, path = Path(previous_path), Path(generation_path)
        old_spans = np.load(previous / SENTENCE_SPANS)
        moved = new_row[old_spans[:, 0]]
        keep = moved >= 0
        kept = int(keep.sum())
        spans = np.concatenate([old_spans[keep], added.spans]).astype(np.int32)
        spans[:kept, 0] = moved[keep]
        spans[kept:, 0] += int((new_row >= 0).sum())
        save_kept_rows(previous / SENTENCES, path / SENTENCES, keep, added.vectors)
        np.save(path / SENTENCE_SPANS, spans)

    @classmethod
    def load(cls, generation_path: Path) -> SentenceIndex:
        path = Path(generation_path)
        return cls(np.load(path / SENTENCES, mmap_mode="r"), np.load(path / SENTENCE_SPANS))

    def save(self, generation_path: Path) -> None:
        path = Path(generation_path)
        np.save(path / SENTENCES, np.ascontiguousarray(self.vectors, dtype=np.float16))
        np.save(path / SENTENCE_SPANS, np.ascontiguousarray(self.spans, dtype=np.int32))

    def vector_chunks(self, size: int) -> Iterator[np.ndarray]:
        """The sentence vectors ``size`` rows at a time. Mapped vectors are read from their file, not through the
        map: the pages a pass reads through a map stay in the process (2.2 GB at a million paragraphs) long after
        the one pass at start-up that needs them all."""
        for start in range(0, len(self.vectors), size):
            rows = np.arange(start, min(start + size, len(self.vectors)))
            yield self.vectors[start : start + size] if self._reader is None else self._reader.rows(rows)

    def of_rows(self, rows: list[int]) -> np.ndarray:
        """Indices of the sentences of paragraphs ``rows``, in that order."""
        ranges = [np.arange(self._first[row], self._first[row + 1]) for row in rows if row + 1 < len(self._first)]
        return np.concatenate(ranges) if ranges else np.zeros(0, dtype=np.int64)

    def nearest(self, query: np.ndarray, rows: list[int], k: int) -> list[tuple[int, int, int]]:
        """The ``k`` sentences of paragraphs ``rows`` nearest to ``query``, best first, as (row, start, end)."""
        found = self.of_rows(rows)
        if not len(found):
            return []
        similarities = self._vectors_of(found) @ query.astype(np.float32, copy=False)
        return [(int(row), int(start), int(end)) for row, start, end in self.spans[found[top_rows(similarities, k)]]]

    def _vectors_of(self, found: np.ndarray) -> np.ndarray:
        """The vectors of sentences ``found``, as float32."""
        if self._reader is None:
            return np.asarray(self.vectors[found], dtype=np.float32)
        distinct, back = np.unique(found, return_inverse=True)
        return np.asarray(self._reader.rows(distinct)[back], dtype=np.float32)

    def close(self) -> None:
        """Close the vectors' file, if they were loaded from one."""
        if self._reader is not None:
            self._reader.close()
