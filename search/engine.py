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
   of semantic near-misses;
6. only paragraphs with evidence that they answer are results (``search/evidence.py``): enough of the query's
   words, or a meaning closer than off-topic questions come to this index; each result says which, with a
   calibrated confidence. A query nothing answers gets no results, its unknown words and a corrected query
   (``search/spelling.py``);
7. the results are counted by document, language and year (``search/facets.py``); filters by document and
   year keep those of the one ranking, and ``sort="date"`` puts the newest documents' first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import numpy as np

from indexer.analysis import ANALYSIS_VERSION
from indexer.encoders import Encoder, EncoderError, load_encoder
from indexer.generation import KEYWORD_DIR, published_generation
from indexer.keyword_index import KeywordIndex
from indexer.language import LANGUAGES
from indexer.ranking import ranks_of, top_rows
from indexer.records import ParagraphRecord
from indexer.sentences import SentenceIndex
from indexer.settings import DEFAULT_MODELS_DIR
from indexer.vector_index import VectorIndex, minority_centroids
from indexer.vocabulary import VOCABULARY, read_vocabulary
from search.borrowed_words import borrowed_words
from search.citation import DEFAULT_CITATION_LANGUAGE, Citation
from search.contract import CitationJSON, LegScore, ResponseJSON, ResultJSON, citation_json, paragraph_json, result_json
from search.document_matches import DocumentMatches, document_matches
from search.evidence import Evidence, MeaningThresholds
from search.facets import facets
from search.fusion import DEFAULT_ALPHA, METHODS, FusionOptions, fuse
from search.keyword_leg import (
    KEYWORD_SECONDS,
    ExpandedQuery,
    KeywordScores,
    excluded_rows,
    expand_query,
    search_keywords,
)
from search.notes import Note
from search.parallel import ParallelRow
from search.query import ParsedQuery, is_costly, meaning_text, parse_query
from search.semantic import SemanticLeg
from search.snippets import QueryForms, highlight, highlight_sentence
from search.spelling import did_you_mean, unknown_words
from search.store import ParagraphStore
from search.suggest import Suggester
from search.translation_leg import TranslatedQuery, translate_query

MODES = ("hybrid", "keyword", "semantic")
DEFAULT_MODE = "hybrid"
SORTS = ("relevance", "date")  # date: the newest document year first, by relevance within a year
DEFAULT_SORT = "relevance"
MAX_K = 100
# Candidates of the semantic leg and of borrowed words: a fixed number, so that every page of a query is cut
# from one ranking (the semantic scale's floor is the 100th score) and its total is the same on every page.
# The keyword leg takes the next multiple of it that covers the page.
WINDOW = 100
# Ranking more results than this (an export; every result, to sort them by date) costs several normal queries
# at 100k paragraphs (fusion ~10 ms a thousand): such a query takes its turn with the other costly ones.
DEEP_RANKING = 1000


class SearchError(ValueError):
    """A request that cannot be answered as asked (unknown mode, bad k, index built differently …)."""


@dataclass(frozen=True)
class Filters:
    """Which of a query's results are returned: those in ``lang``, of one document ``doc`` and of documents of
    the years ``year_from`` … ``year_to`` (a document without a year is in no range). Each narrows the one
    ranking of the query, so that a facet's count is the total its filter gives; asking for Kazakh also
    translates a Russian query into Kazakh, which may find more."""

    lang: str | None = None
    doc: str | None = None
    year_from: int | None = None
    year_to: int | None = None


@dataclass(frozen=True)
class Ranking:
    """A query's results in order, as far as asked for, and how many it has in all."""

    total: int
    records: list[ParagraphRecord]


@dataclass(frozen=True)
class _Places:
    """A page's results in each leg: row → its score and rank there (1 the best); absent: not found by that leg."""

    keyword: dict[int, LegScore]
    semantic: dict[int, LegScore]

    @classmethod
    def of(cls, rows: list[int], keyword: KeywordScores | None, semantic: np.ndarray) -> _Places:
        """Where ``rows`` stand among the keyword leg's matches (None: it did not search) and by ``semantic``."""
        keyword_places = {}
        if keyword is not None:
            keyword_places = {row: LegScore(float(keyword.bm25[row]), r) for row, r in keyword.ranks(rows).items()}
        semantic_places = {row: LegScore(float(semantic[row]), r) for row, r in ranks_of(semantic, rows).items()}
        return cls(keyword_places, semantic_places)


@dataclass(frozen=True)
class _Ranked:
    """One query searched: every result (a row mask), the first of them in order, and what their JSON needs."""

    parsed: ParsedQuery
    expanded: ExpandedQuery
    alpha: float
    meaning: str  # the query as the semantic leg embeds it (its operators and excluded words left out)
    leg: KeywordScores
    semantic: np.ndarray
    evidence: Evidence
    translated: TranslatedQuery | None
    results: np.ndarray
    rows: list[int]
    scores: dict[int, float]
    notes: list[Note]


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
        # The generation's open files, closed together by close(), or at once if opening fails (a server retries
        # a bad generation: none of its files may stay open).
        self._files = ExitStack()
        self._files.callback(self.generation.hold().close)  # no publisher removes it while this engine is open
        try:
            self._open(model, searchers, models_dir)
        except BaseException:
            self._files.close()
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
        paragraphs = self.generation.paragraphs()
        self._files.callback(paragraphs.close)
        self.store = ParagraphStore(paragraphs, self.generation.read_alignment(), manifest.get("documents", []))
        bm25 = manifest.get("bm25", {})
        self.keyword_index = KeywordIndex(self.generation.path / KEYWORD_DIR, searchers, **bm25)
        self._files.callback(self.keyword_index.close)
        self.vectors = VectorIndex.load(self.generation.path)
        self._files.callback(self.vectors.close)
        self.sentences = SentenceIndex.load(self.generation.path)
        self._files.callback(self.sentences.close)
        try:
            self.encoder = load_encoder(self.model, models_dir)
        except EncoderError as error:
            raise SearchError(f"{self.generation.path}: {error}") from None
        if self.encoder.dim != self.vectors.dim:
            raise SearchError(f"{self.model} gives {self.encoder.dim} dimensions, the index holds {self.vectors.dim}")
        self.semantic = SemanticLeg(self.vectors, self._language_centroids(manifest))
        self.suggester = Suggester(read_vocabulary(self.generation.path / VOCABULARY))
        self._documents = [
            {key: value for key, value in document.items() if key != "file"}
            for document in manifest.get("documents", [])
        ]
        # How close a paragraph must come to a query in each language to count as close in meaning.
        null = manifest.get("meaning_null", {})
        self.meaning_thresholds = {lang: MeaningThresholds.of(null, lang) for lang in LANGUAGES}
        # Paging and retyping repeat queries: embedding one costs more than the rest of a search. The cache holds
        # the encoder, not the engine, so that a replaced engine is freed as soon as its last request ends.
        self.query_vector = lru_cache(maxsize=1024)(partial(_encode_query, self.encoder))
        # A result's citation, the same for every query that finds it (read-only: callers get copies).
        self._citations = lru_cache(maxsize=8192)(partial(_citation_json, self.store))

    def _language_centroids(self, manifest: dict) -> dict[str, np.ndarray]:
        """The minority languages' mean sentence vectors: as the indexer stored them, or, for a generation
        written before it did, from every sentence vector (4.4 s and 2 GB read at a million paragraphs)."""
        stored = manifest.get("language_centroids")
        if stored is None:
            return minority_centroids(self.sentences, self.store.langs)
        return {lang: np.array(values, dtype=np.float32) for lang, values in stored.items()}

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
        drop: Collection[str] = (),
        year_from: int | None = None,
        year_to: int | None = None,
        sort: str = DEFAULT_SORT,
        reader_language: str = DEFAULT_CITATION_LANGUAGE,
    ) -> ResponseJSON:
        """The API response for ``query``: results ``offset`` … ``offset + k``, how many there are in all and
        their facets.

        ``snippets=False`` leaves ``snippet_html`` empty, for callers that only need ids and text (evaluation).
        ``mark_sentences`` marks, in each hit that matches none of the query's words, its sentence nearest to
        the query (pages ask for it; in the API's snippets only matched words are marked). ``drop``: terms of
        the query's translation into the index's other language not to search (``search/translation_leg.py``).
        ``lang``, ``doc``, ``year_from``, ``year_to``: see ``Filters``; ``sort``: one of SORTS;
        ``reader_language`` (ru, kk, en): the language the citations are written in.
        """
        started = time.perf_counter()
        if not 1 <= k <= MAX_K:
            raise SearchError(f"k must be between 1 and {MAX_K}")
        if offset < 0:
            raise SearchError("offset must not be negative")
        filters = Filters(lang, doc, year_from, year_to)
        ranked = self._ranked(query, offset + k, mode, alpha, fusion, drop, sort, filters)
        forms = QueryForms.of(ranked.parsed, ranked.expanded.expansions) if snippets else None
        rows = ranked.rows[offset : offset + k]
        places = _Places.of(rows, ranked.leg, ranked.semantic)
        results = [
            self._result(row, ranked.scores[row], places, forms, ranked.evidence, reader_language) for row in rows
        ]
        if snippets and mark_sentences and mode != "keyword" and ranked.meaning:
            by_meaning = [(row, r) for row, r in zip(rows, results, strict=True) if r["keyword"] is None]
            self._mark_closest_sentences(ranked.meaning, by_meaning)
        unknown = unknown_words(ranked.parsed, self.keyword_index.terms)
        translated = ranked.translated
        return {
            "query": query,
            "mode": mode,
            "alpha": ranked.alpha,
            "total": int(np.count_nonzero(ranked.results)),
            "unknown_words": unknown,
            "did_you_mean": did_you_mean(query, unknown, self.keyword_index.terms) if unknown else None,
            "translation": {"lang": translated.lang, "terms": translated.terms} if translated else None,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
            "partial": ranked.leg.partial,
            "notes": ranked.notes,
            "facets": facets(self.store, ranked.results),
            "results": results,
        }

    def ranking(
        self,
        query: str,
        limit: int,
        mode: str = DEFAULT_MODE,
        alpha: float | None = None,
        lang: str | None = None,
        doc: str | None = None,
        fusion: str = "weighted",
        drop: Collection[str] = (),
        year_from: int | None = None,
        year_to: int | None = None,
        sort: str = DEFAULT_SORT,
    ) -> Ranking:
        """The first ``limit`` results of ``query`` in order, ranked once (the query embedded once), and how
        many it has in all: what an export reads, which wants every result rather than a page. The other
        parameters are ``search``'s."""
        if limit < 1:
            raise SearchError("limit must be at least 1")
        ranked = self._ranked(query, limit, mode, alpha, fusion, drop, sort, Filters(lang, doc, year_from, year_to))
        records = [self.store.records[row] for row in ranked.rows[:limit]]
        return Ranking(int(np.count_nonzero(ranked.results)), records)

    def _ranked(
        self,
        query: str,
        depth: int,
        mode: str,
        alpha: float | None,
        fusion: str,
        drop: Collection[str],
        sort: str,
        filters: Filters,
    ) -> _Ranked:
        """``query`` searched, every result found, and the first ``depth`` of them ranked (every one when they
        are sorted by date: the oldest-ranked result may be the newest)."""
        weight = _check(mode, alpha, fusion, sort, filters)
        options = FusionOptions(fusion, {"keyword": 0.0, "semantic": 1.0}.get(mode, weight))
        parsed = parse_query(query)
        costly = is_costly(parsed) or sort == "date" or depth > DEEP_RANKING
        # Queries that cost several normal ones take turns, so that their senders cannot crowd out others.
        with self._costly_lane if costly else nullcontext():
            expanded = expand_query(parsed, self.keyword_index.terms)
            allowed = self.store.allowed()
            if parsed.excluded:
                allowed &= ~excluded_rows(parsed, self.keyword_index.terms)
            if parsed.empty:
                leg = KeywordScores.nothing(len(self.store))
            else:  # in semantic mode too: a paragraph's words are evidence whichever leg ranks it
                leg = search_keywords(self.keyword_index, expanded, allowed, self.keyword_seconds)
                self.store.share_between_translations(leg.bm25, leg.share, leg.coverage, allowed=allowed)
            meaning, meaning_cut = meaning_text(query)
            if mode != "keyword" and meaning:
                semantic = self._semantic_leg(meaning, parsed.lang, allowed)
            else:
                semantic = np.full(len(self.store), -np.inf, dtype=np.float32)
            semantic_order = top_rows(semantic, WINDOW)
            borrows = mode == "hybrid" and options.method == "weighted" and options.alpha > 0
            if borrows and self.semantic.is_minority(parsed.lang):
                leg.borrowed = self._borrowed_leg(meaning, parsed.lang, semantic_order, allowed)
            # Russian queries reach Kazakh paragraphs through their aligned originals; the dictionary's way only
            # where Kazakh is asked for (searched always, it cost Russian queries nDCG@10 0.02). In semantic mode
            # the translation ranks nothing (its hits are not found, and weigh 0 in the fusion), but its words
            # are evidence, as a query's own words are: without them a Kazakh sentence's Russian translation
            # has the meaning threshold alone (Tatoeba kk→ru semantic P@1 0.725).
            translates = (borrows or mode == "semantic") and (parsed.kazakh or filters.lang == "kk")
            translated = translate_query(parsed, self.keyword_index.terms, drop) if translates else None
            if translated:
                self._translation_leg(leg, translated, allowed)
            evidence = Evidence.of(leg, semantic, self.meaning_thresholds[parsed.lang], mode)
            # What the filters keep of the results: a facet's count is then the total its filter gives.
            chosen = evidence.any & self.store.selected(filters.lang, filters.doc, filters.year_from, filters.year_to)
            results = self._found(mode, leg, semantic_order) & chosen
            if sort == "date":
                depth = int(np.count_nonzero(results))
            # The keyword hits the depth needs: the next multiple of WINDOW that covers it.
            by_share = mode == "hybrid" and options.method == "weighted"  # what the weighted fusion ranks them by
            keyword_rows = leg.top(WINDOW * -(-depth // WINDOW), by_share, among=chosen)
            rows, scores = self._rank(mode, leg, keyword_rows, semantic, semantic_order, options, results)
        if sort == "date":
            rows.sort(key=lambda row: -self.store.years[row])  # stable: by relevance within a year
        notes = list(expanded.notes)
        if mode != "keyword" and meaning_cut:
            notes.append(Note("meaning_cut", chars=len(meaning)))
        if leg.partial:
            notes.append(Note("keyword_time", ms=round(self.keyword_seconds * 1000)))
        if leg.phrase_absent:
            notes.append(Note("phrase_absent", phrases=", ".join(f'"{" ".join(p)}"' for p in parsed.phrases)))
        return _Ranked(
            parsed,
            expanded,
            options.alpha,
            meaning,
            leg,
            semantic,
            evidence,
            translated,
            results,
            rows,
            scores,
            notes,
        )

    def similar(
        self, paragraph_id: str, k: int = 10, reader_language: str = DEFAULT_CITATION_LANGUAGE
    ) -> list[ResultJSON] | None:
        """Paragraphs nearest in meaning to a paragraph (its own translation and itself left out); None for an
        unknown id."""
        row = self.store.row_of(paragraph_id)
        if row is None:
            return None
        scores = self.vectors.similarities(np.asarray(self.vectors.vectors[row]))
        scores[~self.store.citable] = -np.inf
        scores[row] = -np.inf
        if row in self.store.translations:
            scores[self.store.translations[row]] = -np.inf
        forms = QueryForms.of(ParsedQuery(), {})
        order = top_rows(scores, k)
        places = _Places.of(order, None, scores)
        return [self._result(r, float(scores[r]), places, forms, None, reader_language) for r in order]

    def paragraph(self, paragraph_id: str) -> ParagraphRecord | None:
        return self.store.get(paragraph_id)

    def paragraph_json(self, paragraph_id: str, reader_language: str = DEFAULT_CITATION_LANGUAGE) -> dict | None:
        """A paragraph as ``/api/paragraph`` shows it (its citation in ``reader_language``), or None for an
        unknown id."""
        row = self.store.row_of(paragraph_id)
        if row is None:
            return None
        record = self.store.records[row]
        before, after = self.store.neighbours(paragraph_id)
        citation = self._citation_for(row, reader_language)
        return paragraph_json(record, citation, before, after, self.store.translation(row))

    def citation(self, record: ParagraphRecord) -> Citation:
        """How a paragraph is cited: its document's title, author, year and symbol, its number and page."""
        return _citation(self.store, record)

    def _citation_for(self, row: int, reader_language: str) -> CitationJSON:
        """A paragraph's citation in ``reader_language``: a copy of the cached one, which its caller may change."""
        return CitationJSON(**self._citations(row, reader_language))

    def neighbours(self, paragraph_id: str) -> tuple[ParagraphRecord | None, ParagraphRecord | None]:
        return self.store.neighbours(paragraph_id)

    def translation(self, paragraph_id: str) -> ParagraphRecord | None:
        row = self.store.row_of(paragraph_id)
        return None if row is None else self.store.translation(row)

    def documents(self) -> list[dict]:
        """The indexed documents as the manifest lists them (doc_id, title, author, year, languages, paragraphs),
        but for the path each was read from: where the server keeps its files is nobody else's business."""
        return self._documents

    def document_paragraphs(self, doc_id: str) -> list[ParagraphRecord]:
        return self.store.of_document(doc_id)

    def parallel(self, doc_id: str) -> list[ParallelRow]:
        return self.store.parallel(doc_id)

    def document_matches(self, doc_id: str, query: str, with_translation: bool = False) -> DocumentMatches:
        """The paragraphs of a document that hold any form of the query's words (``with_translation``: or of
        its translation's), marked, and where they are (``search/document_matches.py``)."""
        return document_matches(self.store.of_document(doc_id), query, self.keyword_index.terms, with_translation)

    def close(self) -> None:
        """Release the generation's files; requests still using this engine must have finished."""
        self._files.close()
        self.closed = True

    def _rank(
        self,
        mode: str,
        leg: KeywordScores,
        keyword_rows: list[int],
        semantic: np.ndarray,
        semantic_order: list[int],
        options: FusionOptions,
        results: np.ndarray,
    ) -> tuple[list[int], dict[int, float]]:
        """The ranking of a mode among the query's ``results``, and each row's score."""
        if mode == "keyword":
            ranking = leg.order(keyword_rows)
            scores = {row: float(leg.bm25[row]) for row in ranking}
        elif mode == "semantic":
            ranking = semantic_order
            scores = {row: float(semantic[row]) for row in ranking}
        else:
            fused = fuse(leg, keyword_rows, semantic, semantic_order, options)
            ranking, scores = [f.row for f in fused], {f.row: f.score for f in fused}
        return [row for row in ranking if results[row]], scores

    def _found(self, mode: str, leg: KeywordScores, semantic_order: list[int]) -> np.ndarray:
        """Every row a mode finds, the same on every page: every keyword match, the semantic window, the
        borrowed words' and the translation's hits (those with evidence are the results)."""
        found = np.zeros(len(self.store), dtype=bool)
        if mode != "semantic":
            found |= leg.bm25 > 0
        if mode == "hybrid":
            found[[*leg.borrowed, *leg.translated]] = True
        if mode != "keyword":
            found[semantic_order] = True
        return found

    def _borrowed_leg(
        self, query: str, query_lang: str, semantic_order: list[int], allowed: np.ndarray
    ) -> dict[int, float]:
        """BM25 of the best matches for the words of the other-language sentence nearest to the query."""
        others = [row for row in semantic_order if self.store.langs[row] != query_lang]
        vector = self.semantic.corrected(self.query_vector(query), query_lang)
        words = borrowed_words(self.sentences, self.store.records, vector, others)
        if not words:
            return {}
        scores = self.keyword_index.terms.bm25(words, allowed)  # ranked by BM25 alone: no words counted
        self.store.share_between_translations(scores, allowed=allowed)
        return {row: float(scores[row]) for row in top_rows(scores, WINDOW, above=0.0)}

    def _translation_leg(self, leg: KeywordScores, translated: TranslatedQuery, allowed: np.ndarray) -> None:
        """The query's translation searched in the paragraphs of its language: its best hits, each scored as the
        keyword leg scores its own (BM25 as a share of the best hit's, times the share of the translation's idf
        it holds), and that share joining the words' evidence."""
        target = allowed & self.store.in_language(translated.lang)
        found = self.keyword_index.score_words(translated.words, target)
        self.store.share_between_translations(found.bm25, found.coverage, allowed=allowed)
        rows = top_rows(found.bm25, WINDOW, above=0.0)
        best = float(found.bm25[rows[0]]) if len(rows) else 0.0
        for row in rows:
            leg.translated[row] = float(found.bm25[row] / best * found.coverage[row])
        np.maximum(leg.coverage, found.coverage, out=leg.coverage)

    def _mark_closest_sentences(self, query: str, results: list[tuple[int, ResultJSON]]) -> None:
        """A hit found by meaning alone has no word to mark: mark its sentence nearest to the query (``results``:
        each with its row)."""
        query_vector = self.query_vector(query)
        for row, result in results:
            nearest = self.sentences.nearest(query_vector, [row], 2)
            if len(nearest) > 1:  # a one-sentence paragraph is its own nearest sentence: nothing to single out
                _, start, end = nearest[0]
                result["snippet_html"] = highlight_sentence(result["text"], (start, end))

    def _semantic_leg(self, query: str, query_lang: str, allowed: np.ndarray) -> np.ndarray:
        scores = self.semantic.scores(self.query_vector(query), query_lang, allowed)
        self.store.share_between_translations(scores, allowed=allowed)
        scores[~allowed] = -np.inf
        return scores

    def _result(
        self,
        row: int,
        score: float,
        places: _Places,
        forms: QueryForms | None,
        evidence: Evidence | None,
        reader_language: str,
    ) -> ResultJSON:
        record = self.store.records[row]
        return result_json(
            record,
            self._citation_for(row, reader_language),
            score,
            highlight(record.text, forms, record.lang) if forms else "",
            places.keyword.get(row),
            places.semantic.get(row),
            self.store.translation(row),
            None if evidence is None else evidence.kind(row),
            None if evidence is None else evidence.confidence(row),
        )


def _citation(store: ParagraphStore, record: ParagraphRecord) -> Citation:
    return Citation.of(record, store.document(record.doc_id))


def _citation_json(store: ParagraphStore, row: int, reader_language: str) -> CitationJSON:
    return citation_json(_citation(store, store.records[row]), reader_language)


def _encode_query(encoder: Encoder, query: str) -> np.ndarray:
    vector = encoder.encode_queries([query])[0]
    vector.flags.writeable = False  # shared by every search of the query: nobody may change it
    return vector


def _check(mode: str, alpha: float | None, fusion: str, sort: str, filters: Filters) -> float:
    """The fusion weight to use, once every parameter is checked."""
    if mode not in MODES:
        raise SearchError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    if fusion not in METHODS:
        raise SearchError(f"unknown fusion {fusion!r}: choose one of {', '.join(METHODS)}")
    if sort not in SORTS:
        raise SearchError(f"unknown sort {sort!r}: choose one of {', '.join(SORTS)}")
    first, last = filters.year_from, filters.year_to
    if first is not None and last is not None and first > last:
        raise SearchError(f"year_from ({first}) is after year_to ({last}): give the earlier year first")
    if alpha is None:
        return DEFAULT_ALPHA
    if not 0.0 <= alpha <= 1.0:
        raise SearchError("alpha must be between 0 (keyword only) and 1 (meaning only)")
    return float(alpha)
