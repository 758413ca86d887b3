"""The two-way FE model against an independent implementation (OLS with dummies)."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from tiesmap.covariates import add_comembership, add_war_partner, check_dyad_year_unit
from tiesmap.models import fit_twoway_fe


@pytest.fixture
def panel():
    rng = np.random.default_rng(7)
    dyads = ["A-B", "A-C", "B-C", "A-D", "B-D", "C-D"]
    frame = pd.MultiIndex.from_product([dyads, range(2005, 2020)], names=["dyad", "year"])
    frame = frame.to_frame(index=False)
    frame[["state_a", "state_b"]] = frame["dyad"].str.split("-", expand=True)
    frame["x1"] = rng.normal(size=len(frame))
    frame["x2"] = (rng.random(len(frame)) > 0.5).astype(float)
    effect = frame["dyad"].map(dict(zip(dyads, rng.normal(size=6), strict=True)))
    frame["y"] = 0.5 * frame["x1"] - 0.3 * frame["x2"] + effect + 0.1 * (frame["year"] - 2005)
    frame["y"] += rng.normal(scale=0.2, size=len(frame))
    return frame


def test_coefficients_equal_ols_with_dummies(panel):
    ours = fit_twoway_fe(panel, "y", ["x1", "x2"])
    ols = smf.ols("y ~ x1 + x2 + C(dyad) + C(year)", data=panel).fit()
    for name in ("x1", "x2"):
        assert ours["params"][name] == pytest.approx(ols.params[name], abs=1e-8)
    assert ours["nobs"] == len(panel) and ours["n_dyads"] == 6 and ours["n_years"] == 15


def test_regressor_absorbed_by_dyad_effects_is_reported(panel):
    panel = panel.assign(constant_in_dyad=(panel["state_a"] == "A").astype(float))
    result = fit_twoway_fe(panel, "y", ["x1", "constant_in_dyad"])
    assert result["dropped_absorbed"] == ["constant_in_dyad"]
    assert "constant_in_dyad" not in result["params"]


def test_covariate_verbs(panel):
    wars = [{"name": "w", "state": "B", "start": "2012-02-24", "end": None}]
    out = add_war_partner(panel, wars).set_index(["dyad", "year"])
    assert out.loc[("A-B", 2011), "war_partner"] == 0
    assert out.loc[("A-B", 2012), "war_partner"] == 1
    assert out.loc[("A-C", 2015), "war_partner"] == 0
    out = add_comembership(panel, {"SCO": {"A": 2001, "C": 2010}}, "SCO", "sco").set_index(
        ["dyad", "year"]
    )
    assert out.loc[("A-C", 2009), "sco"] == 0 and out.loc[("A-C", 2010), "sco"] == 1
    assert out.loc[("A-B", 2015), "sco"] == 0


def test_verbs_refuse_duplicate_dyad_years(panel):
    doubled = pd.concat([panel, panel.iloc[:1]])
    with pytest.raises(ValueError, match="1 duplicate dyad-years"):
        check_dyad_year_unit(doubled)
    with pytest.raises(ValueError, match="duplicate"):
        add_war_partner(doubled, [])
