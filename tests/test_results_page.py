"""The results page through Flask's test client: facets as filter links that give the totals they count, the
filters in use shown and removable, forms that keep the other parameters, export links carrying the query and
its filters, "did you mean" as a link, citations as text, and a heading structure."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import html

from web import create_app

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture(scope="module")
def client(corpus_index):
    app = create_app(corpus_index)
    app.testing = True
    return app.test_client()


def page(client, href: str) -> html.HtmlElement:
    """The page at ``href`` (a path, or a link of the results page: ``?q=…``), in English."""
    response = client.get(href if href.startswith("/") else "/search" + href, headers=ENGLISH)
    assert response.status_code == 200, href
    return html.fromstring(response.get_data(as_text=True))


def total(tree: html.HtmlElement) -> int:
    """The total the page states ("Results 1–10 of 87"), 0 where nothing matches."""
    totals = tree.xpath("string(//p[@class='totals'])")
    return int(re.search(r" of (\d+)", totals)[1]) if totals else 0


def facet_links(tree: html.HtmlElement, facet: str) -> list[tuple[str, str, int]]:
    """The links of a facet (doc, lang, year, sort): (href, label, count), the count -1 where none is shown."""
    links = tree.xpath(f"//ul[@aria-labelledby='facet-{facet}']/li/a")
    return [
        (a.get("href"), a.xpath("string(span[1])"), int(a.xpath("string(span[@class='count'])") or -1)) for a in links
    ]


def params(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


@pytest.mark.parametrize("facet", ["doc", "year"])
def test_each_facet_link_gives_the_total_it_counts(client, facet):
    results = page(client, "?q=права человека")
    everything = total(results)
    (everything_link, *values) = facet_links(results, facet)
    assert everything_link[2] == everything and len(values) >= 2  # "all reports" counts every result
    counted = sum(count for _, _, count in values)
    assert counted == everything if facet == "doc" else counted <= everything  # a year: of documents with one
    for href, label, count in values:
        filtered = page(client, href)
        assert total(filtered) == count, label
        chosen = filtered.xpath(f"//ul[@aria-labelledby='facet-{facet}']/li/a[@aria-current='true']/span[1]/text()")
        assert chosen == [label]


def test_both_languages_are_offered_where_the_results_hold_one(client):
    results = page(client, "?q=пытки")
    languages = {label: (href, count) for href, label, count in facet_links(results, "lang")}
    assert list(languages) == ["all languages", "Russian", "Kazakh"]
    assert languages["all languages"][1] == languages["Russian"][1] == total(results)
    href, count = languages["Kazakh"]
    assert count == -1 and params(href)["lang"] == ["kk"]  # no Kazakh result counted: none said


def test_filters_in_use_are_shown_each_removable_and_kept_by_a_new_query(client):
    tree = page(client, "/search?q=пытки&doc=ccpr-answers&year_from=2023&sort=date&offset=10")
    chosen = tree.xpath("//div[@class='chosen']//li/a")
    chips = {a.text_content().split(":")[0].replace("Remove filter", "").strip(): a.get("href") for a in chosen}
    assert set(chips) == {"Report", "Year"}
    without_report = params(chips["Report"])
    assert "doc" not in without_report and without_report["year_from"] == ["2023"] and "offset" not in without_report
    assert total(page(client, chips["Report"])) > total(tree) > 0
    without_year = params(chips["Year"])
    assert "year_from" not in without_year and without_year["doc"] == ["ccpr-answers"]
    clear = params(tree.xpath("string(//div[@class='chosen']/a[@class='clear']/@href)"))
    assert clear == {"q": ["пытки"], "sort": ["date"]}  # the order is not a filter
    # The search box sends the filters with a new query; the year form the rest of the page's parameters.
    box = tree.xpath("//form[@role='search']")[0]
    kept = {i.get("name"): i.get("value") for i in box.xpath(".//input[@type='hidden']")}
    assert kept == {"doc": "ccpr-answers", "year_from": "2023", "sort": "date"}
    years = tree.xpath("//form[@class='years']")[0]
    kept = {i.get("name"): i.get("value") for i in years.xpath(".//input[@type='hidden']")}
    assert kept == {"q": "пытки", "doc": "ccpr-answers", "sort": "date"}
    assert years.xpath(".//input[@name='year_from']/@value") == ["2023"]
    assert all(f.xpath(".//label[normalize-space()]") for f in (box, years))  # its controls are labelled


def test_a_filtered_query_that_finds_nothing_still_offers_to_remove_the_filter(client):
    tree = page(client, "/search?q=пытки&year_from=1990&year_to=1995")
    assert total(tree) == 0 and tree.xpath("//h2[@id='no-answer']")
    (remove,) = tree.xpath("//div[@class='chosen']//li/a/@href")
    assert "year_from" not in params(remove) and total(page(client, remove)) > 0


def test_export_links_carry_the_query_and_its_filters(client):
    tree = page(client, "/search?q=пытки&doc=ccpr-answers&year_from=2024&sort=date&offset=10")
    links = tree.xpath("//p[@class='export']/a/@href")
    assert len(links) == 3
    types = {"csv": "text/csv", "ris": "application/x-research-info-systems", "bibtex": "application/x-bibtex"}
    for href in links:
        path, query = urlsplit(href).path, params(href)
        assert path == "/api/export" and "offset" not in query
        assert {name: query[name] for name in ("q", "doc", "year_from", "sort")} == {
            "q": ["пытки"], "doc": ["ccpr-answers"], "year_from": ["2024"], "sort": ["date"]
        }  # fmt: skip
        response = client.get(href, headers=ENGLISH)
        assert response.status_code == 200 and response.mimetype == types[query["format"][0]]
        assert response.headers["X-Total-Count"] == str(total(tree))
        assert "ccpr-answers" in response.get_data(as_text=True)
        response.close()  # the export streams: its generator ends with the response
    assert {params(href)["format"][0] for href in links} == set(types)


def test_a_query_typed_in_the_wrong_layout_gets_its_correction_as_a_link(client):
    tree = page(client, "/search?q=cvthnyfz rfpym")
    assert total(tree) == 0
    (link,) = tree.xpath("//*[@class='did-you-mean']/a")
    assert link.text == "смертная казнь" and params(link.get("href"))["q"] == ["смертная казнь"]
    assert total(page(client, link.get("href"))) > 0


def test_a_result_cites_its_paragraph_as_text_linking_the_report(client):
    tree = page(client, "/search?q=пытки")
    api = client.get("/api/search", query_string={"q": "пытки", "k": 10}, headers=ENGLISH).get_json()
    results = tree.xpath("//article[@class='result']")
    assert len(results) == len(api["results"]) == 10
    for article, result in zip(results, api["results"], strict=True):
        (cite,) = article.xpath(".//div[@class='citation']//cite")
        assert cite.text_content() == result["citation"]["text"]  # the whole citation, as text to select
        (link,) = cite.xpath("a")
        assert link.text == result["doc_title"] and link.get("href").startswith(result["url"].split("#")[0])
        (copy,) = article.xpath(".//button[@class='copy']")
        assert copy.get("data-citation").startswith(result["citation"]["text"].rstrip(".")) and copy.get("hidden") == ""


def test_the_results_page_has_a_heading_structure(client):
    tree = page(client, "/search?q=пытки")
    assert [h.text_content() for h in tree.xpath("//h1")] == ["Results for “пытки”"]
    assert tree.xpath("//h2/text()")[:2] == ["Filters", "Results"]
    assert len(tree.xpath("//article[@class='result']//h3[@class='cite']")) == 10
    assert tree.xpath("//a[@class='skip-link']/@href") == ["#results"] and tree.xpath("//*[@id='results']")
    home = page(client, "/")
    assert len(home.xpath("//h1")) == 1 and home.xpath("//a[@class='skip-link']/@href") == ["#content"]


def test_the_search_box_hint_keeps_its_quotes(client):
    (box,) = page(client, "/").xpath("//input[@name='q']")
    assert box.get("placeholder") == 'Words, a question or a "quoted phrase"' and box.get("aria-label") == "Search"
