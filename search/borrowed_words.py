"""Borrowed words: a minority-language query also searched with the words of its nearest sentence in the
index's other languages.

A Kazakh question shares no word with the Russian paragraphs that answer it, and the encoder ranks those
paragraphs only loosely (grade-1 answers at ranks 14–61 on the dev queries). But its nearest Russian
sentence is often a near-translation of it: "Конституциялық Сотқа кімдер жүгіне алады?" is nearest to
"Возможность обращаться в Конституционный Суд будут иметь граждане, …". Searched as keywords, its words
find the other Russian paragraphs that say the same thing. The sentence is looked for in the query's best
semantic candidates in other languages, with the language-corrected query vector; the hits join the keyword
leg as far as the query's own words leave room (``search/fusion.py``, ``with_borrowed``).

One sentence, not several: for a Kazakh paragraph searched for its Russian translation, the nearest sentence
is the translation's own, while the next ones come from its neighbours and pull them ahead (P@1 0.984 with
one sentence, 0.887 with three). Measured on the dev queries: see README.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from indexer.records import ParagraphRecord
from indexer.sentences import SentenceIndex
from indexer.term_matrix import Alternative
from search.query import text_words

CANDIDATE_PARAGRAPHS = 20  # semantic candidates whose sentences are searched (10 to 100 measure the same)


def borrowed_words(
    sentences: SentenceIndex, paragraphs: Sequence[ParagraphRecord], query: np.ndarray, candidates: list[int]
) -> list[list[Alternative]]:
    """The content words of the sentence of ``candidates`` (paragraph rows) nearest to ``query``."""
    nearest = sentences.nearest(query, candidates[:CANDIDATE_PARAGRAPHS], 1)
    return text_words(" ".join(paragraphs[row].text[start:end] for row, start, end in nearest))
