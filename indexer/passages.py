"""Whole, citable passages: which paragraphs are results on their own, and which join the passage they belong to.

A search result must be a passage one can read and cite on its own. The splitters cut where the layout breaks, so
a letter's parts and a report's stray lines come out as paragraphs of a few words. Here, for every format:

- a letter's head (addressee, reference line "К письму №ДС-219 от …": the short paragraphs before its salutation)
  and its salutation ("Уважаемые …!", "Құрметті …!") join the paragraph after them, where the letter begins; its
  closing (the attachment note, the closing formula "С уважением,", "Құрметпен,": a few words and a comma over a
  signature, the signature, and the short lines under it: executor, phone) joins the paragraph before it, where
  the letter ends; so does a short unpunctuated line that ends the document or one version of it (the issuing
  ministry under an annex, which the PDF-text splitter marks as ``furniture``). A search for the letter's number,
  its signatory or its phone finds the letter, and no such line is a result alone;
- whatever of these has no paragraph to join stays ``furniture``: shown in its document, never a result (nor is
  a ``signature`` that closes no letter, as under an act);
- a fragment (fewer than ``FRAGMENT_WORDS`` words) joins the passage it belongs to: one that introduces what
  follows ("Например:") the paragraph after it, a short list item the item before it (or after it, first in its
  list), any other the paragraph before it in its section (an attribution under a quote: "Статья 44
  Конституции РК.").

The report's own numbered paragraphs, table rows and notes stay as they are: each is a unit of its own.
"""

from __future__ import annotations

import re
from dataclasses import replace

from indexer.formats.blocks import LIST_ITEM, SIGNATURE
from indexer.paragraphs import Paragraph
from indexer.records import FRAGMENT_WORDS, FURNITURE, word_count

# A letter's head is a few short paragraphs (an address block is a line or three of names and titles), its
# closing formula a few words, the lines under its signature (executor, phone) short ones; so is an issuer's name.
_HEAD_WORDS = 30
_HEAD_PARAGRAPHS = 6
_CLOSING_WORDS = 3
_CLOSING_LINE_WORDS = 10
_ISSUER_WORDS = 8
_BULLET = re.compile(r"^(?:[•\uf0b7▪●◦·]|[-–—](?=\s))")
_SALUTATION = re.compile(r"^(?:уважаем|глубокоуважаем|дорог|құрметті|қымбатты|dear\b)\w*\s.*!$", re.IGNORECASE)
_PUNCTUATED = re.compile(r"[.,;:!?…][»\"”’)\]]*$")


def whole_passages(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs as whole passages: a letter's head and closing, and fragments, joined to the passages they
    belong to; numbered 1, 2, 3 … again."""
    heads, closings = _letter_parts(paragraphs)
    passages: list[Paragraph] = []
    head: list[Paragraph] = []  # a letter's head, waiting for the paragraph that begins the letter
    for i, paragraph in enumerate(paragraphs):
        if i in heads:
            head.append(paragraph)
        elif i in closings:
            if passages and _running(passages[-1]) and not head:
                passages[-1] = _join(passages[-1], paragraph)
            else:
                passages += [replace(part, kind=FURNITURE) for part in [*head, paragraph]]
                head = []
        elif head and _running(paragraph):
            passages.append(_join_all([*head, paragraph]))
            head = []
        else:
            passages += [replace(part, kind=FURNITURE) for part in head]
            passages.append(paragraph)
            head = []
    passages += [replace(part, kind=FURNITURE) for part in head]
    return [replace(passage, ordinal=n) for n, passage in enumerate(_join_fragments(passages), start=1)]


def _letter_parts(paragraphs: list[Paragraph]) -> tuple[set[int], set[int]]:
    """The paragraphs of letters' heads (salutations included) and of their closings (issuers' lines included)."""
    heads: set[int] = set()
    for i, paragraph in enumerate(paragraphs):
        if _running(paragraph) and _SALUTATION.match(paragraph.text) and word_count(paragraph.text) <= _HEAD_WORDS:
            heads |= {i, *_head(paragraphs, i)}
    closings: set[int] = set()
    for i, paragraph in enumerate(paragraphs):
        if paragraph.kind == FURNITURE or (_running(paragraph) and _is_issuer_line(paragraphs, i)):
            closings.add(i)
        elif _running(paragraph) and _is_closing_formula(paragraphs, i):
            closings |= {i, *_closing(paragraphs, i, heads)}
    return heads - closings, closings


def _running(paragraph: Paragraph) -> bool:
    """Running text the report does not number: only such a paragraph may join another."""
    return paragraph.kind in (None, LIST_ITEM) and paragraph.label is None


def _head(paragraphs: list[Paragraph], salutation: int) -> list[int]:
    """The short paragraphs before a salutation, back to the start or to the signature of a letter before."""
    head = []
    for i in range(salutation - 1, max(salutation - 1 - _HEAD_PARAGRAPHS, -1), -1):
        paragraph = paragraphs[i]
        if not _running(paragraph) or word_count(paragraph.text) > _HEAD_WORDS or _is_closing_formula(paragraphs, i):
            break
        head.append(i)
    return head


def _is_closing_formula(paragraphs: list[Paragraph], i: int) -> bool:
    """A few words and a comma over a signature: "С уважением,", "Құрметпен,"."""
    text = paragraphs[i].text
    signed = i + 1 < len(paragraphs) and paragraphs[i + 1].kind == SIGNATURE
    return signed and text.endswith(",") and word_count(text) <= _CLOSING_WORDS


def _closing(paragraphs: list[Paragraph], formula: int, heads: set[int]) -> list[int]:
    """The attachment note just before a closing formula; its signature and the short lines under it, up to the
    head of a letter that follows."""
    closing = []
    if formula > 0 and _is_fragment(paragraphs[formula - 1]):
        closing.append(formula - 1)
    for i in range(formula + 1, len(paragraphs)):
        paragraph = paragraphs[i]
        short = _running(paragraph) and word_count(paragraph.text) <= _CLOSING_LINE_WORDS
        if i in heads or not (paragraph.kind == SIGNATURE or short):
            break
        closing.append(i)
    return closing


def _is_issuer_line(paragraphs: list[Paragraph], i: int) -> bool:
    """A short line without punctuation that ends the document: who issued what is above."""
    text = paragraphs[i].text
    if i + 1 < len(paragraphs) or word_count(text) > _ISSUER_WORDS or _PUNCTUATED.search(text):
        return False
    return not (_BULLET.match(text) or paragraphs[i].kind == LIST_ITEM)


def _join_fragments(paragraphs: list[Paragraph]) -> list[Paragraph]:
    joined: list[Paragraph] = []
    pending: Paragraph | None = None  # a fragment that joins the paragraph after it
    for i, paragraph in enumerate(paragraphs):
        if pending is not None:
            paragraph, pending = _join(pending, paragraph), None
        following = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if not _is_fragment(paragraph):
            joined.append(paragraph)
        elif joined and _joins_previous(joined[-1], paragraph):
            joined[-1] = _join(joined[-1], paragraph)
        elif _joins_next(paragraph, following):
            pending = paragraph
        else:
            joined.append(paragraph)
    if pending is not None:
        joined.append(pending)
    return joined


def _is_fragment(paragraph: Paragraph) -> bool:
    return _running(paragraph) and word_count(paragraph.text) < FRAGMENT_WORDS


def _is_item(paragraph: Paragraph) -> bool:
    return paragraph.kind == LIST_ITEM or bool(_BULLET.match(paragraph.text))


def _joins_previous(previous: Paragraph, fragment: Paragraph) -> bool:
    """A short list item joins the item before it; any other fragment but an introducer, the paragraph before."""
    if previous.section != fragment.section or not _running(previous) or fragment.text.endswith(":"):
        return False
    return _is_item(previous) if _is_item(fragment) else True


def _joins_next(fragment: Paragraph, following: Paragraph | None) -> bool:
    """An introducer ("Например:") joins what it introduces; a list's first short item, the next item."""
    if following is None or following.section != fragment.section or not _running(following):
        return False
    return fragment.text.endswith(":") or (_is_item(fragment) and _is_item(following))


def _join(first: Paragraph, second: Paragraph) -> Paragraph:
    """One passage of two consecutive paragraphs (neither numbered by the report): the first's place and section,
    the text of both; running text unless both are of one kind."""
    return replace(
        first,
        text=f"{first.text} {second.text}",
        lines=(first.lines[0], second.lines[1]),
        kind=first.kind if first.kind == second.kind else None,
        ocr=first.ocr or second.ocr,
    )


def _join_all(parts: list[Paragraph]) -> Paragraph:
    passage = parts[0]
    for part in parts[1:]:
        passage = _join(passage, part)
    return passage
