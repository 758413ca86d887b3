"""The sustained-tie rule and the composite tie index.

A single meeting is not a tie. Following the concept note, a tie in an area in
year t exists when interactions recur (at least k events in the w months ending
on 31 December of t) or when one interaction carries a follow-up commitment.
The index scores, per area, the intensity of interaction in dyad-years that have
a tie (zero otherwise), normalises it, and aggregates the areas with weights --
the OECD/JRC composite-indicator steps, each step a config choice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tiesmap.core.codebook import AREAS
from tiesmap.core.rounding import round_table

NORMALISATIONS = ("minmax", "minmax_log1p", "zscore", "rank")
AGGREGATIONS = ("arithmetic", "geometric")


def normalise(values: pd.Series | np.ndarray, method: str) -> np.ndarray:
    """Put non-negative intensities on a common scale; missing stays missing.

    minmax and minmax_log1p map to [0, 1] (log1p damps a few very busy dyads);
    zscore centres and scales; rank gives the mid-rank percentile in (0, 1].
    """
    x = np.asarray(values, dtype=float)
    if method not in NORMALISATIONS:
        raise ValueError(f"unknown normalisation {method!r}")
    if method == "rank":
        return pd.Series(x).rank(method="average", pct=True).to_numpy()
    if method == "minmax_log1p":
        x = np.log1p(x)
    if method == "zscore":
        sd = np.nanstd(x)
        return (x - np.nanmean(x)) / sd if sd > 0 else x * 0.0
    if np.all(np.isnan(x)):
        return x
    lo, hi = np.nanmin(x), np.nanmax(x)
    return (x - lo) / (hi - lo) if hi > lo else x * 0.0


def tie_intensity(panel: pd.DataFrame) -> pd.DataFrame:
    """Dyad-years x areas: interaction in the window where a tie exists, else 0.

    Interaction is the number of events active in the window plus, where coders
    recorded quantities, `quantity_<area>` (sum of log10(1 + quantity))."""

    def amount(area: str) -> pd.Series:
        column = f"quantity_{area}"
        if column not in panel:
            return panel[f"window_{area}"]
        return panel[f"window_{area}"] + panel[column].fillna(0.0)

    return pd.DataFrame({a: amount(a) * panel[f"tie_{a}"] for a in AREAS}, index=panel.index)


def pca_weights(scores: pd.DataFrame) -> dict[str, float]:
    """JRC-style weights: squared loadings of the first principal component of the
    standardised area scores, rescaled to sum to one (areas with no variance get 0)."""
    complete = scores.dropna(axis=1, how="all").dropna()
    sd = complete.std(ddof=0)
    usable = complete.loc[:, sd > 0]
    weights = dict.fromkeys(scores.columns, 0.0)
    if usable.shape[1] == 0:
        return weights
    z = (usable - usable.mean()) / usable.std(ddof=0)
    _, vectors = np.linalg.eigh(
        np.corrcoef(z.to_numpy(), rowvar=False).reshape(usable.shape[1], -1)
    )
    loading = vectors[:, -1] ** 2
    for area, w in zip(usable.columns, loading / loading.sum(), strict=True):
        weights[area] = float(w)
    return weights


def aggregate(
    scores: np.ndarray, weights: np.ndarray, method: str, offset: float = 0.01
) -> np.ndarray:
    """Weighted arithmetic or geometric mean across areas, per row.

    Missing areas (not collected) are left out of a row and the remaining weights
    rescaled. The geometric mean is taken of (score + offset) and shifted back, so
    a zero in one area pulls the index down without making it exactly zero:
    poor performance in one area is not fully compensated by another.
    """
    if method not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {method!r}")
    present = ~np.isnan(scores)
    w = np.where(present, weights[None, :], 0.0)
    total = w.sum(axis=1)
    filled = np.where(present, scores, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "arithmetic":
            out = (filled * w).sum(axis=1) / total
        else:
            if np.nanmin(scores, initial=0.0) + offset <= 0:
                raise ValueError("geometric aggregation needs non-negative scores (not z-scores)")
            out = np.exp((np.log(filled + offset) * w).sum(axis=1) / total) - offset
            out = np.maximum(out, 0.0)  # exp/log round-off must not dip below zero
    return np.where(total > 0, out, np.nan)


def build_tie_index(
    panel: pd.DataFrame,
    normalisation: str,
    aggregation: str,
    weights: dict[str, float],
    offset: float = 0.01,
) -> pd.DataFrame:
    """Area scores `score_<area>`, the overall `tie_index`, and `n_ties` (areas with a tie)."""
    panel = panel.copy()
    intensity = tie_intensity(panel)
    for area in AREAS:
        panel[f"score_{area}"] = normalise(intensity[area], normalisation)
    w = np.array([weights[a] for a in AREAS], dtype=float)
    if w.sum() <= 0:
        raise ValueError("weights must not all be zero")
    scores = panel[[f"score_{a}" for a in AREAS]].to_numpy()
    panel["tie_index"] = aggregate(scores, w, aggregation, offset)
    panel["n_ties"] = panel[[f"tie_{a}" for a in AREAS]].sum(axis=1, min_count=1)
    return panel


def cronbach_alpha(items: np.ndarray) -> float:
    """Cronbach's alpha of the columns of `items` (rows with missing values dropped)."""
    items = items[~np.isnan(items).any(axis=1)]
    k = items.shape[1]
    if k < 2 or len(items) < 2:
        return float("nan")
    total_var = items.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / total_var))


def coherence(panel: pd.DataFrame) -> dict[str, object]:
    """Do the five areas measure one thing? Correlations of area intensities, the share
    of variance on the first principal component, and Cronbach's alpha."""
    measured = tie_intensity(panel).dropna(axis=1, how="all")
    intensity = measured.loc[:, measured.std(ddof=0) > 0]
    varying = list(intensity.columns)
    intensity, corr = _defined_correlations(intensity)
    eig = np.linalg.eigvalsh(corr.to_numpy()) if len(corr) else np.array([])
    left_out = [str(a) for a in varying if a not in intensity.columns]
    return {
        "areas": list(intensity.columns),
        **({"areas_left_out": left_out} if left_out else {}),
        "correlations": round_table(corr).to_dict(),
        "first_component_share": float(eig[-1] / eig.sum()) if len(eig) else float("nan"),
        "eigenvalues": sorted((float(e) for e in eig), reverse=True),
        "cronbach_alpha": cronbach_alpha(intensity.to_numpy()),
        "n": int(len(intensity.dropna())),
    }


def _defined_correlations(intensity: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Areas whose pairwise correlations are all defined, and their correlations. An
    area missing from, or constant on, the rows it shares with another area has an
    undefined correlation: the area with most undefined ones is left out, until none
    are (a panel of one area, or none, has no components)."""
    corr = intensity.corr()
    while len(corr) and corr.isna().to_numpy().any():
        worst = corr.isna().sum().sort_values(ascending=False, kind="stable").index[0]
        intensity = intensity.drop(columns=[worst])
        corr = intensity.corr()
    return intensity, corr
