"""The translation leg: a Kazakh query's words searched as Russian lemmas, a Russian query's as Kazakh ones.

Most answers are in Russian and many askers more at home in Kazakh, so a Kazakh query is also searched in the
Russian paragraphs: each content word becomes its Russian lemmas through the Apertium analyser and dictionary
(``search/kazakh_russian.py``), multiword entries first; numbers, Latin words and loanwords spelt alike carry
over. A word's senses are weighed by how often each occurs in the Russian part of this index (a sense no
paragraph uses is dropped) and only the ``MAX_SENSES`` likeliest are kept, the likeliest at full weight, so a
word with thirty dictionary senses does not count thirty times. The reverse reads the dictionary right to
left: a Russian query's lemmas become Kazakh lemmas searched in the Kazakh paragraphs.

The hits join the keyword leg as words from the other language (as borrowed words do, ``search/fusion.py``),
and their share of the translated words' idf is their evidence. What the query became is returned
(``translation``), so that a translator sees why a Russian paragraph answers a Kazakh question; ``dropped``
terms are left out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from indexer.analysis import is_stopword, russian_lemmas, tokenize
from indexer.term_matrix import Alternative, TermMatrix
from search.kazakh_russian import kazakh_candidates, translate_kazakh
from search.query import ParsedQuery

MAX_SENSES = 3


@dataclass(frozen=True)
class TranslatedQuery:
    lang: str  # the language the translation is searched in
    words: list[list[Alternative]]  # per translated query word, its weighted senses on that language's field
    terms: list[str]  # every term searched, in query order, as shown to the user


def translate_query(parsed: ParsedQuery, terms: TermMatrix, dropped: Collection[str] = ()) -> TranslatedQuery | None:
    """The query's words in the other language of the index (None if nothing could be translated)."""
    if parsed.kazakh:
        field, target = "ru", "ru"

        def seen(lemma: str) -> float:  # loanwords spelt alike carry over when the Russian paragraphs use them
            return terms.document_frequency("ru", _russian_term(lemma))

        senses = [
            [_russian_term(lemma) for lemma, _ in translation.candidates]
            for translation in translate_kazakh(parsed.words, prior=seen)
        ]
    else:
        field, target = "kk", "kk"
        senses = [
            [kazakh for lemma in russian_lemmas(word)[:1] for kazakh, _ in kazakh_candidates(lemma)]
            for word in parsed.words
            if not is_stopword(word) and not word.isdigit()
        ]
    words: list[list[Alternative]] = []
    shown: list[str] = []
    for candidates in senses:
        found = {term: terms.document_frequency(field, term) for term in candidates if term and term not in dropped}
        likeliest = sorted((term for term, count in found.items() if count), key=lambda t: -found[t])[:MAX_SENSES]
        # A word without a translation stays, with no terms: it weighs as an unknown word in the evidence.
        words.append([(field, (term,), found[term] / found[likeliest[0]]) for term in likeliest])
        shown += [term for term in likeliest if term not in shown]
    return TranslatedQuery(target, words, shown) if shown else None


def _russian_term(lemma: str) -> str:
    """A dictionary lemma as the Russian field holds it: pymorphy3's normal form of its content word (the
    dictionary's ``наручники`` is the index's ``наручник``); empty for a phrase of several content words."""
    content = [token.text for token in tokenize(lemma) if not is_stopword(token.text)]
    return russian_lemmas(content[0])[0] if len(content) == 1 else ""
