# MotCua — two commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { command -v $$p; break; }; done)
VENV ?= .venv
BIN := $(VENV)/bin
TEST_ENV := DJANGO_SETTINGS_MODULE=motcua.config.test_settings
COVERAGE_FLOOR ?= 90

.PHONY: demo serve install test lint typecheck check pytest fuzz bench translations clean

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

translations: install
	$(TEST_ENV) $(BIN)/python manage.py compile_translations

## demo: set everything up (venv, install, migrations, units, catalogue, demo users) and serve on :8000
demo: install
	$(BIN)/motcua demo
	$(BIN)/motcua serve

serve: install
	$(BIN)/motcua serve

## test: lint, type check, Django checks, migrations check, the whole pytest suite and the API fuzz
test: lint typecheck check pytest fuzz

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## typecheck: mypy strict on the code and its tests (pyproject excludes only migrations and benchmarks)
typecheck: install
	$(BIN)/mypy motcua conftest.py

check: translations
	$(TEST_ENV) $(BIN)/python manage.py check --fail-level WARNING
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

pytest: translations
	$(BIN)/pytest --cov --cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_FLOOR) $(PYTEST_ARGS)

## fuzz: schemathesis over every API operation, anonymous and with a key (MOTCUA_FUZZ_EXAMPLES each)
fuzz: translations
	$(BIN)/pytest -m fuzz -p no:cacheprovider motcua/config/tests/test_api_fuzz.py

## bench: performance figures beside their floors (prints, never asserts)
bench: translations
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage
