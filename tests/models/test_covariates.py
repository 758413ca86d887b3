"""Covariate adapters (peacesciencer, UNGA ideal points, GSDB) and the `add_*` verbs.

Unit tests use tiny hand-made frames; golden tests read the real files in
../shared/data once per module (they skip locally, and fail under CI, when absent).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pyreadr
import pytest

from tests.shared_data import shared_file
from tiesmap.index import covariates as cv
from tiesmap.sources import gsdb, unga
from tiesmap.sources import peacesciencer as ps

# ---------------------------------------------------------------------------------------
# Tiny frames
# ---------------------------------------------------------------------------------------


def make_panel(dyads=("AAA-BBB", "AAA-CCC"), years=range(2000, 2004)) -> pd.DataFrame:
    frame = pd.MultiIndex.from_product([list(dyads), list(years)], names=["dyad", "year"])
    frame = frame.to_frame(index=False)
    frame[["state_a", "state_b"]] = frame["dyad"].str.split("-", expand=True)
    return frame


@pytest.fixture
def panel():
    return make_panel()


def state_table(**columns) -> pd.DataFrame:
    """State-years for AAA, BBB (CCC deliberately missing) in 2000-2003."""
    keys = pd.MultiIndex.from_product([["AAA", "BBB"], range(2000, 2004)], names=["iso3", "year"])
    frame = keys.to_frame(index=False)
    for name, values in columns.items():
        frame[name] = values
    return frame


def dyad_table(rows: list[tuple[str, int, dict]]) -> pd.DataFrame:
    return pd.DataFrame([{"dyad": d, "year": y, **v} for d, y, v in rows])


STATE = state_table(
    v2x_polyarchy=np.linspace(0.1, 0.8, 8),
    cinc=[0.2, 0.2, 0.2, 0.2, 0.05, 0.1, 0.0, 0.1],
    imports=[1.0, 2.0, 3.0, np.nan, 10.0, 10.0, 10.0, 10.0],
    exports=[1.0, 1.0, 1.0, 1.0, 5.0, 5.0, 5.0, 5.0],
    lat=[0.0] * 4 + [0.0] * 4,
    lng=[0.0] * 4 + [90.0] * 4,
    idealpointfp=[1.0, 1.0, 1.0, 1.0, -1.0, -0.5, 0.0, np.nan],
    sanctioned_by_west=1,
)
DYAD = dyad_table(
    [
        ("AAA-BBB", 2000, {"conttype": 1, "mindist": 0.0, "dyadigos": 30}),
        ("AAA-BBB", 2001, {"conttype": 1, "mindist": 0.0, "dyadigos": 31}),
        ("AAA-BBB", 2002, {"conttype": 1, "mindist": 0.0, "dyadigos": 32}),
    ]
)
ALLIANCE = dyad_table(
    [
        ("AAA-BBB", 2000, {"atop_defense": 1, "atop_any": 1}),
        ("AAA-BBB", 2001, {"atop_defense": 0, "atop_any": 1}),
        ("AAA-ZZZ", 2002, {"atop_defense": 1, "atop_any": 1}),
    ]
)
MIDS = dyad_table(
    [
        ("AAA-CCC", 2001, {"cowmidongoing": 1, "cowmidonset": 1, "hostlev": 4}),
        ("AAA-ZZZ", 2002, {"cowmidongoing": 1, "cowmidonset": 0, "hostlev": 2}),
    ]
)
SANCTIONS = pd.DataFrame({"iso3": ["BBB", "ZZZ"], "year": [2001, 2002], "sanctioned_by_west": 1})

# (verb, covariate table, keys of that table, keyword arguments, new columns)
VERBS = [
    (cv.add_capital_distance, STATE, ["iso3", "year"], {}, ["capital_distance_km"]),
    (cv.add_min_distance, DYAD, ["dyad", "year"], {}, ["mindist_km"]),
    (cv.add_contiguity, DYAD, ["dyad", "year"], {}, ["conttype", "land_contiguity"]),
    (cv.add_alliance, ALLIANCE, ["dyad", "year"], {}, ["atop_defense", "atop_any"]),
    (cv.add_democracy, STATE, ["iso3", "year"], {}, ["v2x_polyarchy_a", "v2x_polyarchy_min"]),
    (cv.add_cinc, STATE, ["iso3", "year"], {}, ["cinc_a", "cinc_b", "cinc_ratio"]),
    (cv.add_trade, STATE, ["iso3", "year"], {}, ["trade_a", "trade_b"]),
    (cv.add_shared_igos, DYAD, ["dyad", "year"], {}, ["shared_igos"]),
    (cv.add_mid, MIDS, ["dyad", "year"], {}, ["mid_ongoing", "mid_onset", "mid_hostlev"]),
    (cv.add_ideal_point_distance, STATE, ["iso3", "year"], {}, ["ideal_point_distance"]),
    (cv.add_sanctions, SANCTIONS, ["iso3", "year"], {}, ["sanctioned_by_west_a"]),
]
VERB_IDS = [v[0].__name__ for v in VERBS]


# ---------------------------------------------------------------------------------------
# Every verb: rows kept, duplicates refused, panel unit checked
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("verb", "table", "keys", "kwargs", "new"), VERBS, ids=VERB_IDS)
def test_verb_keeps_rows_order_and_index(panel, verb, table, keys, kwargs, new):
    shuffled = panel.sample(frac=1.0, random_state=3).set_axis(list("abcdefgh"))
    out = verb(shuffled, table, **kwargs)
    assert len(out) == len(shuffled)
    assert list(out.index) == list("abcdefgh")
    pd.testing.assert_frame_equal(out[shuffled.columns], shuffled)
    assert set(new) <= set(out.columns)


@pytest.mark.parametrize(("verb", "table", "keys", "kwargs", "new"), VERBS, ids=VERB_IDS)
def test_verb_refuses_duplicate_covariate_keys(panel, verb, table, keys, kwargs, new):
    doubled = pd.concat([table, table.iloc[[1]]], ignore_index=True)
    key = tuple(v.item() if isinstance(v, np.generic) else v for v in table.iloc[1][keys])
    with pytest.raises(ValueError, match=r"1 duplicate .*" + re.escape(str(key))):
        verb(panel, doubled, **kwargs)


@pytest.mark.parametrize(("verb", "table", "keys", "kwargs", "new"), VERBS, ids=VERB_IDS)
def test_verb_refuses_duplicate_panel_rows(panel, verb, table, keys, kwargs, new):
    with pytest.raises(ValueError, match="duplicate dyad-years"):
        verb(pd.concat([panel, panel.iloc[:1]]), table, **kwargs)


def test_adding_a_column_twice_is_refused(panel):
    once = cv.add_cinc(panel, STATE)
    with pytest.raises(ValueError, match="already has columns"):
        cv.add_cinc(once, STATE)


# ---------------------------------------------------------------------------------------
# Values: NaN is never turned into 0, except where an event list is complete
# ---------------------------------------------------------------------------------------
def at(frame: pd.DataFrame, dyad: str, year: int, column: str):
    return frame.set_index(["dyad", "year"]).loc[(dyad, year), column]


def test_state_year_covariates_missing_stay_nan(panel):
    out = cv.add_democracy(panel, STATE)
    assert at(out, "AAA-BBB", 2001, "v2x_polyarchy_a") == pytest.approx(0.2)
    assert at(out, "AAA-BBB", 2001, "v2x_polyarchy_b") == pytest.approx(0.6)
    assert at(out, "AAA-BBB", 2001, "v2x_polyarchy_min") == pytest.approx(0.2)
    assert at(out, "AAA-BBB", 2001, "v2x_polyarchy_max") == pytest.approx(0.6)
    # CCC is not in the table: its score, and so the dyad's min and max, are unknown
    assert math.isnan(at(out, "AAA-CCC", 2001, "v2x_polyarchy_b"))
    assert math.isnan(at(out, "AAA-CCC", 2001, "v2x_polyarchy_min"))
    assert math.isnan(at(out, "AAA-CCC", 2001, "v2x_polyarchy_max"))


def test_cinc_ratio_is_stronger_over_weaker(panel):
    out = cv.add_cinc(panel, STATE)
    assert at(out, "AAA-BBB", 2000, "cinc_ratio") == pytest.approx(4.0)
    assert at(out, "AAA-BBB", 2001, "cinc_ratio") == pytest.approx(2.0)
    assert math.isnan(at(out, "AAA-BBB", 2002, "cinc_ratio"))  # weaker state's CINC is 0
    assert math.isnan(at(out, "AAA-CCC", 2000, "cinc_ratio"))


def test_trade_sums_imports_and_exports_and_keeps_missing(panel):
    out = cv.add_trade(panel, STATE)
    assert at(out, "AAA-BBB", 2000, "trade_a") == pytest.approx(2.0)
    assert at(out, "AAA-BBB", 2000, "trade_b") == pytest.approx(15.0)
    assert math.isnan(at(out, "AAA-BBB", 2003, "trade_a"))  # imports missing
    assert math.isnan(at(out, "AAA-CCC", 2000, "trade_b"))


def test_capital_distance_is_great_circle(panel):
    out = cv.add_capital_distance(panel, STATE)
    quarter = math.pi / 2 * cv.EARTH_RADIUS_KM  # (0, 0) to (0, 90)
    assert at(out, "AAA-BBB", 2000, "capital_distance_km") == pytest.approx(quarter)
    assert math.isnan(at(out, "AAA-CCC", 2000, "capital_distance_km"))


def test_carry_forward_only_extends_what_reaches_the_data_end():
    capitals = pd.DataFrame(
        {
            "iso3": ["AAA", "AAA", "BBB", "CCC"],
            "year": [2001, 2002, 2002, 2001],
            "lat": [0.0, 1.0, 0.0, 5.0],
            "lng": [0.0, 0.0, 90.0, 5.0],
        }
    )
    panel = make_panel(years=range(2002, 2005))
    plain = cv.add_capital_distance(panel, capitals)
    assert math.isnan(at(plain, "AAA-BBB", 2004, "capital_distance_km"))
    carried = cv.add_capital_distance(panel, capitals, carry_forward_to=2004)
    assert at(carried, "AAA-BBB", 2004, "capital_distance_km") == pytest.approx(
        at(carried, "AAA-BBB", 2002, "capital_distance_km")
    )
    assert math.isnan(at(carried, "AAA-CCC", 2003, "capital_distance_km"))  # CCC ended 2001


def test_dense_dyad_covariates_missing_stay_nan(panel):
    out = cv.add_shared_igos(cv.add_min_distance(panel, DYAD), DYAD)
    assert at(out, "AAA-BBB", 2002, "shared_igos") == 32
    assert math.isnan(at(out, "AAA-BBB", 2003, "shared_igos"))
    assert math.isnan(at(out, "AAA-CCC", 2000, "mindist_km"))


def test_contiguity_absent_inside_coverage_is_zero_outside_nan(panel):
    out = cv.add_contiguity(panel, DYAD)  # coverage = the table's years, 2000-2002
    assert at(out, "AAA-BBB", 2000, "conttype") == 1
    assert at(out, "AAA-BBB", 2000, "land_contiguity") == 1
    assert at(out, "AAA-CCC", 2001, "conttype") == 0
    assert at(out, "AAA-CCC", 2001, "land_contiguity") == 0
    assert math.isnan(at(out, "AAA-BBB", 2003, "conttype"))
    assert math.isnan(at(out, "AAA-CCC", 2003, "land_contiguity"))
    carried = cv.add_contiguity(panel, DYAD, carry_forward_to=2003)
    assert at(carried, "AAA-BBB", 2003, "conttype") == 1
    assert at(carried, "AAA-CCC", 2003, "conttype") == 0


def test_alliance_and_mid_fill_zero_only_inside_coverage(panel):
    out = cv.add_alliance(panel, ALLIANCE, coverage=(2000, 2002))
    assert at(out, "AAA-BBB", 2000, "atop_defense") == 1
    assert at(out, "AAA-BBB", 2001, "atop_defense") == 0
    assert at(out, "AAA-BBB", 2001, "atop_any") == 1
    assert at(out, "AAA-CCC", 2002, "atop_any") == 0
    assert math.isnan(at(out, "AAA-BBB", 2003, "atop_defense"))
    mids = cv.add_mid(panel, MIDS)  # coverage 2001-2002
    assert at(mids, "AAA-CCC", 2001, "mid_hostlev") == 4
    assert at(mids, "AAA-BBB", 2001, "mid_ongoing") == 0
    assert math.isnan(at(mids, "AAA-BBB", 2000, "mid_ongoing"))
    assert math.isnan(at(mids, "AAA-CCC", 2003, "mid_onset"))


def test_alliance_without_pledge_columns_is_refused(panel):
    with pytest.raises(ValueError, match="neither atop"):
        cv.add_alliance(panel, DYAD)


def test_sanctions_flag_each_state(panel):
    out = cv.add_sanctions(panel, SANCTIONS, coverage=(2000, 2002))
    assert at(out, "AAA-BBB", 2001, "sanctioned_by_west_b") == 1
    assert at(out, "AAA-BBB", 2001, "sanctioned_by_west_a") == 0
    assert at(out, "AAA-CCC", 2000, "sanctioned_by_west_b") == 0
    assert math.isnan(at(out, "AAA-CCC", 2003, "sanctioned_by_west_a"))


def test_ideal_point_distance_is_absolute_difference(panel):
    out = cv.add_ideal_point_distance(panel, STATE)
    assert at(out, "AAA-BBB", 2000, "ideal_point_distance") == pytest.approx(2.0)
    assert at(out, "AAA-BBB", 2001, "ideal_point_distance") == pytest.approx(1.5)
    assert math.isnan(at(out, "AAA-BBB", 2003, "ideal_point_distance"))
    assert math.isnan(at(out, "AAA-CCC", 2000, "ideal_point_distance"))
    table = unga.ideal_point_distance(STATE, panel)
    assert list(table.columns) == ["dyad", "year", "ideal_point_distance"]
    assert len(table) == len(panel)


# ---------------------------------------------------------------------------------------
# Lags
# ---------------------------------------------------------------------------------------
def test_lag_within_dyad_nan_at_first_year_and_after_gap():
    panel = make_panel(years=[2000, 2001, 2002, 2004, 2005])
    panel = panel[~((panel["dyad"] == "AAA-CCC") & (panel["year"] == 2001))]
    panel = panel.assign(x=panel["year"] - 2000 + np.where(panel["dyad"] == "AAA-BBB", 0, 100))
    shuffled = panel.sample(frac=1.0, random_state=1)
    out = cv.add_lag(shuffled, "x")
    assert len(out) == len(shuffled) and list(out.index) == list(shuffled.index)
    lag = out.set_index(["dyad", "year"])["x_lag1"]
    assert math.isnan(lag[("AAA-BBB", 2000)])
    assert lag[("AAA-BBB", 2001)] == 0 and lag[("AAA-BBB", 2002)] == 1
    assert math.isnan(lag[("AAA-BBB", 2004)])  # 2003 is a gap
    assert lag[("AAA-BBB", 2005)] == 4
    assert math.isnan(lag[("AAA-CCC", 2002)])  # 2001 missing for this dyad only
    assert lag[("AAA-CCC", 2001 + 4)] == 104  # never borrows the other dyad's values
    two = cv.add_lag(panel, "x", k=2).set_index(["dyad", "year"])["x_lag2"]
    assert two[("AAA-BBB", 2002)] == 0 and two[("AAA-BBB", 2004)] == 2
    assert math.isnan(two[("AAA-BBB", 2005)]) and math.isnan(two[("AAA-CCC", 2000)])
    assert two[("AAA-CCC", 2002)] == 100  # 2000 is there, the missing 2001 does not matter


def test_lag_keeps_missing_values_missing(panel):
    panel = panel.assign(x=[1.0, np.nan, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
    lag = cv.add_lag(panel, "x").set_index(["dyad", "year"])["x_lag1"]
    assert math.isnan(lag[("AAA-BBB", 2002)]) and lag[("AAA-BBB", 2003)] == 3.0


@pytest.mark.parametrize("k", [0, -1, 1.5, True])
def test_lag_refuses_bad_k(panel, k):
    with pytest.raises(ValueError, match="positive integer"):
        cv.add_lag(panel.assign(x=1.0), "x", k=k)


def test_lag_refuses_unknown_column(panel):
    with pytest.raises(ValueError, match="no column 'x'"):
        cv.add_lag(panel, "x")


# ---------------------------------------------------------------------------------------
# COW -> ISO3 crosswalk and readers on hand-made .rda files
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_crosswalk():
    names = {
        2: "United States of America",
        255: "Germany",
        260: "German Federal Republic",
        300: "Austria-Hungary",
        345: "Yugoslavia",
        365: "Russia",
        710: "China",
        731: "North Korea",
    }
    membership = {c: ((1816, ps.OPEN_END),) for c in names}
    membership[255] = ((1816, 1945), (1990, ps.OPEN_END))
    membership[260] = ((1955, 1990),)
    return ps.CowCrosswalk.from_names(names, membership=membership)


def test_crosswalk_year_rules_and_membership(tiny_crosswalk):
    look = tiny_crosswalk.lookup
    assert look(365, 1900) == ("RUS", None)
    assert look(365, 1950) == ("SUN", None)
    assert look(365, 2000) == ("RUS", None)
    assert look(345, 1910)[0] == "SRB" and look(345, 1990)[0] == "YUG"
    assert look(345, 2010)[0] == "SRB"
    assert look(260, 1970) == ("DEU", None)
    assert look(260, 1950) == (
        None,
        "COW 260 (German Federal Republic) is not a state-system member in 1950",
    )
    assert look(300, 1900) == (None, "COW 300 (Austria-Hungary) has no ISO3 code")
    assert look(999, 2000) == (None, "COW 999 is not in the COW state list")


def test_crosswalk_clash_keeps_the_projects_cow_code(tiny_crosswalk):
    pairs = pd.DataFrame({"ccode": [255, 260, 260], "year": [1990, 1990, 1989]})
    mapped = tiny_crosswalk.map_pairs(pairs).set_index(["ccode", "year"])
    assert mapped.loc[(255, 1990), "iso3"] == "DEU"
    assert mapped.loc[(260, 1989), "iso3"] == "DEU"
    assert mapped.loc[(260, 1990), "iso3"] is None
    assert "kept COW 255" in mapped.loc[(260, 1990), "reason"]


def test_directed_atop_becomes_non_directed(tmp_path, tiny_crosswalk):
    raw = pd.DataFrame(
        {
            "ccode1": [710.0, 731.0, 365.0, 710.0, 300.0, 255.0],
            "ccode2": [731.0, 710.0, 710.0, 365.0, 2.0, 260.0],
            "year": [2000.0, 2000.0, 2000.0, 2000.0, 1900.0, 1990.0],
            "atop_defense": [1.0, 0.0, 0.0, 0.0, 1.0, 1.0],  # asymmetric pledge CHN->PRK
            "atop_offense": 0.0,
            "atop_neutral": 0.0,
            "atop_nonagg": [0.0, 0.0, 1.0, 1.0, 0.0, 0.0],
            "atop_consul": 0.0,
        }
    )
    path = tmp_path / "atop_alliance.rda"
    pyreadr.write_rdata(str(path), raw, df_name="atop_alliance")
    result = ps.read_atop(path, crosswalk=tiny_crosswalk)
    table = result.table.set_index(["dyad", "year"])
    assert list(table.index) == [("CHN-PRK", 2000), ("CHN-RUS", 2000)]
    assert table.loc[("CHN-PRK", 2000), "atop_defense"] == 1  # either direction counts
    assert table.loc[("CHN-RUS", 2000), ["atop_defense", "atop_any"]].tolist() == [0, 1]
    assert table.loc[("CHN-RUS", 2000), "ccode_a"] == 710
    assert table.loc[("CHN-RUS", 2000), "state_b"] == "RUS"
    reasons = result.rejected["reason"].tolist()
    assert any("Austria-Hungary" in r for r in reasons)
    assert any("kept COW 255" in r for r in reasons)  # 255 and 260 both DEU in 1990
    assert result.counts == {
        "rows_read": 6,
        "rows_rejected": 2,
        "rows_mapped": 4,
        "rows_out": 2,
    }


def test_contiguity_spells_take_the_closest_type(tmp_path, tiny_crosswalk):
    raw = pd.DataFrame(
        {
            "ccode1": [710.0, 710.0, 731.0],
            "ccode2": [365.0, 365.0, 710.0],
            "conttype": [0.0, 1.0, 1.0],
            "stdate": ["1990-01-01", "1991-06-01", "1991-01-01"],
            "enddate": ["1991-05-01", "1992-12-01", "1991-12-01"],
        }
    )
    path = tmp_path / "cow_contdir.rda"
    pyreadr.write_rdata(str(path), raw, df_name="cow_contdir")
    result = ps.read_contiguity(path, crosswalk=tiny_crosswalk)
    table = result.table.set_index(["dyad", "year"])["conttype"]
    # 365 is the Soviet Union until 1991, Russia from 1992
    assert table.to_dict() == {
        ("CHN-PRK", 1991): 1,
        ("CHN-RUS", 1992): 1,
        ("CHN-SUN", 1990): 0,
        ("CHN-SUN", 1991): 1,
    }
    assert result.counts["rows_rejected"] == 0


# ---------------------------------------------------------------------------------------
# GSDB parsing rules on a hand-made file
# ---------------------------------------------------------------------------------------
def test_gsdb_splits_world_bank_names():
    cell = "Korea, North, United States, Egypt, Arab Rep., Gambia, The, EU"
    assert gsdb.split_names(cell) == [
        "Korea, North",
        "United States",
        "Egypt, Arab Rep.",
        "Gambia, The",
        "EU",
    ]
    assert [gsdb.name_to_iso3(n) for n in gsdb.split_names(cell)] == [
        "PRK",
        "USA",
        "EGY",
        "GMB",
        None,
    ]


def test_gsdb_western_senders():
    assert gsdb.is_western("United States", 1950)
    assert gsdb.is_western("EU", 2012) and gsdb.is_western("CoCom", 1950)
    assert not gsdb.is_western("UN", 2012) and not gsdb.is_western("G8", 1998)
    assert not gsdb.is_western("Russia", 2012)
    assert not gsdb.is_western("Poland", 1981) and gsdb.is_western("Poland", 2004)


def test_gsdb_state_years(tmp_path):
    header = (
        "case_id,sanctioned_state,sanctioning_state,begin,end,trade,descr_trade,arms,"
        "military,financial,travel,other,target_mult,sender_mult,objective,success\n"
    )
    rows = [
        '1,Iran,"Saudi Arabia, United Kingdom",2010,2011,0,,1,0,0,0,0,0,1,other,failed',
        "2,Iran,UN,2011,2012,0,,1,0,0,0,0,0,0,other,failed",
        '3,"Korea, North, Comecon",Russia,2010,2010,0,,1,0,0,0,0,1,0,other,failed',
        "4,Cyprus (Northern),Cyprus,2010,2010,0,,0,0,0,0,1,0,0,other,failed",
    ]
    path = tmp_path / "gsdb.csv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    result = gsdb.ingest(path)
    table = result.table.set_index(["iso3", "year"])
    assert table.loc[("IRN", 2010), "sanctioned_by_west"] == 1
    assert table.loc[("IRN", 2011), ["n_cases", "n_cases_west"]].tolist() == [2, 1]
    assert table.loc[("IRN", 2012), "sanctioned_by_west"] == 0  # UN is not "the West"
    assert table.loc[("PRK", 2010), "sanctioned_by_west"] == 0
    assert sorted(result.rejected["source_record"].str.extract(r"'(.*)'")[0]) == [
        "Comecon",
        "Cyprus (Northern)",
    ]
    assert result.counts["cases_read"] == 4 and result.counts["cases_mapped"] == 3


def test_ideal_point_distance_refuses_duplicates(panel):
    doubled = pd.concat([STATE, STATE.iloc[[0]]])
    with pytest.raises(ValueError, match=r"duplicate \(iso3, year\) keys, e.g. \('AAA', 2000\)"):
        unga.ideal_point_distance(doubled, panel)


# ---------------------------------------------------------------------------------------
# Golden tests on the real files (each read once per module)
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ps_dir():
    return shared_file("peacesciencer/cow_states.rda").parent


@pytest.fixture(scope="module")
def ps_tables(ps_dir):
    """Lazily read peacesciencer tables, once each."""
    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = ps.ingest(shared_file(f"peacesciencer/{name}.rda"))
        return cache[name]

    return get


@pytest.fixture(scope="module")
def ideal_points():
    return unga.ingest(shared_file("unga_ideal_points/IdealpointsJuly2025.dta"))


@pytest.fixture(scope="module")
def sanctions():
    return gsdb.ingest(shared_file("gsdb_sanctions/GSDB_V3.csv"))


def pilot_panel(years) -> pd.DataFrame:
    dyads = ["CHN-IRN", "CHN-PRK", "CHN-RUS", "CHN-USA", "IRN-RUS", "PRK-RUS", "RUS-USA"]
    return make_panel(dyads, years)


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(ps.READERS))
def test_real_tables_account_for_every_row(ps_tables, name):
    result = ps_tables(name)
    counts = result.counts
    assert counts["rows_read"] == counts["rows_mapped"] + counts["rows_rejected"] > 0
    assert list(result.rejected.columns) == ["source_record", "reason"]
    assert result.rejected["reason"].notna().all()
    keys = ["dyad", "year"] if "dyad" in result.table.columns else ["iso3", "year"]
    assert not result.table.duplicated(keys).any()


@pytest.mark.shared
def test_real_states_and_rejections(ps_tables):
    states = ps_tables("cow_states")
    table = states.table.set_index(["iso3", "year"])
    assert table.loc[("PRK", 2016), "ccode"] == 731
    assert table.loc[("SUN", 1980), "ccode"] == 365 and ("RUS", 1980) not in table.index
    assert table.loc[("DEU", 1970), "ccode"] == 260 and table.loc[("DEU", 1990), "ccode"] == 255
    reasons = set(states.rejected["reason"])
    assert "COW 260 and COW 255 both map to DEU in 1990; kept COW 255" in reasons
    assert "COW 300 (Austria-Hungary) has no ISO3 code" in reasons
    assert states.counts["rows_read"] == 15951


@pytest.mark.shared
def test_real_contiguity(ps_tables):
    contiguity = ps_tables("cow_contdir").table
    out = cv.add_contiguity(pilot_panel([1985, 2010, 2016, 2017]), contiguity)
    assert at(out, "CHN-RUS", 2010, "conttype") == 1  # land border
    assert at(out, "CHN-PRK", 2010, "land_contiguity") == 1
    assert at(out, "PRK-RUS", 2016, "conttype") == 1
    assert at(out, "RUS-USA", 2010, "conttype") == 2  # Bering Strait, under 12 miles
    assert at(out, "CHN-IRN", 2010, "conttype") == 0  # never contiguous: not listed
    assert at(out, "IRN-RUS", 2010, "conttype") == 0  # border lost in 1992
    assert math.isnan(at(out, "CHN-RUS", 2017, "conttype"))  # data end in 2016
    soviet = contiguity.set_index(["dyad", "year"])
    assert soviet.loc[("IRN-SUN", 1985), "conttype"] == 1


@pytest.mark.shared
def test_real_capital_distance(ps_tables):
    capitals = ps_tables("cow_capitals").table
    by_state = capitals.set_index(["iso3", "year"])
    assert by_state.loc[("RUS", 1900), "capital"] == "Saint Petersburg"
    assert by_state.loc[("SUN", 1950), "capital"] == "Moscow"
    out = cv.add_capital_distance(pilot_panel([2015, 2025]), capitals)
    assert 5600 < at(out, "CHN-RUS", 2015, "capital_distance_km") < 5900  # Beijing-Moscow
    assert 700 < at(out, "CHN-PRK", 2015, "capital_distance_km") < 900  # Beijing-Pyongyang
    assert math.isnan(at(out, "CHN-RUS", 2025, "capital_distance_km"))  # data end 2024
    carried = cv.add_capital_distance(pilot_panel([2025]), capitals, carry_forward_to=2025)
    assert 5600 < at(carried, "CHN-RUS", 2025, "capital_distance_km") < 5900


@pytest.mark.shared
def test_real_min_distance_and_igos(ps_tables):
    panel = pilot_panel([2014, 2019])
    out = cv.add_min_distance(panel, ps_tables("cow_mindist").table)
    out = cv.add_shared_igos(out, ps_tables("cow_igo_ndy").table)
    assert at(out, "CHN-RUS", 2019, "mindist_km") == 0
    assert at(out, "CHN-IRN", 2019, "mindist_km") > 0
    assert at(out, "CHN-RUS", 2014, "shared_igos") == 55
    assert math.isnan(at(out, "CHN-RUS", 2019, "shared_igos"))  # IGO data end in 2014


@pytest.mark.shared
def test_real_cinc(ps_tables):
    nmc = ps_tables("cow_nmc").table
    out = cv.add_cinc(pilot_panel([2010, 2016]), nmc)
    assert at(out, "CHN-RUS", 2010, "cinc_b") == pytest.approx(0.039084, abs=1e-6)
    assert at(out, "CHN-RUS", 2016, "cinc_a") == pytest.approx(0.230825, abs=1e-6)
    assert at(out, "CHN-RUS", 2010, "cinc_ratio") == pytest.approx(0.209224 / 0.039084, rel=1e-4)
    assert "COW 300 (Austria-Hungary) has no ISO3 code" in set(
        ps_tables("cow_nmc").rejected["reason"]
    )


@pytest.mark.shared
def test_real_democracy(ps_tables):
    democracy = ps_tables("ccode_democracy").table
    out = cv.add_democracy(pilot_panel([2015, 2021]), democracy, measure="polity2")
    assert at(out, "CHN-PRK", 2015, "polity2_a") == -7
    assert at(out, "CHN-PRK", 2015, "polity2_min") == -10
    assert math.isnan(at(out, "CHN-PRK", 2021, "polity2_a"))  # data end in 2020
    vdem = cv.add_democracy(pilot_panel([2015]), democracy)
    assert at(vdem, "CHN-RUS", 2015, "v2x_polyarchy_a") == pytest.approx(0.084)
    assert at(vdem, "CHN-RUS", 2015, "v2x_polyarchy_max") == pytest.approx(0.267)


@pytest.mark.shared
def test_real_alliances(ps_tables):
    out = cv.add_alliance(pilot_panel([2010, 2018, 2019]), ps_tables("atop_alliance").table)
    assert at(out, "CHN-PRK", 2018, "atop_defense") == 1  # 1961 treaty
    assert at(out, "CHN-RUS", 2018, "atop_defense") == 0
    assert at(out, "CHN-RUS", 2018, "atop_any") == 1  # non-aggression, consultation
    assert at(out, "CHN-IRN", 2010, "atop_any") == 0  # not listed: no alliance
    assert math.isnan(at(out, "CHN-PRK", 2019, "atop_defense"))  # ATOP ends in 2018
    cow = cv.add_alliance(pilot_panel([2012, 2013]), ps_tables("cow_alliance").table)
    assert at(cow, "CHN-PRK", 2012, "cow_defense") == 1
    assert math.isnan(at(cow, "CHN-PRK", 2013, "cow_defense"))


@pytest.mark.shared
def test_real_trade_and_mids(ps_tables):
    out = cv.add_trade(pilot_panel([2014, 2015]), ps_tables("cow_trade_sy").table)
    assert at(out, "CHN-RUS", 2014, "trade_a") == pytest.approx(2519304 + 2818427, rel=1e-5)
    assert math.isnan(at(out, "CHN-RUS", 2015, "trade_a"))
    mids = cv.add_mid(pilot_panel([2011, 2012, 2015]), ps_tables("cow_mid_ddydisps").table)
    assert at(mids, "CHN-RUS", 2012, "mid_ongoing") == 1
    assert at(mids, "CHN-RUS", 2011, "mid_ongoing") == 0
    assert math.isnan(at(mids, "CHN-RUS", 2015, "mid_ongoing"))  # MID 5 ends in 2014


@pytest.mark.shared
def test_real_ideal_point_distance(ideal_points):
    out = cv.add_ideal_point_distance(pilot_panel([2015, 2024]), ideal_points.table)
    chn_rus = at(out, "CHN-RUS", 2015, "ideal_point_distance")
    chn_usa = at(out, "CHN-USA", 2015, "ideal_point_distance")
    assert 0 < chn_rus < chn_usa
    assert not math.isnan(at(out, "CHN-RUS", 2024, "ideal_point_distance"))  # fp has 2024
    table = ideal_points.table.set_index(["iso3", "year"])
    assert table.loc[("SUN", 1980), "ccode"] == 365 and ("RUS", 1980) not in table.index
    assert ideal_points.counts["rows_read"] == 11440
    assert ideal_points.counts["rows_rejected"] == len(ideal_points.rejected) == 2


@pytest.mark.shared
def test_real_sanctions(sanctions):
    table = sanctions.table.set_index(["iso3", "year"])
    assert table.loc[("IRN", 2012), "sanctioned_by_west"] == 1
    assert table.loc[("PRK", 2015), "sanctioned_by_west"] == 1
    out = cv.add_sanctions(pilot_panel([2012, 2024]), sanctions.table)
    assert at(out, "IRN-RUS", 2012, "sanctioned_by_west_a") == 1
    assert math.isnan(at(out, "IRN-RUS", 2024, "sanctioned_by_west_a"))  # V3 ends in 2022
    rejected = set(sanctions.rejected["source_record"].str.extract(r"'(.*)'")[0])
    assert {"Comecon", "Cyprus (Northern)", "EU"} <= rejected
    assert sanctions.counts["cases_read"] == 1325


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(ps.CITATIONS))
def test_citations_match_the_rd_docs(ps_dir, name):
    entry = ps.CITATIONS[name]
    rd = (ps_dir / "man" / entry["rd"]).read_text(encoding="utf-8")
    assert name in rd
    if "\\references" in rd and entry["rd"] != "data-deprecated.Rd":
        for reference in entry["references"]:
            surname = reference.split(",")[0].split()[-1]
            assert surname in rd, f"{surname} not among {entry['rd']} references"
    assert ps.PACKAGE_CITATION in ps.citations_for([name])


def _shared_rivals_by_hand(disputes: list[tuple[str, str, int]], a: str, b: str, year: int,
                           window: int) -> int:  # fmt: skip
    """The definition, state by state: third states both a and b disputed with in
    [year - window + 1, year]."""

    def rivals(state: str) -> set[str]:
        return {
            (y if x == state else x)
            for x, y, t in disputes
            if state in (x, y) and year - window < t <= year
        }

    return len((rivals(a) & rivals(b)) - {a, b})


def test_shared_rivals_equal_the_definition_by_hand():
    disputes = [
        ("AAA", "CCC", 2000), ("BBB", "CCC", 2004), ("AAA", "DDD", 2001),
        ("BBB", "DDD", 2012), ("AAA", "BBB", 2003), ("CCC", "EEE", 2005),
        ("DDD", "EEE", 2006), ("AAA", "EEE", 2008),
    ]  # fmt: skip
    mids = pd.DataFrame(disputes, columns=["state_a", "state_b", "year"])
    mids.insert(0, "dyad", mids["state_a"] + "-" + mids["state_b"])
    for col in ("cowmidongoing", "cowmidonset", "hostlev"):
        mids[col] = 1
    states = ["AAA", "BBB", "CCC", "DDD", "EEE"]
    dyads = [f"{a}-{b}" for i, a in enumerate(states) for b in states[i + 1 :]]
    panel = make_panel(dyads=dyads, years=range(2000, 2016))
    for window in (1, 5, 10):
        out = cv.add_shared_rivals(panel, mids, window=window, coverage=(2000, 2014))
        for row in out.itertuples():
            expected = (
                _shared_rivals_by_hand(disputes, row.state_a, row.state_b, row.year, window)
                if row.year <= 2014
                else np.nan
            )
            got = row.shared_rivals
            assert (np.isnan(got) and np.isnan(expected)) or got == expected, (row, window)
    # AAA and BBB: both disputed CCC (2000, 2004) within ten years of 2004
    ten = cv.add_shared_rivals(panel, mids, coverage=(2000, 2014))
    assert ten.loc[(ten["dyad"] == "AAA-BBB") & (ten["year"] == 2004), "shared_rivals"].item() == 1
    with pytest.raises(ValueError, match="at least one year"):
        cv.shared_rival_counts(mids, window=0)


@pytest.mark.shared
def test_shared_rivals_on_the_real_mid_file(ps_tables):
    """Real MID dispute dyad-years through the verb the model panel uses: every
    count equals the definition applied state by state."""
    mids = ps_tables("cow_mid_ddydisps").table
    panel = make_panel(dyads=("CHN-IND", "IND-PAK", "PRK-USA", "CHN-RUS"), years=[1999, 2010])
    out = cv.add_disputes(panel, mids)
    assert {"mid_ongoing", "shared_rivals"} <= set(out.columns)
    disputes = list(zip(mids["state_a"], mids["state_b"], mids["year"].astype(int), strict=True))
    for row in out.itertuples():
        assert row.shared_rivals == _shared_rivals_by_hand(
            disputes, row.state_a, row.state_b, row.year, 10
        ), row
    assert out["shared_rivals"].max() > 0
