# The two commands of the README: `make run` (install, then run everything) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run test-deps test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

run: install
	$(BIN)/owncast run-all

test-deps: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

test: test-deps
	$(BIN)/pytest -q

bench: test-deps
	$(BIN)/python bench/bus.py

clean:
	rm -rf $(VENV) build *.egg-info
