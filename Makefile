# paicha — two commands on a fresh machine (Python 3.11+, git, make):
#   make run    set up, migrate, load the demo data once, serve on http://127.0.0.1:$(PORT)
#               (gunicorn and the background worker, DEBUG off)
#   make test   set up, check that imports run one way (lint-imports), run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: setup run test bench clean

$(BIN)/paicha: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

setup: $(BIN)/paicha

run: setup
	$(BIN)/paicha migrate --noinput
	$(BIN)/paicha demo --if-empty
	@echo "打开 http://127.0.0.1:$(PORT)/"
	$(BIN)/paicha serve --bind 127.0.0.1:$(PORT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2

bench: setup
	$(BIN)/python bench/run.py $(NAMES)

clean:
	rm -rf $(VENV) var
