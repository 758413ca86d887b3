"""Monte Carlo sensitivity, network measures on known graphs, and the data exports."""

import json
import shutil
import subprocess

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from tests.oracles import add_sustained_ties, build_dyad_year, monte_carlo, scenario_scores
from tiesmap.core.codebook import AREAS
from tiesmap.index.dyads import expand_to_dyads
from tiesmap.index.export import export_panel
from tiesmap.index.network import network_by_year, tie_graph
from tiesmap.index.sensitivity import Space

from .test_index import events

SPACE = Space(
    normalisations=("minmax", "rank"),
    aggregations=("arithmetic", "geometric"),
    multilateral_weights=("full", "inverse"),
    min_interactions=(1, 2),
    window_months=(12, 24),
    dirichlet_alpha=1.0,
    draws=400,
)


@pytest.fixture
def setting(codebook):
    ev = events(
        ("E1", "2019-03-10", "CHN;RUS", "summit", "contacts", False),
        ("E2", "2019-11-20", "CHN;RUS", "summit", "contacts", False),
        ("E3", "2020-05-01", "CHN;RUS;IRN", "exercise", "war_preparation", True),
        ("E4", "2021-05-01", "IRN;RUS", "summit", "contacts", True),
    )
    by_rule = {r: expand_to_dyads(ev, r) for r in SPACE.multilateral_weights}
    panel = build_dyad_year(
        by_rule["full"], ["CHN-IRN", "CHN-RUS", "IRN-RUS"], 2019, 2021, codebook
    )
    scores, labels = scenario_scores(panel, by_rule, SPACE, True)
    return panel, scores, labels


def test_monte_carlo_is_seeded_and_bounded(setting):
    panel, scores, labels = setting
    assert scores.shape == (2 * 2 * 2 * 2, len(panel), len(AREAS))
    one = monte_carlo(scores, labels, panel["dyad"].to_numpy(), SPACE, seed=7, block_rows=4)
    two = monte_carlo(scores, labels, panel["dyad"].to_numpy(), SPACE, seed=7, block_rows=100)
    pd.testing.assert_frame_equal(one[0], two[0])  # block size does not change results
    pd.testing.assert_frame_equal(one[1], two[1])
    rows, ranks, draws = one
    assert (
        (rows["index_p05"] <= rows["index_median"]) & (rows["index_median"] <= rows["index_p95"])
    ).all()
    assert rows[["index_p05", "index_p95"]].min().min() >= 0
    assert rows[["index_p05", "index_p95"]].max().max() <= 1
    assert ranks.set_index("dyad").loc["CHN-RUS", "rank_median"] == 1
    assert set(ranks["rank_p05"]) <= {1, 2, 3} and len(draws) == SPACE.draws
    other = monte_carlo(scores, labels, panel["dyad"].to_numpy(), SPACE, seed=8)
    assert not other[2].equals(draws)


def test_mc_dyad_means_match_direct_computation(setting):
    panel, scores, labels = setting
    space = Space(("minmax",), ("arithmetic",), ("full",), (1,), (12,), 1.0, draws=1)
    scores1, labels1 = scores[:1], labels[:1]
    _, ranks, draws = monte_carlo(scores1, labels1, panel["dyad"].to_numpy(), space, seed=1)
    w = draws[[f"weight_{a}" for a in AREAS]].to_numpy()[0]
    s = scores1[0]
    present = ~np.isnan(s)
    index = np.where(present, s, 0) @ w / (present @ w)
    means = pd.Series(index).groupby(panel["dyad"].to_numpy()).mean()
    got = ranks.set_index("dyad")["mean_index_median"]
    assert np.allclose(got.loc[means.index], means)


def test_network_measures_on_known_graphs():
    triangle = pd.DataFrame(
        {
            "state_a": ["A", "A", "B"],
            "state_b": ["B", "C", "C"],
            "tie_x": [1, 1, 1],
        }
    )
    g = tie_graph(triangle, "tie_x", ["A", "B", "C", "D"])
    assert nx.density(g) == pytest.approx(3 / 6)
    assert nx.transitivity(g) == 1.0
    star = triangle.assign(tie_x=[1, 1, 0])
    g = tie_graph(star, "tie_x", ["A", "B", "C"])
    assert nx.transitivity(g) == 0.0 and nx.density(g) == pytest.approx(2 / 3)


def test_network_by_year_uses_focal_states(codebook):
    ev = events(
        ("E1", "2019-03-10", "CHN;RUS", "summit", "contacts", True),
        ("E2", "2019-04-10", "IRN;RUS", "summit", "contacts", True),
        ("E3", "2019-05-10", "CHN;IRN", "summit", "contacts", True),
    )
    dy = expand_to_dyads(ev)
    panel = build_dyad_year(dy, ["CHN-IRN", "CHN-RUS", "IRN-RUS"], 2019, 2019, codebook)
    panel = add_sustained_ties(panel, dy, 2, 12, True)
    net = network_by_year(panel, ["CHN", "IRN", "RUS"]).set_index(["year", "area"])
    assert net.loc[(2019, "contacts"), "density"] == 1.0
    assert net.loc[(2019, "contacts"), "transitivity"] == 1.0
    assert net.loc[(2019, "war_preparation"), "edges"] == 0


def test_export_writes_valid_datapackage_and_stata(tmp_path):
    panel = pd.DataFrame(
        {
            "dyad": ["CHN-RUS", "CHN-RUS"],
            "state_a": ["CHN", "CHN"],
            "state_b": ["RUS", "RUS"],
            "year": [2019, 2020],
            "n_contacts": [2.0, np.nan],
            "uncollected_contacts": [False, True],
            "tie_index": [0.5, np.nan],
        }
    )
    export_panel(panel, tmp_path)
    back = pd.read_stata(tmp_path / "tie_index.dta", convert_categoricals=False)
    labelled = pd.read_stata(tmp_path / "tie_index.dta")
    assert labelled["uncollected_contacts"].tolist() == ["no", "yes"]
    assert back["tie_index"].tolist()[0] == 0.5 and np.isnan(back["tie_index"].tolist()[1])
    assert back["uncollected_contacts"].tolist() == [0, 1]
    package = json.loads((tmp_path / "datapackage.json").read_text())
    fields = package["resources"][0]["schema"]["fields"]
    codes = ["ccode1", "ccode2", "gwno1", "gwno2"]
    at = list(panel.columns).index("state_b") + 1  # codes follow the two states
    assert [f["name"] for f in fields] == [*panel.columns[:at], *codes, *panel.columns[at:]]
    first = (tmp_path / "tie_index.dta").read_bytes()
    export_panel(panel, tmp_path)
    assert (tmp_path / "tie_index.dta").read_bytes() == first  # no time stamp
    exe = shutil.which("frictionless") or str(
        __import__("pathlib").Path(__import__("sys").executable).parent / "frictionless"
    )
    run = subprocess.run(
        [exe, "validate", str(tmp_path / "datapackage.json")], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
