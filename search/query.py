"""Turn what a user typed into a keyword query: words, "quoted phrases", prefix*, fuzzy~ and -excluded words.

Every word is looked up three ways at once, so an inflected form finds the others: its exact normalised form
(boosted, so the exact wording ranks first), its Russian lemmas, and its Kazakh stem. A query written with
Kazakh letters skips the Russian lemmas, which pymorphy3 would invent for Kazakh words. Unbalanced quotes and
stray operators are read as plain text, never as an error.

A query's cost is bounded here and in ``search/expansion.py``: the text is cut at ``MAX_QUERY_CHARS``, a prefix
needs ``MIN_PREFIX`` letters, and at most ``MAX_QUERY_WORDS`` words are searched; each cut is a ``Note``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from whoosh import query as q

from indexer.analysis import analyse_word, is_stopword, kazakh_forms, normalise, russian_lemmas, tokenize
from indexer.language import detect_language
from indexer.term_matrix import Alternative
from search.notes import Note

EXACT_BOOST = 0.3
MAX_QUERY_CHARS = 500
MIN_PREFIX = 3  # letters before a *: "с*" would be every word with an s
MAX_QUERY_WORDS = 32  # words, phrase words, prefixes and fuzzy words searched; the rest are dropped
COSTLY_WORDS = 12  # a query of more words than this takes its turn with the other costly ones
MAX_FUZZY = 8  # fuzzy words expanded as such (each costs ~2,000 look-ups); the rest are searched as words
# The semantic leg embeds at most this much of the query: the encoder's cost grows with the text (300
# characters ~40 ms, 3-4 times a short query). Every judged query and benchmark question is shorter.
MAX_MEANING_CHARS = 300

_EXCLUDED = re.compile(r"(?<!\S)-\w+")
_OPERATORS = re.compile(r'["*~]')
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
    notes: list[Note] = field(default_factory=list)  # what was cut or read differently from what was typed

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
    """The parts of a query string; it is cut to MAX_QUERY_CHARS, and to MAX_QUERY_WORDS words."""
    notes = [Note("query_cut", chars=MAX_QUERY_CHARS)] if len(text) > MAX_QUERY_CHARS else []
    text = text[:MAX_QUERY_CHARS]
    parsed = ParsedQuery(lang=detect_language(text), notes=notes)
    short: list[str] = []  # prefixes too short to expand
    plain_fuzzy: list[str] = []  # fuzzy words beyond MAX_FUZZY
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
        elif prefix and len(normalise(prefix)) < MIN_PREFIX:
            parsed.words.extend(_words(prefix))
            short.append(f"{prefix}*")
        elif prefix:
            parsed.prefixes.append(normalise(prefix))
        elif fuzzy and len(parsed.fuzzy) >= MAX_FUZZY:
            parsed.words.extend(_words(fuzzy))
            plain_fuzzy.append(f"{fuzzy}~")
        elif fuzzy:
            parsed.fuzzy.append(normalise(fuzzy))
        else:
            words = _words(match.group(0))
            if len(words) > 1 and any(w.isdigit() for w in words):
                parsed.identifiers.append(words)
            else:
                parsed.words.extend(words)
    if plain_fuzzy:
        parsed.notes.append(Note("fuzzy_many", patterns=", ".join(plain_fuzzy), fuzzy=MAX_FUZZY))
    if short:
        parsed.notes.append(Note("prefix_short", patterns=", ".join(short), letters=MIN_PREFIX))
    content = [w for w in parsed.words if not is_stopword(w)]
    if content or parsed.phrases or parsed.prefixes or parsed.fuzzy or parsed.identifiers:
        parsed.words = content
    _cut_to_max_words(parsed)
    return parsed


def _cut_to_max_words(parsed: ParsedQuery) -> None:
    """Keep the first MAX_QUERY_WORDS words, counting phrases', identifiers', prefixes and fuzzy words."""
    budget = MAX_QUERY_WORDS
    typed = len(parsed.all_words()) + len(parsed.prefixes)
    if typed <= budget:
        return
    kept_groups = []
    for group in (parsed.phrases, parsed.identifiers):
        kept = []
        for words in group:
            if len(words) <= budget:
                kept.append(words)
                budget -= len(words)
        kept_groups.append(kept)
    parsed.phrases, parsed.identifiers = kept_groups
    for name in ("words", "prefixes", "fuzzy"):
        items = getattr(parsed, name)[:budget]
        budget -= len(items)
        setattr(parsed, name, items)
    parsed.notes.append(Note("words_cut", words=typed, searched=MAX_QUERY_WORDS - budget))


def is_costly(parsed: ParsedQuery) -> bool:
    """Whether a query may cost several normal ones: phrases and identifiers (whoosh), prefix and fuzzy words
    (expansions), or a long text (the encoder). The engine runs such queries one at a time."""
    long = len(parsed.all_words()) + len(parsed.prefixes) > COSTLY_WORDS
    return bool(parsed.phrases or parsed.identifiers or parsed.prefixes or parsed.fuzzy or long)


def meaning_text(text: str) -> tuple[str, bool]:
    """What the semantic leg embeds, and whether it had to be cut: the query as typed, less its excluded words
    and operator signs (they mean nothing to the encoder and cost it tokens), cut at a word within
    MAX_MEANING_CHARS characters."""
    plain = " ".join(_OPERATORS.sub(" ", _EXCLUDED.sub(" ", text[:MAX_QUERY_CHARS])).split())
    if len(plain) <= MAX_MEANING_CHARS:
        return plain, False
    cut = plain[: MAX_MEANING_CHARS + 1]
    return cut[: cut.rfind(" ")] if " " in cut else cut[:MAX_MEANING_CHARS], True


def word_alternatives(word: str, kazakh: bool) -> list[Alternative]:
    """The ways one query word matches: exact form (boosted low), best of its Kazakh and of its Russian lemmas."""
    alternatives: list[Alternative] = [("exact", (word,), EXACT_BOOST), ("kk", kazakh_forms(word), 1.0)]
    if not kazakh and not word.isdigit():
        alternatives.append(("ru", russian_lemmas(word), 1.0))
    return alternatives


def _phrase_query(words: list[str], kazakh: bool) -> q.Query:
    """Rows holding ``words`` side by side, in any of their index forms (a word's forms share its position).

    Every paragraph fills the exact field and one of ru or kk, each word at the same position in both with
    every form ``analyse_word`` gives it: whatever holds a phrase word for word holds its first forms there
    too. So a non-Kazakh query needs no exact part (it cost a third of a phrase's time, 0.3 s of 1.3 for a
    phrase of frequent words at a million paragraphs); a Kazakh query, which has no ru part, keeps it for
    Russian paragraphs. The rows are unscored: they decide which hits are required or rank first."""
    parts: list[q.Query] = [q.Phrase("kk", [analyse_word(w, "kk")[0] for w in words])]
    if kazakh:
        parts.append(q.Phrase("exact", words))
    else:
        parts.append(q.Phrase("ru", [analyse_word(w, "ru")[0] for w in words]))
    return q.Or(parts)


def patterns(parsed: ParsedQuery) -> list[str]:
    """The query's prefix and fuzzy terms as typed (``прав*``, ``пытк~``): the keys of their expansions."""
    return [f"{p}*" for p in parsed.prefixes] + [f"{w}~" for w in parsed.fuzzy]


def excluded_terms(parsed: ParsedQuery) -> list[tuple[str, str]]:
    """(field, term) of every form of the excluded words: exact form, Russian lemmas, Kazakh stem."""
    return [(f, t) for w in parsed.excluded for f, terms, _ in word_alternatives(w, parsed.kazakh) for t in terms]


def phrases_query(parsed: ParsedQuery, identifiers: bool = False) -> q.Query | None:
    """The whoosh query for rows holding every quoted phrase (and, with ``identifiers``, every identifier):
    what a paragraph must contain to be a result, or to rank above mere look-alikes."""
    wanted = [_phrase_query(words, parsed.kazakh) for words in [*parsed.phrases, *parsed.identifiers * identifiers]]
    return q.And(wanted) if wanted else None


def query_words(parsed: ParsedQuery, expansions: Mapping[str, tuple[str, ...]]) -> list[list[Alternative]]:
    """The alternatives of each content word of the query (a prefix or fuzzy word: its ``expansions``): what
    the fast keyword path sums, and what a hit's matched terms are checked against to count its words."""
    typed = [*parsed.words, *(w for phrase in [*parsed.phrases, *parsed.identifiers] for w in phrase)]
    words = [word_alternatives(w, parsed.kazakh) for w in typed if not is_stopword(w)]
    words += [[("exact", expansions[pattern], 1.0)] for pattern in patterns(parsed) if expansions[pattern]]
    return words


def text_words(text: str) -> list[list[Alternative]]:
    """Each distinct content word of a running text as a plain query word; no query syntax is read in it."""
    kazakh = detect_language(text) == "kk"
    return [word_alternatives(w, kazakh) for w in dict.fromkeys(_words(text)) if not is_stopword(w)]
