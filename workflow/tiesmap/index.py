"""The sustained-tie rule and the composite tie index.

A single meeting is not a tie. Following the concept note, a tie in an area in
year t exists when interactions recur (at least k events in the w months ending
on 31 December of t) or when one interaction carries a follow-up commitment.
The index then scores the intensity of sustained interaction per area in [0, 1]
and averages the areas with weights (OECD/JRC composite-indicator steps).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tiesmap.codebook import AREAS, Codebook


def add_sustained_ties(
    panel: pd.DataFrame,
    dyad_events: pd.DataFrame,
    codebook: Codebook,
    min_interactions: int,
    window_months: int,
    follow_up_counts: bool,
) -> pd.DataFrame:
    """Add `window_<area>` (weighted events in the window) and `tie_<area>` (0/1)."""
    panel = panel.copy()
    ends = pd.to_datetime(panel["year"].astype(str) + "-12-31")
    starts = ends - pd.DateOffset(months=window_months)
    for area in AREAS:
        if not codebook.area_collected(area):
            panel[f"window_{area}"] = np.nan
            panel[f"tie_{area}"] = np.nan
            continue
        ev = dyad_events[dyad_events["area"] == area]
        window = np.zeros(len(panel))
        followed = np.zeros(len(panel), dtype=bool)
        for dyad, group in ev.groupby("dyad"):
            rows = np.flatnonzero(panel["dyad"].to_numpy() == dyad)
            if rows.size == 0:
                continue
            dates = group["ref_date"].to_numpy()
            weights = group["weight"].to_numpy()
            fu = group["follow_up"].to_numpy(dtype=bool)
            s = starts.to_numpy()[rows][:, None]
            e = ends.to_numpy()[rows][:, None]
            inside = (dates[None, :] > s) & (dates[None, :] <= e)
            window[rows] = (inside * weights[None, :]).sum(axis=1)
            followed[rows] = (inside & fu[None, :]).any(axis=1)
        panel[f"window_{area}"] = window
        tie = window >= min_interactions
        if follow_up_counts:
            tie |= followed
        panel[f"tie_{area}"] = tie.astype(float)
    return panel


def normalise(values: pd.Series, method: str) -> pd.Series:
    """Scale non-negative intensities to [0, 1]; missing stays missing."""
    x = np.log1p(values) if method == "minmax_log1p" else values.astype(float)
    if method not in ("minmax", "minmax_log1p"):
        raise ValueError(f"unknown normalisation {method!r}")
    lo, hi = x.min(), x.max()
    if pd.isna(hi) or hi == lo:
        return x * 0.0
    return (x - lo) / (hi - lo)


def build_tie_index(
    panel: pd.DataFrame, codebook: Codebook, normalisation: str, weights: dict[str, float]
) -> pd.DataFrame:
    """Area scores `score_<area>` and the weighted mean `tie_index` over collected areas;
    `n_ties` counts areas with a sustained tie."""
    panel = panel.copy()
    used = [a for a in codebook.collected_areas() if weights[a] > 0]
    if not used:
        raise ValueError("no collected area has a positive weight")
    for area in AREAS:
        panel[f"score_{area}"] = normalise(panel[f"window_{area}"], normalisation)
    w = np.array([weights[a] for a in used], dtype=float)
    scores = panel[[f"score_{a}" for a in used]].to_numpy()
    panel["tie_index"] = scores @ (w / w.sum())
    panel["n_ties"] = panel[[f"tie_{a}" for a in used]].sum(axis=1)
    return panel
