"""Whether a paragraph answers a query: its evidence, read from both legs against thresholds of the index.

A ranking always has a first result, however little it has to do with the query; a lawyer needs to be told
when nothing answers. A paragraph is a result only with evidence:

- **words**: it holds a large enough share of the query's words, weighed by idf (``MIN_WORD_COVERAGE``; a rare
  word counts more than a common one, an unknown word the most), or every quoted phrase and identifier;
- **both**: some of the query words' idf (its own or its translation's) and a similarity above that of a
  typical off-topic question;
- **meaning**: its similarity to the query reaches the generation's meaning threshold for the query's
  language: the best similarity that any of the off-topic questions of ``indexer/meaning_null.py`` found in
  this index (stored in the manifest as ``meaning_null``). The threshold moves with the encoder, the
  language and the paragraphs, and is never a constant guessed once.

Evidence does not depend on which leg ranks a paragraph, but for keyword mode, which is asked for the query's
words without their meaning: there a paragraph holding a tenth of the words' idf is a result (a question's
answer rarely repeats half of its words: XQuAD-ru keyword nDCG@10 0.806 with half, 0.959 with a tenth, as
before evidence).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from search.keyword_leg import KeywordScores

# Chosen on the behaviour of the dev judged, Kazakh-twin and no-answer queries (README, "Relevance"), each in
# the middle or the lenient end of a range where the figures do not move: words alone need half the query
# words' idf (0.4–0.6 alike); some words (its own or translated) back a meaning closer than the typical
# off-topic question's best (word share 0.05–0.1 alike; 0.15 loses natural questions, 0 answers the no-answer
# ones);
# "typical" is the 10th percentile of the off-topic questions' best similarities (0.1–0.25 alike).
MIN_WORD_COVERAGE = 0.5
LOW_WORD_COVERAGE = 0.1
WEAK_QUANTILE = 0.1
EVIDENCE_KINDS = ("words", "meaning", "both")
# Logistic regression (Newton's method, L2 0.1) of "a judged answer" on ``Evidence.features`` over the top 10 of
# the dev judged queries and their Kazakh twins (416 results, 28 % judged answers): meaning place, word
# coverage, borrowed words; bias. Refit when the evidence or the ranking changes (README, "Relevance").
CONFIDENCE_WEIGHTS = (1.21, 6.57, 0.34, -5.00)


@dataclass(frozen=True)
class MeaningThresholds:
    strong: float  # the highest similarity an off-topic question reached: meaning alone
    weak: float  # a typical off-topic question's best (WEAK_QUANTILE): meaning backed by some words

    @classmethod
    def of(cls, null: dict[str, list[float]], lang: str) -> MeaningThresholds:
        """The thresholds for a query in ``lang`` (Russian's for languages without questions of their own); none
        for an index built without them."""
        values = null.get(lang) or null.get("ru") or [-np.inf]
        return cls(float(max(values)), float(np.quantile(values, WEAK_QUANTILE)))


@dataclass(frozen=True)
class Evidence:
    words: np.ndarray  # bool per row
    meaning: np.ndarray  # bool per row
    coverage: np.ndarray  # float per row: share of the query words' idf
    semantic: np.ndarray  # float per row: similarity to the query (-inf: not compared)
    thresholds: MeaningThresholds
    borrowed: frozenset[int]  # rows that hold words borrowed from the other language's nearest sentence

    @classmethod
    def of(cls, leg: KeywordScores, semantic: np.ndarray, threshold: MeaningThresholds, mode: str) -> Evidence:
        words = leg.coverage >= MIN_WORD_COVERAGE
        if leg.holders:
            words[list(leg.holders)] = True
        matched = leg.bm25 > 0
        matched[[*leg.borrowed, *leg.translated]] = True  # words of the other language: borrowed or translated
        words &= matched
        meaning = semantic >= threshold.strong
        # Translated words count through their coverage; a borrowed sentence's words (search/borrowed_words.py)
        # do not: any query has a nearest sentence, so they back off-topic Kazakh questions too (and without
        # them the Kazakh twins' Recall@10 rose 0.618 → 0.643).
        agree = (leg.coverage >= LOW_WORD_COVERAGE) & (semantic >= threshold.weak)
        if mode != "keyword":
            words |= agree
            meaning |= agree
        if mode == "keyword":  # asked for the words without their meaning: some of the words are evidence
            meaning = np.zeros_like(meaning)
            words |= (leg.coverage >= LOW_WORD_COVERAGE) & matched
        return cls(words, meaning, leg.coverage, semantic, threshold, frozenset(leg.borrowed))

    @property
    def any(self) -> np.ndarray:
        return self.words | self.meaning

    def kind(self, row: int) -> str | None:
        """``words``, ``meaning``, ``both`` or None (no evidence)."""
        words, meaning = bool(self.words[row]), bool(self.meaning[row])
        return "both" if words and meaning else "words" if words else "meaning" if meaning else None

    def features(self, row: int) -> tuple[float, float, float]:
        """What the confidence is read from: the similarity's place between the weak (0) and the strong (1)
        meaning threshold, clipped to -2…3 (comparable across languages, whose similarities differ); the share
        of the query words' idf the paragraph holds; whether it holds borrowed words."""
        weak, strong = self.thresholds.weak, self.thresholds.strong
        similarity = float(self.semantic[row])
        place = (similarity - weak) / max(strong - weak, 1e-6) if similarity > -math.inf else -2.0
        return min(max(place, -2.0), 3.0), float(self.coverage[row]), float(row in self.borrowed)

    def confidence(self, row: int) -> float:
        """The probability that the paragraph answers the query: a logistic model of ``features`` fitted on the
        top 10 of the dev judged queries and their Kazakh twins (``CONFIDENCE_WEIGHTS``; README, "Relevance",
        has the calibration table)."""
        *weights, bias = CONFIDENCE_WEIGHTS
        logit = bias + sum(w * x for w, x in zip(weights, self.features(row), strict=True))
        return round(1 / (1 + math.exp(-logit)), 3)
