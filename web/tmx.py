"""A bilingual document's aligned Kazakh–Russian rows as a TMX 1.4b translation memory, for CAT tools.

One ``<tu>`` per aligned row of the comparison view (``search/parallel.py``): a row whose side holds two
paragraphs (a 1–2 alignment) is one unit, its paragraphs joined by a space, so that no sentence is paired with
half of its translation. Each unit names its paragraphs in a ``<prop type="x-paragraphs">``. The reports'
originals are Russian (their Kazakh versions translate them), hence ``srclang`` ru-RU and the Russian variant
first. Written by xml.etree, which escapes the text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from importlib.metadata import version

from search.parallel import ParallelRow

MEDIA_TYPE = "application/xml"  # TMX has no registered type of its own
TMX_LANGUAGES = {"ru": "ru-RU", "kk": "kk-KZ"}  # in the order of each unit's variants, the source first
SOURCE_LANGUAGE = "ru"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 forbids (C0 controls but tab and line breaks): a PDF's text may hold them, and a file
# with one is not XML that a CAT tool can read.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def translation_memory(doc_id: str, title: str, rows: Iterable[ParallelRow]) -> bytes:
    """The TMX file (UTF-8) of a document's aligned rows; unaligned rows are left out."""
    root = ET.Element("tmx", version="1.4")
    header = ET.SubElement(
        root,
        "header",
        {
            "creationtool": "kazsearch",
            "creationtoolversion": version("kazsearch"),
            "segtype": "paragraph",
            "o-tmf": "kazsearch",
            "adminlang": "en-US",
            "srclang": TMX_LANGUAGES[SOURCE_LANGUAGE],
            "datatype": "plaintext",
        },
    )
    ET.SubElement(header, "prop", type="x-document").text = doc_id
    ET.SubElement(header, "prop", type="x-title").text = _xml_text(title)
    body = ET.SubElement(root, "body")
    for row in rows:
        if not row.aligned:
            continue
        sides = {"ru": row.ru, "kk": row.kk}
        unit = ET.SubElement(body, "tu")
        ET.SubElement(unit, "prop", type="x-paragraphs").text = " ".join(
            p.id for lang in TMX_LANGUAGES for p in sides[lang]
        )
        for lang, code in TMX_LANGUAGES.items():
            variant = ET.SubElement(unit, "tuv", {_XML_LANG: code})
            ET.SubElement(variant, "seg").text = _xml_text(" ".join(p.text for p in sides[lang]))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)
