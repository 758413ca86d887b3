"""Linking records from several sources that describe one real-world event.

The same exercise or meeting can arrive from the hand codings, an exercise
dataset, a leader-engagement log and machine-coded news. Two records from
different sources are linked when they share participants (one set containing
the other, so a multilateral event reported bilaterally still matches), have
compatible activities, and date intervals -- as wide as each date's precision --
within a tolerance. Linked records become one event that lists every source.
Nothing is dropped silently: every record is counted as kept, linked into
another event, outside the scope, or sent to the coders' review list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import combinations

import numpy as np
import pandas as pd

from tiesmap.core.dates import parse_partial_date

RECORD_COLUMNS = (
    "record_id",
    "origin",
    "machine_coded",
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
    "follow_up",
    "source",
    "source_type",
    "confidence",
    "tiv",
    "source_record",
    "quantity",
    "quantity_unit",
)


@dataclass(frozen=True)
class LinkResult:
    events: pd.DataFrame  # one row per event in the analysis
    links: pd.DataFrame  # record pairs that were linked
    conflicts: pd.DataFrame  # ambiguous matches left unlinked, for coders
    review: pd.DataFrame  # machine-coded candidates that matched nothing
    report: dict


def as_records(events: pd.DataFrame, origin: str, machine_coded: bool = False) -> pd.DataFrame:
    """Any canonical event table as linkable records of one origin."""
    out = pd.DataFrame(index=events.index)
    for col in RECORD_COLUMNS:
        if col in events.columns:
            out[col] = events[col]
    out["record_id"] = origin + ":" + events["event_id"].astype(str)
    out["origin"] = origin
    out["machine_coded"] = machine_coded
    for col, default in (
        ("tiv", np.nan),
        ("forum", ""),
        ("date_end", ""),
        ("level", ""),
        ("confidence", ""),
        ("source_record", ""),
        ("quantity", ""),
        ("quantity_unit", ""),
    ):
        if col not in out:
            out[col] = default
    out["date_end"] = out["date_end"].fillna("")
    return out[list(RECORD_COLUMNS)].reset_index(drop=True)


def scope_states(config: dict) -> set[str]:
    """The states a record must involve to be linked: focal states and partners."""
    return set(config["focal_states"]) | set(config["scope"]["partners"])


def involves(events: pd.DataFrame, states: set[str]) -> pd.Series:
    """True where an event's participants (ISO3 codes joined by ';') include one of
    `states`: a source's records outside the project's scope are not linked."""
    return events["participants"].str.split(";").map(lambda p: bool(states & set(p)))


def _intervals(records: pd.DataFrame, tolerance: int) -> tuple[np.ndarray, np.ndarray]:
    pad = timedelta(days=tolerance)
    first = [parse_partial_date(d).earliest - pad for d in records["date_start"]]
    last = [
        parse_partial_date(e if e else s).latest + pad
        for s, e in zip(records["date_start"], records["date_end"], strict=True)
    ]
    return np.array(first, dtype="datetime64[D]"), np.array(last, dtype="datetime64[D]")


def _group_of(activity: str, compatible: list[list[str]]) -> str:
    for group in compatible:
        if activity in group:
            return "|".join(sorted(group))
    return activity


def candidate_links(
    records: pd.DataFrame, tolerance: int, compatible: list[list[str]]
) -> pd.DataFrame:
    """All pairs of records from different origins that could be one event, with the
    gap between their date midpoints (smaller is a better match)."""
    recs = records.reset_index(drop=True)
    first, last = _intervals(recs, tolerance)
    keys = []
    for i, rec in enumerate(recs.itertuples(index=False)):
        states = sorted(set(rec.participants.split(";")))
        group = _group_of(rec.activity, compatible)
        years = range(first[i].astype(object).year, last[i].astype(object).year + 1)
        for a, b in combinations(states, 2):
            for y in years:
                keys.append((i, f"{a}-{b}", group, y))
    k = pd.DataFrame(keys, columns=["i", "dyad", "group", "year"])
    k["origin"] = recs["origin"].to_numpy()[k["i"]]
    pairs = k.merge(k, on=["dyad", "group", "year"], suffixes=("_x", "_y"))
    pairs = pairs[(pairs["i_x"] < pairs["i_y"]) & (pairs["origin_x"] != pairs["origin_y"])]
    pairs = pairs[["i_x", "i_y"]].drop_duplicates()
    ix, iy = pairs["i_x"].to_numpy(), pairs["i_y"].to_numpy()
    overlap = (first[ix] <= last[iy]) & (first[iy] <= last[ix])
    sets = [frozenset(p.split(";")) for p in recs["participants"]]
    nested = np.array(
        [sets[a] <= sets[b] or sets[b] <= sets[a] for a, b in zip(ix, iy, strict=True)], dtype=bool
    )
    keep = overlap & nested
    ix, iy = ix[keep], iy[keep]
    mid = first + (last - first) // 2
    gap = np.abs((mid[ix] - mid[iy]).astype(int))
    return pd.DataFrame({"i": ix, "j": iy, "gap_days": gap})


def _one_to_one(cands: pd.DataFrame, origin: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep, for each record and each other origin, only its closest match; a record
    with two equally close matches in one origin is ambiguous and left to coders."""
    if cands.empty:
        return cands, cands
    both = pd.concat(
        [cands.rename(columns={"i": "a", "j": "b"}), cands.rename(columns={"j": "a", "i": "b"})]
    )
    both["origin_b"] = origin[both["b"].to_numpy()]
    best = both.groupby(["a", "origin_b"])["gap_days"].transform("min")
    closest = both[both["gap_days"] == best]
    counts = closest.groupby(["a", "origin_b"])["b"].transform("count")
    ambiguous = closest[counts > 1]
    chosen = closest[counts == 1]
    pairs = {(min(a, b), max(a, b)) for a, b in zip(chosen["a"], chosen["b"], strict=True)}
    mutual = [
        (a, b)
        for a, b in pairs
        if ((chosen["a"] == a) & (chosen["b"] == b)).any()
        and ((chosen["a"] == b) & (chosen["b"] == a)).any()
    ]
    kept = (
        cands.set_index(["i", "j"]).loc[sorted(mutual)].reset_index() if mutual else cands.iloc[0:0]
    )
    amb = ambiguous.rename(columns={"a": "i", "b": "j"})[["i", "j", "gap_days"]]
    return kept, amb


def _clusters(n: int, links: pd.DataFrame) -> np.ndarray:
    parent = np.arange(n)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in zip(links["i"], links["j"], strict=True):
        ri, rj = find(int(i)), find(int(j))
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    return np.array([find(i) for i in range(n)])


def link_records(
    records: pd.DataFrame,
    tolerance: int,
    compatible: list[list[str]],
    priority: list[str],
    include_machine_coded: bool = False,
) -> LinkResult:
    """One event per cluster of linked records, the representative taken from the
    highest-priority origin (hand codings first); provenance kept in `linked_records`."""
    recs = records.sort_values(["origin", "record_id"], ignore_index=True)
    origin = recs["origin"].to_numpy()
    cands = candidate_links(recs, tolerance, compatible)
    links, ambiguous = _one_to_one(cands, origin)
    cluster = _clusters(len(recs), links)
    recs["cluster"] = cluster
    dup = recs.groupby(["cluster", "origin"])["record_id"].transform("count") > 1
    broken = set(recs.loc[dup, "cluster"])
    conflicts = pd.concat(
        [
            ambiguous.assign(reason="two equally close matches in one source"),
            links[[c in broken for c in cluster[links["i"].to_numpy()]]].assign(
                reason="cluster would merge two records of one source"
            ),
        ]
    )
    if broken:
        links = links[[c not in broken for c in cluster[links["i"].to_numpy()]]]
        recs.loc[recs["cluster"].isin(broken), "cluster"] = recs.index[recs["cluster"].isin(broken)]
    rank = {o: i for i, o in enumerate(priority)}
    recs["_rank"] = recs["origin"].map(lambda o: rank.get(o, len(rank)))
    recs = recs.sort_values(["cluster", "_rank", "record_id"], kind="stable")
    size = recs.groupby("cluster")["record_id"].transform("count")
    lone_machine = recs["machine_coded"] & (size == 1)
    review = recs[lone_machine].drop(columns=["cluster", "_rank"])
    kept = recs if include_machine_coded else recs[~lone_machine]
    groups = kept.groupby("cluster", sort=False)
    rep = groups.head(1).set_index("cluster")
    rep["linked_records"] = groups["record_id"].agg(";".join)
    rep["origins"] = groups["origin"].agg(lambda s: ";".join(dict.fromkeys(s)))
    rep["n_sources"] = groups["origin"].nunique()
    rep["source"] = groups["source"].agg(lambda s: " | ".join(dict.fromkeys(s)))
    rep["corroborated_by_machine_coding"] = groups["machine_coded"].any() & ~rep["machine_coded"]
    events = (
        rep.drop(columns=["_rank"])
        .reset_index(drop=True)
        .sort_values(["date_start", "record_id"], ignore_index=True)
    )
    report = {
        "records_in": {
            o: int((records["origin"] == o).sum())
            for o in sorted(set(priority) & set(records["origin"]) | set(records["origin"]))
        },
        "events_out": int(len(events)),
        "records_linked_into_other_events": int(len(kept) - len(events)),
        "records_to_review": int(len(review)),
        "linked_clusters": int((rep["n_sources"] > 1).sum()),
        "conflicts": int(len(conflicts)),
    }
    accounted = len(events) + report["records_linked_into_other_events"]
    accounted += 0 if include_machine_coded else len(review)
    if accounted != len(records):
        raise AssertionError(f"linking lost records: {len(records)} in, {accounted} accounted for")
    ids = recs["record_id"]
    link_table = pd.DataFrame(
        {
            "record_a": ids.reindex(links["i"]).to_numpy(),
            "record_b": ids.reindex(links["j"]).to_numpy(),
            "gap_days": links["gap_days"].to_numpy(),
        }
    ).sort_values(["record_a", "record_b"], ignore_index=True)
    conflicts_table = (
        pd.DataFrame(
            {
                "record_a": ids.reindex(conflicts["i"]).to_numpy(),
                "record_b": ids.reindex(conflicts["j"]).to_numpy(),
                "reason": conflicts["reason"].to_numpy(),
            }
        )
        .drop_duplicates()
        .sort_values(["record_a", "record_b"], ignore_index=True)
    )
    return LinkResult(events, link_table, conflicts_table, review.reset_index(drop=True), report)
