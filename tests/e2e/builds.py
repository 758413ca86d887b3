"""Full builds of the pilot in temporary copies of the project, started in the
background and shared by every end-to-end test of a session (tests/e2e/conftest.py)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.project import BUILD_TIMEOUT, build_env, snakemake

# The clean builds a session may need, by name: cores, and whether the network is cut.
# `pilot` is the one most tests read; the others exist to be compared with it.
SPECS: dict[str, dict] = {
    "pilot": {"cores": 2, "offline": True},
    "cores1": {"cores": 1, "offline": False},
    "cores4": {"cores": 4, "offline": False},
}


def tail(dest: Path, name: str) -> str:
    path = dest / name
    return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def unshare_works() -> bool:
    """`unshare -n` (a new, empty network namespace) with loopback brought up."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return False
    try:
        run = subprocess.run(
            ["unshare", "-n", "sh", "-c", "ip link set lo up && ip -o link show"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return run.returncode == 0


def offline_command(cmd: list[str], guard_dir: Path | None) -> list[str]:
    if guard_dir is not None:
        return cmd  # the sitecustomize guard on PYTHONPATH does the blocking
    return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"', *cmd]


def start(dest: Path, cores: int, log: str, offline: bool = False, guard_dir=None):
    """`snakemake --cores N all` in `dest`, in its own process group, output to `log`."""
    cmd = snakemake("--cores", str(cores), "all")
    if offline:
        cmd = offline_command(cmd, guard_dir)
    out = (dest / log).open("w")
    proc = subprocess.Popen(
        cmd,
        cwd=dest,
        env=build_env(dest, guard_dir if offline else None),
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out.close()
    return proc


class Builds:
    """Clean builds of one snapshot of the project, each in its own folder, started
    on first request; `want(*names)` starts several side by side, `builds[name]`
    waits for one, checks that it succeeded and returns its folder."""

    def __init__(self, snapshot: Path, tmp_path_factory, guard_dir: Path | None) -> None:
        self.snapshot, self.factory, self.guard_dir = snapshot, tmp_path_factory, guard_dir
        self.running: dict[str, tuple[Path, subprocess.Popen, float]] = {}
        self.done: dict[str, Path] = {}

    def fresh(self, name: str) -> Path:
        dest = self.factory.mktemp(name) / "project"
        shutil.copytree(self.snapshot, dest, symlinks=True)
        return dest

    def want(self, *names: str) -> None:
        for name in names:
            if name in self.running or name in self.done:
                continue
            spec = SPECS[name]
            guard = self.guard_dir if spec["offline"] else None
            dest = self.fresh(name)
            proc = start(dest, spec["cores"], "build.txt", spec["offline"], guard)
            self.running[name] = (dest, proc, time.monotonic() + BUILD_TIMEOUT)

    def __getitem__(self, name: str) -> Path:
        self.want(name)
        if name not in self.done:
            dest, proc, deadline = self.running.pop(name)
            try:
                rc = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                pytest.fail(f"build {name} timed out\n{tail(dest, 'build.txt')}")
            assert rc == 0, f"build {name} failed ({rc})\n{tail(dest, 'build.txt')}"
            self.done[name] = dest
        return self.done[name]

    def stop(self) -> None:
        for _, proc, _ in self.running.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
