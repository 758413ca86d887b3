"""Merging coders: agreement, adjudication, provisional values and their flags."""

import pandas as pd
import pytest

from tiesmap.codings.coder_files import to_canonical
from tiesmap.codings.merge import ADJUDICATION_COLUMNS, merge_codings, read_adjudication
from tiesmap.core.errors import InputError

from .conftest import good_row


def codings(codebook, *rows):
    return to_canonical(pd.DataFrame(list(rows), dtype=str), codebook)


def adjudication(*rows):
    return pd.DataFrame(list(rows), columns=list(ADJUDICATION_COLUMNS), dtype=str)


def test_agreement_gives_one_row_per_event(codebook):
    c = codings(codebook, good_row(coder="a"), good_row(coder="b"))
    result = merge_codings(c, adjudication(), ["a", "b"], allow_provisional=False)
    assert len(result.events) == 1
    row = result.events.iloc[0]
    assert row["coders"] == "a;b" and row["n_coders"] == 2 and not row["provisional"]
    assert result.disagreements.empty


def test_disagreement_with_adjudication_uses_decided_value(codebook):
    c = codings(codebook, good_row(coder="a"), good_row(coder="b", date_start="2019-04-30"))
    adj = adjudication(("E001", "date_start", "2019-04-30", "SM", "MoD gives 30 April"))
    result = merge_codings(c, adj, ["a", "b"], allow_provisional=False)
    assert result.events.loc[0, "date_start"] == "2019-04-30"
    assert not result.events.loc[0, "provisional"]
    d = result.disagreements.iloc[0]
    assert (d["variable"], d["value_a"], d["value_b"], d["resolution"]) == (
        "date_start",
        "2019-04-29",
        "2019-04-30",
        "adjudicated",
    )


def test_disagreement_without_adjudication_fails_when_not_provisional(codebook):
    c = codings(
        codebook, good_row(coder="a"), good_row(coder="b", level="military", confidence="low")
    )
    with pytest.raises(InputError, match="coders disagree"):
        merge_codings(c, adjudication(), ["a", "b"], allow_provisional=False)


def test_provisional_build_takes_first_coder_and_flags(codebook):
    c = codings(codebook, good_row(coder="b", confidence="low"), good_row(coder="a"))
    result = merge_codings(c, adjudication(), ["a", "b"], allow_provisional=True)
    row = result.events.iloc[0]
    assert row["confidence"] == "high"  # coder a is first in config order
    assert row["provisional"] and row["provisional_variables"] == "confidence"
    assert result.disagreements.iloc[0]["resolution"] == "provisional"


def test_conflicting_adjudications_are_an_error(codebook):
    c = codings(codebook, good_row(coder="a"), good_row(coder="b", date_start="2019-04-30"))
    adj = adjudication(
        ("E001", "date_start", "2019-04-30", "SM", "reason one"),
        ("E001", "date_start", "2019-04-29", "JD", "reason two"),
    )
    with pytest.raises(InputError, match="conflicts with an earlier decision"):
        merge_codings(c, adj, ["a", "b"], allow_provisional=True)


def test_adjudication_of_unknown_event_is_an_error(codebook):
    c = codings(codebook, good_row(coder="a"))
    adj = adjudication(("E999", "level", "military", "SM", "typo"))
    with pytest.raises(InputError, match="no coder coded this event"):
        merge_codings(c, adj, ["a"], allow_provisional=True)


def test_sources_of_all_coders_are_kept(codebook):
    c = codings(codebook, good_row(coder="a"), good_row(coder="b", source="https://example.org/x"))
    result = merge_codings(c, adjudication(), ["a", "b"], allow_provisional=True)
    assert result.events.loc[0, "source"].split(" | ") == [
        "http://shandong.chinadaily.com.cn/2019-05/05/c_369131.htm",
        "https://example.org/x",
    ]


def test_merge_is_independent_of_row_order(codebook):
    rows = [
        good_row(coder="a"),
        good_row(coder="b", confidence="low"),
        good_row(coder="a", event_id="E002", date_start="2020-05-01", date_end=""),
        good_row(coder="b", event_id="E002", date_start="2020-05-01", date_end=""),
    ]
    c = codings(codebook, *rows)
    one = merge_codings(c, adjudication(), ["a", "b"], True)
    two = merge_codings(c.iloc[::-1].reset_index(drop=True), adjudication(), ["a", "b"], True)
    pd.testing.assert_frame_equal(one.events, two.events)
    pd.testing.assert_frame_equal(one.disagreements, two.disagreements)


def test_missing_adjudication_file_means_none(tmp_path):
    assert read_adjudication(tmp_path / "nope.csv").empty


def test_trace_shows_coder_rows_sources_and_resolution(codebook):
    from tiesmap.codings.trace import trace_event

    c = codings(codebook, good_row(coder="a"), good_row(coder="b", confidence="low"))
    c["source_record"] = ["coder_a.csv:row 2", "coder_b.csv:row 7"]
    result = merge_codings(c, adjudication(), ["a", "b"], allow_provisional=True)
    text = trace_event("E001", result.events, c, result.disagreements)
    assert "merged from: coder_a.csv:row 2;coder_b.csv:row 7" in text
    assert "http://shandong.chinadaily.com.cn/2019-05/05/c_369131.htm" in text
    assert "disagreement on confidence: provisional -> 'high'" in text
    with pytest.raises(InputError, match="no such merged event"):
        trace_event("E404", result.events, c, result.disagreements)
