"""Checking coder files: each problem is reported with file, row and column, all at once."""

import subprocess
import sys

import openpyxl
import pytest

from tiesmap.codings.coder_files import COLUMNS, check_coder_table, load_codings, read_table
from tiesmap.core.errors import InputError

from .conftest import good_row, write_coder_file


def problems_of(tmp_path, rows, codebook, period, name="coder_x.csv", columns=COLUMNS):
    path = write_coder_file(tmp_path / name, rows, columns)
    with pytest.raises(InputError) as err:
        load_codings([path], codebook, period)
    return [(p.row, p.column, p.message) for p in err.value.problems]


def test_valid_file_gives_canonical_events(tmp_path, codebook, period):
    path = write_coder_file(
        tmp_path / "coder_x.csv",
        [
            good_row(),
            good_row(event_id="E002", participants="Russia;China;Iran", format="multilateral"),
        ],
    )
    events = load_codings([path], codebook, period)
    assert list(events["event_id"]) == ["E001", "E002"]
    assert list(events["participants"]) == ["CHN;RUS", "CHN;IRN;RUS"]
    assert list(events["participants_cow"]) == ["710;365", "710;630;365"]
    assert list(events["area"]) == ["war_preparation", "war_preparation"]
    assert events["follow_up"].dtype == bool


@pytest.mark.parametrize(
    ("override", "column", "message"),
    [
        ({"participants": "CHN;Atlantis"}, "participants", "unknown country"),
        ({"activity": "tea_party"}, "activity", "unknown activity code"),
        (
            {"activity": "parliamentary_exchange", "level": "parliament"},
            "activity",
            "not_yet_collected",
        ),
        ({"date_start": "2019-02-30"}, "date_start", "day 30 does not exist"),
        ({"date_start": "April 2019"}, "date_start", "bad date"),
        ({"date_end": "2019-04-01"}, "date_end", "ends before it starts"),
        ({"participants": "CHN;China"}, "participants", "fewer than two distinct"),
        ({"source": ""}, "source", "required value is empty"),
        ({"level": "head_of_state"}, "level", "not allowed for exercise"),
        ({"level": "emperor"}, "level", "unknown level"),
        ({"date_precision": "month"}, "date_precision", "has day precision"),
        ({"date_start": "1999-05-01", "date_end": ""}, "date_start", "outside the study period"),
        ({"notes": "=cmd|' /C calc'!A0"}, "notes", "spreadsheet formula"),
        (
            {"format": "bilateral", "participants": "CHN;RUS;IRN"},
            "format",
            "bilateral event lists 3",
        ),
        ({"follow_up": "maybe"}, "follow_up", "must be one of"),
        ({"coder": "someone_else"}, "coder", "differs from file name"),
    ],
)
def test_each_problem_names_row_and_column(tmp_path, codebook, period, override, column, message):
    rows = [good_row(), good_row(event_id="E002", **override)]
    found = problems_of(tmp_path, rows, codebook, period)
    assert any(c == column and message in m for _, c, m in found), found
    row_specific = [r for r, c, m in found if c == column and message in m]
    assert row_specific == [3]


def test_all_problems_are_listed_at_once(tmp_path, codebook, period):
    rows = [
        good_row(),
        good_row(event_id="E001"),
        good_row(event_id="E003", participants="CHN;Narnia"),
        good_row(event_id="E004", activity="unknown_thing"),
        good_row(event_id="E005", date_start="2020-02-31"),
    ]
    found = problems_of(tmp_path, rows, codebook, period)
    assert (3, "event_id", "duplicate event id (first in row 2)") in found
    assert (4, "participants", "unknown country name or code") in found
    assert any(r == 5 and c == "activity" for r, c, _ in found)
    assert any(r == 6 and c == "date_start" for r, c, _ in found)


def test_unknown_and_missing_columns(tmp_path, codebook, period):
    columns = [c for c in COLUMNS if c != "source"] + ["colour"]
    rows = [{k: v for k, v in good_row(colour="red").items() if k != "source"}]
    found = problems_of(tmp_path, rows, codebook, period, columns=columns)
    assert (1, "colour", found[[c for _, c, _ in found].index("colour")][2]) in found
    assert any(c == "colour" and "unknown column" in m for _, c, m in found)
    assert (1, "source", "required column is missing") in found


def test_wrong_encoding_is_reported_with_line(tmp_path, codebook, period):
    path = write_coder_file(tmp_path / "coder_x.csv", [good_row(), good_row(event_id="E002")])
    data = path.read_bytes().replace(b"off Qingdao", "off Qingdao é".encode("latin-1"), 1)
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        read_table(path)
    (problem,) = err.value.problems
    assert problem.row == 2 and "not UTF-8" in problem.message


def test_empty_file(tmp_path, codebook, period):
    path = tmp_path / "coder_x.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="file is empty"):
        read_table(path)


def test_xlsx_is_read_and_excel_dates_keep_their_precision_check(tmp_path, codebook, period):
    import datetime

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    row = good_row()
    ws.append([row[c] for c in COLUMNS])
    # Excel turned a month-precision "2019-04" into a full date: the check must notice.
    mangled = good_row(event_id="E002", date_start="", date_end="", date_precision="month")
    values = [mangled[c] for c in COLUMNS]
    values[COLUMNS.index("date_start")] = datetime.datetime(2019, 4, 1)
    ws.append(values)
    path = tmp_path / "coder_x.xlsx"
    wb.save(path)
    table = read_table(path)
    assert table.loc[3, "date_start"] == "2019-04-01"  # indexed by spreadsheet row
    found = check_coder_table(table, str(path), codebook, period)
    assert [(p.row, p.column) for p in found] == [(3, "date_precision")]


def test_raw_file_is_not_modified(tmp_path, codebook, period):
    path = write_coder_file(tmp_path / "coder_x.csv", [good_row(participants="CHN;Narnia")])
    before = path.read_bytes()
    with pytest.raises(InputError):
        load_codings([path], codebook, period)
    assert path.read_bytes() == before


def test_cli_check_prints_table_and_exits_2_without_traceback(tmp_path):
    path = write_coder_file(
        tmp_path / "coder_x.csv",
        [good_row(participants="CHN;Narnia"), good_row(event_id="E002", activity="nope")],
    )
    run = subprocess.run(
        [sys.executable, "-m", "tiesmap.cli", "check", str(path)],
        capture_output=True,
        text=True,
        cwd=str(__import__("pathlib").Path(__file__).resolve().parents[1]),
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "2 problems found" in run.stderr
    assert "Narnia" in run.stderr and "nope" in run.stderr
    header = run.stderr.splitlines()[1].split()
    assert header == ["file", "row", "column", "value", "message"]


def test_cli_check_accepts_the_pilot_files():
    root = __import__("pathlib").Path(__file__).resolve().parents[1]
    files = sorted(str(p) for p in (root / "data/raw/events").glob("coder_*.csv"))
    run = subprocess.run(
        [sys.executable, "-m", "tiesmap.cli", "check", *files],
        capture_output=True,
        text=True,
        cwd=str(root),
    )
    assert run.returncode == 0, run.stderr
    assert "OK" in run.stdout


def test_blank_lines_do_not_shift_reported_rows(tmp_path, codebook, period):
    path = write_coder_file(tmp_path / "coder_x.csv", [good_row()])
    with path.open("a", encoding="utf-8") as fh:
        fh.write(",,,,,,,,,,,,,,,\n")
    rows = [good_row(event_id="E003", participants="CHN;Narnia")]
    extra = write_coder_file(tmp_path / "extra.csv", rows)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(extra.read_text(encoding="utf-8").splitlines()[1] + "\n")
    found = problems_of_file(path, codebook, period)
    assert (4, "participants", "unknown country name or code") in found


def problems_of_file(path, codebook, period):
    with pytest.raises(InputError) as err:
        load_codings([path], codebook, period)
    return [(p.row, p.column, p.message) for p in err.value.problems]
