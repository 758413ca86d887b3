"""The SIPRI adapter: reading both register layouts, mapping deals to events, the
war rule, the TIV-per-year rule, bad input, and a cross-check against SIPRI's own
yearly TIV tables.

Golden tests read the real register from ../shared/data (never copied here).
Every other fixture below is SYNTHETIC: invented deals ('Testgun', 'Mockmissile')
written by the tests themselves, shaped like SIPRI's exports but not SIPRI data.
"""

from __future__ import annotations

import math
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.shared_data import shared_file
from tiesmap.core.codebook import load_codebook
from tiesmap.core.errors import InputError
from tiesmap.core.schema import SOURCE_EVENT_COLUMNS
from tiesmap.sources import AdapterResult
from tiesmap.sources.sipri import (
    ARMS_SALE,
    DEAL_HEADER,
    DELIVERY_HEADER,
    LAYOUT_DEAL,
    LAYOUT_DELIVERY_YEAR,
    WEAPONS_DELIVERY,
    at_war,
    classify_delivery,
    cow_code,
    cross_check_summary,
    crosscheck_report,
    detect_layout,
    ingest,
    map_actor,
    parse_delivery_years,
    parse_wars,
    read_register,
    tiv_cross_check,
    tiv_per_year,
)

ROOT = Path(__file__).resolve().parents[2]
REGISTER = "sipri_trade_register/trade-register.csv"
TIV_EXPORTS = "sipri_tiv_tables/export-values_by-supplier_1950-2024.csv"
TIV_IMPORTS = "sipri_tiv_tables/import-values_by-recipient_1950-2024.csv"
WARS = [{"name": "Russia-Ukraine war", "state": "RUS", "start": "2022-02-24", "end": None}]

# ------------------------------------------------------------ synthetic files

SYNTHETIC_PREAMBLE = [
    "SYNTHETIC test file shaped like a SIPRI trade-register export (invented deals) ",
    "A '?' in a column indicates uncertain data.",
    "",
    "Source: SYNTHETIC, not SIPRI data.",
    "Data generated: 1 Jan 2000 0:00:00 AM",
]

# Classic layout (one row per deal). Line numbers: preamble 1-5, header 6, rows 7-.
SYNTHETIC_DEALS = [
    # recipient, supplier, order year, ?, n ordered, ?, designation, description,
    # n delivered, ?, years, status, comments, TIV unit, TIV order, TIV delivered
    ["Iran", "China", "1999", "", "30", "", "Mockmissile", "anti-ship missile", "30", "",
     "2001; 2002; 2003", "New", "synthetic", "1", "30", "30"],
    ["Russia", "North Korea", "2020", "?", "10", "", "Testgun", "towed gun", "10", "?",
     "2021; 2022", "Second hand", "synthetic", "1", "10", "8"],
    ["China", "Soviet Union", "1955", "", "5", "", "Fakejet", "fighter aircraft", "5", "",
     "1956", "New", "synthetic", "2", "10", "10"],
    ["Houthi rebels (Yemen)*", "Iran", "2015", "?", "", "", "Mockdrone", "armed drone", "4",
     "?", "2016", "New", "synthetic", "0.5", "0", "2"],
    ["Iran", "unknown supplier(s)", "2010", "", "1", "", "Testship", "patrol craft", "1", "",
     "2011", "New", "synthetic", "3", "3", "3"],
    ["North Korea", "Russia", "2024", "", "2", "", "Testradar", "air search radar", "0", "",
     "", "New", "synthetic; ordered, nothing delivered", "4", "8", "0"],
]  # fmt: skip

# Newer layout (one row per deal and delivery year).
SYNTHETIC_DELIVERIES = [
    ["900001", "Iran", "Russia", "Mockdrone", "one-way attack drone", "Aircraft", "2021", "No",
     "40", "Yes", "2021", "No", "New", "0.05", "0.05", "2", "No"],
    ["900001", "Iran", "Russia", "Mockdrone", "one-way attack drone", "Aircraft", "2021", "No",
     "100", "Yes", "2022", "Yes", "New", "0.05", "0.05", "5", "No"],
    ["900002", "China", "Iran", "Testgun", "towed gun", "Artillery", "2010", "Yes", "4", "No",
     "2011", "No", "Second hand", "1", "0.4", "1.6", "No"],
    ["900003", "NATO**", "Iran", "Testship", "patrol craft", "Ships", "2010", "No", "1", "No",
     "2012", "No", "New", "3", "3", "3", "No"],
]  # fmt: skip


def _csv_line(cells: list[str]) -> str:
    return ",".join(f'"{c}"' if ("," in c or '"' in c) else c for c in cells)


def synthetic_text(rows=SYNTHETIC_DEALS, header=DEAL_HEADER, preamble=SYNTHETIC_PREAMBLE) -> str:
    """A SYNTHETIC register export as text (LF line ends, final line break)."""
    lines = [*preamble, _csv_line(list(header)), *(_csv_line(r) for r in rows)]
    return "\n".join(lines) + "\n"


def write_synthetic(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("latin-1", errors="replace"))
    return path


def problems_of(path: Path) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InputError) as err:
        ingest(path, WARS)
    return [(p.row, p.column, p.message) for p in err.value.problems]


# ------------------------------------------------------------- real register


@pytest.fixture(scope="module")
def real() -> AdapterResult:
    """The real register, ingested once for the whole module."""
    return ingest(shared_file(REGISTER), WARS)


@pytest.fixture(scope="module")
def real_events(real) -> pd.DataFrame:
    return real.table


def deal_events(events: pd.DataFrame, participants: str, designation: str) -> pd.DataFrame:
    rows = events[
        (events["participants"] == participants) & events["notes"].str.startswith(designation + ",")
    ]
    return rows.sort_values("event_id", ignore_index=True)


def test_real_register_counts(real):
    assert real.counts["rows_read"] == 29_916
    assert real.counts["deals_mapped"] + real.counts["deals_rejected"] == 29_916
    assert real.counts["deals_rejected"] == len(real.rejected) == 1_923
    assert real.counts["events"] == len(real.table) == 59_669
    # Orders without any delivery yet: 1,220 rows have no delivery years.
    assert real.rejected["reason"].str.contains("no delivery years").sum() == 1_220
    assert real.counts["rejected_supplier_unknown_actor"] == 285


def test_real_events_have_the_canonical_columns(real_events):
    assert tuple(real_events.columns) == SOURCE_EVENT_COLUMNS
    assert real_events["event_id"].is_unique
    assert set(real_events["n_participants"]) == {2}
    assert set(real_events["level"]) == {"not_applicable"}
    assert set(real_events["coder"]) == {"sipri"}
    assert set(real_events["source"]) == {
        "SIPRI Arms Transfers Database, https://www.sipri.org/databases/armstransfers; "
        "trade register, Data generated: 18 May 2026 2:29:20 PM"
    }
    flagged = real_events["flags"] != ""
    assert (real_events.loc[flagged, "confidence"] == "medium").all()
    assert (real_events.loc[~flagged, "confidence"] == "high").all()


def test_iran_to_russia_drones_are_wartime_deliveries(real_events):
    iran_russia = real_events[real_events["participants"] == "IRN;RUS"]
    assert iran_russia["source_record"].nunique() == 4
    assert set(iran_russia["activity"]) == {"weapons_delivery"}
    assert set(iran_russia["area"]) == {"wartime_support"}
    shahed = deal_events(real_events, "IRN;RUS", "Shahed-136")
    assert list(shahed["date_start"]) == ["2022", "2023", "2024", "2025"]
    assert list(shahed["tiv"]) == [66.0] * 4  # 264 TIV over four delivery years
    assert set(shahed["flags"]) == {"number_delivered_estimate"}
    assert set(shahed["confidence"]) == {"medium"}
    assert shahed["notes"][0] == "Shahed-136, one-way attack drone"


def test_north_korea_to_russia_deliveries_from_2022_are_wartime(real_events):
    nk_russia = real_events[real_events["participants"] == "PRK;RUS"]
    assert nk_russia["source_record"].nunique() == 10
    assert (nk_russia["date_start"].astype(int) >= 2022).all()
    assert set(nk_russia["activity"]) == {"weapons_delivery"}
    hwasong = deal_events(real_events, "PRK;RUS", "Hwasong-11")
    assert list(hwasong["date_start"]) == ["2023", "2024", "2025"]
    assert hwasong["tiv"].sum() == pytest.approx(180.0)
    assert set(hwasong["participants_cow"]) == {"731;365"}


def test_china_to_iran_anti_ship_missiles_are_peacetime_sales(real_events):
    missiles = real_events[
        (real_events["participants"] == "CHN;IRN")
        & real_events["notes"].str.endswith("anti-ship missile")
    ]
    assert missiles["source_record"].nunique() == 10
    assert set(missiles["activity"]) == {"arms_sale"}
    assert set(missiles["area"]) == {"war_preparation"}
    c802 = deal_events(real_events, "CHN;IRN", "C-802")
    assert list(c802["date_start"]) == [str(y) for y in range(1994, 2013)]
    assert list(c802["tiv"]) == pytest.approx([18.0] * 19)  # 342 TIV over 19 years


def test_soviet_union_stays_distinct_from_russia(real_events):
    supplier = real_events["participants"].str[:3]
    years = real_events["date_start"].astype(int)
    assert years[supplier == "SUN"].max() == 1991
    assert years[supplier == "RUS"].min() == 1992
    t55 = real_events[real_events["source_record"] == "trade-register line 16"]
    assert set(t55["participants"]) == {"SUN;AFG"}
    assert len(t55) == 12  # 1979-1991 without 1989
    assert t55["tiv"].sum() == pytest.approx(250.0)
    assert set(t55["participants_cow"]) == {"365;700"}


def test_non_state_and_unknown_actors_are_rejected_with_reasons(real, real_events):
    reasons = set(real.rejected["reason"])
    assert "recipient non-state actor: 'Houthi rebels (Yemen)*'" in reasons
    assert "supplier unknown actor: 'unknown supplier(s)'" in reasons
    assert "recipient international organisation: 'NATO**'" in reasons
    assert any("'Northern Cyprus'" in r for r in reasons)
    assert real.rejected["source_record"].str.match(r"^trade-register line \d+$").all()
    # Nothing rejected reappears as an event.
    assert not set(real.rejected["source_record"]) & set(real_events["source_record"])


def test_yearly_tiv_sums_back_to_sipri_delivered_tiv(real_events):
    register = read_register(shared_file(REGISTER))
    delivered = {f"trade-register line {r.line}": r.tiv_delivered for r in register.records}
    per_deal = real_events.groupby("source_record")["tiv"].sum()
    expected = per_deal.index.map(delivered)
    assert per_deal.to_numpy() == pytest.approx(expected.to_numpy(dtype=float))


@pytest.fixture(scope="module")
def cross_check(real_events) -> pd.DataFrame:
    return tiv_cross_check(real_events, shared_file(TIV_EXPORTS), shared_file(TIV_IMPORTS))


def test_register_agrees_with_sipri_tiv_tables(cross_check):
    """Measured (register of May 2026 against tables of Oct 2024): supplier-years
    agree within 5% or 1 TIV in 48% of cases overall (44% for the four focal
    states), 86% where no multi-year deal is involved, 68% over 5-year blocks;
    correlation 0.99. The thresholds leave a margin for a new release."""
    summary = cross_check_summary(cross_check).set_index(["side", "scope", "window"])
    year_all = summary.loc[("supplier", "all", 1)]
    assert year_all["n"] > 2_500
    assert year_all["share_agree"] >= 0.45
    assert year_all["share_agree_split_free"] >= 0.80
    assert year_all["correlation"] >= 0.98
    assert summary.loc[("supplier", "all", 5), "share_agree"] >= 0.65
    focal = summary.loc[("supplier", "focal", 1)]
    assert focal["share_agree"] >= 0.40
    assert focal["correlation"] >= 0.98
    assert summary.loc[("recipient", "all", 1), "share_agree"] >= 0.45
    assert summary.loc[("recipient", "focal", 1), "correlation"] >= 0.97


def test_cross_check_keeps_soviet_union_separate(cross_check):
    suppliers = cross_check[cross_check["side"] == "supplier"]
    assert suppliers.loc[suppliers["state"] == "SUN", "year"].max() == 1991
    assert suppliers.loc[suppliers["state"] == "RUS", "year"].min() == 1992
    assert set(cross_check["state"]) >= {"CHN", "RUS", "IRN", "PRK", "SUN"}


# ------------------------------------------------------------- synthetic: reading


def test_classic_layout_is_read_with_flags_and_line_numbers(tmp_path):
    register = read_register(write_synthetic(tmp_path / "reg.csv", synthetic_text()))
    assert register.layout == LAYOUT_DEAL
    assert register.header_line == 6
    assert register.generated == "Data generated: 1 Jan 2000 0:00:00 AM"
    first, second = register.records[:2]
    assert (first.line, first.years, first.flags) == (7, (2001, 2002, 2003), ())
    assert second.flags == ("order_year_estimate", "number_delivered_estimate")
    assert register.records[-1].years == ()


@pytest.mark.parametrize("extra", [0, 1, 7])
def test_header_is_found_whatever_the_preamble_length(tmp_path, extra):
    preamble = [*SYNTHETIC_PREAMBLE, *(f"note {i}" for i in range(extra))]
    text = synthetic_text(preamble=preamble)
    register = read_register(write_synthetic(tmp_path / "reg.csv", text))
    assert register.header_line == len(preamble) + 1
    assert register.records[0].line == len(preamble) + 2


def test_delivery_year_layout_is_detected_and_used(tmp_path):
    text = synthetic_text(SYNTHETIC_DELIVERIES, DELIVERY_HEADER)
    result = ingest(write_synthetic(tmp_path / "reg.csv", text), WARS)
    assert read_register(tmp_path / "reg.csv").layout == LAYOUT_DELIVERY_YEAR
    events = result.table.set_index("event_id")
    assert list(events.index) == ["sipri-L7-2021", "sipri-L8-2022", "sipri-L9-2011"]
    assert list(events["activity"]) == ["arms_sale", "weapons_delivery", "arms_sale"]
    assert list(events["tiv"]) == [2.0, 5.0, 1.6]  # per-year TIV taken as given
    assert events.loc["sipri-L8-2022", "flags"] == (
        "number_delivered_estimate;delivery_year_estimate"
    )
    assert events.loc["sipri-L9-2011", "flags"] == "order_year_estimate"
    assert events.loc["sipri-L7-2021", "source_record"] == (
        "trade-register line 7 (SIPRI AT Database ID 900001)"
    )
    assert result.counts == {
        "rows_read": 4,
        "deals_mapped": 3,
        "deals_rejected": 1,
        "events": 3,
        "rows_repaired": 0,
        "rejected_supplier_international_organisation": 1,
    }


def test_synthetic_deals_become_events_and_rejections(tmp_path):
    result = ingest(write_synthetic(tmp_path / "reg.csv", synthetic_text()), WARS)
    events = result.table
    assert list(events["event_id"]) == [
        "sipri-L7-2001",
        "sipri-L7-2002",
        "sipri-L7-2003",
        "sipri-L8-2021",
        "sipri-L8-2022",
        "sipri-L9-1956",
    ]
    assert list(events["participants"]) == ["CHN;IRN"] * 3 + ["PRK;RUS"] * 2 + ["SUN;CHN"]
    assert list(events["tiv"]) == [10.0, 10.0, 10.0, 4.0, 4.0, 10.0]
    assert list(events["activity"]) == ["arms_sale"] * 4 + ["weapons_delivery", "arms_sale"]
    assert list(events["confidence"]) == ["high"] * 3 + ["medium"] * 2 + ["high"]
    assert set(events["date_precision"]) == {"year"}
    assert set(events["date_end"]) == {""}
    assert set(events["format"]) == {"bilateral"}
    assert set(events["source_type"]) == {"dataset"}
    assert not events["follow_up"].any()
    assert events["notes"][0] == "Mockmissile, anti-ship missile"
    rejected = dict(zip(result.rejected["source_record"], result.rejected["reason"], strict=True))
    assert rejected == {
        "trade-register line 10": "recipient non-state actor: 'Houthi rebels (Yemen)*'",
        "trade-register line 11": "supplier unknown actor: 'unknown supplier(s)'",
        "trade-register line 12": "no delivery years (order without deliveries in this register)",
    }
    assert result.counts["rows_read"] == 6
    assert result.counts["deals_mapped"] == 3
    assert result.counts["deals_rejected"] == 3
    assert result.counts["events"] == 6


def test_merge_soviet_union_is_explicit(tmp_path):
    path = write_synthetic(tmp_path / "reg.csv", synthetic_text())
    merged = ingest(path, WARS, merge_soviet_union=True).table
    assert "SUN" not in ";".join(merged["participants"])
    assert merged["participants"].iloc[-1] == "RUS;CHN"
    assert merged["participants_cow"].iloc[-1] == "365;710"


def test_source_label_opens_the_citation(tmp_path):
    path = write_synthetic(tmp_path / "reg.csv", synthetic_text())
    events = ingest(path, WARS, source_label="SIPRI (2026)").table
    assert set(events["source"]) == {
        "SIPRI (2026); trade register, Data generated: 1 Jan 2000 0:00:00 AM"
    }


def test_all_rows_rejected_still_gives_a_valid_empty_table(tmp_path):
    text = synthetic_text(SYNTHETIC_DEALS[3:])
    result = ingest(write_synthetic(tmp_path / "reg.csv", text), WARS)
    assert result.table.empty
    assert tuple(result.table.columns) == SOURCE_EVENT_COLUMNS
    assert result.counts["deals_rejected"] == 3


# ------------------------------------------------------------- bad input


def test_utf8_resaved_file_with_bom_is_read(tmp_path):
    path = tmp_path / "reg.csv"
    path.write_bytes(b"\xef\xbb\xbf" + synthetic_text().encode("utf-8"))
    assert len(read_register(path).records) == len(SYNTHETIC_DEALS)
    path.write_bytes(b"\xef\xbb\xbf" + synthetic_text().encode("utf-8") + b"\xff\n")
    assert "not UTF-8" in problems_of(path)[0][2]


def test_garbled_tiv_table_is_an_input_error(tmp_path):
    table = tmp_path / "exports.csv"
    table.write_text("SYNTHETIC\n\nExports by,2001,2002\nChina,3,x\nRussia,1\n")
    with pytest.raises(InputError) as err:
        tiv_cross_check(pd.DataFrame(columns=list(SOURCE_EVENT_COLUMNS)), table, table)
    assert [(p.row, p.column) for p in err.value.problems] == [(4, "2002"), (5, None)]


def test_not_a_sipri_file(tmp_path):
    path = write_synthetic(tmp_path / "reg.csv", "name,value\nChina,1\n")
    [(row, column, message)] = problems_of(path)
    assert "no header row" in message
    assert "not a SIPRI trade-register export" in message


def test_missing_file(tmp_path):
    assert problems_of(tmp_path / "absent.csv") == [(None, None, "file not found")]


def test_wrong_columns_are_all_listed(tmp_path):
    header = list(DEAL_HEADER)
    header[4] = "Units ordered"
    header[12] = "Remarks"
    path = write_synthetic(tmp_path / "reg.csv", synthetic_text(header=header[:-1]))
    found = problems_of(path)
    assert found == [
        (6, "col 13", "expected column 'Comments'"),
        (6, "col 16", "column 'SIPRI TIV of delivered weapons' is missing"),
        (6, "col 5", "expected column 'Number ordered'"),
    ]


def rejected_rows(result: AdapterResult) -> dict[str, str]:
    return dict(zip(result.rejected["source_record"], result.rejected["reason"], strict=True))


def test_every_bad_row_is_rejected_with_line_and_column_and_the_rest_ingests(tmp_path):
    rows = [list(r) for r in SYNTHETIC_DEALS]
    rows[0][2] = "199x"  # line 7: garbled order year
    rows[1][9] = "maybe"  # line 8: flag that is not '?'
    rows[2] = rows[2][:10]  # line 9: truncated row
    rows[4][10] = "2011; 20"  # line 11: garbled delivery years
    rows[4][15] = "n/a"  # line 11: TIV not a number
    result = ingest(write_synthetic(tmp_path / "reg.csv", synthetic_text(rows)), WARS)
    bad = rejected_rows(result)
    assert bad["trade-register line 7"] == (
        "malformed row: col 3 (Year of order): not a four-digit year ('199x')"
    )
    assert bad["trade-register line 8"] == (
        "malformed row: col 10 ('?' flag of Number delivered): flag must be empty or '?' ('maybe')"
    )
    assert bad["trade-register line 9"].startswith(
        "malformed row: row has 10 cells but the header has 16 (truncated or garbled row"
    )
    assert bad["trade-register line 11"] == (
        "malformed row: col 16 (SIPRI TIV of delivered weapons): not a non-negative number "
        "('n/a'); col 11 (Year(s) of delivery): not a '; '-separated list of distinct "
        "four-digit years ('2011; 20')"
    )
    assert result.counts["rejected_malformed_row"] == 4
    assert result.counts["rows_read"] == 6
    # the good rows still ingest: line 10 (non-state recipient) and 12 (no delivery)
    # are rejected for their own reasons, so no events remain but the rest was read
    assert "non-state actor" in bad["trade-register line 10"]
    assert "no delivery years" in bad["trade-register line 12"]


def broken_comments(rows: list[list[str]], breaks: dict[int, int]) -> str:
    """The synthetic register with the comment of row i (0-based) broken by an
    unquoted line break after breaks[i] characters, as some SIPRI vintages export it."""
    lines = [*SYNTHETIC_PREAMBLE, _csv_line(list(DEAL_HEADER))]
    for i, row in enumerate(rows):
        if i in breaks:
            at = breaks[i]
            lines.append(_csv_line([*row[:12], row[12][:at]]))
            lines.append(_csv_line([row[12][at:], *row[13:]]))
        else:
            lines.append(_csv_line(row))
    return "\n".join(lines) + "\n"


def test_comment_broken_over_two_lines_is_joined_and_reported(tmp_path):
    rows = [list(r) for r in SYNTHETIC_DEALS]
    rows[0][12] = "Synthetic; delivered in three batches"
    rows[1][12] = "Synthetic second-hand guns"
    text = broken_comments(rows, {0: 10, 1: 9})
    assert text.split("\n")[6].rsplit(",", 1)[1] == "Synthetic;"  # line 7 ends mid-comment
    path = write_synthetic(tmp_path / "reg.csv", text)
    register = read_register(path)
    assert register.repairs == ((7, 8), (9, 10))
    assert register.malformed == ()
    result = ingest(path, WARS)
    assert result.counts["rows_repaired"] == 2
    assert result.notes["repairs"] == {
        "count": 2,
        "rows": [
            "lines 7 and 8 joined: a line break inside the Comments cell",
            "lines 9 and 10 joined: a line break inside the Comments cell",
        ],
    }
    # the joined deals give the same events as the unbroken file, at their first line
    clean = ingest(write_synthetic(tmp_path / "clean.csv", synthetic_text(rows)), WARS)
    assert result.table["tiv"].tolist() == clean.table["tiv"].tolist()
    assert result.table["event_id"].tolist()[:3] == [
        "sipri-L7-2001",
        "sipri-L7-2002",
        "sipri-L7-2003",
    ]


def test_short_row_that_does_not_rejoin_is_rejected_and_the_rest_ingests(tmp_path):
    rows = [list(r) for r in SYNTHETIC_DEALS]
    text = synthetic_text(rows)
    line = _csv_line(rows[0])
    # break inside 'Weapon description' (col 8), not inside Comments: not joined
    broken = _csv_line(rows[0][:7] + ["anti-ship"]) + "\n" + _csv_line(["missile", *rows[0][8:]])
    result = ingest(write_synthetic(tmp_path / "reg.csv", text.replace(line, broken)), WARS)
    bad = rejected_rows(result)
    assert result.counts["rows_repaired"] == 0
    assert bad["trade-register line 7"].startswith("malformed row: row has 8 cells")
    assert bad["trade-register line 8"].startswith("malformed row: row has 9 cells")
    assert "sipri-L9-2021" in set(result.table["event_id"])  # the next deal still ingests


def test_joined_row_rule():
    from tiesmap.sources.sipri import joined_row

    assert joined_row(["a", "b", "c1"], ["c2", "d"], 4, 2) == ["a", "b", "c1\nc2", "d"]
    assert joined_row(["a", "b", "c1"], ["c2", "d", "e"], 4, 2) is None  # too many cells
    assert joined_row(["a", "b1"], ["b2", "c", "d"], 4, 2) is None  # break not in Comments
    assert joined_row(["a", "b", "c1"], ["c2", "d"], 4, None) is None  # layout has no Comments


def test_other_preambles_are_read(tmp_path):
    preamble = ["SIPRI Arms Transfers Database", "Information generated: 15 March 2021", ""]
    register = read_register(write_synthetic(tmp_path / "r.csv", synthetic_text(preamble=preamble)))
    assert register.generated == "Information generated: 15 March 2021"
    assert len(register.records) == len(SYNTHETIC_DEALS)


def test_missing_release_line_is_reported_not_fatal(tmp_path):
    preamble = SYNTHETIC_PREAMBLE[:-1]
    result = ingest(write_synthetic(tmp_path / "r.csv", synthetic_text(preamble=preamble)), WARS)
    assert result.notes["release"] == ""
    assert result.table["source"].str.endswith("release date not stated in the export").all()
    assert len(result.table) == 6  # 3 + 2 + 1 delivery years of the mapped deals


def test_cut_last_line_is_rejected_as_truncated(tmp_path):
    text = synthetic_text().rstrip("\n")[:-1]  # '...,0' -> '...,': still 16 cells
    result = ingest(write_synthetic(tmp_path / "reg.csv", text), WARS)
    bad = rejected_rows(result)
    assert bad["trade-register line 12"] == (
        "malformed row: last row does not end with a line break: the export looks truncated"
    )
    assert result.counts["rows_read"] == 6


def test_header_without_rows_is_an_error(tmp_path):
    found = problems_of(write_synthetic(tmp_path / "reg.csv", synthetic_text(rows=[])))
    assert found == [(6, None, "no data rows after the header")]


SYNTHETIC_BYTES = synthetic_text().encode("latin-1")
HEADER_END = SYNTHETIC_BYTES.index(b"SIPRI TIV of delivered weapons\n") + len(
    b"SIPRI TIV of delivered weapons\n"
)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _ingest_bytes(data: bytes) -> AdapterResult:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reg.csv"
        path.write_bytes(data)
        return ingest(path, WARS)


@FAST
@given(st.binary(max_size=2_000))
def test_garbage_bytes_raise_input_error(data):
    assume(b"Recipient" not in data and b"SIPRI AT Database ID" not in data)
    with pytest.raises(InputError):
        _ingest_bytes(data)


@FAST
@given(st.integers(min_value=0, max_value=len(SYNTHETIC_BYTES) - 1))
def test_truncated_files_raise_or_reject_the_cut_row(cut):
    """A file cut before its first data row is not a register; a file cut inside a
    row ingests the rows before it and rejects the cut one as truncated."""
    if cut <= HEADER_END:
        with pytest.raises(InputError):
            _ingest_bytes(SYNTHETIC_BYTES[:cut])
        return
    assume(SYNTHETIC_BYTES[cut - 1 : cut] != b"\n")
    result = _ingest_bytes(SYNTHETIC_BYTES[:cut])
    line = SYNTHETIC_BYTES[:cut].count(b"\n") + 1
    assert "truncated" in rejected_rows(result)[f"trade-register line {line}"]


_cells = st.one_of(
    st.sampled_from(["", "?", "2001", "2001; 2002", "3.5", "New", "China", "Iran*", "Yes", "0"]),
    st.text(alphabet=st.characters(max_codepoint=255), max_size=12),
)


@FAST
@given(st.lists(st.lists(_cells, min_size=14, max_size=18), min_size=1, max_size=4))
def test_garbled_rows_give_events_or_input_error_only(rows):
    data = synthetic_text(rows=rows).encode("latin-1", errors="replace")
    try:
        result = _ingest_bytes(data)
    except InputError as err:
        assert err.problems
    else:
        assert tuple(result.table.columns) == SOURCE_EVENT_COLUMNS


# ------------------------------------------------------------- rules


def test_header_detection():
    assert detect_layout(list(DEAL_HEADER)) == LAYOUT_DEAL
    assert detect_layout(list(DELIVERY_HEADER)) == LAYOUT_DELIVERY_YEAR
    assert detect_layout(["Recipient", *DEAL_HEADER[1:3], "", *DEAL_HEADER[4:]]) == LAYOUT_DEAL


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("", ()),
        ("1979", (1979,)),
        ("1979; 1980; 1981", (1979, 1980, 1981)),
        ("1979;1980", (1979, 1980)),
    ],
)
def test_delivery_years(text, years):
    assert parse_delivery_years(text) == years


@pytest.mark.parametrize("text", ["1979, 1980", "79", "1979; 1979", "1979;", "٢٠٠١"])
def test_garbled_delivery_years(text):
    assert parse_delivery_years(text) is None


def test_wars_accept_text_and_yaml_dates():
    wars = parse_wars(
        [
            {"name": "a", "state": "RUS", "start": "2022-02-24", "end": None},
            {"name": "b", "state": "IRN", "start": date(1980, 9, 22), "end": date(1988, 8, 20)},
        ]
    )
    assert [(w.state, w.start_year, w.end_year) for w in wars] == [
        ("RUS", 2022, None),
        ("IRN", 1980, 1988),
    ]


def test_bad_wars_are_all_reported():
    with pytest.raises(InputError) as err:
        parse_wars(
            [
                {"name": "a", "state": "Russia", "start": "2022-02-24", "end": None},
                {"name": "b", "state": "IRN", "start": "1988", "end": "1980"},
                {"name": "c", "state": "IRN"},
            ]
        )
    assert [p.column for p in err.value.problems] == ["wars[0].state", "wars[1].end", "wars[2]"]


@pytest.mark.parametrize(
    ("state", "year", "expected"),
    [
        ("RUS", 2021, False),  # before the war
        ("RUS", 2022, True),  # the year the war starts counts: deliveries are dated by year
        ("RUS", 2025, True),  # ongoing war (end None)
        ("IRN", 1979, False),
        ("IRN", 1980, True),
        ("IRN", 1988, True),  # the year the war ends counts
        ("IRN", 1989, False),
        ("IRQ", 1985, False),  # only the state listed in config is at war
    ],
)
def test_war_classification(state, year, expected):
    wars = parse_wars(
        [
            {"name": "x", "state": "RUS", "start": "2022-02-24", "end": None},
            {"name": "y", "state": "IRN", "start": "1980-09-22", "end": "1988-08-20"},
        ]
    )
    assert at_war(state, year, wars) is expected
    assert classify_delivery(state, year, wars) == (WEAPONS_DELIVERY if expected else ARMS_SALE)


def test_no_wars_means_every_delivery_is_a_sale(tmp_path):
    path = write_synthetic(tmp_path / "reg.csv", synthetic_text())
    assert set(ingest(path, []).table["activity"]) == {"arms_sale"}


def test_activities_match_the_codebook():
    codebook = load_codebook(ROOT / "config" / "codebook.yaml")
    for activity, area in (ARMS_SALE, WEAPONS_DELIVERY):
        assert codebook.area_of(activity) == area
        assert codebook.activities[activity].directed
        assert codebook.activities[activity].levels == ("not_applicable",)


@pytest.mark.parametrize(
    ("tiv", "n_years", "expected"),
    [(30.0, 3, 10.0), (264.0, 4, 66.0), (0.0, 2, 0.0), (5.0, 1, 5.0)],
)
def test_tiv_is_split_evenly_over_delivery_years(tiv, n_years, expected):
    assert tiv_per_year(tiv, n_years) == pytest.approx(expected)
    assert tiv_per_year(tiv, n_years) * n_years == pytest.approx(tiv)


def test_unknown_tiv_stays_missing():
    assert math.isnan(tiv_per_year(None, 3))
    assert math.isnan(tiv_per_year(3.0, 0))


@pytest.mark.parametrize(
    ("name", "iso3", "reason"),
    [
        ("China", "CHN", ""),
        ("Soviet Union", "SUN", ""),
        ("Turkiye", "TUR", ""),
        ("South Yemen", "YMD", ""),
        ("Houthi rebels (Yemen)*", None, "non-state actor"),
        ("United Nations**", None, "international organisation"),
        ("unknown supplier(s)", None, "unknown actor"),
        ("unknown rebel group*", None, "non-state actor"),
        ("Northern Cyprus", None, "not a state"),
        ("Atlantis", None, "not matched"),
    ],
)
def test_actor_mapping(name, iso3, reason):
    found, why = map_actor(name)
    assert found == iso3
    assert reason in why and bool(why) == bool(reason)


def test_soviet_union_merges_only_on_request():
    assert map_actor("Soviet Union", merge_soviet_union=True) == ("RUS", "")
    assert map_actor("Russia", merge_soviet_union=True) == ("RUS", "")


def test_historical_yemens_get_their_own_cow_codes():
    assert cow_code("South Yemen", "YMD") == "680"
    assert cow_code("North Yemen", "YEM") == "678"
    assert cow_code("Yemen", "YEM") == "679"
    assert cow_code("Palestine", "PSE") == ""


def test_cross_check_on_synthetic_tables(tmp_path):
    """SYNTHETIC TIV tables: China exports 10/yr 2001-03 (register even split),
    Soviet Union 9 in 1956 (register 10: within 1 TIV)."""
    events = ingest(write_synthetic(tmp_path / "reg.csv", synthetic_text()), WARS).table
    preamble = "SYNTHETIC table\n\nData generated: 1 Jan 2000\n\n"
    years = ",".join(str(y) for y in range(1956, 2023))
    blank = [""] * len(range(1956, 2023))

    def table_row(name, values):
        cells = list(blank)
        for year, value in values.items():
            cells[year - 1956] = value
        return f"{name},{','.join(cells)},total\n"

    exports = tmp_path / "exports.csv"
    exports.write_text(
        preamble
        + f"Exports by,{years},1956-2022\n"
        + table_row("China", {2001: "10", 2002: "10", 2003: "12"})
        + table_row("Soviet Union", {1956: "9"})
        + table_row("Total world export", {2001: "99"}),
        encoding="latin-1",
    )
    imports = tmp_path / "imports.csv"
    imports.write_text(
        preamble
        + f"Recipient,{years},1956-2022\n"
        + table_row("Iran", {2001: "10", 2002: "10", 2003: "10"})
        + table_row("Houthi rebels (Yemen)*", {2016: "2"}),
        encoding="latin-1",
    )
    check = tiv_cross_check(events, exports, imports).set_index(["side", "state", "year"])
    assert check.loc[("supplier", "CHN", 2003), "diff"] == pytest.approx(-2.0)
    assert not check.loc[("supplier", "CHN", 2003), "agree"]
    assert check.loc[("supplier", "SUN", 1956), "agree"]
    assert check.loc[("supplier", "SUN", 1956), "split_free"]
    assert not check.loc[("supplier", "CHN", 2001), "split_free"]
    assert ("recipient", "RUS", 2022) in check.index  # register only: table value 0
    assert "YEM" not in check.index.get_level_values("state")  # non-state rows dropped
    summary = cross_check_summary(check.reset_index(), windows=(1,))
    supplier_all = summary[(summary["side"] == "supplier") & (summary["scope"] == "all")]
    assert supplier_all["n"].item() == 6  # CHN 2001-03, SUN 1956, PRK 2021-22 (register only)
    assert supplier_all["share_agree"].item() == pytest.approx(3 / 6)
    report = crosscheck_report(events, exports, imports)
    assert report["available"] and report["absent"] == []
    assert report["state_years"] == len(check)
    row = next(
        r
        for r in report["summary"]
        if (r["side"], r["scope"], r["window"]) == ("supplier", "all", 1)
    )
    assert row["n"] == 6 and row["share_agree"] == pytest.approx(3 / 6)
    assert report["summary"][0]["share_agree_split_free"] is None or isinstance(
        report["summary"][0]["share_agree_split_free"], float
    )


def test_crosscheck_report_records_absent_files():
    report = crosscheck_report(None, None, "imports.csv")
    assert report == {
        "available": False,
        "absent": ["register", "tiv_exports"],
        "summary": [],
    }
