"""Exhibits that scale with the scope: the scope described in text, the top-N
dyads, by-state and by-region summaries. Their size depends on N and on the
number of regions, never on the number of dyads, so a panel of every state fits
on a page as well as the pilot's six dyads.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tiesmap.core.codebook import AREAS
from tiesmap.core.latex import escape, fmt
from tiesmap.report.findings import SOURCE_PHRASES

# UN M49 regions (country_converter's `continent` column), in print order.
REGION_ORDER = ("Africa", "America", "Asia", "Europe", "Oceania")


def _int(n: int) -> str:
    return f"{int(n):,}".replace(",", "{,}")


def any_tie(index: pd.DataFrame) -> pd.Series:
    """1 or more where a dyad-year has a tie in some area, 0 where none, NaN where
    no area was observed (the `tie_<area>` columns; not `tie_index`)."""
    columns = [f"tie_{a}" for a in AREAS if f"tie_{a}" in index.columns]
    return index[columns].sum(axis=1, min_count=1)


def region_of(iso3: str) -> str:
    """The continent of an ISO3 code (historical states by their successor's)."""
    from tiesmap.core.countries import _converter

    successor = {"SUN": "RUS", "YUG": "SRB", "CSK": "CZE", "DDR": "DEU", "YMD": "YEM"}
    found = _converter().convert(successor.get(iso3, iso3), src="ISO3", to="continent",
                                 not_found="Other")  # fmt: skip
    return str(found) if isinstance(found, str) else "Other"


def name_list(states: list[str], keep: int = 12) -> str:
    """'China, Iran, North Korea and Russia' or the first `keep` and 'N others'."""
    from tiesmap.core.countries import to_name

    names = sorted(to_name(s) for s in states)
    if len(names) <= keep:
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return ", ".join(names[:keep]) + f" and {len(names) - keep} others"


def war_text(wars: list[dict[str, Any]], start: int, end: int) -> str:
    """The configured wars overlapping the period, with their years."""
    parts = []
    for war in wars:
        first = int(str(war["start"])[:4])
        last = int(str(war["end"])[:4]) if war.get("end") else None
        if first > end or (last is not None and last < start):
            continue
        span = f"{first}--{last}" if last is not None else f"from {first}"
        parts.append(f"{war['name']} ({span})")
    return "; ".join(parts) if parts else "none"


def model_war_text(
    config: dict[str, Any], covariates: dict[str, Any] | None, start: int, end: int
) -> str:
    """Where the models' war covariate comes from, in words: the configured wars, or
    (config `wars_from: cow_war_inter`) the COW inter-state wars fought in the period,
    with their participants, the years the data cover and what happens after them.
    Said because a war list that ends before the period does would otherwise read as
    years without war."""
    from tiesmap.core.config import WAR_COVARIATE

    if config.get("wars_from") != "cow_war_inter":
        listed = war_text(config["wars"], start, end)
        return f"The war covariate, war_partner, marks the dyads of a state in the configured wars: {listed}"
    entry = (covariates or {}).get(WAR_COVARIATE, {})
    if entry.get("status") != "added":
        return "The Correlates of War inter-state war data, from which the war covariate comes, were not available to this build"
    first, last = entry["coverage"]
    wars = [
        f"war {w['warnum']} ({w['first']}" + (f"--{w['last']}" if w["last"] > w["first"] else "")
        + f": {name_list(w['states'], keep=6)})"
        for w in entry["wars"]
    ]  # fmt: skip
    listed = "; ".join(wars) if wars else "none"
    text = (
        f"The war covariate, cow_war, marks the dyads of a participant in a Correlates of War inter-state war "
        f"(the data cover {first}--{last}); the wars with a year in {start}--"
        f"{min(end, last)} are {listed}"
    )
    if end > last:
        text += (
            f". The data end in {last}: for {last + 1}--{end} cow_war is missing, not "
            f"zero, so the models that use it fit {start}--{last} only"
        )
    return text


def source_phrases(sources: list[str]) -> str:
    """The sources in words (what each supplies), joined as prose: the paper names
    datasets, not the workflow's keys for them."""
    phrases = [SOURCE_PHRASES.get(s, s) for s in sources]
    if len(phrases) < 2:
        return "".join(phrases) or "none"
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def scope_macros(
    config: dict[str, Any],
    index: pd.DataFrame,
    left_out: dict[str, Any],
    covariates: dict[str, Any] | None = None,
) -> dict[str, str]:
    """In-text numbers and phrases of the scope, from the merged config, the panel,
    the codings left out of the scope and the covariates report of the model panel."""
    start, end = config["period"]["start"], config["period"]["end"]
    scope = config["scope"]
    states = scope.get("states") or sorted(set(index["state_a"]) | set(index["state_b"]))
    system = scope.get("system") or {}
    regime = system.get("regime")
    rule = (
        "every member of the Correlates of War state system"
        if system
        else "the configured focal states and partners"
    )
    if regime:
        rule = (
            f"every member of the Correlates of War state system with "
            f"{escape(regime['measure'])} below {regime['below']} in at least one year"
        )
    members = scope.get("members") or {}
    entered = sum(1 for spans in members.values() if spans and spans[0][0] > start)
    exited = sum(1 for spans in members.values() if spans and spans[-1][1] < end)
    sources = sorted(config["sources"]["use"])
    ties = any_tie(index)
    observed = index["tie_index"].notna()
    return {
        "ScopeStart": str(start),
        "ScopeEnd": str(end),
        "ScopeNStates": _int(len(states)),
        "ScopeStateRule": rule,
        "ScopeStateNames": escape(name_list(list(states))),
        "ScopeNEntered": _int(entered),
        "ScopeNExited": _int(exited),
        "ScopeNDyads": _int(index["dyad"].nunique()),
        "ScopeNDyadYears": _int(len(index)),
        "ScopeNObserved": _int(int(observed.sum())),
        "ScopeNWithTie": _int(int((ties > 0).sum())),
        "ScopeWars": escape(war_text(config["wars"], start, end)).replace(r"\-\-", "--"),
        "ScopeModelWars": escape(model_war_text(config, covariates, start, end)),
        "ScopeSources": escape(source_phrases(sources)),
        "ScopeCodingsOutsidePeriod": _int(left_out["left_out"]["outside_period"]["events"]),
        "ScopeCodingsOutsideStates": _int(left_out["left_out"]["outside_states"]["events"]),
        "ScopeCodingsKept": _int(left_out["rows_kept"]),
    }


def dyad_summary(index: pd.DataFrame) -> pd.DataFrame:
    """Per dyad: years observed, mean and maximum tie index, years with a tie."""
    ties = any_tie(index)
    frame = index[["dyad", "tie_index"]].assign(tie_years=(ties > 0).astype(int))
    out = frame.groupby("dyad", sort=True).agg(
        years=("tie_index", "count"),
        mean_index=("tie_index", "mean"),
        max_index=("tie_index", "max"),
        tie_years=("tie_years", "sum"),
    )
    return out.reset_index()


def top_dyads(index: pd.DataFrame, n: int) -> pd.DataFrame:
    """The `n` dyads with the highest mean tie index (ties broken by name)."""
    summary = dyad_summary(index).dropna(subset=["mean_index"])
    summary = summary.sort_values(["mean_index", "dyad"], ascending=[False, True], kind="stable")
    return summary.head(n).reset_index(drop=True)


def state_summary(index: pd.DataFrame) -> pd.DataFrame:
    """Per state: partners with a tie in at least one year, dyad-years with a tie,
    mean tie index over its observed dyad-years."""
    ties = any_tie(index)
    base = index[["dyad", "state_a", "state_b", "tie_index"]].assign(tie=(ties > 0).to_numpy())
    long = pd.concat(
        [
            base.rename(columns={"state_a": "state", "state_b": "partner"}),
            base.rename(columns={"state_b": "state", "state_a": "partner"}),
        ],
        ignore_index=True,
    )
    partners = long[long["tie"]].groupby("state")["partner"].nunique()
    out = long.groupby("state", sort=True).agg(
        tie_years=("tie", "sum"), mean_index=("tie_index", "mean")
    )
    out["partners"] = partners.reindex(out.index).fillna(0).astype(int)
    return out.reset_index()


def region_summary(index: pd.DataFrame) -> pd.DataFrame:
    """Per pair of regions: dyads, observed dyad-years, share with a tie, mean index."""
    ties = any_tie(index)
    states = sorted(set(index["state_a"]) | set(index["state_b"]))
    region = {s: region_of(s) for s in states}
    ra, rb = index["state_a"].map(region), index["state_b"].map(region)
    pair = np.where(ra <= rb, ra + "–" + rb, rb + "–" + ra)
    frame = pd.DataFrame(
        {
            "regions": pair,
            "dyad": index["dyad"].to_numpy(),
            "observed": index["tie_index"].notna().to_numpy(),
            "tie": (ties > 0).to_numpy(),
            "tie_index": index["tie_index"].to_numpy(),
        }
    )
    out = frame.groupby("regions", sort=True).agg(
        dyads=("dyad", "nunique"),
        observed=("observed", "sum"),
        ties=("tie", "sum"),
        mean_index=("tie_index", "mean"),
    )
    out["tie_share"] = out["ties"] / out["observed"].where(out["observed"] > 0)
    return out.reset_index()


def _num(value: float, digits: int = 3) -> str:
    return "--" if pd.isna(value) else fmt(float(value), digits)


def booktabs(header: list[str], rows: list[list[str]]) -> str:
    """A booktabs tabular: the first column left-aligned, the others right-aligned."""
    lines = [
        rf"\begin{{tabular}}{{l{'r' * (len(header) - 1)}}}",
        r"\toprule",
        " & ".join(header) + r" \\",
        r"\midrule",
        *(" & ".join(row) + r" \\" for row in rows),
        r"\bottomrule",
        r"\end{tabular}",
    ]
    return "\n".join(lines) + "\n"


def _dyad_label(dyad: str) -> str:
    from tiesmap.core.countries import to_name

    a, b = dyad.split("-")
    return escape(f"{to_name(a)} – {to_name(b)}")


def top_dyads_latex(table: pd.DataFrame) -> str:
    rows = [
        [
            _dyad_label(r.dyad),
            str(r.years),
            _num(r.mean_index),
            _num(r.max_index),
            str(int(r.tie_years)),
        ]  # fmt: skip
        for r in table.itertuples(index=False)
    ]
    return booktabs(["Dyad", "Years", "Mean index", "Max index", "Years with a tie"], rows)


def top_states_latex(table: pd.DataFrame, n: int) -> str:
    from tiesmap.core.countries import to_name

    top = table.sort_values(["partners", "tie_years", "state"], ascending=[False, False, True],
                            kind="stable").head(n)  # fmt: skip
    rows = [
        [escape(to_name(r.state)), str(r.partners), str(int(r.tie_years)), _num(r.mean_index)]
        for r in top.itertuples(index=False)
    ]
    header = ["State", "Partners with a tie", "Dyad-years with a tie", "Mean index"]
    return booktabs(header, rows)


def regions_latex(table: pd.DataFrame) -> str:
    rows = [
        [
            escape(r.regions),
            _int(r.dyads),
            _int(r.observed),
            _num(r.tie_share),
            _num(r.mean_index),
        ]  # fmt: skip
        for r in table.itertuples(index=False)
    ]
    header = ["Regions", "Dyads", "Observed dyad-years", "Share with a tie", "Mean index"]
    return booktabs(header, rows)
