"""The web app through Flask's test client: the API contract, errors, pages, OpenSearch, safety headers."""

import xml.etree.ElementTree as ET

import pytest

from web import create_app

CONTRACT = {
    "id", "doc_id", "doc_title", "label", "ordinal", "lang", "section", "text", "snippet_html", "score",
    "keyword", "semantic", "url", "citation", "translation", "evidence", "confidence",
}  # fmt: skip


@pytest.fixture(scope="module")
def client(corpus_index):
    app = create_app(corpus_index)
    app.testing = True
    return app.test_client()


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "semantic"])
def test_search_answers_the_contract_in_every_mode(client, mode):
    body = client.get("/api/search", query_string={"q": "права человека", "mode": mode, "k": 5}).get_json()
    assert list(body) == [
        "query",
        "mode",
        "alpha",
        "total",
        "unknown_words",
        "did_you_mean",
        "translation",
        "took_ms",
        "partial",
        "notes",
        "facets",
        "results",
    ]
    assert body["mode"] == mode and len(body["results"]) == 5 and body["total"] >= 5
    for result in body["results"]:
        assert set(result) == CONTRACT
        legs = [leg for leg in (result["keyword"], result["semantic"]) if leg]
        assert legs and all(set(leg) == {"score", "rank"} for leg in legs)
    if mode == "hybrid":
        assert all(r["semantic"] for r in body["results"]) and any(r["keyword"] for r in body["results"])


@pytest.mark.parametrize(
    "params, message",
    [
        ({"k": "abc"}, "k must be a whole number between 1 and 100"),
        ({"k": "0"}, "k must be between"),
        ({"k": "101"}, "k must be between"),
        ({"offset": "-1"}, "offset must be between"),
        ({"mode": "magic"}, "mode must be one of"),
        ({"alpha": "2"}, "alpha must be between 0.0 and 1.0"),
        ({"alpha": "nan"}, "alpha must be between"),
        ({"lang": "de"}, "lang must be one of"),
        ({"doc": "../etc/passwd"}, "doc must be one of"),
        ({"fusion": "max"}, "fusion must be one of"),
    ],
)
def test_bad_parameters_are_a_400_with_a_message(client, params, message):
    english = {"Accept-Language": "en"}  # the messages are in the interface's language (test_interface_languages.py)
    response = client.get("/api/search", query_string={"q": "пытки", **params}, headers=english)
    assert response.status_code == 400 and message in response.get_json()["error"]


def test_odd_queries_are_searched_as_text_and_long_ones_cut(client):
    for query in ['"незакрытая кавычка', "пытки AND OR NOT ( ]", "-", "*", "~~", '"']:
        assert client.get("/api/search", query_string={"q": query}).status_code == 200
    long = client.get("/api/search", query_string={"q": "пытки " * 400}).get_json()
    assert long["total"] > 0 and len(long["query"]) == 500


def test_paragraph_similar_and_documents(client):
    paragraph = client.get("/api/paragraph/mvd-ds-219:30").get_json()
    assert paragraph["lang"] == "kk" and paragraph["translation"]["lang"] == "ru"
    assert paragraph["previous"] == "mvd-ds-219:29" and paragraph["next"] == "mvd-ds-219:31"
    similar = client.get("/api/similar/ccpr-answers:16?k=3").get_json()
    assert len(similar["results"]) == 3 and "ccpr-answers:16" not in [r["id"] for r in similar["results"]]
    documents = client.get("/api/documents").get_json()["documents"]
    assert {d["doc_id"] for d in documents} >= {"ccpr-answers", "mvd-ds-219"}
    assert all("file" not in d and d["source"] for d in documents)  # the server's own paths stay its own
    assert client.get("/api/paragraph/nope:1").status_code == 404
    assert client.get("/api/similar/nope:1").status_code == 404  # an exception inside the engine once
    assert client.get("/api/nothing-here").get_json()["error"]


def test_suggestions_follow_the_opensearch_format_in_both_languages(client):
    prefix, completions, descriptions, urls = client.get("/api/suggest?q=пра").get_json()
    assert prefix == "пра" and completions and len(completions) == len(descriptions) == len(urls)
    assert all(c.lower().startswith("пра") for c in completions) and urls[0].startswith("http://")
    assert any(c.startswith("сотталған") for c in client.get("/api/suggest?q=сотт").get_json()[1])
    assert client.get("/api/suggest?q=").get_json() == ["", [], [], []]


def test_opensearch_description_is_valid(client):
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    root = ET.fromstring(response.data)
    assert root.tag == "{http://a9.com/-/spec/opensearch/1.1/}OpenSearchDescription"
    assert root.find("os:ShortName", ns).text == "kazsearch" and len(root.find("os:ShortName", ns).text) <= 16
    assert root.find("os:InputEncoding", ns).text == "UTF-8" and root.find("os:Description", ns).text
    image = root.find("os:Image", ns)
    assert client.get(image.text.replace("http://localhost", "")).mimetype == "image/png"
    urls = {u.get("type"): u.get("template") for u in root.findall("os:Url", ns)}
    assert urls["text/html"].endswith("/search?q={searchTerms}")
    assert urls["application/x-suggestions+json"].endswith("/api/suggest?q={searchTerms}")


def test_pages_render_and_carry_autodiscovery(client):
    for path in ["/", "/search?q=пытки", "/p/ccpr-answers:16", "/doc/ccpr-answers", "/compare/mvd-ds-219"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert b'rel="search" type="application/opensearchdescription+xml"' in response.data
    assert client.get("/compare/ccpr-answers").status_code == 404
    assert client.get("/doc/nope").status_code == 404
    assert client.get("/search?q=x&k=abc").status_code == 400


def test_markup_in_queries_and_results_is_shown_not_run(client):
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    page = client.get("/search", query_string={"q": payload}).get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page and "&lt;script&gt;" in page
    body = client.get("/api/search", query_string={"q": payload + " пытки"}).get_json()
    assert all("<script>" not in r["snippet_html"] and "<img" not in r["snippet_html"] for r in body["results"])


def test_security_headers(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"


def test_interface_language_follows_the_browser_and_can_be_switched(client):
    assert "Найти" in client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).get_data(as_text=True)
    assert "Іздеу" in client.get("/", headers={"Accept-Language": "kk"}).get_data(as_text=True)
    english = client.get("/?ui=en", headers={"Accept-Language": "kk"})
    assert "Search" in english.get_data(as_text=True) and "ui=en" in english.headers["Set-Cookie"]


def test_a_newly_published_generation_is_served_without_restart(tmp_path):
    from indexer.build import build_index
    from tests.conftest import CACHE, CORPUS

    index = tmp_path / "index"
    build_index([CORPUS / "002_8f2f399057266b42.txt"], index, progress=False, cache_dir=CACHE)
    app = create_app(index, reload_seconds=0)
    client = app.test_client()
    before = client.get("/api/documents").get_json()["documents"]
    in_flight = app.extensions["kazsearch"].acquire()  # a request that started on the old generation
    build_index([CORPUS / "003_adcbc693acd35aae.txt"], index, progress=False, cache_dir=CACHE)
    after = client.get("/api/documents").get_json()["documents"]
    assert [d["doc_id"] for d in before] != [d["doc_id"] for d in after]
    assert in_flight.search("пытки", k=1)["results"][0]["doc_id"] == before[0]["doc_id"]
