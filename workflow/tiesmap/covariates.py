"""Dyad-year covariates, added by small verbs that check the unit of analysis.

Each `add_*` verb takes the dyad-year panel and returns it with one more column,
refusing a panel whose (dyad, year) keys repeat: a silent many-to-one join would
duplicate observations and bias every model.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd


def check_dyad_year_unit(panel: pd.DataFrame) -> None:
    """Raise when the panel is not one row per (dyad, year)."""
    missing = {"dyad", "year", "state_a", "state_b"} - set(panel.columns)
    if missing:
        raise ValueError(f"panel lacks dyad-year columns: {sorted(missing)}")
    dup = panel.duplicated(["dyad", "year"])
    if dup.any():
        first = panel.loc[dup, ["dyad", "year"]].iloc[0].tolist()
        raise ValueError(f"panel has {int(dup.sum())} duplicate dyad-years, e.g. {first}")


def add_war_partner(panel: pd.DataFrame, wars: list[dict[str, Any]]) -> pd.DataFrame:
    """`war_partner` = 1 when either state fights a configured war during the year."""
    check_dyad_year_unit(panel)
    flag = pd.Series(0, index=panel.index)
    for war in wars:
        first = date.fromisoformat(war["start"]).year
        last = date.fromisoformat(war["end"]).year if war["end"] else 9999
        member = (panel["state_a"] == war["state"]) | (panel["state_b"] == war["state"])
        flag |= (member & panel["year"].between(first, last)).astype(int)
    return panel.assign(war_partner=flag.astype(int))


def add_comembership(
    panel: pd.DataFrame, memberships: dict[str, dict[str, int]], organisation: str, column: str
) -> pd.DataFrame:
    """`column` = 1 when both states belong to `organisation` in the year."""
    check_dyad_year_unit(panel)
    joined = memberships.get(organisation, {})
    year_a = panel["state_a"].map(joined)
    year_b = panel["state_b"].map(joined)
    both = (year_a <= panel["year"]) & (year_b <= panel["year"])
    return panel.assign(**{column: both.astype(int)})


def add_model_covariates(panel: pd.DataFrame, config: dict[str, Any]) -> pd.DataFrame:
    """The covariates derivable from the project's own config (wars, memberships)."""
    panel = add_war_partner(panel, config["wars"])
    return add_comembership(panel, config["memberships"], "SCO", "sco_comembers")
