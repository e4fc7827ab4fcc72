# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql+psycopg://127.0.0.1:5432/test
export FLASK_APP := app

.PHONY: run test test-sqlite test-postgres check lint bench clean

$(BIN)/flask: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Set up, migrate the database and serve the site at http://127.0.0.1:5000
run: $(BIN)/flask
	$(BIN)/flask db upgrade
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# The whole suite: on SQLite, then on PostgreSQL when it answers (CI insists it does).
test: $(BIN)/flask lint test-sqlite test-postgres

lint: $(BIN)/flask
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/flask content check

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
