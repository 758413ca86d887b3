"""A reduced global scope (tests/data/global_reduced.yaml: about 30 states that
follow the COW state system, 2005-2014) built end to end from the copies in
../shared/data (fetched with `tiesmap download --mirror-dir`): under the one-node
SLURM cluster and locally at the same time, byte-identical, in its own folders
beside the pilot's.

Needs ../shared/data (skips without it, fails under CI) and, for the SLURM build,
root on Debian (the cluster fixture of tests/e2e/test_slurm.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.project import copy_project as _copy_project
from tests.project import digests as _digests
from tests.shared_data import SHARED, shared_file

from .test_slurm import (
    INIT_CHECK_SECONDS,
    _failed_job_logs,
    _report,
    _start,
    _tail,
    _wait_all,
    cluster,  # noqa: F401  (the module-scoped cluster fixture)
)

ROOT = Path(__file__).resolve().parents[2]
REDUCED = ROOT / "tests" / "data" / "global_reduced.yaml"
CONFIGS = ["--configfile", "config/global.yaml", str(REDUCED)]
# The SLURM build starts one Snakemake process per job on a shared node: 696 s and
# 1,148 s in two clean-clone runs on 2 cores, so the limit leaves room for a slower node.
BUILD_TIMEOUT = 3600

pytestmark = [pytest.mark.slurm, pytest.mark.e2e]


def _with_data(dest: Path) -> Path:
    """A copy of the project with the third-party files fetched from ../shared/data."""
    shared_file("peacesciencer/cow_states.rda")
    _copy_project(dest)
    run = subprocess.run(
        [sys.executable, "-m", "tiesmap.cli", "download", "--mirror-dir", str(SHARED / "data")],
        cwd=dest,
        env={"PYTHONPATH": str(dest / "workflow"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return dest


@pytest.fixture(scope="module")
def reduced_builds(cluster, tmp_path_factory, request):  # noqa: F811
    on_slurm = _with_data(tmp_path_factory.mktemp("reduced_slurm"))
    local = _with_data(tmp_path_factory.mktemp("reduced_local"))
    logs = {name: path.parent / f"snakemake-{name}.txt" for name, path in
            {"slurm": on_slurm, "local": local}.items()}  # fmt: skip
    t0 = time.monotonic()
    procs = {
        "slurm": _start(
            on_slurm,
            [
                "--profile",
                "profiles/slurm",
                "--slurm-init-seconds-before-status-checks",
                str(INIT_CHECK_SECONDS),
                *CONFIGS,
                "--",
                "all",
            ],  # fmt: skip
            logs["slurm"],
        ),
        "local": _start(
            local, ["--cores", "2", "--quiet", *CONFIGS, "--", "all"], logs["local"], nice=True
        ),  # fmt: skip
    }
    done = _wait_all(procs, t0, BUILD_TIMEOUT)
    for name, dest in (("slurm", on_slurm), ("local", local)):
        rc, _ = done[name]
        if rc != 0:
            pytest.fail(
                f"reduced global build ({name}) exited {rc}:\n"
                f"{_tail(logs[name].read_text(errors='replace'))}\n{_failed_job_logs(dest)}"
            )
    _report(
        request, f"reduced global: SLURM {done['slurm'][1]:.0f} s, local {done['local'][1]:.0f} s"
    )
    return on_slurm, local


def test_reduced_scope_builds_its_own_folder_byte_identically(reduced_builds):
    on_slurm, local = reduced_builds
    one, two = _digests(on_slurm / "results"), _digests(local / "results")
    assert "reduced/paper.pdf" in one
    assert all(k.startswith("reduced/") for k in one), "the pilot's results/ was written"
    assert one.keys() == two.keys(), sorted(set(one) ^ set(two))
    differ = [k for k in one if one[k] != two[k]]
    assert not differ, f"files differ between the SLURM and the local build: {differ}"


def test_reduced_panel_follows_the_state_system(reduced_builds):
    _, local = reduced_builds
    config = yaml.safe_load((local / "data/processed/reduced/config.yaml").read_text())
    states = config["scope"]["states"]
    assert 25 <= len(states) <= 40 and "RUS" in states and "CHN" in states
    panel = pd.read_parquet(local / "data/processed/reduced/tie_index.parquet")
    assert panel["year"].between(2005, 2014).all()
    assert set(panel["state_a"]) | set(panel["state_b"]) <= set(states)
    members = config["scope"]["members"]
    for row in panel[["state_a", "state_b", "year"]].drop_duplicates().itertuples():
        for state in (row.state_a, row.state_b):
            assert any(a <= row.year <= b for a, b in members[state]), row
    # hand codings cover only the four pilot states' dyads: elsewhere missing
    others = panel[~(panel["state_a"].isin(["CHN", "IRN", "PRK", "RUS"])
                     & panel["state_b"].isin(["CHN", "IRN", "PRK", "RUS"]))]  # fmt: skip
    assert others["n_regime_security"].isna().all()
    left_out = json.loads((local / "data/processed/reduced/codings_scope.json").read_text())
    assert left_out["left_out"]["outside_period"]["events"] > 0
