"""Table 1 and the coding guide, both generated from the codebook and the data."""

import pandas as pd

from tiesmap.core.codebook import render_coding_guide
from tiesmap.report.tables import operationalization_summary, operationalization_table


def _events():
    return pd.DataFrame(
        [
            ("E1", "2019-04-29", "CHN;RUS", "exercise", "war_preparation"),
            ("E2", "2021-08-09", "CHN;RUS", "exercise", "war_preparation"),
            ("E3", "2019-09-16", "CHN;IND;RUS", "exercise", "war_preparation"),
            ("E4", "2024-06", "PRK;RUS", "summit", "contacts"),
        ],
        columns=["event_id", "date_start", "participants", "activity", "area"],
    ).assign(format="bilateral", follow_up=False)


def test_table1_counts_recomputed_by_hand(codebook):
    s = operationalization_summary(_events(), codebook).set_index("activity")
    # exercises: 3 events; dyads CHN-RUS, CHN-IND, IND-RUS; years 2019-2021
    assert s.loc["exercise", "n_events"] == 3
    assert s.loc["exercise", "n_dyads"] == 3
    assert (s.loc["exercise", "first_year"], s.loc["exercise", "last_year"]) == (2019, 2021)
    assert s.loc["exercise", "latest"] == "2021-08-09: China--Russia"
    assert s.loc["summit", "n_events"] == 1 and s.loc["summit", "n_dyads"] == 1
    assert s.loc["ministerial_meeting", "n_events"] == 0
    assert len(s) == len(codebook.activities)


def test_table1_marks_not_collected_not_zero(codebook):
    tex = operationalization_table(operationalization_summary(_events(), codebook), codebook)
    line = next(x for x in tex.splitlines() if "Parliamentary interactions" in x)
    assert "data not yet collected" in line and " 0 " not in line
    line = next(x for x in tex.splitlines() if "Interoperability" in x)
    assert "not applicable yet" in line
    line = next(x for x in tex.splitlines() if "Military training exercise" in x)
    assert "& 3 & 3 & 2019--2021 &" in line
    assert r"\toprule" in tex and r"\bottomrule" in tex


def test_coding_guide_lists_every_activity_with_its_rules(codebook):
    guide = render_coding_guide(codebook)
    for act in codebook.activities.values():
        assert f"(`{act.code}`)" in guide
        assert act.definition in guide
    assert "not yet collected (absence means missing data, never zero)" in guide
    assert "list the supplying state first" in guide
