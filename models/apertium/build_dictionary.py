"""Turn the Apertium Kazakh–Russian bilingual dictionary (XML) into ``kaz_rus.tsv``, the form kazsearch loads.

The ``.dix`` is 3 MB of XML with paradigms, regular expressions and comments; search needs only its entries:
Kazakh lemma and part of speech, Russian lemma and part of speech, and in which direction an entry may be used.
Parsing it once here keeps loading at run time a matter of splitting lines. Entries keep the dictionary's
order (its first translation of a lemma is the one Apertium's own translator prefers); exact repeats go.

    python models/apertium/build_dictionary.py [path/to/apertium-kaz-rus.kaz-rus.dix] [out.tsv]

Defaults: the ``.dix`` shipped in ``apertium-kaz-rus/`` beside this file, written to ``kaz_rus.tsv`` beside it.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE / "apertium-kaz-rus" / "apertium-kaz-rus.kaz-rus.dix"
DEFAULT_OUTPUT = HERE / "kaz_rus.tsv"

HEADER = ("kazakh", "kazakh_pos", "russian", "russian_pos", "direction")
# The dictionary's r attribute: LR entries translate Kazakh to Russian only, RL entries Russian to Kazakh only.
_DIRECTIONS = {None: "both", "LR": "kk-ru", "RL": "ru-kk"}


def _side(element: ET.Element) -> tuple[str, str]:
    """A side of a pair (``<l>`` or ``<r>``) as (lemma, first tag): ``<b/>`` is the space inside a multiword."""
    parts = [element.text or ""]
    tags: list[str] = []
    for child in element:
        if child.tag == "b":
            parts.append(" ")
        elif child.tag == "s":
            tags.append(child.get("n", ""))
        else:
            raise ValueError(f"unexpected <{child.tag}> in an entry")
        parts.append(child.tail or "")
    return " ".join("".join(parts).split()), tags[0] if tags else ""


def entries(source: Path) -> list[tuple[str, str, str, str, str]]:
    """The dictionary's word entries in its order, without repeats: paradigms and regular expressions left out."""
    root = ET.parse(source).getroot()
    rows: dict[tuple[str, str, str, str, str], None] = {}
    for section in root.iter("section"):
        for entry in section.iter("e"):
            pair = entry.find("p")
            if pair is None:  # a regular expression (numbers, punctuation) or an identity entry
                continue
            left, right = pair.find("l"), pair.find("r")
            if left is None or right is None:
                raise ValueError("an entry's pair lacks <l> or <r>")
            kazakh, kazakh_pos = _side(left)
            russian, russian_pos = _side(right)
            if kazakh and russian:
                rows[(kazakh, kazakh_pos, russian, russian_pos, _DIRECTIONS[entry.get("r")])] = None
    return list(rows)


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    rows = entries(source)
    with output.open("w", encoding="utf-8", newline="\n") as out:
        for row in [HEADER, *rows]:
            out.write("\t".join(row) + "\n")
    print(f"{len(rows)} entries, {len({row[0] for row in rows})} Kazakh lemmas → {output}")


if __name__ == "__main__":
    main(sys.argv[1:])
