"""The translator's and the reader's views through the app: the TMX of a bilingual report, the comparison view's
search, the document view that keeps the query (marks, table of contents, hit map, the way back), the links
that lead there from results and paragraphs, and bad input."""

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import html

from indexer.analysis import normalise, russian_forms
from search.query import MAX_QUERY_CHARS
from web import create_app

ENGLISH = {"Accept-Language": "en"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BILINGUAL = "mvd-ds-219"


@pytest.fixture(scope="module")
def client(corpus_index):
    app = create_app(corpus_index)
    app.testing = True
    return app.test_client()


def page(response) -> html.HtmlElement:
    assert response.status_code == 200, response.status_code
    return html.fromstring(response.get_data(as_text=True))


def ids(tree: html.HtmlElement) -> set[str]:
    return set(tree.xpath("//@id"))


def test_tmx_holds_the_documents_aligned_pairs(client, engine):
    response = client.get(f"/compare/{BILINGUAL}.tmx")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert (
        response.headers["Content-Disposition"].startswith("attachment")
        and ".tmx" in response.headers["Content-Disposition"]
    )
    root = ET.fromstring(response.data)
    header = root.find("header")
    assert root.tag == "tmx" and root.get("version") == "1.4"
    assert header.get("segtype") == "paragraph" and header.get("creationtool") == "kazsearch"
    assert header.get("srclang") in ("ru-RU", "kk-KZ") and header.get("datatype") == "plaintext"
    assert header.get("adminlang") and header.get("o-tmf") and header.get("creationtoolversion")
    units = root.findall("body/tu")
    pairs = {(p["kk_id"], p["ru_id"]) for p in engine.generation.read_alignment() if p["kk_id"].startswith(BILINGUAL)}
    assert len(pairs) > 40 and len(units) == sum(row.aligned for row in engine.parallel(BILINGUAL))
    covered = set()
    for unit in units:
        variants = {tuv.get(XML_LANG): tuv.findtext("seg") for tuv in unit.findall("tuv")}
        assert set(variants) == {"kk-KZ", "ru-RU"}
        paragraphs = [engine.paragraph(i) for i in unit.findtext("prop[@type='x-paragraphs']").split()]
        kazakh = [p for p in paragraphs if p.lang == "kk"]
        russian = [p for p in paragraphs if p.lang == "ru"]
        assert kazakh and russian and len(kazakh) + len(russian) == len(paragraphs)
        assert variants["kk-KZ"] == " ".join(p.text for p in kazakh)
        assert variants["ru-RU"] == " ".join(p.text for p in russian)
        covered |= {(k.id, r.id) for k in kazakh for r in russian}
    assert pairs <= covered and len(units) == len(pairs)  # every pair of this report is one-to-one
    assert client.get("/compare/ccpr-answers.tmx").status_code == 404  # Russian only: nothing to pair
    assert client.get("/compare/no-such-report.tmx").status_code == 404


def test_the_comparison_view_links_its_tmx_and_marks_a_search_in_both_columns(client):
    plain = page(client.get(f"/compare/{BILINGUAL}", headers=ENGLISH))
    assert plain.xpath(f"//a[@href='/compare/{BILINGUAL}.tmx']") and not plain.xpath("//mark")
    tree = page(client.get(f"/compare/{BILINGUAL}", query_string={"q": "электронный браслет"}, headers=ENGLISH))
    marked = {lang: tree.xpath(f"//table[@class='parallel']//td/p[@lang='{lang}'][mark]") for lang in ("kk", "ru")}
    assert marked["kk"] and marked["ru"]
    assert {normalise(m.text) for m in tree.xpath("//td/p[@lang='kk']/mark")} & {"білезік", "білезіктер"}
    rows = tree.xpath("//table[@class='parallel']/tbody/tr")
    matching = [row for row in rows if "match" in row.get("class").split()]
    assert matching and all(row.xpath(".//mark") for row in matching)
    assert not any(row.xpath(".//mark") for row in rows if row not in matching)
    said = tree.xpath("//p[@class='within-total']")[0].text_content()
    assert said.strip() == f"{len(matching)} rows hold these words"
    assert tree.xpath("//form[@role='search']//input[@name='q']/@value") == ["электронный браслет"]


def test_the_document_view_marks_every_form_of_the_query_words(client):
    tree = page(client.get("/doc/ccpr-answers", query_string={"q": "пытка"}))
    marks = {normalise(m.text) for m in tree.xpath("//*[contains(concat(' ', @class, ' '), ' para ')]//mark")}
    assert marks and marks <= russian_forms("пытка")
    assert marks - {"пытка"}, "an inflected form (пыток, пытками …) is marked"
    texts = tree.xpath("//*[contains(concat(' ', @class, ' '), ' para ')]")
    assert texts and all(p.get("lang") in ("ru", "kk") for p in texts)
    form = tree.xpath("//form[@role='search' and .//input[@name='q']]")[0]
    assert form.get("action") == "/doc/ccpr-answers" and form.get("method", "get").lower() == "get"
    assert form.xpath(".//input[@name='q']/@value") == ["пытка"] and form.xpath(".//label[@for='within-q']")


def test_the_document_view_has_a_table_of_contents_and_a_way_back(client):
    tree = page(client.get("/doc/ccpr-answers", query_string={"q": "пытка"}))
    entries = tree.xpath("//nav[@class='toc']//a")
    assert len(entries) > 10
    for entry in entries:
        heading = tree.get_element_by_id(entry.get("href").removeprefix("#"))
        assert heading.tag in ("h2", "h3", "h4") and heading.text_content() == entry.text_content()
        assert heading.get("lang") == "ru"
    back = urlsplit(tree.xpath("//a[@class='back']/@href")[0])
    assert back.path == "/search" and parse_qs(back.query)["q"] == ["пытка"]
    assert not page(client.get("/doc/ccpr-answers")).xpath("//a[@class='back'] | //nav[@class='hitmap'] | //mark")


@pytest.mark.parametrize("doc_id, query", [("ccpr-answers", "пытка"), (BILINGUAL, "сотталғандар")])
def test_the_hit_map_points_to_every_matching_paragraph(client, doc_id, query):
    tree = page(client.get(f"/doc/{doc_id}", query_string={"q": query}, headers=ENGLISH))
    paragraphs = tree.xpath("//*[contains(concat(' ', @class, ' '), ' para ')]")
    matching = [p.get("id") for p in paragraphs if p.xpath(".//mark")]
    marks = tree.xpath("//nav[@class='hitmap']//a")
    assert matching and [m.get("href") for m in marks] == [f"#{i}" for i in matching]
    assert all(m.get("aria-label") for m in marks) and tree.xpath("//nav[@class='hitmap']/@aria-label")
    places = [float(m.xpath(".//*[local-name()='line']/@y1")[0]) for m in marks]
    order = [p.get("id") for p in paragraphs]
    expected = [(order.index(i) + 0.5) / len(order) * 1000 for i in matching]
    assert places == pytest.approx(expected, abs=0.06)  # where each paragraph stands, down the strip
    said = tree.xpath("//p[@class='within-total']")[0].text_content()
    assert said.split()[0] == str(len(matching))


def test_results_and_paragraphs_link_to_the_views_with_the_query(client):
    tree = page(client.get("/search", query_string={"q": "пытки"}))
    links = tree.xpath("//article[contains(@class, 'result')]//a[starts-with(@href, '/doc/')]/@href")
    assert links
    for link in links:
        parts = urlsplit(link)
        assert parts.path.startswith("/doc/") and parse_qs(parts.query)["q"] == ["пытки"]
        assert parts.fragment.startswith("p")
    document = page(client.get(links[0]))
    assert urlsplit(links[0]).fragment in ids(document) and document.xpath("//mark")
    kazakh = page(client.get("/search", query_string={"q": "электрондық білезік", "lang": "kk"}))
    compare_links = kazakh.xpath(
        f"//article[contains(@class, 'result')]//a[starts-with(@href, '/compare/{BILINGUAL}')]"
    )
    assert compare_links
    compare = urlsplit(compare_links[0].get("href"))
    assert parse_qs(compare.query)["q"] == ["электрондық білезік"]
    assert compare.fragment in ids(page(client.get(compare_links[0].get("href"))))
    paragraph = page(client.get(f"/p/{BILINGUAL}:30"))
    own = "//a[starts-with(@href, '/compare/')][not(ancestor::section[@id='similar'])]/@href"  # not a similar one's
    assert paragraph.xpath(own) == [f"/compare/{BILINGUAL}#p30"]
    assert "p30" in ids(page(client.get(paragraph.xpath(own)[0])))
    assert not page(client.get("/p/ccpr-answers:16")).xpath(own)  # no translation, no comparison


def test_bad_input_to_the_views(client):
    for path in ["/doc/no-such-report?q=пытка", "/compare/no-such-report?q=пытка", "/compare/ccpr-answers?q=x"]:
        response = client.get(path, headers={"Accept-Language": "kk"})
        assert response.status_code == 404 and html.fromstring(response.data).get("lang") == "kk"
        assert "Табылмады" in html.fromstring(response.data).findtext(".//h1")
    # An over-long query is cut as the search page cuts it (MAX_QUERY_CHARS), not refused.
    long = "пытка " * 200
    for path in ["/search", "/doc/ccpr-answers", f"/compare/{BILINGUAL}"]:
        tree = page(client.get(path, query_string={"q": long}))
        assert tree.xpath("//input[@name='q']/@value")[0] == long[:MAX_QUERY_CHARS].strip()
    assert page(client.get("/doc/ccpr-answers", query_string={"q": long})).xpath("//mark")
    payload = "<script>alert(1)</script> пытка"
    shown = client.get("/doc/ccpr-answers", query_string={"q": payload}).get_data(as_text=True)
    assert "<script>alert" not in shown and "&lt;script&gt;" in shown
    empty = page(client.get("/doc/ccpr-answers", query_string={"q": "   "}))
    assert not empty.xpath("//mark | //nav[@class='hitmap']")
