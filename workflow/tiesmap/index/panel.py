"""The dyad-year panel: a complete, balanced frame of dyads in scope x years.

A count is an observed zero only where the area's activities were collected and
a source covers that year; anywhere else the count is missing (NaN), never 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


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
