"""Paragraph breaks the layout lost, found again in the document's own translation.

Kazakhstan's official letters and acts often give their text twice, in Kazakh and then in Russian, paragraph for
paragraph. Where a paragraph ends on a full line and the next one starts on the next line, the layout cannot tell
the break from a sentence break, and the splitter keeps the two together; the other language, whose lines fall
elsewhere, usually shows the break. So the two versions are aligned paragraph by paragraph by their lengths
(Gale & Church, 1993: a text's length and its translation's are proportional, with a normal spread), letting a
paragraph of one version match two of the other. A paragraph that matches two is cut at one of the places where
it may be cut (given by the splitter) if the two halves match the two paragraphs better than the whole matched
both, and neither half is a fragment.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from indexer.language import detect_language
from indexer.records import FRAGMENT_WORDS, word_count

# Gale & Church's priors for a paragraph matching one, none, or two of the other version's, and the variance of
# a translation's length per character of the original.
_PRIORS = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.089, (1, 2): 0.089}
_VARIANCE = 6.8
# Two runs of paragraphs are versions of one text only if both have a few paragraphs and about the same length.
_MIN_PARAGRAPHS = 3
_MAX_LENGTH_RATIO = 2.0
_LANGUAGES = frozenset({"kk", "ru"})
# A paragraph's translation is looked for within this many paragraphs of where the lengths of the two versions put
# it, so that a long document is aligned in linear time.
_BAND = 25


def translation_cuts(blocks: Sequence[Sequence[str]]) -> list[int | None]:
    """For each block (a paragraph, given as its pieces: its text cut at every place where it may be cut), the
    index of the piece before which to cut it, or None to keep it whole."""
    cuts: list[int | None] = [None] * len(blocks)
    runs = _language_runs([" ".join(pieces) for pieces in blocks])
    i = 0
    while i + 1 < len(runs):
        (first_language, first), (second_language, second) = runs[i], runs[i + 1]
        if {first_language, second_language} == _LANGUAGES and _versions_of_one_text(blocks, first, second):
            for block, piece in _cuts_between(blocks, first, second):
                cuts[block] = piece
            i += 2
        else:
            i += 1
    return cuts


def _language_runs(texts: list[str]) -> list[tuple[str, list[int]]]:
    """Consecutive blocks in one language, Kazakh or Russian; a block in neither stays in the run it is in."""
    runs: list[tuple[str, list[int]]] = []
    for index, text in enumerate(texts):
        language = detect_language(text)
        if runs and (language not in _LANGUAGES or language == runs[-1][0]):
            runs[-1][1].append(index)
        else:
            runs.append((language, [index]))
    return runs


def _length(blocks: Sequence[Sequence[str]], index: int) -> int:
    return len(" ".join(blocks[index]))


def _versions_of_one_text(blocks: Sequence[Sequence[str]], first: list[int], second: list[int]) -> bool:
    """Two runs are one text in two languages if both have a few paragraphs and about the same length."""
    if min(len(first), len(second)) < _MIN_PARAGRAPHS:
        return False
    lengths = [sum(_length(blocks, i) for i in run) for run in (first, second)]
    return max(lengths) <= _MAX_LENGTH_RATIO * min(lengths)


def _cost(length_a: int, length_b: int, ratio: float, prior: float) -> float:
    """Gale & Church's cost of matching text of ``length_a`` characters with ``length_b`` of the other version."""
    mean = (length_a + length_b / ratio) / 2
    delta = (length_b - length_a * ratio) / math.sqrt(max(mean, 1.0) * _VARIANCE)
    probability = math.erfc(abs(delta) / math.sqrt(2))  # two-sided: 2·(1 − Φ(|δ|))
    return -math.log(max(probability, 1e-300)) - math.log(prior)


def _cuts_between(blocks: Sequence[Sequence[str]], first: list[int], second: list[int]) -> list[tuple[int, int]]:
    """(block, piece) cuts that turn the two versions' two-to-one matches into one-to-one ones."""
    a = [_length(blocks, i) for i in first]
    b = [_length(blocks, i) for i in second]
    ratio = sum(b) / sum(a)
    best = {(0, 0): (0.0, (0, 0))}
    for i in range(len(a) + 1):
        diagonal = round(i * len(b) / len(a))
        for j in range(max(0, diagonal - _BAND), min(len(b), diagonal + _BAND) + 1):
            for (da, db), prior in _PRIORS.items():
                if (i, j) == (0, 0) or i < da or j < db or (i - da, j - db) not in best:
                    continue
                cost = best[(i - da, j - db)][0] + _cost(sum(a[i - da : i]), sum(b[j - db : j]), ratio, prior)
                if (i, j) not in best or cost < best[(i, j)][0]:
                    best[(i, j)] = (cost, (da, db))
    cuts = []
    i, j = len(a), len(b)
    while (i, j) != (0, 0):
        cost, (da, db) = best[(i, j)]
        step = cost - best[(i - da, j - db)][0]
        if (da, db) == (1, 2):
            cut = _best_cut(blocks[first[i - 1]], b[j - 2 : j], ratio, step, whole_first=True)
            cuts += [(first[i - 1], cut)] if cut else []
        elif (da, db) == (2, 1):
            cut = _best_cut(blocks[second[j - 1]], a[i - 2 : i], ratio, step, whole_first=False)
            cuts += [(second[j - 1], cut)] if cut else []
        i, j = i - da, j - db
    return cuts


def _best_cut(pieces: Sequence[str], others: list[int], ratio: float, merged: float, whole_first: bool) -> int | None:
    """The piece before which to cut a block matched with two paragraphs (``others``, their lengths) at cost
    ``merged``, if a cut matches them better; ``whole_first``: the block is in the first version."""
    found: int | None = None
    for piece in range(1, len(pieces)):
        halves = (" ".join(pieces[:piece]), " ".join(pieces[piece:]))
        if min(word_count(half) for half in halves) < FRAGMENT_WORDS:
            continue
        cost = sum(
            _cost(len(half), other, ratio, _PRIORS[(1, 1)])
            if whole_first
            else _cost(other, len(half), ratio, _PRIORS[(1, 1)])
            for half, other in zip(halves, others, strict=True)
        )
        if cost < merged:
            merged, found = cost, piece
    return found
