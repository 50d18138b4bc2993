"""The numbers Word shows before numbered paragraphs ("1.2.", "3)", "а)"), computed from word/numbering.xml.

Word stores no such text in the paragraph: only a list id and a level. The number is the count of earlier
paragraphs of the same list and level since the last paragraph of a higher level, set in the level's format.
python-docx does not compute it, so this module does, for the formats legal texts use.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def val(element: etree._Element | None, default: str | None = None) -> str | None:
    """The ``w:val`` attribute of an element that may be missing."""
    return default if element is None else element.get(w("val"), default)


_RUSSIAN = "абвгдежзиклмнопрстуфхцчшщэюя"  # Word's russianLower skips ё й ъ ы ь


def _roman(number: int) -> str:
    numerals: tuple[tuple[int, str], ...] = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"))
    numerals += ((90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    text = ""
    for value, numeral in numerals:
        while number >= value:
            text += numeral
            number -= value
    return text


def _letters(number: int, alphabet: str) -> str:
    # Word repeats the letter past the alphabet's end: a … z, aa … zz.
    return alphabet[(number - 1) % len(alphabet)] * ((number - 1) // len(alphabet) + 1)


def format_number(number: int, fmt: str) -> str:
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        text = _letters(number, "abcdefghijklmnopqrstuvwxyz")
        return text.upper() if fmt == "upperLetter" else text
    if fmt in ("russianLower", "russianUpper"):
        text = _letters(number, _RUSSIAN)
        return text.upper() if fmt == "russianUpper" else text
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(number).upper() if fmt == "upperRoman" else _roman(number)
    if fmt == "none":
        return ""
    return str(number)  # decimal and the many national formats Word falls back to digits for


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str
    legal: bool  # isLgl: every level shown in decimal ("1.1", never "I.a")


class ListNumbering:
    """Number text for each numbered paragraph, fed in document order."""

    def __init__(self, numbering: etree._Element | None) -> None:
        self._levels: dict[str, dict[int, _Level]] = {}
        self._lists: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, start overrides)
        self._counters: dict[str, dict[int, int]] = {}
        if numbering is None:
            return
        for abstract in numbering.iter(w("abstractNum")):
            levels = {}
            for level in abstract.iter(w("lvl")):
                levels[int(level.get(w("ilvl"), "0"))] = _Level(
                    start=int(val(level.find(w("start")), "1") or 1),
                    fmt=val(level.find(w("numFmt")), "decimal") or "decimal",
                    text=val(level.find(w("lvlText")), "") or "",
                    legal=level.find(w("isLgl")) is not None,
                )
            self._levels[abstract.get(w("abstractNumId"), "")] = levels
        for num in numbering.iter(w("num")):
            overrides = {
                int(override.get(w("ilvl"), "0")): int(val(override.find(w("startOverride")), "1") or 1)
                for override in num.iter(w("lvlOverride"))
                if override.find(w("startOverride")) is not None
            }
            self._lists[num.get(w("numId"), "")] = (val(num.find(w("abstractNumId")), "") or "", overrides)

    def next_label(self, num_id: str, level: int) -> tuple[str, bool] | None:
        """The number text of the next paragraph of list ``num_id`` at ``level`` and whether it is a bullet;
        None for a paragraph whose numbering is switched off or undefined."""
        if num_id not in self._lists:
            return None
        abstract_id, overrides = self._lists[num_id]
        levels = self._levels.get(abstract_id, {})
        if level not in levels:
            return None
        # Lists that share an abstract definition continue one count, unless one restarts it.
        key = num_id if overrides else abstract_id
        counters = self._counters.setdefault(key, {})
        start = overrides.get(level, levels[level].start)
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [lvl for lvl in counters if lvl > level]:
            del counters[deeper]
        definition = levels[level]
        if definition.fmt == "bullet":
            return "", True
        text = definition.text
        for shown in range(level, -1, -1):
            placeholder = f"%{shown + 1}"
            if placeholder in text and shown in levels:
                number = counters.get(shown, levels[shown].start)
                fmt = "decimal" if definition.legal else levels[shown].fmt
                text = text.replace(placeholder, format_number(number, fmt))
        return text.strip(), False
