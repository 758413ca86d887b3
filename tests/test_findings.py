"""Findings by area and the data section's numbers, against hand counts."""

import pandas as pd

from tiesmap.report.findings import (
    constellation,
    constellation_counts,
    data_macros,
    event_labels,
    findings_macros,
    findings_table,
    sources_sentence,
)

FOCAL = ("CHN", "RUS", "IRN", "PRK")


def _events():
    rows = [
        ("E1", "2010-05-01", "CHN;RUS", "war_preparation", "military"),
        ("E2", "2019-12-27", "CHN;IRN;RUS", "war_preparation", "military"),
        ("E3", "2023-03-15", "RUS;IRN;CHN", "war_preparation", "military"),
        ("E4", "2022-08", "IRN;RUS", "wartime_support", "not_applicable"),
        ("E5", "2015-05-08", "CHN;RUS", "contacts", "head_of_state"),
        ("E6", "2023-03-21", "CHN;RUS", "contacts", "head_of_state"),
        ("E7", "2024-06-19", "RUS;PRK;KAZ", "contacts", "head_of_state"),
        ("E8", "2011-01-01", "CHN;KAZ", "contacts", "official"),
    ]
    return pd.DataFrame(rows, columns=["event_id", "date_start", "participants", "area", "level"])


def test_constellation_keeps_focal_states_whole():
    assert constellation("RUS;IRN;CHN;KAZ", FOCAL) == "China--Iran--Russia"
    assert constellation("CHN;KAZ", FOCAL) == "China"


def test_counts_by_constellation_and_period_match_a_hand_count():
    counts = constellation_counts(_events(), FOCAL, 2005, 2025).set_index(["area", "constellation"])
    prep = counts.loc[("war_preparation", "China--Iran--Russia")]
    assert (prep["2005--2013"], prep["2014--2021"], prep["2022--2025"], prep["total"]) == (
        0,
        1,
        1,
        2,
    )
    assert counts.loc[("contacts", "China--Russia"), "total"] == 2
    # an event with one focal state is not an interaction among them
    assert "China" not in counts.index.get_level_values("constellation")


def test_table_names_the_most_recent_events_and_empty_areas(codebook):
    assignments = pd.DataFrame(
        {"event_id": ["E2", "E3", "E6"], "title": ["Belt 2019: drill", "x", "Xi in Moscow"]}
    )
    series = pd.DataFrame(
        {"edition": ["Security Belt-2023"], "status": ["coded"], "event_id": ["E3"]}
    )
    labels = event_labels(assignments, series)
    assert labels == {"E2": "Belt 2019", "E3": "Security Belt-2023", "E6": "Xi in Moscow"}
    table = findings_table(_events(), labels, codebook, FOCAL, 2005, 2025)
    assert r"China--Iran--Russia & 0 & 1 & 1 & Security Belt-2023; Belt 2019 \\" in table
    assert "Military missions outside war" in table and "no coded events" in table


def test_findings_macros(codebook):
    v = findings_macros(_events(), codebook, FOCAL, 2005, 2025, 2022)
    assert v["NEventsWarPreparationBefore"] == "2" and v["NEventsWarPreparationWar"] == "1"
    assert v["TopWarPreparation"] == "China--Iran--Russia" and v["TopWarPreparationShare"] == "67"
    assert v["TopMissionsOutsideWar"] == "none"
    assert v["NYearsChnRusLeaders"] == "2" and v["NStudyYears"] == "21"


def test_data_macros_count_distinct_events_and_series_status():
    log = pd.DataFrame(
        {
            "event_id": ["E1", "E1", "E1", "E2", "E2", "E9", "E8"],
            "column": [
                "date_end",
                "date_end",
                "location",
                "(event)",
                "(event)",
                "(event)",
                "(event)",
            ],
            "new_value": [
                "2020",
                "2020",
                "Moscow",
                "withdrawn",
                "withdrawn",
                "added",
                "merged into E1",
            ],
        }
    )
    series = pd.DataFrame({"series": ["A", "A", "B"], "status": ["coded", "not_found", "not_held"]})
    v = data_macros(log, series)
    assert (v["NCorrectedValues"], v["NCorrectedEvents"]) == ("2", "1")
    assert (v["NWithdrawnEvents"], v["NMergedEvents"], v["NAddedEvents"]) == ("1", "1", "1")
    assert (v["NSeries"], v["NSeriesEditions"], v["NSeriesCoded"]) == ("2", "3", "1")


def test_sources_sentence_reads_as_prose_with_and_without_sources():
    alone = sources_sentence(["hand"], {"linked_clusters": 0})
    assert alone.startswith("This version of the analysis rests on the hand-coded events alone")
    linking = {"linked_clusters": 4, "conflicts": 1, "records_to_review": 7, "events_out": 90}
    both = sources_sentence(["hand", "sipri", "mme"], linking)
    assert "Multinational Military Exercises dataset and arms transfers from the SIPRI" in both
    assert "4 events combine records of several sources, 1 ambiguous" in both
    assert both.endswith("90 events enter the analysis.")
    many = sources_sentence(["sipri"], dict(linking, events_out=11159))
    assert many.endswith("11,159 events enter the analysis.")


def test_arms_flows_are_directed_and_split_by_decade():
    from tiesmap.report.findings import arms_flows, arms_macros, arms_table, decades

    assert decades(2005, 2025) == [(2005, 2009), (2010, 2019), (2020, 2025)]
    events = pd.DataFrame(
        {
            "event_id": ["A", "B", "C", "D"],
            "date_start": ["2008", "2015-03", "2023-01", "2016"],
            "participants": ["RUS;CHN", "RUS;CHN", "IRN;RUS", "RUS;KAZ"],
            "activity": ["arms_sale", "arms_sale", "weapons_delivery", "arms_sale"],
            "tiv": [100.0, 50.0, float("nan"), 7.0],
        }
    )
    flows = arms_flows(events, FOCAL, 2005, 2025).set_index(["supplier", "recipient", "decade"])
    assert flows.loc[("RUS", "CHN", "2005--2009"), "tiv"] == 100.0
    assert flows.loc[("IRN", "RUS", "2020--2025"), "transfers"] == 1
    assert ("RUS", "KAZ", "2010--2019") not in flows.index  # partner outside the focal states
    table = arms_table(events, FOCAL, 2005, 2025)
    assert r"Russia & China & 1 (100) & 1 (50) & 0 \\" in table
    assert "SIPRI trend-indicator values" in table
    assert arms_macros(events, FOCAL, 2005, 2025) == {
        "ArmsTopPair": "Russia to China",
        "ArmsTopShare": "100",
        "NArmsTransfers": "3",
    }
    counted = arms_table(events.assign(tiv=float("nan")), FOCAL, 2005, 2025)
    assert "number of coded transfers" in counted and r"Iran & Russia & 0 & 0 & 1 \\" in counted


def test_short_labels_keep_table_rows_short():
    from tiesmap.report.findings import short_label

    assert short_label("Peace Mission 2005: first joint exercise") == "Peace Mission 2005"
    assert short_label("Xi visit (state visit, talks)") == "Xi visit"
    long = short_label("Russian deputy defence minister Goremykin's military-political delegation")
    assert long == "Russian deputy defence minister Goremykin's..." and len(long) <= 47
