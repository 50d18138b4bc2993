"""Blocks to the indexer's paragraphs: what is a search result, and under which heading it stands.

- Headings are not results: they become the ``section`` of the paragraphs under them. A heading's depth (from
  the source's styles or a legal keyword: раздел, глава, статья; a heading without one is top-level when others
  have one) decides which earlier headings it closes; the section shown is the last two open ones,
  "Глава 2. … — Статья 9. …". In a bilingual table each language keeps its own headings, so a Kazakh clause
  sits under the Kazakh heading.
- Table-of-contents lines are dropped: they repeat the headings.
- A closing line followed by a name ("ДИРЕКТОР …", "В.СЕЛИН") is one signature paragraph.
- Notes, table rows and list items stay paragraphs of their own, marked by ``kind``; page, label, language
  hint and OCR flag carry over. ``lines`` holds the 1-based range of source blocks a paragraph came from.
"""

from __future__ import annotations

import re

from indexer.formats.blocks import HEADING, PARAGRAPH, SIGNATURE, TOC, Block, is_signature_name
from indexer.paragraphs import Paragraph

_CLOSING_LINE_CHARS = 120
_TRAILING_NAME = re.compile(r"(?:^|\s)(?:[А-ЯЁ]\.\s?){1,2}\s?[А-ЯЁ](?:[а-яё]+|[А-ЯЁ]+)$")
_SECTION_DEPTH = 2  # headings shown in a section: a part and its topic


def paragraphs_from_blocks(blocks: list[Block]) -> list[Paragraph]:
    """The paragraphs of a document's blocks, numbered 1..n, each with the section it falls under."""
    paragraphs: list[Paragraph] = []
    headings: dict[str | None, list[tuple[int | None, str]]] = {}  # open headings per language hint
    # Where some headings have a depth, those without one (a bold title) are top-level ones.
    undepthed = 1 if any(block.kind == HEADING and block.level is not None for block in blocks) else None
    after_heading: set[str | None] = set()
    i = 0
    while i < len(blocks):
        block = blocks[i]
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.kind == TOC:
            i += 1
            continue
        if following is not None and _closes_with_name(block, following):
            paragraphs.append(_paragraph(paragraphs, [block, following], i, SIGNATURE, headings))
            after_heading.discard(block.lang)
            i += 2
            continue
        if block.kind == HEADING:
            level = block.level if block.level is not None else undepthed
            _open_heading(headings.setdefault(block.lang, []), level, block.text, block.lang in after_heading)
            after_heading.add(block.lang)
            i += 1
            continue
        kind = SIGNATURE if _is_signature(block) else block.kind
        paragraphs.append(_paragraph(paragraphs, [block], i, kind, headings))
        after_heading.discard(block.lang)
        i += 1
    return paragraphs


def paragraph_pairs(paragraphs: list[Paragraph], block_pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Translation pairs of block indices (``Extracted.pairs``) as pairs of paragraph ordinals (Kazakh, other).

    A block cut into several paragraphs (``split_long_paragraphs``) is paired by its first piece; a paragraph
    joined from several blocks (``indexer.passages``: a list of short items) by its first pair, once.
    """
    by_block: dict[int, int] = {}
    for paragraph in paragraphs:
        for block in range(paragraph.lines[0], paragraph.lines[1] + 1):
            by_block.setdefault(block - 1, paragraph.ordinal)
    pairs: list[tuple[int, int]] = []
    paired: set[int] = set()
    for kk, other in block_pairs:
        if kk in by_block and other in by_block and not {by_block[kk], by_block[other]} & paired:
            pairs.append((by_block[kk], by_block[other]))
            paired |= {by_block[kk], by_block[other]}
    return pairs


def _open_heading(stack: list[tuple[int | None, str]], level: int | None, text: str, follows_heading: bool) -> None:
    if level is None:
        # Without depths, headings in a row read as one title (a part, then its topic); after text, a new one.
        if not follows_heading:
            stack.clear()
    else:
        while stack and stack[-1][0] is not None and stack[-1][0] >= level:
            stack.pop()
    stack.append((level, text))


def _section(headings: dict[str | None, list[tuple[int | None, str]]], lang: str | None) -> str | None:
    stack = headings.get(lang) or headings.get(None) or []
    return " — ".join(text for _, text in stack[-_SECTION_DEPTH:]) or None


def _closes_with_name(block: Block, following: Block) -> bool:
    """A short closing line (a position, heading-like or not) followed by a signatory's name."""
    if block.kind not in (HEADING, PARAGRAPH) or not is_signature_name(following.text):
        return False
    return len(block.text) <= _CLOSING_LINE_CHARS and not block.text.endswith((".", ";", ":")) and not block.label


def _is_signature(block: Block) -> bool:
    return (
        block.kind == PARAGRAPH
        and len(block.text) <= _CLOSING_LINE_CHARS
        and not block.label
        and bool(_TRAILING_NAME.search(block.text))
    )


def _paragraph(paragraphs: list[Paragraph], parts: list[Block], index: int, kind: str, headings: dict) -> Paragraph:
    first = parts[0]
    return Paragraph(
        ordinal=len(paragraphs) + 1,
        text=" ".join(part.text for part in parts),
        lines=(index + 1, index + len(parts)),
        label=first.label,
        section=_section(headings, first.lang),
        page=first.page,
        kind=None if kind == PARAGRAPH else kind,
        lang=first.lang,
        ocr=any(part.ocr for part in parts),
    )
