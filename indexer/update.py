"""Update a generation: the next one keeps the previous one's documents that did not change and adds the new.

Only the new documents are read, analysed and embedded (``indexer/build.py`` decides which). What is kept is
carried over without analysing or even parsing it: its paragraph lines as they were written (a generation's
rows follow its manifest's documents, each a run of its ``paragraphs``), its vectors and sentence vectors, its
translation pairs and its whoosh segments (linked, not copied); the term matrix renumbers the kept postings
and weighs everything afresh; the vocabulary's counts lose the removed paragraphs' and gain the new ones'. Rows
stay dense — the kept paragraphs first, in their order, then the new ones — so search sees an update exactly
as a build of the same paragraphs in that order, but for whoosh's document numbers, which ``rows.npy`` maps.
"""

from __future__ import annotations

import json
from concurrent.futures import Future
from pathlib import Path

import numpy as np

from indexer.generation import ALIGNMENT, KEYWORD_DIR, PARAGRAPHS, Generation, read_jsonl, write_jsonl
from indexer.keyword_index import KeywordIndex
from indexer.new_paragraphs import NewParagraphs
from indexer.sentences import SentenceIndex
from indexer.vector_index import VectorIndex
from indexer.vocabulary import VOCABULARY, read_vocabulary, update_vocabulary, write_vocabulary

_LANG_KEY = b'"lang": "'


def update_generation(
    previous: Generation, building: Path, kept_docs: set[str], added: list[dict], new: Future[NewParagraphs]
) -> list[str]:
    """Write into ``building`` the paragraphs of the ``previous`` generation whose document is in ``kept_docs``,
    then the ``added`` records, whose vectors ``new`` brings once the encoder is done; return the language of
    each paragraph of the new generation, in row order."""
    with open(previous.path / PARAGRAPHS, "rb") as paragraphs:  # bytes: the kept lines are written as they are
        lines = paragraphs.readlines()
    documents = previous.manifest["documents"]
    if len(lines) != sum(d["paragraphs"] for d in documents):
        raise ValueError(f"{previous.path}: the paragraphs do not match the manifest; rebuild with --force")
    new_row = np.full(len(lines), -1, dtype=np.int64)
    kept_lines: list[bytes] = []
    removed: list[dict] = []
    start = 0
    for document in documents:
        end = start + document["paragraphs"]
        if document["doc_id"] in kept_docs:
            new_row[start:end] = np.arange(len(kept_lines), len(kept_lines) + end - start)
            kept_lines += lines[start:end]
        else:
            removed += map(json.loads, lines[start:end])
        start = end
    with open(building / PARAGRAPHS, "wb") as out:
        out.writelines(kept_lines)
        out.writelines((json.dumps(record, ensure_ascii=False) + "\n").encode() for record in added)

    def ids() -> list[str]:
        return [json.loads(line)["id"] for line in kept_lines] + [record["id"] for record in added]

    KeywordIndex.update(previous.path / KEYWORD_DIR, building / KEYWORD_DIR, new_row, added, ids)
    vocabulary = update_vocabulary(
        read_vocabulary(previous.path / VOCABULARY), [r["text"] for r in removed], [r["text"] for r in added]
    )
    write_vocabulary(building / VOCABULARY, vocabulary)
    vectors = new.result()
    VectorIndex.save_kept(previous.path, building, new_row >= 0, vectors.vectors)
    SentenceIndex.save_kept(previous.path, building, new_row, vectors.sentences)
    # A changed document's new paragraphs may reuse its old ids: its old pairs go with its old paragraphs.
    gone = {record["id"] for record in removed}
    pairs = [p for p in read_jsonl(previous.path / ALIGNMENT) if p["kk_id"] not in gone and p["ru_id"] not in gone]
    write_jsonl(building / ALIGNMENT, pairs + vectors.pairs)
    return [_language(line) for line in kept_lines] + [record["lang"] for record in added]


def _language(line: bytes) -> str:
    """A paragraph line's language, without parsing the whole line: the writer puts ``"lang": "xx"`` before
    the text (``indexer/new_paragraphs.py``), so the first such key is the record's own."""
    start = line.find(_LANG_KEY)
    if start < 0:
        return json.loads(line)["lang"]
    start += len(_LANG_KEY)
    return line[start : line.index(b'"', start)].decode()
