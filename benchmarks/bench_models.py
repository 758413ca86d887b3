"""Time the workflow's two-way FE fit (`tiesmap.models.fit_model`) against pyfixest and linearmodels.

Not a test. A seeded synthetic dyad-year panel of about one million rows (200
states -> 19,900 undirected dyads x 51 years) with state-year shocks in the
regressor and the error, in the columns the `models` rule reads (string dyad
and state labels). Each side runs in its own interpreter, interleaved round by
round (best of --repeats), so its peak memory (VmHWM) is its own:

* tiesmap: `fit_model` with a `ModelSpec` of kind twoway_fe and dyad_robust
  inference, as the `models` rule calls it (and a second, untimed fit with
  cluster_dyad inference whose SEs are compared with pyfixest's CRV1);
* pyfixest: `feols("y ~ x1 + x2 | dyad + year", vcov={"CRV1": "dyad"})` with
  tiesmap's small-sample convention (k_fixef="none");
* linearmodels: `PanelOLS(entity_effects, time_effects)` clustered by entity
  (first round only: it is about 30 times slower, and is there for its output).

The script exits 1 when a coefficient differs from pyfixest's or linearmodels'
by more than 1e-8 (relative), or a dyad-clustered SE from pyfixest's CRV1.
Targets (issue 21): tiesmap time <= 1.2 x pyfixest, and no more memory.

    .venv/bin/python benchmarks/bench_models.py [--size 1000000] [--states 200] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import emit, load_average, run_worker, verdict  # noqa: E402

TARGET_RATIO = 1.2
TOLERANCE = 1e-8
PEERS = ("tiesmap", "pyfixest", "linearmodels")


def synthetic_panel(n_states: int, n_years: int, seed: int = 20150401) -> pd.DataFrame:
    """All dyads of n_states over n_years, sorted by dyad and year, with string labels."""
    rng = np.random.default_rng(seed)
    pairs = np.array(list(combinations(range(n_states), 2)), dtype=np.int32)
    n_dyads = len(pairs)
    dyad = np.repeat(np.arange(n_dyads, dtype=np.int32), n_years)
    year = np.tile(np.arange(n_years, dtype=np.int32), n_dyads)
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
    names = np.array([f"S{i:03d}" for i in range(n_states)], dtype=object)
    state_a, state_b = names[a], names[b]
    return pd.DataFrame(
        {
            "dyad": pd.Series(state_a + "-" + state_b),
            "year": 1970 + year.astype(np.int64),
            "state_a": state_a,
            "state_b": state_b,
            "x1": x1,
            "x2": x2,
            "y": y,
        }
    )


def _rss_gb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024 / 1e9
    return float("nan")


def fit_once(peer: str, panel: pd.DataFrame) -> dict:
    """One fit by `peer`; coefficients and SEs (dyad-clustered where the peer has them)."""
    names = ["x1", "x2"]
    if peer == "tiesmap":
        from tiesmap.models.models import ModelSpec, fit_model

        spec = ModelSpec("bench", "twoway_fe", "y", tuple(names), inference="dyad_robust")
        res = fit_model(panel, spec)
        return {"params": [res["params"][n] for n in names], "dyad_robust_se": res["std_errors"]}
    if peer == "pyfixest":
        import pyfixest as pf

        fit = pf.feols(
            "y ~ x1 + x2 | dyad + year",
            data=panel,
            vcov={"CRV1": "dyad"},
            fixef_rm="none",
            ssc=pf.ssc(k_adj=True, k_fixef="none", G_adj=True),  # tiesmap's CR1 convention
        )
        return {
            "params": fit.coef()[names].tolist(),
            "cluster_dyad_se": fit.se()[names].tolist(),
        }
    from linearmodels.panel import PanelOLS

    data = panel.set_index(["dyad", "year"])
    res = PanelOLS(data["y"], data[names], entity_effects=True, time_effects=True).fit(
        cov_type="clustered", cluster_entity=True
    )
    return {"params": res.params[names].tolist()}


def worker(peer: str, states: int, years: int) -> dict:
    panel = synthetic_panel(states, years)
    fit_once(peer, panel.head(500).copy())  # warm-up (imports; numba compiles for pyfixest)
    before = _rss_gb("VmRSS")
    start = time.perf_counter()
    out = fit_once(peer, panel)
    seconds = time.perf_counter() - start
    out.update(seconds=seconds, peak_gb=_rss_gb("VmHWM"), rss_before_gb=before)
    out["fit_peak_gb"] = out["peak_gb"] - before
    if peer == "tiesmap":  # the SEs to compare with pyfixest's CRV1, untimed
        from tiesmap.models.models import ModelSpec, fit_model

        spec = ModelSpec("bench", "twoway_fe", "y", ("x1", "x2"), inference="cluster_dyad")
        res = fit_model(panel, spec)
        out["cluster_dyad_se"] = [res["std_errors"][n] for n in ("x1", "x2")]
    return out


def compare(results: dict[str, dict]) -> list[str]:
    """Mismatches between tiesmap and each peer (empty when all agree)."""
    problems = []
    ours = np.asarray(results["tiesmap"]["params"])
    for peer in ("pyfixest", "linearmodels"):
        theirs = np.asarray(results[peer]["params"])
        rel = np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-300))
        if not rel <= TOLERANCE:
            problems.append(f"coefficients differ from {peer}: relative {rel:.2e}")
    se_ours = np.asarray(results["tiesmap"]["cluster_dyad_se"])
    se_pf = np.asarray(results["pyfixest"]["cluster_dyad_se"])
    rel = np.max(np.abs(se_ours - se_pf) / se_pf)
    if not rel <= TOLERANCE:
        problems.append(f"dyad-clustered SEs differ from pyfixest CRV1: relative {rel:.2e}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="rows (about)")
    parser.add_argument("--states", type=int, default=200)
    parser.add_argument("--years", type=int, help="years (default: from --size)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny panel, one round")
    parser.add_argument("--worker", choices=PEERS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.states, args.years, args.repeats = 12, 6, 1
    n_dyads = args.states * (args.states - 1) // 2
    years = args.years or max(2, math.ceil(args.size / n_dyads))
    if args.worker:
        print(json.dumps(worker(args.worker, args.states, years)))
        return 0

    print(f"panel: {n_dyads * years:,} rows, {n_dyads:,} dyads, {years} years")
    load = load_average()
    rounds: dict[str, list[dict]] = {peer: [] for peer in PEERS}
    flags = ["--states", str(args.states), "--years", str(years)]
    for round_ in range(max(1, args.repeats)):  # interleaved, so contention hits every side
        for peer in PEERS:
            if peer == "linearmodels" and round_:  # about 30x slower: one round for its output
                continue
            rounds[peer].append(run_worker(Path(__file__), ["--worker", peer, *flags]))
    best = {peer: min(runs, key=lambda r: r["seconds"]) for peer, runs in rounds.items()}
    problems = compare(best)
    t = {peer: best[peer]["seconds"] for peer in PEERS}
    mem = {peer: max(r["peak_gb"] for r in rounds[peer]) for peer in PEERS}
    ratio = t["tiesmap"] / t["pyfixest"]
    mem_ratio = mem["tiesmap"] / mem["pyfixest"]
    ok = ratio <= TARGET_RATIO and mem_ratio <= 1.0
    for peer in PEERS:
        print(f"{peer:13s}: {t[peer]:7.3f} s (best of {args.repeats}), peak {mem[peer]:.2f} GB")
    print(f"ratio tiesmap / pyfixest: time {ratio:.2f}, memory {mem_ratio:.2f} ", end="")
    print(f"(targets <= {TARGET_RATIO} and <= 1.0: {verdict(ok)})")
    print(f"dyad-robust SEs (tiesmap): {best['tiesmap']['dyad_robust_se']}")
    for problem in problems:
        print("MISMATCH:", problem)
    emit(
        {
            "benchmark": "models",
            "size": n_dyads * years,
            "figure": round(t["tiesmap"], 3),
            "unit": "s",
            "baseline": round(t["pyfixest"], 3),
            "ratio": round(ratio, 3),
            "ratio_meaning": "tiesmap fit_model seconds / pyfixest feols CRV1 seconds",
            "seconds": {p: round(v, 3) for p, v in t.items()},
            "peak_gb": {p: round(v, 3) for p, v in mem.items()},
            "memory_ratio": round(mem_ratio, 3),
            "targets": {"ratio": TARGET_RATIO, "memory_ratio": 1.0},
            "pass": bool(ok),
            "outputs_equal": not problems,
            "load_average_1min": load,
        }
    )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
