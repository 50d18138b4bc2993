"""End to end in a real headless Chromium (Debian's chromium + chromium-driver, driven by Selenium) against a
real `python -m web` server on 127.0.0.1. Screenshots are kept in tests/artifacts/."""

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
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
