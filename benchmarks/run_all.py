"""Run every benchmark at full size and write benchmarks/results.json.

Not a test. Runs the scripts one after the other (each in its own
interpreter; their output is shown as it comes), collects each script's
RESULT line, and writes the machine (CPU model, cores, RAM, Python and package
versions), the command, the figures and the 1-minute load average at the
start of each script. Full size takes about 15 minutes on a quiet 2-core machine.
bench_panel.py (events -> panel + ties against a pandas self-merge, 8 minutes for
the self-merge alone) is not part of it; run it by hand.
With --only, the other entries of an existing results file are kept.

    .venv/bin/python benchmarks/run_all.py [--smoke] [--out benchmarks/results.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import HERE, ROOT, load_average, machine  # noqa: E402

SCRIPTS = (
    "bench_counts.py",
    "bench_models.py",
    "bench_sensitivity.py",
    "bench_sipri_read.py",
    "bench_pilot_build.py",
)


def run(script: str, extra: list[str]) -> dict:
    command = [sys.executable, str(HERE / script), *extra]
    shown = " ".join([".venv/bin/python", f"benchmarks/{script}", *extra])
    print(f"\n=== {shown}", flush=True)
    start = time.perf_counter()
    load = load_average()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    result = None
    assert proc.stdout is not None
    for line in proc.stdout:
        print(line, end="", flush=True)
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
    code = proc.wait()
    return {
        "command": shown,
        "exit_code": code,
        "wall_seconds": round(time.perf_counter() - start, 1),
        "load_average_at_start": load,
        "result": result,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (checks the scripts)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--only", nargs="*", choices=SCRIPTS, help="run only these scripts")
    args = parser.parse_args(argv)
    extra = ["--smoke"] if args.smoke else []
    runs = {}
    if args.only and args.out.exists():  # update those entries, keep the others
        runs = json.loads(args.out.read_text(encoding="utf-8")).get("benchmarks", {})
    runs.update({script: run(script, extra) for script in (args.only or SCRIPTS)})
    report = {
        "generated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "smoke": args.smoke,
        "machine": machine(),
        "benchmarks": runs,
    }
    args.out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0 if all(runs[s]["exit_code"] == 0 for s in (args.only or SCRIPTS)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
