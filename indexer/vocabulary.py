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


Entry = tuple[str, int, str]  # (normalised entry, paragraph count, display form)


def build_vocabulary(texts: list[str]) -> list[Entry]:
    """(normalised entry, paragraph count, display form) for words and frequent phrases, sorted by entry."""
    counts, shapes = _count_entries(texts)
    return _entries(counts, {entry: forms.most_common(1)[0][0] for entry, forms in shapes.items()})


def update_vocabulary(entries: list[Entry], removed: list[str], added: list[str]) -> list[Entry]:
    """``entries`` less the counts of the ``removed`` texts, plus those of the ``added`` ones.

    A phrase below ``MIN_PHRASE_PARAGRAPHS`` was not stored, so one seen once before and once in an added text
    counts one until the next full build: suggestions miss it for a while, and none is ever wrong.
    """
    counts = Counter({entry: count for entry, count, _ in entries})
    shown = {entry: shape for entry, _, shape in entries}
    counts.subtract(_count_entries(removed)[0])
    new_counts, new_shapes = _count_entries(added)
    counts.update(new_counts)
    for entry, forms in new_shapes.items():
        shown.setdefault(entry, forms.most_common(1)[0][0])
    return _entries(counts, shown)


def _entries(counts: Counter[str], shown: dict[str, str]) -> list[Entry]:
    return sorted(
        (entry, count, shown[entry])
        for entry, count in counts.items()
        if count > 0 and (" " not in entry or count >= MIN_PHRASE_PARAGRAPHS)
    )


def _count_entries(texts: list[str]) -> tuple[Counter[str], dict[str, Counter[str]]]:
    """How many of ``texts`` hold each word and phrase, and how often each is written in each way."""
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
    return counts, shapes


def write_vocabulary(path: Path, entries: list[Entry]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for entry, count, shape in entries:
            out.write(f"{entry}\t{count}\t{shape}\n")


def read_vocabulary(path: Path) -> list[Entry]:
    with open(path, encoding="utf-8") as lines:
        return [(entry, int(count), shape) for entry, count, shape in (line.rstrip("\n").split("\t") for line in lines)]
