"""The semantic leg: the query vector against paragraph vectors, corrected for the query's own language.

A multilingual encoder finds text in the query's language closer than text in another, whatever it says: a
Kazakh query's similarity to every Kazakh paragraph is lifted by a shared "Kazakh" component, and Kazakh
paragraphs crowd out Russian answers. The correction subtracts that component: each paragraph's cosine is
lowered by ``LANGUAGE_CORRECTION`` times its similarity to the mean paragraph of the query's language
(``(q - γ·μ_lang(q)) · v``). It applies only where the query's language is a minority of the index: there
the bias hides the majority's answers, while a majority-language query loses nothing to the few others
(their translations are reached through the alignment instead). Measured on the dev queries: see README.
"""

from __future__ import annotations

import numpy as np

from indexer.vector_index import VectorIndex

LANGUAGE_CORRECTION = 0.7
_MIN_PARAGRAPHS = 20  # fewer paragraphs in a language give no reliable mean


class SemanticLeg:
    def __init__(self, vectors: VectorIndex, langs: np.ndarray) -> None:
        """``langs``: each paragraph's language, row by row."""
        self.index = vectors
        matrix = np.asarray(vectors.vectors, dtype=np.float32)
        self._minorities: dict[str, np.ndarray] = {}
        for lang in set(langs.tolist()):
            members = langs == lang
            if _MIN_PARAGRAPHS <= members.sum() < len(langs) / 2:
                self._minorities[lang] = matrix[members].mean(axis=0)

    def is_minority(self, lang: str) -> bool:
        """Whether queries in ``lang`` are corrected (and borrow words: ``search/borrowed_words.py``)."""
        return lang in self._minorities

    def corrected(self, query: np.ndarray, query_lang: str) -> np.ndarray:
        """The query vector less its language's pull, if that language is a minority of the index."""
        centroid = self._minorities.get(query_lang)
        return query if centroid is None else query - LANGUAGE_CORRECTION * centroid

    def scores(self, query: np.ndarray, query_lang: str) -> np.ndarray:
        """Every paragraph's score for ``query``: its cosine with the corrected query vector."""
        return self.index.similarities(self.corrected(query, query_lang))
