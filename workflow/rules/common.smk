# Shared set-up: check the config before any rule runs, and name the inputs.
import os
import sys
from pathlib import Path

from tiesmap.core.config import check_config, covariate_names
from tiesmap.core.errors import InputError

# Schema passes and code inputs are remembered under .snakemake/tiesmap/, keyed by
# the digests of what they depend on, so that a start with nothing to do is cheap.
VALIDATION_CACHE = ".snakemake/tiesmap/schema_passes.txt"

try:
    config = check_config(config, cache_file=VALIDATION_CACHE)
except InputError as err:
    sys.stderr.write(f"tiesmap: the configuration is not valid.\n{err}\n")
    sys.exit(2)

from snakemake.settings.types import DeploymentMethod


def interpreter():
    """The running interpreter under one fixed name. The `snakemake` script runs as
    bin/python3 and `python -m snakemake` as bin/python: the same interpreter, but
    a different command in every rule, which Snakemake takes as changed params and
    reruns everything."""
    exe = Path(sys.executable)
    for name in ("python3", "python"):
        candidate = exe.with_name(name)
        if candidate.exists() and os.path.samefile(candidate, exe):
            return str(candidate)
    return str(exe)


# Without --use-conda, the interpreter running Snakemake also runs every stage, so
# rules behave the same from `make`, an activated venv or a cluster node sharing
# the file system. With --use-conda, the rule's environment provides Python and the
# package is taken from this checkout.
if DeploymentMethod.CONDA in workflow.deployment_settings.deployment_method:
    TIESMAP = "PYTHONPATH=workflow python -m tiesmap.cli"
else:
    TIESMAP = f"{interpreter()} -m tiesmap.cli"

# The hash seed and SOURCE_DATE_EPOCH, for every job (jobs inherit this environment;
# the same function sets them for commands run by hand).
from tiesmap.core.reproducible import fixed_environment

os.environ.update(fixed_environment(config["paper"]["source_date_epoch"]))
ENV = "../envs/tiesmap.yaml"
PACKAGE = "workflow/tiesmap"
CODE_INPUTS_CACHE = ".snakemake/tiesmap/code_inputs.json"


from tiesmap.core.codedeps import CodeInputIndex

CODE_INPUTS = CodeInputIndex(PACKAGE, CODE_INPUTS_CACHE)


def code_for(verb, *modules, notebook=None):
    """The package files a rule running `tiesmap <verb>` executes, derived from the
    imports of the verb's handler (never listed by hand), so that editing any of
    them reruns exactly the rules that depend on it. `modules` names modules the
    verb loads by name at run time; `notebook` adds a notebook's own imports. The
    answers are cached under the digest of the package's files (CODE_INPUTS_CACHE)."""
    return CODE_INPUTS(verb, modules, notebook)


def coder_file(coder):
    """A coder's file: .csv, or .xlsx when only that exists."""
    base = Path(config["codings"]["dir"]) / coder
    xlsx = base.with_suffix(".xlsx")
    return (
        str(xlsx)
        if xlsx.exists() and not base.with_suffix(".csv").exists()
        else f"{base}.csv"
    )


# Adapters that some verbs load by name (citations, ingest): every module of sources/
# but the stage's own linking, citations and command line.
SOURCE_MODULES = [
    f"tiesmap.sources.{p.stem}"
    for p in sorted(Path(PACKAGE, "sources").glob("*.py"))
    if p.stem not in ("__init__", "linking", "citations", "cli")
]
CODER_FILES = [coder_file(c) for c in config["codings"]["coders"]]
# The corrections log and the series table, checked with the coder files.
CODING_RECORDS = [
    config["codings"][k]
    for k in ("changelog", "series")
    if k in config["codings"] and Path(config["codings"][k]).exists()
]


# Raw files in the manifest, and the third-party sources and covariate files that
# are present. What is absent is said in one line, since it changes the analysis.
from tiesmap.codings.manifest import (
    absent_sources,
    absent_sources_line,
    load_manifest,
    present_files,
)

MANIFEST_FILE = "data/raw/MANIFEST.yaml"
MANIFEST = load_manifest(MANIFEST_FILE, VALIDATION_CACHE)
PROVIDED_FILES = [e.path for e in MANIFEST if e.provided]
SOURCE_FILES = present_files(MANIFEST, config["sources"]["use"])
USED_SOURCES = sorted(SOURCE_FILES)
COVARIATE_NAMES = covariate_names(config)
COVARIATE_FILES = present_files(MANIFEST, COVARIATE_NAMES, by="name")
ABSENT_LINE = absent_sources_line(
    *absent_sources(MANIFEST, config["sources"]["use"], COVARIATE_NAMES)
)
if ABSENT_LINE:
    sys.stderr.write(f"{ABSENT_LINE}\n")


# The scope's output folders: the pilot writes to results/, data/processed/ and
# logs/; a named scope (config `scope.name`, e.g. global) to a sub-folder of each,
# so that building one scope never overwrites or reuses another's files.
from tiesmap.core.scope import scope_dirs, scoped_path, write_if_changed

SCOPE_DIRS = scope_dirs(config)


def scoped(path):
    """A workflow path under results/, data/processed/ or logs/, in this scope."""
    return scoped_path(path, SCOPE_DIRS)


# A scope that follows the state system gets its states and their member years
# from the state-system file (peacesciencer's cow_states, when present).
from tiesmap.core.statesystem import resolve_scope

try:
    config = resolve_scope(
        config, {e.name: e.path for e in MANIFEST if Path(e.path).exists()}
    )
except InputError as err:
    sys.stderr.write(f"tiesmap: the scope cannot be resolved.\n{err}\n")
    sys.exit(2)

# Every verb reads the merged Snakemake config (config/config.yaml with any
# --configfile/--config on top), written once per scope; rewritten only when it
# changes, so an unchanged config reruns nothing.
CONFIG_FILE = scoped("data/processed/config.yaml")
write_if_changed(CONFIG_FILE, config)
