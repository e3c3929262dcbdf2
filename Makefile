# cjji-reports. On a fresh machine: `make` (set up, check and build the reports), `make test`.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
CJJI := $(VENV)/bin/cjji
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml scripts/setup-system.sh | sha256sum | cut -c1-12)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.DEFAULT_GOAL := all
.PHONY: all setup setup-test check build test test-fast lint lint-quality bench sign publish serve clean

all: check build ## set up, check every report, build the outputs

$(STAMP): pyproject.toml scripts/setup-system.sh
	bash scripts/setup-system.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP) ## create .venv and install system packages (idempotent)

setup-test: setup ## also the system packages only the tests need
	bash scripts/setup-system.sh --test

check: setup ## run every gate on every report (or REPORTS="reports/x ..."; CHECK_FLAGS="--format github"), and the joint programme
	$(CJJI) check $(CHECK_FLAGS) $(REPORTS)
	$(if $(REPORTS),,test ! -d programme || $(CJJI) programme check $(filter --strict --for-publication,$(CHECK_FLAGS)) $(if $(findstring github,$(CHECK_FLAGS)),--format github))

build: setup ## build Word, PDF and HTML into out/
	$(CJJI) build $(REPORTS)

test: setup-test ## run the whole test suite
	$(VENV)/bin/pytest -q -n $(JOBS) --dist loadgroup

test-fast: setup ## the edit loop: every test not marked slow (no builds, browser or WordPress), in under a minute
	$(VENV)/bin/pytest -q -n $(JOBS) --dist loadgroup -m "not slow"

lint: setup ## ruff and mypy (configured in pyproject.toml); both must report no errors
	$(VENV)/bin/ruff check src tests scripts
	$(VENV)/bin/mypy

lint-quality: setup ## precision and recall of the spelling and style gates on tests/corpora/language (issue 17 targets)
	$(PY) scripts/language_quality.py --json bench/language-quality.json

bench: setup ## benchmark against bare pandoc and typst; writes bench/results.json
	$(PY) scripts/bench.py

sign: setup ## sign a report: make sign REPORT=reports/<id> ROLE=<role> KEY=~/.ssh/id_ed25519
	$(CJJI) sign $(REPORT) --role $(ROLE) --key $(KEY)

publish: setup ## build the joint website into site/
	$(CJJI) publish

serve: setup ## serve site/ on http://localhost:8000
	$(PY) -m http.server --directory site --bind 127.0.0.1 8000

clean: ## remove outputs and caches (never reports)
	rm -rf out site .cache bench
