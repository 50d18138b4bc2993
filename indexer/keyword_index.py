"""The keyword index: BM25F over analysed paragraph text, kept behind one class so whoosh can be replaced.

Three text fields per paragraph, each fed by :mod:`indexer.analysis`:

- ``exact``: normalised word forms, with positions: exact wording, and a Kazakh query's phrases in Russian text;
- ``ru``: every pymorphy3 normal form of each word of a non-Kazakh paragraph (homonyms share a position);
- ``kk``: every Apertium lemma of each word of a Kazakh paragraph, else its stem (pymorphy3 turns Kazakh into
  Russian junk).

Every word of a paragraph has the same position in exact and in its ru or kk field: a phrase held word for word
is also held in first forms, which is how ``search/query.py`` finds a non-Kazakh query's phrases without the
exact field. Like every lemma match, that holds while the analysers (pymorphy3's dictionaries, the Apertium
analyser) are those the index was built with.

The analysers are classes of this module because whoosh pickles the schema, analysers included, into the
index: they must be importable by whoever opens it.
"""

from __future__ import annotations

import os
import queue
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import numpy as np
from tqdm import tqdm
from whoosh import index, scoring
from whoosh.analysis import Composable, Token
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.matching import IntersectionMatcher, Matcher
from whoosh.query import And, Query
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from indexer.analysis import analyse_word, tokenize
from indexer.records import indexed_text
from indexer.term_matrix import Alternative, TermMatrix, WordMatches

# BM25F parameters, chosen on the dev queries (search/evaluate.py); paragraphs vary from one line to a page.
BM25_K1 = 0.9
BM25_B = 0.35

ROWS = "rows.npy"  # int32 per whoosh document number: the paragraph's row, -1 for a deleted document
MAX_SEGMENTS = 16  # an update past this many whoosh segments merges the small ones


class WordAnalyzer(Composable):
    """Index forms of each word: its normalised form, Russian lemmas or Kazakh stems (``forms``)."""

    def __init__(self, forms: str = "exact") -> None:
        self.forms = forms

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordAnalyzer) and other.forms == self.forms

    def word_forms(self, word: str) -> tuple[str, ...]:
        return (word,) if self.forms == "exact" else analyse_word(word, self.forms)

    def terms(self, text: str) -> Iterator[str]:
        """The field's terms of a text, in order (what the term matrix counts)."""
        return (form for word in tokenize(text) for form in self.word_forms(word.text))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, word in enumerate(tokenize(value)):
            for form in self.word_forms(word.text):
                token.text = form
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = value[word.start : word.end]
                if positions:
                    token.pos = start_pos + pos
                if chars:
                    token.startchar = start_char + word.start
                    token.endchar = start_char + word.end
                yield token


def _field_applies(field: str, record: dict) -> bool:
    """Kazakh paragraphs fill the kk field, others the ru field; every paragraph fills exact."""
    return field == "exact" or (field == "kk") == (record["lang"] == "kk")


def _field_terms(analyzer: WordAnalyzer, field: str, records: list[dict]) -> Iterator[Iterator[str]]:
    for record in records:
        text = indexed_text(record["text"], record["section"])
        yield analyzer.terms(text) if _field_applies(field, record) else iter(())


def _fields(schema: Schema, records: list[dict]) -> dict[str, Iterator[Iterator[str]]]:
    """Each text field's term stream per record, for the term matrix."""
    return {name: _field_terms(schema[name].analyzer, name, records) for name in ("exact", "ru", "kk")}


def _add_documents(writer: IndexWriter, records: Iterable[dict]) -> None:
    for record in records:
        text = indexed_text(record["text"], record["section"])  # a heading's words find the paragraphs under it
        writer.add_document(
            id=record["id"],
            doc_id=record["doc_id"],
            lang=record["lang"],
            exact=text,
            ru=text if _field_applies("ru", record) else "",
            kk=text if _field_applies("kk", record) else "",
        )


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        doc_id=ID,
        lang=ID,
        exact=TEXT(analyzer=WordAnalyzer("exact"), phrase=True),
        ru=TEXT(analyzer=WordAnalyzer("ru"), phrase=True),
        kk=TEXT(analyzer=WordAnalyzer("kk"), phrase=True),
    )


class KeywordHit(NamedTuple):
    row: int
    score: float
    matched: int  # how many of the query's words the paragraph matches


class KeywordIndex:
    """A whoosh index of paragraph records in one folder; records are found again by their row number.

    A whoosh searcher is not thread-safe (its readers share file positions: concurrent queries on one
    searcher failed with zlib and unpickling errors), so each search borrows one from a pool of ``searchers``
    and has it alone until it is done; when all are out, the next search waits for one. They are opened with
    the index, so a server keeps answering from the files it opened even if the generation's folder is removed
    under it. Each costs file handles and whoosh's caches, and only phrases and identifiers need whoosh at
    all, in a few milliseconds: a server needs one or two, not one per thread.
    """

    def __init__(self, path: Path, searchers: int = 1, k1: float = BM25_K1, b: float = BM25_B) -> None:
        """The index in ``path``, scored with the BM25F parameters it was built with (the manifest has them)."""
        self.path = Path(path)
        self._weighting = scoring.BM25F(B=b, K1=k1)
        # Read through file handles, not whoosh's memory maps: whoosh wraps each mapped part of a segment in a
        # BytesIO, which copies it, so every searcher held the whole segment in RAM besides the map (320 MB at
        # 100k paragraphs, 3 GB at a million). Phrases pay for the reads: 8-20 % slower at 100k.
        self._index = FileStorage(str(self.path), supports_mmap=False, readonly=True).open_index()
        self._open: list[Searcher] = []
        self._idle: queue.LifoQueue[Searcher] = queue.LifoQueue()
        try:  # each searcher holds a file handle a segment: none is left open if the index cannot be used
            for _ in range(max(1, searchers)):
                self._open.append(self._index.searcher(weighting=self._weighting))
                self._idle.put(self._open[-1])
            self.terms = TermMatrix.load(self.path)
            self._row_of = np.load(self.path / ROWS)
            with self.searcher() as searcher:
                if searcher.doc_count_all() != len(self._row_of):
                    raise ValueError(f"{self.path}: {ROWS} does not match the index; rebuild the index")
        except BaseException:
            self.close()
            raise

    @staticmethod
    def build(path: Path, records: list[dict], memory_mb: int = 256, progress: bool = False) -> None:
        """Write a new index of ``records`` (dicts with id, doc_id, lang, text) into the empty folder path."""
        os.makedirs(path, exist_ok=True)
        ix = index.create_in(str(path), make_schema())
        writer = ix.writer(limitmb=memory_mb)
        _add_documents(writer, tqdm(records, desc="indexing", unit="para", disable=not progress))
        writer.commit()
        np.save(Path(path) / ROWS, np.arange(len(records), dtype=np.int32))  # one writer: document numbers are rows
        TermMatrix.build(_fields(ix.schema, records), len(records), BM25_K1, BM25_B).save(path)

    @staticmethod
    def update(
        previous: Path,
        path: Path,
        new_row: np.ndarray,
        added: list[dict],
        ids: Callable[[], list[str]],
    ) -> None:
        """Write into ``path`` the index in ``previous`` without the rows that ``new_row`` removes and with the
        ``added`` records; ``new_row`` maps each previous row to its row now (-1: removed); the kept
        paragraphs come first, in their order, then the added ones. ``ids()`` gives every paragraph's id in
        row order; it is called only if whoosh merges segments.

        Segment files never change once written, so the copy links them; whoosh marks the removed documents
        deleted and writes the new ones as one more segment, and only those are analysed. Up to
        ``MAX_SEGMENTS`` segments are left as they are, so that document numbers stay predictable (the new
        segment's follow the others'); past that, whoosh merges the small ones, and each document's row is
        found again by its stored id (a few seconds at 100k paragraphs). ``python -m indexer --force``
        compacts the index.
        """
        kept = int((new_row >= 0).sum())
        os.makedirs(path, exist_ok=True)
        for name in os.listdir(previous):
            if name.endswith((".seg", ".toc")):
                os.link(Path(previous) / name, Path(path) / name)
        ix = index.open_dir(str(path))
        merge = len(ix._segments()) >= MAX_SEGMENTS  # whoosh has no public count of segments
        writer = ix.writer()
        # Each document number's row now (-1: removed, or deleted before), from rows.npy: the removed ones are
        # deleted by number, where deleting by term would open a reader on every segment, which reads their term
        # dictionaries (1 s at 100k paragraphs).
        old_rows = np.load(Path(previous) / ROWS)
        moved = np.where(old_rows >= 0, new_row[np.maximum(old_rows, 0)], -1)
        for docnum in np.flatnonzero((old_rows >= 0) & (moved < 0)).tolist():
            writer.delete_document(docnum)
        _add_documents(writer, added)
        writer.commit(merge=merge)
        if merge:
            row_of_id = {paragraph_id: row for row, paragraph_id in enumerate(ids())}
            with ix.reader() as reader:
                rows = np.full(reader.doc_count_all(), -1, dtype=np.int32)
                for docnum, stored in reader.iter_docs():
                    rows[docnum] = row_of_id[stored["id"]]
        else:
            rows = np.concatenate([moved, np.arange(kept, kept + len(added))]).astype(np.int32)
        np.save(Path(path) / ROWS, rows)
        terms = TermMatrix.load(Path(previous), with_counts=True).update(
            new_row, _fields(ix.schema, added), len(added), BM25_K1, BM25_B
        )
        terms.save(path)

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A searcher for this thread alone until the block ends."""
        searcher = self._idle.get()
        try:
            yield searcher
        finally:
            self._idle.put(searcher)

    def search(
        self, query: Query, limit: int, filter: Query | None = None, words: Sequence[list[Alternative]] = ()
    ) -> tuple[list[KeywordHit], int]:
        """The best ``limit`` hits for a whoosh query, and how many paragraphs match in all; ``words`` (the
        query's words) are counted in each hit. The reference that ``search_words`` reproduces (tests check it)."""
        with self.searcher() as searcher:
            results = searcher.search(query, limit=limit, filter=filter, terms=True)
            hits = []
            for hit in results:
                matched = {(field, term.decode("utf-8")) for field, term in hit.matched_terms()}
                count = sum(any((f, t) in matched for f, ts, _ in word for t in ts) for word in words)
                hits.append(KeywordHit(int(self._row_of[hit.docnum]), hit.score, count))
            return hits, len(results)

    def score_words(self, words: list[list[Alternative]], allowed: np.ndarray | None = None) -> WordMatches:
        """Every row's BM25 for an OR of plain words (0 outside ``allowed``), how many of the words it matches
        and its share of their idf: ``search``'s scores, on the term matrix, in a fraction of the time."""
        return self.terms.score(words, allowed)

    def rows(self, query: Query, seconds: float | None = None) -> tuple[set[int], bool]:
        """The rows that match ``query``, unscored, and whether the search stopped after ``seconds`` (then the
        rows are those found by then). No stored field is read: ``rows.npy`` maps document numbers to rows."""
        deadline = None if seconds is None else time.monotonic() + seconds
        found: set[int] = set()
        with self.searcher() as searcher:
            for segment, offset in searcher.subsearchers or [(searcher, 0)]:
                matcher, stopped = _required_matcher(query, segment, deadline)
                if stopped:
                    return found, True
                while matcher is not None and matcher.is_active():
                    found.add(int(self._row_of[offset + matcher.id()]))
                    if deadline is not None and time.monotonic() > deadline:
                        return found, True
                    matcher.next()
        return found, False

    def close(self) -> None:
        for searcher in self._open:
            searcher.close()
        self._open.clear()


def _required_matcher(query: Query, segment: Searcher, deadline: float | None) -> tuple[Matcher | None, bool]:
    """``query``'s matcher on one segment, an ``And``'s parts built one at a time, rarest first (None: no row
    matches), and whether the deadline passed first.

    Building a phrase's matcher already looks for its first holder: for two frequent words that no paragraph
    holds side by side, that reads every paragraph holding both. whoosh builds every part of an ``And`` before
    the first row is found, and so before any deadline is checked (sixteen such phrases took 0.9 s at a million
    paragraphs, whatever the budget); here the first part without a holder, or after which no row holds every
    part so far, ends the search, and the deadline is checked between parts."""
    parts = list(query.subqueries) if isinstance(query, And) else [query]
    if len(parts) > 1:
        reader = segment.reader()
        parts.sort(key=lambda part: part.estimate_size(reader))
    matcher = None
    for part in parts:
        if deadline is not None and time.monotonic() > deadline:
            return None, True
        found = part.matcher(segment)
        matcher = found if matcher is None else IntersectionMatcher(matcher, found)
        if not matcher.is_active():  # no holder of this part (or of every part so far)
            return None, False
    return matcher, False
