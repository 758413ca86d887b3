"""Adapters for the two military-exercise datasets: MME v7 (CSV, country names) and
JME v3 (legacy .xls coder sheet, ISO3 codes).

Golden tests read the real files in ../shared/data (never copied into the project);
unit and property tests use small hand-made inputs."""

from __future__ import annotations

import csv
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.shared_data import shared_file
from tiesmap.core.config import Period
from tiesmap.core.errors import InputError
from tiesmap.core.schema import SOURCE_EVENT_COLUMNS, validate_source_events
from tiesmap.sources import AdapterResult, jme, mme
from tiesmap.sources.mme import Ymd, date_from_parts, date_from_text, merge_dates

MME_FILE = "mme_exercises/mme_v7.csv"
JME_FILE = "jme_exercises/jme_v3.xls"


# --------------------------------------------------------------------------- helpers


def check_result(result: AdapterResult, file: str = "x") -> None:
    """What every adapter result must satisfy, whatever the input."""
    table = result.table
    assert tuple(table.columns) == SOURCE_EVENT_COLUMNS
    validate_source_events(table, file)
    assert table["event_id"].is_unique
    assert list(result.rejected.columns) == ["source_record", "reason"]
    counts = result.counts
    assert counts["mapped"] == len(table)
    assert counts["rejected"] == len(result.rejected)
    assert counts["rows_read"] == counts["mapped"] + counts["rejected"] + counts["excluded"]
    assert (table["n_participants"] == table["participants"].str.count(";") + 1).all()
    bilateral = table["n_participants"] == 2
    assert (table.loc[bilateral, "format"] == "bilateral").all()
    assert (table.loc[~bilateral, "format"] == "multilateral").all()
    for parts in table["participants"]:
        codes = parts.split(";")
        assert codes == sorted(set(codes))


MME_HEADER = [
    "MMEID",
    "Ex_Name",
    "Series_Name",
    "Location",
    "lat",
    "lon",
    "StartDate",
    "s.year",
    "s.month",
    "s.day",
    "EndDate",
    "e.year",
    "e.month",
    "e.day",
    *mme.FLAG_COLUMNS,
    "FocusDescription",
    "AdditionalParticipantInfo",
    "StateA",
    "StateB",
    "StateC",
    "StateD",
]


def mme_row(**values: str) -> dict[str, str]:
    """An invented exercise; tests change one thing at a time."""
    row = dict.fromkeys(MME_HEADER, "")
    row.update({c: "0" for c in mme.FLAG_COLUMNS})
    row.update(
        {
            "MMEID": "mme1",
            "Ex_Name": "Test Exercise 1",
            "Location": "Somewhere",
            "StartDate": "8/18/05",
            "s.year": "2005",
            "s.month": "8",
            "s.day": "18",
            "EndDate": "8/25/05",
            "e.year": "2005",
            "e.month": "8",
            "e.day": "25",
            "Land": "1",
            "Warfighting": "1",
            "StateA": "China",
            "StateB": "Russia",
        }
    )
    row.update(values)
    return row


def write_mme(path: Path, rows: list[dict[str, str]], header=MME_HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def ingest_mme(tmp_path: Path, *rows: dict[str, str], **options) -> AdapterResult:
    result = mme.ingest(write_mme(tmp_path / "mme.csv", list(rows)), **options)
    check_result(result)
    return result


JME_HEADER = [
    "Coder",
    "Timestamp",
    "",
    "Exercise Name",
    "Location1",
    "Location2",
    "Start Date",
    "s.year",
    "s.month",
    "s.day",
    "enddate",
    "e.year",
    "e.month",
    "e.day",
    "JME Type",
    "Part of the Reforger Exercise?",
    "Trimmed Name",
    "Institution(s) involved",
    "What is the purpose of the JME?",
    "Anything interesting to note about this exercise?",
    "Which state hosted the exercise?",
    "Source(s)",
    "State A",
    "State B",
    "State C",
    "State D",
    "AUS",
]


def jme_row(**values) -> list:
    """An invented JME row as xlrd gives it (numbers as floats); keys are headers,
    'id' for the blank-headed id column."""
    row = dict.fromkeys(JME_HEADER)
    row.update(
        {
            "Coder": "Tester",
            "": 1.0,
            "Exercise Name": "Test Exercise",
            "Location1": "Somewhere",
            "Location2": -9.0,
            "Start Date": "8/18/2005",
            "s.year": 2005.0,
            "s.month": 8.0,
            "s.day": 18.0,
            "enddate": "8/25/2005",
            "e.year": 2005.0,
            "e.month": 8.0,
            "e.day": 25.0,
            "JME Type": "FTX",
            "State A": "CHN",
            "State B": "RUS",
        }
    )
    if "id" in values:
        values[""] = values.pop("id")
    row.update(values)
    return [row[h] for h in JME_HEADER]


def ingest_jme(*rows: list, **options) -> AdapterResult:
    result = jme.ingest_rows(JME_HEADER, list(rows), "jme.xls", **options)
    check_result(result)
    return result


def one(result: AdapterResult) -> dict:
    assert len(result.table) == 1, result.rejected
    return result.table.iloc[0].to_dict()


# ------------------------------------------------------------------- golden: MME v7


@pytest.fixture(scope="module")
def mme_real() -> AdapterResult:
    return mme.ingest(shared_file(MME_FILE))


@pytest.fixture(scope="module")
def jme_real() -> AdapterResult:
    return jme.ingest(shared_file(JME_FILE))


def by_name(table: pd.DataFrame, name: str) -> pd.DataFrame:
    return table[table["notes"].str.contains(f"name={name}(?:;|$)", regex=True)]


@pytest.mark.shared
def test_mme_golden_counts(mme_real):
    check_result(mme_real)
    assert mme_real.counts == {"rows_read": 3707, "mapped": 3573, "rejected": 134, "excluded": 0}
    # Every rejection is an exercise with one named state (or none) plus '-9' slots.
    assert mme_real.rejected["reason"].str.startswith("fewer than two identified states").all()
    assert mme_real.rejected["reason"].str.contains("coded -9").all()
    table = mme_real.table
    assert table["date_precision"].value_counts().to_dict() == {
        "day": 2799,
        "month": 771,
        "year": 3,
    }
    assert set(table["coder"]) == {"mme"} and set(table["source_type"]) == {"dataset"}


@pytest.mark.shared
def test_mme_golden_china_russia_2005_2010(mme_real):
    t = mme_real.table
    both = t[t["participants"].str.contains("CHN") & t["participants"].str.contains("RUS")]
    # Ten MME rows name both states (PROVENANCE says eleven); one is from 1999.
    assert len(both) == 10
    window = both[both["date_start"].str[:4].astype(int).between(2005, 2010)]
    got = {
        (r.event_id, r.date_start, r.date_end, r.n_participants)
        for r in window.itertuples(index=False)
    }
    assert got == {
        ("mme-2726", "2005-08-18", "2005-08-25", 2),  # Peace Mission 2005
        ("mme-2938", "2007-01", "2007-01", 6),  # unnamed naval exercise, Singapore
        ("mme-3028", "2007-08-09", "2007-08-17", 6),  # Peace Mission 2007
        ("mme-3045", "2007-09-04", "2007-09", 2),  # Cooperation 2007
        ("mme-3230", "2009-04-17", "2009-04-19", 5),  # Norak-Antiterror-2009
        ("mme-3247", "2009-07-22", "2009-07-26", 2),  # Peace Mission 2009
        ("mme-3350", "2010-07-17", "2010-07-31", 24),  # Angkor Sentinel 2010
        ("mme-3363", "2010-08-24", "2010-08-25", 5),  # unnamed, Peter the Great Gulf
        ("mme-3392", "2010-09-10", "2010-09-25", 5),  # Peace Mission 2010
    }
    pm = {
        year: by_name(t, f"Peace Mission {year}").iloc[0].to_dict()
        for year in (2005, 2007, 2009, 2010)
    }
    assert pm[2005]["participants"] == "CHN;RUS" and pm[2005]["format"] == "bilateral"
    assert pm[2005]["notes"].startswith("domain=combined; branches=air+land+sea;")
    assert pm[2007]["participants"] == "CHN;KAZ;KGZ;RUS;TJK;UZB"
    assert pm[2009]["participants"] == "CHN;RUS"
    assert pm[2010]["participants"] == "CHN;KAZ;KGZ;RUS;TJK"
    assert pm[2010]["participants_cow"] == "710;705;703;365;702"
    # The data do not name the SCO for Peace Mission, so no forum is inferred.
    assert {p["forum"] for p in pm.values()} == {""}


@pytest.mark.shared
def test_mme_golden_multilateral_and_precision(mme_real):
    t = mme_real.table.set_index("event_id")
    angkor = t.loc["mme-3350"]
    assert angkor["n_participants"] == 24 and angkor["format"] == "multilateral"
    rimpac = by_name(mme_real.table, "RIMPAC 80").iloc[0]
    assert rimpac["participants"] == "AUS;CAN;JPN;NZL;USA"
    # '1980-01-xx' keeps month precision; no day is invented.
    magex = t.loc["mme-86"]
    assert (magex["date_start"], magex["date_end"], magex["date_precision"]) == (
        "1980-01",
        "1980-01",
        "month",
    )
    assert "date_day_unknown" in magex["flags"]
    # End before start (mme1872: 4/24/00 to 2000-01-xx): only the shared year is kept.
    assert (t.loc["mme-1872", "date_start"], t.loc["mme-1872", "date_end"]) == ("2000", "")
    # Repeated MMEIDs become distinct events; 'Baltic States' is expanded; NATO as forum.
    assert {"mme-3460-r1239", "mme-3460-r2817"} <= set(t.index)
    assert t.loc["mme-3493", "participants"].count(";") + 1 == 12
    assert "participants_expanded" in t.loc["mme-3493", "flags"]
    assert t.loc["mme-3058", "forum"] == "NATO"


@pytest.mark.shared
def test_mme_golden_period_filter_counts_excluded(mme_real):
    # The one second reading of the real file: the filter must equal filtering afterwards.
    result = mme.ingest(shared_file(MME_FILE), period=Period(2005, 2010))
    check_result(result)
    full = mme_real.table
    inside = full[full["date_start"].str[:4].astype(int).between(2005, 2010)]
    pd.testing.assert_frame_equal(result.table, inside.reset_index(drop=True))
    assert result.counts == {"rows_read": 3707, "mapped": 962, "rejected": 34, "excluded": 2711}


@pytest.mark.shared
def test_mme_real_file_truncated_mid_row_names_the_row(tmp_path):
    data = shared_file(MME_FILE).read_bytes()
    cut = data.index(b"\r\n", len(data) // 2) - 10
    path = tmp_path / "mme.csv"
    path.write_bytes(data[:cut])
    with pytest.raises(InputError) as err:
        mme.ingest(path)
    (problem,) = err.value.problems
    assert problem.row == data[:cut].count(b"\n") + 1
    assert "cells but the header has 64" in problem.message


# ------------------------------------------------------------------- golden: JME v3


@pytest.mark.shared
def test_jme_golden_counts(jme_real):
    check_result(jme_real)
    assert jme_real.counts == {"rows_read": 1790, "mapped": 1779, "rejected": 11, "excluded": 0}
    reasons = dict(
        zip(jme_real.rejected["source_record"], jme_real.rejected["reason"], strict=True)
    )
    assert sum(r.startswith("fewer than two identified states") for r in reasons.values()) == 5
    assert reasons["row 1531"].startswith("no start date")
    assert reasons["row 1668"].startswith("start date unreadable (Start Date '10/xx/007'")
    assert "year 3009 is out of range" in reasons["row 1732"]
    assert reasons["row 1699"] == "end date 2010-11-15 is in a year before start date 2015-11-08"
    assert "organisation NATO" in reasons["id 1419 (row 1040)"]
    t = jme_real.table
    assert t["date_precision"].value_counts().to_dict() == {"day": 1440, "month": 333, "year": 6}
    assert (
        t["flags"].str.contains("source_id_missing") == t["event_id"].str.match(r"jme-r\d+$")
    ).all()


@pytest.mark.shared
def test_jme_golden_china_russia_2005_2010(jme_real):
    t = jme_real.table
    both = t[t["participants"].str.contains("CHN") & t["participants"].str.contains("RUS")]
    window = both[both["date_start"].str[:4].astype(int).between(2005, 2010)]
    got = {
        (r.event_id, r.date_start, r.date_end, r.participants)
        for r in window.itertuples(index=False)
    }
    assert got == {
        ("jme-541", "2005-08-18", "2005-08-25", "CHN;RUS"),  # Peace Mission 2005
        ("jme-1230", "2007-04-06", "2007-06-06", "CHN;IND;JPN;RUS;USA"),  # unnamed
        ("jme-r1766", "2007-08", "2007-08", "CHN;KAZ;KGZ;RUS;TJK;UZB"),  # Peace Mission 2007
        ("jme-739", "2007-09", "2007-09", "CHN;RUS"),  # Cooperation 2007
        ("jme-213", "2009-04-17", "2009-04", "CHN;RUS;TJK"),  # unnamed (Tajikistan)
        ("jme-226", "2009-04-17", "2009-04-19", "CHN;KAZ;KGZ;RUS;TJK"),  # unnamed (Tajikistan)
        ("jme-1127", "2009-07-22", "2009-07-27", "CHN;RUS"),  # Peace Mission 2009
        ("jme-r1696", "2010-09-09", "2010-09-25", "CHN;KAZ;KGZ;RUS;TJK"),  # Peace mission 2010
    }
    pm2007 = t.set_index("event_id").loc["jme-r1766"]
    assert pm2007["date_precision"] == "month" and "type=CPX" in pm2007["notes"]
    sco = t.set_index("event_id").loc["jme-548"]  # 'Shanghai Cooperation Organization 2003'
    assert sco["forum"] == "SCO"


@pytest.mark.shared
def test_jme_golden_dates_and_codes(jme_real):
    t = jme_real.table.set_index("event_id")
    midlink = t.loc["jme-77"]  # '11/xx/1974' to '11/30/1974'
    assert (midlink["date_start"], midlink["date_precision"], midlink["date_end"]) == (
        "1974-11",
        "month",
        "1974-11-30",
    )
    assert midlink["participants"] == "GBR;PAK;TUR;USA" and midlink["n_participants"] == 4
    # A '-9' start cell with s.year 1999, s.month 2, s.day -9: month precision.
    assert (t.loc["jme-45", "date_start"], t.loc["jme-45", "date_precision"]) == (
        "1999-02",
        "month",
    )
    # A row written day-first ('03/09/2007' to '14/09/2007') is read day-first.
    row = t.loc["jme-r1773"]
    assert (row["date_start"], row["date_end"]) == ("2007-09-03", "2007-09-14")
    assert "date_read_day_first" in row["flags"]
    # Text and component readings disagree on the end day: only the month is kept.
    assert (t.loc["jme-150", "date_end"], "date_end_conflict" in t.loc["jme-150", "flags"]) == (
        "1980-09",
        True,
    )
    assert t["forum"].value_counts()["FPDA"] == 22


@pytest.mark.shared
def test_jme_real_file_truncated_raises(tmp_path):
    data = shared_file(JME_FILE).read_bytes()
    for cut in (0, 100, len(data) // 2, len(data) - 1):
        path = tmp_path / "jme.xls"
        path.write_bytes(data[:cut])
        with pytest.raises(InputError):
            jme.ingest(path)


@pytest.mark.shared
def test_files_swapped_are_input_errors(tmp_path):
    wrong = tmp_path / "mme.csv"
    wrong.write_bytes(shared_file(JME_FILE).read_bytes())
    with pytest.raises(InputError, match="not UTF-8"):
        mme.ingest(wrong)
    wrong = tmp_path / "jme.xls"
    wrong.write_bytes(shared_file(MME_FILE).read_bytes())
    with pytest.raises(InputError, match="cannot read the Excel workbook"):
        jme.ingest(wrong)


def test_constants_agree_with_codebook(codebook):
    activity = codebook.activities[mme.ACTIVITY]
    assert activity.area == mme.AREA
    assert mme.LEVEL in activity.levels
    assert not activity.directed


# ------------------------------------------------------------------ unit: date helpers


@pytest.mark.parametrize(
    ("text", "expected", "typo"),
    [
        ("1/14/80", "1980-01-14", False),
        ("1980-01-xx", "1980-01", False),
        ("11/xx/1974", "1974-11", False),
        ("xx/xx/2003", "2003", False),
        ("03/XX/1980", "1980-03", False),
        ("11/xx2002", "2002-11", True),
        ("06//03/1998", "1998-06-03", True),
        ("08.xx.2007", "2007-08", True),
    ],
)
def test_date_from_text_keeps_only_what_is_given(text, expected, typo):
    parsed, repaired = date_from_text(text)
    assert (parsed.text, repaired) == (expected, typo)


@pytest.mark.parametrize("text", ["", "-9", "xx/xx/xxxx", "  "])
def test_blank_and_minus_nine_dates_are_missing(text):
    assert date_from_text(text) == (None, False)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("10/xx/007", "not a date"),
        ("02/126/1993", "not a date"),
        ("13/01/2005", "month 13 does not exist"),
        ("2/30/2005", "day 30 does not exist"),
        ("03/05/3009", "year 3009 is out of range"),
        ("soon", "not a date"),
    ],
)
def test_unreadable_dates_raise(text, reason):
    with pytest.raises(ValueError, match=reason):
        date_from_text(text)


def test_two_digit_years_take_the_century_of_the_year_cell():
    assert date_from_text("3/1/05")[0].text == "2005-03-01"
    assert date_from_text("3/1/85")[0].text == "1985-03-01"
    assert date_from_text("3/1/05", century_hint=1905)[0].text == "1905-03-01"


def test_date_from_parts_codes():
    assert date_from_parts("1980", "1", "xx").text == "1980-01"
    assert date_from_parts("1977", "-9", "-9").text == "1977"
    assert date_from_parts("1977", "xx", "5").text == "1977"  # a day without a month is dropped
    assert date_from_parts("", "", "") is None
    assert date_from_parts("-9", "-9", "-9") is None
    with pytest.raises(ValueError, match="without a year"):
        date_from_parts("", "5", "")
    with pytest.raises(ValueError, match="not a number"):
        date_from_parts("19x0", "1", "1")


def test_merge_dates_keeps_agreement():
    assert merge_dates(Ymd(1980, 9, 29), Ymd(1980, 9, 23)) == (Ymd(1980, 9), True)
    assert merge_dates(Ymd(1983), Ymd(1983, 5)) == (Ymd(1983, 5), False)
    assert merge_dates(Ymd(2008, 9, 12), Ymd(2008, 9)) == (Ymd(2008, 9, 12), False)
    assert merge_dates(Ymd(1980, 1), Ymd(1980, 2, 3)) == (Ymd(1980), True)
    assert merge_dates(Ymd(1980), Ymd(1981)) == (None, True)
    assert merge_dates(None, Ymd(1980)) == (Ymd(1980), False)


# ------------------------------------------------------------------- unit: MME rows


def test_mme_event_fields(tmp_path):
    event = one(ingest_mme(tmp_path, mme_row(Air="1", Sea="1", Series_Name="Test Series")))
    assert event["event_id"] == "mme-1"
    assert event["source_record"] == "mme1 (row 2)"
    assert (event["date_start"], event["date_end"], event["date_precision"]) == (
        "2005-08-18",
        "2005-08-25",
        "day",
    )
    assert (event["participants"], event["participants_cow"], event["n_participants"]) == (
        "CHN;RUS",
        "710;365",
        2,
    )
    assert (event["activity"], event["area"], event["level"], event["format"]) == (
        "exercise",
        "war_preparation",
        "military",
        "bilateral",
    )
    assert event["notes"] == (
        "domain=combined; branches=air+land+sea; name=Test Exercise 1; series=Test Series; "
        "purpose=warfighting"
    )
    assert (event["source_type"], event["confidence"], event["follow_up"], event["coder"]) == (
        "dataset",
        "high",
        False,
        "mme",
    )
    assert "D'Orazio" in event["source"] and "v7" in event["source"]
    assert pd.isna(event["tiv"]) and event["flags"] == ""


def test_mme_partial_dates_are_kept(tmp_path):
    event = one(
        ingest_mme(
            tmp_path,
            mme_row(
                StartDate="2005-06-xx",
                **{"s.month": "6", "s.day": "xx"},
                EndDate="2005-07-xx",
                **{"e.month": "7", "e.day": "xx"},
            ),
        )
    )
    assert (event["date_start"], event["date_end"], event["date_precision"]) == (
        "2005-06",
        "2005-07",
        "month",
    )
    assert event["flags"] == "date_day_unknown"


def test_mme_disagreeing_readings_keep_the_shared_part(tmp_path):
    event = one(ingest_mme(tmp_path, mme_row(StartDate="8/11/05")))  # s.day says 18
    assert event["date_start"] == "2005-08"
    assert "date_start_conflict" in event["flags"]
    result = ingest_mme(tmp_path, mme_row(StartDate="8/18/06"))  # s.year says 2005
    assert "start date readings disagree" in result.rejected["reason"].iloc[0]


def test_mme_end_before_start(tmp_path):
    event = one(ingest_mme(tmp_path, mme_row(EndDate="3/1/05", **{"e.month": "3", "e.day": "1"})))
    assert (event["date_start"], event["date_end"], event["date_precision"]) == ("2005", "", "year")
    assert event["flags"] == "date_end_before_start;date_month_unknown"


def test_mme_minus_nine_codes(tmp_path):
    event = one(ingest_mme(tmp_path, mme_row(Ex_Name="-9", Location="-9", StateC="-9")))
    assert "name=" not in event["notes"]
    assert event["location"] == ""
    assert event["flags"] == "name_missing;participants_incomplete"
    result = ingest_mme(tmp_path, mme_row(StateB="-9"))
    assert result.counts == {"rows_read": 1, "mapped": 0, "rejected": 1, "excluded": 0}
    assert result.rejected.to_dict("records") == [
        {
            "source_record": "mme1 (row 2)",
            "reason": "fewer than two identified states (found: CHN; 1 slot(s) coded -9)",
        }
    ]


def test_mme_names_aliases_and_organisations(tmp_path):
    rows = [
        mme_row(MMEID="mme1", StateB="Federal Republic of Germany", StateC="st. christopher"),
        mme_row(MMEID="mme2", StateC="NATO", AdditionalParticipantInfo="Partnership for Peace"),
        mme_row(MMEID="mme3", StateB="Baltic States"),
        mme_row(MMEID="mme4", StateB="Atlantis", StateC="Ruritania"),
        mme_row(MMEID="mme5", StateB="China"),
        mme_row(MMEID="mme6", StateC="Hong Kong SAR China"),
    ]
    result = ingest_mme(tmp_path, *rows)
    t = result.table.set_index("event_id")
    assert t.loc["mme-1", "participants"] == "CHN;DEU;KNA"
    assert (t.loc["mme-2", "forum"], t.loc["mme-2", "n_participants"]) == ("NATO; PfP", 2)
    assert "participant_is_organisation" in t.loc["mme-2", "flags"]
    assert t.loc["mme-3", "participants"] == "CHN;EST;LTU;LVA"
    assert t.loc["mme-6", "participants_cow"] == "710;;365"
    assert "participant_without_cow_code" in t.loc["mme-6", "flags"]
    reasons = dict(zip(result.rejected["source_record"], result.rejected["reason"], strict=True))
    assert reasons["mme4 (row 5)"] == (
        "unknown country name or code: 'Atlantis' (StateB), 'Ruritania' (StateC)"
    )
    assert reasons["mme5 (row 6)"].startswith("fewer than two identified states (found: CHN")


def test_mme_repeated_ids_and_soviet_russia(tmp_path):
    old = {"StartDate": "8/18/85", "s.year": "1985", "EndDate": "8/25/85", "e.year": "1985"}
    result = ingest_mme(tmp_path, mme_row(MMEID="mme7"), mme_row(MMEID="mme7", **old))
    t = result.table.set_index("event_id")
    assert list(t.index) == ["mme-7-r3", "mme-7-r2"]  # sorted by start date
    assert t.loc["mme-7-r3", "flags"] == "duplicate_source_id;ussr_coded_as_russia"


def test_mme_period_counts_excluded(tmp_path):
    rows = [
        mme_row(MMEID="mme1"),
        mme_row(MMEID="mme2", **{"s.year": "1999"}),
        mme_row(MMEID="mme3", StateB="-9"),
    ]
    rows[1]["StartDate"] = "8/18/99"
    result = ingest_mme(tmp_path, *rows, period=(2000, 2010))
    assert result.counts == {"rows_read": 3, "mapped": 1, "rejected": 1, "excluded": 1}


def test_mme_file_problems_are_reported_together(tmp_path):
    header = [h for h in MME_HEADER if h not in ("MMEID", "s.year", "StateB")]
    with pytest.raises(InputError) as err:
        mme.ingest(write_mme(tmp_path / "mme.csv", [mme_row()], header=header))
    assert {(p.row, p.column) for p in err.value.problems} == {
        (1, "MMEID"),
        (1, "s.year"),
        (1, "StateB"),
    }
    rows = [mme_row(MMEID="x1"), mme_row(Sea="yes"), mme_row()]
    path = write_mme(tmp_path / "mme.csv", rows)
    with pytest.raises(InputError) as err:
        mme.ingest(path)
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [
        (2, "MMEID", "x1"),
        (3, "Sea", "yes"),
    ]
    text = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*text[:-1], text[-1][:-12]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        mme.ingest(path)
    assert [p.row for p in err.value.problems] == [4]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("mme.csv", b"", "file is empty"),
        ("mme.csv", b"MMEID,Ex_Name\n\xff\xfe\n", "not UTF-8"),
        ("mme.txt", b"MMEID\n", "expected a .csv file"),
        ("mme.csv", None, "file not found"),
    ],
)
def test_mme_wrong_files(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        mme.ingest(path)


# ------------------------------------------------------------------- unit: JME rows


def test_jme_event_fields():
    event = one(
        ingest_jme(
            jme_row(
                id=541.0,
                **{
                    "Institution(s) involved": "Five Power Defense Arrangement",
                    "Which state hosted the exercise?": "Russia",
                },
            )
        )
    )
    assert (event["event_id"], event["source_record"], event["coder"]) == (
        "jme-541",
        "id 541 (row 2)",
        "jme",
    )
    assert (event["date_start"], event["date_end"], event["date_precision"]) == (
        "2005-08-18",
        "2005-08-25",
        "day",
    )
    assert (event["participants"], event["forum"], event["location"]) == (
        "CHN;RUS",
        "FPDA",
        "Somewhere",
    )
    assert event["notes"] == "domain=unknown; name=Test Exercise; type=FTX; host=Russia"
    assert "Joint Military Exercises" in event["source"] and "v3" in event["source"]


def test_jme_partial_dates():
    blank = {f"{p}.{x}": None for p in "se" for x in ("year", "month", "day")}
    rows = [
        jme_row(
            id=1.0,
            **{"Start Date": "11/xx/1974", "s.year": 1974.0, "s.month": 11.0, "s.day": "xx"},
            enddate="11/30/1974",
            **{"e.year": 1974.0, "e.month": 11.0, "e.day": 30.0},
        ),
        jme_row(
            id=2.0,
            **{"Start Date": -9.0, "s.year": 1977.0, "s.month": -9.0, "s.day": -9.0},
            enddate=-9.0,
            **{"e.year": -9.0, "e.month": -9.0, "e.day": -9.0},
        ),
        jme_row(id=None, **blank, **{"Start Date": "xx/xx/2003", "enddate": "xx/xx/xxxx"}),
        jme_row(id=None, **blank, **{"Start Date": date(2008, 4, 20), "enddate": date(2008, 5, 8)}),
        jme_row(id=None, **blank, **{"Start Date": "11/xx2002", "enddate": "12.xx.2002"}),
    ]
    t = ingest_jme(*rows).table.set_index("source_record")
    got = {k: tuple(t.loc[k, ["date_start", "date_end", "date_precision"]]) for k in t.index}
    assert got == {
        "id 1 (row 2)": ("1974-11", "1974-11-30", "month"),
        "id 2 (row 3)": ("1977", "", "year"),
        "row 4": ("2003", "", "year"),
        "row 5": ("2008-04-20", "2008-05-08", "day"),
        "row 6": ("2002-11", "2002-12", "month"),
    }
    assert t.loc["id 2 (row 3)", "flags"] == (
        "date_end_unknown;date_month_unknown;ussr_coded_as_russia"
    )
    assert t.loc["row 6", "flags"] == (
        "date_day_unknown;date_end_typo;date_start_typo;source_id_missing"
    )
    assert t.loc["row 5", "event_id"] == "jme-r5"


def test_jme_day_first_row_and_unreadable_start():
    blank = {f"{p}.{x}": None for p in "se" for x in ("year", "month", "day")}
    result = ingest_jme(
        jme_row(id=1.0, **blank, **{"Start Date": "03/09/2007", "enddate": "14/09/2007"}),
        jme_row(id=2.0, **blank, **{"Start Date": "10/xx/007", "enddate": ""}),
        jme_row(id=3.0, **blank, **{"Start Date": None, "enddate": None}),
    )
    event = one(result)
    assert (event["date_start"], event["date_end"]) == ("2007-09-03", "2007-09-14")
    reasons = list(result.rejected["reason"])
    assert reasons[0].startswith("start date unreadable (Start Date '10/xx/007'")
    assert reasons[1] == "no start date (no date given)"


def test_jme_codes_and_minus_nine():
    rows = [
        jme_row(
            id=1.0, **{"State A": "uSA ", "State B": "ROM", "State C": -9.0, "Exercise Name": -9.0}
        ),
        jme_row(id=2.0, **{"State C": "8 NATO members"}),
        jme_row(id=3.0, **{"State B": "XYZ"}),
        jme_row(id=4.0, **{"State B": -9.0}),
        jme_row(id=5.0, **{"State B": "Russia"}),  # names are not codes in JME
    ]
    result = ingest_jme(*rows)
    t = result.table.set_index("event_id")
    assert t.loc["jme-1", "participants"] == "ROU;USA"
    assert t.loc["jme-1", "flags"] == "name_missing;participants_incomplete"
    assert (t.loc["jme-2", "forum"], t.loc["jme-2", "participants"]) == ("NATO", "CHN;RUS")
    reasons = dict(zip(result.rejected["source_record"], result.rejected["reason"], strict=True))
    assert reasons == {
        "id 3 (row 4)": "unknown country name or code: 'XYZ' (State B)",
        "id 4 (row 5)": "fewer than two identified states (found: CHN; 1 slot(s) coded -9)",
        "id 5 (row 6)": "unknown country name or code: 'Russia' (State B)",
    }


def test_jme_sheet_problems_are_reported_together():
    header = [h for h in JME_HEADER if h not in ("Start Date", "State B")]
    with pytest.raises(InputError) as err:
        jme.ingest_rows(header, [], "jme.xls")
    assert {p.column for p in err.value.problems} == {"Start Date", "State B"}
    header = [h if h else "id" for h in JME_HEADER]
    with pytest.raises(InputError, match="no id column"):
        jme.ingest_rows(header, [], "jme.xls")
    with pytest.raises(InputError) as err:
        jme.ingest_rows(JME_HEADER, [jme_row(id="abc"), jme_row(id=2.5), jme_row()], "jme.xls")
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "(id)"), (3, "(id)")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("jme.xls", b"", "cannot read the Excel workbook"),
        ("jme.xls", b"Coder,Timestamp\n", "cannot read the Excel workbook"),
        ("jme.xlsx", b"PK", "expected a legacy Excel .xls file"),
        ("jme.xls", None, "file not found"),
    ],
)
def test_jme_wrong_files(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        jme.ingest(path)


# ------------------------------------------------------------------- property tests

_settings = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@_settings
@given(data=st.binary(max_size=3000))
def test_garbage_bytes_raise_input_error(tmp_path, data):
    for module, name in ((mme, "garbage.csv"), (jme, "garbage.xls")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InputError):
            module.ingest(path)


def _mme_bytes() -> bytes:
    rows = [
        mme_row(MMEID=f"mme{i}", Ex_Name=f"Exercise {i} – Côte d’Ivoire", StateC="Côte d’Ivoire")
        for i in range(1, 6)
    ]
    out = []
    writer = csv.DictWriter(_Sink(out), fieldnames=MME_HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return "".join(out).encode("utf-8")


class _Sink:
    def __init__(self, out: list[str]):
        self.write = out.append


@_settings
@given(cut=st.integers(min_value=0, max_value=len(_mme_bytes()) - 1))
def test_truncated_mme_raises_input_error_or_reads_whole_rows(tmp_path, cut):
    data = _mme_bytes()[:cut]
    path = tmp_path / "mme.csv"
    path.write_bytes(data)
    try:
        result = mme.ingest(path)
    except InputError:
        return
    check_result(result)
    # A cut that still reads (at a row boundary, or after a row's last comma) loses no row.
    assert result.counts["rows_read"] == len(data.decode("utf-8").splitlines()) - 1


_cell_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["-9", "xx", "XX", "0", "1", "13", "2005", "China", "NATO", "1/2/3", "2005-xx-01"]
    ),
)


@_settings
@given(
    cells=st.dictionaries(st.sampled_from(MME_HEADER), _cell_text, max_size=8),
)
def test_mme_any_cell_values_give_result_or_input_error(tmp_path, cells):
    path = write_mme(tmp_path / "mme.csv", [mme_row(), mme_row(**({"MMEID": "mme2"} | cells))])
    try:
        result = mme.ingest(path)
    except InputError as err:
        assert all(p.file == str(path) for p in err.problems)
        return
    check_result(result)
    assert result.counts["rows_read"] == 2


_jme_cell = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([-9.0, "xx", "XXX", "-9", "11/xx/2005", "5/5/1999", "CHN", "NATO"]),
    st.dates(),
)


@_settings
@given(cells=st.dictionaries(st.sampled_from([*JME_HEADER, "id"]), _jme_cell, max_size=8))
def test_jme_any_cell_values_give_result_or_input_error(cells):
    try:
        result = jme.ingest_rows(
            JME_HEADER, [jme_row(), jme_row(**({"id": 2.0} | cells))], "jme.xls"
        )
    except InputError:
        return
    check_result(result)
    assert result.counts["rows_read"] == 2


@pytest.fixture(scope="module")
def jme_bytes() -> bytes:
    return shared_file(JME_FILE).read_bytes()


@pytest.mark.shared
@settings(max_examples=12, deadline=None)
@given(fraction=st.floats(min_value=0.0, max_value=0.999))
def test_truncated_real_jme_raises_input_error(jme_bytes, fraction):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "jme.xls"
        path.write_bytes(jme_bytes[: int(len(jme_bytes) * fraction)])
        with pytest.raises(InputError):
            jme.ingest(path)
