# Broadsheet: `make run` serves the demo site on SQLite; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/broadsheet
PYTEST_WORKERS ?= 2

.PHONY: install run test lint test-sqlite test-postgres chromium bench clean editor-bundle

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/broadsheet init --demo
	$(BIN)/broadsheet serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy broadsheet
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=broadsheet.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null)

# The cluster test (tests/cluster, marked `cluster`) starts its own web nodes and workers on a
# PostgreSQL database it creates, so it runs once: in the PostgreSQL pass.
test-sqlite: install chromium
	$(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider -m "not cluster"

test-postgres: install chromium
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

test: lint test-sqlite test-postgres

# Side by side with WordPress and nginx (bench/run.py); BENCH_SIZE=1m for the million-article corpus.
BENCH_SIZE ?= 15k
bench: install
	$(BIN)/python bench/run.py --size $(BENCH_SIZE)

# The admin's rich-text editor (Tiptap) as one committed, minified file with its licences:
# only needed when frontend/editor changes; CI and `make install` never run npm.
editor-bundle:
	cd frontend/editor && npm ci --no-audit --no-fund && node build.mjs

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
