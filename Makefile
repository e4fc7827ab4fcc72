# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql+psycopg://127.0.0.1:5432/test
export CHROMIUM ?= /usr/bin/chromium
AXE := node_modules/axe-core/axe.min.js
export FLASK_APP := app

.PHONY: run demo test test-sqlite test-postgres check lint typecheck browser-deps bench clean

$(BIN)/flask: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Set up, migrate the database and serve the site at http://127.0.0.1:5000
run: $(BIN)/flask
	$(BIN)/flask db upgrade
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# A sample program in an empty database, to look around (then `make run`)
demo: $(BIN)/flask
	$(BIN)/flask db upgrade
	$(BIN)/flask demo

# The whole suite: lint, types, then pytest on SQLite (with the browser tests), then on
# PostgreSQL when it answers (CI insists it does). It installs axe-core itself and stops with
# a clear message when Chromium is missing, rather than skipping the browser tests.
test: $(BIN)/flask lint typecheck browser-deps test-sqlite test-postgres

lint: $(BIN)/flask
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/flask content check

typecheck: $(BIN)/flask
	$(BIN)/mypy

# axe-core (accessibility checks) from npm, pinned by package-lock.json.
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing: the browser tests need it to install axe-core (Debian: apt-get install npm)."; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

browser-deps: $(AXE)
	@test -x $(CHROMIUM) || { echo "Chromium is missing at $(CHROMIUM): the browser tests need it. Install it (Debian: apt-get install chromium) or point CHROMIUM= at it; to run everything else, use '$(BIN)/pytest -m \"not browser\"'."; exit 1; }

test-sqlite: $(BIN)/flask
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: $(BIN)/flask
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.replace('+psycopg',''), connect_timeout=3)" 2>/dev/null; then \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser"; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL is not reachable at $(PG_URL)"; exit 1; \
	else echo "PostgreSQL not reachable at $(PG_URL): skipped the PostgreSQL run"; fi

check: $(BIN)/flask
	$(BIN)/flask content check

bench: $(BIN)/flask
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/library_load.py
	$(BIN)/python benchmarks/load.py

clean:
	rm -rf $(VENV) instance/upward.db*
