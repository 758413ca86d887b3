# tiesmap: `make` builds everything, `make test` runs the test suite.
# Both set up .venv (pinned by requirements.lock) and TeX Live first, one line per
# stage; pip's and apt's output goes to .venv/setup.log.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SETUP_LOG := $(VENV)/setup.log
# cffconvert (validates CITATION.cff in the tests) pins jsonschema < 4, which the
# workflow's packages cannot use: it gets its own small venv inside .venv.
CFF_VENV := $(VENV)/tools/cffconvert
CFF_STAMP := $(CFF_VENV)/.installed-stamp
CFFCONVERT := cffconvert==2.0.0
CORES ?= 4
PYTEST_ARGS ?=
FAST_WORKERS ?= 2
PIP_INSTALL := $(BIN)/pip install --disable-pip-version-check --no-input --progress-bar off
export TIESMAP_SETUP_LOG := $(SETUP_LOG)

.PHONY: all global setup tex test test-fast lint lock clean dag download archive report bench check-fresh

all: setup tex
	@echo "tiesmap: build: snakemake --cores $(CORES) (the paper is results/paper.pdf)"
	$(BIN)/snakemake --cores $(CORES)

# The global scope (config/global.yaml: every COW state, 1990-2022) into results/global/,
# beside the pilot's results. Needs the third-party files: `make download` or
# `tiesmap download --mirror-dir DIR`.
global: setup tex
	@echo "tiesmap: build: snakemake --cores $(CORES) --configfile config/global.yaml (results/global/paper.pdf)"
	$(BIN)/snakemake --cores $(CORES) --configfile config/global.yaml

setup: $(STAMP) $(CFF_STAMP)

# The Python check comes before any venv is made: one line if it is too old or
# cannot make venvs (python3-venv missing), rather than a pip error later.
$(STAMP): pyproject.toml requirements.lock
	@bash tools/check_python.sh $(PYTHON)
	@echo "tiesmap: venv: $(VENV) with $$($(PYTHON) --version)"
	@bash tools/logged.sh $(SETUP_LOG) $(PYTHON) -m venv $(VENV)
	@echo "tiesmap: packages: requirements.lock into $(VENV) (a few minutes the first time; log $(SETUP_LOG))"
	@bash tools/logged.sh $(SETUP_LOG) $(PIP_INSTALL) --upgrade pip
	@bash tools/logged.sh $(SETUP_LOG) $(PIP_INSTALL) -c requirements.lock -e '.[dev,bench]'
	@touch $(STAMP)

$(CFF_STAMP): Makefile | $(STAMP)
	@echo "tiesmap: packages: $(CFFCONVERT) into $(CFF_VENV) (checks CITATION.cff)"
	@bash tools/logged.sh $(SETUP_LOG) $(PYTHON) -m venv $(CFF_VENV)
	@bash tools/logged.sh $(SETUP_LOG) $(CFF_VENV)/bin/pip install --disable-pip-version-check --no-input --progress-bar off '$(CFFCONVERT)'
	@touch $(CFF_STAMP)

tex:
	@bash tools/ensure_tex.sh

# `make test` runs every test (what CI runs). `make test-fast` leaves out the tests
# that need a full build of the pilot or a SLURM cluster (markers `build`, `slurm`).
test: setup tex
	$(BIN)/pytest $(PYTEST_ARGS)

# pytest-xdist spreads the test files over one worker per core (a file's tests stay
# on one worker, so a module's fixtures are built once).
test-fast: setup
	$(BIN)/pytest -m "not build and not slurm" -n $(FAST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint
	$(BIN)/lint-imports --no-cache

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

# Re-pin after changing dependencies in pyproject.toml (and environment.yml). One lock
# for every supported Python: uv resolves it for the whole range from the floor in
# requires-python (keeping today's pins where they still fit), one version per package;
# then it checks that each supported Python finds wheels for every pin on Linux x86_64
# with Debian 12's glibc, the oldest of the supported systems. `make lock LOCK_ARGS=-U`
# moves every pin to the newest release that fits.
PYTHON_FLOOR = $(shell sed -n 's/^requires-python *= *">=\([0-9.]*\).*/\1/p' pyproject.toml)
LOCK_PYTHONS := $(PYTHON_FLOOR) 3.12 3.13
LOCK_PLATFORM := x86_64-manylinux_2_36
SDIST_ONLY := connection-pool
LOCK_ARGS ?=
UV := $(BIN)/uv --no-config --quiet

lock: setup
	$(UV) pip compile pyproject.toml --extra dev --extra bench --universal --python-version $(PYTHON_FLOOR) \
	  --fork-strategy fewest --no-emit-package tiesmap --custom-compile-command 'make lock' \
	  $(LOCK_ARGS) -o requirements.lock
	@twice=$$(sed -n 's/^\([a-z0-9._-]*\)==.*/\1/p' requirements.lock | sort | uniq -d); \
	if [ -n "$$twice" ]; then \
	  echo "tiesmap: the lock pins two versions of: $$twice (a release drops part of Python" \
	    "$(PYTHON_FLOOR) to 3.13); delete its lines from requirements.lock and rerun make lock, which then keeps one release for the whole range" >&2; \
	  exit 1; fi
	@for py in $(LOCK_PYTHONS); do \
	  $(UV) pip compile requirements.lock --python-version $$py --python-platform $(LOCK_PLATFORM) \
	    --only-binary :all: $(addprefix --no-binary ,$(SDIST_ONLY)) -o /dev/null || exit 1; \
	  echo "tiesmap: requirements.lock installs from wheels on Python $$py"; \
	done

dag: setup
	$(BIN)/python -m tiesmap.cli rulegraph --readme README.md

# A new user's machine: a minimal Debian root made by debootstrap, the project cloned
# into it, `make` there with a clean environment (tools/check_fresh.sh; needs root).
# SUITE=bookworm (Python 3.11.2) or SUITE=trixie (3.13). Not part of `make test`.
SUITE ?= bookworm
check-fresh:
	SUITE=$(SUITE) bash tools/check_fresh.sh

# Generated files only: never data/raw, config or code.
clean:
	rm -rf results data/processed logs .snakemake dist
