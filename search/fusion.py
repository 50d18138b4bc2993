"""Score fusion: one ranking from the keyword and the semantic leg.

Both legs are first put on a 0…1 scale that means the same from query to query:
- keyword: BM25 relative to the best hit, times the share of the query's words the paragraph matches, so a
  paragraph that shares one name with a Kazakh query is not mistaken for an answer (BM25's top hit scores 1
  however poor the match);
- semantic: the score's position between the semantic window's last candidate (0) and the best one (1).

``fuse_scores`` mixes them as ``(1 - alpha) * keyword + alpha * semantic``; ``reciprocal_rank_fusion`` is the
rank-only alternative (``--fusion rrf``). A minority-language query's keyword leg also holds the hits of its
borrowed words (``search/borrowed_words.py``), weighted by what its own words leave unexplained:
``with_borrowed``.
"""

from __future__ import annotations

from dataclasses import dataclass

RRF_K = 60


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


def reciprocal_rank_fusion(keyword: list[int], semantic: list[int], alpha: float, k: int = RRF_K) -> list[Fused]:
    """RRF of two rankings (rows best first), each weighted like ``fuse_scores``."""
    scores: dict[int, float] = {}
    for weight, ranking in ((1 - alpha, keyword), (alpha, semantic)):
        for rank, row in enumerate(ranking, start=1):
            scores[row] = scores.get(row, 0.0) + weight / (k + rank)
    return sorted((Fused(row, score) for row, score in scores.items()), key=lambda f: (-f.score, f.row))


def normalise_keyword(scores: dict[int, float], coverage: dict[int, float]) -> dict[int, float]:
    """BM25 as a share of the best hit's, scaled by the share of query words matched."""
    best = max(scores.values(), default=0.0)
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
