"""What the workflow plans, read from `snakemake -n` in a copy of the project without
third-party files: which optional sources are absent (one line at parse time), and
the thread count a multi-threaded rule declares and passes to its command."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from tests.project import copy_project, run_snakemake
from tiesmap.codings.manifest import Entry, absent_sources, absent_sources_line, load_manifest
from tiesmap.core.config import EXTERNAL_COVARIATES

CONFIG = Path(__file__).resolve().parents[2] / "config" / "config.yaml"

USE = ["sipri", "mme", "jme", "china_vitae", "gdelt", "icews"]


def _entry(name: str, adapter: str | None, path: str) -> Entry:
    fields = dict.fromkeys(Entry.__dataclass_fields__, None)
    fields.update(name=name, adapter=adapter, path=path, provided=False)
    return Entry(**fields)


def test_absent_sources_names_sources_and_covariates(tmp_path):
    entries = [
        _entry("sipri_trade_register", "sipri", "ext/sipri.csv"),
        _entry("mme_exercises", "mme", "ext/mme.csv"),
        _entry("gsdb_sanctions", "gsdb", "ext/gsdb.csv"),
        _entry("unga_ideal_points", "unga", "ext/unga.dta"),
    ]
    (tmp_path / "ext").mkdir()
    (tmp_path / "ext/mme.csv").write_text("x")
    (tmp_path / "ext/unga.dta").write_text("x")
    got = absent_sources(
        entries, ["sipri", "mme"], ["gsdb_sanctions", "unga_ideal_points"], tmp_path
    )
    assert got == (["sipri"], ["gsdb_sanctions"])
    assert absent_sources_line(*got) == (
        "tiesmap: optional sources absent (fetch with `make download`): "
        "event sources sipri; covariates gsdb_sanctions"
    )
    assert absent_sources_line([], []) is None


def _plan(dest, cores: int, present: str | None):
    """`snakemake -n -p --cores N` in a copy of the project, with a placeholder for
    the file of source `present` (planning only looks at whether files exist)."""
    copy_project(dest)
    if present:
        manifest = load_manifest(dest / "data/raw/MANIFEST.yaml")
        path = dest / next(e for e in manifest if e.adapter == present).path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("placeholder for planning only\n")
    run = run_snakemake(dest, "-n", "-p", "--cores", str(cores), timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout + run.stderr


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    """Two dry runs side by side: no third-party file on 2 cores; the MME file on 1."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        bare = pool.submit(_plan, tmp_path_factory.mktemp("bare"), 2, None)
        mme = pool.submit(_plan, tmp_path_factory.mktemp("mme"), 1, "mme")
        return {"bare": bare.result(), "mme": mme.result()}


def test_dry_run_names_every_absent_source_in_one_line(plans):
    lines = [ln for ln in plans["bare"].splitlines() if "sources absent" in ln]
    assert lines == [absent_sources_line(sorted(USE), sorted(EXTERNAL_COVARIATES))], lines
    assert "data/processed/sources/" not in plans["bare"]


def test_a_present_source_leaves_the_line_and_is_ingested(plans):
    line = next(ln for ln in plans["mme"].splitlines() if "sources absent" in ln)
    assert "mme" not in line.split("covariates")[0] and "jme" in line
    assert "data/processed/sources/mme.parquet" in plans["mme"]


@pytest.mark.parametrize(("plan", "threads"), [("bare", 2), ("mme", 1)])
def test_sensitivity_declares_its_threads_and_passes_them(plans, plan, threads):
    """2 threads declared by the gather; Snakemake lowers them to the cores given (1).
    The parts (sensitivity.jobs of them, one thread each) name their part."""
    commands = [ln for ln in plans[plan].splitlines() if " sensitivity-gather --config" in ln]
    assert len(commands) == 1, plans[plan][-3000:]
    assert commands[0].rstrip().endswith(f"--threads {threads} 2> logs/sensitivity.log")
    parts = [ln for ln in plans[plan].splitlines() if " sensitivity-part --config" in ln]
    jobs = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["sensitivity"]["jobs"]
    assert sorted(ln.split("--part ")[1].split()[0] for ln in parts) == [
        str(p) for p in range(jobs)
    ]
    assert all(f"--parts {jobs} " in ln for ln in parts)


def test_sensitivity_command_reads_the_thread_count():
    from tiesmap.cli import build_parser

    argv = ["sensitivity", "--events", "e", "--out", "o", "--ranks", "r", "--linking", "l"]
    assert build_parser().parse_args([*argv, "--threads", "3"]).threads == 3
    assert build_parser().parse_args(argv).threads == 1
