"""The war covariate from a source: COW inter-state wars (peacesciencer's cow_war_inter),
joined only when a scope asks for it (`wars_from: cow_war_inter`), missing after the
data end (2007), never zero there."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tests.models.test_covariate_guards import write_rda
from tests.models.test_covariates import make_panel
from tests.shared_data import shared_file
from tiesmap.core.config import EXTERNAL_COVARIATES, WAR_COVARIATE, covariate_names
from tiesmap.core.errors import InputError
from tiesmap.index import covariates as cv
from tiesmap.models.external_covariates import add_external_covariates
from tiesmap.report.scope_exhibits import model_war_text
from tiesmap.sources import peacesciencer as ps

WARS = pd.DataFrame(
    {"iso3": ["AAA", "AAA"], "year": [2005, 2006], "inter_wars": [1, 2], "warnums": ["7", "7;9"]}
)


def at(frame: pd.DataFrame, dyad: str, year: int, column: str) -> float:
    return float(frame.loc[(frame["dyad"] == dyad) & (frame["year"] == year), column].iloc[0])


def test_cow_war_is_one_for_either_side_zero_inside_coverage_missing_after():
    panel = make_panel(dyads=("AAA-BBB", "BBB-CCC"), years=range(2005, 2010))
    out = cv.add_cow_war(panel, WARS, coverage=(1816, 2007))
    assert at(out, "AAA-BBB", 2005, "cow_war") == 1.0
    assert at(out, "AAA-BBB", 2006, "inter_wars_a") == 2.0
    assert at(out, "AAA-BBB", 2007, "cow_war") == 0.0  # inside the data: no war
    assert at(out, "BBB-CCC", 2005, "cow_war") == 0.0
    for dyad in ("AAA-BBB", "BBB-CCC"):
        for year in (2008, 2009):  # after the data end: unobserved, not peace
            assert math.isnan(at(out, dyad, year, "cow_war"))
    assert len(out) == len(panel)
    assert cv.add_cow_war.cites == ("miller2022peacesciencer", "ps_cow_war_inter")


def test_cow_war_default_coverage_is_the_sources_1816_to_2007():
    assert ps.COW_WAR_YEARS == (1816, 2007)
    out = cv.add_cow_war(make_panel(years=[2007, 2008]), WARS)
    assert out.loc[out["year"] == 2007, "cow_war"].eq(0).all()
    assert out.loc[out["year"] == 2008, "cow_war"].isna().all()


def test_the_switch_adds_the_war_file_only_when_asked():
    assert covariate_names({}) == EXTERNAL_COVARIATES
    assert covariate_names({"wars_from": "config"}) == EXTERNAL_COVARIATES
    assert covariate_names({"wars_from": "cow_war_inter"})[-1] == WAR_COVARIATE
    # without the file the report is the pilot's: no entry for the war file
    _, report = add_external_covariates(make_panel(), {})
    assert WAR_COVARIATE not in report and list(report) == list(EXTERNAL_COVARIATES)


@pytest.fixture(scope="module")
def war_file():
    return shared_file("peacesciencer/cow_war_inter.rda")


def test_real_cow_wars_1990_2007(war_file):
    wars = ps.read_wars(war_file).table
    listed = ps.war_list(wars, 1990, 2022)
    assert [w["warnum"] for w in listed] == [211, 215, 216, 217, 219, 221, 223, 225, 227]
    iraq = listed[-1]
    assert (iraq["first"], iraq["last"]) == (2003, 2003)
    assert iraq["states"] == ["AUS", "GBR", "IRQ", "USA"]
    gulf = listed[0]
    assert (gulf["first"], gulf["last"], len(gulf["states"])) == (1990, 1991, 14)
    assert int(wars["year"].max()) == 2003  # the last war-year; the data run to 2007
    # Russia fights no COW inter-state war in 1990-2007 (Chechnya is intra-state)
    assert not ((wars["iso3"] == "RUS") & (wars["year"] >= 1990)).any()


def test_real_file_through_the_models_covariate_step(war_file):
    panel = make_panel(dyads=("GBR-IRQ", "CHN-RUS"), years=[2003, 2007, 2008])
    out, report = add_external_covariates(panel, {WAR_COVARIATE: str(war_file)})
    assert at(out, "GBR-IRQ", 2003, "cow_war") == 1.0
    assert at(out, "CHN-RUS", 2003, "cow_war") == 0.0
    assert np.isnan(out.loc[out["year"] == 2008, "cow_war"]).all()
    entry = report[WAR_COVARIATE]
    assert entry["coverage"] == [1816, 2007]
    assert [w["warnum"] for w in entry["wars"]] == [227]
    assert entry["non_missing"]["cow_war"] == 4
    # the wars listed are those of the panel's states only
    _, report = add_external_covariates(
        make_panel(dyads=("CHN-RUS",), years=[2003]), {WAR_COVARIATE: str(war_file)}
    )
    assert report[WAR_COVARIATE]["wars"] == []


def test_yugoslavias_wars_reach_the_panels_serbia(war_file):
    # the reader names COW 345 YUG to 2005; a state-system panel keeps SRB throughout
    panel = make_panel(dyads=("BIH-SRB", "FRA-SRB", "CHN-SRB"), years=[1992, 1999, 2001])
    out, report = add_external_covariates(panel, {WAR_COVARIATE: str(war_file)})
    assert at(out, "BIH-SRB", 1992, "cow_war") == 1.0
    assert at(out, "CHN-SRB", 1999, "inter_wars_b") == 1.0  # war 221 (Kosovo)
    assert at(out, "CHN-SRB", 2001, "cow_war") == 0.0
    kosovo = [w for w in report[WAR_COVARIATE]["wars"] if w["warnum"] == 221]
    assert kosovo[0]["states"] == ["FRA", "SRB"]


def test_a_war_year_after_the_data_end_is_refused(tmp_path):
    frame = pd.DataFrame(
        {"warnum": [300.0], "ccode1": [710.0], "ccode2": [365.0], "year": [2012.0]}
    )
    with pytest.raises(InputError, match="year"):
        ps.read_wars(write_rda(tmp_path, "cow_war_inter", frame))


def test_scope_text_names_the_wars_and_the_missing_years():
    config = {"wars_from": "cow_war_inter", "wars": []}
    report = {
        WAR_COVARIATE: {
            "status": "added",
            "coverage": [1816, 2007],
            "wars": [{"warnum": 227, "first": 2003, "last": 2003, "states": ["GBR", "IRQ"]}],
        }
    }
    text = model_war_text(config, report, 1990, 2022)
    assert "war 227 (2003: Iraq and United Kingdom)" in text
    assert "1816--2007" in text
    assert "for 2008--2022 cow_war is missing, not zero" in text
    assert "fit 1990--2007 only" in text
    absent = model_war_text(config, {}, 1990, 2022)
    assert "not available" in absent
    pilot = {"wars": [{"name": "A war", "state": "RUS", "start": "2022-02-24", "end": None}]}
    assert model_war_text(pilot, None, 2005, 2025).endswith("A war (from 2022)")


def test_state_and_dyad_tables_take_the_panels_codes():
    """SUN/YUG of the reader become the panel's RUS/SRB; a dyad whose order changes
    is sorted again; codes the panel has, and other tables, pass unchanged."""
    states = {"RUS", "SRB", "USA", "CHN"}
    state_year = pd.DataFrame(
        {"ccode": [365, 365, 345, 2], "iso3": ["SUN", "RUS", "YUG", "USA"],
         "year": [1991, 1992, 1999, 1999], "cinc": [0.1, 0.05, 0.01, 0.2]}
    )  # fmt: skip
    got = cv.in_panel_codes(state_year, states)
    assert got["iso3"].tolist() == ["RUS", "RUS", "SRB", "USA"]
    assert got["cinc"].tolist() == state_year["cinc"].tolist()
    # a code that is not in the panel stays as the reader gave it
    assert cv.in_panel_codes(state_year, {"USA"})["iso3"].tolist() == state_year["iso3"].tolist()
    dyad_year = pd.DataFrame(
        {"dyad": ["SUN-USA", "USA-YUG", "CHN-SUN"], "year": [1990, 1999, 1991],
         "state_a": ["SUN", "USA", "CHN"], "state_b": ["USA", "YUG", "SUN"],
         "ccode_a": [365, 2, 710], "ccode_b": [2, 345, 365], "atop_defense": [0, 1, 1]}
    )  # fmt: skip
    got = cv.in_panel_codes(dyad_year, states)
    assert got["dyad"].tolist() == ["RUS-USA", "SRB-USA", "CHN-RUS"]
    assert got[["state_a", "state_b"]].values.tolist() == [
        ["RUS", "USA"], ["SRB", "USA"], ["CHN", "RUS"]
    ]  # fmt: skip
    assert got[["ccode_a", "ccode_b"]].values.tolist() == [[365, 2], [345, 2], [710, 365]]
    assert got["atop_defense"].tolist() == [0, 1, 1]
    other = pd.DataFrame({"iso3": ["SUN"], "year": [1990]})
    pd.testing.assert_frame_equal(cv.in_panel_codes(other, states), other)


def test_russia_and_serbia_get_their_covariates_before_the_splits_end():
    """Real NMC and ATOP files: Russia in 1990-91 and Serbia in 1992-2005 (the reader's
    SUN and YUG) have CINC and alliance values in a panel that names them RUS and SRB."""
    nmc = shared_file("peacesciencer/cow_nmc.rda")
    atop = shared_file("peacesciencer/atop_alliance.rda")
    panel = make_panel(dyads=("CHN-RUS", "RUS-SRB", "BLR-RUS"), years=[1990, 1995, 2001])
    out, report = add_external_covariates(
        panel, {"peacesciencer_cow_nmc": str(nmc), "peacesciencer_atop_alliance": str(atop)}
    )
    assert not np.isnan(at(out, "CHN-RUS", 1990, "cinc_ratio"))
    assert not np.isnan(at(out, "RUS-SRB", 1995, "cinc_ratio"))
    assert np.isnan(at(out, "BLR-RUS", 1990, "cinc_ratio"))  # Belarus: a state from 1991
    assert report["peacesciencer_cow_nmc"]["non_missing"]["cinc_ratio"] == len(panel) - 1
    # Belarus and Russia: the Collective Security Treaty (1992) and the Union State
    assert at(out, "BLR-RUS", 2001, "atop_defense") == 1.0
