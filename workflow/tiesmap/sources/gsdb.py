"""Global Sanctions Data Base (GSDB, release V3) -> state-year "sanctioned by the West".

The case file has one row per sanction case: `sanctioned_state` and `sanctioning_state`
are World-Bank-style names, several per cell ("Korea, North", "Egypt, Arab Rep.",
"United States, United Kingdom, France") and sometimes organisations (EU, UN, CoCom).
Cells are split on commas, re-joining the qualifiers that follow a comma inside a name
(`NAME_QUALIFIERS`), and each name is mapped with `tiesmap.core.countries.to_iso3` plus the
GSDB spellings in `GSDB_ALIASES`.

The rule for "sanctioned by the West" (`sanctioned_by_west` = 1 for state s in year y):
at least one case targets s, is in force in y (`begin` <= y <= `end`, both years
counted) and has at least one Western sender. A sender is Western when it is
- one of `WEST` for every case: United States, Canada, United Kingdom, Japan,
  Australia, New Zealand, the EU-15 member states and the EFTA states (Switzerland,
  Norway, Iceland, Liechtenstein), or
- a later EU member state for cases that begin in or after its accession year
  (Poland from 2004, ...), or
- an organisation of Western states (`WEST_ORGANISATIONS`): EU/EEC, G7, NATO and the
  Western export-control regimes CoCom and ChinCom.
Mixed bodies (UN, G8, OSCE/CSCE, Commonwealth, ...) and all other states (South Korea
included) are not Western. Cases between Western states count too (Japan's 2003-2013
WTO retaliation makes the United States "sanctioned by the West"); pass another `west`
mapping (ISO3 -> first case year) to change the set. Targets that are not states (organisations, "Western countries", terrorist
groups, regions) or that name no state the project codes are rejected with the reason.
The data cover 1949-2022 (`COVERAGE`): a state absent from the table in a covered year
is under no sanction case (0); later years are unknown (NaN).

A bad case file (not UTF-8 CSV, a required column missing, a `begin`/`end` that is
not a year, a case that ends before it begins, ...) raises `tiesmap.core.errors.InputError`
with every problem and its row (header = 1); nothing is half-read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from tiesmap.core.countries import to_iso3
from tiesmap.core.errors import InputError, Problem
from tiesmap.sources import AdapterResult, read_required_columns

# BibTeX keys of this source (tiesmap.sources.citations): the paper cites it when a build reads it.
CITES = ("felbermayr2020gsdb", "kirilakha2021gsdb")

CITATION: dict[str, object] = {
    "title": "Global Sanctions Data Base (GSDB)",
    "version": "V3 (2022)",
    "references": [
        "Felbermayr, Gabriel, Aleksandra Kirilakha, Constantinos Syropoulos, Erdal Yalcin, "
        "and Yoto V. Yotov. 2020. The Global Sanctions Data Base. European Economic Review "
        "129: 103561.",
        "Kirilakha, Aleksandra, Gabriel Felbermayr, Constantinos Syropoulos, Erdal Yalcin, "
        "and Yoto V. Yotov. 2021. The Global Sanctions Data Base (GSDB): An Update that "
        "Includes the Years of the Trump Presidency. In Research Handbook on Economic "
        "Sanctions, ed. Peter A.G. van Bergeijk. Cheltenham: Edward Elgar.",
    ],
}

COVERAGE = (1949, 2022)

# Parts after a comma that belong to the name before it ("Korea, North").
NAME_QUALIFIERS = frozenset(
    {"North", "South", "Arab Rep.", "Democratic Republic of the", "The", "Rep.", "Islamic Rep."}
)

# GSDB spellings: None = not a state the project codes. GSDB also uses "South Vietnam"
# for unified Vietnam after 1976 and "Yemen, North" for Yemen after 1990.
GSDB_ALIASES: dict[str, str | None] = {
    "cyprus (northern)": None,
    "north vietnam": "VNM",
    "south vietnam": "VNM",
    "yemen, north": "YEM",
    "malaya": "MYS",
    "fry": "YUG",
    "ethiopia (excludes eritrea)": "ETH",
}

_ALWAYS = 0
WEST: dict[str, int] = {
    **dict.fromkeys(["USA", "CAN", "GBR", "JPN", "AUS", "NZL"], _ALWAYS),
    **dict.fromkeys(
        ["AUT", "BEL", "DNK", "FIN", "FRA", "DEU", "GRC", "IRL", "ITA", "LUX", "NLD"], _ALWAYS
    ),
    **dict.fromkeys(["PRT", "ESP", "SWE", "CHE", "NOR", "ISL", "LIE"], _ALWAYS),
    **dict.fromkeys(["CYP", "CZE", "EST", "HUN", "LVA", "LTU", "MLT", "POL", "SVK", "SVN"], 2004),
    "BGR": 2007,
    "ROU": 2007,
    "HRV": 2013,
}
WEST_ORGANISATIONS = frozenset({"EU", "EEC", "G7", "NATO", "CoCom", "ChinCom"})


def split_names(cell: object) -> list[str]:
    """Split a GSDB cell into names, keeping "Korea, North" and the like whole."""
    if not isinstance(cell, str):
        return []
    names: list[str] = []
    for part in (p.strip() for p in cell.split(",")):
        if not part:
            continue
        if part in NAME_QUALIFIERS and names:
            names[-1] = f"{names[-1]}, {part}"
        else:
            names.append(part)
    return names


def name_to_iso3(name: str) -> str | None:
    """ISO3 for a GSDB name; None for organisations and non-state names."""
    key = name.lower()
    if key in GSDB_ALIASES:
        return GSDB_ALIASES[key]
    return to_iso3(name)


def is_western(sender: str, begin: int, west: Mapping[str, int] = WEST) -> bool:
    """Whether one sender name counts as Western for a case beginning in `begin`."""
    if sender in WEST_ORGANISATIONS:
        return True
    iso3 = name_to_iso3(sender)
    return iso3 is not None and iso3 in west and begin >= west[iso3]


REQUIRED = ("case_id", "sanctioned_state", "sanctioning_state", "begin", "end")
_WHOLE = re.compile(r"^[0-9]+$")
_YEAR = re.compile(r"^[0-9]{4}$")


def read_cases(path: str | Path) -> pd.DataFrame:
    """The case file's REQUIRED columns as text, indexed by CSV row (header = 1).

    Refused, every problem of the file in one InputError: a file that is not UTF-8
    CSV, a missing required column, a row with the wrong number of cells, a case id
    that is not a whole number or repeats, a `begin` or `end` that is not a year, a
    case that ends before it begins, an empty target or sender."""
    frame, problems = read_required_columns(path, REQUIRED, "the GSDB case file")
    problems += _case_problems(frame, str(path))
    if problems:
        raise InputError(problems)
    return frame


def _case_problems(frame: pd.DataFrame, file: str) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for i, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        row = int(i)
        case_id = rec["case_id"]
        if not _WHOLE.match(case_id):
            problems.append(Problem(file, row, "case_id", case_id, "not a case id (whole number)"))
        elif case_id in seen:
            problems.append(
                Problem(
                    file,
                    row,
                    "case_id",
                    case_id,
                    f"case id repeated (first in row {seen[case_id]})",
                )
            )
        else:
            seen[case_id] = row
        for column in ("sanctioned_state", "sanctioning_state"):
            if not split_names(rec[column]):
                problems.append(Problem(file, row, column, rec[column], "value is empty"))
        years = {}
        for column in ("begin", "end"):
            if _YEAR.match(rec[column]):
                years[column] = int(rec[column])
            else:
                problems.append(Problem(file, row, column, rec[column], "not a year (four digits)"))
        if len(years) == 2 and years["end"] < years["begin"]:
            problems.append(
                Problem(
                    file,
                    row,
                    "end",
                    rec["end"],
                    f"case ends ({years['end']}) before it begins ({years['begin']})",
                )
            )
    return problems


def ingest(path: str | Path, west: Mapping[str, int] = WEST) -> AdapterResult:
    """State-years under sanction (`iso3, year, n_cases, n_cases_west,
    sanctioned_by_west`): only targeted state-years are listed. A bad case file
    raises `InputError` (`read_cases`)."""
    raw = read_cases(path)
    rows: list[tuple[int, str, int, int, bool]] = []
    rejected: list[tuple[str, str]] = []
    senders_not_states = 0
    for case in raw.itertuples(index=False):
        senders = split_names(case.sanctioning_state)
        senders_not_states += sum(
            name_to_iso3(s) is None and s not in WEST_ORGANISATIONS for s in senders
        )
        western = any(is_western(s, int(case.begin), west) for s in senders)
        for target in split_names(case.sanctioned_state):
            iso3 = name_to_iso3(target)
            if iso3 is None:
                rejected.append(
                    (
                        f"GSDB_V3: case_id={case.case_id}; sanctioned_state={target!r}",
                        f"target {target!r} is not a state the project codes "
                        "(organisation, group or unrecognised name)",
                    )
                )
                continue
            rows.append((int(case.case_id), iso3, int(case.begin), int(case.end), western))
    targets = pd.DataFrame(rows, columns=["case_id", "iso3", "begin", "end", "west"])
    targets = targets.drop_duplicates(["case_id", "iso3"])
    years = targets.assign(
        year=[list(range(b, e + 1)) for b, e in zip(targets["begin"], targets["end"], strict=True)]
    ).explode("year")
    table = (
        years.astype({"year": "int64"})
        .groupby(["iso3", "year"], as_index=False)
        .agg(n_cases=("case_id", "nunique"), n_cases_west=("west", "sum"))
    )
    table["n_cases_west"] = table["n_cases_west"].astype("int64")
    table["sanctioned_by_west"] = (table["n_cases_west"] > 0).astype("int64")
    reject_frame = pd.DataFrame(rejected, columns=["source_record", "reason"])
    counts = {
        "cases_read": len(raw),
        "cases_mapped": int(targets["case_id"].nunique()),
        "targets_mapped": len(targets),
        "targets_rejected": len(reject_frame),
        "sender_names_not_states": int(senders_not_states),
        "rows_out": len(table),
    }
    return AdapterResult(
        table=table.sort_values(["iso3", "year"], ignore_index=True),
        rejected=reject_frame,
        counts=counts,
    )
