"""Events as hyperedges: bloc or web?

The dyad panel splits an event with n states into n(n-1)/2 pairs. A
China-Russia-Iran naval drill then looks like three bilateral ties, and the
triangle it draws in the network is an artefact of the split unless the three
pairs also interact on their own. This module keeps the event x state incidence
(each event a hyperedge over its participants) next to the dyad projection:

* `incidence`: one row per event and participating state;
* `bloc_structure`: events per year by the number of focal states involved
  (2, 3, 4), area and format;
* `triad_year`: per triad of focal states and year, the events that involve all
  three, the ties among its three pairs, and whether the triad itself has a
  tie under the same sustained rule as a dyad (`sustained_ties`);
* `dyad_bloc_share`: the share of each dyad's interactions that sit inside
  events with three or more focal states;
* `bloc_measure`: per year, the share of focal interaction in the window that
  comes from bloc events, and how many triads are closed by the dyad ties
  against how many the ties from events with two focal states alone close.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from tiesmap.core.codebook import AREAS
from tiesmap.core.dates import parse_partial_date

BLOC_SIZES = (2, 3, 4)


def _months(text: str, last: bool) -> int:
    """First (or last) month of a partial date, as months since year 0."""
    parts = str(text).split("-")
    year = int(parts[0])
    if len(parts) >= 2:
        return year * 12 + int(parts[1]) - 1
    return year * 12 + (11 if last else 0)


def event_months(events: pd.DataFrame, with_duration: bool = True) -> pd.DataFrame:
    """Reference, first and last active month of each event (months since year 0).

    Same rule as `tiesmap.index.scale.event_spans`: an event with `date_end` is active
    from the first month of `date_start` to the last month of `date_end`; one
    without is active in the month of its reference date (the midpoint) only.
    """
    ref = events["date_start"].map(parse_partial_date).map(lambda p: p.midpoint)
    reference = np.array([d.year * 12 + d.month - 1 for d in ref], dtype=np.int64)
    end = events.get("date_end", pd.Series("", index=events.index)).fillna("").astype(str)
    has_end = (end.str.len() >= 4).to_numpy() & with_duration
    first = np.array(
        [
            _months(s, last=False) if h else r
            for s, h, r in zip(events["date_start"], has_end, reference, strict=True)
        ],
        dtype=np.int64,
    )
    last = np.array(
        [
            _months(e, last=True) if h else r
            for e, h, r in zip(end, has_end, reference, strict=True)
        ],
        dtype=np.int64,
    )
    return pd.DataFrame(
        {"reference": reference, "first": first, "last": np.maximum(first, last)},
        index=events.index,
    )


def incidence(events: pd.DataFrame, focal_states: list[str]) -> pd.DataFrame:
    """The event x state incidence: one row per event and listed state, with the
    event's year (of its reference date), area, format and its number of focal states."""
    focal = set(focal_states)
    months = event_months(events, with_duration=False)
    rows = []
    for rec, ref in zip(events.to_dict("records"), months["reference"], strict=True):
        states = sorted(dict.fromkeys(rec["participants"].split(";")))
        n_focal = sum(s in focal for s in states)
        for state in states:
            rows.append(
                {
                    "event_id": rec["event_id"],
                    "state": state,
                    "focal": state in focal,
                    "year": int(ref // 12),
                    "area": rec["area"],
                    "format": rec["format"],
                    "activity": rec["activity"],
                    "n_participants": len(states),
                    "n_focal": n_focal,
                }
            )
    columns = [
        "event_id",
        "state",
        "focal",
        "year",
        "area",
        "format",
        "activity",
        "n_participants",
        "n_focal",
    ]
    return pd.DataFrame(rows, columns=columns).sort_values(["event_id", "state"], ignore_index=True)


def focal_events(events: pd.DataFrame, focal_states: list[str]) -> pd.DataFrame:
    """Events with their focal participants (`focal`, ';'-joined) and their number."""
    focal = set(focal_states)
    listed = events["participants"].str.split(";")
    out = events.copy()
    out["focal"] = listed.map(lambda ps: ";".join(sorted({p for p in ps if p in focal})))
    out["n_focal"] = out["focal"].map(lambda f: len(f.split(";")) if f else 0)
    months = event_months(out, with_duration=False)
    out["year"] = (months["reference"] // 12).astype(int)
    return out


def bloc_structure(events: pd.DataFrame, focal_states: list[str]) -> pd.DataFrame:
    """Events per year x number of focal states involved (2, 3, 4) x area x format
    (only events involving at least two focal states; zero rows omitted)."""
    ev = focal_events(events, focal_states)
    ev = ev[ev["n_focal"] >= 2]
    out = (
        ev.groupby(["year", "n_focal", "area", "format"], sort=True)
        .size()
        .rename("n_events")
        .reset_index()
    )
    return out.astype({"year": int, "n_focal": int, "n_events": int})


def sustained_ties(
    months: pd.DataFrame,
    follow_up: np.ndarray,
    years: list[int],
    min_interactions: int,
    window_months: int,
    follow_up_counts: bool,
    min_duration_months: int | None,
) -> pd.DataFrame:
    """The sustained-tie rule for one set of actors (a dyad or a triad) in one area.

    Year t has a tie when at least `min_interactions` events are active in the
    `window_months` months ending 31 December of t, or one event with a
    follow-up flag falls in the window, or an event lasting at least
    `min_duration_months` months is active in it. Without `min_duration_months`
    events are counted by their reference month, as the event-count rule does.
    """
    reference = months["reference"].to_numpy()
    first = months["first"].to_numpy() if min_duration_months else reference
    last = months["last"].to_numpy() if min_duration_months else reference
    duration = last - first + 1
    rows = []
    for year in years:
        end = year * 12 + 11
        begin = end - window_months
        active = (first <= end) & (last > begin)
        followed = bool(np.any(follow_up & (reference <= end) & (reference > begin)))
        lasting = bool(min_duration_months) and bool(
            np.any(active & (duration >= (min_duration_months or 0)))
        )
        n = int(active.sum())
        tie = n >= min_interactions or (follow_up_counts and followed) or lasting
        rows.append({"year": year, "window": n, "lasting": lasting, "tie": tie})
    return pd.DataFrame(rows, columns=["year", "window", "lasting", "tie"])


def _any_tie(panel: pd.DataFrame) -> pd.DataFrame:
    ties = panel[[f"tie_{a}" for a in AREAS]]
    return panel[["dyad", "year"]].assign(tie=(ties.fillna(0).max(axis=1) > 0).astype(int))


def triads_of(focal_states: list[str]) -> list[tuple[str, str, str]]:
    return list(combinations(sorted(focal_states), 3))


def triad_year(
    events: pd.DataFrame,
    focal_states: list[str],
    panel: pd.DataFrame,
    start: int,
    end: int,
    tie_rule: dict,
    dyadic_panel: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per triad x year: events involving all three states (active that year), the
    any-area ties of its three pairs (`panel`), whether they close the triad, whether
    the ties from events with only two focal states (`dyadic_panel`) close it, and
    the triad-level tie: the sustained rule applied to the events of all three."""
    years = list(range(start, end + 1))
    ev = focal_events(events, focal_states)
    months = event_months(ev)
    ties = _any_tie(panel).set_index(["dyad", "year"])["tie"]
    dyadic = (
        _any_tie(dyadic_panel).set_index(["dyad", "year"])["tie"]
        if dyadic_panel is not None
        else None
    )
    rows = []
    for triad in triads_of(focal_states):
        involved = ev["participants"].str.split(";").map(set(triad).issubset)
        inv = ev[involved.to_numpy()]
        inv_months = months[involved.to_numpy()]
        pairs = [f"{a}-{b}" for a, b in combinations(triad, 2)]
        by_area = {}
        for area in AREAS:
            in_area = (inv["area"] == area).to_numpy()
            by_area[area] = sustained_ties(
                inv_months[in_area],
                inv["follow_up"].to_numpy(dtype=bool)[in_area],
                years,
                tie_rule["min_interactions"],
                tie_rule["window_months"],
                tie_rule["follow_up_counts"],
                tie_rule.get("min_duration_months"),
            ).set_index("year")["tie"]
        for year in years:
            active = (inv_months["first"] // 12 <= year) & (inv_months["last"] // 12 >= year)
            ids = sorted(inv.loc[active.to_numpy(), "event_id"])
            pair_ties = [int(ties.get((p, year), 0)) for p in pairs]
            row = {
                "triad": "-".join(triad),
                "year": year,
                "n_events": len(ids),
                "event_ids": ";".join(ids),
                **{f"tie_pair_{i + 1}": pair for i, pair in enumerate(pairs)},
                **{f"tie_{i + 1}": t for i, t in enumerate(pair_ties)},
                "pairs_tied": sum(pair_ties),
                "closed": int(all(pair_ties)),
            }
            if dyadic is not None:
                row["closed_dyadic"] = int(all(dyadic.get((p, year), 0) for p in pairs))
            areas = [a for a in AREAS if bool(by_area[a].loc[year])]
            row["triad_tie"] = int(bool(areas))
            row["triad_tie_areas"] = ";".join(areas)
            rows.append(row)
    return pd.DataFrame(rows)


def dyad_interactions(events: pd.DataFrame, focal_states: list[str]) -> pd.DataFrame:
    """The dyad projection of the hyperedges among focal states: one row per event
    and pair of its focal participants, with the event's number of focal states."""
    ev = focal_events(events, focal_states)
    rows = []
    for rec in ev[ev["n_focal"] >= 2].to_dict("records"):
        for a, b in combinations(rec["focal"].split(";"), 2):
            rows.append(
                {
                    "dyad": f"{a}-{b}",
                    "year": rec["year"],
                    "area": rec["area"],
                    "event_id": rec["event_id"],
                    "n_focal": rec["n_focal"],
                }
            )
    return pd.DataFrame(rows, columns=["dyad", "year", "area", "event_id", "n_focal"])


def dyad_bloc_share(events: pd.DataFrame, focal_states: list[str]) -> pd.DataFrame:
    """Per focal dyad: its interactions, those inside events with three or more focal
    states, and their share (whole period and before/after 2022)."""
    pairs = dyad_interactions(events, focal_states)
    rows = []
    for a, b in combinations(sorted(focal_states), 2):
        dyad = f"{a}-{b}"
        mine = pairs[pairs["dyad"] == dyad]
        for period, part in (
            ("all", mine),
            ("before_2022", mine[mine["year"] < 2022]),
            ("from_2022", mine[mine["year"] >= 2022]),
        ):
            bloc = int((part["n_focal"] >= 3).sum())
            rows.append(
                {
                    "dyad": dyad,
                    "period": period,
                    "n_interactions": len(part),
                    "n_in_bloc_events": bloc,
                    "bloc_share": bloc / len(part) if len(part) else np.nan,
                }
            )
    return pd.DataFrame(rows)


def bloc_measure(
    events: pd.DataFrame, focal_states: list[str], triads: pd.DataFrame, window_months: int
) -> pd.DataFrame:
    """Per year: focal interactions (dyad-events among focal states) in the window
    ending 31 December, the share of them inside events with 3+ focal states
    (`bloc_share`), triads closed by the dyad ties, triads the ties from events with
    two focal states alone would close, and triads with a triad-level tie."""
    pairs = dyad_interactions(events, focal_states)
    ev = focal_events(events, focal_states)
    month = event_months(ev, with_duration=False)["reference"]
    month_of = dict(zip(ev["event_id"], month, strict=True))
    pairs = pairs.assign(month=pairs["event_id"].map(month_of))
    rows = []
    for year, group in triads.groupby("year", sort=True):
        end = int(year) * 12 + 11
        inside = pairs[(pairs["month"] > end - window_months) & (pairs["month"] <= end)]
        n = len(inside)
        bloc = int((inside["n_focal"] >= 3).sum())
        row = {
            "year": int(year),
            "n_interactions": n,
            "n_in_bloc_events": bloc,
            "bloc_share": bloc / n if n else np.nan,
            "closed_triads": int(group["closed"].sum()),
        }
        if "closed_dyadic" in group:
            row["closed_triads_dyadic"] = int(group["closed_dyadic"].sum())
        row["triad_ties"] = int(group["triad_tie"].sum())
        rows.append(row)
    return pd.DataFrame(rows)


def without_bloc_events(events: pd.DataFrame, focal_states: list[str]) -> pd.DataFrame:
    """Events with at most two focal states: what the dyadic ties alone rest on."""
    ev = focal_events(events, focal_states)
    return events[(ev["n_focal"] <= 2).to_numpy()]
