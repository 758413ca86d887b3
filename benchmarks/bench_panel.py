"""Time events -> dyad-year-area panel: tiesmap.index.scale against a pandas self-merge.

Not a test. Writes N seeded synthetic events (benchmarks/synthetic.py: 2-8
participants, 200 states, 35 years) to a temporary parquet file, then runs each
side in a fresh interpreter, so that each reports its own peak memory:

* fast path: `read_events` + `count_dyads` + `panel_from_counts` (all 19,900
  dyads x 35 years, every column of `build_dyad_year`) + `add_sustained_ties`
  (k = 2 in 24 months, follow-ups count). Best of --repeats runs.
* baseline: `pd.read_parquet`, then per block of 1M events: explode the
  participants, self-merge on event_id, keep a < b (and, for directed
  activities, pairs with the supplier), weight, group by dyad x year x area,
  and sum the blocks. One run; it computes less than the fast path (no
  balanced frame, coverage or tie rule).

Both use the "inverse" multilateral rule (the one that needs n per event), and
their counts are compared cell by cell after timing.

Targets (issue 9): 10M events in <= 15 s and <= 4 GB peak, >= 3x the baseline.

    .venv/bin/python benchmarks/bench_panel.py [--size 10000000] [--repeats 3] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    HERE,
    ROOT,
    best_of,
    cpu_seconds,
    emit,
    load_average,
    peak_rss_gb,
    run_worker,
    verdict,
)

RULE = "inverse"
FIRST_YEAR, LAST_YEAR = 1991, 2025
TARGET_SECONDS, TARGET_GB, TARGET_RATIO = 15.0, 4.0, 3.0


def _codebook():
    from tiesmap.core.codebook import load_codebook

    codebook = load_codebook(ROOT / "config" / "codebook.yaml")
    directed = frozenset(a.code for a in codebook.activities.values() if a.directed)
    return codebook, directed


def fast_worker(data: Path, repeats: int, out: Path) -> dict:
    from tiesmap.index import scale

    codebook, directed = _codebook()
    rss_before = peak_rss_gb()
    stages: dict[str, float] = {}

    def run():
        t0 = time.perf_counter()
        table = scale.read_events(data)
        t1 = time.perf_counter()
        counts = scale.count_dyads(table, directed)
        t2 = time.perf_counter()
        panel = scale.panel_from_counts(counts, None, FIRST_YEAR, LAST_YEAR, codebook, None, RULE)
        t3 = time.perf_counter()
        ties = scale.add_sustained_ties(panel, counts, RULE, 2, 24, True)
        t4 = time.perf_counter()
        stages.update(read=t1 - t0, count=t2 - t1, panel=t3 - t2, ties=t4 - t3)
        return counts, ties

    cpu0 = cpu_seconds()
    seconds, (counts, ties) = best_of(run, repeats)
    cpu = (cpu_seconds() - cpu0) / max(1, repeats)
    peak = peak_rss_gb()
    scale.dyad_year_counts(counts, RULE).to_parquet(out)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "stages_last_run": stages,
        "peak_rss_gb": peak,
        "rss_after_imports_gb": rss_before,
        "panel_rows": len(ties),
        "dyad_events": float(counts.weight("full").sum()),
    }


def baseline_counts(events: pd.DataFrame, directed: frozenset[str], rule: str) -> pd.Series:
    """Weighted dyad-events per (state_a, state_b, year, area) by explode + self-merge."""
    ev = events.assign(
        year=events["date_start"].str[:4].astype("int64"),
        directed=events["activity"].isin(directed),
        state=events["participants"].str.split(";"),
    )
    ev["n"] = ev["state"].str.len()
    long = ev[["event_id", "state", "year", "area", "n", "directed"]].explode("state")
    long["pos"] = long.groupby(level=0).cumcount()
    pairs = long.merge(long[["event_id", "state", "pos"]], on="event_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["state_a"] < pairs["state_b"]]
    pairs = pairs[~pairs["directed"] | (pairs["pos_a"] == 0) | (pairs["pos_b"] == 0)]
    n = pairs["n"].to_numpy()
    if rule == "full":
        weight = np.ones(len(pairs))
    elif rule == "inverse":
        weight = np.where(n > 2, 1.0 / np.maximum(n - 1, 1), 1.0)
    else:
        weight = np.where(n > 2, 0.0, 1.0)
    return (
        pairs.assign(weight=weight)
        .groupby(["state_a", "state_b", "year", "area"], observed=True)["weight"]
        .sum()
    )


def baseline_worker(data: Path, block: int, out: Path) -> dict:
    _, directed = _codebook()
    rss_before = peak_rss_gb()
    cpu0 = cpu_seconds()
    start = time.perf_counter()
    events = pd.read_parquet(
        data, columns=["event_id", "participants", "date_start", "activity", "area"]
    )
    parts = [
        baseline_counts(events.iloc[lo : lo + block], directed, RULE)
        for lo in range(0, len(events), block)
    ]
    result = pd.concat(parts).groupby(level=[0, 1, 2, 3]).sum()
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() - cpu0
    peak = peak_rss_gb()
    result.rename("weight").reset_index().to_parquet(out)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_rss_gb": peak,
        "rss_after_imports_gb": rss_before,
        "cells": len(result),
    }


def compare(fast_file: Path, base_file: Path) -> float:
    """Largest absolute difference between the two count tables (0 = identical)."""
    fast = pd.read_parquet(fast_file)
    fast = fast.assign(
        state_a=fast["state_a"].astype(str),
        state_b=fast["state_b"].astype(str),
        area=fast["area"].astype(str),
    )
    base = pd.read_parquet(base_file)
    both = fast.merge(
        base, on=["state_a", "state_b", "year", "area"], how="outer", suffixes=("_f", "_b")
    ).fillna({"weight_f": 0.0, "weight_b": 0.0})
    return float(
        np.max(np.abs(both["weight_f"].to_numpy() - both["weight_b"].to_numpy()), initial=0.0)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000, help="events")
    parser.add_argument("--seed", type=int, default=20250601)
    parser.add_argument("--repeats", type=int, default=3, help="fast-path runs (best counts)")
    parser.add_argument("--block", type=int, default=1_000_000, help="baseline events per block")
    parser.add_argument("--data", type=Path, help="reuse this events parquet file")
    parser.add_argument("--smoke", action="store_true", help="tiny size, one run")
    parser.add_argument("--worker", choices=["fast", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.size, args.repeats, args.block = 5_000, 1, 2_000

    if args.worker == "fast":
        print(json.dumps(fast_worker(args.data, args.repeats, args.out)))
        return 0
    if args.worker == "baseline":
        print(json.dumps(baseline_worker(args.data, args.block, args.out)))
        return 0

    with tempfile.TemporaryDirectory(prefix="tiesmap-bench-") as tmp:
        tmp = Path(tmp)
        data = args.data
        if data is None:  # in its own process, so this one stays small
            start = time.perf_counter()
            data = tmp / "events.parquet"
            subprocess.run(
                [sys.executable, str(HERE / "synthetic.py"), "--events", str(args.size),
                 "--seed", str(args.seed), "--out", str(data)],
                check=True,
            )  # fmt: skip
            print(f"generated {args.size:,} events in {time.perf_counter() - start:.1f} s")
        script = Path(__file__).resolve()
        load = load_average()
        fast = run_worker(
            script,
            ["--worker", "fast", "--data", str(data), "--repeats", str(args.repeats),
             "--out", str(tmp / "fast.parquet")],
        )  # fmt: skip
        base = run_worker(
            script,
            ["--worker", "baseline", "--data", str(data), "--block", str(args.block),
             "--out", str(tmp / "base.parquet")],
        )  # fmt: skip
        diff = compare(tmp / "fast.parquet", tmp / "base.parquet")
        n_events = pq.ParquetFile(data).metadata.num_rows

    ratio = base["seconds"] / fast["seconds"]
    print(
        f"events {n_events:,}; dyad-events {fast['dyad_events']:,.0f}; "
        f"panel {fast['panel_rows']:,} dyad-years; rule {RULE}; load average {load}"
    )
    stages = ", ".join(f"{k} {v:.2f}" for k, v in fast["stages_last_run"].items())
    print(
        f"tiesmap.index.scale (read+count+panel+ties) : {fast['seconds']:8.2f} s  best of "
        f"{args.repeats} (cpu {fast['cpu_seconds']:.2f} s; {stages}), "
        f"peak RSS {fast['peak_rss_gb']:.2f} GB"
    )
    print(
        f"pandas self-merge baseline            : {base['seconds']:8.2f} s  "
        f"(cpu {base['cpu_seconds']:.2f} s), peak RSS {base['peak_rss_gb']:.2f} GB"
    )
    print(f"ratio baseline / fast                  : {ratio:8.2f}x")
    print(f"max |count difference|                 : {diff:.2e}")
    full = n_events >= 10_000_000
    print(
        f"targets (10M events): <= {TARGET_SECONDS:.0f} s "
        f"{verdict(fast['seconds'] <= TARGET_SECONDS) if full else 'n/a'}, "
        f"<= {TARGET_GB:.0f} GB {verdict(fast['peak_rss_gb'] <= TARGET_GB) if full else 'n/a'}, "
        f">= {TARGET_RATIO:.0f}x {verdict(ratio >= TARGET_RATIO) if full else 'n/a'}"
    )
    emit(
        {
            "benchmark": "panel",
            "size": n_events,
            "figure": round(fast["seconds"], 3),
            "unit": "s",
            "baseline": round(base["seconds"], 3),
            "ratio": round(ratio, 2),
            "ratio_meaning": "baseline seconds / fast seconds (target >= 3)",
            "peak_rss_gb": round(fast["peak_rss_gb"], 3),
            "baseline_peak_rss_gb": round(base["peak_rss_gb"], 3),
            "cpu_seconds": round(fast["cpu_seconds"], 3),
            "baseline_cpu_seconds": round(base["cpu_seconds"], 3),
            "stages_last_run": {k: round(v, 3) for k, v in fast["stages_last_run"].items()},
            "max_abs_difference": diff,
            "targets": {"seconds": TARGET_SECONDS, "peak_rss_gb": TARGET_GB, "ratio": 3.0},
            "pass": bool(
                ratio >= TARGET_RATIO
                and fast["seconds"] <= TARGET_SECONDS
                and fast["peak_rss_gb"] <= TARGET_GB
            )
            if full
            else None,
            "load_average_1min": load,
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
