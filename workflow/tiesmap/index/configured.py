"""The index stage's choices as the configuration states them.

The measurement functions (tiesmap.index.scale, .index) take every choice as an
argument; here those arguments are read from config.yaml: which activities are
directed, which sources cover which dyad-years, the tie rule, and the index's
weights (fixed, or the first principal component of the tie intensities).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from tiesmap.core.codebook import Codebook
from tiesmap.core.config import panel_dyads
from tiesmap.index.dyads import directed_activities
from tiesmap.index.index import pca_weights, tie_intensity
from tiesmap.index.scale import panel_with_ties


def coverage_of(config: Mapping[str, Any], used_sources: Iterable[str] = ()) -> list[dict]:
    """Configured coverage plus that of every third-party source used in this build
    (the linking report's `records_in`)."""
    coverage = list(config["coverage"])
    used = set(used_sources)
    for name, spec in sorted(config["sources"]["coverage"].items()):
        if name in used:
            coverage.append({"source": name, **spec})
    return coverage


def configured_panel(
    config: Mapping[str, Any], codebook: Codebook, events: pd.DataFrame, coverage: list[dict]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(panel, panel with ties) under the configured rules, counted straight from
    events (tiesmap.index.scale), without forming one row per dyad-event (the
    direct pandas version is a test oracle, tests/oracles.py)."""
    rule = config["tie_rule"]
    frames = panel_with_ties(
        events,
        panel_dyads(config),
        config["period"]["start"],
        config["period"]["end"],
        codebook,
        coverage,
        config["index"]["multilateral_weight"],
        directed_activities(codebook),
        rule["min_interactions"],
        rule["window_months"],
        rule["follow_up_counts"],
        rule.get("min_duration_months"),
    )
    return tuple(in_state_system(config, f) for f in frames)


def in_state_system(config: Mapping[str, Any], frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` without the dyad-years in which a state of the dyad was not a member
    of the state system (scopes that follow it: `scope.members`)."""
    members = config["scope"].get("members")
    if not members:
        return frame
    from tiesmap.core.statesystem import exists_mask

    return frame[exists_mask(frame, members).to_numpy()].reset_index(drop=True)


def index_weights(spec: Mapping[str, Any], panel: pd.DataFrame) -> Mapping[str, float]:
    """The areas' weights in the index: as configured, or with `weighting: pca` the
    loadings of the first principal component of the panel's tie intensities."""
    if spec["weighting"] == "pca":
        return pca_weights(tie_intensity(panel))
    return spec["weights"]
