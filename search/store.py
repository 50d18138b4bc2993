"""The paragraphs of a generation as search sees them: records by row and id, their languages, documents and
documents' years as arrays (filters become row masks), their documents' metadata, and the Kazakh ↔ Russian
translations. Furniture and signatures are shown in their documents but are never results: no mask lets them
through.

Unknown ids give None, never an exception: callers decide whether that is a 404.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from indexer.paragraph_file import ParagraphFile
from indexer.records import SHOWN_ONLY, ParagraphRecord
from search.citation import document_year
from search.parallel import ParallelRow, parallel_rows


class ParagraphStore:
    def __init__(
        self,
        records: Sequence[ParagraphRecord],
        alignment: list[dict],
        documents: Iterable[Mapping[str, Any]] = (),
    ) -> None:
        """``records``: row by row (a generation's ``ParagraphFile``, which reads each when asked for);
        ``documents``: the manifest's entries (doc_id, title, author, year …), for citations and years."""
        self.records = records
        self.documents = {document["doc_id"]: document for document in documents}
        ids, doc_ids, langs, kinds = [], [], [], []
        for paragraph_id, doc_id, lang, kind in _columns(records):  # one pass: a file parses its lines at each
            ids.append(paragraph_id)
            doc_ids.append(doc_id)
            langs.append(lang)
            kinds.append(kind)
        # Paragraph ids by their hash, sorted: 16 bytes a row where a dict of the ids took ten times as much.
        hashes = np.array([hash(paragraph_id) for paragraph_id in ids], dtype=np.int64)
        self._by_hash = np.argsort(hashes, kind="stable")
        self._hashes = hashes[self._by_hash]
        self.langs = np.array(langs)
        # Each row's document and language as codes (an index into the sorted distinct values): a query's facets
        # count them in one pass, and a filter compares integers, not every row's document id.
        self.doc_names, self.doc_codes = np.unique(np.array(doc_ids), return_inverse=True)
        self.lang_names, self.lang_codes = np.unique(self.langs, return_inverse=True)
        self.doc_years = np.array(
            [document_year(self.document(doc_id)) or 0 for doc_id in self.doc_names], dtype=np.int32
        )  # by document code; 0: none
        self.years = self.doc_years[self.doc_codes]
        # Rows a search may return: a letter's closing block or a signature cites nothing on its own.
        self.citable = np.array([kind not in SHOWN_ONLY for kind in kinds], dtype=bool)
        self.alignment = alignment
        aligned = {pair[key] for pair in alignment for key in ("kk_id", "ru_id")}
        self.translations = _best_translations(alignment, {i: row for row, i in enumerate(ids) if i in aligned})
        pairs = [(row, other) for row, other in self.translations.items() if row < other]
        self.pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2)

    def __len__(self) -> int:
        return len(self.records)

    def row_of(self, paragraph_id: str) -> int | None:
        """The row of a paragraph id (None for an unknown one)."""
        key = hash(paragraph_id)
        place = int(np.searchsorted(self._hashes, key))
        while place < len(self._hashes) and self._hashes[place] == key:  # ids whose hashes collide, if any
            row = int(self._by_hash[place])
            if self.records[row].id == paragraph_id:
                return row
            place += 1
        return None

    def get(self, paragraph_id: str) -> ParagraphRecord | None:
        row = self.row_of(paragraph_id)
        return None if row is None else self.records[row]

    def document(self, doc_id: str) -> Mapping[str, Any]:
        """A document's metadata as the manifest gives it (empty for an unknown id)."""
        return self.documents.get(doc_id, {})

    def document_title(self, doc_id: str) -> str:
        return str(self.document(doc_id).get("title") or doc_id)

    def allowed(self) -> np.ndarray:
        """Citable rows: what a query may search (a new array each time)."""
        return self.citable.copy()

    def selected(
        self,
        lang: str | None = None,
        doc: str | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
    ) -> np.ndarray:
        """Rows in language ``lang`` of document ``doc`` from documents of the years ``year_from`` … ``year_to``
        (each may be None: any; a document without a year is outside any range)."""
        selected = np.ones(len(self.records), dtype=bool)
        if lang:
            selected &= self.in_language(lang)
        if doc:
            selected &= self._rows_of(doc)
        if year_from is not None:
            selected &= self.years >= year_from
        if year_to is not None:
            selected &= (self.years <= year_to) & (self.years > 0)
        return selected

    def in_language(self, lang: str) -> np.ndarray:
        """A mask of the rows in ``lang`` (comparing codes: a million strings took three times as long)."""
        return _coded_rows(self.lang_names, self.lang_codes, lang)

    def neighbours(self, paragraph_id: str) -> tuple[ParagraphRecord | None, ParagraphRecord | None]:
        """The paragraphs just before and after one, within its document."""
        row = self.row_of(paragraph_id)
        if row is None:
            return None, None
        doc_id = self.records[row].doc_id
        before = self.records[row - 1] if row > 0 else None
        after = self.records[row + 1] if row + 1 < len(self.records) else None
        return (
            before if before and before.doc_id == doc_id else None,
            after if after and after.doc_id == doc_id else None,
        )

    def of_document(self, doc_id: str) -> list[ParagraphRecord]:
        return [self.records[row] for row in np.flatnonzero(self._rows_of(doc_id)).tolist()]

    def _rows_of(self, doc_id: str) -> np.ndarray:
        """A mask of the document's rows (none for an unknown id)."""
        return _coded_rows(self.doc_names, self.doc_codes, doc_id)

    def parallel(self, doc_id: str) -> list[ParallelRow]:
        """The Kazakh and Russian paragraphs of a bilingual document, aligned row by row."""
        prefix = f"{doc_id}:"
        pairs = [pair for pair in self.alignment if pair["kk_id"].startswith(prefix)]
        return parallel_rows(self.of_document(doc_id), pairs)

    def translation(self, row: int) -> ParagraphRecord | None:
        """The aligned paragraph in the other language, if any."""
        other = self.translations.get(row)
        return None if other is None else self.records[other]

    def share_between_translations(self, scores: np.ndarray, *companions: np.ndarray, allowed: np.ndarray) -> None:
        """Each aligned pair takes the better of its two scores, where the row taking it is ``allowed`` (in place;
        a score for every row): a translation matches what its original matches. ``companions`` (a share of
        query words, say) follow the score they belong to."""
        if not len(self.pairs):
            return
        for row, other in (self.pairs.T, self.pairs.T[::-1]):
            better = (scores[other] > scores[row]) & allowed[row]
            for values in (scores, *companions):
                values[row[better]] = values[other[better]]


def _coded_rows(names: np.ndarray, codes: np.ndarray, value: str) -> np.ndarray:
    """A mask of the rows whose code (an index into the sorted ``names``) is ``value``'s; none for an unknown
    value."""
    code = int(np.searchsorted(names, value))
    if code == len(names) or names[code] != value:
        return np.zeros(len(codes), dtype=bool)
    return codes == code


def _columns(records: Sequence[ParagraphRecord]) -> Iterable[tuple]:
    """Each record's id, document, language and kind, from a generation's file without making the records."""
    if isinstance(records, ParagraphFile):
        return records.fields("id", "doc_id", "lang", "kind")
    return ((r.id, r.doc_id, r.lang, r.kind) for r in records)


def _best_translations(pairs: list[dict], rows: Mapping[str, int]) -> dict[int, int]:
    """Each aligned paragraph's best-scoring counterpart, both ways (``rows``: the row of each paragraph id the
    pairs name; looked up here, not with ``row_of``, which reads a record to confirm each)."""
    best: dict[int, tuple[float, int]] = {}
    for pair in pairs:
        kk, ru = rows.get(pair["kk_id"]), rows.get(pair["ru_id"])
        if kk is None or ru is None:
            continue
        for row, other in ((kk, ru), (ru, kk)):
            if row not in best or pair["score"] > best[row][0]:
                best[row] = (pair["score"], other)
    return {row: other for row, (_, other) in best.items()}
