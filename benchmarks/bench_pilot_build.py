"""Time the embedded pilot build: a clean `snakemake --cores 4`, then no-op reruns.

Not a test. Copies the project's tracked files (no third-party sources, so the
default offline pilot) to a temporary folder and runs the workflow there with the
copy's own package. Reports

- the clean build's wall time (the figure; goal <= 45 s on 2 cores with TeX
  installed) and the CPU seconds its rules used, from logs/benchmarks/*.tsv;
- no-op reruns of the pilot against two bare workflows, run round by round so
  that the host's noise hits all three alike (best of --repeats, and the median of
  the rounds' ratios):
  * a one-rule Snakefile with nothing to do: what Snakemake costs before any
    workflow (issue 21's baseline);
  * the same shape as the pilot: one bare rule per job of the pilot's DAG, with
    that job's input, output and log files (touched, empty) and `touch` for a
    command, read off `snakemake --detailed-summary` after the clean build. Its
    excess over the one-rule Snakefile is what Snakemake itself spends on a DAG of
    this size; the pilot's excess over it is tiesmap's own start (config and
    manifest checks, scope, code inputs, the rules' Python);
- the slowest rules by CPU time, which is where to look for avoidable cost.

--smoke only plans the build (`snakemake -n`) and times the one-rule no-op.

    .venv/bin/python benchmarks/bench_pilot_build.py [--cores 4] [--repeats 7] [--smoke]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
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


def run(command: list[str], where: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(command, cwd=where, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed in {where}:\n{proc.stderr[-4000:]}")
    return proc.stdout


def timed(command: list[str], where: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    run(command, where, env)
    return time.perf_counter() - start


def rule_cpu(project: Path) -> dict[str, float]:
    """CPU seconds of each rule, from Snakemake's benchmark files."""
    out = {}
    for tsv in sorted((project / "logs" / "benchmarks").glob("*.tsv")):
        with tsv.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        if rows and rows[-1].get("cpu_time") not in (None, "", "NA"):
            out[tsv.stem] = float(rows[-1]["cpu_time"])
    return out


def _files(cell: str) -> list[str]:
    return [] if cell in ("", "-") else cell.split(",")


def _quoted(path: str) -> str:
    """A path as a Snakefile string literal; braces would read as wildcards."""
    if "{" in path or "}" in path:
        raise ValueError(f"same-shape workflow: path {path!r} has braces")
    return repr(path)


def dag_jobs(summary: str) -> list[dict[str, list[str]]]:
    """The jobs of a built workflow from `snakemake --detailed-summary`: each job's
    output files (those its rule removed as temporary marked), inputs and logs."""
    jobs: dict[tuple, dict[str, list[str]]] = {}
    rows = csv.DictReader(summary.splitlines(), delimiter="\t")
    for row in rows:
        key = (row["rule"], row["input-file(s)"], row["log-file(s)"])
        job = jobs.setdefault(
            key,
            {"output": [], "temp": [], "input": _files(row["input-file(s)"]),
             "log": _files(row["log-file(s)"])},
        )  # fmt: skip
        kind = "temp" if row["status"] == "removed temp file" else "output"
        if row["output_file"] not in job[kind]:  # a file a rule names twice
            job[kind].append(row["output_file"])
    return list(jobs.values())


def same_shape_snakefile(jobs: list[dict[str, list[str]]]) -> str:
    """A bare workflow with one rule per job and the same files, whose targets are
    the outputs no job reads (as the pilot's `all` asks for its end products)."""
    read = {f for job in jobs for f in job["input"]}
    leaves = sorted(f for job in jobs for f in job["output"] if f not in read)
    lines = ["rule all:", "    input:", *(f"        {_quoted(f)}," for f in leaves), ""]
    for i, job in enumerate(jobs):
        lines += [f"rule job_{i}:"]
        if job["input"]:
            lines += ["    input:", *(f"        {_quoted(f)}," for f in job["input"])]
        outputs = [_quoted(f) for f in job["output"]]
        outputs += [f"temp({_quoted(f)})" for f in job["temp"]]
        lines += ["    output:", *(f"        {o}," for o in outputs)]
        if job["log"]:
            lines += ["    log:", *(f"        {_quoted(f)}," for f in job["log"])]
        lines += ["    shell:", '        "touch {output} {log}"', ""]
    return "\n".join(lines)


def same_shape_workflow(project: Path, dest: Path, env: dict[str, str], cores: list[str]) -> int:
    """Write and build the bare workflow of the pilot's shape in `dest`; its jobs."""
    jobs = dag_jobs(run([*SNAKEMAKE, "--detailed-summary", *cores], project, env))
    dest.mkdir()
    (dest / "Snakefile").write_text(same_shape_snakefile(jobs), encoding="utf-8")
    made = {f for job in jobs for f in job["output"] + job["temp"]}
    for source in {f for job in jobs for f in job["input"]} - made:
        path = dest / source
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    run([*SNAKEMAKE, *cores], dest, env)
    return len(jobs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=7)
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
        if args.smoke:
            baseline = min(timed([*SNAKEMAKE, *cores], empty, env) for _ in range(args.repeats))
            plan = timed([*SNAKEMAKE, *cores, "-n"], project, env)
            print(f"snakemake -n on the pilot: {plan:.2f} s")
            print(f"Snakemake no-op on a one-rule workflow (baseline): {baseline:.2f} s")
            emit({"benchmark": "pilot_build", "smoke": True, "figure": round(plan, 3),
                  "unit": "s (plan only)", "baseline": round(baseline, 3),
                  "ratio": round(plan / baseline, 2), "load_average_1min": load})  # fmt: skip
            return 0
        clean = timed([*SNAKEMAKE, *cores], project, env)
        cpu = rule_cpu(project)
        shape = Path(tmp) / "same_shape"
        n_jobs = same_shape_workflow(project, shape, env, cores)
        times: dict[str, list[float]] = {"one_rule": [], "same_shape": [], "pilot": []}
        where = {"one_rule": empty, "same_shape": shape, "pilot": project}
        for _ in range(args.repeats):
            for name, folder in where.items():
                times[name].append(timed([*SNAKEMAKE, *cores], folder, env))
    best = {name: min(values) for name, values in times.items()}
    paired = {
        "pilot_over_one_rule": statistics.median(
            p / o for p, o in zip(times["pilot"], times["one_rule"], strict=True)
        ),
        "same_shape_over_one_rule": statistics.median(
            s / o for s, o in zip(times["same_shape"], times["one_rule"], strict=True)
        ),
        "pilot_over_same_shape": statistics.median(
            p / s for p, s in zip(times["pilot"], times["same_shape"], strict=True)
        ),
    }
    total_cpu = sum(cpu.values())
    print(f"clean pilot build (--cores {args.cores}): {clean:.1f} s wall, "
          f"{total_cpu:.1f} s CPU in {len(cpu)} rules (goal <= 45 s)")  # fmt: skip
    print(f"no-op, best of {args.repeats} rounds: pilot {best['pilot']:.2f} s; one-rule "
          f"Snakefile {best['one_rule']:.2f} s (ratio {best['pilot'] / best['one_rule']:.2f}, "
          f"median of rounds {paired['pilot_over_one_rule']:.2f}); bare workflow of the "
          f"pilot's shape ({n_jobs} jobs) {best['same_shape']:.2f} s (ratio to one rule "
          f"{best['same_shape'] / best['one_rule']:.2f}; pilot to it "
          f"{best['pilot'] / best['same_shape']:.2f})")  # fmt: skip
    print("slowest rules (CPU s): " + ", ".join(
        f"{name} {sec:.2f}" for name, sec in sorted(cpu.items(), key=lambda kv: -kv[1])[:8]
    ))  # fmt: skip
    emit({"benchmark": "pilot_build", "figure": round(clean, 2), "unit": "s wall (clean build)",
          "rules_cpu_seconds": round(total_cpu, 2), "rules": len(cpu),
          "noop_seconds": round(best["pilot"], 3), "baseline": round(best["one_rule"], 3),
          "baseline_what": "Snakemake no-op on a one-rule workflow",
          "ratio": round(best["pilot"] / best["one_rule"], 2),
          "same_shape_seconds": round(best["same_shape"], 3), "same_shape_jobs": n_jobs,
          "same_shape_what": "bare workflow, one rule per pilot job, same files, touch",
          "noop_rounds": {k: [round(v, 3) for v in vs] for k, vs in times.items()},
          "median_round_ratios": {k: round(v, 3) for k, v in paired.items()},
          "load_average_1min": load})  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
