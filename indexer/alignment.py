"""Kazakh ↔ Russian paragraph alignment inside bilingual documents (004: letter and annex in both languages).

A monotonic alignment over embedding similarity, as Bertalign does: dynamic programming over the two
paragraph sequences in document order, with 1–1, 1–2 and 2–1 groups (a translator may split or join a
paragraph) and skips for paragraphs that have no counterpart. A group's score is a *margin*: its cosine minus
the mean cosine of each side with its nearest other-language neighbours. Raw e5 cosines of any two
same-topic paragraphs are high (≈0.8), so only the margin tells a translation from a neighbour; a group is
taken only when its margin is positive, and a skip costs nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection

import numpy as np
from tqdm import tqdm

# A document is bilingual when each language holds at least this share of its Kazakh and Russian paragraphs: a
# Russian report with a few Kazakh names or quotes is not a translation of itself.
MIN_LANGUAGE_SHARE = 0.2
NEIGHBOURS = 4  # how many nearest other-language paragraphs set a paragraph's margin baseline
MOVES = ((1, 1), (1, 2), (2, 1))


def align_documents(
    records: list[dict], vectors: np.ndarray, progress: bool = False, skip: Collection[str] = ()
) -> list[dict]:
    """``{"kk_id", "ru_id", "score"}`` pairs for every bilingual document (``MIN_LANGUAGE_SHARE``), but the
    documents whose ids are in ``skip``."""
    rows_by_doc: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for row, record in enumerate(records):
        if record["doc_id"] not in skip:
            rows_by_doc[record["doc_id"]][record["lang"]].append(row)
    bilingual = [
        (by_lang["kk"], by_lang["ru"])
        for by_lang in rows_by_doc.values()
        if min(len(by_lang["kk"]), len(by_lang["ru"]))
        >= MIN_LANGUAGE_SHARE * (len(by_lang["kk"]) + len(by_lang["ru"]))
        > 0
    ]
    pairs = []
    # The alignment is quadratic in a document's length: a bar shows up if it takes more than a second.
    rows = sum(len(kk) for kk, _ in bilingual)
    with tqdm(total=rows, desc="aligning", unit="¶", delay=1, disable=not progress) as bar:
        for kk, ru in bilingual:
            for kk_group, ru_group, score in align_sequences(vectors[kk], vectors[ru], bar.update):
                pairs += [
                    {"kk_id": records[kk[i]]["id"], "ru_id": records[ru[j]]["id"], "score": round(score, 4)}
                    for i in kk_group
                    for j in ru_group
                ]
    return pairs


def align_sequences(
    source: np.ndarray, target: np.ndarray, on_row: Callable[[int], object] | None = None
) -> list[tuple[range, range, float]]:
    """Monotonic groups (source rows, target rows, cosine) maximising the summed margin.

    ``on_row(1)`` is called as each source row is done (a progress bar's ``update``).
    """
    n, m = len(source), len(target)
    k = min(NEIGHBOURS, n, m)
    sims = source @ target.T
    source_base = -np.sort(-sims, axis=1)[:, :k].mean(axis=1)
    target_base = -np.sort(-sims, axis=0)[:k].mean(axis=0)

    def group(i: int, di: int, j: int, dj: int) -> tuple[float, float]:
        a = source[i : i + di].sum(axis=0)
        b = target[j : j + dj].sum(axis=0)
        cosine = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
        base = (source_base[i : i + di].mean() + target_base[j : j + dj].mean()) / 2
        return cosine - base, cosine

    best = np.full((n + 1, m + 1), -np.inf)
    best[0, 0] = 0.0
    back: dict[tuple[int, int], tuple[int, int, float]] = {}
    for i in range(n + 1):
        for j in range(m + 1):
            if i == j == 0:
                continue
            options = []
            if i:
                options.append((best[i - 1, j], 1, 0, 0.0))
            if j:
                options.append((best[i, j - 1], 0, 1, 0.0))
            for di, dj in MOVES:
                if i >= di and j >= dj:
                    margin, cosine = group(i - di, di, j - dj, dj)
                    if margin > 0:
                        options.append((best[i - di, j - dj] + margin, di, dj, cosine))
            score, di, dj, cosine = max(options, key=lambda option: option[0])
            best[i, j] = score
            back[i, j] = (di, dj, cosine)
        if i and on_row:
            on_row(1)
    groups = []
    i, j = n, m
    while i or j:
        di, dj, cosine = back[i, j]
        if di and dj:
            groups.append((range(i - di, i), range(j - dj, j), cosine))
        i, j = i - di, j - dj
    return groups[::-1]
