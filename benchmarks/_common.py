"""Helpers shared by the benchmark scripts: timing, peak memory, the machine, results.

Every benchmark ends its output with one line

    RESULT {"benchmark": ..., "figure": ..., "unit": ..., "baseline": ..., "ratio": ..., ...}

which `run_all.py` collects into results.json (and the smoke tests parse).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGES = (
    "tiesmap", "numpy", "pandas", "pyarrow", "scipy", "pyfixest", "linearmodels", "pandera",
    "polars", "duckdb",
)  # fmt: skip


def peak_rss_gb() -> float:
    """Peak resident set size of this process so far, in GB.

    VmHWM from /proc/self/status where there is one: getrusage's ru_maxrss
    carries over the parent's peak into a child started with fork/vfork + exec,
    so a worker started by a process that had generated 5 GB of data would
    report at least 5 GB whatever it used itself.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e9
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> float:
    """1-minute load average: other work on the machine slows every figure down."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return float("nan")


def best_of(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Shortest wall time of `repeats` calls, and the last result."""
    times, out = [], None
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def run_worker(script: Path, args: list[str]) -> dict[str, Any]:
    """Run `script --worker ...` in a fresh interpreter (so its peak memory is its own)
    and return the JSON it prints on its last line."""
    proc = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"worker {args} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM, Python and package versions."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = float("nan")
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = round(int(line.split()[1]) * 1024 / 1e9, 1)
                break
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }


def emit(result: dict[str, Any]) -> None:
    """Print the machine-readable result line (always last)."""
    result.setdefault("load_average_1min", load_average())
    print("RESULT " + json.dumps(result, sort_keys=True), flush=True)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"
