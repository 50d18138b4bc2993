"""Turn what a user typed into a keyword query: words, "quoted phrases", prefix*, fuzzy~ and -excluded words.

Every word is looked up three ways at once, so an inflected form finds the others: its exact normalised form
(boosted, so the exact wording ranks first), its Russian lemmas, and its Kazakh stem. A query written with
Kazakh letters skips the Russian lemmas, which pymorphy3 would invent for Kazakh words. Unbalanced quotes and
stray operators are read as plain text, never as an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as q

from indexer.analysis import is_stopword, kazakh_stem, normalise, russian_lemmas, tokenize
from indexer.language import detect_language
from indexer.term_matrix import Alternative

EXACT_BOOST = 0.3
PHRASE_BOOST = 2.0
MAX_QUERY_CHARS = 500

_SYNTAX = re.compile(r'"([^"]+)"|(?<!\S)-(\w+)|(\w+)\*|(\w+)~|[^"\s]+|"')


@dataclass
class ParsedQuery:
    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    identifiers: list[list[str]] = field(default_factory=list)  # ДС-219, 13.08.2014, COVID-19: matched as phrases
    lang: str = "other"  # of the query text, as indexer.language tells it

    @property
    def kazakh(self) -> bool:
        return self.lang == "kk"

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases or self.prefixes or self.fuzzy or self.identifiers)

    def all_words(self) -> list[str]:
        return [*self.words, *(w for phrase in [*self.phrases, *self.identifiers] for w in phrase), *self.fuzzy]


def _words(text: str) -> list[str]:
    return [token.text for token in tokenize(text)]


def parse_query(text: str) -> ParsedQuery:
    """The parts of a query string; it is cut to MAX_QUERY_CHARS."""
    text = text[:MAX_QUERY_CHARS]
    parsed = ParsedQuery(lang=detect_language(text))
    for match in _SYNTAX.finditer(text):
        phrase, excluded, prefix, fuzzy = match.group(1, 2, 3, 4)
        if phrase is not None:
            words = _words(phrase)
            if len(words) > 1:
                parsed.phrases.append(words)
            else:
                parsed.words.extend(words)
        elif excluded:
            parsed.excluded.extend(_words(excluded))
        elif prefix:
            parsed.prefixes.append(normalise(prefix))
        elif fuzzy:
            parsed.fuzzy.append(normalise(fuzzy))
        else:
            words = _words(match.group(0))
            if len(words) > 1 and any(w.isdigit() for w in words):
                parsed.identifiers.append(words)
            else:
                parsed.words.extend(words)
    content = [w for w in parsed.words if not is_stopword(w)]
    if content or parsed.phrases or parsed.prefixes or parsed.fuzzy or parsed.identifiers:
        parsed.words = content
    return parsed


def word_alternatives(word: str, kazakh: bool) -> list[Alternative]:
    """The ways one query word matches: exact form (boosted low), Kazakh stem, best of its Russian lemmas."""
    alternatives: list[Alternative] = [("exact", (word,), EXACT_BOOST), ("kk", (kazakh_stem(word),), 1.0)]
    if not kazakh and not word.isdigit():
        alternatives.append(("ru", russian_lemmas(word), 1.0))
    return alternatives


def _word_query(word: str, kazakh: bool) -> q.Query:
    parts: list[q.Query] = []
    for field_name, terms, boost in word_alternatives(word, kazakh):
        # several lemmas are rival readings of one word: the best counts, not their sum
        terms_query = [q.Term(field_name, term) for term in terms]
        part = terms_query[0] if len(terms_query) == 1 else q.DisjunctionMax(terms_query)
        part.boost = boost
        parts.append(part)
    return q.Or(parts)


def _phrase_query(words: list[str], kazakh: bool) -> q.Query:
    parts: list[q.Query] = [
        q.Phrase("exact", words, boost=PHRASE_BOOST),
        q.Phrase("kk", [kazakh_stem(w) for w in words]),
    ]
    if not kazakh:
        parts.append(q.Phrase("ru", [russian_lemmas(w)[0] for w in words]))
    return q.Or(parts)


def keyword_query(parsed: ParsedQuery, strict_phrases: bool = True) -> q.Query:
    """The whoosh query for a parsed query. With ``strict_phrases`` every phrase must match."""
    scored: list[q.Query] = [_word_query(w, parsed.kazakh) for w in parsed.words]
    scored += [q.Prefix("exact", p, constantscore=False) for p in parsed.prefixes]
    scored += [q.FuzzyTerm("exact", w, maxdist=1, prefixlength=1) for w in parsed.fuzzy]
    scored += [_phrase_query(words, parsed.kazakh) for words in parsed.identifiers]
    phrases = [_phrase_query(words, parsed.kazakh) for words in parsed.phrases]
    if not strict_phrases:
        scored += [_word_query(w, parsed.kazakh) for words in parsed.phrases for w in words if not is_stopword(w)]
        phrases = []
    if phrases:
        required = q.And(phrases)
        result: q.Query = q.AndMaybe(required, q.Or(scored)) if scored else required
    else:
        result = q.Or(scored) if scored else q.NullQuery
    if parsed.excluded:
        result = q.AndNot(result, q.Or([q.Term("exact", w) for w in parsed.excluded]))
    return result


def exact_match_query(parsed: ParsedQuery) -> q.Query | None:
    """What a paragraph must contain to rank above mere look-alikes: every quoted phrase and identifier."""
    wanted = [_phrase_query(words, parsed.kazakh) for words in [*parsed.phrases, *parsed.identifiers]]
    return q.And(wanted) if wanted else None


def query_words(parsed: ParsedQuery) -> list[list[Alternative]]:
    """The alternatives of each content word of the query: what the fast keyword path sums, and what a hit's
    matched terms are checked against to count the words it matches."""
    return [word_alternatives(w, parsed.kazakh) for w in parsed.all_words() if not is_stopword(w)]


def text_words(text: str) -> list[list[Alternative]]:
    """Each distinct content word of a running text as a plain query word; no query syntax is read in it."""
    kazakh = detect_language(text) == "kk"
    return [word_alternatives(w, kazakh) for w in dict.fromkeys(_words(text)) if not is_stopword(w)]


def plain_words(parsed: ParsedQuery) -> bool:
    """Whether the query is an OR of words only (no phrase, prefix, fuzzy word, identifier or exclusion)."""
    return not (parsed.phrases or parsed.prefixes or parsed.fuzzy or parsed.identifiers or parsed.excluded)
