"""Time the index's Monte Carlo: 10,000 draws over a 100,000-row panel.

Not a test. Synthetic, seeded scenario scores for the 81 scenarios of
config/config.yaml's sensitivity space (3 multilateral rules x 3 windows x 3
thresholds x 3 normalisations) over 2,000 dyads x 50 years, with many zeros,
one area missing (NaN) in the early years and a few dyad-years with no area at
all, as in the real panel. Each side runs in a fresh interpreter with the same
scores, so each reports its own peak memory:

* figure: `tiesmap.index.scale.monte_carlo`, as the `sensitivity` rule calls it (2 threads);
* with --baseline (and always with --smoke): the plain loop over draws the
  tests use as an oracle (`tests/oracles.py`, about 100 s at full size); the
  script exits 1 when the two outputs differ by more than 1e-9.

Target (issue 21): no slower than 8.2 s at 100k rows x 10k draws.

    .venv/bin/python benchmarks/bench_sensitivity.py [--size 100000] [--draws 10000] [--baseline] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    ROOT,
    cpu_seconds,
    emit,
    load_average,
    peak_rss_gb,
    run_worker,
    verdict,
)

TARGET_SECONDS = 8.2
TOLERANCE = 1e-9
YEARS = 50


def space(draws: int):
    from tiesmap.core.config import load_config
    from tiesmap.index.sensitivity import Space

    return Space.from_config(load_config(ROOT / "config" / "config.yaml"), draws)


def synthetic_scores(rows: int, sp, seed: int = 7) -> tuple[np.ndarray, list[tuple], np.ndarray]:
    """Scores [scenarios, rows, areas] in [0, 1], labels, and sorted dyad labels."""
    rng = np.random.default_rng(seed)
    labels = [
        (rule, w, k, norm)
        for rule in sp.multilateral_weights
        for w in sp.window_months
        for k in sp.min_interactions
        for norm in sp.normalisations
    ]
    n_dyads = -(-rows // YEARS)
    dyads = np.repeat(np.array([f"D{i:06d}" for i in range(n_dyads)], dtype=object), YEARS)[:rows]
    year = np.tile(np.arange(YEARS), n_dyads)[:rows]
    base = rng.random((rows, 5)) * (rng.random((rows, 5)) < 0.35)  # mostly no tie
    noise = rng.normal(scale=0.05, size=(len(labels), 1, 5))
    scores = np.clip(base[None] * rng.uniform(0.7, 1.3, size=(len(labels), 1, 5)) + noise, 0, 1)
    scores[:, year < 15, 4] = np.nan  # an area not collected in the early years
    scores[:, rng.random(rows) < 0.01, :] = np.nan  # dyad-years with no area at all
    return scores, labels, dyads


def worker(kind: str, rows: int, draws: int, threads: int, out: Path) -> dict:
    from tiesmap.index.scale import monte_carlo

    sys.path.insert(0, str(ROOT))
    from tests.oracles import monte_carlo as oracle

    sp = space(draws)
    scores, labels, dyads = synthetic_scores(rows, sp)
    rss_before = peak_rss_gb()
    cpu0 = cpu_seconds()
    start = time.perf_counter()
    if kind == "fast":
        result = monte_carlo(scores, labels, dyads, sp, seed=20251125, threads=threads)
    else:
        result = oracle(scores, labels, dyads, sp, seed=20251125)
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() - cpu0
    result[0].to_parquet(out.with_suffix(".rows.parquet"))
    result[1].to_parquet(out.with_suffix(".ranks.parquet"))
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_rss_gb": peak_rss_gb(),
        "rss_before_gb": rss_before,
        "scores_gb": scores.nbytes / 1e9,
    }


def compare(a: Path, b: Path) -> float:
    """Largest absolute difference over the row quantiles and the rank table."""
    worst = 0.0
    for suffix in (".rows.parquet", ".ranks.parquet"):
        x = pd.read_parquet(a.with_suffix(suffix)).select_dtypes("number").to_numpy()
        y = pd.read_parquet(b.with_suffix(suffix)).select_dtypes("number").to_numpy()
        both = ~(np.isnan(x) & np.isnan(y))
        worst = max(worst, float(np.max(np.abs(x[both] - y[both]), initial=0.0)))
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="panel rows")
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--baseline", action="store_true", help="also run the slow oracle")
    parser.add_argument("--smoke", action="store_true", help="tiny size")
    parser.add_argument("--worker", choices=["fast", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.size, args.draws = 500, 200
    if args.worker:
        print(json.dumps(worker(args.worker, args.size, args.draws, args.threads, args.out)))
        return 0

    script = Path(__file__).resolve()
    common = ["--size", str(args.size), "--draws", str(args.draws), "--threads", str(args.threads)]
    load = load_average()
    with tempfile.TemporaryDirectory(prefix="tiesmap-bench-") as tmp:
        fast = run_worker(script, ["--worker", "fast", *common, "--out", f"{tmp}/fast"])
        ref = None
        if args.baseline or args.smoke:
            ref = run_worker(script, ["--worker", "reference", *common, "--out", f"{tmp}/ref"])
            diff = compare(Path(f"{tmp}/fast"), Path(f"{tmp}/ref"))

    print(
        f"Monte Carlo: {args.draws:,} draws x {args.size:,} rows x 81 scenarios "
        f"(scores {fast['scores_gb']:.2f} GB); load average {load}"
    )
    print(
        f"tiesmap.index.scale.monte_carlo        : {fast['seconds']:8.2f} s  "
        f"(cpu {fast['cpu_seconds']:.2f} s, {args.threads} threads), "
        f"peak RSS {fast['peak_rss_gb']:.2f} GB"
    )
    ratio = None
    if ref is not None:
        ratio = ref["seconds"] / fast["seconds"]
        print(
            f"oracle loop (tests/oracles.py)   : {ref['seconds']:8.2f} s  "
            f"(cpu {ref['cpu_seconds']:.2f} s), peak RSS {ref['peak_rss_gb']:.2f} GB"
        )
        print(f"ratio reference / fast                : {ratio:8.2f}x")
        print(f"max |difference| of the outputs       : {diff:.2e}")
    full = args.size >= 100_000 and args.draws >= 10_000
    print(
        f"target <= {TARGET_SECONDS:.1f} s at 100k rows x 10k draws: fast "
        f"{verdict(fast['seconds'] <= TARGET_SECONDS) if full else 'n/a'}"
        + (
            f", reference {verdict(ref['seconds'] <= TARGET_SECONDS) if full else 'n/a'}"
            if ref
            else ""
        )
    )
    emit(
        {
            "benchmark": "sensitivity",
            "size": args.size,
            "draws": args.draws,
            "figure": round(fast["seconds"], 3),
            "unit": "s",
            "baseline": None if ref is None else round(ref["seconds"], 3),
            "ratio": None if ratio is None else round(ratio, 2),
            "ratio_meaning": "oracle loop seconds / tiesmap.index.scale.monte_carlo seconds",
            "outputs_equal": None if ref is None else bool(diff <= TOLERANCE),
            "peak_rss_gb": round(fast["peak_rss_gb"], 3),
            "baseline_peak_rss_gb": None if ref is None else round(ref["peak_rss_gb"], 3),
            "cpu_seconds": round(fast["cpu_seconds"], 3),
            "max_abs_difference": None if ref is None else diff,
            "targets": {"seconds": TARGET_SECONDS},
            "pass": bool(fast["seconds"] <= TARGET_SECONDS) if full else None,
            "baseline_pass": (bool(ref["seconds"] <= TARGET_SECONDS) if full and ref else None),
            "smoke": args.smoke,
            "load_average_1min": load,
        }
    )
    if ref is not None and not diff <= TOLERANCE:
        print(f"MISMATCH: the outputs differ by {diff:.2e}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
