"""The dyad-year panel: a complete, balanced frame of dyads in scope x years.

Counts are observed zeros only for areas whose activities were collected; for an
area with nothing collected the count is missing (NaN), never 0.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from tiesmap.codebook import AREAS, Codebook


def dyads_in_scope(focal_states: list[str]) -> list[str]:
    """All undirected pairs of focal states, alphabetical within and across pairs."""
    return sorted(f"{a}-{b}" for a, b in combinations(sorted(focal_states), 2))


def build_dyad_year(
    dyad_events: pd.DataFrame,
    focal_states: list[str],
    start: int,
    end: int,
    codebook: Codebook,
) -> pd.DataFrame:
    """Balanced dyad-year frame with weighted event counts per area (`n_<area>`)."""
    dyads = dyads_in_scope(focal_states)
    frame = pd.MultiIndex.from_product(
        [dyads, range(start, end + 1)], names=["dyad", "year"]
    ).to_frame(index=False)
    frame[["state_a", "state_b"]] = frame["dyad"].str.split("-", expand=True)
    in_scope = dyad_events[dyad_events["dyad"].isin(dyads)]
    counts = (
        in_scope.pivot_table(
            index=["dyad", "year"], columns="area", values="weight", aggfunc="sum", fill_value=0.0
        )
        .reindex(columns=list(AREAS), fill_value=0.0)
        .add_prefix("n_")
        .reset_index()
    )
    counts.columns.name = None
    panel = frame.merge(counts, on=["dyad", "year"], how="left")
    for area in AREAS:
        col = f"n_{area}"
        panel[col] = panel[col].fillna(0.0) if codebook.area_collected(area) else np.nan
    return panel.sort_values(["dyad", "year"], ignore_index=True)


def scope_report(dyad_events: pd.DataFrame, focal_states: list[str]) -> dict[str, int]:
    """How many dyad-events fall inside and outside the panel's dyads (none are lost)."""
    inside = dyad_events["dyad"].isin(dyads_in_scope(focal_states))
    return {
        "dyad_events": int(len(dyad_events)),
        "dyad_events_in_scope": int(inside.sum()),
        "dyad_events_out_of_scope": int((~inside).sum()),
    }
