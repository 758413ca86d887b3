"""Time two-way FE + dyad-robust SEs (tiesmap.models.inference) against pyfixest CRV1-by-dyad.

Not a test. A seeded synthetic dyad-year panel of about one million rows
(200 states -> 19,900 undirected dyads x 50 years = 995,000 rows) with
state-year shocks in regressor and error. Prints both times (best of
--repeats), their ratio (target <= 1.5), the largest coefficient difference
between the two implementations, and the peak memory Python allocates inside
`fit_twoway_fe_dyad_robust` (tracemalloc, in a separate untimed call).

    .venv/bin/python benchmarks/bench_dyad_robust.py [--size 1000000] [--states 200] [--smoke]

--size sets the number of years (rows / dyads, rounded up); --years overrides it.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import tracemalloc
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pyfixest as pf

from tiesmap.models.inference import fit_twoway_fe_dyad_robust

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import best_of, emit, load_average, peak_rss_gb, verdict  # noqa: E402

TARGET_RATIO = 1.5


def synthetic_panel(n_states: int, n_years: int, seed: int = 20150401) -> pd.DataFrame:
    """All dyads of n_states over n_years; x1, x2 and the error share state-year shocks."""
    rng = np.random.default_rng(seed)
    pairs = np.array(list(combinations(range(n_states), 2)), dtype=np.int32)
    n_dyads = len(pairs)
    year = np.repeat(np.arange(n_years, dtype=np.int32), n_dyads)
    dyad = np.tile(np.arange(n_dyads, dtype=np.int32), n_years)
    a, b = pairs[dyad, 0], pairs[dyad, 1]
    shock_x, shock_e = rng.normal(size=(2, n_years, n_states))
    n = len(year)
    x1 = shock_x[year, a] + shock_x[year, b] + rng.normal(size=n)
    x2 = rng.normal(size=n)
    y = (
        0.5 * x1
        - 0.2 * x2
        + rng.normal(size=n_dyads)[dyad]
        + rng.normal(size=n_years)[year]
        + shock_e[year, a]
        + shock_e[year, b]
        + rng.normal(size=n)
    )
    return pd.DataFrame(
        {"dyad": dyad, "year": year, "state_a": a, "state_b": b, "x1": x1, "x2": x2, "y": y}
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="rows (about)")
    parser.add_argument("--states", type=int, default=200)
    parser.add_argument("--years", type=int, help="years (default: from --size)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny panel, one run")
    args = parser.parse_args(argv)
    if args.smoke:
        args.states, args.years, args.repeats = 12, 5, 1
    n_dyads = args.states * (args.states - 1) // 2
    years = args.years or max(2, math.ceil(args.size / n_dyads))

    panel = synthetic_panel(args.states, years)
    print(f"panel: {len(panel):,} rows, {panel.dyad.nunique():,} dyads, {years} years")

    # Warm-up: pyfixest compiles its demeaning with numba on first use.
    small = synthetic_panel(12, 5)
    pf.feols("y ~ x1 + x2 | dyad + year", data=small, vcov={"CRV1": "dyad"})
    fit_twoway_fe_dyad_robust(small, "y", ["x1", "x2"])

    load = load_average()
    t_ours, ours = best_of(
        lambda: fit_twoway_fe_dyad_robust(panel, "y", ["x1", "x2"]), args.repeats
    )
    t_pf, fx = best_of(
        lambda: pf.feols(
            "y ~ x1 + x2 | dyad + year", data=panel, vcov={"CRV1": "dyad"}, fixef_rm="none"
        ),
        args.repeats,
    )
    tracemalloc.start()
    start = time.perf_counter()
    fit_twoway_fe_dyad_robust(panel, "y", ["x1", "x2"])
    traced_seconds = time.perf_counter() - start
    traced_peak = tracemalloc.get_traced_memory()[1] / 1e9
    tracemalloc.stop()

    diff = float(np.max(np.abs(ours.params - fx.coef()[list(ours.names)].to_numpy())))
    ratio = t_ours / t_pf
    print(f"tiesmap two-way FE + dyad-robust SEs : {t_ours:7.2f} s  (best of {args.repeats})")
    print(f"pyfixest feols, CRV1 by dyad         : {t_pf:7.2f} s  (best of {args.repeats})")
    print(
        f"ratio tiesmap / pyfixest             : {ratio:7.2f}  (target <= {TARGET_RATIO}: ", end=""
    )
    print(f"{verdict(ratio <= TARGET_RATIO)})")
    print(f"max |coef difference|                : {diff:.2e}")
    print(
        f"peak traced memory in tiesmap fit    : {traced_peak:7.2f} GB (tracemalloc run: "
        f"{traced_seconds:.2f} s); process peak RSS {peak_rss_gb():.2f} GB"
    )
    print("SEs  dyad-robust:", np.round(ours.std_errors, 5), " CRV1 dyad:", fx.se().round(5).values)
    emit(
        {
            "benchmark": "dyad_robust",
            "size": len(panel),
            "figure": round(t_ours, 3),
            "unit": "s",
            "baseline": round(t_pf, 3),
            "ratio": round(ratio, 3),
            "ratio_meaning": "tiesmap seconds / pyfixest seconds (target <= 1.5)",
            "peak_traced_gb": round(traced_peak, 3),
            "peak_rss_gb": round(peak_rss_gb(), 3),
            "max_abs_coef_difference": diff,
            "targets": {"ratio": TARGET_RATIO},
            "pass": bool(ratio <= TARGET_RATIO),
            "load_average_1min": load,
        }
    )


if __name__ == "__main__":
    main()
