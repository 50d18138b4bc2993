"""Kazakh ↔ Russian word translation through the Apertium bilingual dictionary (``models/apertium/kaz_rus.tsv``).

Most answers in the reports are in Russian, so a Kazakh query's words are also searched as Russian lemmas: a
word's analyser lemmas (:mod:`indexer.kazakh_morphology`) are the dictionary's Kazakh headwords, and each
headword has one or more Russian lemmas (``жазасы`` → жаза → наказание, кара, репрессия, возмездие). A word with
several senses must not count several times over, so a word's candidates share a weight of 1: evenly by
default, or in proportion to a ``prior`` the caller knows better (how often each candidate occurs in the Russian
paragraphs of the index, its cosine to the query's embedding). Senses that fit the analysis's part of speech are
preferred (``басы``, a noun, is голова, not давить).

What the dictionary cannot translate but Russian shares is carried over unchanged: numbers, Latin words
(``covid``), and loanwords spelt alike: a form without Kazakh letters, less its Kazakh ending, that pymorphy3
knows (``психологтарды`` → психолог) or that the prior has seen (``пробация``, given the Russian index's
frequencies). A derived word missing from the dictionary takes its base's senses (``жылғы`` → жыл → год).

Multiword entries (``бас тарту`` → отказываться) take precedence over their words' own senses in
:func:`translate_kazakh`. The reverse, :func:`kazakh_candidates`, reads the dictionary right to left, so a
Russian query can search Kazakh paragraphs.

The dictionary is GPL-3.0 (Apertium), shipped as a data file; see ``models/apertium/README.md``.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path
from typing import NamedTuple

from indexer.analysis import KAZAKH_LETTERS, KAZAKH_STOPWORDS, is_known_russian_word, russian_lemmas
from indexer.kazakh_morphology import APERTIUM_DIR, Analysis, kazakh_analyses
from indexer.kazakh_stemmer import kazakh_stem

DICTIONARY_PATH = APERTIUM_DIR / "kaz_rus.tsv"
# Pairs learnt from Kazakh–Russian government texts where the dictionary is silent (search/lexicon_learning.py).
LEARNT_PATH = APERTIUM_DIR / "kaz_rus_learned.tsv"
# Our own additions in the same form (not Apertium's; same licence as the code): the reports' human-rights terms
# and abbreviations that the dictionary lacks or gives only other senses of (азаптау: инквизиция, not пытка).
RIGHTS_TERMS_PATH = Path(__file__).resolve().parent / "data" / "kaz_rus_rights.tsv"

Prior = Callable[[str], float]
"""A candidate lemma's plausibility before the query is seen (≥ 0): index frequency, embedding cosine, …"""

# Apertium's parts of speech that carry no topic: postpositions, conjunctions, pronouns, determiners, particles,
# interjections, modal and parenthetical words.
FUNCTION_POS = frozenset(
    {"post", "postadv", "cnjcoo", "cnjsub", "cnjadv", "prn", "det", "ij", "cop", "qst", "emph", "mod", "paren"}
)
_MIN_COGNATE = 5  # letters: shorter stems that pymorphy3 knows are too often a different Russian word (бас, тар)
# A plural, case or possessive ending, whatever its vowel: Kazakh endings of Russian loanwords often break the
# vowel harmony the stemmer checks (референдум-да).
_LOANWORD_ENDINGS = sorted(
    "лар лер дар дер тар тер да де та те нда нде ға ге қа ке на не ны ні ды ді ты ті ның нің дың дің тың тің "
    "нан нен дан ден тан тен мен бен пен сы сі ы і".split(),
    key=len,
    reverse=True,
)
# Derivational suffixes that make adjectives and abstract nouns of a headword: -ғы (жыл-ғы), -лық (адам-дық).
_DERIVATIONS = "ғы гі қы кі лық лік дық дік тық тік".split()
_MIN_BASE = 3


class Entry(NamedTuple):
    kazakh: str
    kazakh_pos: str
    russian: str
    russian_pos: str


class Translation(NamedTuple):
    """Words of a Kazakh query (one, or several for a multiword entry) and their weighted Russian lemmas."""

    words: tuple[str, ...]
    candidates: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Dictionary:
    """Entries indexed both ways; multiword Kazakh headwords also by their first word, longest first."""

    kazakh: dict[str, list[Entry]]
    russian: dict[str, list[Entry]]
    phrases: dict[str, list[tuple[str, ...]]]


def _normal(text: str) -> str:
    return text.lower().replace("ё", "е")


def read_dictionary(lines: Iterable[str]) -> Dictionary:
    """A dictionary from the lines of ``kaz_rus.tsv`` (header first), lemmas lower-cased and ``ё`` → ``е`` as the
    index normalises them."""
    kazakh: defaultdict[str, list[Entry]] = defaultdict(list)
    russian: defaultdict[str, list[Entry]] = defaultdict(list)
    phrases: defaultdict[str, set[tuple[str, ...]]] = defaultdict(set)
    rows = iter(lines)
    next(rows)
    for line in rows:
        kazakh_lemma, kazakh_pos, russian_lemma, russian_pos, direction = line.rstrip("\n").split("\t")
        entry = Entry(_normal(kazakh_lemma), kazakh_pos, _normal(russian_lemma), russian_pos)
        if direction != "ru-kk":
            kazakh[entry.kazakh].append(entry)
            words = tuple(entry.kazakh.split())
            if len(words) > 1:
                phrases[words[0]].add(words)
        if direction != "kk-ru":
            russian[entry.russian].append(entry)
    longest_first = {first: sorted(found, key=lambda words: (-len(words), words)) for first, found in phrases.items()}
    return Dictionary(dict(kazakh), dict(russian), longest_first)


_lock = threading.Lock()
_dictionary: Dictionary | None = None


def dictionary() -> Dictionary:
    """The shipped dictionary, our human-rights terms and the learnt pairs, read once (about 0.1 s) on first
    use; a word's senses keep that order."""
    global _dictionary
    with _lock:
        if _dictionary is None:
            _dictionary = read_dictionary_files((DICTIONARY_PATH, RIGHTS_TERMS_PATH, LEARNT_PATH))
        return _dictionary


def read_dictionary_files(paths: Sequence[Path]) -> Dictionary:
    """One dictionary of several files of the same form, each with its header row."""
    with ExitStack() as stack:
        files = [stack.enter_context(path.open(encoding="utf-8")) for path in paths]
        return read_dictionary(chain(files[0], *(islice(more, 1, None) for more in files[1:])))


def weigh(lemmas: Sequence[str], prior: Prior | None = None) -> list[tuple[str, float]]:
    """Share a weight of 1 among a word's candidate lemmas: in proportion to ``prior``, evenly without one (or
    when the prior gives them all nothing)."""
    scores = [max(prior(lemma), 0.0) for lemma in lemmas] if prior else []
    total = sum(scores)
    if not total:
        return [(lemma, 1 / len(lemmas)) for lemma in lemmas]
    return [(lemma, score / total) for lemma, score in zip(lemmas, scores, strict=True)]


def carried_over(word: str) -> bool:
    """Words that are the same in both languages as they stand: numbers and words in Latin letters."""
    return word.isdigit() or (word.isascii() and word.isalnum())


def _loanword_forms(word: str) -> Iterator[str]:
    """Forms of a word without Kazakh letters that Russian may spell alike: the word, its stem, and the word less a
    Kazakh ending whatever its vowel (``референдумда``: Kazakh endings of loanwords often break vowel harmony)."""
    word = _normal(word)
    if KAZAKH_LETTERS.intersection(word):
        return
    bare = (word.removesuffix(ending) for ending in _LOANWORD_ENDINGS if word.endswith(ending))
    for form in (word, kazakh_stem(word), *bare):
        if len(form) >= _MIN_COGNATE:
            yield form


def _cognate(word: str) -> tuple[str, ...]:
    """Russian lemmas of a word that pymorphy3 knows as Russian in one of its loanword forms (``блогерлер`` →
    блогер, ``референдумда`` → референдум), else ()."""
    for form in _loanword_forms(word):
        if is_known_russian_word(form):
            return russian_lemmas(form)
    return ()


def _attested(word: str, prior: Prior) -> tuple[str, ...]:
    """Russian lemmas of a loanword form that pymorphy3 does not know but that ``prior`` has seen (``пробация``,
    when the Russian paragraphs of the index have it), else ()."""
    for form in _loanword_forms(word):
        lemmas = tuple(lemma for lemma in russian_lemmas(form) if prior(lemma) > 0)
        if lemmas:
            return lemmas
    return ()


def _derived_base(lemma: str) -> str | None:
    """The headword a lemma missing from the dictionary is derived from (``жылғы`` "of the year" → жыл, year;
    ``конституциялық`` → конституция), if the dictionary has it."""
    for suffix in _DERIVATIONS:
        base = lemma.removesuffix(suffix)
        if base != lemma and len(base) >= _MIN_BASE and base in dictionary().kazakh:
            return base
    return None


def _senses(analyses: Sequence[Analysis]) -> list[str]:
    """Russian lemmas of a word's readings, dictionary order: senses of the reading's part of speech where the
    dictionary has them, all the lemma's senses otherwise; if no reading is a headword, those of the headword it
    is derived from, or the lemma itself where Russian spells it alike."""
    entries = dictionary().kazakh
    lemmas: dict[str, None] = {}
    for analysis in analyses:
        found = entries.get(analysis.lemma, [])
        fitting = [entry for entry in found if entry.kazakh_pos == analysis.pos] or found
        lemmas.update((entry.russian, None) for entry in fitting)
    if not lemmas:  # no reading is a headword: a derived word's base, else a loanword's Russian lemma
        for analysis in analyses:
            base = _derived_base(analysis.lemma)
            lemmas.update((entry.russian, None) for entry in (entries[base] if base else []))
            lemmas.update((lemma, None) for lemma in _cognate(analysis.lemma))
    return list(lemmas)


def is_function_word(word: str) -> bool:
    """Kazakh words that carry no topic (stop words, or every reading a postposition, conjunction, pronoun, …)."""
    analyses = kazakh_analyses(word)
    return _normal(word) in KAZAKH_STOPWORDS or (bool(analyses) and all(a.pos in FUNCTION_POS for a in analyses))


def russian_candidates(word: str, prior: Prior | None = None) -> list[tuple[str, float]]:
    """Weighted Russian lemmas of one Kazakh word form: ``соттардың`` → [(суд, …), (судебный, …), (судить, …)].

    Numbers and Latin words come back unchanged; so does a loanword Russian spells alike (pymorphy3 knows it, or
    ``prior`` has seen it). Any other word the analyser or the dictionary does not know gets [].
    """
    lemmas = _russian_lemmas(word)
    if not lemmas and prior is not None:
        lemmas = _attested(word, prior)
    return weigh(lemmas, prior) if lemmas else []


@lru_cache(maxsize=100_000)
def _russian_lemmas(word: str) -> tuple[str, ...]:
    """A word's Russian lemmas before weighing, once per word form."""
    if carried_over(word):
        return (_normal(word),)
    analyses = kazakh_analyses(word)
    if analyses:
        return tuple(_senses(analyses))
    # an abbreviation the analyser does not know may be one of ours (ҚАЖ, the penal system; not the verb қаж)
    entries = [entry for entry in dictionary().kazakh.get(_normal(word), []) if entry.kazakh_pos == "abbr"]
    return tuple(dict.fromkeys(entry.russian for entry in entries)) or _cognate(word)


def kazakh_candidates(russian_lemma: str, prior: Prior | None = None) -> list[tuple[str, float]]:
    """Weighted Kazakh lemmas of a Russian lemma, the dictionary read right to left: ``свобода`` → бостандық."""
    if carried_over(russian_lemma):
        return [(_normal(russian_lemma), 1.0)]
    entries = dictionary().russian.get(_normal(russian_lemma), [])
    lemmas = list(dict.fromkeys(entry.kazakh for entry in entries))
    return weigh(lemmas, prior) if lemmas else []


def _phrase_at(words: Sequence[str], start: int) -> tuple[str, ...] | None:
    """The longest multiword headword beginning at ``words[start]``: its words before the last are fixed forms
    (``бас тарт``), the last one inflects, so it matches by lemma (``бас тартуы``)."""
    first = _normal(words[start])
    for phrase in dictionary().phrases.get(first, []):
        end = start + len(phrase)
        if end > len(words) or [_normal(word) for word in words[start + 1 : end - 1]] != list(phrase[1:-1]):
            continue
        last = words[end - 1]
        if _normal(last) == phrase[-1] or phrase[-1] in {a.lemma for a in kazakh_analyses(last)}:
            return phrase
    return None


def translate_kazakh(words: Sequence[str], prior: Prior | None = None) -> list[Translation]:
    """The Russian candidates of a Kazakh query's words (tokens, in order): multiword entries first, longest
    match from the left; function words left out; a word without candidates kept, with none, so that a caller
    can say what was not translated."""
    translations: list[Translation] = []
    i = 0
    while i < len(words):
        phrase = _phrase_at(words, i)
        if phrase is not None:
            russian = list(dict.fromkeys(entry.russian for entry in dictionary().kazakh[" ".join(phrase)]))
            translations.append(Translation(tuple(words[i : i + len(phrase)]), tuple(weigh(russian, prior))))
            i += len(phrase)
            continue
        if not is_function_word(words[i]):
            translations.append(Translation((words[i],), tuple(russian_candidates(words[i], prior))))
        i += 1
    return translations
