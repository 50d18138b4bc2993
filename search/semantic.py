"""The semantic leg: the query vector against paragraph vectors, corrected for the query's own language.

A multilingual encoder finds text in the query's language closer than text in another, whatever it says: a
Kazakh query's similarity to every Kazakh paragraph is lifted by a shared "Kazakh" component, and Kazakh
paragraphs crowd out Russian answers. The correction subtracts that component: each paragraph's cosine is
lowered by ``LANGUAGE_CORRECTION`` (``indexer/vector_index.py``) times its similarity to the mean sentence
of the query's language (``(q - γ·μ_lang(q)) · v``). It applies only where the query's language is a
minority of the index: there the bias hides the majority's answers, while a majority-language query loses
nothing to the few others (their translations are reached through the alignment instead). Measured on the
dev queries: see README.
"""

from __future__ import annotations

import numpy as np

from indexer.vector_index import VectorIndex, corrected_query


class SemanticLeg:
    def __init__(self, vectors: VectorIndex, centroids: dict[str, np.ndarray]) -> None:
        """``centroids``: the mean sentence vector of each minority language (``minority_centroids``)."""
        self.index = vectors
        self._minorities = centroids

    def is_minority(self, lang: str) -> bool:
        """Whether queries in ``lang`` are corrected (and borrow words: ``search/borrowed_words.py``)."""
        return lang in self._minorities

    def corrected(self, query: np.ndarray, query_lang: str) -> np.ndarray:
        """The query vector less its language's pull, if that language is a minority of the index."""
        return corrected_query(query, query_lang, self._minorities)

    def scores(self, query: np.ndarray, query_lang: str, among: np.ndarray | None = None) -> np.ndarray:
        """Every paragraph's score for ``query``: its cosine with the corrected query vector, exact for the best
        of the ``among`` rows (a mask; None: every row), estimated from int8 rows for the others
        (``VectorIndex.similarities``)."""
        return self.index.similarities(self.corrected(query, query_lang), among)
