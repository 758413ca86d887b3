"""Scopes side by side: output folders, the merged config, the state system,
hand codings cut to a scope, coverage that never turns missing into zero, and
exhibits whose size does not grow with the dyads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from tiesmap.codings.coding_scope import in_scope
from tiesmap.core.config import load_config, panel_dyads
from tiesmap.core.scope import coding_period, config_text, scope_dirs, scoped_path, write_if_changed
from tiesmap.core.statesystem import exists_mask, membership_spells, regime_states
from tiesmap.index.index import coherence
from tiesmap.index.panel import coverage_mask
from tiesmap.report.scope_exhibits import (
    region_summary,
    scope_macros,
    state_summary,
    top_dyads,
    war_text,
)

AREAS = [
    "contacts",
    "regime_security",
    "war_preparation",
    "missions_outside_war",
    "wartime_support",
]


def test_pilot_paths_unchanged_and_named_scope_moves_every_folder():
    pilot = scope_dirs({"scope": {"partners": []}})
    assert scoped_path("results/tables/x.tex", pilot) == "results/tables/x.tex"
    assert scoped_path("data/processed/a.parquet", pilot) == "data/processed/a.parquet"
    named = scope_dirs({"scope": {"partners": [], "name": "global"}})
    assert scoped_path("results/figures/{name}.pdf", named) == "results/global/figures/{name}.pdf"
    assert scoped_path("data/processed/config.yaml", named) == "data/processed/global/config.yaml"
    assert scoped_path("logs/benchmarks/x.tsv", named) == "logs/global/benchmarks/x.tsv"
    with pytest.raises(ValueError, match="not under"):
        scoped_path("paper/main.tex", named)


def test_merged_config_round_trips_and_is_written_only_when_changed(tmp_path):
    config = load_config("config/config.yaml")
    config["period"] = {"start": 2010, "end": 2020}
    path = tmp_path / "config.yaml"
    assert write_if_changed(path, config) is True
    stamp = path.stat().st_mtime_ns
    assert write_if_changed(path, config) is False
    assert path.stat().st_mtime_ns == stamp
    again = load_config(path)
    assert again == config
    assert again["period"] == {"start": 2010, "end": 2020}
    assert config_text(again) == path.read_text(encoding="utf-8")


def _states(rows):
    cols = ["stateabb", "ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["version"] = 2016
    return frame


def test_membership_follows_31_december_and_censoring():
    states = _states(
        [
            ["GDR", 265, 1954, 3, 25, 1990, 10, 2],  # gone before 31 Dec 1990
            ["CZE", 315, 1945, 1, 1, 1992, 12, 31],  # member on 31 Dec 1992
            ["CZR", 316, 1993, 1, 1, 2016, 12, 31],  # runs to the version year: censored
            ["ETM", 860, 2002, 5, 20, 2016, 12, 31],
            ["RUS", 365, 1816, 1, 1, 2016, 12, 31],
        ]
    )
    spells = membership_spells(states, 1990, 2022)
    assert "DDR" not in spells
    assert spells["CSK"] == [(1990, 1992)]
    assert spells["CZE"] == [(1993, 2022)]
    assert spells["TLS"] == [(2002, 2022)]
    assert spells["RUS"] == [(1990, 2022)]
    frame = pd.DataFrame(
        {
            "state_a": ["CSK", "CSK", "RUS", "RUS"],
            "state_b": ["RUS", "RUS", "TLS", "TLS"],
            "year": [1992, 1993, 2001, 2002],
        }  # fmt: skip
    )
    members = {k: [list(s) for s in v] for k, v in spells.items()}
    assert exists_mask(frame, members).tolist() == [True, False, False, True]


def test_regime_rule_keeps_states_autocratic_in_a_member_year():
    spells = {"CHN": [(1990, 2022)], "SWE": [(1990, 2022)], "RUS": [(1990, 2022)]}
    democracy = pd.DataFrame(
        {
            "ccode": [710, 380, 365, 365],
            "year": [2000, 2000, 1995, 2015],
            "v2x_polyarchy": [0.05, 0.9, 0.6, 0.2],
        }  # fmt: skip
    )
    assert regime_states(democracy, spells, "v2x_polyarchy", 0.5) == {"CHN", "RUS"}


def _codings():
    return pd.DataFrame(
        {
            "event_id": ["e1", "e1", "e2", "e3", "e4"],
            "date_start": ["2004-05", "2004-05", "2012", "2023-01-02", "2015-03"],
            "participants": ["CHN;RUS", "CHN;RUS", "IRN;RUS", "PRK;RUS", "CHN;XXX"],
        }
    )


def test_codings_outside_the_scope_are_left_out_and_counted():
    kept, report = in_scope(_codings(), 2005, 2022, {"CHN", "RUS", "IRN", "PRK"})
    assert kept["event_id"].tolist() == ["e2"]
    assert report["left_out"]["outside_period"] == {"rows": 3, "events": 2}
    assert report["left_out"]["outside_states"] == {"rows": 1, "events": 1}
    assert report["rows_in"] == 5 and report["rows_kept"] == 1
    kept, report = in_scope(_codings(), 2000, 2025, None)
    assert len(kept) == 5 and report["rows_kept"] == 5


def test_coding_period_defaults_to_the_study_period():
    config = {"period": {"start": 2005, "end": 2025}, "codings": {}}
    assert coding_period(config) == (2005, 2025)
    config["codings"]["period"] = {"start": 2003, "end": 2026}
    assert coding_period(config) == (2003, 2026)


def test_coverage_of_both_states_leaves_other_dyads_missing():
    panel = pd.DataFrame(
        {"state_a": ["CHN", "CHN", "FRA"], "state_b": ["RUS", "USA", "USA"], "year": [2010] * 3}
    )
    one = [{"areas": ["contacts"], "start": 2005, "end": 2022, "states": ["CHN", "RUS"]}]
    both = [{**one[0], "dyads": "both"}]
    assert coverage_mask(panel, "contacts", one).tolist() == [True, True, False]
    assert coverage_mask(panel, "contacts", both).tolist() == [True, False, False]
    assert not coverage_mask(panel, "wartime_support", both).any()


def test_panel_dyads_follow_the_resolved_states():
    config = {"focal_states": ["CHN", "RUS"], "scope": {"partners": [], "states": ["A", "B", "C"]}}
    assert panel_dyads(config) == ["A-B", "A-C", "B-C"]


def test_coherence_tolerates_constant_and_missing_areas():
    rng = np.random.default_rng(1)
    n = 40
    panel = pd.DataFrame({f"window_{a}": rng.poisson(3, n).astype(float) + 1 for a in AREAS})
    for a in AREAS:
        panel[f"tie_{a}"] = 1.0
    # wartime support is observed only where contacts are missing: no shared rows
    panel.loc[: n // 2, "tie_contacts"] = np.nan
    panel.loc[n // 2 + 1 :, "tie_wartime_support"] = np.nan
    report = coherence(panel)
    assert np.isfinite(report["first_component_share"])
    assert len(report["areas_left_out"]) == 1
    assert report["areas_left_out"][0] in {"contacts", "wartime_support"}
    assert not set(report["areas_left_out"]) & set(report["areas"])
    assert len(report["eigenvalues"]) == len(report["areas"]) == 4
    # no variation at all: nothing to decompose, no crash
    flat = panel.assign(**{f"window_{a}": 1.0 for a in AREAS})
    assert coherence(flat)["areas"] == []


def _index():
    rows = []
    for dyad, values in {
        "CHN-RUS": [0.8, 0.9],
        "FRA-USA": [0.2, np.nan],
        "ARG-BRA": [0.0, 0.1],
    }.items():
        a, b = dyad.split("-")
        for year, v in zip([2010, 2011], values, strict=True):
            rows.append({"dyad": dyad, "state_a": a, "state_b": b, "year": year, "tie_index": v,
                         "tie_contacts": float(v > 0.5) if v == v else np.nan})  # fmt: skip
    return pd.DataFrame(rows)


def test_top_dyads_states_and_regions():
    index = _index()
    top = top_dyads(index, 2)
    assert top["dyad"].tolist() == ["CHN-RUS", "FRA-USA"]
    assert top.loc[0, "tie_years"] == 2 and top.loc[1, "years"] == 1
    states = state_summary(index).set_index("state")
    assert states.loc["RUS", "partners"] == 1 and states.loc["FRA", "partners"] == 0
    regions = region_summary(index).set_index("regions")
    assert regions.loc["America–America", "dyads"] == 1
    assert regions.loc["Asia–Europe", "tie_share"] == 1.0
    assert regions.loc["America–Europe", "observed"] == 1


def test_scope_text_comes_from_the_config():
    config = yaml.safe_load(
        """
period: {start: 2010, end: 2011}
scope: {partners: [], system: {membership: cow}, states: [ARG, BRA, CHN, FRA, RUS, USA],
        members: {ARG: [[2010, 2011]], BRA: [[2011, 2011]], CHN: [[2010, 2011]],
                  FRA: [[2010, 2011]], RUS: [[2010, 2010]], USA: [[2010, 2011]]}}
sources: {use: [sipri, mme]}
wars: [{name: A war, state: RUS, start: "2011-02-24", end: null},
       {name: Old war, state: RUS, start: "1990-01-01", end: "1995-01-01"}]
"""
    )
    left_out = {"rows_kept": 7, "left_out": {"outside_period": {"events": 3, "rows": 6},
                                              "outside_states": {"events": 1, "rows": 2}}}  # fmt: skip
    m = scope_macros(config, _index(), left_out)
    assert m["ScopeNStates"] == "6" and m["ScopeStart"] == "2010"
    assert m["ScopeNEntered"] == "1" and m["ScopeNExited"] == "1"
    assert m["ScopeNDyadYears"] == "6" and m["ScopeNObserved"] == "5"
    assert m["ScopeNWithTie"] == "2"
    assert m["ScopeWars"] == "A war (from 2011)"
    assert m["ScopeCodingsOutsidePeriod"] == "3" and m["ScopeCodingsOutsideStates"] == "1"
    assert war_text(config["wars"], 1990, 2000) == "Old war (1990--1995)"


def test_per_dyad_figures_are_thinned_to_a_page(tmp_path):
    from tiesmap.report.figures import index_heatmap, rank_intervals

    dyads = [f"A{i:02d}-B{i:02d}" for i in range(index_heatmap.MAX_DYADS + 25)]
    panel = pd.DataFrame(
        [
            {"dyad": d, "year": y, "tie_index": (i % 7) / 7}
            for i, d in enumerate(dyads)
            for y in (2000, 2001)
        ]  # fmt: skip
    )
    index_heatmap.index_heatmap(panel, tmp_path / "h.pdf")
    ranks = pd.DataFrame({"dyad": dyads, "rank_median": range(len(dyads)),
                          "rank_p05": range(len(dyads)), "rank_p95": range(len(dyads))})  # fmt: skip
    rank_intervals.rank_intervals(ranks, tmp_path / "r.pdf")
    import re

    def height(path):
        box = re.search(rb"/MediaBox \[ *0 0 ([0-9.]+) ([0-9.]+) *\]", path.read_bytes())
        return float(box.group(2)) / 72  # inches

    cap = index_heatmap.MAX_DYADS
    assert height(tmp_path / "h.pdf") == pytest.approx(0.35 * cap + 1.2, abs=0.01)
    assert height(tmp_path / "r.pdf") == pytest.approx(0.3 * cap + 1.0, abs=0.01)


def test_scaling_tables_are_booktabs_with_a_row_per_entry():
    from tiesmap.report.scope_exhibits import regions_latex, top_dyads_latex, top_states_latex

    index = _index()
    text = top_dyads_latex(top_dyads(index, 2))
    assert text.startswith("\\begin{tabular}{lrrrr}\n\\toprule\n")
    assert "China – Russia & 2 & 0.850 & 0.900 & 2 \\\\" in text
    assert text.count("\\\\") == 3  # header and two dyads
    states = top_states_latex(state_summary(index), 1)
    assert states.count("\\\\") == 2 and "China & 1 & 2 & 0.850" in states
    regions = regions_latex(region_summary(index))
    assert "Asia–Europe & 1 & 2 & 1.000 & 0.850 \\\\" in regions


def test_configfile_changes_what_is_built(tmp_path):
    """`--configfile` reaches the plan and the verbs: a named scope plans its own
    folder, and the merged config the verbs read holds the overriding values."""
    import subprocess
    import sys

    from tests.project import copy_project as _copy_project

    dest = _copy_project(tmp_path / "project")
    other = tmp_path / "other.yaml"
    other.write_text(
        "period: {start: 2010, end: 2020}\nscope: {name: other, partners: []}\n"
        "codings: {period: {start: 2005, end: 2025}}\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--configfile", str(other)],
        cwd=dest,
        env={"PYTHONPATH": str(dest / "workflow"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "results/other/paper.pdf" in run.stdout
    assert "results/paper.pdf" not in run.stdout
    merged = load_config(dest / "data/processed/other/config.yaml")
    assert merged["period"] == {"start": 2010, "end": 2020}
    assert merged["scope"]["name"] == "other"
    assert not (dest / "data/processed/config.yaml").exists()


def test_named_scope_paper_finds_its_results_folder(tmp_path):
    from tiesmap.report.paper import results_tex_dir

    tex = tmp_path / "paper" / "global.tex"
    assert results_tex_dir(tex, tmp_path / "results" / "autocracy") == [
        r"-usepretex=\def\ResultsDir{../results/autocracy}"
    ]


def test_the_scope_text_names_the_sources_in_words():
    """The companion paper says what each source supplies, not the workflow's key."""
    from tiesmap.report.scope_exhibits import source_phrases

    text = source_phrases(["china_vitae", "mme", "sipri"])
    assert text == (
        "Chinese leaders' meetings from China Vitae, multinational exercises from the "
        "Multinational Military Exercises dataset and arms transfers from the SIPRI "
        "Arms Transfers Database"
    )
    assert "_" not in source_phrases(["china_vitae"])
