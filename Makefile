# jiaoguan — two commands: `make start` (install + run on SQLite with demo data) and `make test` (install + whole suite).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
# Two pytest-xdist workers (this kind of machine has 2 cores); `make test XDIST=` runs in one process.
# On PostgreSQL each worker uses its own database, <name>_gw0 and <name>_gw1, created beside PG_TEST_URL's.
XDIST ?= -n 2

.PHONY: start install install-test test test-pg test-e2e lint browser bench

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -c constraints.txt -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'

start: install
	$(BIN)/jiaoguan serve

lint: install-test
	$(BIN)/ruff check src tests bench tools
	$(BIN)/lint-imports
	$(BIN)/mypy

# Debian's Chromium and a CJK font for the browser tests (needs root; skipped when already there).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; then \
	  echo "installing chromium and fonts-wqy-microhei from Debian"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

# The whole suite: lint, everything on SQLite (with the branch-coverage floor of pyproject.toml; after it,
# `.venv/bin/coverage report` shows what each file misses), then the real-browser tests.
test: install-test lint browser
	$(BIN)/pytest -m "not e2e" -p no:randomly $(XDIST) --cov --cov-report=
	$(BIN)/pytest -m e2e tests/e2e

test-pg: install-test
	JIAOGUAN_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -m "not e2e" $(XDIST)

test-e2e: install-test browser
	$(BIN)/pytest -m e2e tests/e2e

bench: install-test
	$(BIN)/python bench/pass_verify.py
	$(BIN)/python bench/deadlines_eval.py
