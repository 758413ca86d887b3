# Shared set-up: check the config before any rule runs, and name the inputs.
import os
import sys
from pathlib import Path

from tiesmap.core.config import EXTERNAL_COVARIATES, check_config
from tiesmap.core.errors import InputError

try:
    config = check_config(config)
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
# package is taken from this checkout. A fixed hash seed keeps any set-ordering
# inside libraries from reaching the results.
if DeploymentMethod.CONDA in workflow.deployment_settings.deployment_method:
    TIESMAP = "PYTHONHASHSEED=0 PYTHONPATH=workflow python -m tiesmap.cli"
else:
    TIESMAP = f"PYTHONHASHSEED=0 {interpreter()} -m tiesmap.cli"
ENV = "../envs/tiesmap.yaml"
PACKAGE = "workflow/tiesmap"
CONFIG_FILE = "config/config.yaml"


from tiesmap.core.codedeps import code_inputs


def code_for(verb, *modules, notebook=None):
    """The package files a rule running `tiesmap <verb>` executes, derived from the
    imports of the verb's handler (never listed by hand), so that editing any of
    them reruns exactly the rules that depend on it. `modules` names modules the
    verb loads by name at run time; `notebook` adds a notebook's own imports."""
    return code_inputs(PACKAGE, verb, modules, notebook)


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


# Raw files in the manifest, and the third-party sources whose files are present.
from tiesmap.codings.manifest import load_manifest

MANIFEST_FILE = "data/raw/MANIFEST.yaml"
MANIFEST = load_manifest(MANIFEST_FILE)
PROVIDED_FILES = [e.path for e in MANIFEST if e.provided]
SOURCE_FILES = {
    e.adapter: e.path
    for e in MANIFEST
    if e.adapter in config["sources"]["use"] and Path(e.path).exists()
}
USED_SOURCES = sorted(SOURCE_FILES)
ABSENT_SOURCES = sorted(set(config["sources"]["use"]) - set(SOURCE_FILES))
if ABSENT_SOURCES:
    sys.stderr.write(
        "tiesmap: optional sources absent (fetch with `make download`): "
        + ", ".join(ABSENT_SOURCES)
        + "\n"
    )
