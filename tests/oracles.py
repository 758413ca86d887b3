"""Reference implementations the tests check the workflow's code against (oracles).

What the workflow runs is the only production code. These are the earlier,
direct implementations of the same computations, kept here so that each fast
path has an independent, obviously correct counterpart: pandas pivots and
merges for the dyad-year panel, one boolean window matrix per dyad for the
sustained-tie rule, a plain loop over draws for the Monte Carlo, and the
textbook two-way FE fit (PanelOLS; and least squares on the exact within
transform with dyad-robust variance). None of them is imported by tiesmap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np
import pandas as pd
from linearmodels.panel import PanelOLS
from numpy.typing import NDArray
from scipy import stats

from tiesmap.core.codebook import AREAS, Codebook
from tiesmap.index.index import normalise, tie_intensity
from tiesmap.index.panel import coverage_mask
from tiesmap.index.sensitivity import Space
from tiesmap.models.inference import (
    FloatArray,
    TwoWayDemeaner,
    _standard_errors,
    dyad_robust_vcov,
    state_codes,
)

# --------------------------------------------------------------------------- panel


def build_dyad_year(
    dyad_events: pd.DataFrame,
    dyads: list[str],
    start: int,
    end: int,
    codebook: Codebook,
    coverage: list[dict[str, Any]] | None = None,
) -> pd.DataFrame:
    """Balanced dyad-year frame with weighted event counts per area (`n_<area>`),
    arms-transfer volume (`tiv`) and the share of multilateral interaction."""
    frame = pd.MultiIndex.from_product(
        [sorted(dyads), range(start, end + 1)], names=["dyad", "year"]
    ).to_frame(index=False)
    frame[["state_a", "state_b"]] = frame["dyad"].str.split("-", expand=True)
    in_scope = dyad_events[dyad_events["dyad"].isin(dyads)]
    counts = (
        in_scope.pivot_table(
            index=["dyad", "year"], columns="area", values="weight", aggfunc="sum", fill_value=0.0
        )
        .reindex(columns=list(AREAS), fill_value=0.0)
        .add_prefix("n_")
    )
    counts.columns.name = None
    extra = (
        in_scope.assign(
            multi=np.where(in_scope["format"] == "multilateral", in_scope["weight"], 0.0)
        )
        .groupby(["dyad", "year"])
        .agg(tiv=("tiv", "sum"), weight=("weight", "sum"), multi=("multi", "sum"))
    )
    panel = frame.merge(counts.reset_index(), on=["dyad", "year"], how="left")
    panel = panel.merge(extra.reset_index(), on=["dyad", "year"], how="left")
    panel["tiv"] = panel["tiv"].fillna(0.0)
    panel["multilateral_share"] = panel["multi"] / panel["weight"].where(panel["weight"] > 0)
    panel = panel.drop(columns=["weight", "multi"])
    if coverage is None:
        coverage = [{"areas": list(AREAS), "start": start, "end": end}]
    for area in AREAS:
        col = f"n_{area}"
        observed = codebook.area_collected(area) & coverage_mask(panel, area, coverage)
        panel[col] = np.where(observed, panel[col].fillna(0.0), np.nan)
        panel[f"uncollected_{area}"] = ~observed
    return panel.sort_values(["dyad", "year"], ignore_index=True)


# --------------------------------------------------------------------------- sustained ties


def window_counts(
    panel: pd.DataFrame, dyad_events: pd.DataFrame, area: str, window_months: int
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted events of `area` in the window ending 31 Dec of each panel year, and
    whether any of them carries a follow-up flag. Window = (end - w months, end]."""
    ends = pd.to_datetime(panel["year"].astype(str) + "-12-31").to_numpy()
    starts = (pd.DatetimeIndex(ends) - pd.DateOffset(months=window_months)).to_numpy()
    window = np.zeros(len(panel))
    followed = np.zeros(len(panel), dtype=bool)
    ev = dyad_events[(dyad_events["area"] == area) & (dyad_events["weight"] > 0)]
    dyad_values = panel["dyad"].to_numpy()
    for dyad, group in ev.groupby("dyad"):
        rows = np.flatnonzero(dyad_values == dyad)
        if rows.size == 0:
            continue
        dates = group["ref_date"].to_numpy()
        inside = (dates[None, :] > starts[rows][:, None]) & (dates[None, :] <= ends[rows][:, None])
        window[rows] = inside @ group["weight"].to_numpy()
        followed[rows] = (inside & group["follow_up"].to_numpy(dtype=bool)[None, :]).any(axis=1)
    # Round sums of fractional weights (1/(n-1)) so 6 x 1/3 reaches a threshold of 2.
    return np.round(window, 9), followed


def add_sustained_ties(
    panel: pd.DataFrame,
    dyad_events: pd.DataFrame,
    min_interactions: int,
    window_months: int,
    follow_up_counts: bool,
) -> pd.DataFrame:
    """Add `window_<area>` (weighted events in the window) and `tie_<area>` (0/1),
    both missing wherever the area is not collected for that dyad-year."""
    panel = panel.copy()
    for area in AREAS:
        missing = panel[f"uncollected_{area}"].to_numpy(dtype=bool)
        window, followed = window_counts(panel, dyad_events, area, window_months)
        tie = (window >= min_interactions) | (followed if follow_up_counts else False)
        panel[f"window_{area}"] = np.where(missing, np.nan, window)
        panel[f"tie_{area}"] = np.where(missing, np.nan, tie.astype(float))
    return panel


# --------------------------------------------------------------------------- Monte Carlo


def scenario_scores(
    panel: pd.DataFrame,
    dyad_events_by_rule: dict[str, pd.DataFrame],
    space: Space,
    follow_up_counts: bool,
) -> tuple[np.ndarray, list[tuple]]:
    """Normalised area scores for every discrete combination: array [S, rows, areas]."""
    scores, labels = [], []
    for rule, w, k in product(
        space.multilateral_weights, space.window_months, space.min_interactions
    ):
        ties = add_sustained_ties(panel, dyad_events_by_rule[rule], k, w, follow_up_counts)
        intensity = tie_intensity(ties)
        for norm in space.normalisations:
            scores.append(np.column_stack([normalise(intensity[a], norm) for a in AREAS]))
            labels.append((rule, w, k, norm))
    return np.stack(scores), labels


def _aggregate_many(block: np.ndarray, weights: np.ndarray, geometric: np.ndarray, offset: float):
    """Index for rows x draws: block [rows, areas], weights [draws, areas]."""
    present = ~np.isnan(block)
    filled = np.where(present, block, 0.0)
    total = present.astype(float) @ weights.T
    with np.errstate(invalid="ignore", divide="ignore"):
        arith = (filled @ weights.T) / total
        out = arith
        if geometric.any():
            geo = np.exp((np.log(filled + offset) * present) @ weights.T / total) - offset
            geo = np.maximum(geo, 0.0)
            out = np.where(geometric[None, :], geo, arith)
    return np.where(total > 0, out, np.nan)


def monte_carlo(
    scores: np.ndarray,
    labels: list[tuple],
    dyads: np.ndarray,
    space: Space,
    seed: int,
    block_rows: int = 2048,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per-row median and 90% interval of the index; per-dyad median rank and 90%
    rank interval (rank 1 = strongest mean index over the years); and the draws' choices.

    `dyads` labels the rows, which must be sorted by dyad.
    """
    rng = np.random.default_rng(seed)
    n_scen, n_rows, n_areas = scores.shape
    combo = rng.integers(0, n_scen, size=space.draws)
    weights = rng.dirichlet(np.full(n_areas, space.dirichlet_alpha), size=space.draws)
    geometric = rng.integers(0, len(space.aggregations), size=space.draws)
    is_geo = np.array([space.aggregations[g] == "geometric" for g in geometric])
    if any(lbl[3] == "zscore" for lbl in labels) and is_geo.any():
        raise ValueError("geometric aggregation cannot be combined with z-scores")

    starts = np.flatnonzero(np.r_[True, dyads[1:] != dyads[:-1]])
    dyad_names = dyads[starts]
    codes = np.cumsum(np.r_[True, dyads[1:] != dyads[:-1]]) - 1
    dyad_sum = np.zeros((len(starts), space.draws))
    dyad_n = np.zeros((len(starts), space.draws))
    quantiles = np.empty((n_rows, 3))
    for lo in range(0, n_rows, block_rows):
        hi = min(lo + block_rows, n_rows)
        values = np.empty((hi - lo, space.draws))
        for s in np.unique(combo):
            cols = np.flatnonzero(combo == s)
            values[:, cols] = _aggregate_many(
                scores[s, lo:hi], weights[cols], is_geo[cols], space.offset
            )
        quantiles[lo:hi] = (
            np.nanquantile(values, [0.05, 0.5, 0.95], axis=1).T if values.size else np.nan
        )
        block_codes = codes[lo:hi]
        seg = np.flatnonzero(np.r_[True, block_codes[1:] != block_codes[:-1]])
        ok = ~np.isnan(values)
        dyad_sum[block_codes[seg]] += np.add.reduceat(np.where(ok, values, 0.0), seg, axis=0)
        dyad_n[block_codes[seg]] += np.add.reduceat(ok.astype(float), seg, axis=0)
    with np.errstate(invalid="ignore"):
        means = dyad_sum / dyad_n
    order = np.argsort(-np.nan_to_num(means, nan=-np.inf), axis=0, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, len(starts) + 1)[:, None], axis=0)
    rank_q = np.quantile(ranks, [0.05, 0.5, 0.95], axis=1).T
    rows = pd.DataFrame(quantiles, columns=["index_p05", "index_median", "index_p95"])
    ranks_df = pd.DataFrame(
        {
            "dyad": dyad_names,
            "rank_p05": rank_q[:, 0],
            "rank_median": rank_q[:, 1],
            "rank_p95": rank_q[:, 2],
            "mean_index_median": np.nanmedian(means, axis=1),
        }
    )
    draws = pd.DataFrame(
        {
            "scenario": [labels[c] for c in combo],
            "aggregation": [space.aggregations[g] for g in geometric],
            **{f"weight_{a}": weights[:, i] for i, a in enumerate(AREAS)},
        }
    )
    return rows, ranks_df, draws


# --------------------------------------------------------------------------- two-way FE fits


def fit_twoway_fe(panel: pd.DataFrame, dependent: str, regressors: list[str]) -> dict[str, Any]:
    """Fit y ~ x + dyad FE + year FE with dyad-clustered SEs; a JSON-ready result.

    Regressors absorbed by the fixed effects (e.g. constant within every dyad) are
    dropped and listed, not silently kept at zero.
    """
    data = panel.set_index(["dyad", "year"])[[dependent, *regressors]].astype(float)
    model = PanelOLS(
        data[dependent],
        data[regressors],
        entity_effects=True,
        time_effects=True,
        drop_absorbed=True,
        check_rank=True,
    )
    res = model.fit(cov_type="clustered", cluster_entity=True)
    kept = list(res.params.index)
    return {
        "model": "twoway_fe",
        "estimator": "linearmodels.PanelOLS",
        "dependent": dependent,
        "regressors": regressors,
        "dropped_absorbed": [r for r in regressors if r not in kept],
        "params": {k: float(v) for k, v in res.params.items()},
        "std_errors": {k: float(v) for k, v in res.std_errors.items()},
        "pvalues": {k: float(v) for k, v in res.pvalues.items()},
        "nobs": int(res.nobs),
        "n_dyads": int(data.index.get_level_values(0).nunique()),
        "n_years": int(data.index.get_level_values(1).nunique()),
        "r2_within": float(res.rsquared_within),
        "cov_type": "clustered by dyad",
        "mean_dependent": float(np.mean(data[dependent])),
    }


@dataclass(frozen=True)
class DyadRobustFit:
    """Two-way FE estimates with dyad-robust variance, and what produced them."""

    names: tuple[str, ...]
    params: FloatArray
    vcov: FloatArray
    dropped_absorbed: tuple[str, ...]
    nobs: int
    n_dyads: int
    n_years: int
    n_states: int
    x_within: FloatArray
    y_within: FloatArray
    residuals: FloatArray
    dyad: NDArray[np.generic]
    year: NDArray[np.generic]
    state_a: NDArray[np.generic]
    state_b: NDArray[np.generic]

    @property
    def std_errors(self) -> FloatArray:
        return _standard_errors(self.vcov, "DyadRobustFit")

    @property
    def df(self) -> int:
        """N - 1 (states), the conservative t reference, by analogy with G - 1 for clusters."""
        return self.n_states - 1

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Coefficient table with t(N-1) p-values and confidence intervals."""
        se = self.std_errors
        t = self.params / se
        crit = stats.t.ppf(0.5 + level / 2, self.df)
        return pd.DataFrame(
            {
                "coef": self.params,
                "se": se,
                "t": t,
                "p": 2 * stats.t.sf(np.abs(t), self.df),
                "ci_low": self.params - crit * se,
                "ci_high": self.params + crit * se,
            },
            index=pd.Index(self.names, name="term"),
        )


def fit_twoway_fe_dyad_robust(
    panel: pd.DataFrame,
    dependent: str,
    regressors: Sequence[str],
    *,
    dyad: str = "dyad",
    year: str = "year",
    state_a: str = "state_a",
    state_b: str = "state_b",
    small_sample: bool = True,
) -> DyadRobustFit:
    """y ~ x + dyad FE + year FE by least squares, with dyad-robust variance.

    Point estimates equal linearmodels PanelOLS(entity_effects, time_effects)
    and OLS with dummies. Regressors absorbed by the fixed effects are dropped
    and listed (as PanelOLS with drop_absorbed=True does). Missing values are
    refused rather than silently dropped.
    """
    columns = [dependent, *regressors, dyad, year, state_a, state_b]
    missing = [c for c in columns if c not in panel.columns]
    if missing:
        raise ValueError(f"panel lacks columns {missing}")
    data = panel[columns]
    n_missing = data.isna().any(axis=1)
    if n_missing.any():
        raise ValueError(f"{int(n_missing.sum())} rows have missing values; drop them first")
    demeaner = TwoWayDemeaner.from_labels(data[dyad].to_numpy(), data[year].to_numpy())
    y_within = demeaner.transform(data[dependent].to_numpy(dtype=float))
    raw = data[list(regressors)].to_numpy(dtype=float)
    x_within = demeaner.transform(raw)
    centred = raw - raw.mean(axis=0)
    absorbed = np.sum(x_within**2, axis=0) <= 1e-10 * np.maximum(np.sum(centred**2, axis=0), 1e-300)
    keep = ~absorbed
    x_within = x_within[:, keep]
    names = tuple(r for r, k in zip(regressors, keep, strict=True) if k)
    if np.linalg.matrix_rank(x_within) < x_within.shape[1]:
        raise ValueError("regressors are collinear after removing dyad and year effects")
    bread = np.linalg.inv(x_within.T @ x_within)
    params = bread @ (x_within.T @ y_within)
    residuals = y_within - x_within @ params
    a = data[state_a].to_numpy()
    b = data[state_b].to_numpy()
    vcov = dyad_robust_vcov(x_within, residuals, a, b, bread, small_sample=small_sample)
    return DyadRobustFit(
        names=names,
        params=params,
        vcov=vcov,
        dropped_absorbed=tuple(r for r, k in zip(regressors, keep, strict=True) if not k),
        nobs=len(data),
        n_dyads=int(data[dyad].nunique()),
        n_years=int(data[year].nunique()),
        n_states=state_codes(a, b)[2],
        x_within=x_within,
        y_within=y_within,
        residuals=residuals,
        dyad=data[dyad].to_numpy(),
        year=data[year].to_numpy(),
        state_a=a,
        state_b=b,
    )
