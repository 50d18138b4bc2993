"""The keyword index: BM25F over analysed paragraph text, kept behind one class so whoosh can be replaced.

Three text fields per paragraph, each fed by :mod:`indexer.analysis`:

- ``exact``: normalised word forms, with positions, for exact wording and quoted phrases;
- ``ru``: every pymorphy3 normal form of each word of a non-Kazakh paragraph (homonyms share a position);
- ``kk``: Kazakh stems of each word of a Kazakh paragraph (pymorphy3 turns Kazakh into Russian junk).

The analysers are classes of this module because whoosh pickles the schema, analysers included, into the
index: they must be importable by whoever opens it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from whoosh import index, scoring
from whoosh.analysis import Composable, Token
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.query import Query
from whoosh.searching import Searcher

from indexer.analysis import analyse_word, tokenize

# BM25F parameters, chosen on the dev queries (search/evaluate.py); paragraphs vary from one line to a page.
BM25_K1 = 0.9
BM25_B = 0.35


class WordAnalyzer(Composable):
    """Index forms of each word: its normalised form, Russian lemmas or Kazakh stems (``forms``)."""

    def __init__(self, forms: str = "exact") -> None:
        self.forms = forms

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordAnalyzer) and other.forms == self.forms

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
            forms = (word.text,) if self.forms == "exact" else analyse_word(word.text, self.forms)
            for form in forms:
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


def make_schema() -> Schema:
    return Schema(
        row=NUMERIC(stored=True, numtype=int, bits=32),
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
    terms: frozenset[tuple[str, str]]  # the (field, term) pairs of the query that this paragraph matched


class KeywordIndex:
    """A whoosh index of paragraph records in one folder; records are found again by their row number."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._index = index.open_dir(str(self.path))
        self._searcher: Searcher | None = None

    @classmethod
    def build(cls, path: Path, records: Iterable[dict], memory_mb: int = 256) -> KeywordIndex:
        """Write a new index of ``records`` (dicts with id, doc_id, lang, text) into the empty folder path."""
        os.makedirs(path, exist_ok=True)
        ix = index.create_in(str(path), make_schema())
        writer = ix.writer(limitmb=memory_mb)
        for row, record in enumerate(records):
            kazakh = record["lang"] == "kk"
            writer.add_document(
                row=row,
                id=record["id"],
                doc_id=record["doc_id"],
                lang=record["lang"],
                exact=record["text"],
                ru="" if kazakh else record["text"],
                kk=record["text"] if kazakh else "",
            )
        writer.commit()
        return cls(path)

    @property
    def searcher(self) -> Searcher:
        if self._searcher is None:
            self._searcher = self._index.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1))
        return self._searcher

    def search(self, query: Query, limit: int, filter: Query | None = None) -> tuple[list[KeywordHit], int]:
        """The best ``limit`` hits for a whoosh query, and how many paragraphs match in all."""
        results = self.searcher.search(query, limit=limit, filter=filter, terms=True)
        hits = [
            KeywordHit(hit["row"], hit.score, frozenset((f, t.decode("utf-8")) for f, t in hit.matched_terms()))
            for hit in results
        ]
        return hits, len(results)

    def rows(self, query: Query, filter: Query | None = None) -> set[int]:
        """Every row that matches ``query``, unscored."""
        return {hit["row"] for hit in self.searcher.search(query, limit=None, filter=filter, scored=False)}

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
