"""``total`` is a property of the query: the same for every offset and k, and paging through every page
yields exactly ``total`` distinct paragraphs (it changed with the page when the semantic window grew)."""

import pytest

QUERIES = ["права человека", "пытки", '"права человека"', "ДС-219", "пра* суд~ -отмена", "азаптау"]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("mode, fusion", [("hybrid", "weighted"), ("hybrid", "rrf"), ("keyword", "weighted"),
                                          ("semantic", "weighted")])  # fmt: skip
def test_total_is_the_same_on_every_page_and_pages_hold_it_exactly(engine, query, mode, fusion):
    totals, seen = set(), []
    for offset in range(0, 420, 35):
        response = engine.search(query, k=35, offset=offset, mode=mode, fusion=fusion, snippets=False)
        totals.add(response["total"])
        seen += [r["id"] for r in response["results"]]
    assert len(totals) == 1
    total = totals.pop()
    assert len(seen) == len(set(seen)) == min(total, 420)
    assert engine.search(query, k=3, mode=mode, fusion=fusion)["total"] == total
