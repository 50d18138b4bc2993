"""A lawyer's and a translator's workflow through the JSON API (issue 16): citations in the interface's
language, facets that add up to the total and filters that give a facet's count, year filters and date
order, exports of every result (CSV, RIS, BibTeX), and queries typed in the wrong keyboard layout."""

import csv
import io
import re
from collections import Counter

import numpy as np
import pytest
from lxml import html

import web.api
from indexer.records import ParagraphRecord
from search.citation import Citation
from search.facets import FACET_DOCUMENTS, facets
from search.spelling import retype
from search.store import ParagraphStore
from web import create_app
from web.export import CSV_COLUMNS, ExportRow, bibtex_text

CITATION_FIELDS = ["text", "title", "author", "year", "label", "page", "url"]
QUERIES = ["пытки", "права человека", "өлім жазасы"]


@pytest.fixture(scope="module")
def client(corpus_index):
    app = create_app(corpus_index)
    app.testing = True
    return app.test_client()


@pytest.fixture(scope="module")
def years(client) -> dict[str, int]:
    return {d["doc_id"]: d["year"] for d in client.get("/api/documents").get_json()["documents"]}


def search(client, **params) -> dict:
    response = client.get("/api/search", query_string={"ui": "en", **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def every_result(client, **params) -> list[dict]:
    """All results of a query, page by page."""
    results: list[dict] = []
    while True:
        page = search(client, **params, k=100, offset=len(results))
        results += page["results"]
        if len(results) >= page["total"] or not page["results"]:
            return results


# Citations


@pytest.mark.parametrize(
    "ui, text",
    [
        ("ru", "Республика Казахстан. Ответы на перечень вопросов (CCPR/C/KAZ/QPR/3). — 2024. — п. 16."),
        ("kk", "Республика Казахстан. Ответы на перечень вопросов (CCPR/C/KAZ/QPR/3). — 2024. — т. 16."),
        ("en", "Республика Казахстан, Ответы на перечень вопросов (CCPR/C/KAZ/QPR/3), 2024, para. 16"),
    ],
)
def test_a_paragraph_is_cited_in_the_interface_language(client, ui, text):
    citation = client.get("/api/paragraph/ccpr-answers:16", query_string={"ui": ui}).get_json()["citation"]
    assert citation == {
        "text": text,
        "title": "Ответы на перечень вопросов (CCPR/C/KAZ/QPR/3)",
        "author": "Республика Казахстан",
        "year": 2024,
        "label": "16",
        "page": None,
        "url": "/doc/ccpr-answers#p16",
    }
    page = html.fromstring(client.get(f"/p/ccpr-answers:16?ui={ui}").get_data(as_text=True))
    assert page.xpath("string(//*[@class='citation']//cite)") == text  # the page cites it alike


@pytest.mark.parametrize("ui", ["ru", "kk", "en"])
def test_every_result_carries_the_citation_its_paragraph_has(client, ui):
    response = search(client, q="смертная казнь", k=10, ui=ui)
    assert response["results"]
    for result in response["results"]:
        citation = result["citation"]
        assert list(citation) == CITATION_FIELDS and citation["url"] == result["url"]
        assert citation["label"] == result["label"] and citation["title"] == result["doc_title"]
        paragraph = client.get(f"/api/paragraph/{result['id']}", query_string={"ui": ui}).get_json()
        assert paragraph["citation"] == citation


def test_a_paragraph_the_report_does_not_number_is_cited_by_its_place():
    record = ParagraphRecord("d:3", "d", "Доклад", 3, None, None, "ru", "Текст.", (5, 6), page=7)
    citation = Citation.of(record, {"author": "Коалиция НПО.", "year": 2023, "symbol": "CAT/C/KAZ/CO/4"})
    assert citation.text("ru") == "Коалиция НПО. Доклад (CAT/C/KAZ/CO/4). — 2023. — с. 7, ¶ 3."
    assert citation.text("kk") == "Коалиция НПО. Доклад (CAT/C/KAZ/CO/4). — 2023. — б. 7, ¶ 3."
    assert citation.text("en") == "Коалиция НПО., Доклад (CAT/C/KAZ/CO/4), 2023, p. 7, ¶ 3"
    published = Citation.of(record, {"source_url": "https://example.org/report.pdf"})
    assert published.text("ru") == "Доклад. — с. 7, ¶ 3. — URL: https://example.org/report.pdf"


# Facets, years, date order


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("mode", ["hybrid", "keyword", "semantic"])
def test_facets_count_every_result_and_each_filter_gives_its_count(client, years, query, mode):
    first = search(client, q=query, mode=mode, k=5)
    facets, total = first["facets"], first["total"]
    assert search(client, q=query, mode=mode, k=5, offset=5)["facets"] == facets  # not one page's
    assert facets["doc_others"] == {"documents": 0, "count": 0}  # the corpus's few reports are all listed
    assert sum(f["count"] for f in facets["doc"]) == total == sum(f["count"] for f in facets["lang"])
    assert sum(f["count"] for f in facets["year"]) == total  # every report of the corpus has a year
    assert [f["value"] for f in facets["year"]] == sorted({f["value"] for f in facets["year"]}, reverse=True)
    for facet in facets["doc"]:
        assert facet["label"] and facet["count"] > 0
        narrowed = every_result(client, q=query, mode=mode, doc=facet["value"])
        assert len(narrowed) == facet["count"] and {r["doc_id"] for r in narrowed} == {facet["value"]}
    for facet in facets["lang"]:  # a Russian query asked for Kazakh is translated too: it may find more
        narrowed = every_result(client, q=query, mode=mode, lang=facet["value"])
        assert {r["lang"] for r in narrowed} == {facet["value"]}
        assert len(narrowed) == facet["count"] or (facet["value"] == "kk" and len(narrowed) > facet["count"])
    for facet in facets["year"]:
        only = search(client, q=query, mode=mode, year_from=facet["value"], year_to=facet["value"])
        assert only["total"] == facet["count"]
        assert {years[r["doc_id"]] for r in only["results"]} <= {facet["value"]}
    since = facets["year"][-1]["value"] + 1  # all but the oldest year
    expected = sum(f["count"] for f in facets["year"] if f["value"] >= since)
    assert search(client, q=query, mode=mode, year_from=since)["total"] == expected


def test_languages_are_named_in_the_interface_language(client):
    facets = search(client, q="өлім жазасы", ui="en")["facets"]
    assert {f["value"]: f["label"] for f in facets["lang"]} == {"kk": "Kazakh", "ru": "Russian"}


@pytest.mark.parametrize("query", ["пытки", "өлім жазасы"])
def test_date_order_is_newest_first_and_relevance_within_a_year(client, years, query):
    by_relevance = every_result(client, q=query)
    by_date = every_result(client, q=query, sort="date")
    assert len({years[r["doc_id"]] for r in by_date}) > 1  # the order has something to show
    expected = sorted(by_relevance, key=lambda r: -years[r["doc_id"]])  # stable: relevance within a year
    assert [r["id"] for r in by_date] == [r["id"] for r in expected]
    pages = [r["id"] for offset in range(0, len(by_date), 7) for r in search(
        client, q=query, sort="date", k=7, offset=offset)["results"]]  # fmt: skip
    assert pages == [r["id"] for r in by_date]


# Exports


def export(client, **params):
    return client.get("/api/export", query_string={"ui": "en", **params}, buffered=False)


@pytest.mark.parametrize(
    "params", [{"q": "пытки"}, {"q": "права человека", "mode": "keyword", "year_from": 2021, "sort": "date"}]
)
def test_csv_export_holds_every_result_in_order(client, params):
    expected = every_result(client, **params)
    response = export(client, **params, format="csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="kazsearch-results.csv"'
    assert response.headers["X-Export-Cap"] == "10000" and response.headers["X-Total-Count"] == str(len(expected))
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs to read UTF-8
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(header) == CSV_COLUMNS and len(rows) == len(expected) > 0
    for row, result in zip(rows, expected, strict=True):
        line = dict(zip(header, row, strict=True))
        assert line["id"] == result["id"] and line["text"] == result["text"]
        assert line["citation"] == result["citation"]["text"] and line["language"] == result["lang"]
        assert line["url"] == "http://localhost" + result["url"] and line["report"] == result["doc_title"]


def test_an_export_stops_at_its_cap_and_says_so(client, monkeypatch):
    monkeypatch.setattr(web.api, "EXPORT_CAP", 7)
    response = export(client, q="пытки", format="csv")
    total = search(client, q="пытки")["total"]
    assert total > 7 and response.headers["X-Export-Cap"] == "7" and response.headers["X-Total-Count"] == str(total)
    assert len(list(csv.reader(io.StringIO(response.get_data(as_text=True))))) == 1 + 7


def test_ris_export_is_one_record_per_result(client):
    expected = every_result(client, q="права человека", doc="ccpr-answers")
    response = export(client, q="права человека", doc="ccpr-answers", format="ris")
    assert response.status_code == 200 and response.is_streamed
    assert response.content_type.startswith("application/x-research-info-systems")
    assert response.headers["Content-Disposition"].endswith('.ris"')
    lines = response.get_data(as_text=True).split("\r\n")
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines if line)
    assert sum(line == "TY  - RPRT" for line in lines) == sum(line == "ER  - " for line in lines) == len(expected)
    assert [line[6:] for line in lines if line.startswith("ID  - ")] == [r["id"] for r in expected]
    assert [line[6:] for line in lines if line.startswith("N1  - ")] == [r["citation"]["text"] for r in expected]


def test_bibtex_export_is_one_entry_per_result(client):
    expected = every_result(client, q="өлім жазасы")
    response = export(client, q="өлім жазасы", format="bibtex")
    assert response.status_code == 200 and response.is_streamed
    assert response.content_type.startswith("application/x-bibtex")
    assert response.headers["Content-Disposition"].endswith('.bib"')
    keys = re.findall(r"^@misc\{([^,]+),$", response.get_data(as_text=True), flags=re.MULTILINE)
    assert keys == [r["id"] for r in expected]


def test_bibtex_escapes_what_latex_would_read_as_commands():
    record = ParagraphRecord("d:1", "d", "Доклад #1_a", 1, "1", None, "ru", "50% & $5 {x} ~ ^ \\ end", (1, 1))
    row = ExportRow.of(record, Citation.of(record, {"author": "A & B"}), "en", "http://host")
    entry = "".join(bibtex_text([row]))
    assert r"{50\% \& \$5 \{x\} \~{} \^{} \textbackslash{} end}" in entry
    assert r"author = {{A \& B}}" in entry and r"title = {Доклад \#1\_a}" in entry
    plain = re.sub(r"\\[{}]", "", entry)
    assert plain.count("{") == plain.count("}")  # every field closes where it should


@pytest.mark.parametrize(
    "route, params, message",
    [
        ("export", {"q": "пытки", "format": "pdf"}, "format must be one of csv, ris, bibtex"),
        ("export", {"q": "   ", "format": "csv"}, "q is empty"),
        ("export", {"format": "ris"}, "q is empty"),
        ("export", {"q": "пытки", "year_from": "2024", "year_to": "2020"}, "year_from (2024) is after year_to (2020)"),
        ("export", {"q": "пытки", "year_to": "двадцатый"}, "year_to must be a whole number between 1900 and 2100"),
        ("search", {"q": "пытки", "year_from": "2024", "year_to": "2020"}, "year_from (2024) is after year_to (2020)"),
        ("search", {"q": "пытки", "year_from": "2020.5"}, "year_from must be a whole number between 1900 and 2100"),
        ("search", {"q": "пытки", "year_to": "99999"}, "year_to must be between 1900 and 2100"),
        ("search", {"q": "пытки", "sort": "newest"}, "sort must be one of relevance, date"),
    ],
)
def test_bad_workflow_parameters_are_a_400_with_a_message(client, route, params, message):
    response = client.get(f"/api/{route}", query_string={"ui": "en", **params})
    assert response.status_code == 400 and message in response.get_json()["error"]


# Did you mean: the wrong keyboard layout


@pytest.mark.parametrize(
    "typed, layout, meant",
    [
        ("cvthnm", "ru", "смерть"),
        ("'nj", "ru", "это"),  # ' is э
        ("`krf", "ru", "ёлка"),
        ("J<HFOTYBT", "ru", "ОБРАЩЕНИЕ"),  # , is б, Shift+, (<) Б; capitals stay capitals
        ("2ktv", "kk", "әлем"),  # the Kazakh letters sit on the digit row
        ("-k3v", "kk", "өлім"),  # 3 is і, - is ө
        ("0fpf0", "kk", "қазақ"),
        ("=fr", "kk", "һак"),
    ],
)
def test_retype_reads_the_keys_in_the_other_layout(typed, layout, meant):
    assert retype(typed, layout) == meant


@pytest.mark.parametrize(
    "query, did_you_mean",
    [
        ("cvthnyfz rfpym", "смертная казнь"),  # Russian typed with the Latin layout on
        ("Cvthnyfz Rfpym", "Смертная Казнь"),
        ("ghfdf xtkjdtrf d rfpf[cnfyt", "права человека в казахстане"),  # the stop word "в" follows the others
        ("j,hfotybz", "обращения"),
        ("cjnnfk5fylfh", "сотталғандар"),  # Kazakh layout: 5 is ғ
        ("0fpf0cnfy", "қазақстан"),  # 0 is қ
        ("COVID rfhfynby", "COVID карантин"),  # a Latin word the reports use stays
        ("cvthnyfz rfpym пыткии", "смертная казнь пытки"),  # with a misspelling one edit away
        ("qwxz", None),  # retyped it is no word of the reports either
    ],
)
def test_did_you_mean_retypes_words_typed_in_the_wrong_layout(client, query, did_you_mean):
    response = search(client, q=query)
    assert response["did_you_mean"] == did_you_mean and response["unknown_words"]
    if did_you_mean:
        corrected = search(client, q=did_you_mean)
        assert not corrected["unknown_words"] and corrected["did_you_mean"] is None


def test_an_archive_of_many_documents_lists_the_busiest_and_counts_the_others():
    """A common word in a large archive finds thousands of documents: a response lists the first fifty."""
    documents = FACET_DOCUMENTS + 30
    records = [
        ParagraphRecord(f"d{d}:{n}", f"d{d}", f"Doc {d}", n, None, None, "ru", "Текст абзаца.", (n, n))
        for d in range(documents)
        for n in range(1, 2 + d % 4)  # 1 to 4 paragraphs a document
    ]
    store = ParagraphStore(records, [], [{"doc_id": f"d{d}", "title": f"D{d}", "year": 2000 + d % 3} for d in range(9)])
    found = facets(store, np.ones(len(records), dtype=bool))
    counts = [f["count"] for f in found["doc"]]
    assert len(counts) == FACET_DOCUMENTS and counts == sorted(counts, reverse=True) and counts[0] == 4
    assert found["doc_others"]["documents"] == documents - FACET_DOCUMENTS
    assert sum(counts) + found["doc_others"]["count"] == len(records) == sum(f["count"] for f in found["lang"])
    # a year counts its documents' results; documents without a year (d9 onwards) are in none
    for results in (np.ones(len(records), dtype=bool), np.arange(len(records)) % 3 == 0):
        found = facets(store, results)
        chosen = [r for r, chosen in zip(records, results, strict=True) if chosen]
        by_year = Counter(2000 + int(r.doc_id[1:]) % 3 for r in chosen if int(r.doc_id[1:]) < 9)
        assert [(f["value"], f["count"]) for f in found["year"]] == sorted(by_year.items(), reverse=True)
