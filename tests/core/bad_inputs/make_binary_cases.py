"""Regenerate the binary SYNTHETIC bad-input files (.xlsx, .xls, .rda, .dta).

Text cases are written by hand; binary formats cannot be, so this script writes
them from the recipes below. Run it from the project root with the project's
interpreter (`.venv/bin/python tests/core/bad_inputs/make_binary_cases.py`); the
files are committed, so the tests do not depend on this script. Every value is
invented (see README.md): no real dataset is copied or extracted.
"""

from __future__ import annotations

import struct
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = [
    "event_id", "date_start", "date_end", "date_precision", "participants", "activity", "level",
    "format", "forum", "location", "source", "source_type", "confidence", "follow_up", "coder",
    "notes",
]  # fmt: skip
GOOD = [
    "E101", "2019-04-29", "2019-05-04", "day", "CHN;RUS", "exercise", "military", "bilateral",
    "", "Synthetic Sea", "https://example.org/synthetic/e101", "state_media", "high", "no",
    "coder_x", "SYNTHETIC",
]  # fmt: skip
GOOD_2 = [
    "E102", "2021-06", "", "month", "IRN;RUS", "arms_sale", "not_applicable", "bilateral", "",
    "", "https://example.org/synthetic/e102", "media", "medium", "no", "coder_x", "SYNTHETIC",
]  # fmt: skip


def _with(row: list, **values) -> list:
    out = list(row)
    for column, value in values.items():
        out[COLUMNS.index(column)] = value
    return out


# ------------------------------------------------------------------ coder .xlsx


def _xlsx(path: Path, rows: list[list], leading_blank_rows: int = 0) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1 + leading_blank_rows):
        for c, value in enumerate(row, start=1):
            if value not in ("", None):
                ws.cell(row=r, column=c, value=value)
    wb.save(path)


def coder_xlsx() -> None:
    out = HERE / "coder"
    _xlsx(out / "xlsx_formula.xlsx", [COLUMNS, _with(GOOD, notes="=cmd|' /C calc'!A0"), GOOD_2])
    # Excel turned the month '2021-06' into the date 1 June 2021.
    _xlsx(
        out / "xlsx_month_became_date.xlsx",
        [COLUMNS, GOOD, _with(GOOD_2, date_start=datetime(2021, 6, 1))],
    )
    _xlsx(out / "xlsx_duplicated_header.xlsx", [[*COLUMNS, "notes"], [*GOOD, "x"], [*GOOD_2, "y"]])
    # Two blank rows above the header; the bad level is on sheet row 5.
    _xlsx(
        out / "xlsx_leading_blank_rows.xlsx",
        [COLUMNS, GOOD, _with(GOOD_2, level="generalissimo")],
        leading_blank_rows=2,
    )
    # A value typed in column Q, right of the last header cell.
    _xlsx(out / "xlsx_value_beyond_header.xlsx", [COLUMNS, [*GOOD, "stray value"], GOOD_2])
    _xlsx(out / "xlsx_empty.xlsx", [])
    data = (out / "xlsx_formula.xlsx").read_bytes()
    (out / "xlsx_truncated.xlsx").write_bytes(data[: len(data) // 2])


# ------------------------------------------------------------------- JME .xls

JME_HEADER = [
    "Coder", "", "Exercise Name", "Location1", "Location2", "Start Date", "s.year", "s.month",
    "s.day", "enddate", "e.year", "e.month", "e.day", "JME Type", "Institution(s) involved",
    "State A", "State B",
]  # fmt: skip
JME_ROW = [
    "Synthetic", 1.0, "Synthetic Drill", "Nowhere", -9.0, "8/18/2005", 2005.0, 8.0, 18.0,
    "8/25/2005", 2005.0, 8.0, 25.0, "FTX", "", "CHN", "RUS",
]  # fmt: skip


def _record(opcode: int, data: bytes) -> bytes:
    return struct.pack("<HH", opcode, len(data)) + data


def biff2(rows: list[list]) -> bytes:
    """A one-sheet BIFF2 workbook stream (xlrd reads it as an .xls): BOF, CODEPAGE,
    LABEL (text) and NUMBER records, EOF."""
    out = _record(0x0009, struct.pack("<HH", 0x0002, 0x0010))
    out += _record(0x0042, struct.pack("<H", 1252))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            cell = struct.pack("<HH", r, c) + b"\0\0\0"
            if isinstance(value, str):
                text = value.encode("cp1252")
                out += _record(0x0004, cell + bytes([len(text)]) + text)
            else:
                out += _record(0x0003, cell + struct.pack("<d", float(value)))
    return out + _record(0x000A, b"")


def jme_xls() -> None:
    out = HERE / "jme"
    second = list(JME_ROW)
    second[1] = 2.5  # id is not a whole number
    (out / "id_not_whole_number.xls").write_bytes(biff2([JME_HEADER, JME_ROW, second]))
    no_b = [h for h in JME_HEADER if h != "State B"]
    (out / "missing_column.xls").write_bytes(biff2([no_b, JME_ROW[:-1]]))
    (out / "value_beyond_header.xls").write_bytes(biff2([JME_HEADER, [*JME_ROW, "stray value"]]))
    no_id = [h for h in JME_HEADER if h != ""]
    (out / "no_id_column.xls").write_bytes(
        biff2([no_id, [v for i, v in enumerate(JME_ROW) if i != 1]])
    )
    (out / "xlsx_renamed_to_xls.xls").write_bytes(
        (HERE / "coder" / "xlsx_formula.xlsx").read_bytes()
    )
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 2
    (out / "truncated_ole.xls").write_bytes(ole)


# ------------------------------------------------------ peacesciencer, UNGA


def covariate_files() -> None:
    import pandas as pd
    import pyreadr

    ps = HERE / "peacesciencer"
    states = pd.DataFrame(
        {
            "stateabb": ["CHN", "RUS", "PRK"],
            "ccode": [710.0, 365.0, 731.0],
            "statenme": ["China", "Russia", "North Korea"],
            "styear": [1950.0, 1992.0, 1948.0],
            "stmonth": [1.0, 1.0, 9.0],
            "stday": [1.0, 1.0, 9.0],
            "endyear": [2016.0, 2016.0, 2016.0],
            "endmonth": [12.0, 12.0, 12.0],
            "endday": [31.0, 31.0, 31.0],
            "version": [2016.0, 2016.0, 2016.0],
        }
    )
    pyreadr.write_rdata(str(ps / "cow_states.rda"), states, df_name="cow_states")
    trade = pd.DataFrame(
        {
            "ccode": [710.0, 365.0],
            "year": [2010.0, 2010.0],
            "imports": [-9.0, 250.0],  # -9: the COW code for a missing value
            "exports": [300.0, 400.0],
        }
    )
    pyreadr.write_rdata(str(ps / "minus9_missing_code" / "cow_trade_sy.rda"), trade, "cow_trade_sy")
    nmc = pd.DataFrame({"ccode": [710.0], "milex": [1.0], "cinc": [0.2]})  # no 'year'
    pyreadr.write_rdata(str(ps / "missing_year_column" / "cow_nmc.rda"), nmc, "cow_nmc")
    garbage = bytes((i * 37 + 11) % 256 for i in range(600))
    (ps / "garbage" / "cow_nmc.rda").write_bytes(garbage)

    unga = HERE / "unga"
    frame = pd.DataFrame(
        {"countryname": ["China"], "iso3c": ["CHN"], "year": [2010], "idealpointfp": [0.5]}
    )  # no 'ccode'
    frame.to_stata(unga / "missing_ccode.dta", write_index=False)
    (unga / "garbage.dta").write_bytes(garbage)


def main() -> None:
    for sub in (
        "coder",
        "jme",
        "peacesciencer/minus9_missing_code",
        "peacesciencer/missing_year_column",
        "peacesciencer/garbage",
        "unga",
    ):
        (HERE / sub).mkdir(parents=True, exist_ok=True)
    coder_xlsx()
    jme_xls()
    covariate_files()


if __name__ == "__main__":
    main()
