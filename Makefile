# kazsearch: `make run` serves the corpus, `make test` runs the test suite; both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= var/index
STAMP := $(VENV)/.installed

.PHONY: install run index test lint evaluate clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

index: install
	$(BIN)/python -m indexer corpus --index $(INDEX)

run: index
	@echo "The web front end is not built yet; searching from the command line:"
	@echo "  $(BIN)/python -m search \"отмена смертной казни\""

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

evaluate: index
	$(BIN)/python -m search.evaluate --index $(INDEX)

clean:
	rm -rf var .pytest_cache
