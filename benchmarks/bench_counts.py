"""Time event counting (`tiesmap.index.scale.count_dyads`) against tuned Polars and tuned DuckDB.

Not a test. For each size (default 1M, 10M and 30M events) writes seeded
synthetic events (benchmarks/synthetic.py: 2-8 distinct participants, 200
states, 35 years) to a temporary parquet file and counts the weighted
dyad-events per (state_a, state_b, year, area) under the "inverse"
multilateral rule (1/(n-1) for events with n > 2 participants; directed
activities pair the supplier, listed first, with each other participant).
Each side runs in a fresh interpreter, so its peak memory (VmHWM) is its own,
and the sides are interleaved round by round (best of --repeats):

* tiesmap: `count_dyads` on the parquet path, as the `dyad_scope` and
  `sensitivity` rules call it (it streams the file in batches of 2^20 events);
* polars (tuned): the fixed-width participant codes ('AAA;BBB;...') are read
  by position, never split; a small table of position pairs (n, i, j) per
  participant count replaces the self-join; each code becomes an integer once
  (a 200-entry mapping) and the cell is one packed integer key; in batches of
  2M events whose partial sums are added (one join over 10M events took 11 GB);
* duckdb (tuned): the same plan in SQL, codes decoded arithmetically from
  their three letters, one packed key, DuckDB's own streaming aggregation.

Every peer's cells are compared with tiesmap's (`dyad_year_counts`); the script
exits 1 on any difference above 1e-9. Targets (issue 21): tiesmap at least as
fast as the fastest peer at every size; peak memory within 1.5x DuckDB's.

    .venv/bin/python benchmarks/bench_counts.py [--sizes 1000000 10000000 30000000] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import HERE, ROOT, emit, load_average, peak_rss_gb, run_worker, verdict  # noqa: E402

PEERS = ("tiesmap", "polars", "duckdb")
TOLERANCE = 1e-9
MEMORY_RATIO = 1.5
FIRST_YEAR = 1900  # packed keys count years from here
MAX_N = 8  # participants per synthetic event
POLARS_BATCH = 2_000_000  # events per Polars batch (one join of 2M events is about 2 GB)


def _directed() -> list[str]:
    from tiesmap.core.codebook import load_codebook

    codebook = load_codebook(ROOT / "config" / "codebook.yaml")
    return sorted(a.code for a in codebook.activities.values() if a.directed)


def _areas() -> list[str]:
    from tiesmap.core.codebook import AREAS

    return list(AREAS)


def _pairs(directed: bool) -> pd.DataFrame:
    """Position pairs (n, i, j), i < j, of an event with n participants (supplier first)."""
    rows = [
        (n, i, j)
        for n in range(2, MAX_N + 1)
        for i in range(n)
        for j in range(i + 1, n)
        if not directed or i == 0
    ]
    return pd.DataFrame(rows, columns=["n", "i", "j"]).astype("int32")


def count_tiesmap(data: Path, directed: list[str]) -> pd.DataFrame:
    from tiesmap.index import scale

    counts = scale.count_dyads(data, frozenset(directed))
    out = scale.dyad_year_counts(counts, "inverse")
    names = {
        c: np.asarray(out[c].cat.categories)[out[c].cat.codes]
        for c in ("state_a", "state_b", "area")
    }
    return pd.DataFrame({**names, "year": out["year"], "weight": out["weight"]})[
        ["state_a", "state_b", "year", "area", "weight"]
    ]


def count_polars(data: Path, directed: list[str]) -> pd.DataFrame:
    import polars as pl

    areas = _areas()
    events = pl.scan_parquet(data).select(
        pl.col("participants"),
        pl.col("date_start").str.slice(0, 4).cast(pl.Int32).alias("year"),
        pl.col("activity").is_in(directed).alias("directed"),
        pl.col("area").replace_strict(areas, list(range(len(areas))), return_dtype=pl.Int32),
    )
    events = events.rename({"participants": "p"}).with_columns(
        pl.col("p").str.len_bytes().add(1).floordiv(4).cast(pl.Int32).alias("n")
    )
    states = (
        pl.scan_parquet(data)
        .select(pl.col("participants").str.split(";").explode().unique())
        .collect()
        .to_series()
        .sort()
        .to_list()
    )
    code = dict(zip(states, range(len(states)), strict=True))
    n_states = len(states)
    n_events = pl.scan_parquet(data).select(pl.len()).collect().item()
    frames = []
    for supplier_first, lo in product((False, True), range(0, n_events, POLARS_BATCH)):
        pairs = pl.from_pandas(_pairs(supplier_first)).lazy()
        batch = events.slice(lo, POLARS_BATCH)  # bounded memory: partial sums per batch
        part = batch.filter(pl.col("directed") == supplier_first).join(pairs, on="n")
        a = pl.col("p").str.slice(pl.col("i") * 4, 3).replace_strict(code, return_dtype=pl.Int64)
        b = pl.col("p").str.slice(pl.col("j") * 4, 3).replace_strict(code, return_dtype=pl.Int64)
        weight = pl.when(pl.col("n") > 2).then(1.0 / (pl.col("n") - 1)).otherwise(1.0)
        key = (
            (pl.min_horizontal(a, b) * n_states + pl.max_horizontal(a, b)) * 256
            + (pl.col("year") - FIRST_YEAR)
        ) * 8 + pl.col("area")
        cells = part.select(key.alias("key"), weight.alias("weight"))
        frames.append(cells.group_by("key").agg(pl.col("weight").sum()).collect())
    result = pl.concat(frames).group_by("key").agg(pl.col("weight").sum()).to_pandas()
    return _decode(result, states, areas)


def count_duckdb(data: Path, directed: list[str]) -> pd.DataFrame:
    import duckdb

    areas = _areas()
    directed_sql = ", ".join(f"'{a}'" for a in directed)
    area_list = "[" + ", ".join(f"'{a}'" for a in areas) + "]"
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    pairs = pd.concat([_pairs(False).assign(d=False), _pairs(True).assign(d=True)])
    con.register("pairs", pairs)

    def letters(position: str) -> str:
        start = f"4 * {position} + 1"
        return (
            f"((ascii(substr(p, {start}, 1)) - 65) * 676"
            f" + (ascii(substr(p, {start} + 1, 1)) - 65) * 26"
            f" + (ascii(substr(p, {start} + 2, 1)) - 65))"
        )

    query = f"""
        WITH ev AS (
            SELECT participants AS p,
                   CAST((length(participants) + 1) / 4 AS INTEGER) AS n,
                   CAST(substr(date_start, 1, 4) AS INTEGER) - {FIRST_YEAR} AS year,
                   activity IN ({directed_sql}) AS d,
                   list_position({area_list}, area) - 1 AS area
            FROM read_parquet('{data}')
        ), cells AS (
            SELECT {letters("pairs.i")} AS a, {letters("pairs.j")} AS b, ev.year, ev.area,
                   CASE WHEN ev.n > 2 THEN 1.0 / (ev.n - 1) ELSE 1.0 END AS w
            FROM ev JOIN pairs ON pairs.n = ev.n AND pairs.d = ev.d
        )
        SELECT ((least(a, b)::BIGINT * 17576 + greatest(a, b)) * 256 + year) * 8 + area AS key,
               sum(w) AS weight
        FROM cells GROUP BY key
    """
    result = con.execute(query).df()
    letters_of = np.array(
        [chr(65 + i // 676) + chr(65 + i // 26 % 26) + chr(65 + i % 26) for i in range(17576)]
    )
    key = result["key"].to_numpy(dtype=np.int64)
    area = key % 8
    year = key // 8 % 256 + FIRST_YEAR
    pair = key // 8 // 256
    return pd.DataFrame(
        {
            "state_a": letters_of[pair // 17576],
            "state_b": letters_of[pair % 17576],
            "year": year,
            "area": np.array(areas)[area],
            "weight": result["weight"].to_numpy(dtype=float),
        }
    )


def _decode(result: pd.DataFrame, states: list[str], areas: list[str]) -> pd.DataFrame:
    key = result["key"].to_numpy(dtype=np.int64)
    n_states = len(states)
    pair = key // 8 // 256
    names = np.array(states)
    return pd.DataFrame(
        {
            "state_a": names[pair // n_states],
            "state_b": names[pair % n_states],
            "year": key // 8 % 256 + FIRST_YEAR,
            "area": np.array(areas)[key % 8],
            "weight": result["weight"].to_numpy(dtype=float),
        }
    )


COUNTERS = {"tiesmap": count_tiesmap, "polars": count_polars, "duckdb": count_duckdb}


def worker(peer: str, data: Path, out: Path) -> dict:
    directed = _directed()
    if peer == "tiesmap":
        import tiesmap.index.scale  # noqa: F401  (imports outside the timing, as for the peers)
    else:
        __import__(peer)
    before = peak_rss_gb()
    start = time.perf_counter()
    cells = COUNTERS[peer](data, directed)
    seconds = time.perf_counter() - start
    peak = peak_rss_gb()
    cells.sort_values(["state_a", "state_b", "year", "area"], ignore_index=True).to_parquet(out)
    return {"seconds": seconds, "peak_gb": peak, "rss_before_gb": before, "cells": len(cells)}


def difference(a: Path, b: Path) -> float:
    """Largest absolute difference between two cell tables (a missing cell counts as 0)."""
    keys = ["state_a", "state_b", "year", "area"]
    both = pd.read_parquet(a).merge(pd.read_parquet(b), on=keys, how="outer", suffixes=("_a", "_b"))
    both = both.fillna({"weight_a": 0.0, "weight_b": 0.0})
    gap = np.abs(both["weight_a"].to_numpy() - both["weight_b"].to_numpy())
    return float(np.max(gap, initial=0.0))


def available(peer: str) -> bool:
    if peer == "tiesmap":
        return True
    try:
        __import__(peer)
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000, 30_000_000])
    parser.add_argument("--seed", type=int, default=20250601)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="tiny size, one round")
    parser.add_argument("--worker", choices=PEERS, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.data, args.out)))
        return 0
    if args.smoke:
        args.sizes, args.repeats = [5_000], 1
    missing = [p for p in PEERS if not available(p)]
    if missing:
        print(f"SKIP: peers not installed ({', '.join(missing)}): pip install -e '.[bench]'")
        emit({"benchmark": "counts", "skipped": True, "missing": missing})
        return 0

    script = Path(__file__).resolve()
    sizes, problems = [], []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="tiesmap-bench-") as tmp:
            data = Path(tmp) / "events.parquet"
            subprocess.run(
                [sys.executable, str(HERE / "synthetic.py"), "--events", str(size),
                 "--seed", str(args.seed), "--out", str(data)],
                check=True, capture_output=True,
            )  # fmt: skip
            load = load_average()
            runs: dict[str, list[dict]] = {p: [] for p in PEERS}
            for _ in range(max(1, args.repeats)):
                for peer in PEERS:
                    out = Path(tmp) / f"{peer}.parquet"
                    flags = ["--worker", peer, "--data", str(data), "--out", str(out)]
                    runs[peer].append(run_worker(script, flags))
            diffs = {p: difference(Path(tmp) / "tiesmap.parquet", Path(tmp) / f"{p}.parquet")
                     for p in PEERS[1:]}  # fmt: skip
        seconds = {p: min(r["seconds"] for r in runs[p]) for p in PEERS}
        peak = {p: max(r["peak_gb"] for r in runs[p]) for p in PEERS}
        fastest_peer = min(seconds[p] for p in PEERS[1:])
        ok_time = seconds["tiesmap"] <= fastest_peer
        ok_memory = peak["tiesmap"] <= MEMORY_RATIO * peak["duckdb"]
        for peer, diff in diffs.items():
            if not diff <= TOLERANCE:
                problems.append(f"{size:,} events: {peer} differs from tiesmap by {diff:.2e}")
        print(f"{size:,} events (load average {load}):")
        for peer in PEERS:
            print(f"  {peer:8s}: {seconds[peer]:8.2f} s, peak {peak[peer]:.2f} GB")
        print(
            f"  tiesmap / fastest peer: time {seconds['tiesmap'] / fastest_peer:.2f} "
            f"({verdict(ok_time)}); memory / duckdb {peak['tiesmap'] / peak['duckdb']:.2f} "
            f"(<= {MEMORY_RATIO}: {verdict(ok_memory)}); cells {runs['tiesmap'][0]['cells']:,}; "
            f"max |difference| {max(diffs.values()):.1e}"
        )
        sizes.append(
            {
                "events": size,
                "seconds": {p: round(v, 3) for p, v in seconds.items()},
                "peak_gb": {p: round(v, 3) for p, v in peak.items()},
                "ratio_to_fastest_peer": round(seconds["tiesmap"] / fastest_peer, 3),
                "memory_ratio_to_duckdb": round(peak["tiesmap"] / peak["duckdb"], 3),
                "max_abs_difference": diffs,
                "pass": bool(ok_time and ok_memory),
                "load_average_1min": load,
            }
        )
    for problem in problems:
        print("MISMATCH:", problem)
    first = sizes[0]
    emit(
        {
            "benchmark": "counts",
            "size": first["events"],
            "figure": first["seconds"]["tiesmap"],
            "unit": "s",
            "baseline": min(first["seconds"][p] for p in PEERS[1:]),
            "ratio": first["ratio_to_fastest_peer"],
            "ratio_meaning": "tiesmap seconds / fastest tuned peer seconds (target <= 1)",
            "sizes": sizes,
            "targets": {"ratio": 1.0, "memory_ratio_to_duckdb": MEMORY_RATIO},
            "pass": all(s["pass"] for s in sizes),
            "outputs_equal": not problems,
        }
    )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
