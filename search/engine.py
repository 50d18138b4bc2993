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

import threading
import time
from contextlib import nullcontext
from functools import lru_cache, partial
from pathlib import Path

import numpy as np

from indexer.analysis import ANALYSIS_VERSION
from indexer.encoders import Encoder, EncoderError, load_encoder
from indexer.generation import KEYWORD_DIR, published_generation
from indexer.keyword_index import KeywordIndex
from indexer.ranking import top_rows
from indexer.records import ParagraphRecord
from indexer.sentences import SentenceIndex
from indexer.settings import DEFAULT_MODELS_DIR
from indexer.vector_index import VectorIndex
from indexer.vocabulary import VOCABULARY, read_vocabulary
from search.borrowed_words import borrowed_words
from search.contract import LegScore, ResponseJSON, ResultJSON, paragraph_json, result_json
from search.fusion import DEFAULT_ALPHA, METHODS, FusionOptions, fuse
from search.keyword_leg import KEYWORD_SECONDS, KeywordScores, excluded_rows, expand_query, search_keywords
from search.notes import Note
from search.parallel import ParallelRow
from search.query import ParsedQuery, is_costly, meaning_text, parse_query
from search.semantic import SemanticLeg
from search.snippets import QueryForms, highlight, highlight_sentence
from search.store import ParagraphStore
from search.suggest import Suggester

MODES = ("hybrid", "keyword", "semantic")
DEFAULT_MODE = "hybrid"
MAX_K = 100
# Candidates of the semantic leg and of borrowed words: a fixed number, so that every page of a query is cut
# from one ranking (the semantic scale's floor is the 100th score) and its total is the same on every page.
# The keyword leg takes the next multiple of it that covers the page.
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
        models_dir: Path = DEFAULT_MODELS_DIR,
    ) -> None:
        """The published generation of ``index_dir``; ``model``: fail unless it was embedded with this model;
        ``searchers``: whoosh searchers opened at once (one per thread that searches at the same time);
        ``keyword_seconds``: the phrase search's time budget; ``models_dir``: where ``st:`` models are."""
        self.keyword_seconds = keyword_seconds
        self.closed = False
        self._costly_lane = threading.Lock()
        self.index_dir = Path(index_dir)
        self.generation = published_generation(self.index_dir)
        self._held = self.generation.hold()  # no publisher removes the generation while this engine is open
        try:
            self._open(model, searchers, models_dir)
        except BaseException:
            self._held.close()
            raise

    def _open(self, model: str | None, searchers: int, models_dir: Path) -> None:
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
        self.store = ParagraphStore(self.generation.read_paragraphs(), self.generation.read_alignment())
        bm25 = manifest.get("bm25", {})
        self.keyword_index = KeywordIndex(self.generation.path / KEYWORD_DIR, searchers, **bm25)
        self.vectors = VectorIndex.load(self.generation.path)
        self.sentences = SentenceIndex.load(self.generation.path)
        try:
            self.encoder = load_encoder(self.model, models_dir)
        except EncoderError as error:
            raise SearchError(f"{self.generation.path}: {error}") from None
        if self.encoder.dim != self.vectors.dim:
            raise SearchError(f"{self.model} gives {self.encoder.dim} dimensions, the index holds {self.vectors.dim}")
        self.semantic = SemanticLeg(self.vectors, self.store.langs)
        self.suggester = Suggester(read_vocabulary(self.generation.path / VOCABULARY))
        # Paging and retyping repeat queries: embedding one costs more than the rest of a search. The cache holds
        # the encoder, not the engine, so that a replaced engine is freed as soon as its last request ends.
        self.query_vector = lru_cache(maxsize=1024)(partial(_encode_query, self.encoder))

    def search(
        self,
        query: str,
        k: int = 10,
        offset: int = 0,
        mode: str = DEFAULT_MODE,
        alpha: float | None = None,
        lang: str | None = None,
        doc: str | None = None,
        fusion: str = "weighted",
        snippets: bool = True,
        mark_sentences: bool = False,
    ) -> ResponseJSON:
        """The API response for ``query``: results ``offset`` … ``offset + k`` and how many there are in all.

        ``snippets=False`` leaves ``snippet_html`` empty, for callers that only need ids and text (evaluation).
        ``mark_sentences`` marks, in each hit that matches none of the query's words, its sentence nearest to
        the query (pages ask for it; in the API's snippets only matched words are marked).
        """
        started = time.perf_counter()
        weight = _check(mode, k, offset, alpha, fusion)
        options = FusionOptions(fusion, {"keyword": 0.0, "semantic": 1.0}.get(mode, weight))
        parsed = parse_query(query)
        # Queries that cost several normal ones take turns, so that their senders cannot crowd out others.
        with self._costly_lane if is_costly(parsed) else nullcontext():
            expanded = expand_query(parsed, self.keyword_index.terms)
            allowed = self.store.allowed(lang, doc)
            if parsed.excluded:
                allowed &= ~excluded_rows(parsed, self.keyword_index.terms)
            leg = KeywordScores.nothing(len(self.store))
            if mode != "semantic" and not parsed.empty:
                leg = search_keywords(self.keyword_index, expanded, allowed, self.keyword_seconds)
                self.store.share_between_translations(leg.bm25, leg.share, allowed=allowed)
            # The keyword hits a page needs: the next multiple of WINDOW that covers it.
            by_share = mode == "hybrid" and options.method == "weighted"  # what the weighted fusion ranks them by
            keyword_rows = leg.top(WINDOW * -(-(offset + k) // WINDOW), by_share)
            meaning, meaning_cut = meaning_text(query)
            semantic = np.full(len(self.store), -np.inf, dtype=np.float32)
            if mode != "keyword" and meaning:
                semantic = self._semantic_leg(meaning, parsed.lang, allowed)
            semantic_order = top_rows(semantic, WINDOW)
            borrows = mode == "hybrid" and options.method == "weighted" and options.alpha > 0
            if borrows and self.semantic.is_minority(parsed.lang):
                leg.borrowed = self._borrowed_leg(meaning, parsed.lang, semantic_order, allowed)
            ranking, scores, total = self._rank(mode, leg, keyword_rows, semantic, semantic_order, options)
            forms = QueryForms.of(parsed, expanded.expansions) if snippets else None
            results = [self._result(row, scores[row], leg, semantic, forms) for row in ranking[offset : offset + k]]
            if snippets and mark_sentences and mode != "keyword" and meaning:
                self._mark_closest_sentences(meaning, [r for r in results if r["keyword"] is None])
        notes = list(expanded.notes)
        if mode != "keyword" and meaning_cut:
            notes.append(Note("meaning_cut", chars=len(meaning)))
        if leg.partial:
            notes.append(Note("keyword_time", ms=round(self.keyword_seconds * 1000)))
        return {
            "query": query,
            "mode": mode,
            "alpha": options.alpha,
            "total": total,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
            "partial": leg.partial,
            "notes": notes,
            "results": results,
        }

    def similar(self, paragraph_id: str, k: int = 10) -> list[ResultJSON] | None:
        """Paragraphs nearest in meaning to a paragraph (its own translation and itself left out); None for an
        unknown id."""
        row = self.store.rows.get(paragraph_id)
        if row is None:
            return None
        scores = self.vectors.similarities(np.asarray(self.vectors.vectors[row]))
        scores[row] = -np.inf
        if row in self.store.translations:
            scores[self.store.translations[row]] = -np.inf
        forms = QueryForms.of(ParsedQuery(), {})
        nothing = KeywordScores.nothing(len(self.store))
        return [self._result(r, float(scores[r]), nothing, scores, forms) for r in top_rows(scores, k)]

    def paragraph(self, paragraph_id: str) -> ParagraphRecord | None:
        return self.store.get(paragraph_id)

    def paragraph_json(self, paragraph_id: str) -> dict | None:
        """A paragraph as ``/api/paragraph`` shows it, or None for an unknown id."""
        row = self.store.rows.get(paragraph_id)
        if row is None:
            return None
        before, after = self.store.neighbours(paragraph_id)
        return paragraph_json(self.store.records[row], before, after, self.store.translation(row))

    def neighbours(self, paragraph_id: str) -> tuple[ParagraphRecord | None, ParagraphRecord | None]:
        return self.store.neighbours(paragraph_id)

    def translation(self, paragraph_id: str) -> ParagraphRecord | None:
        row = self.store.rows.get(paragraph_id)
        return None if row is None else self.store.translation(row)

    def documents(self) -> list[dict]:
        """The indexed documents as the manifest lists them (doc_id, title, author, year, languages, paragraphs)."""
        return self.generation.manifest.get("documents", [])

    def document_paragraphs(self, doc_id: str) -> list[ParagraphRecord]:
        return self.store.of_document(doc_id)

    def parallel(self, doc_id: str) -> list[ParallelRow]:
        return self.store.parallel(doc_id)

    def close(self) -> None:
        """Release the generation's files; requests still using this engine must have finished."""
        self.keyword_index.close()
        self._held.close()
        self.closed = True

    def _rank(
        self,
        mode: str,
        leg: KeywordScores,
        keyword_rows: list[int],
        semantic: np.ndarray,
        semantic_order: list[int],
        options: FusionOptions,
    ) -> tuple[list[int], dict[int, float], int]:
        """The ranking of a mode, each row's score, and how many results the query has in all: the same on
        every page (every keyword match, the semantic window, the borrowed words' hits)."""
        if mode == "keyword":
            ranking = leg.order(keyword_rows)
            return ranking, {row: float(leg.bm25[row]) for row in ranking}, leg.total
        if mode == "semantic":
            return semantic_order, {row: float(semantic[row]) for row in semantic_order}, len(semantic_order)
        fused = fuse(leg, keyword_rows, semantic, semantic_order, options)
        found = leg.bm25 > 0
        found[[*semantic_order, *leg.borrowed]] = True
        return [f.row for f in fused], {f.row: f.score for f in fused}, int(np.count_nonzero(found))

    def _borrowed_leg(
        self, query: str, query_lang: str, semantic_order: list[int], allowed: np.ndarray
    ) -> dict[int, float]:
        """BM25 of the best matches for the words of the other-language sentence nearest to the query."""
        others = [row for row in semantic_order if self.store.langs[row] != query_lang]
        vector = self.semantic.corrected(self.query_vector(query), query_lang)
        words = borrowed_words(self.sentences, self.store.records, vector, others)
        if not words:
            return {}
        scores, _ = self.keyword_index.score_words(words, allowed)
        self.store.share_between_translations(scores, allowed=allowed)
        return {row: float(scores[row]) for row in top_rows(scores, WINDOW, above=0.0)}

    def _mark_closest_sentences(self, query: str, results: list[ResultJSON]) -> None:
        """A hit found by meaning alone has no word to mark: mark its sentence nearest to the query."""
        query_vector = self.query_vector(query)
        for result in results:
            nearest = self.sentences.nearest(query_vector, [self.store.rows[result["id"]]], 2)
            if len(nearest) > 1:  # a one-sentence paragraph is its own nearest sentence: nothing to single out
                _, start, end = nearest[0]
                result["snippet_html"] = highlight_sentence(result["text"], (start, end))

    def _semantic_leg(self, query: str, query_lang: str, allowed: np.ndarray) -> np.ndarray:
        scores = self.semantic.scores(self.query_vector(query), query_lang)
        self.store.share_between_translations(scores, allowed=allowed)
        scores[~allowed] = -np.inf
        return scores

    def _result(
        self, row: int, score: float, leg: KeywordScores, semantic: np.ndarray, forms: QueryForms | None
    ) -> ResultJSON:
        record = self.store.records[row]
        semantic_score = float(semantic[row])
        keyword_rank = leg.rank(row)
        return result_json(
            record,
            score,
            highlight(record.text, forms, record.lang) if forms else "",
            None if keyword_rank is None else LegScore(float(leg.bm25[row]), keyword_rank),
            None if semantic_score == -np.inf else LegScore(semantic_score, int((semantic > semantic_score).sum()) + 1),
            self.store.translation(row),
        )


def _encode_query(encoder: Encoder, query: str) -> np.ndarray:
    vector = encoder.encode_queries([query])[0]
    vector.flags.writeable = False  # shared by every search of the query: nobody may change it
    return vector


def _check(mode: str, k: int, offset: int, alpha: float | None, fusion: str) -> float:
    """The fusion weight to use, once every parameter is checked."""
    if mode not in MODES:
        raise SearchError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    if fusion not in METHODS:
        raise SearchError(f"unknown fusion {fusion!r}: choose one of {', '.join(METHODS)}")
    if not 1 <= k <= MAX_K:
        raise SearchError(f"k must be between 1 and {MAX_K}")
    if offset < 0:
        raise SearchError("offset must not be negative")
    if alpha is None:
        return DEFAULT_ALPHA
    if not 0.0 <= alpha <= 1.0:
        raise SearchError("alpha must be between 0 (keyword only) and 1 (meaning only)")
    return float(alpha)
