# The same targets for people and CI: `make run` to use otbot, `make test` to check it.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
# Tests keep their temporary files inside the workspace (git-ignored), never in the checkout's data.
TMP := $(CURDIR)/.tmp

.PHONY: install browser run test test-fast eval lint bench clean soak

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# The CPU build of torch from this machine's disk first; unpinned torch pulls a CUDA build.
	$(PIP) install -q -c constraints.txt torch==2.13.0
	$(PIP) install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Headless Chromium for the end-to-end tests, from Debian (Playwright's own browser download
# cannot work offline). Skipped when already there; needs root (CI) or sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

run: install
	$(VENV)/bin/otbot ingest
	$(VENV)/bin/otbot serve

test: install browser
	mkdir -p $(TMP)
	TMPDIR=$(TMP) GRADIO_TEMP_DIR=$(TMP)/gradio $(PY) -m pytest --basetemp=$(TMP)/pytest $(PYTEST_ARGS)
	$(MAKE) eval

# The golden-set evaluation against its thresholds (evals/thresholds.toml): fails on a regression.
eval: install
	mkdir -p $(TMP)
	rm -rf $(TMP)/eval-index
	$(VENV)/bin/otbot eval --corpus corpus --index $(TMP)/eval-index --report $(TMP)/eval-report.md \
		--chart $(TMP)/eval-metrics.png > /dev/null
	@sed -n '/^| Metric/,/^\*\*Thresholds/p' $(TMP)/eval-report.md

# Everything but the browser and server tests.
test-fast: install
	mkdir -p $(TMP)
	TMPDIR=$(TMP) GRADIO_TEMP_DIR=$(TMP)/gradio $(PY) -m pytest --basetemp=$(TMP)/pytest -m "not slow" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check bot tests
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) $(TMP) .otbot

# The benchmark of issue 12 (not in CI; about an hour and a half on 2 cores): writes BENCHMARKS.md
# and docs/bench/, indexes under .tmp/bench. `make bench BENCH_ARGS=--quick`: a few minutes.
bench: install
	mkdir -p $(TMP)/bench/tmp
	TMPDIR=$(TMP)/bench/tmp GRADIO_TEMP_DIR=$(TMP)/bench/tmp/gradio $(PY) scripts/bench.py $(BENCH_ARGS)

# Not in CI (tens of minutes): 300 generated articles, killed and resumed ingests, 16 API clients.
soak: install
	$(PY) scripts/soak.py
