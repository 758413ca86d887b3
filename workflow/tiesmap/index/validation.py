"""Known-case validation: does the measure find the ties the sources state?

`config/validation.yaml` lists facts written down from sourced reports before
looking at the index: an actor set (a dyad, or a triad for a triad-level tie),
an area, years, and whether a tie is expected in each of them. A case-year is a
hit when the measured tie equals the expectation, a miss when it differs, and
not observable when the area was not collected for that dyad-year (or the year
lies outside the panel). A case is a hit when every observable year is, and not
observable when none is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tiesmap.core.errors import InputError, Problem
from tiesmap.core.latex import escape, fmt
from tiesmap.core.yamlio import load_yaml, validate_against_schema

STATUSES = ("hit", "miss", "not observable")


def load_cases(path: str | Path, focal_states: list[str] | None = None) -> list[dict[str, Any]]:
    """Read and check the cases: the schema, then years in order, unique ids, and
    (when given) actors among the focal states."""
    data = load_yaml(path)
    validate_against_schema(data, "validation.schema.yaml", str(path))
    problems, seen = [], set()
    for i, case in enumerate(data["cases"]):
        key = f"cases.{i}"
        if case["id"] in seen:
            problems.append(Problem(str(path), None, f"{key}.id", case["id"], "repeated case id"))
        seen.add(case["id"])
        if case["end"] < case["start"]:
            problems.append(
                Problem(str(path), None, f"{key}.end", str(case["end"]), "end is before start")
            )
        if focal_states is not None:
            for state in case["actors"]:
                if state not in focal_states:
                    problems.append(
                        Problem(str(path), None, f"{key}.actors", state, "not a focal state")
                    )
    if problems:
        raise InputError(problems)
    return data["cases"]


def _observed_dyad(panel: pd.DataFrame, actors: list[str], area: str, year: int) -> float:
    dyad = "-".join(sorted(actors))
    row = panel[(panel["dyad"] == dyad) & (panel["year"] == year)]
    if row.empty:
        return np.nan
    return float(row[f"tie_{area}"].iloc[0])


def _observed_triad(
    triads: pd.DataFrame, panel: pd.DataFrame, actors: list[str], area: str, year: int
) -> float:
    triad = "-".join(sorted(actors))
    row = triads[(triads["triad"] == triad) & (triads["year"] == year)]
    if row.empty:
        return np.nan
    pairs = [_observed_dyad(panel, [a, b], area, year) for a, b in _pairs(actors)]
    if all(np.isnan(p) for p in pairs):  # the area was not collected for these states
        return np.nan
    areas = str(row["triad_tie_areas"].iloc[0] if pd.notna(row["triad_tie_areas"].iloc[0]) else "")
    return float(area in areas.split(";"))


def _pairs(actors: list[str]) -> list[tuple[str, str]]:
    s = sorted(actors)
    return [(s[i], s[j]) for i in range(len(s)) for j in range(i + 1, len(s))]


def check_cases(
    cases: list[dict[str, Any]], panel: pd.DataFrame, triads: pd.DataFrame
) -> pd.DataFrame:
    """One row per case-year: expected and observed tie and the status."""
    rows = []
    for case in cases:
        actors = sorted(case["actors"])
        for year in range(case["start"], case["end"] + 1):
            observed = (
                _observed_dyad(panel, actors, case["area"], year)
                if len(actors) == 2
                else _observed_triad(triads, panel, actors, case["area"], year)
            )
            if np.isnan(observed):
                status = "not observable"
            else:
                status = "hit" if bool(observed) == case["tie"] else "miss"
            reason = (
                _miss_reason(panel, triads, actors, case["area"], year, case["tie"])
                if status == "miss"
                else ""
            )
            rows.append(
                {
                    "case": case["id"],
                    "actors": "-".join(actors),
                    "area": case["area"],
                    "year": year,
                    "expected_tie": int(case["tie"]),
                    "observed_tie": observed,
                    "status": status,
                    "reason": reason,
                    "source": case["source"],
                }
            )
    return pd.DataFrame(rows)


def _miss_reason(
    panel: pd.DataFrame,
    triads: pd.DataFrame,
    actors: list[str],
    area: str,
    year: int,
    expected: bool,
) -> str:
    """Why a case-year missed, from the data: no coded event (a gap in the codings),
    too few events for the rule, or (for an expected absence) the events that formed
    the tie."""
    if len(actors) == 2:
        dyad = "-".join(actors)
        row = panel[(panel["dyad"] == dyad) & (panel["year"] == year)]
        column = f"window_{area}"
        n = float(row[column].iloc[0]) if column in row and len(row) else 0.0
    else:
        row = triads[(triads["triad"] == "-".join(actors)) & (triads["year"] == year)]
        n = float(row["n_events"].iloc[0]) if "n_events" in row and len(row) else 0.0
    if not expected:
        return "coded events formed a tie"
    if n == 0:
        return "no coded event in the window"
    return "too few events for the rule"


def case_summary(case_years: pd.DataFrame) -> pd.DataFrame:
    """One row per case: its years, the years hit and missed, and the case status
    (hit when every observable year is a hit)."""
    rows = []
    for case, group in case_years.groupby("case", sort=False):
        status = group["status"]
        observable = status != "not observable"
        missed = group.loc[status == "miss", "year"].tolist()
        rows.append(
            {
                "case": case,
                "actors": group["actors"].iloc[0],
                "area": group["area"].iloc[0],
                "years": _span(int(group["year"].min()), int(group["year"].max())),
                "expected_tie": int(group["expected_tie"].iloc[0]),
                "n_years": len(group),
                "years_hit": int((status == "hit").sum()),
                "years_missed": len(missed),
                "missed_years": ";".join(str(y) for y in missed),
                "reasons": ";".join(sorted(set(group.loc[status == "miss", "reason"]))),
                "status": "not observable"
                if not observable.any()
                else ("miss" if missed else "hit"),
                "source": group["source"].iloc[0],
            }
        )
    return pd.DataFrame(rows)


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def hit_rates(summary: pd.DataFrame, case_years: pd.DataFrame) -> dict[str, float | int]:
    """Cases and case-years hit, missed and not observable, and the two hit rates
    (over observable cases and case-years)."""
    out: dict[str, float | int] = {}
    for name, frame in (("cases", summary), ("case_years", case_years)):
        counts = frame["status"].value_counts()
        hit, miss = int(counts.get("hit", 0)), int(counts.get("miss", 0))
        out[f"{name}"] = len(frame)
        out[f"{name}_hit"] = hit
        out[f"{name}_missed"] = miss
        out[f"{name}_not_observable"] = int(counts.get("not observable", 0))
        out[f"{name}_hit_rate"] = hit / (hit + miss) if hit + miss else float("nan")
    return out


def validation_latex(summary: pd.DataFrame) -> str:
    """The known cases with expectation, years missed and status (booktabs)."""
    rates = hit_rates(summary, summary)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering\scriptsize",
        r"\caption{Known-case validation: expected ties from sourced facts against the measure}",
        r"\label{tab:validation}",
        r"\begin{tabular}{llcllp{4.2cm}}",
        r"\toprule",
        r"Actors & Area & Tie expected & Years & Missed years & Why \\",
        r"\midrule",
    ]
    for r in summary.to_dict("records"):
        missed = r["missed_years"].replace(";", ", ") if r["missed_years"] else "--"
        if r["status"] == "not observable":
            missed = "not observable"
        lines.append(
            rf"{escape(r['actors'].replace('-', '--'))} & {escape(r['area'].replace('_', ' '))}"
            rf" & {'yes' if r['expected_tie'] else 'no'} & {r['years']} & {escape(missed)}"
            rf" & {escape(r['reasons'].replace(';', '; '))} \\"
        )
    lines += [
        r"\bottomrule",
        r"\end{tabular}",
        rf"\par\smallskip\parbox{{0.9\linewidth}}{{\footnotesize {rates['cases_hit']} of "
        rf"{rates['cases_hit'] + rates['cases_missed']} observable cases hit "
        rf"({fmt(100 * rates['cases_hit_rate'], 0)}\%). A case is hit when the measured tie "
        r"equals the expectation in every observable year; a triad case checks the "
        r"triad-level tie. Each case and its source are listed in the replication package.}",
        r"\end{table}",
        "",
    ]
    return "\n".join(lines)
