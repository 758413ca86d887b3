# tiesmap: `make` builds everything, `make test` runs the test suite.
# Both set up .venv (pinned by requirements.lock) and TeX Live first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# cffconvert (validates CITATION.cff in the tests) pins jsonschema < 4, which the
# workflow's packages cannot use: it gets its own small venv inside .venv.
CFF_VENV := $(VENV)/tools/cffconvert
CFF_STAMP := $(CFF_VENV)/.installed-stamp
CFFCONVERT := cffconvert==2.0.0
CORES ?= 4

.PHONY: all setup tex test lint lock clean dag download archive report bench

all: setup tex
	$(BIN)/snakemake --cores $(CORES)

setup: $(STAMP) $(CFF_STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

$(CFF_STAMP): Makefile
	$(PYTHON) -m venv $(CFF_VENV)
	$(CFF_VENV)/bin/pip install --quiet '$(CFFCONVERT)'
	touch $(CFF_STAMP)

tex:
	@bash tools/ensure_tex.sh

test: setup tex
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint

# Optional third-party datasets listed in data/raw/MANIFEST.yaml (checksums verified).
download: setup
	$(BIN)/python -m tiesmap.cli download

# Speed and scale benchmarks at full size (about 15 minutes on 2 cores); results in
# benchmarks/results.json and the README's performance section.
bench: setup
	$(BIN)/python benchmarks/run_all.py --out benchmarks/results.json

# Replication package (dist/) and Snakemake's HTML report with figure captions.
archive: setup tex
	$(BIN)/snakemake --cores $(CORES) archive

report: all
	$(BIN)/snakemake --report results/report.html

# Re-pin after changing dependencies in pyproject.toml (and environment.yml).
lock:
	rm -rf /tmp/tiesmap-lock-venv
	$(PYTHON) -m venv /tmp/tiesmap-lock-venv
	/tmp/tiesmap-lock-venv/bin/pip install --quiet '.[dev]'
	/tmp/tiesmap-lock-venv/bin/pip freeze --exclude tiesmap | LC_ALL=C sort > requirements.lock

dag: setup
	$(BIN)/python -m tiesmap.cli rulegraph --readme README.md

# Generated files only: never data/raw, config or code.
clean:
	rm -rf results data/processed logs .snakemake dist
