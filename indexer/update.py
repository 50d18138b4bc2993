"""Update a generation: the next one keeps the previous one's documents that did not change and adds the new.

Only the new documents are read, analysed and embedded (``indexer/build.py`` decides which). What is kept is
carried over without analysing or even parsing it: its paragraph lines as they were written, copied file to file (a
generation's rows follow its manifest's documents, each a run of its ``paragraphs``), its vectors and sentence
vectors, its translation pairs and its whoosh segments (linked, not copied); the term matrix renumbers the kept
postings and weighs everything afresh; the vocabulary's counts lose the removed paragraphs' and gain the new ones'.
Rows stay dense — the kept paragraphs first, in their order, then the new ones — so search sees an update exactly
as a build of the same paragraphs in that order, but for whoosh's document numbers, which ``rows.npy`` maps.
"""

from __future__ import annotations

import json
import mmap
import os
import re
from concurrent.futures import Future
from contextlib import nullcontext
from pathlib import Path
from typing import BinaryIO

import numpy as np

from indexer.generation import ALIGNMENT, KEYWORD_DIR, PARAGRAPHS, Generation, read_jsonl, write_jsonl
from indexer.kept_rows import save_kept_lines
from indexer.keyword_index import KeywordIndex
from indexer.new_paragraphs import NewParagraphs
from indexer.paragraph_file import line_starts
from indexer.sentences import SentenceIndex
from indexer.vector_index import VectorIndex
from indexer.vocabulary import VOCABULARY, read_vocabulary, update_vocabulary, write_vocabulary

_LANG = re.compile(rb'"lang": "([^"\\]*)"')


def update_generation(
    previous: Generation, building: Path, kept_docs: set[str], added: list[dict], new: Future[NewParagraphs]
) -> list[str]:
    """Write into ``building`` the paragraphs of the ``previous`` generation whose document is in ``kept_docs``,
    then the ``added`` records, whose vectors ``new`` brings once the encoder is done; return the language of
    each paragraph of the new generation, in row order."""
    source = previous.path / PARAGRAPHS
    documents = previous.manifest["documents"]
    with open(source, "rb") as paragraphs, _mapped(paragraphs) as text:
        starts = line_starts(paragraphs.fileno())
        if len(starts) - 1 != sum(d["paragraphs"] for d in documents):
            raise ValueError(f"{previous.path}: the paragraphs do not match the manifest; rebuild with --force")
        new_row = np.full(len(starts) - 1, -1, dtype=np.int64)
        removed: list[dict] = []
        row = kept_count = 0
        for document in documents:
            end = row + document["paragraphs"]
            if document["doc_id"] in kept_docs:
                new_row[row:end] = np.arange(kept_count, kept_count + end - row)
                kept_count += end - row
            else:
                removed += map(json.loads, text[starts[row] : starts[end]].splitlines())
            row = end
        kept = new_row >= 0
        with open(building / PARAGRAPHS, "wb") as out:
            save_kept_lines(source, out, starts, kept)
            out.writelines((json.dumps(record, ensure_ascii=False) + "\n").encode() for record in added)
        languages = [lang for lang, keep in zip(_languages(text, starts), kept.tolist(), strict=True) if keep]

    def ids() -> list[str]:  # only when whoosh merges segments: the new generation's lines, each parsed
        with open(building / PARAGRAPHS, "rb") as lines:
            return [json.loads(line)["id"] for line in lines]

    KeywordIndex.update(previous.path / KEYWORD_DIR, building / KEYWORD_DIR, new_row, added, ids)
    vocabulary = update_vocabulary(
        read_vocabulary(previous.path / VOCABULARY), [r["text"] for r in removed], [r["text"] for r in added]
    )
    write_vocabulary(building / VOCABULARY, vocabulary)
    vectors = new.result()
    VectorIndex.save_kept(previous.path, building, kept, vectors.vectors)
    SentenceIndex.save_kept(previous.path, building, new_row, vectors.sentences)
    # A changed document's new paragraphs may reuse its old ids: its old pairs go with its old paragraphs.
    gone = {record["id"] for record in removed}
    pairs = [p for p in read_jsonl(previous.path / ALIGNMENT) if p["kk_id"] not in gone and p["ru_id"] not in gone]
    write_jsonl(building / ALIGNMENT, pairs + vectors.pairs)
    return languages + [record["lang"] for record in added]


def _mapped(file: BinaryIO) -> mmap.mmap | nullcontext[bytes]:
    """The open file's bytes, mapped (an empty file cannot be)."""
    if os.fstat(file.fileno()).st_size == 0:
        return nullcontext(b"")
    return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)


def _languages(text: mmap.mmap | bytes, starts: np.ndarray) -> list[str]:
    """Each paragraph line's language, without parsing the lines: the writer puts ``"lang": "xx"`` before the
    text (``indexer/new_paragraphs.py``), so a line's first such key is the record's own (inside a JSON string,
    its quotes would be escaped). One search over the whole file, not a call a line: 1.6 s at a million lines,
    where reading them and looking in each took 5.8."""
    languages: list[str | None] = [None] * (len(starts) - 1)
    positions, codes = [], []
    for match in _LANG.finditer(text):
        positions.append(match.start())
        codes.append(match.group(1))
    lines = np.searchsorted(starts, positions, side="right") - 1
    for line, first in zip(*np.unique(lines, return_index=True), strict=True):
        languages[line] = codes[first].decode()
    return [  # a line written otherwise is parsed
        lang if lang is not None else json.loads(text[starts[i] : starts[i + 1]])["lang"]
        for i, lang in enumerate(languages)
    ]
