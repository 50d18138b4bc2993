"""Paragraphs too long to search or show are cut, between sentences, into consecutive paragraphs.

A text without paragraph breaks (a file with no line breaks, a PDF extracted into one line) would otherwise be
one "paragraph" of megabytes: embedded by its first 512 tokens only, indexed as one BM25 document and shown
whole as a result. Such a paragraph is cut at razdel's sentence boundaries into pieces of at most
``MAX_PARAGRAPH_CHARS``, of about equal length. A "sentence" longer than ``MAX_SENTENCE_CHARS`` (no boundary
razdel recognises) is cut first, at the last white space before that length, or hard where there is none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from indexer.paragraphs import Paragraph
from indexer.sentences import split_sentences

MAX_PARAGRAPH_CHARS = 4000
MAX_SENTENCE_CHARS = 1000
# razdel is quadratic in a run without white space (400k characters of "абв.абв.…" take 5 s), so it reads a
# long paragraph in windows of this size, cut where a sentence seems to end.
_WINDOW_CHARS = 5_000
# A cut looks this far back from the limit for a sentence end or a white space before cutting hard.
_LOOK_BACK = 200
_SENTENCE_END = re.compile(r"[.!?…]\S*\s")
_SPACE = re.compile(r"\s")


def split_long_paragraphs(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs, each longer than ``MAX_PARAGRAPH_CHARS`` cut in pieces, numbered 1, 2, 3 … again.

    A piece keeps its paragraph's label, section and source lines; a keyed paragraph (a BEIR record) keeps its
    key on the first piece, and the next ones are keyed ``<key>.2``, ``<key>.3`` ….
    """
    if all(len(p.text) <= MAX_PARAGRAPH_CHARS for p in paragraphs):
        return paragraphs
    result: list[Paragraph] = []
    for paragraph in paragraphs:
        pieces = paragraph_pieces(paragraph.text) if len(paragraph.text) > MAX_PARAGRAPH_CHARS else [paragraph.text]
        for n, text in enumerate(pieces, start=1):
            key = paragraph.key if n == 1 or paragraph.key is None else f"{paragraph.key}.{n}"
            result.append(replace(paragraph, ordinal=len(result) + 1, text=text, key=key))
    return result


def paragraph_pieces(text: str) -> list[str]:
    """A long text cut between sentences into pieces of at most ``MAX_PARAGRAPH_CHARS``, of about equal length."""
    spans = list(_sentences(text))
    if not spans:
        return []
    target = len(text) / -(-len(text) // MAX_PARAGRAPH_CHARS)
    pieces = []
    first, last = spans[0]
    for start, end in spans[1:]:
        if end - first > MAX_PARAGRAPH_CHARS or last - first >= target:
            pieces.append(text[first:last].strip())
            first = start
        last = end
    pieces.append(text[first:last].strip())
    return [piece for piece in pieces if piece]


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, none longer than ``MAX_SENTENCE_CHARS``."""
    for window_start, window_end in _cuts(text, 0, len(text), _WINDOW_CHARS, (_SENTENCE_END, _SPACE)):
        for start, end in split_sentences(text[window_start:window_end]):
            yield from _cuts(text, window_start + start, window_start + end, MAX_SENTENCE_CHARS, (_SPACE,))


def _cuts(
    text: str, start: int, end: int, limit: int, boundaries: tuple[re.Pattern[str], ...]
) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` in spans of at most ``limit``, each cut after the last of the first ``boundaries`` that
    occurs shortly before the limit, or at the limit if none does."""
    while end - start > limit:
        cut = start + limit
        for boundary in boundaries:
            found = [match.end() for match in boundary.finditer(text, max(start + 1, cut - _LOOK_BACK), cut + 1)]
            if found:
                cut = min(found[-1], cut)  # a white space just past the limit is cut at, not kept
                break
        yield start, cut
        start = cut
    yield start, end
