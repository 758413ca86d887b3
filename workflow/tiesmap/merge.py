"""Merging several coders' codings into one row per event.

Coders' values are compared variable by variable. Agreement is taken as it is;
a disagreement is settled by the adjudication file, or -- only when the config
allows provisional builds -- by the first coder's value, with the event flagged.
A choice is never made silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tiesmap.codebook import Codebook
from tiesmap.coder_files import Period, read_table
from tiesmap.countries import to_cow, to_iso3
from tiesmap.errors import InputError, Problem

# Variables each coder codes independently and that must agree (or be adjudicated).
CODED_VARIABLES = (
    "date_start",
    "date_end",
    "date_precision",
    "participants",
    "activity",
    "level",
    "format",
    "forum",
    "source_type",
    "confidence",
    "follow_up",
)
ADJUDICATION_COLUMNS = ("event_id", "variable", "decided_value", "adjudicator", "reason")


@dataclass(frozen=True)
class MergeResult:
    events: pd.DataFrame
    disagreements: pd.DataFrame


def read_adjudication(path: str | Path) -> pd.DataFrame:
    """The adjudication file; a missing file means no adjudications yet."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=list(ADJUDICATION_COLUMNS), dtype=str)
    table = read_table(path, ADJUDICATION_COLUMNS, ADJUDICATION_COLUMNS)
    return table[list(ADJUDICATION_COLUMNS)].apply(lambda s: s.str.strip())


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def merge_codings(
    codings: pd.DataFrame,
    adjudication: pd.DataFrame,
    coders: list[str],
    allow_provisional: bool,
    adjudication_file: str = "adjudication.csv",
) -> MergeResult:
    """One row per event from all coders' rows, with a table of every disagreement."""
    order = {c: i for i, c in enumerate(coders)}
    unknown = sorted(set(codings["coder"]) - set(order))
    if unknown:
        raise InputError(
            [
                Problem("codings", None, "coder", u, "coder not listed in config codings.coders")
                for u in unknown
            ]
        )
    decisions, problems = _index_adjudications(adjudication, adjudication_file)
    known_ids = set(codings["event_id"])
    for (eid, var), _ in decisions.items():
        if eid not in known_ids:
            problems.append(
                Problem(adjudication_file, None, "event_id", eid, "no coder coded this event")
            )
        if var not in CODED_VARIABLES:
            problems.append(
                Problem(adjudication_file, None, "variable", var, "not a coded variable")
            )
    if problems:
        raise InputError(problems)

    codings = codings.assign(_order=codings["coder"].map(order)).sort_values(["event_id", "_order"])
    rows, disagreements = [], []
    for eid, group in codings.groupby("event_id", sort=True):
        first = group.iloc[0]
        row = {c: first[c] for c in codings.columns if c not in ("_order", "coder")}
        flagged = []
        for var in CODED_VARIABLES:
            values = {c: _as_text(v) for c, v in zip(group["coder"], group[var], strict=True)}
            decided = decisions.get((eid, var))
            if len(set(values.values())) == 1 and decided is None:
                continue
            if decided is not None:
                resolution, value = "adjudicated", decided
            elif allow_provisional:
                resolution, value = "provisional", values[group["coder"].iloc[0]]
                flagged.append(var)
            else:
                resolution, value = "unresolved", ""
            if len(set(values.values())) > 1:
                disagreements.append(
                    {
                        "event_id": eid,
                        "variable": var,
                        **{f"value_{c}": v for c, v in values.items()},
                        "resolution": resolution,
                        "decided_value": value,
                    }
                )
            row[var] = value == "yes" if var == "follow_up" else value
        row["source"] = " | ".join(
            dict.fromkeys(s.strip() for src in group["source"] for s in src.split("|") if s.strip())
        )
        row["coders"] = ";".join(group["coder"])
        row["source_record"] = ";".join(group["source_record"])
        row["n_coders"] = len(group)
        row["provisional"] = bool(flagged)
        row["provisional_variables"] = ";".join(flagged)
        rows.append(row)
    table = pd.DataFrame(disagreements)
    value_cols = [f"value_{c}" for c in coders]
    table = table.reindex(
        columns=["event_id", "variable", *value_cols, "resolution", "decided_value"]
    ).fillna("")
    if not allow_provisional and (table["resolution"] == "unresolved").any():
        open_ = table[table["resolution"] == "unresolved"]
        raise InputError(
            Problem(
                "codings",
                None,
                r["variable"],
                r["event_id"],
                "coders disagree and adjudication.csv has no decision",
            )
            for r in open_.to_dict("records")
        )
    events = pd.DataFrame(rows).sort_values("event_id", ignore_index=True)
    return MergeResult(events=events, disagreements=table)


def _index_adjudications(
    adjudication: pd.DataFrame, file: str
) -> tuple[dict[tuple[str, str], str], list[Problem]]:
    decisions: dict[tuple[str, str], str] = {}
    problems = []
    for i, rec in enumerate(adjudication.to_dict("records"), start=2):
        key = (rec["event_id"], rec["variable"])
        for col in ("event_id", "variable", "adjudicator", "reason"):
            if not rec[col]:
                problems.append(Problem(file, i, col, "", "required value is empty"))
        if key in decisions and decisions[key] != rec["decided_value"]:
            problems.append(
                Problem(
                    file,
                    i,
                    "decided_value",
                    rec["decided_value"],
                    f"conflicts with an earlier decision '{decisions[key]}' for {key[0]}/{key[1]}",
                )
            )
        decisions.setdefault(key, rec["decided_value"])
    return decisions, problems


def with_derived_columns(events: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Recompute what follows from coded values (area, COW codes, participant count),
    since an adjudicated activity or participant list changes them; adjudicated
    codes are checked against the codebook like coder values."""
    problems = _adjudicated_value_problems(events, codebook)
    for rec in events.to_dict("records"):
        for code in rec["participants"].split(";"):
            if to_iso3(code) != code:
                problems.append(
                    Problem(
                        "adjudication",
                        None,
                        "participants",
                        code,
                        f"not an ISO3 code (event {rec['event_id']})",
                    )
                )
    if problems:
        raise InputError(problems)
    parts = events["participants"].str.split(";")
    return events.assign(
        area=events["activity"].map(codebook.area_of),
        n_participants=parts.map(len),
        participants_cow=parts.map(lambda ps: ";".join(str(to_cow(p) or "") for p in ps)),
    )


def _adjudicated_value_problems(events: pd.DataFrame, codebook: Codebook) -> list[Problem]:
    """Merged values must pass the same cell checks as coder values: an adjudicated
    date, format, source type, confidence or follow-up is checked like a coding."""
    from tiesmap.coder_files import FORMULA_START, _check_codes, _check_dates

    problems: list[Problem] = []

    def add(row: int, column: str, value: str, message: str) -> None:
        problems.append(Problem("adjudication", None, column, value, f"{message} (event {row})"))

    for rec in events.to_dict("records"):
        cells = {k: _as_text(v) for k, v in rec.items()}
        for column in CODED_VARIABLES:
            if cells[column].startswith(FORMULA_START):
                add(
                    rec["event_id"], column, cells[column], "value looks like a spreadsheet formula"
                )
        _check_dates(cells, rec["event_id"], Period(1, 9999), add)
        _check_codes(cells, rec["event_id"], codebook, add)
    return problems
