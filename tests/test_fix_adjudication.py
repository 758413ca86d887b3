"""Bad adjudicated values are reported at their row of the adjudication file.

The adjudication cases of tests/bad_inputs/CATALOG.csv, as unit tests: every
problem names the adjudication file's path, the spreadsheet row of the decision
and its column (decided_value for a bad value), all problems come in one report,
and valid decisions still apply.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tiesmap.cli import main
from tiesmap.codings.coder_files import to_canonical
from tiesmap.codings.merge import (
    ADJUDICATION_COLUMNS,
    Adjudications,
    merge_codings,
    read_adjudication,
    with_derived_columns,
)
from tiesmap.core.errors import InputError, Problem

from .conftest import ROOT, good_row

CODERS = ["coder_a", "coder_b"]
HEADER = ",".join(ADJUDICATION_COLUMNS)


def codings(codebook, **b_overrides: str) -> pd.DataFrame:
    """E001 coded by both coders (coder_b with `b_overrides`) and E002 by coder_a."""
    rows = [
        good_row(coder="coder_a"),
        good_row(coder="coder_b", **b_overrides),
        good_row(coder="coder_a", event_id="E002", date_start="2020-05-01", date_end=""),
    ]
    return to_canonical(pd.DataFrame(rows, dtype=str), codebook)


def adjudication_file(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "adjudication.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return str(path)


def merge(codebook, path: str, use_codebook: bool = True, **b_overrides: str):
    return merge_codings(
        codings(codebook, **b_overrides),
        read_adjudication(path),
        CODERS,
        allow_provisional=True,
        adjudication_file=path,
        codebook=codebook if use_codebook else None,
    )


def problems_of(call) -> list[Problem]:
    with pytest.raises(InputError) as info:
        call()
    return info.value.problems


def where(problems: list[Problem]) -> list[tuple[str, int | None, str | None]]:
    return [(p.file, p.row, p.column) for p in problems]


# ------------------------------------------------------------- row numbers


def test_rows_after_a_blank_line_are_spreadsheet_rows(tmp_path, codebook):
    path = adjudication_file(
        tmp_path, "", "E001,confidence,high,SM,official page", "E001,confidence,medium,SM,again"
    )
    problems = problems_of(lambda: merge(codebook, path))
    assert where(problems) == [(path, 4, "decided_value")]
    assert "conflicts with an earlier decision 'high'" in problems[0].message


def test_table_with_default_index_counts_from_row_two(codebook):
    adj = pd.DataFrame(
        [("E001", "confidence", "high", "SM", "a"), ("E001", "confidence", "low", "SM", "b")],
        columns=list(ADJUDICATION_COLUMNS),
    )
    problems = problems_of(lambda: merge_codings(codings(codebook), adj, CODERS, True))
    assert where(problems) == [("adjudication.csv", 3, "decided_value")]


# ------------------------------------------------- unknown event / variable


def test_unknown_event_and_variable_name_their_rows_in_one_report(tmp_path, codebook):
    path = adjudication_file(
        tmp_path, "E999,confidence,high,SM,no such event", "E001,colour,red,SM,no such variable"
    )
    problems = problems_of(lambda: merge(codebook, path))
    assert where(problems) == [(path, 2, "event_id"), (path, 3, "variable")]
    assert "no coder coded this event" in problems[0].message
    assert "not a coded variable" in problems[1].message


# ----------------------------------------------------------------- follow-up


@pytest.mark.parametrize("use_codebook", [True, False])
def test_follow_up_must_be_yes_or_no(tmp_path, codebook, use_codebook):
    path = adjudication_file(tmp_path, "E001,follow_up,maybe,SM,unclear")
    problems = problems_of(lambda: merge(codebook, path, use_codebook))
    assert where(problems) == [(path, 2, "decided_value")]
    assert problems[0].value == "maybe"
    assert "must be one of: yes, no" in problems[0].message


def test_decided_required_value_must_not_be_empty(tmp_path, codebook):
    path = adjudication_file(tmp_path, "E001,activity,,SM,unclear")
    problems = problems_of(lambda: merge(codebook, path))
    assert where(problems) == [(path, 2, "decided_value")]
    assert "required value is empty" in problems[0].message


# ------------------------------------------------- values checked like codings

BAD_VALUES = [
    ("date_start", "2019-13-45", "bad date"),
    ("forum", "=cmd|' /C calc'!A0", "spreadsheet formula"),
    ("activity", "exercize", "unknown activity code"),
    ("participants", "CHN;CHN", "fewer than two distinct states"),
    ("participants", "China;RUS", "not an ISO3 code"),
    ("confidence", "sure", "must be one of"),
]


@pytest.mark.parametrize(("variable", "value", "message"), BAD_VALUES)
def test_bad_decided_value_names_file_row_and_decided_value(
    tmp_path, codebook, variable, value, message
):
    line = f'E002,{variable},"{value}",SM,typo'
    path = adjudication_file(tmp_path, "E001,confidence,high,SM,fine", line)
    problems = problems_of(lambda: merge(codebook, path))
    assert where(problems) == [(path, 3, "decided_value")], problems
    assert message in problems[0].message
    assert f"decided {variable} of event E002" in problems[0].message


@pytest.mark.parametrize(("variable", "value", "message"), BAD_VALUES)
def test_with_derived_columns_names_the_decision_too(tmp_path, codebook, variable, value, message):
    """A merge without a codebook leaves the value checks to with_derived_columns,
    which blames the same row when it is given the merge's adjudications."""
    path = adjudication_file(tmp_path, f'E002,{variable},"{value}",SM,typo')
    result = merge(codebook, path, use_codebook=False)
    problems = problems_of(
        lambda: with_derived_columns(result.events, codebook, result.adjudications)
    )
    assert where(problems) == [(path, 2, "decided_value")]
    assert message in problems[0].message


def test_without_adjudications_a_bad_merged_value_is_blamed_on_the_codings(codebook):
    events = with_derived_columns(
        merge_codings(codings(codebook), _empty(), CODERS, True).events, codebook
    )
    events.loc[0, "participants"] = "CHN;CHN"
    problems = problems_of(lambda: with_derived_columns(events, codebook))
    assert where(problems) == [("codings", None, "participants")]
    assert "fewer than two distinct states (event E001)" in problems[0].message


def test_problem_in_a_coded_value_is_blamed_on_the_related_decision(tmp_path, codebook):
    """A decided activity that the coded level does not fit (summit needs
    head_of_state, the coders said military) is reported at the activity decision."""
    path = adjudication_file(tmp_path, "E001,confidence,high,SM,fine", "E001,activity,summit,SM,x")
    problems = problems_of(lambda: merge(codebook, path))
    assert where(problems) == [(path, 3, "decided_value")]
    assert problems[0].value == "summit"
    assert "level 'military' of event E001 does not fit this decision" in problems[0].message


def test_all_problems_come_in_one_report(tmp_path, codebook):
    path = adjudication_file(
        tmp_path,
        "E001,follow_up,maybe,SM,unclear",
        "E001,date_start,2019-13-45,SM,typo",
        "",
        "E002,participants,CHN;CHN,SM,typo",
        "E999,level,military,SM,no such event",
        "E002,activity,exercize,,no adjudicator",
    )
    problems = problems_of(lambda: merge(codebook, path))
    assert where(problems) == [
        (path, 2, "decided_value"),
        (path, 3, "decided_value"),
        (path, 5, "decided_value"),
        (path, 6, "event_id"),
        (path, 7, "adjudicator"),
        (path, 7, "decided_value"),
    ]


# ------------------------------------------------------ valid decisions apply


def test_valid_decisions_apply_and_derived_columns_follow(tmp_path, codebook):
    path = adjudication_file(
        tmp_path,
        "E001,date_start,2019-04-30,SM,MoD gives 30 April",
        "",
        "E001,follow_up,yes,SM,second exercise announced",
        "E002,participants,IRN;RUS,SM,Iran took part",
        "E002,confidence,medium,SM,agreeing variable decided anyway",
    )
    result = merge(codebook, path, date_start="2019-04-30")
    events = with_derived_columns(result.events, codebook, result.adjudications).set_index(
        "event_id"
    )
    assert events.loc["E001", "date_start"] == "2019-04-30"
    assert bool(events.loc["E001", "follow_up"]) and not bool(events.loc["E002", "follow_up"])
    assert not events.loc["E001", "provisional"]
    assert events.loc["E002", "participants"] == "IRN;RUS"
    assert events.loc["E002", "n_participants"] == 2
    assert events.loc["E002", "participants_cow"] == "630;365"
    assert events.loc["E002", "confidence"] == "medium"
    assert result.adjudications.file == path
    rows = {key: d.row for key, d in result.adjudications.decisions.items()}
    assert rows[("E001", "follow_up")] == 4 and rows[("E002", "confidence")] == 6
    d = result.disagreements.set_index("variable").loc["date_start"]
    assert (d["resolution"], d["decided_value"]) == ("adjudicated", "2019-04-30")


def test_merge_result_defaults_to_no_adjudications(codebook):
    result = merge_codings(codings(codebook), _empty(), CODERS, True, codebook=codebook)
    assert result.adjudications == Adjudications("adjudication.csv", {})


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=list(ADJUDICATION_COLUMNS), dtype=str)


# ---------------------------------------------------------------- CLI merge


def _cli_merge(tmp_path, monkeypatch, codebook, adj_lines):
    parquet = tmp_path / "codings.parquet"
    codings(codebook).to_parquet(parquet, index=False)
    adj = tmp_path / "raw" / "adjudication.csv"
    adj.parent.mkdir()
    adj.write_text("\n".join([HEADER, *adj_lines]) + "\n", encoding="utf-8")
    before = adj.read_bytes()
    out, dis = tmp_path / "events.parquet", tmp_path / "disagreements.csv"
    monkeypatch.chdir(ROOT)  # the config names the codebook relative to the project
    code = main(
        ["merge", "--config", "config/config.yaml", "--codings", str(parquet)]
        + ["--adjudication", str(adj), "--out", str(out), "--disagreements", str(dis)]
    )
    assert adj.read_bytes() == before
    return code, adj, out, dis


def test_cli_merge_reports_bad_decision_and_writes_nothing(tmp_path, monkeypatch, capsys, codebook):
    code, adj, out, dis = _cli_merge(
        tmp_path,
        monkeypatch,
        codebook,
        ["E001,confidence,high,SM,fine", "E002,activity,exercize,SM,x"],
    )
    err = capsys.readouterr().err
    assert code == 2
    assert not out.exists() and not dis.exists()
    assert "Traceback" not in err
    line = next(x for x in err.splitlines() if "unknown activity code" in x)
    assert line.split()[:3] == [str(adj), "3", "decided_value"]


def test_cli_merge_applies_valid_decisions(tmp_path, monkeypatch, codebook):
    code, _, out, dis = _cli_merge(
        tmp_path, monkeypatch, codebook, ["E002,participants,IRN;RUS,SM,Iran took part"]
    )
    assert code == 0 and dis.exists()
    events = pd.read_parquet(out).set_index("event_id")
    assert events.loc["E002", "participants"] == "IRN;RUS"
    assert events.loc["E002", "participants_cow"] == "630;365"
