"""Uncertainty and sensitivity of the tie index (OECD/JRC step 7).

Every choice behind the index -- normalisation, area weights, aggregation,
multilateral weighting and the tie rule's k and w -- is drawn at random many
times; the spread of each dyad-year's index and of each dyad's rank over those
draws shows how much a conclusion depends on the choices rather than the data.
Scenario scores are computed once per discrete combination; the draws are then
matrix products over blocks of rows, so thousands of draws stay cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np
import pandas as pd

from tiesmap.core.codebook import AREAS
from tiesmap.index.index import add_sustained_ties, normalise, tie_intensity


@dataclass(frozen=True)
class Space:
    """The choices the Monte Carlo draws from (uniformly, weights from a Dirichlet)."""

    normalisations: tuple[str, ...]
    aggregations: tuple[str, ...]
    multilateral_weights: tuple[str, ...]
    min_interactions: tuple[int, ...]
    window_months: tuple[int, ...]
    dirichlet_alpha: float
    draws: int
    offset: float = 0.01

    @classmethod
    def from_config(cls, config: dict[str, Any], draws: int | None = None) -> Space:
        """The space of a checked config's `sensitivity` section (`draws` overrides)."""
        spec = config["sensitivity"]
        return cls(
            normalisations=tuple(spec["normalisations"]),
            aggregations=tuple(spec["aggregations"]),
            multilateral_weights=tuple(spec["multilateral_weights"]),
            min_interactions=tuple(spec["min_interactions"]),
            window_months=tuple(spec["window_months"]),
            dirichlet_alpha=spec["dirichlet_alpha"],
            draws=spec["draws"] if draws is None else draws,
            offset=config["index"]["geometric_offset"],
        )


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
