# Two commands for a fresh clone: `make run` (set up, fetch data, start the app) and `make test`.
# `make check` is the fast tier for developers; `.ci/run` runs `make lint` and then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Leaflet, pinned (scripts/vendor_js.py: the npm tarball's sha256), served by the app and copied into `pimap site`.
VENDOR := static/vendor/leaflet/.vendor.json

.PHONY: run test check lint bench

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python scripts/vendor_js.py
	touch $(STAMP)

# An earlier checkout (installed before Leaflet was vendored) gets it here; an intact copy is left alone.
$(VENDOR): scripts/vendor_js.py | $(STAMP)
	$(BIN)/python scripts/vendor_js.py
	touch $(VENDOR)

# The project's own modules are compiled to bytecode first (scripts/compile_modules.py says why).
run: $(STAMP) $(VENDOR)
	$(BIN)/pimap data fetch
	$(BIN)/python scripts/compile_modules.py
	$(BIN)/streamlit run server.py --server.headless true

test: $(STAMP) $(VENDOR)
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
