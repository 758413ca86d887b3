"""UN General Assembly ideal points (Bailey, Strezhnev & Voeten; July 2025 release).

`ingest` turns the Stata file into state-years (`ccode, iso3, year, idealpointfp,
idealpointall, idealpointlegacy, nvotes*` and the posterior quantiles);
`ideal_point_distance` gives the dyad-year distance |ideal_a - ideal_b|.

ISO3 codes: the file's own `iso3c` where it is a valid code, with the project's COW
rules on top (`peacesciencer.STATIC_ISO3` and `YEAR_RULES`: 365 is the Soviet Union in
1922-1991, 345 Yugoslavia in 1918-2005 and Serbia otherwise, the two Yemens), so that
every adapter codes a state the same way. Rows left without a code, or clashing with another COW code on the same ISO3 and
year, are rejected with the reason. `idealpointfp` (final-passage votes) is the default
measure: it is the only one available for 2024.

A file that is not readable Stata, lacks a required column (`REQUIRED`), or has a COW
code or year missing, fractional or repeated raises `tiesmap.core.errors.InputError` with
every problem.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tiesmap.core.countries import to_iso3
from tiesmap.core.errors import InputError, Problem
from tiesmap.sources import AdapterResult
from tiesmap.sources.peacesciencer import (
    FIRST_ROW,
    CowCrosswalk,
    TableSpec,
    check_table,
    map_state_year,
)

# BibTeX keys of this source (tiesmap.sources.citations): the paper cites it when a build reads it.
CITES = ("bailey2017unga",)

CITATION: dict[str, object] = {
    "title": "United Nations General Assembly Voting Data: ideal point estimates",
    "version": "July 2025 (IdealpointsJuly2025.dta)",
    "references": [
        "Bailey, Michael A., Anton Strezhnev, and Erik Voeten. 2017. Estimating Dynamic State "
        "Preferences from United Nations Voting Data. Journal of Conflict Resolution 61(2): "
        "430-456.",
        "Voeten, Erik, Anton Strezhnev, and Michael Bailey. United Nations General Assembly "
        "Voting Data. Harvard Dataverse. doi:10.7910/DVN/LEJUQZ.",
        "Fjelstul, Joshua, Simon Hug, and Christopher Kilby. 2025. Decision-making in the "
        "United Nations General Assembly: A comprehensive database of resolution-related "
        "decisions. The Review of International Organizations.",
    ],
}

DEFAULT_MEASURE = "idealpointfp"


def _valid_iso3(code: object) -> str | None:
    text = str(code).strip().upper() if isinstance(code, str) else ""
    return text if len(text) == 3 and to_iso3(text) == text else None


REQUIRED = ("ccode", "year", "iso3c", "countryname", DEFAULT_MEASURE)
CHECKS = TableSpec(required=REQUIRED, keys=("ccode", "year"))


def read_ideal_points(path: str | Path) -> pd.DataFrame:
    """The Stata file with lower-case column names, checked: every problem (not a
    readable Stata file, a required column missing, a COW code or year missing or not a
    whole number, a state-year repeated) in one InputError, rows numbered as in a CSV
    (header = 1, first row = 2)."""
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError([Problem(file, None, None, None, "file not found")])
    try:
        raw = pd.read_stata(path, convert_categoricals=False)
    except Exception as err:  # pandas raises several types for broken files
        raise InputError(
            [Problem(file, None, None, None, f"cannot read Stata file: {err}")]
        ) from None
    raw.columns = [str(c).lower() for c in raw.columns]
    raw = raw.reset_index(drop=True)
    raw, problems = check_table(raw, file, CHECKS, "the UNGA ideal-point file")
    if not problems:
        repeated = raw.duplicated(["ccode", "year"], keep=False).to_numpy()
        first: dict[tuple[float, float], int] = {}
        for i in np.flatnonzero(repeated):
            key = (float(raw["ccode"].iloc[i]), float(raw["year"].iloc[i]))
            row = int(i) + FIRST_ROW
            if key not in first:
                first[key] = row
                continue
            problems.append(
                Problem(
                    file,
                    row,
                    "year",
                    str(int(key[1])),
                    f"COW {int(key[0])} in {int(key[1])} repeated (first in row {first[key]})",
                )
            )
    if problems:
        raise InputError(problems)
    return raw


def ingest(path: str | Path) -> AdapterResult:
    """UNGA ideal points as state-years keyed by COW code and ISO3 (a bad file raises
    `InputError`, see `read_ideal_points`)."""
    raw = read_ideal_points(path)
    names: dict[int, str] = {}
    codes: dict[int, str | None] = {}
    for ccode, iso3c, name in zip(raw["ccode"], raw["iso3c"], raw["countryname"], strict=True):
        ccode = int(ccode)
        if name and ccode not in names:
            names[ccode] = str(name)
        if codes.get(ccode) is None:
            codes[ccode] = _valid_iso3(iso3c)
    for ccode in codes:
        names.setdefault(ccode, "")
    crosswalk = CowCrosswalk.from_names(names, iso3=codes)
    values = raw.drop(columns=["iso3c", "countryname"])
    values = values.astype({c: "float64" for c in values.columns if values[c].dtype == "float32"})
    table, rejected = map_state_year(values, crosswalk, "unga_ideal_points")
    counts = {
        "rows_read": len(raw),
        "rows_rejected": len(rejected),
        "rows_mapped": len(raw) - len(rejected),
        "rows_out": len(table),
    }
    return AdapterResult(table=table, rejected=rejected, counts=counts)


def ideal_point_distance(
    ideal_points: pd.DataFrame, dyad_years: pd.DataFrame, measure: str = DEFAULT_MEASURE
) -> pd.DataFrame:
    """|ideal_a - ideal_b| for each (dyad, year) in `dyad_years` (columns dyad, year,
    state_a, state_b); NaN where either state has no estimate that year."""
    missing = {"iso3", "year", measure} - set(ideal_points.columns)
    if missing:
        raise ValueError(f"ideal-point table lacks columns {sorted(missing)}")
    dup = ideal_points.duplicated(["iso3", "year"])
    if dup.any():
        row = ideal_points.loc[dup, ["iso3", "year"]].iloc[0]
        first = (str(row["iso3"]), int(row["year"]))
        raise ValueError(
            f"ideal-point table has {int(dup.sum())} duplicate (iso3, year) keys, e.g. {first}"
        )
    frame = dyad_years[["dyad", "year", "state_a", "state_b"]].drop_duplicates(["dyad", "year"])
    points = ideal_points[["iso3", "year", measure]].astype({"year": "int64"})
    ends = {}
    for side in ("a", "b"):
        joined = frame.merge(
            points,
            left_on=[f"state_{side}", "year"],
            right_on=["iso3", "year"],
            how="left",
            validate="m:1",
        )
        ends[side] = joined[measure].to_numpy(dtype=float)
    distance = abs(ends["a"] - ends["b"])
    return frame[["dyad", "year"]].assign(ideal_point_distance=distance).reset_index(drop=True)
