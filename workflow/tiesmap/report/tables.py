"""Booktabs tables for the paper, written from data and model results."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from tiesmap.core.codebook import AREAS, COLLECTED, Codebook
from tiesmap.core.countries import to_name
from tiesmap.core.latex import escape, fmt
from tiesmap.index.dyads import expand_to_dyads

STATUS_TEXT = {
    "not_yet_collected": r"\textit{data not yet collected}",
    "not_applicable_yet": r"\textit{not applicable yet}",
}


def participants_label(participants: str, keep: int = 3) -> str:
    """'China--Russia' for a few states; a long list of a forum's members is cut to
    its first states and a count, so the table keeps to the page."""
    names = [to_name(c) for c in participants.split(";")]
    if len(names) <= keep + 1:
        return "--".join(names)
    return "--".join(names[:keep]) + f" and {len(names) - keep} others"


def operationalization_summary(events: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per activity: events, dyads and years covered, and the latest coded example."""
    dyads = expand_to_dyads(events)
    rows = []
    for area in AREAS:
        for act in codebook.activities_in(area):
            ev = events[events["activity"] == act.code].sort_values(["date_start", "event_id"])
            dy = dyads[dyads["activity"] == act.code]
            years = dy["year"]
            latest = ev.iloc[-1] if len(ev) else None
            rows.append(
                {
                    "area": area,
                    "activity": act.code,
                    "label": act.label,
                    "status": act.status,
                    "n_events": len(ev),
                    "n_dyads": int(dy["dyad"].nunique()),
                    "first_year": int(years.min()) if len(years) else None,
                    "last_year": int(years.max()) if len(years) else None,
                    "latest": (
                        f"{latest['date_start']}: " + participants_label(latest["participants"])
                        if latest is not None
                        else ""
                    ),
                }
            )
    return pd.DataFrame(rows)


def operationalization_table(summary: pd.DataFrame, codebook: Codebook) -> str:
    """Table 1 of the concept note, regenerated from the codebook and the data."""
    lines = [
        r"\begin{table}[htbp]",
        r"\centering\footnotesize",
        r"\caption{Operationalization of security ties: activities by area, with coded events}",
        r"\label{tab:operationalization}",
        r"\begin{tabular}{p{0.30\linewidth}rrcp{0.34\linewidth}}",
        r"\toprule",
        r"Activity & Events & Dyads & Years & Most recent coded event \\",
        r"\midrule",
    ]
    for area in AREAS:
        lines.append(
            rf"\multicolumn{{5}}{{l}}{{\textbf{{{escape(codebook.areas[area]['label'])}}}}} \\"
        )
        for r in summary[summary["area"] == area].to_dict("records"):
            if r["status"] != COLLECTED:
                lines.append(
                    rf"\quad {escape(r['label'])} & \multicolumn{{4}}{{l}}{{{STATUS_TEXT[r['status']]}}} \\"
                )
                continue
            years = f"{int(r['first_year'])}--{int(r['last_year'])}" if r["n_events"] else "--"
            lines.append(
                rf"\quad {escape(r['label'])} & {r['n_events']} & {r['n_dyads']} & {years}"
                rf" & {escape(r['latest']) or '--'} \\"
            )
    lines += [
        r"\bottomrule",
        r"\end{tabular}",
        r"\par\smallskip\parbox{0.95\linewidth}{\footnotesize Events after merging coders; "
        r"dyads count every pair of participants. Activities without data collection are shown "
        r"as such, not as zero.}",
        r"\end{table}",
        "",
    ]
    return "\n".join(lines)


def reliability_latex(table: pd.DataFrame, draws: int) -> str:
    """Krippendorff's alpha per variable with bootstrap intervals (booktabs)."""
    lines = [
        r"\begin{table}[htbp]",
        r"\centering\small",
        r"\caption{Intercoder reliability: Krippendorff's $\alpha$ per coded variable}",
        r"\label{tab:reliability}",
        r"\begin{tabular}{llrrrr}",
        r"\toprule",
        r"Variable & Level & $\alpha$ & 95\% interval & Events & Agreement \\",
        r"\midrule",
    ]
    for r in table.to_dict("records"):
        interval = "--" if pd.isna(r["ci_low"]) else f"[{fmt(r['ci_low'])}, {fmt(r['ci_high'])}]"
        alpha = "--" if pd.isna(r["alpha"]) else fmt(r["alpha"])
        lines.append(
            rf"{escape(r['variable'])} & {r['level']} & {alpha} & {interval} & {r['units']}"
            rf" & {fmt(100 * r['agreement'], 1)}\% \\"
        )
    coders = int(table["coders"].iloc[0]) if len(table) else 0
    lines += [
        r"\bottomrule",
        r"\end{tabular}",
        rf"\par\smallskip\parbox{{0.85\linewidth}}{{\footnotesize {coders} coders; events coded "
        rf"by at least two. Intervals: percentile bootstrap over events, {draws} draws. "
        r"Agreement: share of events on which all coders gave the same value. "
        r"$\alpha \geq .80$ is conventionally reliable, $\geq .667$ tentative.}",
        r"\end{table}",
        "",
    ]
    return "\n".join(lines)


def coherence_latex(report: dict[str, Any], codebook: Codebook) -> str:
    """Correlations of area tie intensities, first-component share and Cronbach's alpha."""
    areas = report["areas"]
    head = " & ".join(escape(codebook.areas[a]["label"].split()[0]) for a in areas)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering\small",
        r"\caption{Coherence of the five areas: correlations of tie intensity across dyad-years}",
        r"\label{tab:coherence}",
        rf"\begin{{tabular}}{{l{'r' * len(areas)}}}",
        r"\toprule",
        rf" & {head} \\",
        r"\midrule",
    ]
    for a in areas:
        cells = " & ".join(fmt(report["correlations"][a][b], 2) for b in areas)
        lines.append(rf"{escape(codebook.areas[a]['label'])} & {cells} \\")
    lines += [
        r"\midrule",
        rf"\multicolumn{{{len(areas) + 1}}}{{l}}{{Share of variance on the first component: "
        rf"{fmt(report['first_component_share'], 2)}; Cronbach's $\alpha$ = "
        rf"{fmt(report['cronbach_alpha'], 2)}; {report['n']} dyad-years}} \\",
        r"\bottomrule",
        r"\end{tabular}",
        r"\end{table}",
        "",
    ]
    return "\n".join(lines)


SOURCE_LABELS = {
    "hand": "Hand codings (this project)",
    "sipri": "SIPRI Arms Transfers, trade register",
    "mme": "Multinational Military Exercises v7",
    "jme": "Joint Military Exercises v3",
    "china_vitae": "China Vitae leader engagements",
    "gdelt": "GDELT 1.0 (machine-coded)",
    "icews": "ICEWS (machine-coded)",
}
AREA_SHORT = {
    "contacts": "Contacts",
    "regime_security": "Regime sec.",
    "war_preparation": "War prep.",
    "missions_outside_war": "Missions",
    "wartime_support": "Wartime",
}


def coverage_latex(config: dict[str, Any], report: dict[str, Any]) -> str:
    """Sources x areas: the years each source searched, 'not collected' elsewhere,
    and how many of its records entered the analysis (or that it is absent)."""
    rows = [("hand", {"areas": list(AREAS), **_hand_years(config)})]
    rows += [(name, config["sources"]["coverage"].get(name)) for name in config["sources"]["use"]]
    lines = [
        r"\begin{table}[htbp]",
        r"\centering\scriptsize",
        r"\caption{Data coverage: years each source searched, by area}",
        r"\label{tab:coverage}",
        r"\begin{tabular}{l" + "c" * len(AREAS) + "r}",
        r"\toprule",
        "Source & " + " & ".join(AREA_SHORT[a] for a in AREAS) + r" & Records used \\",
        r"\midrule",
    ]
    used = report["records_in"]
    for name, spec in rows:
        cells = []
        for area in AREAS:
            if spec and area in spec["areas"]:
                span = f"{spec['start']}--{spec['end']}"
                cells.append(
                    span + (" (" + ", ".join(spec["states"]) + ")" if spec.get("states") else "")
                )
            else:
                cells.append(r"\textit{not collected}")
        status = str(used[name]) if name in used else r"\textit{absent}"
        if not spec:
            cells = [r"\textit{review only}"] * len(AREAS)
        lines.append(
            rf"{escape(SOURCE_LABELS.get(name, name))} & " + " & ".join(cells) + rf" & {status} \\"
        )
    lines += [
        r"\bottomrule",
        r"\end{tabular}",
        r"\par\smallskip\parbox{0.95\linewidth}{\footnotesize Records used: records involving "
        r"the states in scope that entered linking. Absent: a third-party dataset that was not "
        r"part of this version of the analysis. Machine-coded sources only corroborate events "
        r"or go to the coders' review list.}",
        r"\end{table}",
        "",
    ]
    return "\n".join(lines)


def _hand_years(config: dict[str, Any]) -> dict[str, int]:
    return {"start": config["period"]["start"], "end": config["period"]["end"]}


def before_after(
    events: pd.DataFrame, focal_states: list[str], split: str, start: int, end: int
) -> pd.DataFrame:
    """Events per focal dyad and area before and from `split` (ISO date, e.g. the
    start of the Russia-Ukraine war), by reference date within [start, end], with
    the months each side spans and the events per year."""
    from itertools import combinations

    from tiesmap.core.dates import parse_partial_date
    from tiesmap.index.hyperedges import dyad_interactions

    pairs = dyad_interactions(events, focal_states)
    when = {
        e: parse_partial_date(d).midpoint
        for e, d in zip(events["event_id"], events["date_start"], strict=True)
    }
    cut = date.fromisoformat(split)
    pairs = pairs.assign(after=pairs["event_id"].map(lambda e: when[e] >= cut))
    pairs = pairs[(pairs["year"] >= start) & (pairs["year"] <= end)]
    months_before = (cut.year - start) * 12 + cut.month - 1 + (cut.day - 1) / 31
    months_after = (end + 1 - cut.year) * 12 - (cut.month - 1) - (cut.day - 1) / 31
    rows = []
    for a, b in combinations(sorted(focal_states), 2):
        dyad = f"{a}-{b}"
        mine = pairs[pairs["dyad"] == dyad]
        for side, months in (("before", months_before), ("after", months_after)):
            part = mine[mine["after"] == (side == "after")]
            row = {"dyad": dyad, "period": side, "months": round(months, 1)}
            for area in AREAS:
                row[f"n_{area}"] = int((part["area"] == area).sum())
            row["n_events"] = len(part)
            row["per_year"] = round(12 * len(part) / months, 2) if months else float("nan")
            rows.append(row)
    return pd.DataFrame(rows)


def before_after_latex(table: pd.DataFrame, codebook: Codebook, split: str) -> str:
    """Before/after counts per dyad and area (booktabs)."""
    heads = " & ".join(
        rf"\parbox[b]{{1.55cm}}{{\raggedleft {escape(codebook.areas[a]['label'])}}}" for a in AREAS
    )
    when = date.fromisoformat(str(split))
    lines = [
        r"\begin{table}[htbp]",
        r"\centering\footnotesize",
        rf"\caption{{Events per focal dyad and area before and after "
        rf"{when.day} {when:%B} {when.year}}}",
        r"\label{tab:beforeafter}",
        r"\begin{tabular}{ll" + "r" * (len(AREAS) + 2) + "}",
        r"\toprule",
        rf"Dyad & Period & {heads} & All & Per year \\",
        r"\midrule",
    ]
    for r in table.to_dict("records"):
        counts = " & ".join(str(r[f"n_{a}"]) for a in AREAS)
        names = [to_name(c) for c in r["dyad"].split("-")]
        dyad = escape("--".join(names)) if r["period"] == "before" else ""
        lines.append(
            rf"{dyad} & {r['period']} & {counts} & {r['n_events']} & {fmt(r['per_year'], 2)} \\"
        )
    months = table.drop_duplicates("period").set_index("period")["months"]
    lines += [
        r"\bottomrule",
        r"\end{tabular}",
        rf"\par\smallskip\parbox{{0.95\linewidth}}{{\scriptsize Dyad-events among the focal "
        rf"states by reference date; before: {fmt(months['before'], 1)} months, after: "
        rf"{fmt(months['after'], 1)} months. An event with three focal states counts for each "
        r"of its three dyads.}",
        r"\end{table}",
        "",
    ]
    return "\n".join(lines)
