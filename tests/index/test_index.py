"""Dyad expansion, the balanced panel, the sustained-tie rule and the index."""

import numpy as np
import pandas as pd
import pytest

from tests.oracles import add_sustained_ties, build_dyad_year
from tiesmap.core.codebook import AREAS
from tiesmap.core.config import dyads_in_scope
from tiesmap.index.dyads import expand_to_dyads
from tiesmap.index.index import (
    aggregate,
    build_tie_index,
    coherence,
    cronbach_alpha,
    normalise,
    pca_weights,
)
from tiesmap.index.panel import scope_report

FOCAL = ["CHN", "RUS", "IRN", "PRK"]


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


def test_multilateral_weights():
    ev = events(("E1", "2019-12-27", "IRN;RUS;CHN", "exercise", "war_preparation", False))
    assert set(expand_to_dyads(ev, "full")["weight"]) == {1.0}
    assert set(expand_to_dyads(ev, "inverse")["weight"]) == {0.5}
    assert set(expand_to_dyads(ev, "excluded")["weight"]) == {0.0}
    bilateral = events(("E2", "2019-12-27", "IRN;RUS", "summit", "contacts", False))
    assert set(expand_to_dyads(bilateral, "excluded")["weight"]) == {1.0}


def test_directed_activity_pairs_only_with_origin():
    ev = events(("E1", "2023", "PRK;RUS;BLR", "weapons_delivery", "wartime_support", False))
    dy = expand_to_dyads(ev, directed=frozenset({"weapons_delivery"}))
    assert sorted(dy["dyad"]) == ["BLR-PRK", "PRK-RUS"]
    assert set(dy["origin"]) == {"PRK"}


def test_dyads_in_scope_with_partners():
    assert dyads_in_scope(["RUS", "CHN", "PRK"]) == ["CHN-PRK", "CHN-RUS", "PRK-RUS"]
    assert dyads_in_scope(["CHN", "RUS"], ["IND"]) == ["CHN-IND", "CHN-RUS", "IND-RUS"]


def test_panel_is_balanced_and_keeps_not_collected_missing(partial_codebook):
    ev = events(
        ("E1", "2019-04-25", "RUS;PRK", "summit", "contacts", False),
        ("E2", "2019-07-23", "CHN;RUS", "joint_patrol", "missions_outside_war", False),
        ("E3", "2019-09-16", "CHN;RUS;IND", "exercise", "war_preparation", False),
    )
    dy = expand_to_dyads(ev)
    dyads = dyads_in_scope(FOCAL)
    panel = build_dyad_year(dy, dyads, 2018, 2020, partial_codebook)
    assert panel.shape[0] == 6 * 3
    assert not panel.duplicated(["dyad", "year"]).any()
    assert panel["n_regime_security"].isna().all()  # not collected: never zero
    assert panel["uncollected_regime_security"].all()
    one = panel.set_index(["dyad", "year"])
    assert one.loc[("PRK-RUS", 2019), "n_contacts"] == 1
    assert one.loc[("CHN-RUS", 2019), "n_war_preparation"] == 1
    assert one.loc[("CHN-IRN", 2019), "n_contacts"] == 0  # collected: an observed zero
    assert one.loc[("CHN-RUS", 2019), "multilateral_share"] == 0.5
    assert scope_report(dy, dyads) == {
        "dyad_events": 5,
        "dyad_events_in_scope": 3,
        "dyad_events_out_of_scope": 2,
        "dyad_events_zero_weight": 0,
    }


def test_source_coverage_makes_years_missing(codebook):
    ev = events(("E1", "2008-08-01", "CHN;RUS", "exercise", "war_preparation", False))
    coverage = [
        {"source": "hand", "areas": ["contacts"], "start": 2005, "end": 2010},
        {"source": "exercises", "areas": ["war_preparation"], "start": 2005, "end": 2007},
    ]
    panel = build_dyad_year(expand_to_dyads(ev), ["CHN-RUS"], 2005, 2010, codebook, coverage)
    p = panel.set_index("year")
    assert p.loc[2006, "n_war_preparation"] == 0
    assert np.isnan(p.loc[2008, "n_war_preparation"])  # the event exists but no source covers 2008
    assert p["n_missions_outside_war"].isna().all()
    ties = add_sustained_ties(panel, expand_to_dyads(ev), 1, 12, True).set_index("year")
    assert np.isnan(ties.loc[2008, "tie_war_preparation"])
    assert ties.loc[2006, "tie_war_preparation"] == 0


def _ties(codebook, ev, k=2, w=12, fu=True, years=(2018, 2021)):
    dy = expand_to_dyads(ev)
    panel = build_dyad_year(dy, ["CHN-RUS"], years[0], years[1], codebook)
    return add_sustained_ties(panel, dy, k, w, fu).set_index("year")


def test_tie_rule_needs_k_events_in_window(codebook):
    ev = events(
        ("E1", "2019-03-10", "CHN;RUS", "summit", "contacts", False),
        ("E2", "2019-11-20", "CHN;RUS", "summit", "contacts", False),
    )
    t = _ties(codebook, ev)
    assert t.loc[2019, "window_contacts"] == 2 and t.loc[2019, "tie_contacts"] == 1
    assert t.loc[2020, "window_contacts"] == 0 and t.loc[2020, "tie_contacts"] == 0
    assert t.loc[2018, "tie_contacts"] == 0
    assert _ties(codebook, ev.iloc[:1]).loc[2019, "tie_contacts"] == 0  # one meeting: no tie


def test_tie_window_boundary(codebook):
    # The 12-month window ending 2020-12-31 is (2019-12-31, 2020-12-31].
    ev = events(
        ("E1", "2019-12-31", "CHN;RUS", "summit", "contacts", False),
        ("E2", "2020-06-01", "CHN;RUS", "summit", "contacts", False),
    )
    assert _ties(codebook, ev).loc[2020, "window_contacts"] == 1
    ev2 = events(
        ("E1", "2020-01-01", "CHN;RUS", "summit", "contacts", False),
        ("E2", "2020-06-01", "CHN;RUS", "summit", "contacts", False),
    )
    assert _ties(codebook, ev2).loc[2020, "window_contacts"] == 2
    assert _ties(codebook, ev, w=24).loc[2020, "window_contacts"] == 2


def test_follow_up_makes_one_event_a_tie(codebook):
    ev = events(("E1", "2019-03-10", "CHN;RUS", "summit", "contacts", True))
    assert _ties(codebook, ev).loc[2019, "tie_contacts"] == 1
    assert _ties(codebook, ev, fu=False).loc[2019, "tie_contacts"] == 0


def test_normalisation_by_hand():
    s = pd.Series([0.0, 1.0, 3.0, np.nan])
    assert normalise(s, "minmax").tolist()[:3] == [0.0, 1 / 3, 1.0]
    assert np.allclose(normalise(s, "minmax_log1p")[:3], [0.0, np.log(2) / np.log(4), 1.0])
    assert np.isnan(normalise(s, "minmax")[3])
    assert normalise(pd.Series([2.0, 2.0]), "minmax").tolist() == [0.0, 0.0]
    z = normalise(s, "zscore")[:3]
    assert np.allclose(z, (np.array([0, 1, 3]) - 4 / 3) / np.std([0, 1, 3]))
    assert normalise(pd.Series([5.0, 1.0, 1.0, 9.0]), "rank").tolist() == [0.75, 0.375, 0.375, 1.0]


def test_aggregation_by_hand():
    scores = np.array([[1.0, 0.0, np.nan], [0.5, 0.5, 0.5], [np.nan, np.nan, np.nan]])
    w = np.array([2.0, 1.0, 1.0])
    arith = aggregate(scores, w, "arithmetic")
    assert arith[0] == pytest.approx(2 / 3) and arith[1] == pytest.approx(0.5)
    assert np.isnan(arith[2])
    geo = aggregate(scores, w, "geometric", offset=0.01)
    assert geo[0] == pytest.approx(np.exp((2 * np.log(1.01) + np.log(0.01)) / 3) - 0.01)
    assert geo[1] == pytest.approx(0.5)
    assert geo[0] < arith[0]  # a zero area is penalised more by the geometric mean


def test_index_gates_intensity_by_tie_and_stays_in_bounds(partial_codebook):
    panel = pd.DataFrame(
        {
            "dyad": ["A-B"] * 3,
            "year": [2019, 2020, 2021],
            **{f"window_{a}": [0.0, 2.0, 1.0] for a in AREAS},
            **{f"tie_{a}": [0.0, 1.0, 0.0] for a in AREAS},
        }
    )
    panel["window_regime_security"] = np.nan
    panel["tie_regime_security"] = np.nan
    out = build_tie_index(panel, "minmax", "arithmetic", dict.fromkeys(AREAS, 1))
    # 2021 has one event in the window but no tie: it scores zero.
    assert out["tie_index"].tolist() == pytest.approx([0.0, 1.0, 0.0])
    assert out["score_regime_security"].isna().all()
    assert out["n_ties"].tolist() == [0, 4, 0]


def test_pca_weights_and_cronbach_alpha():
    rng = np.random.default_rng(3)
    base = rng.normal(size=200)
    scores = pd.DataFrame({a: base + rng.normal(scale=0.1, size=200) for a in AREAS})
    scores["wartime_support"] = rng.normal(size=200)  # unrelated area
    w = pca_weights(scores)
    assert sum(w.values()) == pytest.approx(1.0)
    assert w["wartime_support"] < min(w[a] for a in AREAS if a != "wartime_support")
    items = np.array([[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 7]], float)
    k, total = 3, items.sum(axis=1).var(ddof=1)
    expected = k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / total)
    assert cronbach_alpha(items) == pytest.approx(expected)


def test_coherence_report(codebook):
    rng = np.random.default_rng(1)
    panel = pd.DataFrame({f"window_{a}": rng.poisson(2, 50).astype(float) for a in AREAS})
    for a in AREAS:
        panel[f"tie_{a}"] = (panel[f"window_{a}"] >= 2).astype(float)
    report = coherence(panel)
    assert report["areas"] == list(AREAS)
    assert 0 < report["first_component_share"] <= 1
    assert report["n"] == 50


def test_fractional_weights_reach_the_threshold(codebook):
    """Six 4-state events weighted 1/3 each are two interactions, not 1.999..."""
    ev = events(
        *[
            (f"E{i}", f"2019-0{i}-10", "CHN;IRN;KAZ;RUS", "exercise", "war_preparation", False)
            for i in range(1, 7)
        ]
    )
    dy = expand_to_dyads(ev, "inverse")
    panel = build_dyad_year(dy, ["CHN-RUS"], 2019, 2019, codebook)
    ties = add_sustained_ties(panel, dy, 2, 12, False)
    assert ties.loc[0, "window_war_preparation"] == 2.0
    assert ties.loc[0, "tie_war_preparation"] == 1
