"""Bad input never produces a silently wrong number (issue 10).

Every case of tests/bad_inputs/CATALOG.csv is run through the command line in a
subprocess, in its own temporary project: the SYNTHETIC base project of
tests/bad_inputs/project (coder files, adjudication file, manifest) plus the
project's own config/config.yaml and config/codebook.yaml, with the case's bad
file installed where the workflow reads it. Each run must

- exit with status 2 (0 for the cases that must be accepted, e.g. a UTF-8 BOM),
- name the file, row and column of the problem on stderr, with the expected
  message, and never print a traceback,
- write nothing (no --out file, no other new file),
- leave every input file byte-identical (sha256 before and after).

The four covariate adapters without a CLI verb (aiddata, gsdb, peacesciencer,
unga) run through DRIVER, which does what `tiesmap.cli.main` does with an
InputError. Config cases are also run through `snakemake -n` in a temporary
copy of the whole project. Cases marked with a `bug` in the catalog document the
expected behaviour and are strict xfails until the bug is fixed.

The subprocesses are started together (a few at a time) the first time a test
needs a result; only the cases selected for the session are run.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "bad_inputs"
CATALOG = BAD / "CATALOG.csv"
HUGE_MARK = b"@@HUGE@@"
HUGE = b"x" * 1_000_000
WORKERS = max(2, (os.cpu_count() or 2) + 1)
TIMEOUT = 300

DRIVER = """
import importlib, sys
from tiesmap.core.errors import InputError
module = importlib.import_module("tiesmap.sources." + sys.argv[1])
try:
    result = module.ingest(sys.argv[2])
except InputError as err:
    print(err, file=sys.stderr)
    sys.exit(2)
print(f"{sys.argv[1]}: {result.counts}")
"""
CLI = [sys.executable, "-m", "tiesmap.cli"]
CODER_FILES = ["data/raw/events/coder_a.csv", "data/raw/events/coder_b.csv"]
CODINGS = "data/processed/codings.parquet"  # in the base project, read by `merge`
VALIDATED = "data/processed/validated.parquet"  # written by `validate` only if input is good
CLI_ADAPTERS = ("sipri", "mme", "jme", "china_vitae", "gdelt", "icews")
DRIVER_ADAPTERS = ("aiddata", "gsdb", "peacesciencer", "unga")


@dataclass(frozen=True)
class Case:
    case: str
    input_kind: str
    file: str
    what_is_wrong: str
    expected_message: str
    expected_row: str
    expected_column: str
    expected_exit: str
    expected_file: str
    bug: str


def load_catalog() -> list[Case]:
    with CATALOG.open(encoding="utf-8", newline="") as fh:
        return [Case(**row) for row in csv.DictReader(fh)]


CASES = load_catalog()
BY_NAME = {c.case: c for c in CASES}
CONFIG_CASES = [c for c in CASES if c.input_kind == "config"]


# Config cases that Snakemake's own config loader (the `configfile:` directive)
# rejects before tiesmap's check runs: what it must say instead of the key.
SNAKEMAKE_MESSAGE = {
    "config_latin1": "can't decode",
    "config_tab_indented": "not valid JSON or YAML",
    "config_empty": "keys at top level",
}
# Snakemake-only known bugs (case -> "BUG: ..."), strict xfails like the catalog's.
SNAKEMAKE_BUGS: dict[str, str] = {}


def params(cases: list[Case], extra_bugs: dict[str, str] | None = None) -> list:
    out = []
    for c in cases:
        bug = c.bug or (extra_bugs or {}).get(c.case, "")
        marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
        out.append(pytest.param(c.case, id=c.case, marks=marks))
    return out


# ------------------------------------------------------------------ stderr table


@dataclass(frozen=True)
class Reported:
    file: str
    row: str
    column: str
    value: str
    message: str


_RULE = re.compile(r"^(-+)  (-+)  (-+)  (-+)  -{7}$")


def parse_problems(stderr: str) -> list[Reported]:
    """The rows of the problem table that `tiesmap.core.errors.format_problems` prints:
    columns are cut at the widths of the dashed rule under the header."""
    lines = stderr.splitlines()
    out = []
    for i, line in enumerate(lines):
        m = _RULE.match(line)
        if not m:
            continue
        widths = [len(g) for g in m.groups()]
        starts = [sum(widths[:k]) + 2 * k for k in range(5)]
        for row in lines[i + 1 :]:
            if _RULE.match(row) or re.match(r"^\d+ problems? found:$", row):
                break
            cells = [row[starts[k] : starts[k] + widths[k]].strip() for k in range(4)]
            out.append(Reported(*cells, row[starts[4] :].strip()))
    return out


def test_parse_problems_reads_the_cli_table():
    from tiesmap.core.errors import InputError, Problem

    err = InputError(
        [
            Problem("a b.csv", 3, "notes", "x" * 60, "bad thing"),
            Problem("f.yaml", None, "(top level)", None, "not valid YAML: line 1\n  more"),
        ]
    )
    got = parse_problems("noise\n" + str(err) + "\n")
    assert got[0] == Reported("a b.csv", "3", "notes", "x" * 39 + "…", "bad thing")
    assert got[1] == Reported("f.yaml", "", "(top level)", "", "not valid YAML: line 1")


# -------------------------------------------------------------- temp projects


def merge_fragment(base: bytes, fragment: bytes) -> bytes:
    """The project config with every top-level section named in `fragment`
    replaced by the fragment (appended at the end); bytes, so that a latin-1
    fragment stays latin-1."""
    key = re.compile(rb"^([A-Za-z_][A-Za-z0-9_-]*)\s*:")
    replaced = {m.group(1) for line in fragment.splitlines() if (m := key.match(line))}
    kept, skipping = [], False
    for line in base.splitlines(keepends=True):
        m = key.match(line)
        if m:
            skipping = m.group(1) in replaced
        if not skipping:
            kept.append(line)
    text = b"".join(kept)
    if not text.endswith(b"\n"):
        text += b"\n"
    return text + fragment


def case_bytes(path: Path) -> bytes:
    return path.read_bytes().replace(HUGE_MARK, HUGE)


def install(case: Case, project: Path) -> tuple[str, list[str], list[str]]:
    """Put the case's file into `project`; return (path named in problems,
    command, output paths that must not be written)."""
    src = BAD / case.file
    kind = case.input_kind
    if kind in ("coder_csv", "coder_xlsx"):
        dest = f"data/raw/events/coder_x{src.suffix}"
        outs = [VALIDATED]
        cmd = [*CLI, "validate", "--config", "config/config.yaml", "--out", VALIDATED, dest]
    elif kind == "adjudication":
        dest = "data/raw/events/adjudication.csv"
        outs = ["data/processed/events.parquet", "results/tables/disagreements.csv"]
        cmd = [*CLI, "merge", "--config", "config/config.yaml", "--codings", CODINGS]
        cmd += ["--adjudication", dest, "--out", outs[0], "--disagreements", outs[1]]
    elif kind in ("config", "codebook"):
        dest = "config/config.yaml" if kind == "config" else "config/codebook.yaml"
        outs = [VALIDATED]
        cmd = [*CLI, "validate", "--config", "config/config.yaml", "--out", VALIDATED, *CODER_FILES]
    elif kind in ("manifest", "manifest_update", "raw_file"):
        dest = "data/raw/events/coder_a.csv" if kind == "raw_file" else "data/raw/MANIFEST.yaml"
        outs = ["data/processed/raw_verified.txt"]
        cmd = [*CLI, "manifest", "--manifest", "data/raw/MANIFEST.yaml", "--root", "."]
        cmd += ["--out", outs[0], *(["--update"] if kind == "manifest_update" else [])]
    elif kind in CLI_ADAPTERS:
        dest = f"data/external/{kind}/{src.name}"
        outs = [f"data/processed/sources/{kind}.csv", f"logs/ingest_{kind}.json"]
        outs.append(outs[1].replace(".json", ".rejected.csv"))
        cmd = [*CLI, "ingest", "--config", "config/config.yaml", "--out", outs[0]]
        cmd += ["--report", outs[1], kind, dest]
    elif kind in DRIVER_ADAPTERS:
        dest = f"data/external/{kind}/{src.name}"
        outs = []
        cmd = [sys.executable, "-c", DRIVER, kind, dest]
        if kind == "peacesciencer":
            target = project / "data/external/peacesciencer/cow_states.rda"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(BAD / "peacesciencer/cow_states.rda", target)
    else:
        raise ValueError(f"unknown input kind {kind!r} in {CATALOG}")
    target = project / dest
    target.parent.mkdir(parents=True, exist_ok=True)
    data = case_bytes(src)
    if kind == "config" and src.name.endswith(".fragment.yaml"):
        data = merge_fragment((ROOT / "config/config.yaml").read_bytes(), data)
    target.write_bytes(data)
    return case.expected_file or dest, cmd, outs


def make_base(path: Path) -> Path:
    """The SYNTHETIC base project plus the project's config, codebook and the
    codings parquet that `merge` reads."""
    shutil.copytree(BAD / "project", path)
    (path / "config").mkdir()
    for name in ("config.yaml", "codebook.yaml"):
        shutil.copyfile(ROOT / "config" / name, path / "config" / name)
    from tiesmap.codings.coder_files import load_codings
    from tiesmap.core.codebook import load_codebook
    from tiesmap.core.config import load_config, period_of

    config = load_config(path / "config/config.yaml")
    codings = load_codings(
        [path / f for f in CODER_FILES],
        load_codebook(path / "config/codebook.yaml"),
        period_of(config),
    )
    (path / "data/processed").mkdir(parents=True)
    codings.to_parquet(path / CODINGS, index=False)
    return path


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and ".snakemake" not in p.parts
    }


@dataclass
class Run:
    case: Case
    expected_file: str
    returncode: int
    stdout: str
    stderr: str
    outputs: list[str]
    before: dict[str, str]
    after: dict[str, str]
    project: Path
    signal_note: str = ""


def run_case(case: Case, base: Path, where: Path) -> Run:
    project = where / case.case
    shutil.copytree(base, project)
    expected_file, cmd, outs = install(case, project)
    before = snapshot(project)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        cmd, cwd=project, capture_output=True, text=True, timeout=TIMEOUT, env=env, check=False
    )
    signal_note = ""
    if proc.returncode < 0:
        # Seen once in ~600 runs on a busy machine: `merge` printed its problem table,
        # then aborted at interpreter exit ("terminate called without an active
        # exception", SIGABRT). Rerun once, and say so in the session summary.
        signal_note = f"{case.case}: killed by signal {-proc.returncode}, rerun once"
        proc = subprocess.run(
            cmd, cwd=project, capture_output=True, text=True, timeout=TIMEOUT, env=env, check=False
        )
    after = snapshot(project)
    return Run(
        case,
        expected_file,
        proc.returncode,
        proc.stdout,
        proc.stderr,
        outs,
        before,
        after,
        project,
        signal_note,
    )


# ---------------------------------------------------------- snakemake -n copies

PROJECT_SKIP = {
    ".git", ".venv", ".snakemake", "results", "logs", "tests", "benchmarks", ".pytest_cache",
    ".ruff_cache", "__pycache__", ".hypothesis",
}  # fmt: skip


def copy_project(dest: Path) -> Path:
    """Everything `snakemake -n` reads: the project without generated folders,
    tests, and third-party data (only data/raw is kept)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    dest.mkdir(parents=True)
    for item in ROOT.iterdir():
        if item.name in PROJECT_SKIP or item.name == "data":
            continue
        if item.is_dir():
            shutil.copytree(item, dest / item.name, ignore=ignore, symlinks=True)
        else:
            shutil.copy2(item, dest / item.name)
    shutil.copytree(ROOT / "data" / "raw", dest / "data" / "raw")
    return dest


def run_snakemake(case: Case | None, template: Path, where: Path) -> subprocess.CompletedProcess:
    project = where / (case.case if case else "valid_config")
    shutil.copytree(template, project, symlinks=True)
    if case is not None:
        src = BAD / case.file
        data = case_bytes(src)
        if src.name.endswith(".fragment.yaml"):
            data = merge_fragment((ROOT / "config/config.yaml").read_bytes(), data)
        (project / "config/config.yaml").write_bytes(data)
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--cores", "1"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


# --------------------------------------------------------------- running all


@pytest.fixture(scope="session")
def runs(request, tmp_path_factory) -> dict:
    """Run the selected cases (CLI and snakemake) in parallel, once per session."""
    wanted_cli, wanted_smk, want_valid = set(), set(), False
    for item in request.session.items:
        if Path(str(item.path)).resolve() != Path(__file__).resolve():
            continue  # other test files have parameters called `name` too
        callspec = getattr(item, "callspec", None)
        name = callspec.params.get("name") if callspec else None
        if item.name.startswith("test_snakemake_valid_config"):
            want_valid = True
        if name is None:
            continue
        if item.originalname == "test_snakemake_stops_on_bad_config":
            wanted_smk.add(name)
        else:
            wanted_cli.add(name)
    base = make_base(tmp_path_factory.mktemp("bad_inputs_base") / "project")
    where = tmp_path_factory.mktemp("bad_input_runs")
    results: dict = {}
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {("cli", n): pool.submit(run_case, BY_NAME[n], base, where) for n in wanted_cli}
        if wanted_smk or want_valid:
            template = copy_project(tmp_path_factory.mktemp("snakemake_template") / "project")
            smk_where = tmp_path_factory.mktemp("snakemake_runs")
            for n in wanted_smk:
                futures[("smk", n)] = pool.submit(run_snakemake, BY_NAME[n], template, smk_where)
            if want_valid:
                futures[("smk", None)] = pool.submit(run_snakemake, None, template, smk_where)
        for key, future in futures.items():
            results[key] = future.result()
    n_cli = sum(1 for k in results if k[0] == "cli")
    print(
        f"\nbad inputs: {n_cli} CLI case(s) and {len(results) - n_cli} snakemake -n run(s) "
        f"in {time.perf_counter() - started:.1f} s with {WORKERS} workers"
    )
    for key, run in results.items():
        if key[0] == "cli" and run.signal_note:
            print(f"bad inputs: WARNING {run.signal_note}")
    return results


# --------------------------------------------------------------------- tests


def _describe(run: Run) -> str:
    return (
        f"case {run.case.case} ({run.case.what_is_wrong}); exit {run.returncode}\n"
        f"--- stderr ---\n{run.stderr[-3000:]}\n--- stdout ---\n{run.stdout[-1000:]}"
    )


def _matches(p: Reported, case: Case, expected_file: str) -> bool:
    return (
        p.file == expected_file
        and (not case.expected_row or p.row == case.expected_row)
        and (not case.expected_column or p.column == case.expected_column)
        and case.expected_message.lower() in p.message.lower()
    )


@pytest.mark.parametrize("name", params(CASES))
def test_bad_input_is_reported_cleanly(name, runs):
    run: Run = runs[("cli", name)]
    case = run.case
    info = _describe(run)
    assert "Traceback" not in run.stderr, info
    assert run.returncode == int(case.expected_exit), info
    changed = sorted(p for p, h in run.before.items() if run.after.get(p) != h)
    assert not changed, f"input files changed or removed: {changed}\n{info}"
    new = sorted(set(run.after) - set(run.before))
    if case.expected_exit == "0":
        for out in run.outputs[:1]:
            assert (run.project / out).exists(), f"accepted input but no {out}\n{info}"
        if case.expected_message:  # accepted, but the bad row is rejected with its reason
            rejected = (run.project / run.outputs[2]).read_text(encoding="utf-8")
            line = f"line {case.expected_row}" if case.expected_row else ""
            assert any(
                case.expected_message.lower() in r.lower() and line in r
                for r in rejected.splitlines()
            ), f"no rejected row ({line}) with {case.expected_message!r}:\n{rejected}\n{info}"
        return
    assert not new, f"files written despite bad input: {new}\n{info}"
    for out in run.outputs:
        assert not (run.project / out).exists(), info
    problems = parse_problems(run.stderr)
    assert problems, f"no problem table on stderr\n{info}"
    assert any(_matches(p, case, run.expected_file) for p in problems), (
        f"expected a problem in {run.expected_file!r}, row {case.expected_row or '-'}, "
        f"column {case.expected_column or '-'}, message containing "
        f"{case.expected_message!r}; got {problems}\n{info}"
    )


def test_snakemake_valid_config_plans(runs):
    """Guard for the snakemake cases: the unchanged project config plans fine in
    the temporary copy, so a failure below is due to the bad config."""
    proc = runs[("smk", None)]
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]


@pytest.mark.parametrize("name", params(CONFIG_CASES, SNAKEMAKE_BUGS))
def test_snakemake_stops_on_bad_config(name, runs):
    """`snakemake -n` with the bad config stops before planning, names the key (or
    says what is wrong with the file) and prints no traceback or stack frames.
    Snakemake writes its error messages to stdout, so both streams are read."""
    case = BY_NAME[name]
    proc = runs[("smk", name)]
    output = proc.stderr + proc.stdout
    info = f"exit {proc.returncode}\n--- stderr + stdout ---\n{output[-4000:]}"
    assert proc.returncode != 0, info
    assert "Traceback" not in output and '  File "' not in output, info
    key = case.expected_column
    named = case.expected_message if key in ("", "(top level)") else key
    named = SNAKEMAKE_MESSAGE.get(name, named)
    assert named in output, info


def test_catalog_is_complete_and_synthetic():
    """Every catalog row points at a file of tests/bad_inputs, every file there is
    used, and the folder has no copy of a real dataset (its README says so)."""
    names = [c.case for c in CASES]
    assert len(names) == len(set(names))
    assert len(CASES) >= 35
    kinds = {c.input_kind for c in CASES}
    assert {"coder_csv", "coder_xlsx", "adjudication", "config", "codebook", "manifest"} <= kinds
    assert set(CLI_ADAPTERS) | set(DRIVER_ADAPTERS) <= kinds
    used = {c.file for c in CASES}
    support = {"CATALOG.csv", "README.md", "make_binary_cases.py", "peacesciencer/cow_states.rda"}
    support.add("codebook/valid_synthetic.yaml")
    for path in BAD.rglob("*"):
        rel = path.relative_to(BAD).as_posix()
        if path.is_file() and "__pycache__" not in rel and not rel.startswith("project/"):
            assert rel in used | support, f"{rel} is not in CATALOG.csv"
    for c in CASES:
        assert (BAD / c.file).is_file(), c.file
        assert c.expected_exit in ("0", "2"), c.case
        assert not c.bug or c.bug.startswith("BUG: "), c.case
        assert c.expected_exit == "0" or c.expected_message, c.case
    assert "synthetic" in (BAD / "README.md").read_text(encoding="utf-8").lower()


def test_synthetic_base_project_is_valid(tmp_path):
    """The base the cases start from is clean: the coder files check, the manifest
    verifies and the synthetic codebook is accepted, so each case's failure is its own."""
    base = make_base(tmp_path / "project")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    verify = subprocess.run(
        [*CLI, "manifest", "--manifest", "data/raw/MANIFEST.yaml", "--root", "."],
        cwd=base,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr
    shutil.copyfile(BAD / "codebook/valid_synthetic.yaml", base / "config/codebook.yaml")
    check = subprocess.run(
        [*CLI, "check", *CODER_FILES],
        cwd=base,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    assert "6 coded events" in check.stdout
