"""China Vitae leader engagements and the AidData cross-check.

Golden tests read the real files in ../shared/data (skipped locally, failing under
CI when absent); rule tests use hand-made strings and small files.
"""

from __future__ import annotations

import csv
import json
import math
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.shared_data import shared_file
from tiesmap.core.errors import InputError
from tiesmap.core.schema import SOURCE_EVENT_COLUMNS, validate_source_events
from tiesmap.sources import AdapterResult, aiddata, china_vitae
from tiesmap.sources.china_vitae import (
    ACTIVITY_OF_LEVEL,
    country_pattern,
    level_of_title,
    meeting_level,
    parse_meeting,
)

CV_CSV = "china_vitae_leader_engagements/all_engagements_2003-2018.converted.csv"
CV_RDS = "china_vitae_leader_engagements/all_engagements_2003-2018.rds"
AID_CSV = "aiddata_china_public_diplomacy/ChinesePublicDiplomacy.csv"


@pytest.fixture(scope="module")
def cv_result() -> AdapterResult:
    return china_vitae.ingest(shared_file(CV_CSV))


@pytest.fixture(scope="module")
def aid_result() -> AdapterResult:
    return aiddata.ingest(shared_file(AID_CSV))


def _event(result: AdapterResult, row: int) -> dict:
    hits = result.table[result.table["event_id"] == f"china_vitae-{row:05d}"]
    assert len(hits) == 1, f"row {row} not mapped"
    return hits.iloc[0].to_dict()


def _reason(result: AdapterResult, row: int) -> str:
    hits = result.rejected[result.rejected["source_record"].str.endswith(f":row {row}")]
    assert len(hits) == 1, f"row {row} not rejected"
    return hits.iloc[0]["reason"]


# ------------------------------------------------------------ the level rule


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("President of Russia", "head_of_state"),
        ("Russian President", "head_of_state"),
        ("Prime Minister of Japan", "head_of_state"),
        ("Chancellor of Germany", "head_of_state"),
        ("Sultan of Brunei", "head_of_state"),
        ("Governor-General of Australia", "head_of_state"),
        (
            "President of the Presidium of the Supreme People's Assembly of the "
            "Democratic People's Republic of Korea (DPRK)",
            "head_of_state",
        ),
        ("General Secretary of the Workers' Party of Korea", "head_of_state"),
        ("General Secretary of the Communist Party of Vietnam", "head_of_state"),
        ("President and Foreign Minister of the Swiss Confederation", "head_of_state"),
        ("Russian Foreign Minister", "foreign_minister"),
        ("U.S. Secretary of State", "foreign_minister"),
        ("British Foreign Secretary", "foreign_minister"),
        ("Minister of Foreign Affairs and Trade of the Republic of Korea", "foreign_minister"),
        ("Deputy Prime Minister and Foreign Minister of Syria", "foreign_minister"),
        ("Russian Defense Minister", "defence_minister"),
        ("U.S. Secretary of Defense", "defence_minister"),
        ("Indian Defence Minister", "defence_minister"),
        ("First Deputy Prime Minister and Defense Minister of Thailand", "defence_minister"),
        ("Chief of General Staff of the Russian Armed Forces", "military_chief"),
        ("Pakistan Chief of Army Staff", "military_chief"),
        ("Myanmar Commander-in-Chief of Defense Services", "military_chief"),
        ("Russian Security Council Secretary", "security_official"),
        ("U.S. National Security Adviser", "security_official"),
        ("Vietnamese Minister of Public Security", "security_official"),
        ("Deputy Foreign Minister of Iran", "deputy_minister"),
        ("U.S. Deputy Secretary of State", "deputy_minister"),
        ("U.S. Under Secretary of Defense", "deputy_minister"),
        ("U.S. Treasury Secretary", "official"),
        ("Vice President of Iran", "official"),
        ("Deputy Prime Minister of Russia", "official"),
        ("Pakistani Ambassador to China", "official"),
        ("Special Envoy of the U.S. President", "official"),
        ("Premier of New South Wales", "official"),
    ],
)
def test_level_from_title(title, level):
    assert level_of_title(title).level == level


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("Former U.S. Secretary of State", "former office holder"),
        ("Wife of Xi Jinping", "family member"),
        ("Chairman of the Russian State Duma", "parliamentarian"),
        ("Speaker of the French National Assembly", "parliamentarian"),
        ("Leader of the Democratic Party of Japan", "party official"),
        ("KMT Honorary Chairman", "party official"),
        ("UN Secretary-General", "international organisation"),
        ("European Commission President", "international organisation"),
        ("CEO of Citigroup", "no state office"),
        ("President of the Japan-China Association on Economy and Trade", "no state office"),
        ("2011 Nobel laureate in economics", "no state office"),
        ("", "no title"),
    ],
)
def test_titles_without_state_office_are_rejected_with_the_reason(title, reason):
    result = level_of_title(title)
    assert result.level is None
    assert reason in result.reason


def test_meeting_level_is_the_lower_side():
    # a foreign head of state receiving China's foreign minister: ministerial level
    assert meeting_level("head_of_state", "foreign_minister") == "foreign_minister"
    assert meeting_level("head_of_state", "head_of_state") == "head_of_state"
    # a foreign minister received by Xi Jinping: ministerial (codebook definition)
    assert meeting_level("foreign_minister", "head_of_state") == "foreign_minister"
    assert meeting_level("military_chief", "head_of_state") == "military_chief"


def test_levels_map_to_collected_activities_that_allow_them(codebook):
    for level, activity in ACTIVITY_OF_LEVEL.items():
        spec = codebook.activities[activity]
        assert spec.status == "collected", activity
        assert level in spec.levels, (level, activity)
        assert spec.area == china_vitae.AREA


def test_parse_meeting_with_nested_parentheses_and_attendees():
    m = parse_meeting(
        "Xi Jinping was in Beijing Municipality and met with the following:  Ri Yong Ho "
        "(Foreign Minister of the Democratic People's Republic of Korea (DPRK)) Pak Pong Ju "
        "(Premier of the DPRK) Others Attending: Wang Yi (State Councilor)"
    )
    assert m is not None
    assert m.subject == "Xi Jinping"
    assert m.place == "Beijing Municipality"
    assert [c.name for c in m.counterparts] == ["Ri Yong Ho", "Pak Pong Ju"]
    assert m.counterparts[0].title.endswith("Republic of Korea (DPRK)")
    assert parse_meeting("Xi sends condolences to Malawi over flooding (Beijing)") is None


@pytest.mark.parametrize(
    ("iso3", "title", "found"),
    [
        ("KOR", "President of the Republic of Korea (ROK)", True),
        ("KOR", "Foreign Minister of the Democratic People's Republic of Korea", False),
        ("PRK", "Foreign Minister of the Democratic People's Republic of Korea", True),
        ("USA", "U.S. Secretary of State", True),
        ("GIN", "Prime Minister of Papua New Guinea", False),
        ("PNG", "Prime Minister of Papua New Guinea", True),
        ("NER", "Nigerian President", False),
        ("GBR", "British Foreign Secretary", True),
        ("COG", "President of the Democratic Republic of the Congo", False),
        ("RUS", "Russian Federation Council Speaker", True),
    ],
)
def test_country_is_found_in_titles_by_name_and_demonym(iso3, title, found):
    assert bool(country_pattern(iso3).search(title)) is found


# ------------------------------------------------------------ small files


def _write_cv(path: Path, rows: list[list[str]], header=china_vitae.COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


PUTIN = "Xi Jinping was in Beijing Municipality and met with the following: Vladimir Putin (Russian President)"
SMALL = [
    ["06/08/18", "2018", "Russia", "Xi Jinping", PUTIN],
    ["06/08/18", "2018", "Russia", "Wang Yi", PUTIN + " Others Attending: Wang Yi"],
    [
        "04/22/04",
        "2004",
        "Russia",
        "Li Zhaoxing",
        "Li Zhaoxing was in Beijing Municipality and met with the following: "
        "Sergei Ivanov (Russian Defense Minister)",
    ],
    [
        "07/24/14",
        "2014",
        "Iran",
        "Wang Yi",
        "Wang Yi travelled to Iran, Tehran and met with the following: "
        "Hassan Rouhani (President of Iran)",
    ],
    [
        "03/25/12",
        "2012",
        "South Korea",
        "Hu Jintao",
        "Hu Jintao travelled to Republic of Korea, Seoul ",
    ],
    ["01/11/18", "2018", "North Korea", "Xi Jinping", "Xi talks with Moon by phone (Beijing)"],
    [
        "10/08/04",
        "2004",
        "Vietnam",
        "Li Zhaoxing",
        "Li Zhaoxing travelled to Vietnam, Hanoi and met with the following: "
        "Juhan Parts (Prime Minister of Estonia)",
    ],
    [
        "06/17/05",
        "2005",
        "Russia",
        "Hu Jintao",
        "Hu Jintao was in Beijing Municipality and met with the following: "
        "Boris Gryzlov (Russian State Duma Chairman)",
    ],
]


def test_small_file_maps_and_rejects_by_the_rule(tmp_path):
    result = china_vitae.ingest(_write_cv(tmp_path / "cv.csv", SMALL))
    validate_source_events(result.table, "cv.csv")
    assert tuple(result.table.columns) == SOURCE_EVENT_COLUMNS
    assert result.counts["rows_read"] == 8
    assert result.counts["mapped"] == 3
    assert result.counts["rejected"] == 5
    by_row = result.table.set_index("source_record")
    summit = by_row.loc["cv.csv:row 2"]
    assert (summit["activity"], summit["level"], summit["participants"]) == (
        "summit",
        "head_of_state",
        "CHN;RUS",
    )
    assert summit["flags"] == china_vitae.NO_SECURITY_CUE
    defence = by_row.loc["cv.csv:row 4"]
    assert (defence["activity"], defence["level"], defence["flags"]) == (
        "ministerial_meeting",
        "defence_minister",
        "",
    )
    # China's foreign minister received by Iran's president: ministerial level
    iran = by_row.loc["cv.csv:row 5"]
    assert (iran["activity"], iran["level"], iran["participants"]) == (
        "ministerial_meeting",
        "foreign_minister",
        "CHN;IRN",
    )
    reasons = dict(zip(result.rejected["source_record"], result.rejected["reason"], strict=True))
    assert reasons["cv.csv:row 3"].startswith("duplicate of row 2")
    assert reasons["cv.csv:row 6"] == "travel record without a named counterpart"
    assert "telephone call" in reasons["cv.csv:row 7"]
    assert reasons["cv.csv:row 8"].startswith("country is not named")
    assert "parliamentarian" in reasons["cv.csv:row 9"]
    assert result.counts["rejected_duplicate"] == 1


def test_missing_columns_are_listed_together(tmp_path):
    path = _write_cv(tmp_path / "cv.csv", [["x", "y", "z"]], header=("date", "when", "who"))
    with pytest.raises(InputError) as err:
        china_vitae.ingest(path)
    missing = {(p.row, p.column) for p in err.value.problems if "missing" in p.message}
    assert missing == {(1, "year"), (1, "country"), (1, "leader"), (1, "text")}


def test_bad_cells_are_reported_with_row_and_column(tmp_path):
    rows = [
        ["13/40/18", "2018", "Russia", "Xi Jinping", PUTIN],
        ["06/08/18", "2017", "Russia", "Xi Jinping", PUTIN],
        ["06/08/18", "2018", "", "Xi Jinping", PUTIN],
        ["06/08/98", "1998", "Russia", "Xi Jinping", PUTIN],
    ]
    with pytest.raises(InputError) as err:
        china_vitae.ingest(_write_cv(tmp_path / "cv.csv", rows))
    got = {(p.row, p.column) for p in err.value.problems}
    assert got == {(2, "date"), (3, "date"), (4, "country"), (5, "date")}


def test_truncated_file_raises(tmp_path):
    path = _write_cv(tmp_path / "cv.csv", SMALL)
    data = path.read_bytes()
    (tmp_path / "cut.csv").write_bytes(data[: data.rindex(b"met with") + 3])
    with pytest.raises(InputError, match="truncated"):
        china_vitae.ingest(tmp_path / "cut.csv")


def test_wrong_file_raises(tmp_path):
    path = tmp_path / "aid.csv"
    path.write_text('"receiving_country","year"\n"Nepal",2005\n', encoding="utf-8")
    with pytest.raises(InputError, match="required column is missing"):
        china_vitae.ingest(path)
    with pytest.raises(InputError, match="file not found"):
        china_vitae.ingest(tmp_path / "absent.csv")
    (tmp_path / "header.csv").write_text(",".join(china_vitae.COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="no data rows"):
        china_vitae.ingest(tmp_path / "header.csv")


_GARBAGE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_GARBAGE
@given(st.binary(max_size=400))
def test_garbage_raises_input_error_only(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "garbage.csv"
        path.write_bytes(data)
        with pytest.raises(InputError):
            china_vitae.ingest(path)


@_GARBAGE
@given(st.data())
def test_truncated_file_raises_input_error_or_reads_whole_rows(data):
    with tempfile.TemporaryDirectory() as tmp:
        full = _write_cv(Path(tmp) / "cv.csv", SMALL).read_bytes()
        cut = data.draw(st.integers(min_value=1, max_value=len(full) - 1))
        path = Path(tmp) / "cut.csv"
        path.write_bytes(full[:cut])
        try:
            result = china_vitae.ingest(path)
        except InputError:
            return
        # only a cut at a row's end (after its closing quote) leaves a valid file
        assert full[:cut].rstrip(b"\n").endswith(b'"')
        assert result.counts["rows_read"] == result.counts["mapped"] + result.counts["rejected"]


# ------------------------------------------------------------ golden: China Vitae


@pytest.mark.shared
def test_golden_counts(cv_result):
    c = cv_result.counts
    assert (c["rows_read"], c["mapped"], c["rejected"]) == (5705, 3217, 2488)
    assert c["mapped_security_cue"] == 93
    assert c["rejected_duplicate"] == 584
    assert c["rejected_travel_record_without_a_named_counterpart"] == 472
    assert sum(v for k, v in c.items() if k.startswith("rejected_")) == c["rejected"]
    assert cv_result.table["event_id"].is_unique
    validate_source_events(cv_result.table, CV_CSV)
    pairs = cv_result.table["participants"].value_counts()
    assert (pairs["CHN;RUS"], pairs["CHN;IRN"], pairs["CHN;PRK"]) == (202, 46, 25)


@pytest.mark.shared
def test_golden_xi_putin_beijing_2018(cv_result):
    e = _event(cv_result, 84)  # 06/08/18: Putin's state visit, Xi's log
    assert e["date_start"] == "2018-06-08"
    assert (e["date_end"], e["date_precision"]) == ("", "day")
    assert (e["participants"], e["participants_cow"], e["n_participants"]) == (
        "CHN;RUS",
        "710;365",
        2,
    )
    assert (e["activity"], e["area"], e["level"], e["format"]) == (
        "summit",
        "contacts",
        "head_of_state",
        "bilateral",
    )
    assert e["location"] == "Beijing Municipality"
    assert (e["source_type"], e["coder"], e["confidence"]) == ("dataset", "china_vitae", "high")
    assert not e["follow_up"]
    assert cv_result.table["follow_up"].dtype == bool
    assert math.isnan(e["tiv"])
    assert e["flags"] == "no_security_cue"
    assert "Vladimir Putin (Russian President)" in e["notes"]


@pytest.mark.shared
def test_golden_levels_of_known_meetings(cv_result):
    ri = _event(cv_result, 2)  # 12/07/18 Xi receives DPRK foreign minister Ri Yong Ho
    assert (ri["participants"], ri["activity"], ri["level"]) == (
        "CHN;PRK",
        "ministerial_meeting",
        "foreign_minister",
    )
    patrushev = cv_result.table[
        cv_result.table["notes"].str.contains("Nikolai Patrushev")
        & (cv_result.table["date_start"] == "2013-01-08")
    ].iloc[0]
    assert (patrushev["activity"], patrushev["level"], patrushev["flags"]) == (
        "official_meeting",
        "security_official",
        "",
    )
    baluyevsky = cv_result.table[cv_result.table["notes"].str.contains("Baluyevsky")].iloc[0]
    assert (baluyevsky["date_start"], baluyevsky["activity"], baluyevsky["level"]) == (
        "2005-03-18",
        "military_talks",
        "military_chief",
    )


@pytest.mark.shared
def test_golden_rejections(cv_result):
    assert _reason(cv_result, 4) == "travel record without a named counterpart"  # Xi in Lisbon
    # Yang Jiechi's log repeats Wen Jiabao's meeting with Putin in Moscow (Nov 2007)
    assert _reason(cv_result, 4862).startswith("duplicate of row")
    assert "parliamentarian" in _reason(cv_result, 1459)  # Gryzlov, State Duma


@pytest.mark.shared
def test_golden_rds_gives_the_same_events(cv_result):
    rds = china_vitae.ingest(shared_file(CV_RDS))
    assert rds.counts == cv_result.counts
    columns = [c for c in SOURCE_EVENT_COLUMNS if c != "source_record"]
    pd.testing.assert_frame_equal(rds.table[columns], cv_result.table[columns])


# ------------------------------------------------------------ AidData


def _write_aid(path: Path, rows: list[list[str]]) -> Path:
    header = ["receiving_country", "year", *aiddata.COUNT_COLUMNS]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_aiddata_keeps_not_collected_as_missing(tmp_path):
    path = _write_aid(
        tmp_path / "aid.csv",
        [["North Korea", "2003", "7", "1", "8"], ["North Korea", "2016", "N/A", "N/A", "N/A"]],
    )
    table = aiddata.military_visit_counts(path)
    assert list(table["iso3"]) == ["PRK", "PRK"]
    assert table.loc[0, "military_visits"] == 1
    assert pd.isna(table.loc[1, "military_visits"])


def test_aiddata_bad_cells_are_listed(tmp_path):
    path = _write_aid(
        tmp_path / "aid.csv",
        [
            ["Nepal", "2005", "3", "x", "3"],
            ["Nepal", "05", "3", "0", "3"],
            ["Nepal", "2005", "3", "0", "3"],
            ["Nepal", "2006", "3"],
        ],
    )
    with pytest.raises(InputError) as err:
        aiddata.ingest(path)
    got = {(p.row, p.column) for p in err.value.problems}
    assert (2, "military_visits") in got
    assert (3, "year") in got
    assert (4, "year") in got  # country-year repeated
    assert (5, None) in got  # truncated row


@_GARBAGE
@given(st.binary(max_size=400))
def test_aiddata_garbage_raises_input_error_only(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "garbage.csv"
        path.write_bytes(data)
        with pytest.raises(InputError):
            aiddata.ingest(path)


def test_cross_check_counts_by_hand(tmp_path):
    events = pd.DataFrame(
        {
            "participants": ["CHN;PRK", "CHN;PRK", "CHN;PRK", "CHN;RUS", "CHN;PRK;RUS"],
            "date_start": ["2010-05-03", "2010-08-26", "2011-05-20", "2010-01-01", "2010-01-01"],
            "level": ["head_of_state", "defence_minister", "foreign_minister", "head_of_state", ""],
            "flags": ["no_security_cue", "", "no_security_cue", "", ""],
        }
    )
    aid = pd.DataFrame(
        {
            "iso3": ["PRK", "PRK", "PRK"],
            "year": [2010, 2011, 2016],
            "government_visits": pd.array([12, 10, pd.NA], dtype="Int64"),
            "military_visits": pd.array([1, 0, pd.NA], dtype="Int64"),
            "total_elite_visits": pd.array([13, 10, pd.NA], dtype="Int64"),
        }
    )
    out = aiddata.cross_check(events, aid).set_index("year")
    assert list(out.columns[:1]) == ["iso3"]
    assert out.loc[
        2010, ["cv_meetings", "cv_security_meetings", "cv_military_meetings"]
    ].tolist() == [2, 1, 1]
    assert out.loc[2011, "cv_meetings"] == 1
    assert out.loc[2016, "cv_meetings"] == 0  # no event: an observed zero
    assert pd.isna(out.loc[2016, "aid_military_visits"])  # not collected stays missing
    summary = aiddata.cross_check_summary(out.reset_index())
    row = summary[(summary["unit"] == "country_year") & (summary["aid"] == "aid_military_visits")]
    assert row["n"].tolist() == [2, 2]  # the NA year is left out
    path = _write_aid(
        tmp_path / "aid.csv",
        [
            ["North Korea", "2010", "12", "1", "13"],
            ["North Korea", "2011", "10", "0", "10"],
            ["North Korea", "2016", "N/A", "N/A", "N/A"],
        ],
    )
    report = aiddata.crosscheck_report(events, path)
    assert report["available"] and report["country_years"] == 3
    assert [r["n"] for r in report["summary"]] == summary["n"].tolist()
    assert json.loads(json.dumps(report)) == report  # plain JSON values only
    assert aiddata.crosscheck_report(None, path) == {
        "available": False,
        "absent": ["china_vitae"],
        "summary": [],
    }


@pytest.mark.shared
def test_golden_aiddata(aid_result):
    c = aid_result.counts
    assert (c["rows_read"], c["mapped"], c["rejected"], c["countries"]) == (741, 741, 0, 39)
    assert c["total_not_sum"] == 0
    t = aid_result.table.set_index(["iso3", "year"])
    assert t.loc[("PRK", 2003), "military_visits"] == 1
    assert t.loc[("PRK", 2003), "government_visits"] == 7
    assert pd.isna(t.loc[("PRK", 2016), "military_visits"])
    assert not {"RUS", "IRN"} & set(aid_result.table["iso3"])


@pytest.mark.shared
def test_golden_cross_check(cv_result, aid_result):
    comparison = aiddata.cross_check(cv_result.table, aid_result.table)
    assert len(comparison) == 39 * 16
    summary = aiddata.cross_check_summary(comparison).set_index(["unit", "cv", "aid"])
    gov = summary.loc[("country_year", "cv_meetings", "aid_government_visits")]
    assert gov["n"] == 520
    assert gov["pearson"] == pytest.approx(0.392, abs=0.005)
    assert gov["spearman"] == pytest.approx(0.454, abs=0.005)
    assert gov["agreement"] == pytest.approx(0.738, abs=0.005)
    totals = summary.loc[("country_total", "cv_meetings", "aid_government_visits")]
    assert totals["spearman"] == pytest.approx(0.785, abs=0.005)
    mil = summary.loc[("country_year", "cv_military_meetings", "aid_military_visits")]
    assert mil["n"] == 439
    assert mil["kappa"] < 0.1  # China Vitae does not log PLA leaders' meetings
