# Flippable: `make run` builds the warehouse if needed and starts the app; `make test` runs every test.
PYTHON ?= python3
STAMP := .make
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: help install install-dev browser run app build rebuild test test-fast bench lint format manifest clean

help:  ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP)/install: requirements.txt
	$(PYTHON) -m pip install -q -r requirements.txt
	@mkdir -p $(STAMP) && touch $@

$(STAMP)/install-dev: requirements-dev.txt requirements.txt
	$(PYTHON) -m pip install -q -r requirements-dev.txt
	@mkdir -p $(STAMP) && touch $@

install: $(STAMP)/install  ## install runtime dependencies

install-dev: $(STAMP)/install-dev  ## install runtime + test dependencies

browser:  ## install Debian's Chromium for the browser tests (needs root)
	@test -x /usr/bin/chromium || (apt-get update -q && apt-get install -y -q chromium)

build: install  ## build data/flippable.duckdb from the mirror if it is missing or stale
	$(PYTHON) -m analysis.build --if-needed

rebuild: install  ## always rebuild the warehouse
	$(PYTHON) -m analysis.build

run: build  ## build if needed, then start the dashboard on the real data
	$(PYTHON) -m streamlit run app.py

test: install-dev browser build  ## run every test (unit, real-data, pages, browser)
	$(PYTHON) -m pytest

test-fast: install-dev  ## unit tests only (no real warehouse, no browser)
	$(PYTHON) -m pytest -m "not browser and not slow"

bench: build  ## print the benchmark figures
	$(PYTHON) bench/build.py
	$(PYTHON) bench/rank.py
	$(PYTHON) bench/planner.py
	$(PYTHON) bench/pages.py

lint:  ## ruff check + format check
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

format:  ## apply ruff formatting
	$(PYTHON) -m ruff format .

manifest:  ## regenerate data/sources.json from the mirror
	$(PYTHON) -m analysis.manifest --write

clean:  ## remove build outputs
	rm -rf data/flippable.duckdb data/*.tmp-* $(STAMP)
