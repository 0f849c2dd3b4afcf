# Two commands for a fresh clone: `make run` (set up, fetch data, start the app) and `make test`.
# `make check` is the fast tier for developers; `.ci/run` runs `make lint` and then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check lint bench

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pimap data fetch
	$(BIN)/streamlit run app.py --server.headless true

test: $(STAMP)
	$(BIN)/pytest

# Lint (ruff) and types (mypy, configured in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# The fast tier: lint, types and the tests that need no real data or browser, on two workers (under a minute).
check: lint
	PIMAP_TEST_TIER=fast $(BIN)/pytest -q -p no:cacheprovider -n 2

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
