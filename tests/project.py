"""Temporary copies of the project and Snakemake runs in them, for the tests that
plan or build the workflow (tests/e2e, the bad-input catalog's `snakemake -n` runs)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What a build reads: never results/, logs/, data/external/ or the tests.
COPY = ["Snakefile", "config", "workflow", "paper", "data/raw", "notebooks", "profiles"]
BUILD_TIMEOUT = 900


def copy_project(dest: Path) -> Path:
    """`dest` with the files a build reads (third-party data left out)."""
    for item in COPY:
        src = ROOT / item
        if not src.exists():
            continue
        target = dest / item
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, target)
    return dest


def build_env(dest: Path, extra_path: Path | None = None) -> dict[str, str]:
    """The caller's environment for a run in the copy `dest`: the copy's own package
    code first on the path, and no SOURCE_DATE_EPOCH inherited (the workflow sets it)."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    paths = [str(extra_path)] if extra_path else []
    env["PYTHONPATH"] = os.pathsep.join([*paths, str(dest / "workflow")])
    return env


def snakemake(*args: str) -> list[str]:
    return [sys.executable, "-m", "snakemake", *args]


def run_snakemake(
    dest: Path, *args: str, timeout: int = BUILD_TIMEOUT
) -> subprocess.CompletedProcess:
    return subprocess.run(
        snakemake(*args),
        cwd=dest,
        env=build_env(dest),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_same_results(one: Path, two: Path) -> None:
    """results/ of two builds are byte-identical."""
    a, b = digests(one / "results"), digests(two / "results")
    assert a, f"no results in {one}"
    assert a.keys() == b.keys(), sorted(set(a) ^ set(b))
    differ = sorted(k for k in a if a[k] != b[k])
    assert not differ, f"results differ: {differ}"
