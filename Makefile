# The two commands of the README: `make run` (install, then run everything) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run test-deps test bench clean web-vendor

# Browser libraries for the viewer page come from the npm registry at install time (not committed).
web-vendor:
	test -f share/web/vendor/node_modules/hls.js/dist/hls.min.js || npm install --no-save --no-audit --no-fund --prefix share/web/vendor hls.js@1

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python web-vendor
	$(BIN)/pip install -q -e .

run: install
	$(BIN)/owncast run-all

test-deps: $(BIN)/python web-vendor
	$(BIN)/pip install -q -e '.[test]'
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

test: test-deps
	$(BIN)/pytest -q

bench: test-deps
	$(BIN)/python bench/bus.py
	$(BIN)/python bench/hls.py

clean:
	rm -rf $(VENV) build *.egg-info
