"""Bad covariate files (GSDB, peacesciencer, UNGA) give one InputError naming file, row
and column of every problem -- never a traceback from pandas or pyreadr, never a
silently wrong number (issue 10: catalog cases gsdb_*, ps_*, unga_*).

All files here are SYNTHETIC, written by the tests themselves.
"""

from __future__ import annotations

import math
import random

import pandas as pd
import pyreadr
import pytest

from tiesmap.core.errors import InputError
from tiesmap.sources import gsdb, unga
from tiesmap.sources import peacesciencer as ps

GSDB_HEADER = (
    "case_id,sanctioned_state,sanctioning_state,begin,end,trade,descr_trade,arms,"
    "military,financial,travel,other,target_mult,sender_mult,objective,success"
)
GSDB_TAIL = "0,,1,0,0,0,0,0,0,other,failed"


def problems_of(call, *args, **kwargs) -> list[tuple]:
    """(row, column, message) of every problem `call` raises, in the order reported."""
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    assert info.value.problems
    return [(p.row, p.column, p.message) for p in info.value.problems]


def has(problems: list[tuple], row, column, fragment: str) -> bool:
    return any(r == row and c == column and fragment.lower() in m.lower() for r, c, m in problems)


# --------------------------------------------------------------------- GSDB


def write_gsdb(tmp_path, rows: list[str], header: str = GSDB_HEADER):
    path = tmp_path / "gsdb.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_gsdb_reports_every_problem_with_row_and_column(tmp_path):
    path = write_gsdb(
        tmp_path,
        [
            f"9001,Iran,United States,2012,2010,{GSDB_TAIL}",  # ends before it begins
            f'9002,"Korea, North",United Kingdom,200x,2022,{GSDB_TAIL}',  # not a year
            f"9003,Iran,United States,2010,,{GSDB_TAIL}",  # end empty
            f"9001,Iran,United States,2010,2011,{GSDB_TAIL}",  # case id repeated
            f"x9,Iran,United States,2010,2011,{GSDB_TAIL}",  # case id not a number
            f"9004,,United States,2010,2011,{GSDB_TAIL}",  # no target
            f"9005,Iran,,2010,2011,{GSDB_TAIL}",  # no sender
            "9006,Iran,United States,2010",  # truncated row
        ],
    )
    found = problems_of(gsdb.ingest, path)
    assert has(found, 2, "end", "before")
    assert has(found, 3, "begin", "not a year")
    assert has(found, 4, "end", "not a year")
    assert has(found, 5, "case_id", "repeated (first in row 2)")
    assert has(found, 6, "case_id", "not a case id")
    assert has(found, 7, "sanctioned_state", "empty")
    assert has(found, 8, "sanctioning_state", "empty")
    assert has(found, 9, None, "cells")
    assert len(found) == 8


def test_gsdb_names_each_missing_column(tmp_path):
    header = GSDB_HEADER.replace("sanctioned_state,", "").replace(",end,", ",")
    path = write_gsdb(tmp_path, ["9001,United States,2010,0,,1,0,0,0,0,0,0,other,failed"], header)
    found = problems_of(gsdb.ingest, path)
    assert has(found, 1, "sanctioned_state", "required column is missing")
    assert has(found, 1, "end", "required column is missing")
    assert len(found) == 2


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty"),
        (GSDB_HEADER.encode() + b"\n", "no data rows"),
        (b"case_id,sanctioned_state\n1,C\xf4te d'Ivoire\n", "not UTF-8"),
        (b"\x00\x01\x02 binary", "binary"),
    ],
)
def test_gsdb_unreadable_files(tmp_path, content, fragment):
    path = tmp_path / "gsdb.csv"
    path.write_bytes(content)
    found = problems_of(gsdb.ingest, path)
    assert any(fragment.lower() in m.lower() for _, _, m in found), found


def test_gsdb_missing_file(tmp_path):
    assert problems_of(gsdb.ingest, tmp_path / "nope.csv") == [(None, None, "file not found")]


def test_gsdb_good_file_still_reads_and_one_year_case_counts(tmp_path):
    path = write_gsdb(
        tmp_path,
        [
            f"1,Iran,United States,2010,2010,{GSDB_TAIL}",
            f"2,Comecon,United States,2010,2011,{GSDB_TAIL}",
            "",  # blank lines are skipped, as pandas did
        ],
    )
    result = gsdb.ingest(path)
    assert result.table[["iso3", "year", "sanctioned_by_west"]].values.tolist() == [
        ["IRN", 2010, 1]
    ]
    assert result.counts["cases_read"] == 2 and result.counts["targets_rejected"] == 1


def test_gsdb_every_target_rejected_gives_an_empty_table(tmp_path):
    result = gsdb.ingest(write_gsdb(tmp_path, [f"1,Comecon,United States,2010,2011,{GSDB_TAIL}"]))
    assert result.table.empty and result.counts["rows_out"] == 0
    assert len(result.rejected) == 1


# ------------------------------------------------------------ peacesciencer

STATES = pd.DataFrame(
    {
        "stateabb": ["CHN", "RUS"],
        "ccode": [710.0, 365.0],
        "statenme": ["China", "Russia"],
        "styear": [1950.0, 1992.0],
        "endyear": [2016.0, 2016.0],
    }
)


def write_rda(folder, name: str, frame: pd.DataFrame, with_states: bool = True):
    folder.mkdir(parents=True, exist_ok=True)
    if with_states:
        pyreadr.write_rdata(str(folder / "cow_states.rda"), STATES, df_name="cow_states")
    path = folder / f"{name}.rda"
    pyreadr.write_rdata(str(path), frame, df_name=name)
    return path


def trade(**columns) -> pd.DataFrame:
    base = {
        "ccode": [710.0, 365.0],
        "year": [2010.0, 2010.0],
        "imports": [200.0, 250.0],
        "exports": [300.0, 400.0],
    }
    return pd.DataFrame({**base, **columns})


def test_trade_minus9_is_refused_not_read_as_a_number(tmp_path):
    """COW writes -9 for "missing"; peacesciencer's files hold NA. A -9 read as a number
    would make total trade exports - 9; guessing it to be missing would hide that the
    file was not prepared as peacesciencer's are. So it is refused, naming the cell."""
    path = write_rda(tmp_path, "cow_trade_sy", trade(imports=[-9.0, 250.0]))
    found = problems_of(ps.ingest, path)
    assert has(found, 2, "imports", "negative")
    assert "-9" in found[0][2] and "NA" in found[0][2]
    problems = pytest.raises(InputError, ps.read_trade, path).value.problems
    assert problems[0].value == "-9" and problems[0].file == str(path)


def test_trade_na_stays_missing(tmp_path):
    path = write_rda(tmp_path, "cow_trade_sy", trade(imports=[math.nan, 250.0]))
    table = ps.read_trade(path).table.set_index("iso3")
    assert math.isnan(table.loc["CHN", "imports"]) and table.loc["RUS", "imports"] == 250


@pytest.mark.parametrize(
    ("name", "frame", "row", "column", "fragment"),
    [
        (
            "cow_nmc",
            pd.DataFrame({"ccode": [710.0], "milex": [1.0], "cinc": [0.2]}),
            1,
            "year",
            "required column is missing",
        ),
        (
            "cow_nmc",
            pd.DataFrame({"ccode": [710.0], "year": [2010.0], "milper": [-9.0], "cinc": [0.2]}),
            2,
            "milper",
            "negative",
        ),
        (
            "cow_nmc",
            pd.DataFrame({"ccode": [710.0], "year": [2010.0], "cinc": [1.5]}),
            2,
            "cinc",
            "above 1",
        ),
        ("cow_trade_sy", trade(year=[2010.0, math.nan]), 3, "year", "missing"),
        ("cow_trade_sy", trade(ccode=[710.5, 365.0]), 2, "ccode", "whole number"),
        ("cow_trade_sy", trade(ccode=["710", "x"]), 3, "ccode", "not a (finite) number"),
        ("cow_trade_sy", trade(exports=[math.inf, 1.0]), 2, "exports", "not a (finite) number"),
        (
            "ccode_democracy",
            pd.DataFrame(
                {
                    "ccode": [710.0],
                    "year": [2010.0],
                    "v2x_polyarchy": [0.1],
                    "polity2": [-88.0],  # Polity's "transition" code
                    "xm_qudsest": [-1.2],
                }
            ),
            2,
            "polity2",
            "below -10",
        ),
        (
            "cow_mid_ddydisps",
            pd.DataFrame(
                {
                    "dispnum": [1.0],
                    "ccode1": [710.0],
                    "ccode2": [365.0],
                    "year": [2010.0],
                    "cowmidongoing": [1.0],
                    "cowmidonset": [1.0],
                    "hostlev": [3.0],
                    "fatality": [-5.0],  # only -9 is MID's "unknown"
                    "mindur": [1.0],
                    "maxdur": [1.0],
                    "recip": [0.0],
                }
            ),
            2,
            "fatality",
            "negative",
        ),
        (
            "cow_contdir",
            pd.DataFrame(
                {
                    "ccode1": [710.0],
                    "ccode2": [365.0],
                    "conttype": [1.0],
                    "stdate": ["1995-01-01"],
                    "enddate": ["1994-01-01"],
                }
            ),
            2,
            "enddate",
            "before it begins",
        ),
        (
            "cow_capitals",
            pd.DataFrame(
                {
                    "ccode": [710.0],
                    "capital": ["Beijing"],
                    "stdate": ["not a date"],
                    "enddate": ["2016-12-31"],
                    "lat": [39.9],
                    "lng": [116.4],
                }
            ),
            2,
            "stdate",
            "not a date",
        ),
        (
            "atop_alliance",
            pd.DataFrame(
                {
                    "ccode1": [710.0],
                    "ccode2": [365.0],
                    "year": [2010.0],
                    **dict.fromkeys(ps.ATOP_PLEDGES[:-1], [0.0]),
                    "atop_consul": [math.nan],  # would silently count as no pledge
                }
            ),
            2,
            "atop_consul",
            "missing",
        ),
    ],
)
def test_peacesciencer_bad_values_are_reported(tmp_path, name, frame, row, column, fragment):
    path = write_rda(tmp_path, name, frame)
    found = problems_of(ps.ingest, path)
    assert has(found, row, column, fragment), found


def test_mid_fatality_minus9_is_still_unknown(tmp_path):
    frame = pd.DataFrame(
        {
            "dispnum": [1.0],
            "ccode1": [710.0],
            "ccode2": [365.0],
            "year": [2010.0],
            "cowmidongoing": [1.0],
            "cowmidonset": [1.0],
            "hostlev": [3.0],
            "fatality": [-9.0],
            "mindur": [1.0],
            "maxdur": [1.0],
            "recip": [0.0],
        }
    )
    table = ps.read_mids(write_rda(tmp_path, "cow_mid_ddydisps", frame)).table
    assert len(table) == 1 and math.isnan(table["fatality"].iloc[0])


def test_peacesciencer_collects_all_problems_in_one_error(tmp_path):
    path = write_rda(tmp_path, "cow_trade_sy", trade(imports=[-9.0, -9.0], exports=[-1.0, 2.0]))
    found = problems_of(ps.ingest, path)
    assert sorted((r, c) for r, c, _ in found) == [(2, "exports"), (2, "imports"), (3, "imports")]


def test_peacesciencer_lists_at_most_twenty_rows_per_problem(tmp_path):
    n = ps.MAX_ROWS_LISTED + 5
    frame = pd.DataFrame(
        {"ccode": [710.0] * n, "year": [2010.0] * n, "imports": [-9.0] * n, "exports": 1.0}
    )
    found = problems_of(ps.ingest, write_rda(tmp_path, "cow_trade_sy", frame))
    assert len(found) == ps.MAX_ROWS_LISTED + 1
    assert has(found, None, "imports", "(5 more rows)")


def test_peacesciencer_garbage_and_missing_files(tmp_path):
    garbage = tmp_path / "cow_nmc.rda"
    garbage.write_bytes(bytes((i * 37 + 11) % 256 for i in range(600)))
    found = problems_of(ps.ingest, garbage)
    assert found[0][:2] == (None, None) and "cannot read" in found[0][2]
    assert problems_of(ps.ingest, tmp_path / "cow_trade_sy.rda") == [(None, None, "file not found")]


def test_peacesciencer_state_list_missing_next_to_the_table(tmp_path):
    path = write_rda(tmp_path / "alone", "cow_trade_sy", trade(), with_states=False)
    with pytest.raises(InputError) as info:
        ps.ingest(path)
    (problem,) = info.value.problems
    assert problem.file.endswith("cow_states.rda") and problem.message == "file not found"


def test_peacesciencer_unknown_table_and_table_without_its_columns(tmp_path):
    other = tmp_path / "something_else.rda"
    pyreadr.write_rdata(str(other), trade(), df_name="x")
    assert "not a peacesciencer table" in problems_of(ps.ingest, other)[0][2]
    path = write_rda(tmp_path / "ps", "cow_trade_sy", trade())
    found = problems_of(ps.ingest, path, table="cow_nmc")  # read as NMC: no cinc
    assert found == [(1, "cinc", "required column is missing (is this peacesciencer's cow_nmc?)")]


def test_bad_state_list_is_reported(tmp_path):
    states = STATES.assign(endyear=[1940.0, 2016.0])  # China ends before it begins
    folder = tmp_path / "ps"
    folder.mkdir()
    path = folder / "cow_states.rda"
    pyreadr.write_rdata(str(path), states, df_name="cow_states")
    found = problems_of(ps.read_states, path)
    assert has(found, 2, "endyear", "before it begins")


def test_good_tables_read_unchanged(tmp_path):
    result = ps.read_trade(write_rda(tmp_path, "cow_trade_sy", trade()))
    assert result.table[["iso3", "year", "imports", "exports"]].values.tolist() == [
        ["CHN", 2010, 200.0, 300.0],
        ["RUS", 2010, 250.0, 400.0],
    ]
    assert result.counts == {"rows_read": 2, "rows_rejected": 0, "rows_mapped": 2, "rows_out": 2}


# --------------------------------------------------------------------- UNGA


def write_dta(tmp_path, frame: pd.DataFrame):
    path = tmp_path / "ideal.dta"
    frame.to_stata(path, write_index=False)
    return path


def ideal(**columns) -> pd.DataFrame:
    base = {
        "ccode": [710, 365],
        "iso3c": ["CHN", "RUS"],
        "countryname": ["China", "Russia"],
        "year": [2010.0, 2010.0],
        "idealpointfp": [0.5, 0.7],
    }
    return pd.DataFrame({**base, **columns})


def test_unga_missing_columns_named(tmp_path):
    found = problems_of(unga.ingest, write_dta(tmp_path, ideal().drop(columns=["ccode", "year"])))
    assert has(found, 1, "ccode", "required column is missing")
    assert has(found, 1, "year", "required column is missing")


def test_unga_bad_keys_and_repeats(tmp_path):
    found = problems_of(unga.ingest, write_dta(tmp_path, ideal(year=[2010.5, math.nan])))
    assert has(found, 2, "year", "whole number") and has(found, 3, "year", "missing")
    frame = ideal(ccode=[710, 710], iso3c=["CHN", "CHN"])
    found = problems_of(unga.ingest, write_dta(tmp_path, frame))
    assert found == [(3, "year", "COW 710 in 2010 repeated (first in row 2)")]


def test_unga_garbage_and_missing_file(tmp_path):
    path = tmp_path / "garbage.dta"
    path.write_bytes(bytes((i * 37 + 11) % 256 for i in range(600)))
    assert "cannot read" in problems_of(unga.ingest, path)[0][2]
    assert problems_of(unga.ingest, tmp_path / "none.dta") == [(None, None, "file not found")]


def test_unga_good_file_reads(tmp_path):
    table = unga.ingest(write_dta(tmp_path, ideal())).table
    assert table[["iso3", "year"]].values.tolist() == [["CHN", 2010], ["RUS", 2010]]
    assert table["idealpointfp"].round(6).tolist() == [0.5, 0.7]


# ------------------------------------------------- garbage: InputError only


@pytest.mark.parametrize(
    ("name", "call"),
    [("gsdb.csv", gsdb.ingest), ("cow_nmc.rda", ps.ingest), ("ideal.dta", unga.ingest)],
)
def test_random_garbage_raises_input_error_only(tmp_path, name, call):
    rng = random.Random(20240601)
    prefixes = [b"", b"RDX2\nX\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04", b"\x75\x01"]
    for i in range(60):
        path = tmp_path / f"{i}" / name
        path.parent.mkdir()
        size = rng.randrange(0, 400)
        path.write_bytes(rng.choice(prefixes) + bytes(rng.randrange(256) for _ in range(size)))
        try:
            call(path)
        except InputError as err:
            assert err.problems
