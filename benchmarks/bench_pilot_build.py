"""Time the embedded pilot build: a clean `snakemake --cores 4`, then a no-op rerun.

Not a test. Copies the project's tracked files (no third-party sources, so the
default offline pilot) to a temporary folder and runs the workflow there with the
copy's own package. Reports

- the clean build's wall time (the figure; goal <= 45 s on 2 cores with TeX
  installed) and the CPU seconds its rules used, from logs/benchmarks/*.tsv;
- the best of --repeats no-op reruns (goal <= 1.5 s), against the baseline of the
  same Snakemake starting on a one-rule workflow with nothing to do, i.e. what
  Snakemake itself costs before tiesmap adds anything;
- the slowest rules by CPU time, which is where to look for avoidable cost.

--smoke only plans the build (`snakemake -n`) and times the no-op baseline.

    .venv/bin/python benchmarks/bench_pilot_build.py [--cores 4] [--repeats 3] [--smoke]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, emit, load_average  # noqa: E402

SNAKEMAKE = [sys.executable, "-m", "snakemake"]
EMPTY_WORKFLOW = (
    'rule all:\n    output:\n        "done.txt"\n    shell:\n        "touch {output}"\n'
)


def copy_project(dest: Path) -> Path:
    """The tracked files of the project (what a clean clone holds)."""
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        src = ROOT / name.decode()
        if src.is_file():
            target = dest / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    return dest


def timed(command: list[str], where: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=where, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed in {where}:\n{proc.stderr[-4000:]}")
    return seconds


def rule_cpu(project: Path) -> dict[str, float]:
    """CPU seconds of each rule, from Snakemake's benchmark files."""
    out = {}
    for tsv in sorted((project / "logs" / "benchmarks").glob("*.tsv")):
        with tsv.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        if rows and rows[-1].get("cpu_time") not in (None, "", "NA"):
            out[tsv.stem] = float(rows[-1]["cpu_time"])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="plan only (snakemake -n)")
    args = parser.parse_args(argv)
    if not args.smoke and shutil.which("latexmk") is None:
        print("SKIP: latexmk not found (run `make` once: it installs TeX Live)")
        emit({"benchmark": "pilot_build", "skipped": True, "figure": None, "baseline": None,
              "ratio": None, "reason": "no TeX"})  # fmt: skip
        return 0
    with tempfile.TemporaryDirectory(prefix="tiesmap-bench-pilot-") as tmp:
        project = copy_project(Path(tmp) / "project")
        empty = Path(tmp) / "empty"
        empty.mkdir()
        (empty / "Snakefile").write_text(EMPTY_WORKFLOW, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env["PYTHONPATH"] = str(project / "workflow")
        cores = ["--cores", str(args.cores), "--quiet"]
        load = load_average()
        timed([*SNAKEMAKE, *cores], empty, env)
        baseline = min(timed([*SNAKEMAKE, *cores], empty, env) for _ in range(args.repeats))
        if args.smoke:
            plan = timed([*SNAKEMAKE, *cores, "-n"], project, env)
            print(f"snakemake -n on the pilot: {plan:.2f} s")
            print(f"Snakemake no-op on a one-rule workflow (baseline): {baseline:.2f} s")
            emit({"benchmark": "pilot_build", "smoke": True, "figure": round(plan, 3),
                  "unit": "s (plan only)", "baseline": round(baseline, 3),
                  "ratio": round(plan / baseline, 2), "load_average_1min": load})  # fmt: skip
            return 0
        clean = timed([*SNAKEMAKE, *cores], project, env)
        cpu = rule_cpu(project)
        noop = min(timed([*SNAKEMAKE, *cores], project, env) for _ in range(args.repeats))
    total_cpu = sum(cpu.values())
    print(f"clean pilot build (--cores {args.cores}): {clean:.1f} s wall, "
          f"{total_cpu:.1f} s CPU in {len(cpu)} rules (goal <= 45 s)")  # fmt: skip
    print(f"no-op rerun: {noop:.2f} s (goal <= 1.5 s); Snakemake alone on a one-rule "
          f"workflow: {baseline:.2f} s (ratio {noop / baseline:.2f})")  # fmt: skip
    print("slowest rules (CPU s): " + ", ".join(
        f"{name} {sec:.2f}" for name, sec in sorted(cpu.items(), key=lambda kv: -kv[1])[:8]
    ))  # fmt: skip
    emit({"benchmark": "pilot_build", "figure": round(clean, 2), "unit": "s wall (clean build)",
          "rules_cpu_seconds": round(total_cpu, 2), "rules": len(cpu),
          "noop_seconds": round(noop, 3), "baseline": round(baseline, 3),
          "baseline_what": "Snakemake no-op on a one-rule workflow",
          "ratio": round(noop / baseline, 2), "load_average_1min": load})  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
