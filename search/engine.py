"""Answer a query from a published index generation: the one call behind the CLI, the web and the benchmarks.

    engine = SearchEngine("var/index")
    response = engine.search("отмена смертной казни", k=10)            # hybrid: keyword + meaning

``search`` returns the JSON API's response object (see DESIGN.md, "The JSON API is the contract").

Hybrid ranking, step by step:
1. keyword leg: BM25F over the analysed fields (``search/query.py``), with each hit's share of query words;
2. semantic leg: the query vector against every paragraph vector (``search/semantic.py``); a query in a
   minority language also borrows the words of its nearest sentence in the other languages
   (``search/borrowed_words.py``), whose hits join the keyword leg;
3. a paragraph and its aligned translation share their best score in each leg, so a Kazakh query that
   finds a Kazakh annex paragraph finds its Russian original too;
4. fusion over the union of both legs' top candidates (``search/fusion.py``);
5. paragraphs that contain every quoted phrase and identifier of the query (``"…"``, ``ДС-219``) stay ahead
   of semantic near-misses.
"""

from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path

import numpy as np
from whoosh import query as q

from indexer.analysis import ANALYSIS_VERSION
from indexer.encoders import EncoderError, load_encoder
from indexer.generation import KEYWORD_DIR, published_generation
from indexer.keyword_index import KeywordIndex
from indexer.ranking import top_rows
from indexer.sentences import SentenceIndex
from indexer.vector_index import VectorIndex
from indexer.vocabulary import VOCABULARY, read_vocabulary
from search.borrowed_words import borrowed_words
from search.fusion import fuse_scores, normalise_keyword, normalise_semantic, reciprocal_rank_fusion, with_borrowed
from search.keyword_leg import KEYWORD_SECONDS, KeywordScores, excluded_rows, expand_query, search_keywords
from search.notes import Note
from search.parallel import ParallelRow, parallel_rows
from search.query import MAX_QUERY_WORDS, ParsedQuery, leading_words, parse_query
from search.semantic import SemanticLeg
from search.snippets import QueryForms, highlight, highlight_sentence
from search.suggest import Suggester

MODES = ("hybrid", "keyword", "semantic")
FUSIONS = ("weighted", "rrf")
DEFAULT_MODE = "hybrid"
DEFAULT_FUSION = "weighted"
# Chosen on the dev queries (python -m search.evaluate --alpha A): see README, "Relevance".
DEFAULT_ALPHA = 0.4
MAX_K = 100
# Candidates taken from each leg. Fixed, so that every page of a query is cut from one and the same ranking
# (the semantic scale's floor is the window's last score); a page beyond it takes the next multiple.
WINDOW = 100


class SearchError(ValueError):
    """A request that cannot be answered as asked (unknown mode, bad k, index built differently …)."""


class SearchEngine:
    """Search over one published generation, loaded once; open a new engine to see a newer generation."""

    def __init__(
        self,
        index_dir: Path | str,
        model: str | None = None,
        searchers: int = 1,
        keyword_seconds: float = KEYWORD_SECONDS,
    ) -> None:
        """The published generation of ``index_dir``; ``searchers``: whoosh searchers opened at once (one per
        thread that searches at the same time); ``keyword_seconds``: the phrase search's time budget."""
        self.keyword_seconds = keyword_seconds
        self.closed = False
        self.index_dir = Path(index_dir)
        self.generation = published_generation(self.index_dir)
        self._held = self.generation.hold()  # no publisher removes the generation while this engine is open
        try:
            self._open(model, searchers)
        except BaseException:
            self._held.close()
            raise

    def _open(self, model: str | None, searchers: int) -> None:
        manifest = self.generation.manifest
        if manifest.get("analysis_version") != ANALYSIS_VERSION:
            raise SearchError(
                f"{self.generation.path}: analysed with version {manifest.get('analysis_version')}, this kazsearch "
                f"uses {ANALYSIS_VERSION}: rebuild with `python -m indexer --force`"
            )
        self.model = manifest.get("model")
        if model and model != self.model:
            raise SearchError(
                f"{self.generation.path} was embedded with {self.model!r}, not {model!r}: "
                f"rebuild with `python -m indexer --model {model} --force` or search with --model {self.model}"
            )
        self.paragraphs = self.generation.read_paragraphs()
        self.rows = {record["id"]: row for row, record in enumerate(self.paragraphs)}
        self.keyword_index = KeywordIndex(self.generation.path / KEYWORD_DIR, searchers)
        self.vectors = VectorIndex.load(self.generation.path)
        self.sentences = SentenceIndex.load(self.generation.path)
        try:
            self.encoder = load_encoder(self.model)
        except EncoderError as error:
            raise SearchError(f"{self.generation.path}: {error}") from None
        if self.encoder.dim != self.vectors.dim:
            raise SearchError(f"{self.model} gives {self.encoder.dim} dimensions, the index holds {self.vectors.dim}")
        self._langs = np.array([r["lang"] for r in self.paragraphs])
        self.semantic = SemanticLeg(self.vectors, self._langs)
        self._docs = np.array([r["doc_id"] for r in self.paragraphs])
        self.alignment = self.generation.read_alignment()
        self.translations = self._best_translations(self.alignment)
        pairs = [(row, other) for row, other in self.translations.items() if row < other]
        self._pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        self.suggester = Suggester(read_vocabulary(self.generation.path / VOCABULARY))
        # Paging and retyping repeat queries: embedding one costs more than the rest of a search.
        self.query_vector = lru_cache(maxsize=1024)(self._encode_query)

    def search(
        self,
        query: str,
        k: int = 10,
        offset: int = 0,
        mode: str = DEFAULT_MODE,
        alpha: float | None = None,
        lang: str | None = None,
        doc: str | None = None,
        fusion: str = DEFAULT_FUSION,
        snippets: bool = True,
        mark_sentences: bool = False,
    ) -> dict:
        """The API response for ``query``: results ``offset`` … ``offset + k`` and how many there are in all.

        ``snippets=False`` leaves ``snippet_html`` empty, for callers that only need ids and text (evaluation).
        ``mark_sentences`` marks, in each hit that matches none of the query's words, its sentence nearest to
        the query (pages ask for it; in the API's snippets only matched words are marked).
        """
        started = time.perf_counter()
        alpha = _check(mode, k, offset, alpha, fusion)
        alpha = {"keyword": 0.0, "semantic": 1.0}.get(mode, alpha)
        parsed = parse_query(query)
        expanded = expand_query(parsed, self.keyword_index.terms)
        window = WINDOW * -(-(offset + k) // WINDOW)
        allowed = self._allowed(lang, doc)
        if parsed.excluded:
            allowed &= ~excluded_rows(parsed, self.keyword_index.terms)
        leg = KeywordScores()
        if mode != "semantic" and not parsed.empty:
            whoosh_filter = _filter(lang, doc)
            leg = search_keywords(self.keyword_index, expanded, window, allowed, whoosh_filter, self.keyword_seconds)
            leg.total += self._share_with_translations(leg.scores, allowed, leg.coverage)
        keyword, keyword_total = leg.scores, leg.total
        semantic = np.full(len(self.paragraphs), -np.inf, dtype=np.float32)
        meaning = leading_words(query, MAX_QUERY_WORDS)  # what is embedded: a long text costs the encoder most
        if mode != "keyword" and meaning:
            semantic = self._semantic_leg(meaning, parsed.lang, allowed)
        holders = leg.holders or set()
        keyword_order = sorted(keyword, key=lambda row: (row not in holders, -keyword[row], row))
        semantic_order = top_rows(semantic, window)
        if mode == "hybrid" and fusion == "weighted" and alpha > 0 and self.semantic.is_minority(parsed.lang):
            leg.borrowed = self._borrowed_leg(meaning, parsed.lang, semantic_order, window, allowed)
        if mode == "keyword":
            ranking, scores = keyword_order, keyword
            total = keyword_total
        elif mode == "semantic":
            ranking, scores = semantic_order, {row: float(semantic[row]) for row in semantic_order}
            total = len(semantic_order)
        else:
            ranking, scores = self._fuse(leg, keyword_order, semantic, semantic_order, alpha, fusion)
            total = len(ranking) + max(0, keyword_total - len(keyword))
        forms = QueryForms.of(parsed, expanded.expansions) if snippets else None
        keyword_ranks = {row: rank for rank, row in enumerate(keyword_order, start=1)}
        page = ranking[offset : offset + k]
        results = [
            self._result(row, scores[row], keyword.get(row), keyword_ranks.get(row), semantic, forms) for row in page
        ]
        if snippets and mark_sentences and mode != "keyword" and meaning:
            self._mark_closest_sentences(meaning, [r for r in results if r["keyword"] is None])
        notes = list(expanded.notes)
        if mode != "keyword" and meaning != " ".join(query.split()):
            notes.append(Note("meaning_cut", words=MAX_QUERY_WORDS))
        if leg.partial:
            notes.append(Note("keyword_time", ms=round(self.keyword_seconds * 1000)))
        return {
            "query": query,
            "mode": mode,
            "alpha": alpha,
            "total": total,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
            "partial": leg.partial,
            "notes": notes,
            "results": results,
        }

    def similar(self, paragraph_id: str, k: int = 10) -> dict:
        """Paragraphs nearest in meaning to a paragraph (its own translation and itself left out)."""
        row = self.rows.get(paragraph_id)
        if row is None:
            raise KeyError(paragraph_id)
        scores = self.vectors.similarities(np.asarray(self.vectors.vectors[row]))
        scores[row] = -np.inf
        if row in self.translations:
            scores[self.translations[row]] = -np.inf
        forms = QueryForms.of(ParsedQuery(), {})
        ranking = top_rows(scores, k)
        return {"id": paragraph_id, "results": [self._result(r, scores[r], None, None, scores, forms) for r in ranking]}

    def paragraph(self, paragraph_id: str) -> dict | None:
        row = self.rows.get(paragraph_id)
        return None if row is None else self.paragraphs[row]

    def neighbours(self, paragraph_id: str) -> tuple[dict | None, dict | None]:
        """The paragraphs just before and after one, within its document."""
        row = self.rows[paragraph_id]
        doc_id = self.paragraphs[row]["doc_id"]
        before = self.paragraphs[row - 1] if row > 0 and self.paragraphs[row - 1]["doc_id"] == doc_id else None
        after = self.paragraphs[row + 1] if row + 1 < len(self.paragraphs) else None
        return before, after if after and after["doc_id"] == doc_id else None

    def documents(self) -> list[dict]:
        """The indexed documents as the manifest lists them (doc_id, title, author, year, languages, paragraphs)."""
        return self.generation.manifest.get("documents", [])

    def document_paragraphs(self, doc_id: str) -> list[dict]:
        return [self.paragraphs[row] for row in np.flatnonzero(self._docs == doc_id)]

    def parallel(self, doc_id: str) -> list[ParallelRow]:
        """The Kazakh and Russian paragraphs of a bilingual document, aligned row by row."""
        prefix = f"{doc_id}:"
        pairs = [pair for pair in self.alignment if pair["kk_id"].startswith(prefix)]
        return parallel_rows(self.document_paragraphs(doc_id), pairs)

    def translation(self, paragraph_id: str) -> dict | None:
        """The aligned paragraph in the other language, as the API shows it, or None."""
        row = self.rows.get(paragraph_id)
        other = self.translations.get(row) if row is not None else None
        if other is None:
            return None
        record = self.paragraphs[other]
        return {"id": record["id"], "lang": record["lang"], "text": record["text"]}

    def close(self) -> None:
        """Release the generation's files; requests still using this engine must have finished."""
        self.keyword_index.close()
        self._held.close()
        self.closed = True

    def _borrowed_leg(
        self, query: str, query_lang: str, semantic_order: list[int], window: int, allowed: np.ndarray
    ) -> dict[int, float]:
        """BM25 of the best matches for the words of the other-language sentences nearest to the query."""
        others = [row for row in semantic_order if self._langs[row] != query_lang]
        vector = self.semantic.corrected(self.query_vector(query), query_lang)
        words = borrowed_words(self.sentences, self.paragraphs, vector, others)
        if not words:
            return {}
        hits, _ = self.keyword_index.search_words(words, window, allowed)
        scores = {hit.row: hit.score for hit in hits}
        self._share_with_translations(scores, allowed)
        return scores

    def _share_with_translations(
        self, scores: dict[int, float], allowed: np.ndarray, coverage: dict[int, float] | None = None
    ) -> int:
        """Give each hit's aligned translation the hit's score (and share of query words) where that is
        better: a translation matches what its original matches. Returns how many rows this adds."""
        added = 0
        for row, score in list(scores.items()):
            other = self.translations.get(row)
            if other is not None and allowed[other] and scores.get(other, 0.0) < score:
                added += other not in scores
                scores[other] = score
                if coverage is not None:
                    coverage[other] = coverage[row]
        return added

    def _mark_closest_sentences(self, query: str, results: list[dict]) -> None:
        """A hit found by meaning alone has no word to mark: mark its sentence nearest to the query."""
        query_vector = self.query_vector(query)
        for result in results:
            nearest = self.sentences.nearest(query_vector, [self.rows[result["id"]]], 2)
            if len(nearest) > 1:  # a one-sentence paragraph is its own nearest sentence: nothing to single out
                _, start, end = nearest[0]
                result["snippet_html"] = highlight_sentence(result["text"], (start, end))

    def _encode_query(self, query: str) -> np.ndarray:
        vector = self.encoder.encode_queries([query])[0]
        vector.flags.writeable = False
        return vector

    def _semantic_leg(self, query: str, query_lang: str, allowed: np.ndarray) -> np.ndarray:
        scores = self.semantic.scores(self.query_vector(query), query_lang)
        if len(self._pairs):
            first, second = self._pairs[:, 0], self._pairs[:, 1]
            shared = np.maximum(scores[first], scores[second])
            scores[first], scores[second] = shared, shared
        scores[~allowed] = -np.inf
        return scores

    def _fuse(
        self,
        leg: KeywordScores,
        keyword_order: list[int],
        semantic: np.ndarray,
        semantic_order: list[int],
        alpha: float,
        fusion: str,
    ) -> tuple[list[int], dict[int, float]]:
        if fusion == "rrf":
            fused = reciprocal_rank_fusion(keyword_order, semantic_order, alpha)
        else:
            candidates = set(leg.scores) | set(leg.borrowed) | set(semantic_order)
            floor = float(semantic[semantic_order[-1]]) if semantic_order else None
            fused = fuse_scores(
                with_borrowed(normalise_keyword(leg.scores, leg.coverage), leg.borrowed),
                normalise_semantic({row: float(semantic[row]) for row in candidates if semantic[row] > -np.inf}, floor),
                alpha,
            )
        if leg.holders is not None:
            # Paragraphs holding the quoted phrase or identifier itself come before any near-miss.
            fused.sort(key=lambda f: f.row not in leg.holders)
        return [f.row for f in fused], {f.row: f.score for f in fused}

    def _allowed(self, lang: str | None, doc: str | None) -> np.ndarray:
        allowed = np.ones(len(self.paragraphs), dtype=bool)
        if lang:
            allowed &= self._langs == lang
        if doc:
            allowed &= self._docs == doc
        return allowed

    def _result(
        self,
        row: int,
        score: float,
        keyword_score: float | None,
        keyword_rank: int | None,
        semantic: np.ndarray,
        forms: QueryForms | None,
    ) -> dict:
        record = self.paragraphs[row]
        semantic_score = float(semantic[row])
        return {
            "id": record["id"],
            "doc_id": record["doc_id"],
            "doc_title": record["doc_title"],
            "label": record["label"],
            "ordinal": record["ordinal"],
            "lang": record["lang"],
            "section": record["section"],
            "text": record["text"],
            "snippet_html": highlight(record["text"], forms, record["lang"]) if forms else "",
            "score": round(float(score), 6),
            "keyword": None if keyword_score is None else {"score": round(keyword_score, 6), "rank": keyword_rank},
            "semantic": None
            if semantic_score == -np.inf
            else {"score": round(semantic_score, 6), "rank": int((semantic > semantic_score).sum()) + 1},
            "url": f"/doc/{record['doc_id']}#p{record['ordinal']}",
            "translation": self.translation(record["id"]),
        }

    def _best_translations(self, pairs: list[dict]) -> dict[int, int]:
        """Each aligned paragraph's best-scoring counterpart, both ways."""
        best: dict[int, tuple[float, int]] = {}
        for pair in pairs:
            kk, ru = self.rows.get(pair["kk_id"]), self.rows.get(pair["ru_id"])
            if kk is None or ru is None:
                continue
            for row, other in ((kk, ru), (ru, kk)):
                if row not in best or pair["score"] > best[row][0]:
                    best[row] = (pair["score"], other)
        return {row: other for row, (_, other) in best.items()}


def _check(mode: str, k: int, offset: int, alpha: float | None, fusion: str) -> float:
    if mode not in MODES:
        raise SearchError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    if fusion not in FUSIONS:
        raise SearchError(f"unknown fusion {fusion!r}: choose one of {', '.join(FUSIONS)}")
    if not 1 <= k <= MAX_K:
        raise SearchError(f"k must be between 1 and {MAX_K}")
    if offset < 0:
        raise SearchError("offset must not be negative")
    if alpha is None:
        return DEFAULT_ALPHA
    if not 0.0 <= alpha <= 1.0:
        raise SearchError("alpha must be between 0 (keyword only) and 1 (meaning only)")
    return float(alpha)


def _filter(lang: str | None, doc: str | None) -> q.Query | None:
    terms = [q.Term("lang", lang)] if lang else []
    terms += [q.Term("doc_id", doc)] if doc else []
    return q.And(terms) if terms else None
