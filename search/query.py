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
    kazakh: bool = False

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
    parsed = ParsedQuery(kazakh=detect_language(text) == "kk")
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


def _word_query(word: str, kazakh: bool) -> q.Query:
    parts: list[q.Query] = [q.Term("exact", word, boost=EXACT_BOOST), q.Term("kk", kazakh_stem(word))]
    if not kazakh and not word.isdigit():
        lemmas = russian_lemmas(word)
        parts.append(
            q.Term("ru", lemmas[0]) if len(lemmas) == 1 else q.DisjunctionMax([q.Term("ru", lemma) for lemma in lemmas])
        )
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


def word_terms(parsed: ParsedQuery) -> list[frozenset[tuple[str, str]]]:
    """For each content word of the query, the index terms that count as matching it (for coverage)."""
    terms = []
    for word in parsed.all_words():
        if is_stopword(word):
            continue
        forms = {("exact", word), ("kk", kazakh_stem(word))}
        if word.isdigit():
            forms.add(("ru", word))
        elif not parsed.kazakh:
            forms.update(("ru", lemma) for lemma in russian_lemmas(word))
        terms.append(frozenset(forms))
    return terms
