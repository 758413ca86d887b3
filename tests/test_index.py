"""Dyad expansion, the balanced panel, the sustained-tie rule and the index."""

import numpy as np
import pandas as pd
import pytest

from tiesmap.dyads import expand_to_dyads
from tiesmap.index import add_sustained_ties, build_tie_index, normalise
from tiesmap.panel import build_dyad_year, dyads_in_scope, scope_report


def events(*specs):
    """specs: (event_id, date_start, participants, activity, area, follow_up)."""
    rows = [
        {
            "event_id": e,
            "date_start": d,
            "participants": p,
            "activity": a,
            "area": ar,
            "format": "bilateral" if p.count(";") == 1 else "multilateral",
            "follow_up": fu,
        }
        for e, d, p, a, ar, fu in specs
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_n_participants_give_n_choose_2_dyads(n):
    states = ["CHN", "RUS", "IRN", "PRK", "KAZ", "KGZ", "TJK", "UZB"][:n]
    ev = events(("E1", "2019-09-16", ";".join(states), "exercise", "war_preparation", False))
    dy = expand_to_dyads(ev)
    assert len(dy) == n * (n - 1) // 2
    assert dy["dyad"].is_unique
    assert (dy["state_a"] < dy["state_b"]).all()


def test_inverse_multilateral_weight():
    ev = events(("E1", "2019-12-27", "IRN;RUS;CHN", "exercise", "war_preparation", False))
    assert set(expand_to_dyads(ev, "full")["weight"]) == {1.0}
    assert set(expand_to_dyads(ev, "inverse")["weight"]) == {0.5}


def test_panel_is_balanced_and_keeps_not_collected_missing(partial_codebook):
    ev = events(
        ("E1", "2019-04-25", "RUS;PRK", "summit", "contacts", False),
        ("E2", "2019-07-23", "CHN;RUS", "joint_patrol", "missions_outside_war", False),
        ("E3", "2019-09-16", "CHN;RUS;IND", "exercise", "war_preparation", False),
    )
    dy = expand_to_dyads(ev)
    panel = build_dyad_year(dy, ["CHN", "RUS", "IRN", "PRK"], 2018, 2020, partial_codebook)
    assert panel.shape[0] == 6 * 3
    assert not panel.duplicated(["dyad", "year"]).any()
    assert panel["n_regime_security"].isna().all()  # not collected: never zero
    one = panel.set_index(["dyad", "year"])
    assert one.loc[("PRK-RUS", 2019), "n_contacts"] == 1
    assert one.loc[("CHN-RUS", 2019), "n_war_preparation"] == 1
    assert one.loc[("CHN-IRN", 2019), "n_contacts"] == 0  # collected: an observed zero
    assert scope_report(dy, ["CHN", "RUS", "IRN", "PRK"]) == {
        "dyad_events": 5,
        "dyad_events_in_scope": 3,
        "dyad_events_out_of_scope": 2,
    }


def test_dyads_in_scope():
    assert dyads_in_scope(["RUS", "CHN", "PRK"]) == ["CHN-PRK", "CHN-RUS", "PRK-RUS"]


def _ties(codebook, ev, k=2, w=12, fu=True, years=(2018, 2021)):
    dy = expand_to_dyads(ev)
    panel = build_dyad_year(dy, ["CHN", "RUS"], years[0], years[1], codebook)
    return add_sustained_ties(panel, dy, codebook, k, w, fu).set_index("year")


def test_tie_rule_needs_k_events_in_window(codebook):
    ev = events(
        ("E1", "2019-03-10", "CHN;RUS", "summit", "contacts", False),
        ("E2", "2019-11-20", "CHN;RUS", "summit", "contacts", False),
    )
    t = _ties(codebook, ev)
    assert t.loc[2019, "window_contacts"] == 2 and t.loc[2019, "tie_contacts"] == 1
    assert t.loc[2020, "window_contacts"] == 0 and t.loc[2020, "tie_contacts"] == 0
    assert t.loc[2018, "tie_contacts"] == 0
    # A single meeting is not a tie.
    single = _ties(codebook, ev.iloc[:1])
    assert single.loc[2019, "tie_contacts"] == 0


def test_tie_window_boundary(codebook):
    # Window of 12 months ending 2020-12-31 is (2019-12-31, 2020-12-31].
    ev = events(
        ("E1", "2019-12-31", "CHN;RUS", "summit", "contacts", False),
        ("E2", "2020-06-01", "CHN;RUS", "summit", "contacts", False),
    )
    t = _ties(codebook, ev)
    assert t.loc[2020, "window_contacts"] == 1
    ev2 = events(
        ("E1", "2020-01-01", "CHN;RUS", "summit", "contacts", False),
        ("E2", "2020-06-01", "CHN;RUS", "summit", "contacts", False),
    )
    assert _ties(codebook, ev2).loc[2020, "window_contacts"] == 2
    # A 24-month window reaches back into 2019.
    assert _ties(codebook, ev, w=24).loc[2020, "window_contacts"] == 2


def test_follow_up_makes_one_event_a_tie(codebook):
    ev = events(("E1", "2019-03-10", "CHN;RUS", "summit", "contacts", True))
    assert _ties(codebook, ev).loc[2019, "tie_contacts"] == 1
    assert _ties(codebook, ev, fu=False).loc[2019, "tie_contacts"] == 0


def test_normalisation_by_hand():
    s = pd.Series([0.0, 1.0, 3.0, np.nan])
    assert normalise(s, "minmax").tolist()[:3] == [0.0, 1 / 3, 1.0]
    expected = [0.0, np.log(2) / np.log(4), 1.0]
    assert np.allclose(normalise(s, "minmax_log1p").tolist()[:3], expected)
    assert np.isnan(normalise(s, "minmax").iloc[3])
    assert normalise(pd.Series([2.0, 2.0]), "minmax").tolist() == [0.0, 0.0]


def test_index_is_weighted_mean_of_collected_areas(partial_codebook):
    panel = pd.DataFrame(
        {
            "dyad": ["A-B", "A-B"],
            "year": [2019, 2020],
            **{f"window_{a}": [0.0, 2.0] for a in ["contacts", "war_preparation"]},
            "window_missions_outside_war": [0.0, 0.0],
            "window_wartime_support": [1.0, 0.0],
            "window_regime_security": [np.nan, np.nan],
            **{
                f"tie_{a}": [0.0, 1.0]
                for a in [
                    "contacts",
                    "war_preparation",
                    "missions_outside_war",
                    "wartime_support",
                    "regime_security",
                ]
            },
        }
    )
    weights = dict.fromkeys(
        [
            "contacts",
            "regime_security",
            "war_preparation",
            "missions_outside_war",
            "wartime_support",
        ],
        1,
    )
    weights["contacts"] = 2
    out = build_tie_index(panel, partial_codebook, "minmax", weights)
    # 2019: only wartime support (score 1, weight 1) -> 1/5; 2020: contacts (2) + war prep (1) -> 3/5
    assert out["tie_index"].tolist() == pytest.approx([1 / 5, 3 / 5])
    assert out["score_regime_security"].isna().all()
    assert ((out["tie_index"] >= 0) & (out["tie_index"] <= 1)).all()
