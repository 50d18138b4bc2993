"""What every format reader returns: a document's layout blocks in reading order, and its metadata.

A block is one unit a reader of the page sees: a paragraph, a heading, a list item, a table row, a footnote, a
table-of-contents line. Readers keep what the source says about it (page, the clause number it carries, the
language of a bilingual column, whether OCR read it); the paragraph splitter decides what becomes a search result.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TypedDict, Unpack

# Block kinds. "signature" is a closing line (position and name); "toc" lines are never search results.
PARAGRAPH = "paragraph"
HEADING = "heading"
LIST_ITEM = "list-item"
TABLE_ROW = "table-row"
NOTE = "note"
TOC = "toc"
SIGNATURE = "signature"


class FormatError(ValueError):
    """A file that cannot be read; the message names the file and says why, in words a user can act on."""


@dataclass(frozen=True)
class Block:
    text: str
    kind: str = PARAGRAPH
    page: int | None = None  # 1-based; None where the format has no pages
    label: str | None = None  # the source's own clause number: "12", "1.1", "3)"
    lang: str | None = None  # a layout hint: the column of a bilingual table
    ocr: bool = False
    level: int | None = None  # heading depth, 1 = top, where the source says it


class BlockHints(TypedDict, total=False):
    """What a reader may know of a block besides its text and kind: ``Block``'s other fields."""

    page: int | None
    label: str | None
    lang: str | None
    ocr: bool
    level: int | None


@dataclass
class Extracted:
    blocks: list[Block]
    meta: dict = field(default_factory=dict)  # title, author, date, year, number, url: whatever the file carries
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (Kazakh block index, Russian block index)
    pages: int | None = None
    ocr_pages: list[int] = field(default_factory=list)


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
# Words set in spaced capitals for emphasis: «П Р И К А З Ы В А Ю». Four letters at least, so that a run of
# one-letter words («В И С») is not glued.
_LETTER_SPACED = re.compile(r"(?<!\w)(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ] ){3,}[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ](?!\w)")


def clean_inline(text: str) -> str:
    """One line of running text: NFC, soft hyphens out, white space folded, spaced capitals closed up."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "").replace("\ufeff", "")
    text = _SPACES.sub(" ", text.replace("\r", " ").replace("\n", " ")).strip()
    return _LETTER_SPACED.sub(lambda match: match.group(0).replace(" ", ""), text)


_SUPERSCRIPT = str.maketrans("0123456789+-=()*", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾*")


def superscript(text: str) -> str:
    """Digits as superscript characters, so "статья 15¹" stays one searchable, readable token."""
    return text.strip().translate(_SUPERSCRIPT)


# "12. ", "1.1. ", "1.1 ", "3) ", "а) ": the numbers legal texts give their clauses ("3.В" too: OCR drops spaces).
_CLAUSE = re.compile(r"^(?:(\d{1,3}(?:\.\d{1,3})+)\.?|(\d{1,3})\.|(\d{1,3}\)|[а-яәa-z]\)))(?:\s|(?<=\.)(?=[А-ЯЁA-Z]))")


def clause_label(text: str) -> str | None:
    """The clause number a paragraph starts with, without its trailing full stop ("12", "1.1", "3)")."""
    match = _CLAUSE.match(text)
    if not match:
        return None
    return next(group for group in match.groups() if group)


_NAME = re.compile(
    r"^(?:[А-ЯЁA-Z]\.\s?){1,2}\s?[А-ЯЁA-Z][а-яёa-zәғқңөұүһі-]*[а-яёa-z]$"  # В.Н. Фальков
    r"|^[А-ЯЁ][а-яё]+\s(?:[А-ЯЁ]\.\s?){1,2}$"  # Молчановская А.С.
)
_NAME_UPPER = re.compile(r"^(?:[А-ЯЁA-Z]\.\s?){1,2}\s?[А-ЯЁA-Z]{2,}$")


def is_signature_name(text: str) -> bool:
    """A name as signed under a document: "В.СЕЛИН", "Е. Досаев", "В.Н. Фальков", "Иванов И.И."."""
    text = text.strip()
    return len(text) <= 40 and bool(_NAME.match(text) or _NAME_UPPER.match(text))


_LEGAL_LEVELS = (
    (re.compile(r"^(?:раздел|бөлім)\b", re.IGNORECASE), 1),
    (re.compile(r"^(?:глава|тарау)\b", re.IGNORECASE), 2),
    (re.compile(r"^(?:параграф|§)", re.IGNORECASE), 3),
    (re.compile(r"^(?:статья|бап)\b|^\d+-бап\b", re.IGNORECASE), 4),
)
_HEADING_END = re.compile(r"[,;:]$")
# Figure and table captions are set like headings but head nothing.
_CAPTION = re.compile(
    r"^(?:\d+[-‐–]?\s?(?:сурет|кесте)|(?:рисунок|рис\.|сурет|кесте|таблица|figure|fig\.|table)\s*№?\s*\d)",
    re.IGNORECASE,
)
_MAX_HEADING_CHARS = 250


def legal_level(text: str) -> int | None:
    """Depth of a legal heading by its keyword: раздел 1, глава 2, параграф 3, статья 4 (Kazakh too)."""
    for pattern, level in _LEGAL_LEVELS:
        if pattern.match(text):
            return level
    return None


def reads_as_heading(text: str) -> bool:
    """Whether a paragraph set apart (bold, centred, a heading style) can be a heading by its wording: short, not
    running on into a list, not a full sentence of more than a few words."""
    if not text or len(text) > _MAX_HEADING_CHARS or _HEADING_END.search(text) or _CAPTION.match(text):
        return False
    if not any(ch.isalpha() for ch in text):
        return False
    if text.endswith((".", "!", "?")) and legal_level(text) is None:
        return len(text.split()) <= 10
    return True


class BlockList:
    """Blocks collected in reading order, with the translation pairs found among them."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.pairs: list[tuple[int, int]] = []

    def add(self, text: str, kind: str = PARAGRAPH, **hints: Unpack[BlockHints]) -> int | None:
        """Append a block unless its text is empty; its index, for pairing."""
        text = clean_inline(text)
        if not text:
            return None
        if kind in (PARAGRAPH, LIST_ITEM) and "label" not in hints:
            hints["label"] = clause_label(text)
        self.blocks.append(Block(text=text, kind=kind, **hints))
        return len(self.blocks) - 1

    def result(self, meta: dict, pages: int | None = None, ocr_pages: list[int] | None = None) -> Extracted:
        meta = {key: value for key, value in meta.items() if value not in (None, "")}
        return Extracted(self.blocks, meta, self.pairs, pages, ocr_pages or [])
