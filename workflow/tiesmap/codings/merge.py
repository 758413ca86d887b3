"""Merging several coders' codings into one row per event.

Coders' values are compared variable by variable. Agreement is taken as it is;
a disagreement is settled by the adjudication file, or -- only when the config
allows provisional builds -- by the first coder's value, with the event flagged.
A choice is never made silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tiesmap.codings.coder_files import REQUIRED, YES_NO, read_table
from tiesmap.core.codebook import Codebook
from tiesmap.core.config import Period
from tiesmap.core.countries import to_cow, to_iso3
from tiesmap.core.errors import InputError, Problem

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
    "quantity",
    "quantity_unit",
)
ADJUDICATION_COLUMNS = ("event_id", "variable", "decided_value", "adjudicator", "reason")
# Merged variables checked together: a problem found in one of them after an
# adjudication is blamed on the decisions about the others.
_RELATED = {
    "date_start": ("date_start", "date_end", "date_precision"),
    "date_end": ("date_start", "date_end", "date_precision"),
    "date_precision": ("date_start", "date_end", "date_precision"),
    "activity": ("activity", "level"),
    "level": ("activity", "level"),
}


@dataclass(frozen=True)
class Decision:
    """One adjudicated value and the spreadsheet row (header = 1) it was decided in."""

    value: str
    row: int


@dataclass(frozen=True)
class Adjudications:
    """The decisions a merge applied, by (event_id, variable), and the file they come
    from, so that a bad decided value is reported at its row of that file."""

    file: str = "adjudication.csv"
    decisions: Mapping[tuple[str, str], Decision] = field(default_factory=dict)


@dataclass(frozen=True)
class MergeResult:
    events: pd.DataFrame
    disagreements: pd.DataFrame
    adjudications: Adjudications = field(default_factory=Adjudications)


def context_columns(coders: list[str]) -> tuple[str, ...]:
    """Informational columns an adjudication sheet may carry beside the decision: each
    coder's value and source, as `tiesmap adjudicate` pre-fills them."""
    return tuple(f"{kind}_{c}" for c in coders for kind in ("value", "source"))


def read_adjudication(path: str | Path, context: tuple[str, ...] = ()) -> pd.DataFrame:
    """The adjudication file; a missing file means no adjudications yet. The
    `context` columns are allowed and ignored."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=list(ADJUDICATION_COLUMNS), dtype=str)
    table = read_table(path, ADJUDICATION_COLUMNS + tuple(context), ADJUDICATION_COLUMNS)
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
    codebook: Codebook | None = None,
) -> MergeResult:
    """One row per event from all coders' rows, with a table of every disagreement.

    `adjudication` is indexed by spreadsheet row as `read_adjudication` returns it (a
    table with the default 0, 1, ... index is numbered as a file without blank lines).
    Problems are reported together. With a `codebook`, the merged values are also
    checked as `with_derived_columns` checks them, so that a bad decided value is
    reported with every other problem of the adjudication file."""
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
    adjudications = Adjudications(adjudication_file, decisions)
    problems += _decision_problems(adjudications, set(codings["event_id"]))

    codings = codings.assign(_order=codings["coder"].map(order)).sort_values(["event_id", "_order"])
    rows, disagreements = [], []
    for eid, group in codings.groupby("event_id", sort=True):
        first = group.iloc[0]
        row = {c: first[c] for c in codings.columns if c not in ("_order", "coder")}
        flagged = []
        for var in CODED_VARIABLES:
            if var not in codings.columns:  # optional variables no coder file has
                continue
            values = {c: _as_text(v) for c, v in zip(group["coder"], group[var], strict=True)}
            decision = decisions.get((eid, var))
            decided = None if decision is None else decision.value
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
        problems.extend(
            Problem(
                "codings",
                None,
                r["variable"],
                r["event_id"],
                "coders disagree and adjudication.csv has no decision",
            )
            for r in open_.to_dict("records")
        )
    if codebook is not None and rows:
        problems += _merged_value_problems(pd.DataFrame(rows), codebook, adjudications)
    if problems:
        raise InputError(problems)
    events = pd.DataFrame(rows).sort_values("event_id", ignore_index=True)
    return MergeResult(events=events, disagreements=table, adjudications=adjudications)


def _spreadsheet_rows(table: pd.DataFrame) -> list[int]:
    """Row numbers as a spreadsheet shows them (header = 1). `read_table` indexes
    a table by them, blank lines left out; a table with the default 0, 1, ... index
    (built in memory) is numbered as a file without blank lines, from row 2."""
    index = table.index
    default = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    if default or not pd.api.types.is_integer_dtype(index):
        return list(range(2, len(table) + 2))
    return [int(i) for i in index]


def _index_adjudications(
    adjudication: pd.DataFrame, file: str
) -> tuple[dict[tuple[str, str], Decision], list[Problem]]:
    decisions: dict[tuple[str, str], Decision] = {}
    problems = []
    records = adjudication.to_dict("records")
    for i, rec in zip(_spreadsheet_rows(adjudication), records, strict=True):
        key = (rec["event_id"], rec["variable"])
        for col in ("event_id", "variable", "adjudicator", "reason"):
            if not rec[col]:
                problems.append(Problem(file, i, col, "", "required value is empty"))
        if key in decisions and decisions[key].value != rec["decided_value"]:
            problems.append(
                Problem(
                    file,
                    i,
                    "decided_value",
                    rec["decided_value"],
                    f"conflicts with an earlier decision '{decisions[key].value}' "
                    f"for {key[0]}/{key[1]}",
                )
            )
        decisions.setdefault(key, Decision(rec["decided_value"], i))
    return decisions, problems


def _decision_problems(adjudications: Adjudications, known_ids: set[str]) -> list[Problem]:
    """What can be told from a decision alone: its event and variable exist, a
    required variable is not emptied, follow-up is yes or no (it becomes a boolean)."""
    file, problems = adjudications.file, []
    for (eid, var), d in adjudications.decisions.items():
        if eid and eid not in known_ids:
            problems.append(Problem(file, d.row, "event_id", eid, "no coder coded this event"))
        if var and var not in CODED_VARIABLES:
            problems.append(Problem(file, d.row, "variable", var, "not a coded variable"))
        elif var in REQUIRED and not d.value:
            problems.append(
                Problem(file, d.row, "decided_value", "", f"required value is empty ({var})")
            )
        elif var == "follow_up" and d.value not in YES_NO:
            problems.append(
                Problem(
                    file,
                    d.row,
                    "decided_value",
                    d.value,
                    f"must be one of: {', '.join(YES_NO)} (decided follow_up of event {eid})",
                )
            )
    return problems


def with_derived_columns(
    events: pd.DataFrame, codebook: Codebook, adjudications: Adjudications | None = None
) -> pd.DataFrame:
    """Recompute what follows from coded values (area, COW codes, participant count),
    since an adjudicated activity or participant list changes them; adjudicated
    codes are checked against the codebook like coder values. Pass the merge's
    `adjudications` so that a bad decided value is reported at its row of the
    adjudication file (column decided_value)."""
    problems = _merged_value_problems(events, codebook, adjudications)
    if problems:
        raise InputError(problems)
    parts = events["participants"].str.split(";")
    return events.assign(
        area=events["activity"].map(codebook.area_of),
        n_participants=parts.map(len),
        participants_cow=parts.map(lambda ps: ";".join(str(to_cow(p) or "") for p in ps)),
    )


def _merged_value_problems(
    events: pd.DataFrame, codebook: Codebook, adjudications: Adjudications | None
) -> list[Problem]:
    """Merged values must pass the same cell checks as coder values: an adjudicated
    date, code, participant list, source type, confidence or follow-up is checked
    like a coding. Coder values were checked when the coder files were read, so a
    problem is blamed on the adjudication decisions behind it (see `_blame`)."""
    from tiesmap.codings.coder_files import FORMULA_START, _check_codes, _check_dates

    found: list[tuple[str, str, str, str]] = []

    def add(event_id: str, column: str, value: str, message: str) -> None:
        found.append((event_id, column, value, message))

    for rec in events.to_dict("records"):
        cells = {k: _as_text(v) for k, v in rec.items()}
        eid = cells["event_id"]
        for column in CODED_VARIABLES:
            if cells.get(column, "").startswith(FORMULA_START):
                add(eid, column, cells[column], "value looks like a spreadsheet formula")
        _check_dates(cells, eid, Period(1, 9999), add)
        _check_codes(cells, eid, codebook, add)
        _check_iso3_participants(cells["participants"], eid, add)
    return [p for args in found for p in _blame(*args, adjudications)]


def _check_iso3_participants(text: str, event_id: str, add) -> None:
    """Merged participants are ISO3 codes separated by ';', at least two distinct."""
    if not text:
        return  # an empty value is reported where it arises (coder file, decision)
    codes = text.split(";")
    bad = [code for code in codes if to_iso3(code) != code]
    for code in bad:
        add(event_id, "participants", code, "not an ISO3 code")
    if not bad and len(set(codes)) < 2:
        add(event_id, "participants", text, "fewer than two distinct states")


def _blame(
    event_id: str, column: str, value: str, message: str, adjudications: Adjudications | None
) -> Iterable[Problem]:
    """Where a problem in a merged value comes from: the decision for that value; or
    else the decisions for the variables it is checked with (a decided activity that
    the coded level does not fit); or else the codings themselves."""
    decisions = adjudications.decisions if adjudications is not None else {}
    own = decisions.get((event_id, column))
    if own is not None:
        text = f"{message} (decided {column} of event {event_id})"
        return [Problem(adjudications.file, own.row, "decided_value", value, text)]
    related = [
        decisions[(event_id, v)] for v in _RELATED.get(column, ()) if (event_id, v) in decisions
    ]
    if related:
        text = f"{column} '{value}' of event {event_id} does not fit this decision: {message}"
        return [Problem(adjudications.file, d.row, "decided_value", d.value, text) for d in related]
    return [Problem("codings", None, column, value, f"{message} (event {event_id})")]
