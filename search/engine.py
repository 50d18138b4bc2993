"""Answer a query from a published index generation: the one call behind the CLI, the web and the benchmarks.

    engine = SearchEngine("var/index")
    response = engine.search("отмена смертной казни", k=10)

``search`` returns the JSON API's response object (see DESIGN.md, "The JSON API is the contract").
"""

from __future__ import annotations

import time
from pathlib import Path

from whoosh import query as q

from indexer.analysis import ANALYSIS_VERSION
from indexer.generation import KEYWORD_DIR, published_generation
from indexer.keyword_index import KeywordIndex
from search.query import ParsedQuery, keyword_query, parse_query
from search.snippets import QueryForms, highlight

MODES = ("keyword",)
MAX_K = 100


class SearchError(ValueError):
    """A request that cannot be answered as asked (unknown mode, bad k, index analysed differently …)."""


class SearchEngine:
    """Search over one published generation, loaded once; ``reload`` switches to a newer one."""

    def __init__(self, index_dir: Path | str) -> None:
        self.index_dir = Path(index_dir)
        self.generation = published_generation(self.index_dir)
        version = self.generation.manifest.get("analysis_version")
        if version != ANALYSIS_VERSION:
            raise SearchError(
                f"{self.generation.path}: analysed with version {version}, this kazsearch uses "
                f"{ANALYSIS_VERSION}: rebuild with `python -m indexer --force`"
            )
        self.paragraphs = self.generation.read_paragraphs()
        self.keyword_index = KeywordIndex(self.generation.path / KEYWORD_DIR)

    def search(
        self,
        query: str,
        k: int = 10,
        offset: int = 0,
        mode: str = "keyword",
        lang: str | None = None,
        doc: str | None = None,
    ) -> dict:
        """The API response for ``query``: results ``offset`` … ``offset + k`` and the total that match."""
        started = time.perf_counter()
        if mode not in MODES:
            raise SearchError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
        if not 1 <= k <= MAX_K:
            raise SearchError(f"k must be between 1 and {MAX_K}")
        if offset < 0:
            raise SearchError("offset must not be negative")
        parsed = parse_query(query)
        hits, total = self._keyword_hits(parsed, offset + k, _filter(lang, doc))
        forms = QueryForms.of(parsed)
        results = [
            self._result(row, score, rank, forms) for rank, (row, score) in enumerate(hits, start=1) if rank > offset
        ]
        return {
            "query": query,
            "mode": mode,
            "alpha": 0.0,
            "total": total,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
            "results": results,
        }

    def _keyword_hits(self, parsed: ParsedQuery, limit: int, filter: q.Query | None) -> tuple[list, int]:
        if parsed.empty:
            return [], 0
        hits, total = self.keyword_index.search(keyword_query(parsed), limit, filter)
        if not total and parsed.phrases:
            # A remembered phrase that is not in the text word for word: search its words instead.
            hits, total = self.keyword_index.search(keyword_query(parsed, strict_phrases=False), limit, filter)
        return hits, total

    def _result(self, row: int, score: float, rank: int, forms: QueryForms) -> dict:
        record = self.paragraphs[row]
        return {
            "id": record["id"],
            "doc_id": record["doc_id"],
            "doc_title": record["doc_title"],
            "label": record["label"],
            "ordinal": record["ordinal"],
            "lang": record["lang"],
            "section": record["section"],
            "text": record["text"],
            "snippet_html": highlight(record["text"], forms, record["lang"]),
            "score": round(score, 6),
            "keyword": {"score": round(score, 6), "rank": rank},
            "semantic": None,
            "url": f"/doc/{record['doc_id']}#p{record['ordinal']}",
            "translation": None,
        }

    def close(self) -> None:
        self.keyword_index.close()


def _filter(lang: str | None, doc: str | None) -> q.Query | None:
    terms = [q.Term("lang", lang)] if lang else []
    terms += [q.Term("doc_id", doc)] if doc else []
    return q.And(terms) if terms else None
