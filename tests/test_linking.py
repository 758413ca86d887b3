"""Cross-source linking: one event per real-world event, with every source kept."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiesmap.sources.linking import as_records, link_records

PRIORITY = ["hand", "mme", "china_vitae", "gdelt"]
COMPATIBLE = [["arms_sale", "weapons_delivery"]]


def table(*rows):
    """rows: (event_id, date_start, date_end, participants, activity)."""
    return pd.DataFrame(
        [
            {
                "event_id": e,
                "date_start": d,
                "date_end": de,
                "date_precision": {4: "year", 7: "month", 10: "day"}[len(d)],
                "participants": p,
                "activity": a,
                "area": "war_preparation" if a == "exercise" else "contacts",
                "format": "bilateral" if p.count(";") == 1 else "multilateral",
                "follow_up": False,
                "source": f"source of {e}",
                "source_type": "dataset",
            }
            for e, d, de, p, a in rows
        ]
    )


def run(*tables, machine=(), tolerance=3):
    recs = pd.concat(
        [as_records(t, origin, origin in machine) for origin, t in tables], ignore_index=True
    )
    return link_records(recs, tolerance, COMPATIBLE, PRIORITY)


def test_day_and_month_precision_records_link():
    hand = table(("E1", "2009-07-22", "2009-07-26", "CHN;RUS", "exercise"))
    mme = table(("M1", "2009-07", "", "CHN;RUS", "exercise"))
    result = run(("hand", hand), ("mme", mme))
    assert len(result.events) == 1
    event = result.events.iloc[0]
    assert event["record_id"] == "hand:E1"  # the hand coding represents the event
    assert event["linked_records"] == "hand:E1;mme:M1"
    assert event["source"] == "source of E1 | source of M1"
    assert result.report["records_linked_into_other_events"] == 1


def test_dates_too_far_apart_do_not_link():
    hand = table(("E1", "2009-07-22", "", "CHN;RUS", "exercise"))
    mme = table(("M1", "2009-08-10", "", "CHN;RUS", "exercise"))
    assert len(run(("hand", hand), ("mme", mme)).events) == 2
    assert len(run(("hand", hand), ("mme", mme), tolerance=30).events) == 1


def test_multilateral_event_reported_bilaterally():
    hand = table(("E1", "2007-08-09", "2007-08-17", "CHN;KAZ;KGZ;RUS;TJK", "exercise"))
    vitae = table(("V1", "2007-08-10", "", "CHN;RUS", "exercise"))
    result = run(("hand", hand), ("mme", vitae))
    assert len(result.events) == 1
    assert result.events.iloc[0]["participants"] == "CHN;KAZ;KGZ;RUS;TJK"


def test_incompatible_activity_or_participants_do_not_link():
    hand = table(("E1", "2019-06-05", "", "CHN;RUS", "summit"))
    other = table(
        ("V1", "2019-06-05", "", "CHN;RUS", "exercise"),
        ("V2", "2019-06-05", "", "CHN;IRN", "summit"),
    )
    assert len(run(("hand", hand), ("china_vitae", other)).events) == 3


def test_records_of_one_source_are_never_merged():
    hand = table(
        ("E1", "2019-06-05", "", "CHN;RUS", "summit"),
        ("E2", "2019-06-06", "", "CHN;RUS", "summit"),
    )
    assert len(run(("hand", hand)).events) == 2


def test_ambiguous_match_goes_to_conflicts():
    hand = table(
        ("E1", "2019-06-04", "", "CHN;RUS", "summit"),
        ("E2", "2019-06-06", "", "CHN;RUS", "summit"),
    )
    vitae = table(("V1", "2019-06-05", "", "CHN;RUS", "summit"))
    result = run(("hand", hand), ("china_vitae", vitae))
    assert len(result.events) == 3
    assert set(result.conflicts["reason"]) == {"two equally close matches in one source"}


def test_machine_coded_candidates_review_or_corroborate():
    hand = table(("E1", "2019-06-05", "", "CHN;RUS", "summit"))
    gdelt = table(
        ("G1", "2019-06-05", "", "CHN;RUS", "summit"),
        ("G2", "2019-10-01", "", "IRN;RUS", "summit"),
    )
    result = run(("hand", hand), ("gdelt", gdelt), machine=("gdelt",))
    assert list(result.events["record_id"]) == ["hand:E1"]
    assert bool(result.events.iloc[0]["corroborated_by_machine_coding"])
    assert list(result.review["record_id"]) == ["gdelt:G2"]
    r = result.report
    assert sum(r["records_in"].values()) == (
        r["events_out"] + r["records_linked_into_other_events"] + r["records_to_review"]
    )


@settings(max_examples=40, deadline=None)
@given(st.permutations(list(range(6))))
def test_linking_is_independent_of_row_order(order):
    hand = table(
        ("E1", "2009-07-22", "2009-07-26", "CHN;RUS", "exercise"),
        ("E2", "2010-09-10", "", "CHN;KAZ;RUS", "exercise"),
        ("E3", "2011-01-01", "", "CHN;IRN", "summit"),
    )
    mme = table(
        ("M1", "2009-07", "", "CHN;RUS", "exercise"),
        ("M2", "2010-09-12", "", "CHN;RUS", "exercise"),
        ("M3", "2015", "", "IRN;RUS", "exercise"),
    )
    recs = pd.concat([as_records(hand, "hand"), as_records(mme, "mme")], ignore_index=True)
    base = link_records(recs, 3, COMPATIBLE, PRIORITY).events
    shuffled = link_records(recs.iloc[list(order)].reset_index(drop=True), 3, COMPATIBLE, PRIORITY)
    pd.testing.assert_frame_equal(base, shuffled.events)
    assert len(base) == 4


@pytest.mark.parametrize("include", [False, True])
def test_counts_in_equal_counts_out(include):
    hand = table(("E1", "2019-06-05", "", "CHN;RUS", "summit"))
    gdelt = table(("G2", "2019-10-01", "", "IRN;RUS", "summit"))
    recs = pd.concat(
        [as_records(hand, "hand"), as_records(gdelt, "gdelt", True)], ignore_index=True
    )
    result = link_records(recs, 3, COMPATIBLE, PRIORITY, include_machine_coded=include)
    assert len(result.events) == (2 if include else 1)
