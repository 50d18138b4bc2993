"""The generation's vocabulary for search suggestions: words and frequent two- and three-word phrases.

Each entry is stored with the number of paragraphs it occurs in and its most common written form
(``Конституционный Суд``, not ``конституционный суд``). Phrases are runs of content words that occur in at
least ``MIN_PHRASE_PARAGRAPHS`` paragraphs, so suggestions complete to wording the reports actually use.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from indexer.analysis import is_stopword, tokenize

VOCABULARY = "vocabulary.tsv"
MIN_WORD_CHARS = 3
MIN_PHRASE_PARAGRAPHS = 2
MAX_PHRASE_WORDS = 3


def build_vocabulary(texts: list[str]) -> list[tuple[str, int, str]]:
    """(normalised entry, paragraph count, display form) for words and frequent phrases, sorted by entry."""
    counts: Counter[str] = Counter()
    shapes: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        seen: set[str] = set()
        tokens = list(tokenize(text))
        for i, token in enumerate(tokens):
            if token.text.isdigit() or len(token.text) < MIN_WORD_CHARS or is_stopword(token.text):
                continue
            for length in range(1, MAX_PHRASE_WORDS + 1):
                run = tokens[i : i + length]
                if len(run) < length or any(t.text.isdigit() or is_stopword(t.text) for t in run[1:]):
                    break
                if length > 1 and text[run[-2].end : run[-1].start] != " ":
                    break  # punctuation or a table cell between the words: not a phrase
                entry = " ".join(t.text for t in run)
                shapes[entry][text[run[0].start : run[-1].end]] += 1
                if entry not in seen:
                    seen.add(entry)
                    counts[entry] += 1
    return sorted(
        (entry, count, shapes[entry].most_common(1)[0][0])
        for entry, count in counts.items()
        if " " not in entry or count >= MIN_PHRASE_PARAGRAPHS
    )


def write_vocabulary(path: Path, entries: list[tuple[str, int, str]]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for entry, count, shape in entries:
            out.write(f"{entry}\t{count}\t{shape}\n")


def read_vocabulary(path: Path) -> list[tuple[str, int, str]]:
    with open(path, encoding="utf-8") as lines:
        return [(entry, int(count), shape) for entry, count, shape in (line.rstrip("\n").split("\t") for line in lines)]
