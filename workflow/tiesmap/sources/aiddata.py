"""AidData's China Public Diplomacy Dashboard (v2.0): China's elite visits per country-year.

The table (`ChinesePublicDiplomacy.csv`) has one row per receiving country and
year with counts of China's public-diplomacy tools; China is always the sender.
Two of its columns are elite visits (AidData Readme v2.0, "Field Definitions"):

- `government_visits`: high-level and provincial-level visits by government
  officials between China and the receiving country (either direction or at a
  third location), compiled from the China Foreign Affairs Yearbooks;
- `military_visits`: the same for military officials, drawn from Allen et al.
  (2017), *Chinese Military Diplomacy, 2003-2016* (INSS/NDU);
- `total_elite_visits` is their sum.

Coverage: 25 East Asia/Pacific countries 2000-2016 and 13 South/Central Asian
countries 2000-2018 (plus the Cook Islands in this file). Russia, Iran, Belarus,
Syria and Venezuela are not covered. Years outside a country's coverage hold the
string "N/A": they are *not collected* and stay missing (<NA>), never zero.

`military_visit_counts` gives those counts by counterpart ISO3 and year;
`cross_check` lines them up with the China Vitae contacts events
(`tiesmap.sources.china_vitae`) per country-year and `cross_check_summary`
reports correlations and agreement. The two sources measure different things
(AidData counts visits of any high-level official, China Vitae meetings of seven
leaders; China Vitae does not cover PLA leaders), so the cross-check measures
convergence, not error.

Citation: AidData (2020). China's Public Diplomacy Dashboard Dataset, Version
2.0. http://china-dashboard.aiddata.org
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tiesmap.core.countries import to_iso3
from tiesmap.core.errors import InputError, Problem
from tiesmap.sources import AdapterResult, crosscheck_record, read_required_columns, rejected_table

# BibTeX keys of this source (tiesmap.sources.citations): the paper cites it when a build reads it.
CITES = ("aiddata_publicdiplomacy",)

REQUIRED = (
    "receiving_country",
    "year",
    "government_visits",
    "military_visits",
    "total_elite_visits",
)
COUNT_COLUMNS = ("government_visits", "military_visits", "total_elite_visits")
MISSING = "N/A"  # AidData's marker for country-years outside the collection
TABLE_COLUMNS = ("iso3", "receiving_country", "year", *COUNT_COLUMNS)

# Source-specific spellings country_converter does not resolve (none needed for
# v2.0; kept so a new release's names are added here, not in countries.py).
AIDDATA_ALIASES: dict[str, str] = {}

_INT = re.compile(r"^[0-9]+$")


def read_table(path: str | Path) -> pd.DataFrame:
    """The CSV as text cells, indexed by spreadsheet row (header = 1); all file
    problems (encoding, header, cell counts, values) raised together."""
    frame, problems = read_required_columns(path, REQUIRED, "the AidData table")
    problems += _cell_problems(frame, str(path))
    if problems:
        raise InputError(problems)
    return frame


def _cell_problems(frame: pd.DataFrame, file: str) -> list[Problem]:
    problems = []
    seen: dict[tuple[str, str], int] = {}
    for i, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        if not rec["receiving_country"]:
            problems.append(Problem(file, int(i), "receiving_country", "", "value is empty"))
        if not re.fullmatch(r"[0-9]{4}", rec["year"]):
            problems.append(Problem(file, int(i), "year", rec["year"], "not a four-digit year"))
        for column in COUNT_COLUMNS:
            value = rec[column]
            if value != MISSING and not _INT.match(value):
                problems.append(
                    Problem(
                        file,
                        int(i),
                        column,
                        value,
                        f"not a count (a whole number >= 0) or '{MISSING}'",
                    )
                )
        key = (rec["receiving_country"], rec["year"])
        if key in seen:
            problems.append(
                Problem(
                    file,
                    int(i),
                    "year",
                    rec["year"],
                    f"country-year repeated (first in row {seen[key]})",
                )
            )
        else:
            seen[key] = int(i)
    return problems


def country_iso3(name: str) -> str | None:
    key = " ".join(name.split()).lower()
    return AIDDATA_ALIASES.get(key) or to_iso3(name)


def ingest(path: str | Path) -> AdapterResult:
    """Elite-visit counts by counterpart ISO3 and year (a covariate-style table).

    `table` has TABLE_COLUMNS; counts are nullable integers, <NA> where AidData
    writes "N/A". Rows whose country has no ISO3 code are in `rejected`.
    `counts` also reports how often total_elite_visits differs from the sum of
    its parts (`total_not_sum`).
    """
    frame = read_table(path)
    name = Path(path).name
    rows, rejected = [], []
    for i, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        iso3 = country_iso3(rec["receiving_country"])
        if iso3 is None:
            rejected.append(
                (f"{name}:row {i}", f"country '{rec['receiving_country']}' has no ISO3 code")
            )
            continue
        rows.append(
            [iso3, rec["receiving_country"], int(rec["year"])]
            + [pd.NA if rec[c] == MISSING else int(rec[c]) for c in COUNT_COLUMNS]
        )
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    table = table.astype({"iso3": "object", "receiving_country": "object", "year": "int64"})
    table = table.astype({c: "Int64" for c in COUNT_COLUMNS})
    table = table.sort_values(["iso3", "year"], ignore_index=True)
    parts = table["government_visits"] + table["military_visits"]
    complete = parts.notna() & table["total_elite_visits"].notna()
    counts = {
        "rows_read": len(frame),
        "mapped": len(table),
        "rejected": len(rejected),
        "countries": int(table["iso3"].nunique()),
        "military_visits_observed": int(table["military_visits"].notna().sum()),
        "government_visits_observed": int(table["government_visits"].notna().sum()),
        "total_not_sum": int((table["total_elite_visits"] != parts)[complete].sum()),
    }
    return AdapterResult(
        table=table,
        rejected=rejected_table(rejected),
        counts=counts,
    )


def military_visit_counts(path: str | Path) -> pd.DataFrame:
    """Counterpart ISO3 x year: AidData's military, government and total elite visits
    (<NA> = not collected for that country-year)."""
    return ingest(path).table


# ------------------------------------------------------------- cross-check

SECURITY_LEVELS = ("defence_minister", "military_chief", "security_official")
MILITARY_LEVELS = ("defence_minister", "military_chief")
COMPARISON_COLUMNS = (
    "iso3",
    "year",
    "cv_meetings",
    "cv_security_meetings",
    "cv_military_meetings",
    "aid_government_visits",
    "aid_military_visits",
    "aid_total_elite_visits",
)
# Which China Vitae count is compared with which AidData count.
PAIRS = (
    ("cv_meetings", "aid_government_visits"),
    ("cv_meetings", "aid_total_elite_visits"),
    ("cv_security_meetings", "aid_military_visits"),
    ("cv_military_meetings", "aid_military_visits"),
)


def cross_check(
    engagement_events: pd.DataFrame,
    aiddata_counts: pd.DataFrame,
    years: tuple[int, int] = (2003, 2018),
) -> pd.DataFrame:
    """Per counterpart-year, China Vitae events beside AidData's visit counts.

    `engagement_events` are canonical events with China as one of two
    participants (the China Vitae adapter's table); `aiddata_counts` is
    `military_visit_counts`. Rows: every AidData country-year within `years`
    (China Vitae covers 2003-2018). A country-year with no China Vitae event is
    an observed zero (the leaders' logs are complete records); AidData's <NA>
    stays <NA>. China Vitae counts: all meetings; meetings with a security cue
    (no `no_security_cue` flag, which the adapter sets); meetings at defence-
    minister or military-chief level.
    """
    required = {"participants", "date_start", "level", "flags"}
    missing = required - set(engagement_events.columns)
    if missing:
        raise ValueError(f"engagement events lack columns: {sorted(missing)}")
    missing = {"iso3", "year", *COUNT_COLUMNS} - set(aiddata_counts.columns)
    if missing:
        raise ValueError(f"AidData counts lack columns: {sorted(missing)}")
    ev = engagement_events
    parts = ev["participants"].str.split(";")
    china = parts.map(lambda p: len(p) == 2 and "CHN" in p)
    ev = ev[china].assign(
        iso3=parts[china].map(lambda p: next(c for c in p if c != "CHN")),
        year=ev.loc[china, "date_start"].str[:4].astype(int),
    )
    ev = ev.assign(
        security=~ev["flags"].str.split(";").map(lambda f: "no_security_cue" in f)
        | ev["level"].isin(SECURITY_LEVELS),
        military=ev["level"].isin(MILITARY_LEVELS),
    )
    cv = ev.groupby(["iso3", "year"]).agg(
        cv_meetings=("level", "size"),
        cv_security_meetings=("security", "sum"),
        cv_military_meetings=("military", "sum"),
    )
    aid = aiddata_counts[aiddata_counts["year"].between(*years)]
    aid = aid.set_index(["iso3", "year"])[list(COUNT_COLUMNS)]
    aid.columns = [f"aid_{c}" for c in aid.columns]
    out = aid.join(cv, how="left")
    for column in ("cv_meetings", "cv_security_meetings", "cv_military_meetings"):
        out[column] = out[column].fillna(0).astype("int64")
    out = out.reset_index()[list(COMPARISON_COLUMNS)]
    return out.sort_values(["iso3", "year"], ignore_index=True)


def cross_check_summary(comparison: pd.DataFrame) -> pd.DataFrame:
    """Agreement of each compared pair, over country-years where AidData has a value
    ('country_year') and over country totals of those years ('country_total').

    Columns: unit, cv, aid, n, pearson, spearman, both_positive, cv_only,
    aid_only, both_zero, agreement (share where both are zero or both positive)
    and kappa (Cohen's kappa of 'any visit' vs 'any meeting').
    """
    rows = []
    for cv_col, aid_col in PAIRS:
        both = comparison[["iso3", cv_col, aid_col]].dropna()
        x = both[cv_col].astype(float)
        y = both[aid_col].astype(float)
        rows.append({"unit": "country_year", "cv": cv_col, "aid": aid_col, **_agreement(x, y)})
        totals = both.groupby("iso3")[[cv_col, aid_col]].sum().astype(float)
        rows.append(
            {
                "unit": "country_total",
                "cv": cv_col,
                "aid": aid_col,
                **_agreement(totals[cv_col], totals[aid_col]),
            }
        )
    return pd.DataFrame(rows)


def _agreement(x: pd.Series, y: pd.Series) -> dict[str, float | int]:
    n = len(x)
    px, py = x > 0, y > 0
    both_pos = int((px & py).sum())
    cv_only = int((px & ~py).sum())
    aid_only = int((~px & py).sum())
    both_zero = int((~px & ~py).sum())
    agreement = (both_pos + both_zero) / n if n else np.nan
    expected = ((px.mean() * py.mean()) + ((~px).mean() * (~py).mean())) if n else np.nan
    kappa = (agreement - expected) / (1 - expected) if n and expected < 1 else np.nan
    return {
        "n": n,
        "pearson": _corr(x, y, "pearson"),
        "spearman": _corr(x, y, "spearman"),
        "both_positive": both_pos,
        "cv_only": cv_only,
        "aid_only": aid_only,
        "both_zero": both_zero,
        "agreement": agreement,
        "kappa": kappa,
    }


def _corr(x: pd.Series, y: pd.Series, method: str) -> float:
    if len(x) < 3 or x.nunique() < 2 or y.nunique() < 2:
        return np.nan
    return float(x.corr(y, method=method))


def crosscheck_report(
    engagement_events: pd.DataFrame | None, aiddata_path: str | Path | None
) -> dict[str, Any]:
    """AidData's visit counts against China Vitae's meetings, JSON-ready
    (`results/data/aiddata_crosscheck.json`): the rows of `cross_check_summary`
    and the number of compared country-years. When either source is absent the
    record says which, and nothing else."""

    def compare(events: pd.DataFrame, path: str | Path) -> tuple:
        comparison = cross_check(events, military_visit_counts(path))
        return comparison, cross_check_summary(comparison)

    inputs = {"china_vitae": engagement_events, "aiddata": aiddata_path}
    return crosscheck_record(inputs, compare, "country_years")
