"""Score fusion: one ranking from the keyword and the semantic leg.

Both legs are first put on a 0…1 scale that means the same from query to query:
- keyword: BM25 relative to the best hit, times the share of the query's words the paragraph matches, so a
  paragraph that shares one name with a Kazakh query is not mistaken for an answer (BM25's top hit scores 1
  however poor the match);
- semantic: the score's position between the semantic window's last candidate (0) and the best one (1).

``fuse_scores`` mixes them as ``(1 - alpha) * keyword + alpha * semantic``; ``reciprocal_rank_fusion`` is the
rank-only alternative (``--fusion rrf``). A minority-language query's keyword leg also holds the hits of its
borrowed words (``search/borrowed_words.py``), weighted by what its own words leave unexplained:
``with_borrowed``; the hits of the query's translation into the index's other language join it as well:
``with_translated``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.keyword_leg import KeywordScores

RRF_K = 60
# A translation hit weighs 1 − this × the best normalised hit of the query's own words: a Kazakh question whose
# own words find the Kazakh paragraphs well leans less on the Russian ones. Chosen on the dev sets: 0 gives the
# Kazakh kind nDCG@10 0.842, 0.4–0.7 give 0.854–0.855, with the Kazakh twins' Recall@10 the same throughout.
TRANSLATION_DISCOUNT = 0.7
METHODS = ("weighted", "rrf")
# Chosen on the dev queries (python -m search.evaluate --alpha A): see README, "Relevance".
DEFAULT_ALPHA = 0.4


@dataclass(frozen=True, slots=True)
class FusionOptions:
    method: str = "weighted"  # or "rrf"
    alpha: float = DEFAULT_ALPHA  # weight of meaning: 0 keyword only, 1 semantic only


@dataclass(frozen=True)
class Fused:
    row: int
    score: float


def fuse_scores(keyword: dict[int, float], semantic: dict[int, float], alpha: float) -> list[Fused]:
    """Weighted sum of two normalised legs over the union of their rows, best first (ties: lower row first).

    A row missing from a leg scores 0 there; ``alpha`` 0 reproduces the keyword leg, 1 the semantic leg.
    """
    rows = keyword.keys() | semantic.keys()
    fused = [Fused(row, (1 - alpha) * keyword.get(row, 0.0) + alpha * semantic.get(row, 0.0)) for row in rows]
    return sorted(fused, key=lambda f: (-f.score, f.row))


def reciprocal_rank_fusion(
    keyword: dict[int, int], semantic: dict[int, int], alpha: float, k: int = RRF_K
) -> list[Fused]:
    """RRF of two legs' ranks (row → rank, 1 the best), each weighted like ``fuse_scores``."""
    scores: dict[int, float] = {}
    for weight, ranks in ((1 - alpha, keyword), (alpha, semantic)):
        for row, rank in ranks.items():
            scores[row] = scores.get(row, 0.0) + weight / (k + rank)
    return sorted((Fused(row, score) for row, score in scores.items()), key=lambda f: (-f.score, f.row))


def normalise_keyword(
    scores: dict[int, float], coverage: dict[int, float], best: float | None = None
) -> dict[int, float]:
    """BM25 as a share of the best hit's (``best``, default the best of ``scores``), scaled by the share of
    query words matched."""
    best = max(scores.values(), default=0.0) if best is None else best
    if best <= 0:
        return {}
    return {row: score / best * coverage.get(row, 1.0) for row, score in scores.items()}


def normalise_semantic(scores: dict[int, float], floor: float | None = None) -> dict[int, float]:
    """Scores placed between ``floor`` (0; default the lowest score) and the highest (1), clipped at 0."""
    if not scores:
        return {}
    high = max(scores.values())
    low = min(scores.values()) if floor is None else floor
    span = high - low
    return {row: max(0.0, (score - low) / span) if span > 0 else 1.0 for row, score in scores.items()}


def with_borrowed(keyword: dict[int, float], borrowed: dict[int, float]) -> dict[int, float]:
    """A normalised keyword leg joined by borrowed-word hits (``search/borrowed_words.py``).

    A borrowed hit scores its BM25 as a share of the best borrowed hit's, times what the query's own words
    leave unexplained (1 - the best own score): a Kazakh question whose words find nothing borrows in full,
    one whose words match the Kazakh text well (best own score 0.67–0.75 on the dev queries) borrows little.
    Each row keeps the better of its own and its borrowed score.
    """
    best = max(borrowed.values(), default=0.0)
    share = 1.0 - max(keyword.values(), default=0.0)
    if best <= 0 or share <= 0:
        return keyword
    merged = dict(keyword)
    for row, score in borrowed.items():
        merged[row] = max(merged.get(row, 0.0), share * score / best)
    return merged


def with_translated(keyword: dict[int, float], translated: dict[int, float]) -> dict[int, float]:
    """A normalised keyword leg joined by the hits of the query's translation (``search/translation_leg.py``),
    already normalised as the own words' are, weighted by ``TRANSLATION_DISCOUNT``; each row keeps the better
    of its own and its translated score.

    A translated hit is not scaled up to the best translated one's: a dictionary's guess at an everyday
    sentence matches a few of its words somewhere, and at full weight that stray match outranked the sentence
    the meaning found (Tatoeba kk→ru P@1 0.839, 0.871 scaled by its share of the translation's idf).
    """
    if not translated:
        return keyword
    weight = 1.0 - TRANSLATION_DISCOUNT * max(keyword.values(), default=0.0)
    merged = dict(keyword)
    for row, score in translated.items():
        merged[row] = max(merged.get(row, 0.0), weight * score)
    return merged


def fuse(
    keyword: KeywordScores,
    keyword_rows: list[int],
    semantic: np.ndarray,
    semantic_order: list[int],
    options: FusionOptions,
) -> list[Fused]:
    """One ranking from both legs' candidates: the keyword leg's best ``keyword_rows``, the semantic leg's
    ``semantic_order`` (``semantic``: every row's score) and the borrowed words' hits, each candidate scored in
    both legs. Paragraphs that hold every quoted phrase and identifier of the query come before any near-miss.
    """
    candidates = set(keyword_rows) | set(keyword.borrowed) | set(keyword.translated) | set(semantic_order)
    if options.method == "rrf":
        # Ranks among all matches, not among the candidates: the same on every page.
        keyword_ranks = keyword.ranks(candidates)
        semantic_ranks = {row: rank for rank, row in enumerate(semantic_order, start=1)}
        fused = reciprocal_rank_fusion(keyword_ranks, semantic_ranks, options.alpha)
    else:
        bm25, share = keyword.bm25, keyword.share
        matches = [row for row in candidates if bm25[row] > 0]
        own = normalise_keyword(
            {row: float(bm25[row]) for row in matches}, {row: float(share[row]) for row in matches}, keyword.best
        )
        fused = fuse_scores(
            with_borrowed(with_translated(own, keyword.translated), keyword.borrowed),
            normalise_semantic(
                {row: float(semantic[row]) for row in candidates if semantic[row] > -np.inf},
                float(semantic[semantic_order[-1]]) if semantic_order else None,
            ),
            options.alpha,
        )
    if keyword.holders is not None:
        holders = keyword.holders
        fused.sort(key=lambda f: f.row not in holders)
    return fused
