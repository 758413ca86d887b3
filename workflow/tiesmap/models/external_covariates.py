"""Covariates from third-party files, joined in one pass for the model panel.

Kept apart from `tiesmap.index.covariates`, whose verbs the index step also uses: the
readers of the third-party files are needed only where the model panel is built,
so editing one of them reruns that step and nothing upstream of it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tiesmap.core.config import EXTERNAL_COVARIATES, WAR_COVARIATE
from tiesmap.index.covariates import (
    add_alliance,
    add_capital_distance,
    add_cinc,
    add_contiguity,
    add_cow_war,
    add_democracy,
    add_disputes,
    add_ideal_point_distance,
    add_sanctions,
    in_panel_codes,
    wars_in_panel_codes,
)
from tiesmap.sources.citations import cites


# Manifest name of a covariate file -> (reader, verb). Readers return AdapterResults.
def _external_steps() -> dict[str, tuple[Any, Any]]:
    from tiesmap.sources import gsdb, unga
    from tiesmap.sources import peacesciencer as ps

    return {
        "peacesciencer_cow_contdir": (ps.read_contiguity, add_contiguity),
        "peacesciencer_cow_capitals": (ps.read_capitals, add_capital_distance),
        "peacesciencer_ccode_democracy": (ps.read_democracy, add_democracy),
        "peacesciencer_cow_nmc": (ps.read_nmc, add_cinc),
        "peacesciencer_atop_alliance": (ps.read_atop, add_alliance),
        "peacesciencer_cow_mid_ddydisps": (ps.read_mids, add_disputes),
        WAR_COVARIATE: (ps.read_wars, add_cow_war),
        "unga_ideal_points": (unga.ingest, add_ideal_point_distance),
        "gsdb_sanctions": (gsdb.ingest, add_sanctions),
    }


def external_verb(name: str) -> Any:
    """The add_* verb that joins the external covariate `name` (manifest name)."""
    return _external_steps()[name][1]


def covariate_cites(name: str) -> tuple[str, ...]:
    """Keys cited by an external covariate (manifest name): its add_* verb's."""
    return tuple(external_verb(name).cites)


@cites()
def add_external_covariates(
    panel: pd.DataFrame, files: dict[str, str]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Join every covariate whose file is present (manifest name -> path), in a fixed
    order; report the columns each added and how many dyad-years they cover. Each
    table names its states as the panel does (`in_panel_codes`).

    The COW war file (`WAR_COVARIATE`) is joined only when given: a scope asks for it
    (config `wars_from`), and a scope that does not keeps its report as before. Its
    entry also lists the wars inside the panel's years and the years the data cover,
    for the scope text."""
    steps = _external_steps()
    states = set(panel["state_a"]) | set(panel["state_b"])
    report: dict[str, Any] = {}
    optional = [WAR_COVARIATE] if WAR_COVARIATE in files else []
    for name in [*EXTERNAL_COVARIATES, *optional]:
        if name not in files:
            report[name] = {"status": "absent"}
            continue
        read, verb = steps[name]
        before = set(panel.columns)
        table = in_panel_codes(read(files[name]).table, states)  # SUN as RUS, YUG as SRB
        panel = verb(panel, table)
        added = [c for c in panel.columns if c not in before]
        report[name] = {
            "status": "added",
            "cites": list(verb.cites),
            "columns": added,
            "non_missing": {c: int(panel[c].notna().sum()) for c in added},
        }
        if name == WAR_COVARIATE:
            report[name].update(_war_report(table, panel))
    return panel, report


def _war_report(wars: pd.DataFrame, panel: pd.DataFrame) -> dict[str, Any]:
    """The COW wars fought in the panel's years by the panel's states (a war whose
    participants are all outside the scope does not enter it), and the years the
    data cover."""
    from tiesmap.sources.peacesciencer import COW_WAR_YEARS, war_list

    start, end = int(panel["year"].min()), int(panel["year"].max())
    states = set(panel["state_a"]) | set(panel["state_b"])
    wars = wars_in_panel_codes(wars, states)
    inside = wars[wars["iso3"].isin(states)]
    return {"coverage": list(COW_WAR_YEARS), "wars": war_list(inside, start, end)}
