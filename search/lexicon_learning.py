"""Learn Kazakh → Russian word translations from parallel sentences, to fill holes in the Apertium dictionary.

    python -m search.lexicon_learning ../shared/data/kk_ru_gov_parallel/*.tsv > models/apertium/kaz_rus_learned.tsv

The dictionary translates ``сотталған`` (convicted) by its verb, ``судить``, where the reports say
``осуждённый``, and knows nothing of many administrative words. Government sites publish the same text in both
languages; over their line pairs a Kazakh lemma and the Russian lemma that translates it occur together far
more often than chance. A Kazakh lemma (the analyser's, as the index holds it) and a Russian lemma are a pair
when each is the other's best partner by the Dice coefficient, ``2·both / (kazakh + russian)``, and that is at
least ``MIN_DICE`` over at least ``MIN_PAIRS`` line pairs; pairs the dictionary already has are left out. Of
the pairs that the dictionary can check (its headwords), 63 % are among its own senses, and most of the others
are right where it is silent (``сотта`` → осудить, ``тиімділік`` → эффективность, ``басымдық`` → приоритет).
The output is in the dictionary's own form (``search/kazakh_russian.py`` reads it after Apertium's and our
human-rights terms), direction ``kk-ru``: a learnt pair is used for Kazakh queries only.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from indexer.analysis import is_stopword, russian_lemmas, tokenize
from indexer.kazakh_morphology import kazakh_analyses
from search.kazakh_russian import DICTIONARY_PATH, RIGHTS_TERMS_PATH, is_function_word, read_dictionary_files

MIN_PAIRS = 5
MIN_DICE = 0.4
HEADER = "kazakh\tkazakh_pos\trussian\trussian_pos\tdirection"


def kazakh_lemmas(text: str) -> set[tuple[str, str]]:
    """The content words of a Kazakh line as (lemma, part of speech) of their first reading."""
    lemmas = set()
    for token in tokenize(text):
        word = token.text
        if word.isdigit() or is_function_word(word):
            continue
        analyses = kazakh_analyses(word)
        if analyses and analyses[0].pos not in {"np", "num"}:
            lemmas.add((analyses[0].lemma, analyses[0].pos))
    return lemmas


def russian_content_lemmas(text: str) -> set[str]:
    """The content words of a Russian line as their likeliest lemma."""
    return {
        russian_lemmas(token.text)[0]
        for token in tokenize(text)
        if not token.text.isdigit() and not is_stopword(token.text) and len(token.text) > 2
    }


def read_pairs(paths: Iterable[Path]) -> Iterator[tuple[str, str]]:
    """(Kazakh, Russian) lines of TSV files with a ``kk ru`` header."""
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        for line in lines[1:]:
            kazakh, _, russian = line.partition("\t")
            if kazakh.strip() and russian.strip():
                yield kazakh, russian


def learn(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str, str, float]]:
    """(Kazakh lemma, its part of speech, Russian lemma, Dice) of the mutual best pairs, by Kazakh lemma."""
    kazakh_counts: Counter[tuple[str, str]] = Counter()
    russian_counts: Counter[str] = Counter()
    both: Counter[tuple[tuple[str, str], str]] = Counter()
    for kazakh_line, russian_line in pairs:
        in_kazakh, in_russian = kazakh_lemmas(kazakh_line), russian_content_lemmas(russian_line)
        kazakh_counts.update(in_kazakh)
        russian_counts.update(in_russian)
        both.update((k, r) for k in in_kazakh for r in in_russian)
    dice = {
        (kazakh, russian): 2 * count / (kazakh_counts[kazakh] + russian_counts[russian])
        for (kazakh, russian), count in both.items()
        if count >= MIN_PAIRS
    }
    best_russian: dict[tuple[str, str], tuple[float, str]] = {}
    best_kazakh: dict[str, tuple[float, tuple[str, str]]] = {}
    for (kazakh, russian), value in dice.items():
        best_russian[kazakh] = max(best_russian.get(kazakh, (0.0, "")), (value, russian))
        best_kazakh[russian] = max(best_kazakh.get(russian, (0.0, ("", ""))), (value, kazakh))
    known = read_dictionary_files((DICTIONARY_PATH, RIGHTS_TERMS_PATH)).kazakh  # what the learnt pairs add to
    return [
        (lemma, pos, russian, value)
        for (lemma, pos), (value, russian) in sorted(best_russian.items())
        if value >= MIN_DICE
        and best_kazakh[russian][1] == (lemma, pos)
        and russian not in {entry.russian for entry in known.get(lemma, [])}
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search.lexicon_learning", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="TSV files of kk⇥ru line pairs, with a header row")
    args = parser.parse_args(argv)
    print(HEADER)
    for lemma, pos, russian, _ in learn(read_pairs(args.files)):
        print(f"{lemma}\t{pos}\t{russian}\tlearnt\tkk-ru")
    return 0


if __name__ == "__main__":
    sys.exit(main())
