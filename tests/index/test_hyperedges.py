"""Events as hyperedges (tiesmap.index.hyperedges) and the duration-aware tie rule
(tiesmap.index.scale with min_duration_months): hand counts on small fixtures."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiesmap.core.codebook import AREAS
from tiesmap.index import hyperedges, scale

FOCAL = ["CHN", "IRN", "PRK", "RUS"]
RULE = {"min_interactions": 2, "window_months": 24, "follow_up_counts": True}


def event(eid, start, parts, area="war_preparation", fmt=None, end="", follow=False, act=None):
    n = len(parts.split(";"))
    return {
        "event_id": eid,
        "date_start": start,
        "date_end": end,
        "participants": parts,
        "activity": act
        or {"contacts": "summit", "wartime_support": "weapons_delivery"}.get(area, "exercise"),
        "area": area,
        "format": fmt or ("multilateral" if n > 2 else "bilateral"),
        "forum": "",
        "follow_up": follow,
        "tiv": np.nan,
        "source_type": "media",
    }


def fixture() -> pd.DataFrame:
    """Hand-countable: two CHN-IRN-RUS drills (2019, 2020), one SCO drill with
    CHN, RUS and three others (2019), bilateral CHN-PRK, PRK-RUS and CHN-RUS events,
    and a CHN-IRN-PRK-RUS summit (2021)."""
    return pd.DataFrame(
        [
            event("A1", "2019-12-27", "CHN;IRN;RUS"),
            event("A2", "2020-11", "CHN;IRN;RUS"),
            event("A3", "2019-08-01", "CHN;KAZ;KGZ;RUS;TJK"),
            event("B1", "2019-06-05", "CHN;PRK", "contacts"),
            event("B2", "2020-06-05", "CHN;PRK", "contacts"),
            event("B3", "2019-04-25", "PRK;RUS", "contacts"),
            event("B4", "2020-04-25", "PRK;RUS", "contacts"),
            event("B5", "2019-03-01", "CHN;RUS", "contacts"),
            event("B6", "2020-03-01", "CHN;RUS", "contacts"),
            event("Q1", "2021-05-01", "CHN;IRN;PRK;RUS", "contacts", fmt="multilateral"),
        ]
    )


def test_bloc_structure_matches_a_hand_count():
    out = hyperedges.bloc_structure(fixture(), FOCAL)
    got = {(r.year, r.n_focal, r.area, r.format): r.n_events for r in out.itertuples()}
    assert got == {
        (2019, 2, "contacts", "bilateral"): 3,  # B1, B3, B5
        (2019, 2, "war_preparation", "multilateral"): 1,  # A3: only CHN, RUS focal
        (2019, 3, "war_preparation", "multilateral"): 1,  # A1
        (2020, 2, "contacts", "bilateral"): 3,
        (2020, 3, "war_preparation", "multilateral"): 1,  # A2
        (2021, 4, "contacts", "multilateral"): 1,  # Q1
    }


def test_incidence_has_one_row_per_event_and_state():
    inc = hyperedges.incidence(fixture(), FOCAL)
    assert len(inc) == 3 + 3 + 5 + 6 * 2 + 4
    a3 = inc[inc["event_id"] == "A3"]
    assert a3["focal"].sum() == 2 and set(a3["n_focal"]) == {2}


def _panel(events: pd.DataFrame, rule: dict, start=2018, end=2021) -> pd.DataFrame:
    """Dyad ties from the fast path, as the workflow computes them."""
    from tiesmap.core.codebook import load_codebook

    codebook = load_codebook("config/codebook.yaml")
    dyads = [f"{a}-{b}" for a, b in combinations(FOCAL, 2)]
    _, ties = scale.panel_with_ties(
        events, dyads, start, end, codebook, None, "full", frozenset({"weapons_delivery"}),
        rule["min_interactions"], rule["window_months"], rule["follow_up_counts"],
        rule.get("min_duration_months"),
    )  # fmt: skip
    return ties


def test_triad_closed_through_bilateral_events_only_and_through_a_trilateral_event():
    events = fixture()
    panel = _panel(events, RULE)
    dyadic = _panel(hyperedges.without_bloc_events(events, FOCAL), RULE)
    triads = hyperedges.triad_year(events, FOCAL, panel, 2018, 2021, RULE, dyadic)
    row = triads.set_index(["triad", "year"])
    # CHN-PRK-RUS: every pair has two bilateral contacts in 2019-20, no event of all three.
    prk = row.loc[("CHN-PRK-RUS", 2020)]
    assert (prk["n_events"], prk["closed"], prk["closed_dyadic"], prk["triad_tie"]) == (0, 1, 1, 0)
    # CHN-IRN-RUS: IRN's ties rest on the two trilateral drills only.
    irn = row.loc[("CHN-IRN-RUS", 2020)]
    assert (irn["n_events"], irn["event_ids"], irn["closed"], irn["closed_dyadic"]) == (
        1, "A2", 1, 0,
    )  # fmt: skip
    assert irn["triad_tie"] == 1 and irn["triad_tie_areas"] == "war_preparation"
    assert row.loc[("CHN-IRN-RUS", 2019), "triad_tie"] == 0  # one drill in the window


def test_dyad_bloc_share_counts_interactions_in_events_with_three_focal_states():
    shares = hyperedges.dyad_bloc_share(fixture(), FOCAL).set_index(["dyad", "period"])
    # CHN-IRN: A1, A2 (3 focal), Q1 (4 focal): all in bloc events.
    assert shares.loc[("CHN-IRN", "all"), "bloc_share"] == 1.0
    # CHN-RUS: B5, B6, A3 (2 focal) and A1, A2, Q1 (bloc): 3 of 6.
    assert shares.loc[("CHN-RUS", "all"), "n_interactions"] == 6
    assert shares.loc[("CHN-RUS", "all"), "bloc_share"] == 0.5


def test_a_25_month_delivery_programme_forms_a_tie_in_each_year_it_is_active():
    events = pd.DataFrame([event("D1", "2022-03", "IRN;RUS", "wartime_support", end="2024-03")])
    rule = {**RULE, "min_duration_months": 3}
    ties = _panel(events, rule, 2020, 2026).set_index(["dyad", "year"])
    got = ties.loc["IRN-RUS", "tie_wartime_support"].to_dict()
    # A tie in t looks back over the 24 months ending in t: 2025's window holds the
    # programme's last months (2024), 2026's does not.
    assert got == {2020: 0, 2021: 0, 2022: 1, 2023: 1, 2024: 1, 2025: 1, 2026: 0}
    assert ties.loc[("IRN-RUS", 2023), "window_wartime_support"] == 1
    # Without the duration rule, one delivery is one event: no tie in any year.
    plain = _panel(events, RULE, 2020, 2026).set_index(["dyad", "year"])
    assert plain.loc["IRN-RUS", "tie_wartime_support"].sum() == 0


def test_two_deliveries_25_months_apart_each_active_for_months_form_ties():
    events = pd.DataFrame(
        [
            event("D1", "2022-08", "IRN;RUS", "wartime_support", end="2022-11"),
            event("D2", "2024-09", "IRN;RUS", "wartime_support"),  # open end: one month
        ]
    )
    rule = {**RULE, "min_duration_months": 3}
    ties = _panel(events, rule, 2021, 2025).set_index(["dyad", "year"])
    assert ties.loc["IRN-RUS", "tie_wartime_support"].to_dict() == {
        2021: 0, 2022: 1, 2023: 1, 2024: 0, 2025: 0,
    }  # fmt: skip


def test_sustained_ties_agree_with_the_fast_path_for_one_dyad():
    rng = np.random.default_rng(7)
    rows = []
    for i in range(30):
        year, month = int(rng.integers(2015, 2021)), int(rng.integers(1, 13))
        length = int(rng.integers(0, 8))
        end_month = (year * 12 + month - 1) + length
        end = f"{end_month // 12}-{end_month % 12 + 1:02d}" if length else ""
        rows.append(
            event(f"E{i}", f"{year}-{month:02d}-15", "IRN;RUS", "war_preparation", end=end,
                  follow=bool(rng.random() < 0.1)))  # fmt: skip
    events = pd.DataFrame(rows)
    for k, m in ((2, 3), (3, 4), (5, None)):
        rule = {"min_interactions": k, "window_months": 12, "follow_up_counts": True,
                "min_duration_months": m}  # fmt: skip
        fast = _panel(events, rule, 2015, 2021).set_index(["dyad", "year"]).loc["IRN-RUS"]
        slow = hyperedges.sustained_ties(
            hyperedges.event_months(events), events["follow_up"].to_numpy(), list(range(2015, 2022)),
            k, 12, True, m,
        ).set_index("year")  # fmt: skip
        assert (fast["tie_war_preparation"].astype(bool) == slow["tie"]).all()
        assert (fast["window_war_preparation"] == slow["window"]).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10_000))
def test_dyad_projection_of_hyperedges_equals_the_dyad_counts_under_full(seed):
    """Under the `full` rule, pairing the focal members of each hyperedge gives the
    panel's per-dyad-year counts of `count_dyads`."""
    rng = np.random.default_rng(seed)
    states = ["CHN", "IRN", "KAZ", "PRK", "RUS"]
    rows = []
    for i in range(40):
        n = int(rng.integers(2, 5))
        parts = sorted(str(s) for s in rng.choice(states, size=n, replace=False))
        area = AREAS[int(rng.integers(len(AREAS)))]
        rows.append(
            event(f"E{i:03d}", f"{int(rng.integers(2010, 2015))}-{int(rng.integers(1, 13)):02d}",
                  ";".join(parts), area, act="summit"))  # fmt: skip
    events = pd.DataFrame(rows)
    projected = hyperedges.dyad_interactions(events, FOCAL).groupby(["dyad", "year", "area"]).size()
    counts = scale.dyad_year_counts(scale.count_dyads(events), "full")
    focal = counts[counts["state_a"].isin(FOCAL) & counts["state_b"].isin(FOCAL)]
    expected = focal.set_index(["dyad", "year", "area"])["weight"]
    expected.index = expected.index.set_levels(
        [lvl.astype(str) if lvl.dtype != np.int64 else lvl for lvl in expected.index.levels]
    )
    assert projected.to_dict() == {k: int(v) for k, v in expected.items()}
