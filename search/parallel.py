"""Rows of a bilingual document for side-by-side reading: aligned Kazakh and Russian paragraphs together.

The alignment is monotonic, so one walk down both languages in document order yields the rows: a group of
aligned paragraphs (1–1, 1–2 or 2–1) makes one row; a paragraph without a counterpart makes a row of its own
with the other side empty.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from indexer.records import ParagraphRecord


@dataclass
class ParallelRow:
    kk: list[ParagraphRecord] = field(default_factory=list)
    ru: list[ParagraphRecord] = field(default_factory=list)
    score: float | None = None  # None: an unaligned paragraph

    @property
    def aligned(self) -> bool:
        return self.score is not None


def parallel_rows(paragraphs: list[ParagraphRecord], pairs: list[dict]) -> list[ParallelRow]:
    """Rows of the Kazakh and Russian paragraphs of one document (``paragraphs`` in document order)."""
    kk = [p for p in paragraphs if p.lang == "kk"]
    ru = [p for p in paragraphs if p.lang == "ru"]
    ru_of: dict[str, set[str]] = defaultdict(set)
    kk_of: dict[str, set[str]] = defaultdict(set)
    scores: dict[str, float] = {}
    for pair in pairs:
        ru_of[pair["kk_id"]].add(pair["ru_id"])
        kk_of[pair["ru_id"]].add(pair["kk_id"])
        scores[pair["kk_id"]] = pair["score"]
    rows: list[ParallelRow] = []
    i = j = 0
    while i < len(kk) or j < len(ru):
        if i < len(kk) and kk[i].id not in ru_of:
            rows.append(ParallelRow(kk=[kk[i]]))
            i += 1
        elif j < len(ru) and ru[j].id not in kk_of or i == len(kk):
            rows.append(ParallelRow(ru=[ru[j]]))
            j += 1
        else:
            group_ru = ru_of[kk[i].id]
            group_kk = {k for r in group_ru for k in kk_of[r]}
            row = ParallelRow(score=scores[kk[i].id])
            while i < len(kk) and kk[i].id in group_kk:
                row.kk.append(kk[i])
                i += 1
            while j < len(ru) and ru[j].id in group_ru:
                row.ru.append(ru[j])
                j += 1
            rows.append(row)
    return rows
