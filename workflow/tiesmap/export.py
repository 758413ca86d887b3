"""The dyad-year panel for R and Stata users: CSV, Stata .dta and a Frictionless
data package describing every column, written byte-stable."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pandas as pd

from tiesmap.codebook import AREAS

DESCRIPTIONS = {
    "dyad": "Undirected dyad, ISO3 codes in alphabetical order joined by '-'",
    "state_a": "First state of the dyad (ISO3)",
    "state_b": "Second state of the dyad (ISO3)",
    "year": "Calendar year",
    "tiv": "SIPRI trend-indicator value of arms transfers within the dyad in the year (0 if none coded)",
    "multilateral_share": "Share of the dyad-year's weighted interactions that took place in a multilateral format",
    "tie_index": "Composite security-ties index (weighted aggregate of area scores)",
    "n_ties": "Number of areas with a sustained tie",
    "war_partner": "1 if either state fights a configured war in the year",
    "sco_comembers": "1 if both states are SCO members in the year",
}
PREFIXES = {
    "n_": "Weighted number of events in the year, area {area} (missing = not collected)",
    "uncollected_": "1 if area {area} was not collected for this dyad-year (its values are missing, not zero)",
    "window_": "Weighted events of area {area} active in the tie rule's window ending 31 December",
    "lasting_": "1 if an activity of area {area} lasting the rule's minimum months is active in the window",
    "quantity_": "Sum of log10(1 + quantity) of area {area}'s events with a coded quantity active in the window",
    "tie_": "1 if the dyad has a sustained tie in area {area}",
    "score_": "Normalised tie-intensity score of area {area}",
}
FIXED_STATA_TIME = datetime(2000, 1, 1)


def describe(column: str) -> str:
    if column in DESCRIPTIONS:
        return DESCRIPTIONS[column]
    for prefix, text in PREFIXES.items():
        if column.startswith(prefix) and column[len(prefix) :] in AREAS:
            return text.format(area=column[len(prefix) :])
    raise KeyError(f"no description for column {column!r}")


def export_panel(panel: pd.DataFrame, outdir: str | Path) -> None:
    """Write tie_index.csv, tie_index.dta and datapackage.json into `outdir`."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    table = panel.copy()
    for col in table.columns:
        if table[col].dtype == bool:
            table[col] = table[col].astype(int)
    table = table.sort_values(["dyad", "year"], ignore_index=True)
    table.round(10).to_csv(outdir / "tie_index.csv", index=False, lineterminator="\n")
    table.to_stata(
        outdir / "tie_index.dta",
        write_index=False,
        version=118,
        time_stamp=FIXED_STATA_TIME,
        data_label="tiesmap dyad-year panel",
        variable_labels={c: describe(c)[:80] for c in table.columns},
    )
    package = {
        "name": "tiesmap-dyad-year",
        "title": "tiesmap dyad-year security-ties panel",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        "resources": [
            {
                "name": "tie_index",
                "path": "tie_index.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": c, "type": _field_type(table[c]), "description": describe(c)}
                        for c in table.columns
                    ],
                    "primaryKey": ["dyad", "year"],
                },
            }
        ],
    }
    (outdir / "datapackage.json").write_text(
        json.dumps(package, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def _field_type(series: pd.Series) -> str:
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    return "string"
