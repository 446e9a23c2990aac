# Everything a newcomer needs: `make run` and `make test`. Both create the virtualenv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
SEEDS ?= seeds
ARTICLES ?= ../shared/articles
export DATABASE_URL ?= sqlite:///var/timeline.sqlite3

SPECTRAL := tools/spectral/node_modules/.bin/spectral

.PHONY: help install install-dev seed run test lint format openapi check-seeds lock clean lint-openapi \
	fuzz soak bench bench-quick bench-stack bench-clean compare-answers

help:
	@echo "make run          install, seed the SQLite database, serve on http://127.0.0.1:$(PORT)"
	@echo "make test         install, then lint and run the whole test suite"
	@echo "make seed         (re)load $(SEEDS)/ into DATABASE_URL"
	@echo "make check-seeds  validate the seeds (and quotes, when $(ARTICLES) exists)"
	@echo "make openapi      regenerate openapi/openapi.json"
	@echo "make lint-openapi lint it with Stoplight Spectral (spectral:oas), installed by npm"
	@echo "make lock         re-pin requirements/*.lock from pyproject.toml"
	@echo "make fuzz         long schemathesis run against gunicorn (FUZZ_MAX_SECONDS=600)"
	@echo "make soak         sustained load with wrk, errors and worker memory (SOAK_SECONDS=60)"
	@echo "make bench        load-test at 1k, 10k and 100k events vs Datasette, Flask, nginx"
	@echo "make bench-quick  the same at 1k and 10k with short runs (about 4 minutes)"
	@echo "make bench-stack  the compose stack under wrk: proxy cache vs static nginx, 1-3 replicas"
	@echo "make compare-answers BEFORE=<ref> [AFTER=<ref>]  every endpoint's answers, byte for byte"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements/runtime.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/runtime.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: requirements/dev.lock $(VENV)/.runtime-installed
	$(BIN)/pip install --quiet -r requirements/dev.lock
	touch $@

install: $(VENV)/.runtime-installed

install-dev: $(VENV)/.dev-installed $(if $(shell command -v npm),$(SPECTRAL))

# The OpenAPI linter (tests/api/test_openapi_lint.py), pinned by package-lock.json, in a
# git-ignored node_modules; skipped quietly on a machine without npm (CI installs it).
$(SPECTRAL): tools/spectral/package.json tools/spectral/package-lock.json
	cd tools/spectral && npm ci --no-audit --no-fund --loglevel=error
	touch $@

seed: install
	$(BIN)/timeline-api seed $(SEEDS)

run: seed
	PORT=$(PORT) $(BIN)/timeline-api serve

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-seeds: install
	$(BIN)/timeline-api check-seeds $(SEEDS) $(if $(wildcard $(ARTICLES)),--articles $(ARTICLES))

openapi: install
	$(BIN)/timeline-api openapi openapi/openapi.json

lint-openapi: $(SPECTRAL)
	$(SPECTRAL) lint --ruleset tools/spectral/.spectral.yaml --fail-severity=hint openapi/openapi.json

fuzz: install-dev
	$(BIN)/python -m reliability.fuzz

soak: install-dev
	@command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m reliability.soak

bench: install
	$(BIN)/python -m bench

bench-quick: install
	BENCH_QUICK=1 $(BIN)/python -m bench

bench-stack: install
	$(BIN)/python -m bench.stack

# Every endpoint's answers from two code versions, compared byte for byte (bench/README.md).
# BEFORE: a git ref (default HEAD); AFTER: a git ref (default: the working tree).
BEFORE ?= HEAD
SIZE ?= 1000
compare-answers: install
	$(BIN)/python -m bench.compare_answers --before $(BEFORE) $(if $(AFTER),--after $(AFTER)) --size $(SIZE)

bench-clean:
	rm -rf bench/data bench/.venv

lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet .
	(echo "# Pinned runtime dependencies; regenerate with 'make lock'."; \
	 .lock-venv/bin/pip freeze --exclude timeline-api) > requirements/runtime.lock
	.lock-venv/bin/pip install --quiet ".[test]"
	(echo "# Pinned runtime + test dependencies; regenerate with 'make lock'."; \
	 .lock-venv/bin/pip freeze --exclude timeline-api) > requirements/dev.lock
	rm -rf .lock-venv build

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache build *.egg-info tools/spectral/node_modules
