"""The interface in Russian, Kazakh and English through the app: the language chosen, pages, error pages and
error messages said in it, every text marked with its own language, and gettext catalogues complete and current."""

import string
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from lxml import html

from search.notes import TEXTS, Note
from web import create_app
from web.i18n import note_text, ui_language

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "web" / "translations"
# The keywords `make i18n-extract` adds to Babel's defaults (Makefile).
KEYWORDS = DEFAULT_KEYWORDS | parse_keywords(["lazy_gettext", "lazy_pgettext:1c,2"])
RUSSIAN = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
KAZAKH = {"Accept-Language": "kk-KZ,kk;q=0.9,ru;q=0.8"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


@pytest.fixture(scope="module")
def app(corpus_index):
    app = create_app(corpus_index)
    app.testing = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()  # a cookie jar of its own: no test's language leaks into another


def page(response) -> html.HtmlElement:
    return html.fromstring(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "headers, lang, title, text",
    [
        (RUSSIAN, "ru", "404 · Не найдено", "Страница не найдена"),
        (KAZAKH, "kk", "404 · Табылмады", "Бұл мекенжайда бет жоқ"),
        (ENGLISH, "en", "404 · Not found", "There is no page at this address"),
        ({}, "ru", "404 · Не найдено", "Страница не найдена"),  # no Accept-Language: Russian
    ],
)
def test_a_missing_page_is_a_404_in_the_browsers_language(client, headers, lang, title, text):
    for path in ["/doc/no-such-report", "/no/such/page"]:
        response = client.get(path, headers=headers)
        assert response.status_code == 404
        tree = page(response)
        assert tree.get("lang") == lang and tree.findtext(".//h1") == title
        assert text in tree.findtext(".//p[@class='error']")
    assert text in client.get("/api/no-such-endpoint", headers=headers).get_json()["error"]


def test_ui_parameter_switches_the_language_and_a_cookie_remembers_it(client):
    kazakh = client.get("/?ui=kk", headers=ENGLISH)
    tree = page(kazakh)
    assert tree.get("lang") == "kk" and tree.findtext(".//button[@type='submit']") == "Іздеу"
    assert "Қазақстан туралы баяндамалардан" in tree.findtext(".//section[@class='intro']/p")
    assert "ui=kk" in kazakh.headers["Set-Cookie"]
    remembered = page(client.get("/search?q=пытки", headers=ENGLISH))  # the cookie beats the browser
    assert remembered.get("lang") == "kk" and "нәтиженің" in remembered.findtext(".//p[@class='totals']")
    assert page(client.get("/?ui=de", headers=ENGLISH)).get("lang") == "kk"  # not a language: ignored


def test_an_english_browser_gets_english(client):
    tree = page(client.get("/search?q=пытки&mode=keyword", headers=ENGLISH))
    assert tree.get("lang") == "en" and tree.findtext(".//button[@type='submit']") == "Search"
    assert tree.findtext(".//p[@class='totals']").startswith("Results 1–10 of ")
    assert tree.xpath("//select[@name='mode']/option[@selected]/text()") == ["keywords"]
    assert client.get("/api/paragraph/nope:1", headers=ENGLISH).status_code == 404


def russian_paragraphs(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} абзац"
    return f"{n} абзаца" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else f"{n} абзацев"


def test_numbers_take_the_russian_plural_forms(client):
    documents = client.get("/api/documents").get_json()["documents"]
    tree = page(client.get("/", headers=RUSSIAN))
    counts = [text.split(" · ")[-1] for text in tree.xpath("//ul[@class='documents']//span[@class='muted']/text()")]
    assert documents and counts == [russian_paragraphs(d["paragraphs"]) for d in documents]


@pytest.mark.parametrize(
    "headers, message",
    [
        (RUSSIAN, "параметр k должен быть целым числом от 1 до 100, а получено 'abc'"),
        (KAZAKH, "k параметрі 1 мен 100 аралығындағы бүтін сан болуы керек, ал берілгені 'abc'"),
        (ENGLISH, "k must be a whole number between 1 and 100, got 'abc'"),
    ],
)
def test_a_bad_parameter_is_a_400_in_the_interfaces_language(client, headers, message):
    api = client.get("/api/search", query_string={"q": "пытки", "k": "abc"}, headers=headers)
    assert api.status_code == 400 and api.get_json()["error"] == message
    response = client.get("/search", query_string={"q": "пытки", "k": "abc"}, headers=headers)
    assert response.status_code == 400 and page(response).findtext(".//p[@class='error']") == message


def test_the_choices_of_a_bad_parameter_are_said_in_the_interfaces_language(client):
    error = client.get("/api/search?q=x&mode=magic", headers=KAZAKH).get_json()["error"]
    assert error == "mode параметрі мыналардың бірі болуы керек: hybrid, keyword, semantic"


def test_result_snippets_carry_their_own_language(client):
    kazakh = page(client.get("/search", query_string={"q": "электрондық білезік", "lang": "kk"}, headers=RUSSIAN))
    assert kazakh.get("lang") == "ru"
    snippets = kazakh.xpath("//article[@class='result']/p[@class='snippet']")
    assert snippets and {s.get("lang") for s in snippets} == {"kk"}
    both = page(client.get("/search", query_string={"q": "права человека", "k": 10}, headers=ENGLISH))
    results = both.xpath("//article[@class='result']")
    assert results
    for result in results:
        badge = result.xpath(".//span[contains(@class, 'badge')]/text()")[0]
        assert result.xpath("./p[@class='snippet']/@lang") == [badge]


def test_every_paragraph_text_on_a_page_carries_its_language(client):
    document = page(client.get("/doc/mvd-ds-219", headers=ENGLISH))
    paragraphs = document.xpath("//*[contains(concat(' ', @class, ' '), ' para ')] | //h2[@class='section']")
    assert paragraphs and all(p.get("lang") in ("kk", "ru") for p in paragraphs)
    assert {p.get("lang") for p in paragraphs} == {"kk", "ru"}
    compare = page(client.get("/compare/mvd-ds-219", headers=ENGLISH))
    texts = compare.xpath("//table[@class='parallel']//td/p[not(@class='missing')]")
    assert texts and all(p.get("lang") in ("kk", "ru") for p in texts)
    paragraph = page(client.get("/p/mvd-ds-219:30", headers=KAZAKH))
    assert paragraph.get("lang") == "kk"
    assert paragraph.xpath("//article[@class='paragraph']/p[@class='text']/@lang") == ["kk"]
    assert paragraph.xpath("//section[@class='translation-open']/p/@lang") == ["ru"]
    assert all(r.get("lang") for r in paragraph.xpath("//section[@id='similar']//p[@class='snippet']"))


def test_notes_on_the_search_are_said_in_the_interfaces_language(client):
    page_ru = page(client.get("/search", query_string={"q": "с* пытки"}, headers=RUSSIAN))
    assert page_ru.xpath("//aside[@class='notes']//li/text()") == [
        "с*: для поиска по началу слова нужно не меньше 3 букв; искали как слово"
    ]
    page_kk = page(client.get("/search", query_string={"q": "с* пытки"}, headers=KAZAKH))
    assert "сөздің басы бойынша іздеу үшін кемінде 3 әріп керек" in page_kk.xpath("//aside//li/text()")[0]


@pytest.mark.parametrize("headers", [RUSSIAN, KAZAKH])
@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_note_has_a_translation(app, headers, key):
    fields = {name for _, name, _, _ in string.Formatter().parse(TEXTS[key]) if name}
    note = Note(key, **dict.fromkeys(fields, 1234))
    with app.test_request_context("/", headers=headers):
        text = note_text(note)
    assert text != str(note) and "1\xa0234" in text  # said in the language, its numbers written as it writes them


def test_ui_language_names_the_requests_language(app):
    with app.test_request_context("/?ui=kk"):
        assert ui_language() == "kk"
    with app.test_request_context("/", headers=ENGLISH):
        assert ui_language() == "en"
    assert ui_language() == "ru"  # outside a request


def catalogue(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as file:
        return read_po(file)


def msgids(messages) -> set:
    return {(m.context, m.id) for m in messages if m.id}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_message_has_a_translation(lang):
    po = catalogue(lang)
    untranslated = [
        m.id for m in po if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert not untranslated
    assert not [(m.id, errors) for m, errors in po.check()]  # placeholders as in the msgid, right plural count


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_catalogues_hold_the_templates_messages_compiled(lang):
    with open(TRANSLATIONS / "messages.pot", "rb") as file:
        template = read_po(file)
    po = catalogue(lang)
    assert msgids(po) == msgids(template), "run make i18n-update"
    compiled = BytesIO()
    write_mo(compiled, po)  # as pybabel compile writes it
    assert (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").read_bytes() == compiled.getvalue(), (
        "run make i18n-compile"
    )


def test_the_template_is_up_to_date_with_the_code():
    with open(ROOT / "babel.cfg", encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)
    extracted = extract_from_dir(ROOT / "web", method_map, options_map, keywords=KEYWORDS)
    found = {(context, message) for _, _, message, _, context in extracted}
    with open(TRANSLATIONS / "messages.pot", "rb") as file:
        template = read_po(file)
    assert msgids(template) == found, "run make i18n-update"
