"""Findings by area: which constellations of focal states interact, when, and in
which named events, so that the paper's text can point to the events that drive
each pattern instead of to averages alone.

A constellation is the set of focal states taking part in an event (a pair, a
triad or all four), kept whole rather than split into pairs: a trilateral drill
is listed once, under its three states.
"""

from __future__ import annotations

import pandas as pd

from tiesmap.core.codebook import AREAS, Codebook
from tiesmap.core.latex import escape

# The pilot's periods: before the annexation of Crimea, up to the full-scale
# invasion of Ukraine, and the wartime years.
PERIODS = ((None, 2013), (2014, 2021), (2022, None))
STATE_NAMES = {"CHN": "China", "RUS": "Russia", "IRN": "Iran", "PRK": "North Korea"}


def period_label(start: int | None, end: int | None, first: int, last: int) -> str:
    return f"{start or first}--{end or last}"


def constellation(participants: str, focal: tuple[str, ...]) -> str:
    """'China--Iran--Russia' for the focal states among an event's participants."""
    states = sorted(s for s in participants.split(";") if s in focal)
    return "--".join(STATE_NAMES.get(s, s) for s in states)


def short_label(title: str, width: int = 44) -> str:
    """A register title cut to its head: up to the first colon or bracket, at most
    `width` characters (at a word boundary), so a table row stays on one or two lines."""
    head = title.split(":")[0].split(" (")[0].strip()
    if len(head) <= width:
        return head
    return head[:width].rsplit(" ", 1)[0].rstrip(",;") + "..."


def event_labels(assignments: pd.DataFrame, series: pd.DataFrame | None) -> dict[str, str]:
    """A short name per event: the series edition where the event belongs to a
    recurring series, else the head of the register's title (`short_label`)."""
    labels = {r.event_id: short_label(str(r.title)) for r in assignments.itertuples(index=False)}
    if series is not None:
        for r in series.itertuples(index=False):
            if r.status == "coded":
                for eid in str(r.event_id).split(";"):
                    if eid.strip():
                        labels[eid.strip()] = short_label(str(r.edition))
    return labels


def constellation_counts(
    events: pd.DataFrame, focal: tuple[str, ...], first: int, last: int
) -> pd.DataFrame:
    """Events per area, constellation and period (hand-coded and linked events
    with at least two focal states)."""
    frame = events.assign(
        constellation=[constellation(p, focal) for p in events["participants"]],
        n_focal=[sum(s in focal for s in p.split(";")) for p in events["participants"]],
        year=pd.to_datetime(events["date_start"].str[:4], format="%Y").dt.year,
    )
    frame = frame[frame["n_focal"] >= 2]
    out = []
    for (area, name), group in frame.groupby(["area", "constellation"], sort=True):
        row = {"area": area, "constellation": name, "n_focal": int(group["n_focal"].iloc[0])}
        for start, end in PERIODS:
            lo, hi = start or first, end or last
            row[period_label(start, end, first, last)] = int(group["year"].between(lo, hi).sum())
        row["total"] = len(group)
        out.append(row)
    return pd.DataFrame(out)


def findings_table(
    events: pd.DataFrame,
    labels: dict[str, str],
    codebook: Codebook,
    focal: tuple[str, ...],
    first: int,
    last: int,
    examples: int = 2,
) -> str:
    """A booktabs table: per area, each constellation's events by period and the
    most recent named events."""
    counts = constellation_counts(events, focal, first, last)
    periods = [period_label(s, e, first, last) for s, e in PERIODS]
    frame = events.assign(
        constellation=[constellation(p, focal) for p in events["participants"]]
    ).sort_values(["date_start", "event_id"], ascending=[False, True])
    lines = [
        r"\begin{table}[htbp]",
        r"\centering\scriptsize",
        r"\caption{Coded events by area and constellation of focal states, with the most "
        r"recent named events.}\label{tab:findings}",
        r"\begin{tabular}{@{}p{2.7cm}rrrp{8.4cm}@{}}",
        r"\toprule",
        "Constellation & " + " & ".join(periods) + r" & Most recent events \\",
    ]
    for area in AREAS:
        rows = counts[counts["area"] == area].sort_values(
            ["total", "constellation"], ascending=[False, True]
        )
        label = codebook.areas[area]["label"] if area in codebook.areas else area
        lines.append(r"\midrule")
        lines.append(rf"\multicolumn{{5}}{{@{{}}l}}{{\textit{{{escape(label)}}}}} \\")
        if rows.empty:
            lines.append(r"\multicolumn{5}{@{}l}{\quad no coded events} \\")
            continue
        for r in rows.to_dict("records"):
            named = frame[(frame["area"] == area) & (frame["constellation"] == r["constellation"])]
            names = []
            for eid in named["event_id"]:
                name = labels.get(eid)
                if name and name not in names:
                    names.append(name)
                if len(names) == examples:
                    break
            cells = [str(r[p]) for p in periods]
            lines.append(
                f"{escape(r['constellation'])} & "
                + " & ".join(cells)
                + f" & {escape('; '.join(names))} \\\\"
            )
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)


def _camel(text: str) -> str:
    return "".join(part.capitalize() for part in text.replace("-", "_").split("_") if part)


def findings_macros(
    events: pd.DataFrame,
    codebook: Codebook,
    focal: tuple[str, ...],
    first: int,
    last: int,
    war_start: int,
) -> dict[str, str]:
    """Numbers the findings' prose cites: events per area before and during the war
    years, each area's leading constellation and its share, and the years in which
    the Chinese and Russian leaders are coded as meeting."""
    counts = constellation_counts(events, focal, first, last)
    year = events["date_start"].str[:4].astype(int)
    v: dict[str, str] = {"WarStartYear": str(war_start)}
    for area in AREAS:
        key = _camel(area)
        in_area = events["area"] == area
        v[f"NEvents{key}Before"] = str(int((in_area & (year < war_start)).sum()))
        v[f"NEvents{key}War"] = str(int((in_area & (year >= war_start)).sum()))
        rows = counts[counts["area"] == area].sort_values(
            ["total", "constellation"], ascending=[False, True]
        )
        if rows.empty:
            v[f"Top{key}"] = "none"
            v[f"Top{key}Share"] = "0"
        else:
            top = rows.iloc[0]
            v[f"Top{key}"] = escape(top["constellation"])
            v[f"Top{key}Share"] = str(round(100 * top["total"] / rows["total"].sum()))
    pair = events["participants"].map(lambda p: {"CHN", "RUS"} <= set(p.split(";")))
    leaders = events[pair & (events["level"] == "head_of_state")]
    v["NYearsChnRusLeaders"] = str(leaders["date_start"].str[:4].nunique())
    v["NStudyYears"] = str(last - first + 1)
    return v


def data_macros(changelog: pd.DataFrame, series: pd.DataFrame) -> dict[str, str]:
    """Numbers the data section cites: how the re-check changed the codings and how
    complete the recurring series are."""
    values = changelog[changelog["column"] != "(event)"]
    events = changelog[changelog["column"] == "(event)"].drop_duplicates(["event_id", "new_value"])
    action = events["new_value"]
    corrected = values.drop_duplicates(["event_id", "column", "new_value"])
    status = series["status"].value_counts()
    return {
        "NCorrectedValues": str(len(corrected)),
        "NCorrectedEvents": str(corrected["event_id"].nunique()),
        "NWithdrawnEvents": str(int((action == "withdrawn").sum())),
        "NMergedEvents": str(int(action.str.startswith("merged into").sum())),
        "NAddedEvents": str(int((action == "added").sum())),
        "NSeries": str(series["series"].nunique()),
        "NSeriesEditions": str(len(series)),
        "NSeriesCoded": str(int(status.get("coded", 0))),
        "NSeriesNotFound": str(int(status.get("not_found", 0))),
        "NSeriesNotHeld": str(int(status.get("not_held", 0))),
    }


# How the paper names each third-party source of events.
SOURCE_PHRASES = {
    "sipri": "arms transfers from the SIPRI Arms Transfers Database",
    "mme": "multinational exercises from the Multinational Military Exercises dataset",
    "jme": "joint exercises from the Joint Military Exercises dataset",
    "china_vitae": "Chinese leaders' meetings from China Vitae",
    "gdelt": "machine-coded events from GDELT",
    "icews": "machine-coded events from ICEWS",
}


def sources_sentence(used: list[str], linking: dict) -> str:
    """One sentence, in words, on which third-party sources entered the analysis."""
    phrases = [SOURCE_PHRASES.get(s, s) for s in sorted(used) if s != "hand"]
    if not phrases:
        return (
            "This version of the analysis rests on the hand-coded events alone; the "
            "third-party datasets that can extend and check them were not part of it."
        )
    listed = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    return (
        f"Besides the hand-coded events, this version of the analysis uses {listed}. "
        "Records from different sources that describe the same event are linked into one "
        f"event that keeps all its sources: {linking['linked_clusters']:,} events combine "
        f"records of several sources, {linking['conflicts']} ambiguous matches are left to "
        f"the coders, and {linking['records_to_review']} machine-coded records that matched "
        f"no coded event await review; {linking['events_out']:,} events enter the analysis."
    )


ARMS_ACTIVITIES = ("arms_sale", "weapons_delivery")


def decades(first: int, last: int) -> list[tuple[int, int]]:
    """Calendar decades cut to the study period, e.g. 2005-2009, 2010-2019, 2020-2025."""
    out, start = [], first
    while start <= last:
        end = min(last, (start // 10) * 10 + 9)
        out.append((start, end))
        start = end + 1
    return out


def arms_flows(events: pd.DataFrame, focal: tuple[str, ...], first: int, last: int) -> pd.DataFrame:
    """Transfers between focal states by supplier, recipient and decade: the number of
    coded transfers and, where SIPRI records them, the sum of trend-indicator values.
    The supplier is the first participant of a directed activity."""
    arms = events[events["activity"].isin(ARMS_ACTIVITIES)]
    parts = arms["participants"].str.split(";")
    arms = arms.assign(
        supplier=parts.str[0],
        recipient=parts.str[1],
        year=arms["date_start"].str[:4].astype(int),
        tiv=arms["tiv"] if "tiv" in arms else float("nan"),
    )
    arms = arms[arms["supplier"].isin(focal) & arms["recipient"].isin(focal)]
    rows = []
    for (supplier, recipient), group in arms.groupby(["supplier", "recipient"], sort=True):
        for lo, hi in decades(first, last):
            window = group[group["year"].between(lo, hi)]
            rows.append(
                {
                    "supplier": supplier,
                    "recipient": recipient,
                    "decade": f"{lo}--{hi}",
                    "transfers": len(window),
                    "tiv": float(window["tiv"].sum()) if window["tiv"].notna().any() else None,
                }
            )
    return pd.DataFrame(rows, columns=["supplier", "recipient", "decade", "transfers", "tiv"])


def arms_table(events: pd.DataFrame, focal: tuple[str, ...], first: int, last: int) -> str:
    """Supplier -> recipient rows, one column per decade: transfers, with SIPRI's
    trend-indicator values in brackets where the register is part of the analysis."""
    flows = arms_flows(events, focal, first, last)
    spans = [f"{lo}--{hi}" for lo, hi in decades(first, last)]
    has_tiv = flows["tiv"].notna().any()
    what = (
        "number of transfers (SIPRI trend-indicator values in millions in brackets)"
        if has_tiv
        else "number of coded transfers"
    )
    lines = [
        r"\begin{table}[htbp]",
        r"\centering\footnotesize",
        rf"\caption{{Arms transfers among the focal states by supplier, recipient and period: {what}.}}\label{{tab:arms}}",
        r"\begin{tabular}{@{}ll" + "r" * len(spans) + "@{}}",
        r"\toprule",
        "Supplier & Recipient & " + " & ".join(spans) + r" \\",
        r"\midrule",
    ]
    if flows.empty:
        lines.append(rf"\multicolumn{{{2 + len(spans)}}}{{@{{}}l}}{{No coded transfers.}} \\")
    for (supplier, recipient), group in flows.groupby(["supplier", "recipient"], sort=True):
        cells = []
        for span in spans:
            row = group[group["decade"] == span].iloc[0]
            cell = str(int(row["transfers"]))
            if has_tiv and row["tiv"] is not None and row["tiv"] == row["tiv"]:
                cell += f" ({row['tiv']:,.0f})".replace(",", "{,}")
            cells.append(cell)
        lines.append(
            f"{STATE_NAMES.get(supplier, supplier)} & {STATE_NAMES.get(recipient, recipient)} & "
            + " & ".join(cells)
            + r" \\"
        )
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)


def arms_macros(
    events: pd.DataFrame, focal: tuple[str, ...], first: int, last: int
) -> dict[str, str]:
    """The arms paragraph's numbers: the leading supplier-recipient pair and its share."""
    flows = arms_flows(events, focal, first, last)
    has_tiv = bool(flows["tiv"].notna().any())
    by_pair = flows.groupby(["supplier", "recipient"])["tiv" if has_tiv else "transfers"].sum()
    if by_pair.empty or by_pair.sum() == 0:
        return {"ArmsTopPair": "none", "ArmsTopShare": "0", "NArmsTransfers": "0"}
    top = by_pair.sort_values(ascending=False, kind="stable").index[0]
    name = f"{STATE_NAMES.get(top[0], top[0])} to {STATE_NAMES.get(top[1], top[1])}"
    return {
        "ArmsTopPair": name,
        "ArmsTopShare": str(round(100 * by_pair.loc[top] / by_pair.sum())),
        "NArmsTransfers": str(int(flows["transfers"].sum())),
    }
