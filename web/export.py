"""A query's results as files: CSV for spreadsheets, RIS and BibTeX for reference managers.

Each writer turns the results into text one record at a time, so a large export streams rather than being
built in memory. CSV is UTF-8 with a byte-order mark, which Excel needs to read it as UTF-8; RIS and BibTeX
carry each paragraph as a reference to its report with the paragraph's citation, text and address.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from indexer.records import ParagraphRecord
from search.citation import Citation

EXPORT_CAP = 10_000  # results in one export at most: the response says so in X-Export-Cap
CSV_COLUMNS = ("citation", "text", "report", "author", "year", "paragraph", "page", "language", "url", "id")


@dataclass(frozen=True)
class ExportRow:
    """One result as the files give it."""

    record: ParagraphRecord
    citation: Citation
    citation_text: str  # in the reader's language
    url: str  # absolute: the file leaves the site

    @classmethod
    def of(cls, record: ParagraphRecord, citation: Citation, language: str, site: str) -> ExportRow:
        """A result with its citation written in ``language`` and its address on ``site`` (``http://host``)."""
        return cls(record, citation, citation.text(language), site + citation.url)

    @property
    def paragraph(self) -> str:
        """The document's own number for the paragraph, else its place in it (``¶ 12``)."""
        return self.citation.label or f"¶ {self.citation.ordinal}"


def csv_text(rows: Iterable[ExportRow]) -> Iterator[str]:
    """CSV (RFC 4180: commas, CRLF), a header row of CSV_COLUMNS, a byte-order mark first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable[object]) -> str:
        writer.writerow(values)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff" + line(CSV_COLUMNS)
    for row in rows:
        cited, record = row.citation, row.record
        yield line(  # CSV_COLUMNS
            [
                row.citation_text,
                record.text,
                cited.title,
                cited.author,
                cited.year,
                row.paragraph,
                cited.page,
                record.lang,
                row.url,
                record.id,
            ]
        )


def ris_text(rows: Iterable[ExportRow]) -> Iterator[str]:
    """RIS: a report (``TY  - RPRT``) per result, its paragraph's citation in N1 and text in AB."""
    for row in rows:
        cited = row.citation
        fields = [
            ("TY", "RPRT"),
            ("ID", row.record.id),
            ("TI", cited.title),
            ("AU", cited.author),
            ("PY", cited.year),
            ("SE", row.paragraph),
            ("SP", cited.page),
            ("LA", row.record.lang),
            ("UR", row.url),
            ("L2", cited.source_url),
            ("N1", row.citation_text),
            ("AB", row.record.text),
        ]
        lines = [f"{tag}  - {_one_line(str(value))}" for tag, value in fields if value is not None]
        yield "\r\n".join([*lines, "ER  - ", "", ""])


def bibtex_text(rows: Iterable[ExportRow]) -> Iterator[str]:
    """BibTeX: an ``@misc`` entry per result, keyed by the paragraph's id, LaTeX's special characters escaped."""
    for row in rows:
        cited = row.citation
        fields = [
            # A corporate author in braces: BibTeX would read "Республика Казахстан" as a first and a last name.
            ("author", cited.author and "{" + _bibtex(cited.author) + "}"),
            ("title", _bibtex(cited.title)),
            ("year", cited.year),
            ("pages", cited.page),
            ("note", _bibtex(row.citation_text)),
            ("abstract", _bibtex(row.record.text)),
            ("language", row.record.lang),
            ("url", row.url),  # a verbatim field: not escaped
        ]
        body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields if value is not None)
        yield f"@misc{{{_bibtex_key(row.record.id)},\n{body}}}\n\n"


@dataclass(frozen=True)
class ExportFormat:
    content_type: str
    extension: str
    write: Callable[[Iterable[ExportRow]], Iterator[str]]


FORMATS = {
    "csv": ExportFormat("text/csv; charset=utf-8", "csv", csv_text),
    "ris": ExportFormat("application/x-research-info-systems; charset=utf-8", "ris", ris_text),
    "bibtex": ExportFormat("application/x-bibtex; charset=utf-8", "bib", bibtex_text),
}

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_BIBTEX_ESCAPE = re.compile("|".join(re.escape(char) for char in _BIBTEX_SPECIAL))


def _bibtex(text: str) -> str:
    return _BIBTEX_ESCAPE.sub(lambda match: _BIBTEX_SPECIAL[match.group(0)], _one_line(text))


def _bibtex_key(paragraph_id: str) -> str:
    """A citation key from a paragraph id: BibTeX keys stop at commas, braces and spaces."""
    return re.sub(r"[^\w:.-]", "-", paragraph_id)


def _one_line(text: str) -> str:
    """RIS and BibTeX values are one line each: a paragraph's line breaks become spaces."""
    return " ".join(text.split())
