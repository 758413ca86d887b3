"""The dyad-year panel: a complete, balanced frame of dyads in scope x years.

A count is an observed zero only where the area's activities were collected and
a source covers that year; anywhere else the count is missing (NaN), never 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tiesmap.core.codebook import AREAS, Codebook


def coverage_mask(panel: pd.DataFrame, area: str, coverage: list[dict[str, Any]]) -> np.ndarray:
    """True where at least one source searched `area` in that dyad-year. A source that
    searched only some states (`states`) covers only dyads involving one of them, or
    with `dyads: both` only dyads of two of them."""
    covered = np.zeros(len(panel), dtype=bool)
    for spec in coverage:
        if area not in spec["areas"]:
            continue
        mask = panel["year"].between(spec["start"], spec["end"]).to_numpy()
        if spec.get("states"):
            states = set(spec["states"])
            a, b = (
                panel["state_a"].isin(states).to_numpy(),
                panel["state_b"].isin(states).to_numpy(),
            )
            mask &= (a & b) if spec.get("dyads", "one") == "both" else (a | b)
        covered |= mask
    return covered


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


def scope_report(dyad_events: pd.DataFrame, dyads: list[str]) -> dict[str, int]:
    """How many dyad-events fall inside and outside the panel's dyads, and how many
    carry zero weight (multilateral events excluded by the weighting rule)."""
    inside = dyad_events["dyad"].isin(dyads)
    return {
        "dyad_events": int(len(dyad_events)),
        "dyad_events_in_scope": int(inside.sum()),
        "dyad_events_out_of_scope": int((~inside).sum()),
        "dyad_events_zero_weight": int((inside & (dyad_events["weight"] == 0)).sum()),
    }
