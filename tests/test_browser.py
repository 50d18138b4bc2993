"""End to end in a real headless Chromium (Debian's chromium + chromium-driver, driven by Selenium) against a
real `python -m web` server on 127.0.0.1. Screenshots are kept in tests/artifacts/."""

import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import PYTHON, ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
pytestmark = pytest.mark.slow  # a server process and a browser


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(corpus_index):
    port = _free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "web", "--port", str(port), "--index", str(corpus_index)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(base + "/api/documents", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"server did not start: {process.stdout.read()}")
            time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("Debian's chromium and chromium-driver are needed: `make test` installs them")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
        "--window-size=1200,1000", "--lang=ru", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):  # fmt: skip
        options.add_argument(flag)
    # A Russian reader's browser: headless Chromium sends Accept-Language from this preference, not from --lang.
    options.add_experimental_option("prefs", {"intl.accept_languages": "ru-RU,ru"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def wait(browser, condition, timeout=30):
    return WebDriverWait(browser, timeout).until(condition)


def screenshot(browser, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / name))


def test_search_from_the_box_and_copy_citation(server, browser):
    browser.get(server + "/")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("отмена смертной казни", Keys.ENTER)
    first = wait(browser, seen.presence_of_element_located((By.CSS_SELECTOR, ".result")))
    assert "смертной казни" in first.text.lower() or first.find_elements(By.TAG_NAME, "mark")
    assert browser.find_element(By.CSS_SELECTOR, ".totals").text
    # JavaScript reveals the copy button (hidden when there is no JavaScript or no clipboard)
    assert first.find_element(By.CSS_SELECTOR, "button.copy").is_displayed()
    screenshot(browser, "search.png")


def test_open_a_paragraph_in_its_document(server, browser):
    browser.get(server + "/search?q=" + "отмена смертной казни")
    link = wait(browser, seen.element_to_be_clickable((By.CSS_SELECTOR, ".result .citation a")))
    target = link.get_attribute("href").split("#")[1]
    link.click()
    wait(browser, seen.url_contains("/doc/"))
    paragraph = browser.find_element(By.ID, target)
    assert paragraph.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"  # :target is highlighted
    browser.get(server + "/p/ccpr-answers:16")
    assert "п. 16" in browser.find_element(By.CSS_SELECTOR, ".citation").text  # the browser speaks Russian
    assert browser.find_elements(By.CSS_SELECTOR, "#similar .result")
    screenshot(browser, "paragraph.png")


def test_show_a_translation_on_demand(server, browser):
    browser.get(server + "/search?q=" + "электрондық білезік&lang=kk")
    details = wait(browser, seen.presence_of_element_located((By.CSS_SELECTOR, ".result details.translation")))
    text = details.find_element(By.CSS_SELECTOR, "p")
    assert not text.is_displayed()
    details.find_element(By.TAG_NAME, "summary").click()
    assert text.is_displayed() and "браслет" in text.text.lower()


def test_comparison_view_pairs_kazakh_and_russian(server, browser):
    browser.get(server + "/compare/mvd-ds-219")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.parallel tbody tr.aligned")
    assert len(rows) > 40
    kazakh, russian = rows[5].find_elements(By.TAG_NAME, "td")
    assert kazakh.find_element(By.TAG_NAME, "p").get_attribute("lang") == "kk"
    assert russian.find_element(By.TAG_NAME, "p").get_attribute("lang") == "ru"
    screenshot(browser, "compare.png")


def test_document_and_comparison_views_fit_a_phone_and_the_hit_map_stays_in_view(server, browser):
    desktop = browser.get_window_size()
    try:
        browser.set_window_size(390, 844)
        for path, shot in [
            ("/doc/ccpr-answers?q=пытка", "document-phone.png"),
            ("/doc/mvd-ds-219?q=сотталғандар", None),
            ("/compare/mvd-ds-219?q=электронный браслет", "compare-phone.png"),
        ]:
            browser.get(server + path)
            # No sideways scrolling: the page is no wider than the viewport less its vertical scroll bar.
            width, visible, viewport = browser.execute_script(
                "const page = document.documentElement; return [page.scrollWidth, page.clientWidth, innerWidth]"
            )
            assert viewport <= 400 and width <= visible <= viewport, path
            if shot:
                screenshot(browser, shot)
        kazakh, russian = browser.find_elements(By.CSS_SELECTOR, "table.parallel tr.match td")[:2]
        assert russian.location["y"] > kazakh.location["y"] and kazakh.find_elements(By.TAG_NAME, "mark")
    finally:
        browser.set_window_size(desktop["width"], desktop["height"])
    browser.get(server + "/doc/ccpr-answers?q=пытка")
    hit_map = browser.find_element(By.CSS_SELECTOR, "nav.hitmap")
    marks = hit_map.find_elements(By.TAG_NAME, "a")
    assert hit_map.is_displayed() and hit_map.size["height"] > 300 and marks
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight / 2)")
    top, bottom = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom]", hit_map
    )
    assert 0 <= top and bottom <= browser.execute_script("return innerHeight") + 1  # sticky: in view halfway down
    # A mark is a line of the strip (its box has no height, which WebElement.click refuses): clicked where it is.
    ActionChains(browser).move_to_element(marks[-1]).click().perform()
    target = marks[-1].get_dom_attribute("href")
    wait(browser, lambda b: b.execute_script("return location.hash") == target)
    paragraph = browser.find_element(By.ID, target.removeprefix("#"))
    assert paragraph.find_elements(By.TAG_NAME, "mark")
    assert -1 <= browser.execute_script("return arguments[0].getBoundingClientRect().top", paragraph) < 900
    screenshot(browser, "document.png")


def test_live_suggestions_while_typing(server, browser):
    browser.get(server + "/")
    browser.find_element(By.NAME, "q").send_keys("сотт")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#suggestions option"))
    values = [o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "#suggestions option")]
    assert values and all(v.lower().startswith("сотт") for v in values)


def test_no_console_errors_under_the_content_security_policy(server, browser):
    browser.get(server + "/search?q=пытки")
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


# axe-core, installed by `make browser` at the version tests/a11y/package-lock.json pins.
AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
CHECKED_PAGES = [
    "/",
    "/search?q=пытки",
    "/search?q=пытки&doc=ccpr-answers&year_from=2023",  # filters in use, each removable
    "/search?q=cvthnyfz rfpym",  # nothing found; "did you mean"
    "/p/ccpr-answers:16",
    "/doc/mvd-ds-219?q=браслет",  # the query marked, the hit map
    "/compare/mvd-ds-219?q=браслет",
    "/no/such/page",
]


def serious_accessibility_violations(browser) -> list[str]:
    """axe-core's serious and critical violations on the browser's page, each with the elements it found."""
    if not AXE.exists():
        pytest.fail("axe-core is not installed: `make browser` installs it")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    violations = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then((found) => done(found.violations));"
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']}: {[node['target'] for node in v['nodes'][:5]]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", CHECKED_PAGES)
def test_pages_have_no_serious_accessibility_violations(server, browser, path, scheme):
    prefers = {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", prefers)
    try:
        browser.get(server + path)
        background = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
        assert (background == "rgb(255, 255, 255)") == (scheme == "light")  # the page follows the scheme
        violations = serious_accessibility_violations(browser)
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    assert not violations, "\n".join(violations)


def stated_total(browser) -> int:
    """The total the (Russian) results page states: "Результаты 1–10 из 87"."""
    return int(re.search(r" из (\d+)", browser.find_element(By.CSS_SELECTOR, ".totals").text)[1])


def drag_over(browser, element) -> None:
    """Drag the mouse from the first letter of an element's text to its last, as a reader selecting it."""
    lines = browser.execute_script(
        "return [...arguments[0].getClientRects()].map((r) => [r.left, r.top, r.right, r.bottom])", element
    )
    (left, top, _, bottom), (_, last_top, right, last_bottom) = lines[0], lines[-1]
    drag = ActionBuilder(browser)
    drag.pointer_action.move_to_location(int(left) + 1, int((top + bottom) / 2)).pointer_down()
    drag.pointer_action.move_to_location(int(right) - 1, int((last_top + last_bottom) / 2)).pointer_up()
    drag.perform()


def test_filters_and_citations_work_without_javascript(server, browser):
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(server + "/search?q=пытки")
        assert not browser.find_element(By.CSS_SELECTOR, "button.copy").is_displayed()  # app.js has not run
        # A citation is text: dragged over, it is selected, and no link is followed.
        cite = browser.find_element(By.CSS_SELECTOR, ".result cite")
        drag_over(browser, cite)
        assert browser.execute_script("return getSelection().toString()") == cite.text
        assert urlsplit(browser.current_url).path == "/search"
        everything = stated_total(browser)
        years = [
            (link.find_element(By.CSS_SELECTOR, "span").text, int(link.find_element(By.CSS_SELECTOR, ".count").text))
            for link in browser.find_elements(By.CSS_SELECTOR, "ul[aria-labelledby=facet-year] a[href*=year_from]")
        ]
        year, count = next((year, count) for year, count in years if count < everything)
        # The year range, typed and sent from the keyboard: the total is the year's count.
        browser.find_element(By.CSS_SELECTOR, "form.years input[name=year_from]").send_keys(
            year, Keys.TAB, year, Keys.ENTER
        )
        wait(browser, seen.url_contains("year_to="))
        assert stated_total(browser) == count and year in browser.find_element(By.CSS_SELECTOR, ".chosen").text
        report = browser.find_elements(By.CSS_SELECTOR, "ul[aria-labelledby=facet-doc] a[href*='doc=']")[-1]
        in_report = int(report.find_element(By.CSS_SELECTOR, ".count").text)
        report.click()
        assert stated_total(browser) == in_report and f"year_from={year}" in browser.current_url
        browser.find_element(By.CSS_SELECTOR, ".chosen a.clear").click()
        assert stated_total(browser) == everything and "doc=" not in browser.current_url
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_the_skip_link_is_the_first_tab_stop_and_leads_to_the_results(server, browser):
    browser.get(server + "/search?q=пытки")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    skip = browser.switch_to.active_element
    assert skip.get_dom_attribute("class") == "skip-link" and skip.is_displayed() and skip.size["height"] > 10
    assert skip.value_of_css_property("outline-style") != "none"  # focus is visible
    skip.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_dom_attribute("id") == "results"
    ActionChains(browser).send_keys(Keys.TAB).perform()  # the next stop is in the results, past the filters
    assert browser.execute_script("return document.getElementById('results').contains(document.activeElement)")
