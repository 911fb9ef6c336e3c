# The two commands of the README: `make run` (install, then run everything) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run test-deps check test bench clean web-vendor

# Browser libraries come from the npm registry at install time (not committed): hls.js for the
# viewer page, the social platforms' logos (simple-icons, CC0; bootstrap-icons, MIT, for LinkedIn
# and the generic donate/follow buttons), and uPlot for the admin dashboard's charts. One npm call
# for all: with --no-save it prunes what it is not given.
WEB_VENDOR := hls.js@1 simple-icons@16 bootstrap-icons@1 uplot@1
web-vendor:
	test -f share/web/vendor/node_modules/hls.js/dist/hls.min.js \
	  -a -f share/web/vendor/node_modules/simple-icons/data/simple-icons.json \
	  -a -f share/web/vendor/node_modules/bootstrap-icons/icons/linkedin.svg \
	  -a -f share/web/vendor/node_modules/uplot/dist/uPlot.esm.js \
	  || npm install --no-save --no-audit --no-fund --prefix share/web/vendor $(WEB_VENDOR)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python web-vendor
	$(BIN)/pip install -q -e .

run: install
	$(BIN)/owncast run-all

test-deps: $(BIN)/python web-vendor
	$(BIN)/pip install -q -e '.[test]'
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	# The media tests run against every ffmpeg present: the bundled one and Debian's.
	test -x /usr/bin/ffmpeg || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ffmpeg)
	# The doctor's proxy tests run Debian's nginx as a reverse proxy in front of the server.
	test -x /usr/sbin/nginx || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx)

# Lint and type checks first (a few seconds), then the suite.
check: test-deps
	$(BIN)/ruff check owncast_cli tests plugins bench
	$(BIN)/mypy

test: check
	# Two workers: most tests wait on sockets, ffmpeg and chromium, so the suite takes about half
	# the time on the two cores CI has (every test binds port 0 and has its own tmp dir).
	$(BIN)/pytest -q -n 2

# Benchmarks print each figure beside its reference peer measured in the same run (nginx-rtmp,
# nginx, the Go chat hub), which come from Debian's packages.
BENCH_APT := nginx libnginx-mod-rtmp wrk golang-go golang-github-gorilla-websocket-dev

bench: test-deps
	command -v nginx >/dev/null && command -v wrk >/dev/null && command -v go >/dev/null \
		|| (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(BENCH_APT))
	$(BIN)/python bench/bus.py
	$(BIN)/python bench/rtmp_parse.py
	$(BIN)/python bench/rtmp_fuzz.py --seconds 60
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/hls.py
	$(BIN)/python bench/transcode.py
	$(BIN)/python bench/chat.py
	$(BIN)/python bench/notify.py
	$(BIN)/python bench/federate.py

clean:
	rm -rf $(VENV) build *.egg-info
