"""The released data for R, Stata and Python users: the dyad-year panel, the directed
dyad-year panel of directed activities and the merged event table, each as CSV,
Parquet, R .rds and Stata .dta, with a Frictionless data package describing every
column, all written byte-stable.

Every state column has its COW (ccode) and Gleditsch-Ward (gwno) code beside the
ISO3 code, for the year of the row, so peacesciencer and COW users can merge.
Categorical event columns (activity, area, level, ...) are factors in the .rds and
labelled integers in the .dta, with the codebook's order of levels.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from tiesmap.core.codebook import AREAS, Codebook
from tiesmap.core.countries import cow_code, gw_code
from tiesmap.core.csvsafe import write_csv

DESCRIPTIONS = {
    "dyad": "Undirected dyad, ISO3 codes in alphabetical order joined by '-'",
    "state_a": "First state of the dyad (ISO3)",
    "state_b": "Second state of the dyad (ISO3)",
    "ccode1": "COW state code of the first state (state_a or supplier) in the year",
    "ccode2": "COW state code of the second state (state_b or recipient) in the year",
    "gwno1": "Gleditsch-Ward state code of the first state (state_a or supplier) in the year",
    "gwno2": "Gleditsch-Ward state code of the second state (state_b or recipient) in the year",
    "year": "Calendar year",
    "tiv": "SIPRI trend-indicator value of arms transfers within the dyad in the year (0 if none coded)",
    "multilateral_share": "Share of the dyad-year's weighted interactions that took place in a multilateral format",
    "tie_index": "Composite security-ties index (weighted aggregate of area scores)",
    "n_ties": "Number of areas with a sustained tie",
    "war_partner": "1 if either state fights a configured war in the year",
    "sco_comembers": "1 if both states are SCO members in the year",
    # directed dyad-year panel
    "supplier": "Supplying state (ISO3): the first participant of a directed event",
    "recipient": "Receiving state (ISO3)",
    "n_directed": "Directed events (arms sales and weapons deliveries) from supplier to recipient in the year, over the activities collected (missing = none collected)",
    "tiv_directed": "SIPRI trend-indicator value delivered from supplier to recipient in the year (0 if none coded, missing = not collected)",
    "quantity": "Sum of the coded quantities of the supplier's directed events to the recipient in the year (missing = none coded)",
    # event table
    "event_id": "Event identifier (hand codings: assignments.csv)",
    "date_start": "Start date, YYYY-MM-DD, YYYY-MM or YYYY as precise as the source",
    "date_end": "End date in the same form (empty for one-day events)",
    "date_precision": "Precision of the dates: day, month or year",
    "participants": "Cooperating states, ISO3 codes joined by ';' (supplier first for directed activities)",
    "activity": "Activity code of the codebook",
    "area": "Area of security ties the activity belongs to",
    "level": "Level of the participants (codebook levels)",
    "format": "bilateral or multilateral",
    "forum": "Multilateral framework, e.g. SCO (empty if none)",
    "location": "Place of the event, in the coder's words",
    "follow_up": "1 if the source reports follow-up (agreement to meet again, joint plan, ...)",
    "confidence": "Coder's confidence in the event: high, medium or low",
    "quantity_unit": "Unit of quantity, e.g. aircraft or troops (empty when not coded)",
    "source": "URL(s) of the public page(s) that report the event, joined by ' | '",
    "source_type": "Kind of source: official, state_media, media, secondary, blog or dataset",
    "provisional": "1 if coders disagree and no adjudication decided yet (first coder's value kept)",
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
FORMATS = ("csv", "parquet", "rds", "dta")
EVENT_COLUMNS = (
    "event_id",
    "date_start",
    "date_end",
    "date_precision",
    "participants",
    "activity",
    "area",
    "level",
    "format",
    "forum",
    "location",
    "follow_up",
    "confidence",
    "quantity",
    "quantity_unit",
    "source",
    "source_type",
    "provisional",
)
# Categories whose levels are fixed outside the codebook.
FIXED_LEVELS = {
    "date_precision": ("day", "month", "year"),
    "format": ("bilateral", "multilateral"),
    "confidence": ("high", "medium", "low"),
    "source_type": ("official", "state_media", "media", "secondary", "blog", "dataset"),
}
YES_NO = {0: "no", 1: "yes"}
LICENSE = [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}]


def describe(column: str) -> str:
    if column in DESCRIPTIONS:
        return DESCRIPTIONS[column]
    for prefix, text in PREFIXES.items():
        if column.startswith(prefix) and column[len(prefix) :] in AREAS:
            return text.format(area=column[len(prefix) :])
    if column.startswith("n_"):
        return f"Number of {column[2:]} events from supplier to recipient in the year (missing = not collected)"
    raise KeyError(f"no description for column {column!r}")


# ------------------------------------------------------------------ tables


def with_state_codes(
    table: pd.DataFrame, first: str, second: str, after: str | None = None
) -> pd.DataFrame:
    """`table` with ccode1/ccode2 (COW) and gwno1/gwno2 (GW) of the states in columns
    `first` and `second` for each row's year, inserted after column `after` (default
    `second`); nullable integers, missing where a state has no code."""
    out = table.copy()
    years = out["year"].astype(int)
    codes = {
        "ccode1": [cow_code(s, y) for s, y in zip(out[first], years, strict=True)],
        "ccode2": [cow_code(s, y) for s, y in zip(out[second], years, strict=True)],
        "gwno1": [gw_code(s, y) for s, y in zip(out[first], years, strict=True)],
        "gwno2": [gw_code(s, y) for s, y in zip(out[second], years, strict=True)],
    }
    at = out.columns.get_loc(after or second) + 1
    for i, (name, values) in enumerate(codes.items()):
        out.insert(at + i, name, pd.array(values, dtype="Int64"))
    return out


def directed_dyad_year(
    panel: pd.DataFrame, events: pd.DataFrame, codebook: Codebook
) -> pd.DataFrame:
    """Supplier -> recipient dyad-years of the codebook's directed activities.

    The frame is the tie panel's dyads in both directions and its years. For each
    directed activity, `n_<activity>` counts events whose first participant is the
    supplier and another participant the recipient, dated by their start year;
    `tiv_directed` sums their SIPRI TIV, `quantity` their coded quantities (when the
    events carry a quantity column). Counts are missing, not zero, where the tie
    panel marks the activity's area as not collected for the dyad-year.
    """
    directed = [a for a in codebook.activities.values() if a.directed]
    frame = pd.concat(
        [
            panel[["state_a", "state_b", "year"]].set_axis(
                ["supplier", "recipient", "year"], axis=1
            ),
            panel[["state_b", "state_a", "year"]].set_axis(
                ["supplier", "recipient", "year"], axis=1
            ),
        ],
        ignore_index=True,
    )
    frame["dyad"] = np.where(
        frame["supplier"] < frame["recipient"],
        frame["supplier"] + "-" + frame["recipient"],
        frame["recipient"] + "-" + frame["supplier"],
    )
    flows = _directed_flows(events, [a.code for a in directed])
    keys = ["supplier", "recipient", "year"]
    counts = (
        flows.pivot_table(index=keys, columns="activity", values="one", aggfunc="sum", fill_value=0)
        if len(flows)
        else pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=keys))
    )
    frame = frame.join(counts, on=keys)
    uncollected = panel.set_index(["dyad", "year"])
    measures = []
    for act in directed:
        column = f"n_{act.code}"
        values = frame[act.code] if act.code in frame else pd.Series(0.0, index=frame.index)
        frame[column] = values.fillna(0).astype(float)
        flag = f"uncollected_{act.area}"
        if flag in uncollected:
            missing = uncollected[flag].reindex(pd.MultiIndex.from_frame(frame[["dyad", "year"]]))
            frame.loc[missing.fillna(False).to_numpy(dtype=bool), column] = np.nan
        measures.append(column)
    frame["n_directed"] = frame[measures].sum(axis=1, min_count=1)
    sums = flows.groupby(keys)[["tiv", "quantity"]].sum(min_count=1) if len(flows) else None
    tiv = frame.join(sums, on=keys)["tiv"] if sums is not None else np.nan
    frame["tiv_directed"] = np.where(frame["n_directed"].isna(), np.nan, pd.Series(tiv).fillna(0))
    if "quantity" in events.columns:
        frame["quantity"] = frame.join(sums, on=keys)["quantity"] if sums is not None else np.nan
    frame = with_state_codes(frame, "supplier", "recipient")
    columns = ["supplier", "recipient", "ccode1", "ccode2", "gwno1", "gwno2", "year"]
    columns += [*measures, "n_directed", "tiv_directed"]
    columns += ["quantity"] if "quantity" in frame else []
    return frame[columns].sort_values(keys, ignore_index=True)


def _directed_flows(events: pd.DataFrame, activities: Sequence[str]) -> pd.DataFrame:
    """One row per directed event and recipient: supplier, recipient, year, activity,
    tiv (split evenly over the recipients) and quantity (likewise)."""
    sub = events[events["activity"].isin(list(activities))]
    parts = sub["participants"].str.split(";")
    n_recipients = (parts.str.len() - 1).clip(lower=1)
    tiv = sub["tiv"] if "tiv" in sub else pd.Series(np.nan, index=sub.index)
    qty = _number(sub["quantity"]) if "quantity" in sub else pd.Series(np.nan, index=sub.index)
    rows = []
    for plist, year, act, t, q, n in zip(
        parts,
        sub["date_start"].str[:4].astype(int),
        sub["activity"],
        tiv,
        qty,
        n_recipients,
        strict=True,
    ):
        for recipient in plist[1:]:
            rows.append((plist[0], recipient, year, act, 1, t / n, q / n))
    columns = ["supplier", "recipient", "year", "activity", "one", "tiv", "quantity"]
    return pd.DataFrame(rows, columns=columns)


def _number(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.replace("", np.nan), errors="coerce")


def event_release(events: pd.DataFrame) -> pd.DataFrame:
    """The merged events, one row per event, in the released columns (EVENT_COLUMNS).
    quantity and quantity_unit come from the coder files when they have them, else
    they are empty; yes/no columns are 0/1."""
    out = events.copy()
    out["quantity"] = _number(out["quantity"]) if "quantity" in out else np.nan
    out["quantity_unit"] = out["quantity_unit"].fillna("") if "quantity_unit" in out else ""
    for column in ("follow_up", "provisional"):
        out[column] = out[column].astype(bool).astype(int)
    for column in ("date_end", "forum", "location"):
        out[column] = out[column].fillna("")
    return out[list(EVENT_COLUMNS)].sort_values("event_id", ignore_index=True)


def event_levels(codebook: Codebook, events: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Levels of each categorical event column in codebook order, plus any value the
    data hold that the codebook does not list (appended in sorted order)."""
    levels = {
        "activity": tuple(codebook.activities),
        "area": AREAS,
        "level": tuple(codebook.levels),
        **FIXED_LEVELS,
    }
    out = {}
    for column, known in levels.items():
        extra = sorted(set(events[column].dropna()) - set(known) - {""})
        out[column] = (*known, *extra)
    return out


# ------------------------------------------------------------------ writing


def _ints(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = out[col].astype(int)
    return out


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    """Numbers rounded to 10 digits; a table with free text (the events) is written
    with every text cell quoted and formula-like cells neutralised (csvsafe)."""
    table = table.round(10)
    if any(c in table for c in ("source", "location")):
        write_csv(table, path)
    else:
        table.to_csv(path, index=False, lineterminator="\n")


def _write_rds(table: pd.DataFrame, path: Path, levels: dict[str, tuple[str, ...]]) -> None:
    """Uncompressed .rds (gzip would stamp the time); categorical columns as factors,
    nullable integers as doubles with NA."""
    import pyreadr

    out = table.copy()
    for col in out.columns:
        if col in levels:
            out[col] = pd.Categorical(out[col].replace("", None), categories=list(levels[col]))
        elif isinstance(out[col].dtype, pd.Int64Dtype):
            out[col] = out[col].astype(float)
    pyreadr.write_rds(str(path), out)


def _write_dta(
    table: pd.DataFrame,
    path: Path,
    label: str,
    levels: dict[str, tuple[str, ...]],
    yes_no: Sequence[str],
) -> None:
    """Stata 118 with variable labels and value labels: categorical columns become
    integers 1..k labelled with their codes; 0/1 columns are labelled no/yes."""
    out = table.copy()
    value_labels: dict[str, dict[float, str]] = {}
    for col, values in levels.items():
        if col in out:
            codes = {v: i for i, v in enumerate(values, start=1)}
            out[col] = out[col].map(codes).astype("Int64").astype(float)
            value_labels[col] = {float(i): v for v, i in codes.items()}
    for col in yes_no:
        value_labels[col] = {float(k): v for k, v in YES_NO.items()}
    for col in out.columns:
        if isinstance(out[col].dtype, pd.Int64Dtype):
            out[col] = out[col].astype(float)
    strl = [c for c in out.columns if out[c].dtype == object and out[c].str.len().max() > 2045]
    out.to_stata(
        path,
        write_index=False,
        version=118,
        time_stamp=FIXED_STATA_TIME,
        data_label=label,
        variable_labels={c: describe(c)[:80] for c in out.columns},
        value_labels=value_labels or None,
        convert_strl=strl,
    )


def _yes_no_columns(table: pd.DataFrame) -> list[str]:
    return [
        c
        for c in table.columns
        if c in ("war_partner", "sco_comembers", "follow_up", "provisional")
        or any(c == f"{p}{a}" for p in ("uncollected_", "tie_") for a in AREAS)
    ]


def write_table(
    table: pd.DataFrame,
    outdir: Path,
    name: str,
    label: str,
    levels: dict[str, tuple[str, ...]] | None = None,
) -> None:
    """`name`.csv, .parquet, .rds and .dta of one released table."""
    levels = levels or {}
    _write_csv(table, outdir / f"{name}.csv")
    parquet = table.copy()
    for col, values in levels.items():
        parquet[col] = pd.Categorical(parquet[col].replace("", None), categories=list(values))
    parquet.to_parquet(outdir / f"{name}.parquet", index=False)
    _write_rds(table, outdir / f"{name}.rds", levels)
    _write_dta(table, outdir / f"{name}.dta", label, levels, _yes_no_columns(table))


def _resource(
    name: str,
    title: str,
    table: pd.DataFrame,
    key: list[str],
    levels: dict[str, tuple[str, ...]] | None = None,
) -> dict:
    levels = levels or {}
    fields = []
    for c in table.columns:
        field = {"name": c, "type": _field_type(table[c]), "description": describe(c)}
        if c in levels:
            field["constraints"] = {"enum": list(levels[c]) + [""]}
        fields.append(field)
    return {
        "name": name,
        "title": title,
        "path": f"{name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "licenses": LICENSE,
        "description": (
            f"Also as {name}.parquet (Apache Parquet), {name}.rds (R, readRDS; categorical "
            f"columns as factors) and {name}.dta (Stata 118, with variable and value labels)."
        ),
        "schema": {"fields": fields, "primaryKey": key, "missingValues": [""]},
    }


def export_panel(
    panel: pd.DataFrame,
    outdir: str | Path,
    events: pd.DataFrame | None = None,
    analysis_events: pd.DataFrame | None = None,
    codebook: Codebook | None = None,
) -> None:
    """Write tie_index.* into `outdir`, and with `codebook`, `events` (the merged
    hand-coded events) and `analysis_events` (linked with the sources) also
    events.* and directed_dyad_year.*; then datapackage.json describing them all."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    table = _ints(panel).sort_values(["dyad", "year"], ignore_index=True)
    table = with_state_codes(table, "state_a", "state_b")
    write_table(table, outdir, "tie_index", "tiesmap dyad-year panel")
    resources = [_resource("tie_index", "Dyad-year security-ties panel", table, ["dyad", "year"])]
    if codebook is not None and analysis_events is not None:
        directed = directed_dyad_year(_ints(panel), analysis_events, codebook)
        write_table(directed, outdir, "directed_dyad_year", "tiesmap directed dyad-year panel")
        resources.append(
            _resource(
                "directed_dyad_year",
                "Directed (supplier to recipient) dyad-years of arms sales and weapons deliveries",
                directed,
                ["supplier", "recipient", "year"],
            )
        )
    if codebook is not None and events is not None:
        released = event_release(events)
        levels = event_levels(codebook, released)
        write_table(released, outdir, "events", "tiesmap merged events", levels)
        resources.append(
            _resource("events", "Merged hand-coded events", released, ["event_id"], levels)
        )
    package = {
        "name": "tiesmap-dyad-year",
        "title": "tiesmap security-ties data: dyad-year panel, directed panel and events",
        "licenses": LICENSE,
        "resources": resources,
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
