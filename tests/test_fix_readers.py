"""Readers that located or caught too little (tests/bad_inputs/CATALOG.csv bugs):
CSV cells too large for the csv module, XLSX row numbers and values right of the
header, JME values right of the header, a repeated ICEWS column, repeated or
implausible SIPRI delivery years; and the shared event-table builder.

All files here are SYNTHETIC (invented events and deals).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from tiesmap.codings.coder_files import COLUMNS, check_coder_table, read_table
from tiesmap.core.config import Period
from tiesmap.core.errors import InputError
from tiesmap.core.schema import SOURCE_EVENT_COLUMNS
from tiesmap.core.textfiles import csv_rows, read_csv
from tiesmap.sources import eventdata, exercise_dates, jme, mme, rejected_table, sipri
from tiesmap.sources.events import event_table

from .conftest import good_row, write_coder_file

ROOT = Path(__file__).resolve().parents[1]
LIMIT = csv.field_size_limit()  # frictionless and others may have raised it in-process
HUGE = "x" * (LIMIT + 10)


def problems(call, *args) -> list[tuple]:
    with pytest.raises(InputError) as err:
        call(*args)
    return [(p.row, p.column, p.message) for p in err.value.problems]


# ------------------------------------------------------------------ textfiles


def test_too_large_cell_names_row_and_column_and_reading_goes_on(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(f"a,b,c\n1,2,3\n4,{HUGE},6\n7,8,9\n", encoding="utf-8")
    rows, found = read_csv(path)
    assert rows == [["a", "b", "c"], ["1", "2", "3"], [], ["7", "8", "9"]]
    [p] = found
    assert (p.file, p.row, p.column, p.value) == (str(path), 3, "b", "x" * 40)
    assert f"cell too large ({len(HUGE):,} characters" in p.message
    assert "field larger than field limit" in p.message


def test_too_large_quoted_cell_over_several_lines_is_skipped_to_its_end(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        f'a,b\n"{HUGE}\nstill, the cell\n",x\n"q\nr",y\n1,2\n', encoding="utf-8", newline=""
    )
    rows, found = read_csv(path, strict=False)
    assert rows == [["a", "b"], [], ["q\nr", "y"], ["1", "2"]]
    assert [(p.row, p.column) for p in found] == [(2, "a")]
    assert "(line" not in found[0].message  # record 2 starts on line 2


def test_unreadable_records_are_all_reported_with_rows(tmp_path):
    path = tmp_path / "t.csv"
    # strict: a quote closed in mid-cell; a quoted cell with a line break moves the
    # physical line of later records, which the message then gives too
    path.write_text(f'a,b\n"x"y,1\n"two\nlines",2\n3,{HUGE}\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        csv_rows(path, strict=True)
    got = [(p.row, p.column, p.message) for p in err.value.problems]
    assert [(r, c) for r, c, _ in got] == [(2, None), (4, "b")]
    assert got[0][2].startswith("not a readable CSV file (")
    assert got[1][2].endswith("(line 5)")


def test_coder_file_with_a_huge_cell_reports_it_with_the_other_problems(tmp_path):
    path = write_coder_file(
        tmp_path / "coder_x.csv", [good_row(notes="short"), good_row(event_id="E002")]
    )
    text = path.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace("short", HUGE)
    text.append("E003,too,few")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    got = problems(read_table, path)
    assert (2, "notes") in [(r, c) for r, c, _ in got]
    assert any(r == 2 and "too large" in m for r, _, m in got)
    assert (4, None, f"row has 3 cells but the header has {len(COLUMNS)}") in got


def test_mme_huge_cell_is_located(tmp_path):
    path = ROOT / "tests" / "bad_inputs" / "mme" / "huge_field.csv"
    mine = tmp_path / "mme.csv"
    mine.write_bytes(path.read_bytes().replace(b"@@HUGE@@", HUGE.encode()))
    got = problems(mme.ingest, mine)
    assert [(r, c) for r, c, _ in got] == [(2, "Location")]
    assert "field larger than" in got[0][2]


# ------------------------------------------------------------------------ XLSX


def _xlsx(path: Path, rows: list[list], blank_rows: int = 0) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1 + blank_rows):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    wb.save(path)
    return path


def _cells(row: dict[str, str]) -> list[str]:
    return [row[c] for c in COLUMNS]


def test_xlsx_rows_are_numbered_as_the_sheet_numbers_them(tmp_path, codebook):
    path = _xlsx(
        tmp_path / "coder_x.xlsx",
        [list(COLUMNS), _cells(good_row()), [], _cells(good_row(event_id="E2", level="nope"))],
        blank_rows=2,
    )
    table = read_table(path)
    assert list(table.index) == [4, 6]
    found = check_coder_table(table, str(path), codebook, Period(2005, 2025))
    assert [(p.row, p.column) for p in found] == [(6, "level")]


def test_xlsx_header_problems_name_the_header_row(tmp_path):
    header = [*COLUMNS[:-1], "remarks"]
    path = _xlsx(tmp_path / "coder_x.xlsx", [header, _cells(good_row())], blank_rows=1)
    assert {(r, c) for r, c, _ in problems(read_table, path)} == {(2, "remarks")}


def test_xlsx_value_right_of_the_header_is_reported(tmp_path):
    path = _xlsx(
        tmp_path / "coder_x.xlsx",
        [list(COLUMNS), _cells(good_row()), [*_cells(good_row(event_id="E2")), "", "stray"]],
    )
    with pytest.raises(InputError) as err:
        read_table(path)
    [p] = err.value.problems
    assert (p.row, p.column, p.value) == (3, None, "stray")
    # COLUMNS has 18 columns (A to R) since the optional quantity and quantity_unit.
    assert p.message == "value in column T is beyond the header (its last column is R)"


# ------------------------------------------------------------------------- JME


def test_jme_value_right_of_the_header_is_reported_from_a_real_xls():
    path = ROOT / "tests" / "bad_inputs" / "jme" / "value_beyond_header.xls"
    header, rows = jme.read_sheet(path)
    got = problems(jme.ingest_rows, header, rows, str(path))
    assert [(r, c) for r, c, _ in got] == [(2, None)]
    assert "beyond the header" in got[0][2]


def test_jme_blank_names_right_of_the_header_are_not_columns():
    header = ["", "Exercise Name", *jme.REQUIRED_COLUMNS[1:], "", ""]
    row = [1.0, "Test", "Here", -9.0, "8/18/2005", 2005.0, 8.0, 18.0, "8/25/2005"]
    row += [2005.0, 8.0, 25.0, "FTX", "", "CHN", "RUS", None, None]
    result = jme.ingest_rows(header, [row], "jme.xls")
    assert result.table["participants"].tolist() == ["CHN;RUS"]
    got = problems(jme.ingest_rows, header, [[*row[:-1], "stray"]], "jme.xls")
    assert [(r, c) for r, c, _ in got] == [(2, None)]


# ----------------------------------------------------------------------- ICEWS


def test_icews_column_named_twice_is_an_error(tmp_path):
    header = [*eventdata.ICEWS_COLUMNS, "CAMEO Code"]
    row = ["1", "2018-06-01", "China", "NA", "China", "aid", "190", "8.3", "Russia", "NA"]
    row += ["Russian Federation", "1", "1", "Wire", "NA", "NA", "NA", "China", "35", "105", "072"]
    path = tmp_path / "e.tab"
    path.write_text("\t".join(header) + "\n" + "\t".join(row) + "\n", encoding="utf-8")
    got = problems(eventdata.ingest_icews, path)
    assert got == [(1, "CAMEO Code", "column appears twice in the header (columns 7, 21)")]


# ----------------------------------------------------------------------- SIPRI

PREAMBLE = "SYNTHETIC register\nSource: SYNTHETIC\n\nData generated: 1 Jan 2000 0:00:00 AM\n\n"
WARS = [{"name": "w", "state": "RUS", "start": "2022-02-24", "end": None}]


def _delivery(deal: str, year: str, tiv: str = "2") -> str:
    return (
        f"{deal},Iran,Russia,Mockdrone,drone,Aircraft,2021,No,40,Yes,{year},No,New,"
        f"0.05,0.05,{tiv},No"
    )


def _register(tmp_path: Path, header, rows: list[str]) -> Path:
    path = tmp_path / "reg.csv"
    path.write_text(PREAMBLE + ",".join(header) + "\n" + "\n".join(rows) + "\n", "latin-1")
    return path


def test_sipri_deal_and_delivery_year_repeated_is_rejected(tmp_path):
    rows = [_delivery("900001", "2021"), _delivery("900001", "2022"), _delivery("900001", "2021")]
    register = sipri.read_register(_register(tmp_path, sipri.DELIVERY_HEADER, rows))
    assert register.malformed == (
        (
            9,
            "SIPRI AT Database ID 900001: deal with delivery year 2021 repeated (first on "
            "line 7): its TIV would count twice",
        ),
    )
    assert [r.line for r in register.records] == [7, 8]
    result = sipri.ingest(_register(tmp_path, sipri.DELIVERY_HEADER, rows[:2]), WARS)
    assert result.table["tiv"].tolist() == [2.0, 2.0]  # one event per deal and year


def test_sipri_delivery_years_must_be_plausible():
    last = date.today().year + 1
    assert sipri.parse_delivery_years(f"1950; {last}") == (1950, last)
    for text in ("0000; 2002", "1899", str(last + 1), "2001; 2001", "20x1"):
        assert sipri.parse_delivery_years(text) is None, text
    assert sipri.delivery_years("0000; 2002") == f"year 0000 is outside 1900-{last} (garbled?)"
    assert "distinct four-digit years" in sipri.delivery_years("2001; 2001")


def test_sipri_implausible_delivery_year_names_row_and_column(tmp_path):
    deal = "Iran,China,1999,,30,,Mockmissile,missile,30,,0000; 2002,New,x,1,30,30"
    register = sipri.read_register(_register(tmp_path, sipri.DEAL_HEADER, [deal]))
    [(line, why)] = register.malformed
    assert line == 7 and why.startswith("col 11 (Year(s) of delivery): year 0000")
    rows = [_delivery("900001", "0000")]
    register = sipri.read_register(_register(tmp_path, sipri.DELIVERY_HEADER, rows))
    [(line, why)] = register.malformed
    assert line == 7 and why.startswith("Delivery year: year 0000")


# ------------------------------------------------------- shared table builders


def test_event_table_has_the_schema_columns_and_dtypes_also_when_empty():
    empty = event_table([], "x")
    assert tuple(empty.columns) == SOURCE_EVENT_COLUMNS
    assert (empty["n_participants"].dtype, empty["follow_up"].dtype) == ("int64", "bool")
    assert empty["tiv"].dtype == "float64"
    assert rejected_table([]).columns.tolist() == ["source_record", "reason"]


def test_event_table_sorts_by_date_and_id_unless_told_not_to():
    def event(eid: str, day: str) -> dict:
        return {
            "event_id": eid,
            "date_start": day,
            "date_end": "",
            "date_precision": "year",
            "participants": "CHN;RUS",
            "participants_cow": "710;365",
            "n_participants": 2,
            "activity": "exercise",
            "area": "war_preparation",
            "level": "military",
            "format": "bilateral",
            "forum": "",
            "location": "",
            "source": "synthetic",
            "source_type": "dataset",
            "confidence": "high",
            "follow_up": False,
            "coder": "t",
            "notes": "",
            "source_record": eid,
            "tiv": float("nan"),
            "flags": "",
        }

    rows = [event("b", "2020"), event("a", "2020"), event("c", "2019")]
    assert event_table(rows, "x")["event_id"].tolist() == ["c", "a", "b"]
    assert event_table(rows, "x", sort=False)["event_id"].tolist() == ["b", "a", "c"]
    bad = [{**rows[0], "n_participants": 1}]
    assert [(r, c) for r, c, _ in problems(event_table, bad, "f.csv")] == [(2, "n_participants")]


def test_exercise_dates_are_shared_and_still_importable_from_mme():
    assert mme.Ymd is jme.Ymd is exercise_dates.Ymd
    assert mme.date_from_text("1/14/80") == (exercise_dates.Ymd(1980, 1, 14), False)
    cells = {"Start": "1/14/80", "End": "", "s.year": "1980", "s.month": "1", "s.day": "xx"}
    cells |= {"e.year": "", "e.month": "", "e.day": ""}
    dates = exercise_dates.dates_from_cells(
        ("Start", "End"),
        cells.__getitem__,
        lambda column, hint: exercise_dates.text_reading(cells[column], hint),
    )
    assert isinstance(dates, exercise_dates.EventDates)
    assert (dates.start.text, dates.end) == ("1980-01-14", None)
    assert dates.flags == {"date_end_unknown"}


def test_coder_file_ambiguous_country_says_so(tmp_path, codebook):
    path = write_coder_file(tmp_path / "coder_x.csv", [good_row(participants="CHN;Korea")])
    found = check_coder_table(read_table(path), str(path), codebook, Period(2005, 2025))
    assert [(p.row, p.column, p.value) for p in found] == [(2, "participants", "Korea")]
    assert found[0].message.startswith("ambiguous: Korea could be KOR")
