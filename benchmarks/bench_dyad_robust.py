"""Time two-way FE + dyad-robust SEs (tiesmap.inference) against pyfixest CRV1-by-dyad.

Not a test. A seeded synthetic dyad-year panel of about one million rows
(200 states -> 19,900 undirected dyads x 50 years = 995,000 rows) with
state-year shocks in regressor and error. Prints both times, their ratio, and
the largest coefficient difference between the two implementations.

    .venv/bin/python benchmarks/bench_dyad_robust.py [--states 200] [--years 50]
"""

from __future__ import annotations

import argparse
import time
from itertools import combinations

import numpy as np
import pandas as pd
import pyfixest as pf

from tiesmap.inference import fit_twoway_fe_dyad_robust


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=200)
    parser.add_argument("--years", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    panel = synthetic_panel(args.states, args.years)
    print(f"panel: {len(panel):,} rows, {panel.dyad.nunique():,} dyads, {args.years} years")

    # Warm-up: pyfixest compiles its demeaning with numba on first use.
    small = synthetic_panel(12, 5)
    pf.feols("y ~ x1 + x2 | dyad + year", data=small, vcov={"CRV1": "dyad"})
    fit_twoway_fe_dyad_robust(small, "y", ["x1", "x2"])

    def best_of(fn):
        times, out = [], None
        for _ in range(args.repeats):
            start = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - start)
        return min(times), out

    t_ours, ours = best_of(lambda: fit_twoway_fe_dyad_robust(panel, "y", ["x1", "x2"]))
    t_pf, fx = best_of(
        lambda: pf.feols(
            "y ~ x1 + x2 | dyad + year", data=panel, vcov={"CRV1": "dyad"}, fixef_rm="none"
        )
    )
    diff = np.max(np.abs(ours.params - fx.coef()[list(ours.names)].to_numpy()))
    print(f"tiesmap two-way FE + dyad-robust SEs : {t_ours:7.2f} s  (best of {args.repeats})")
    print(f"pyfixest feols, CRV1 by dyad         : {t_pf:7.2f} s  (best of {args.repeats})")
    print(f"ratio tiesmap / pyfixest             : {t_ours / t_pf:7.2f}")
    print(f"max |coef difference|                : {diff:.2e}")
    print("SEs  dyad-robust:", np.round(ours.std_errors, 5), " CRV1 dyad:", fx.se().round(5).values)


if __name__ == "__main__":
    main()
