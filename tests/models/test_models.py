"""Models of tie variation: the two-way FE model against OLS with dummies, and
fit_model's estimators, inference options and diagnostics (issue 7)."""

import json
from dataclasses import replace
from itertools import combinations

import numpy as np
import pandas as pd
import pyfixest as pf
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from tests.oracles import fit_twoway_fe, fit_twoway_fe_dyad_robust
from tiesmap.core.formulas import parse_formula
from tiesmap.index.covariates import add_comembership, add_war_partner, check_dyad_year_unit
from tiesmap.models.inference import (
    randomisation_inference,
    wild_cluster_bootstrap,
)
from tiesmap.models.models import (
    INFERENCE,
    KINDS,
    ModelSpec,
    area_models,
    covariate_missingness,
    fit_model,
    leave_one_out,
    specs_from_config,
    split_periods,
)


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


# =========================================================================== fit_model
# Issue 7: model specifications, estimators, inference options and diagnostics.
# tests/models/test_inference.py already checks the two-way FE point estimates of
# linearmodels, pyfixest and statsmodels against each other and the variance
# functions (cluster_vcov = pyfixest CRV1, two-way = linearmodels, dyad-robust =
# brute force); the tests below check that fit_model wires them up correctly.

SIM_STATES = list("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def dyadic_panel(seed: int, n_states: int = 8, years=range(2000, 2010)) -> pd.DataFrame:
    """All dyads of n_states over the years. Regressor x1 and every outcome share
    state-year shocks (dyadic dependence), plus dyad effects. Outcomes, all rising
    in x1: linear `y`, Poisson `count` (overdispersed by the shocks), `nb_count` (more so)
    and 0/1 `tie` (logit); `count_iid` is Poisson given x and the effects."""
    rng = np.random.default_rng(seed)
    years = list(years)
    pairs = list(combinations(SIM_STATES[:n_states], 2))
    frame = pd.DataFrame(
        [(a, b, t) for a, b in pairs for t in years], columns=["state_a", "state_b", "year"]
    )
    frame["dyad"] = frame["state_a"] + "-" + frame["state_b"]
    effect = frame["dyad"].map(
        dict(zip(frame["dyad"].unique(), rng.normal(size=len(pairs)), strict=True))
    )
    a, b, t = (frame[c].to_numpy() for c in ("state_a", "state_b", "year"))

    def state_year(scale):
        shock = {(s, y): rng.normal(scale=scale) for s in SIM_STATES for y in years}
        return np.array([shock[(i, y)] + shock[(j, y)] for i, j, y in zip(a, b, t, strict=True)])

    frame["x1"] = rng.normal(size=len(frame)) + 0.5 * effect + state_year(1.0)
    frame["x2"] = (state_year(1.0) + rng.normal(size=len(frame)) > 0).astype(float)
    common = state_year(0.8)
    trend = 0.05 * (frame["year"] - years[0])
    frame["y"] = 0.5 * frame["x1"] - 0.3 * frame["x2"] + effect + trend + common
    frame["y"] += rng.normal(size=len(frame))
    mu = np.exp(0.4 * frame["x1"] - 0.3 * frame["x2"] + 0.5 * effect + trend + common)
    frame["count"] = rng.poisson(mu)
    frame["nb_count"] = rng.poisson(mu * rng.gamma(shape=2.0, scale=0.5, size=len(frame)))
    frame["count_iid"] = rng.poisson(mu / np.exp(common))  # no unobserved heterogeneity
    latent = 1.5 * frame["x1"] + effect + common + rng.logistic(size=len(frame))
    frame["tie"] = (latent > 0.5).astype(float)
    return frame.sort_values(["dyad", "year"], ignore_index=True)


@pytest.fixture(scope="module")
def sim():
    """28 dyads x 6 years. With 8 states the two-way and dyad-robust variance
    estimates are noisy and, for some draws, negative for some coefficient (see
    tiesmap.models.inference); this seed gives positive ones for every kind, so that
    test_every_inference_option_gives_finite_ses can check all 18 combinations.
    A negative estimate is tested on its own below."""
    return dyadic_panel(25, n_states=8, years=range(2000, 2006))


def spec(kind, dependent, regressors=("x1", "x2"), **kwargs):
    return ModelSpec(
        name=f"{kind}_{dependent}",
        kind=kind,
        dependent=dependent,
        regressors=tuple(regressors),
        **kwargs,
    )


# --------------------------------------------------------------------------- specifications


def test_parse_formula():
    assert parse_formula("y ~ x1 + x2") == ("y", ("x1", "x2"), None)
    assert parse_formula(" y~x1|dyad + year ") == ("y", ("x1",), ("dyad", "year"))
    assert parse_formula("y ~ x1 | 0").effects == ()
    for bad, message in [
        ("y x1", "exactly one '~'"),
        ("y ~ log(x1)", "column names"),
        ("y ~ x1*x2", "column names"),
        ("y ~ x1 + x1", "repeat"),
        ("y ~ x1 | dyad | year", "more than one"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_formula(bad)


def test_spec_defaults_and_validation():
    assert spec("logit", "tie").effects == ("year",)
    assert spec("ppml", "count").effects == ("dyad", "year")
    assert spec("poisson", "count", effects=["year"]).effects == ("year",)
    assert spec("twoway_fe", "y", effects=("year", "dyad")).effects == ("dyad", "year")
    assert spec("twoway_fe", "y").formula == "y ~ x1 + x2 | dyad + year"
    for kwargs, message in [
        ({"kind": "probit"}, "kind"),
        ({"inference": "hc1"}, "inference"),
        ({"effects": ("state",)}, "effects"),
        ({"regressors": ()}, "at least one"),
        ({"regressors": ("year",)}, "cannot be a model variable"),
        ({"small_sample": ("jackknife",)}, "unknown small-sample"),
        ({"kind": "logit", "dependent": "tie", "small_sample": ("wild_bootstrap",)}, "linear"),
        ({"effects": ("year",), "small_sample": ("randomisation",)}, "dyad and year"),
        ({"n_boot": 0}, "positive"),
        ({"name": "a b"}, "name"),
    ]:
        base = {"name": "m", "kind": "twoway_fe", "dependent": "y", "regressors": ("x1",)}
        with pytest.raises(ValueError, match=message):
            ModelSpec(**{**base, **kwargs})


def test_specs_from_config():
    specs = specs_from_config(
        [
            {
                "name": "fe",
                "kind": "twoway_fe",
                "formula": "tie_index ~ war_partner + sco_comembers",
            },
            {
                "name": "ppml",
                "kind": "ppml",
                "dependent": "n_contacts",
                "regressors": ["war_partner"],
                "effects": ["year"],
                "inference": "dyad_robust",
            },
            {"name": "l", "kind": "logit", "formula": "tie_contacts ~ war_partner | dyad + year"},
        ]
    )
    assert specs[0] == ModelSpec("fe", "twoway_fe", "tie_index", ("war_partner", "sco_comembers"))
    assert specs[1].effects == ("year",) and specs[1].inference == "dyad_robust"
    assert specs[2].effects == ("dyad", "year")
    with pytest.raises(ValueError, match="repeat"):
        specs_from_config([{"name": "a", "kind": "lpm", "formula": "t ~ x"}] * 2)
    with pytest.raises(ValueError, match="unknown keys"):
        specs_from_config([{"name": "a", "kind": "lpm", "formula": "t ~ x", "cluster": "dyad"}])
    with pytest.raises(ValueError, match="disagree"):
        specs_from_config(
            [{"name": "a", "kind": "lpm", "formula": "t ~ x | dyad", "effects": ["year"]}]
        )


# --------------------------------------------------------------------------- cross-implementation


def test_twoway_fe_and_lpm_match_fit_twoway_fe_and_pyfixest(sim):
    """Point estimates: fit_model == fit_twoway_fe (== OLS with dummies, tested above)
    == pyfixest feols; SEs: cluster_dyad == pyfixest CRV1 (k_fixef="none"),
    dyad_robust == tiesmap.models.inference.fit_twoway_fe_dyad_robust."""
    fx = pf.feols(
        "y ~ x1 + x2 | dyad + year",
        data=sim,
        vcov={"CRV1": "dyad"},
        fixef_rm="none",
        ssc=pf.ssc(k_adj=True, k_fixef="none", G_adj=True),
    )
    old = fit_twoway_fe(sim, "y", ["x1", "x2"])
    ours = fit_model(sim, spec("twoway_fe", "y"))
    robust = fit_model(sim, spec("twoway_fe", "y", inference="dyad_robust"))
    reference = fit_twoway_fe_dyad_robust(sim, "y", ["x1", "x2"])
    for i, name in enumerate(("x1", "x2")):
        assert ours["params"][name] == pytest.approx(old["params"][name], abs=1e-10)
        assert ours["params"][name] == pytest.approx(fx.coef()[name], abs=1e-8)
        assert ours["std_errors"][name] == pytest.approx(fx.se()[name], rel=1e-8)
        assert robust["std_errors"][name] == pytest.approx(reference.std_errors[i], rel=1e-8)
    assert ours["df"] == 27 and robust["df"] == 7 and ours["n_clusters"] == 28
    assert ours["r2_within"] == pytest.approx(old["r2_within"], rel=1e-10)
    lpm = fit_model(sim, spec("lpm", "tie"))
    fx_lpm = pf.feols("tie ~ x1 + x2 | dyad + year", data=sim, fixef_rm="none")
    assert lpm["params"]["x1"] == pytest.approx(fx_lpm.coef()["x1"], abs=1e-8)


@pytest.fixture(scope="module")
def sim_counts(sim):
    """The simulated counts with one dyad never active (dropped by separation)."""
    return sim.assign(count=np.where(sim["dyad"] == "A-B", 0, sim["count"]))


@pytest.mark.parametrize("inference", sorted(INFERENCE))
def test_ppml_equals_poisson_glm_with_dummies(sim_counts, inference):
    """pyfixest fepois (absorbed FE, mu-weighted within scores) against statsmodels GLM
    with dyad and year dummies (full score and Hessian): slopes and all three SEs."""
    ppml = fit_model(sim_counts, spec("ppml", "count", inference=inference))
    glm = fit_model(sim_counts, spec("poisson", "count", inference=inference))
    for name in ("x1", "x2"):
        assert ppml["params"][name] == pytest.approx(glm["params"][name], abs=1e-6)
        assert ppml["std_errors"][name] == pytest.approx(glm["std_errors"][name], rel=1e-6)
    assert ppml["dropped_separated"] == {"nobs": 6, "dyads": ["A-B"], "years": []}
    assert ppml["nobs"] == glm["nobs"] == len(sim_counts) - 6


def test_ppml_against_independent_fits(sim_counts):
    """Independent of tiesmap's separation handling: pyfixest's own defaults, and a
    formula GLM on the rows pyfixest keeps; cluster SEs equal pyfixest CRV1."""
    ours = fit_model(sim_counts, spec("ppml", "count"))
    fx = pf.fepois(
        "count ~ x1 + x2 | dyad + year",
        data=sim_counts,
        iwls_tol=1e-12,
        vcov={"CRV1": "dyad"},
        ssc=pf.ssc(k_adj=True, k_fixef="none", G_adj=True),
    )
    kept = sim_counts[sim_counts["dyad"] != "A-B"]
    glm = smf.glm(
        "count ~ x1 + x2 + C(dyad) + C(year)",
        data=kept,
        family=sm.families.Poisson(),
    ).fit(tol=1e-12)
    for name in ("x1", "x2"):
        assert ours["params"][name] == pytest.approx(fx.coef()[name], abs=1e-6)
        assert ours["params"][name] == pytest.approx(glm.params[name], abs=1e-6)
        assert ours["std_errors"][name] == pytest.approx(fx.se()[name], rel=1e-6)


def test_negbin_estimates_overdispersion_and_reduces_to_poisson_without_it(sim):
    nb = fit_model(sim, spec("negbin", "nb_count"))
    assert nb["statistics"]["converged"] and not nb["statistics"]["alpha_at_boundary"]
    assert nb["statistics"]["alpha"] > 0.2
    assert nb["params"]["x1"] == pytest.approx(0.4, abs=0.15)
    # equidispersed counts: alpha at its bound 0, where NB is Poisson
    nb = fit_model(sim, spec("negbin", "count_iid"))
    po = fit_model(sim, spec("poisson", "count_iid"))
    assert nb["statistics"]["alpha_at_boundary"] and nb["statistics"]["alpha"] == 0.0
    assert nb["params"] == po["params"] and nb["std_errors"] == po["std_errors"]


# --------------------------------------------------------------------------- binary outcomes


def test_logit_and_lpm_recover_the_sign(sim):
    logit = fit_model(sim, spec("logit", "tie"))
    lpm = fit_model(sim, spec("lpm", "tie"))
    assert logit["fixed_effects"] == ["year"] and logit["fixed_effects_method"] == "dummies"
    assert logit["dropped_separated"] == {"nobs": 0, "dyads": [], "years": []}
    assert logit["params"]["x1"] == pytest.approx(1.5, abs=0.5)
    assert logit["pvalues"]["x1"] < 0.01 and lpm["pvalues"]["x1"] < 0.01
    assert lpm["params"]["x1"] > 0
    assert logit["statistics"]["converged"]


def test_dyad_fe_logit_drops_dyads_without_change(sim):
    panel = sim.assign(tie=np.where(sim["dyad"].isin(["A-B", "C-D"]), 0.0, sim["tie"]))
    panel.loc[panel["dyad"] == "E-F", "tie"] = 1.0
    result = fit_model(panel, spec("logit", "tie", effects=("dyad", "year")))
    constant = panel.groupby("dyad")["tie"].nunique().loc[lambda s: s == 1].index.tolist()
    assert {"A-B", "C-D", "E-F"} <= set(constant)
    assert result["dropped_separated"]["dyads"] == sorted(constant)
    assert result["n_dyads"] == 28 - len(constant)
    assert any("without outcome variation" in n for n in result["notes"])
    assert result["params"]["x1"] > 0


def test_binary_and_count_kinds_check_the_dependent(sim):
    with pytest.raises(ValueError, match="0/1"):
        fit_model(sim, spec("logit", "y"))
    with pytest.raises(ValueError, match="non-negative"):
        fit_model(sim, spec("ppml", "y"))


# --------------------------------------------------------------------------- inference


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("inference", sorted(INFERENCE))
def test_every_inference_option_gives_finite_ses(sim, kind, inference):
    dependent = {"twoway_fe": "y", "lpm": "tie", "logit": "tie"}.get(kind, "count")
    result = fit_model(sim, spec(kind, dependent, inference=inference))
    assert result["inference"] == inference
    for name in ("x1", "x2"):
        se = result["std_errors"][name]
        assert se is not None and np.isfinite(se) and se > 0
        assert 0 <= result["pvalues"][name] <= 1
        low, high = result["conf_int"][name]
        assert low < result["params"][name] < high
    json.dumps(result, allow_nan=False)


def test_negative_variance_estimate_is_clipped_and_said_so():
    """A dyad-robust variance that is not PSD has its negative eigenvalues set to zero
    (Cameron, Gelbach and Miller 2011): the clipped matrix exceeds the raw one in the
    PSD order, so no variance shrinks, and the note says it was clipped."""
    panel = dyadic_panel(1, n_states=8, years=range(2000, 2006))
    result = fit_model(panel, spec("twoway_fe", "y", inference="dyad_robust"))
    assert result["vcov_min_eigenvalue"] == pytest.approx(-0.00152, rel=1e-2)
    assert all(se is not None and se > 0 for se in result["std_errors"].values())
    assert any("Cameron, Gelbach and Miller 2011" in note for note in result["notes"])
    json.dumps(result, allow_nan=False)


def test_small_sample_add_ons_are_seeded_and_wired(sim):
    s = spec(
        "twoway_fe", "y", small_sample=("wild_bootstrap", "randomisation"), n_boot=199, n_perm=99
    )
    first = fit_model(sim, s, seed=5)
    again = fit_model(sim, s, seed=5)
    other = fit_model(sim, s, seed=6)
    assert first["small_sample"] == again["small_sample"]
    assert first["small_sample"] != other["small_sample"]
    boot, perm = first["small_sample"]["wild_bootstrap"], first["small_sample"]["randomisation"]
    assert boot["regressor"] == perm["regressor"] == "x1"
    assert boot["weights"] == "rademacher" and boot["n_clusters"] == 28 and boot["n_boot"] == 199
    assert perm["statistic"] == pytest.approx(first["params"]["x1"], rel=1e-10)
    # the same numbers from tiesmap.models.inference called directly with the documented seeds
    fit = fit_twoway_fe_dyad_robust(sim, "y", ["x1", "x2"])
    boot_seed, perm_seed = np.random.SeedSequence(5).spawn(2)
    direct = wild_cluster_bootstrap(
        fit.x_within,
        fit.y_within,
        0,
        sim.state_a,
        sim.state_b,
        n_boot=199,
        seed=np.random.default_rng(boot_seed),
    )
    assert boot["p_value"] == pytest.approx(direct.p_value)
    assert boot["ci"] == pytest.approx(list(direct.ci), rel=1e-8)
    direct = randomisation_inference(
        sim.y,
        sim[["x1", "x2"]],
        0,
        sim.dyad,
        sim.year,
        sim.state_a,
        sim.state_b,
        n_perm=99,
        seed=np.random.default_rng(perm_seed),
    )
    assert perm["p_value"] == direct.p_value
    with pytest.raises(ValueError, match="seed"):
        fit_model(sim, s)


def test_small_sample_with_few_dyads_uses_webb_weights_and_reports_skips(panel):
    s = ModelSpec("m", "twoway_fe", "y", ("x1", "x2"), small_sample=("wild_bootstrap",), n_boot=99)
    result = fit_model(panel, s, seed=1)
    assert result["small_sample"]["wild_bootstrap"]["weights"] == "webb"
    absorbed = panel.assign(fixed=(panel["state_a"] == "A").astype(float))
    s = replace(s, regressors=("fixed", "x1"))
    out = fit_model(absorbed, s, seed=1)["small_sample"]["wild_bootstrap"]
    assert out == {"regressor": "fixed", "skipped": "fixed is not estimated"}


def test_missing_rows_are_dropped_and_counted(sim):
    panel = sim.copy()
    panel.loc[[0, 5, 17], "x1"] = np.nan
    panel.loc[[5, 40], "y"] = np.nan
    result = fit_model(panel, spec("twoway_fe", "y"))
    assert result["dropped_missing"] == 4 and result["nobs"] == len(sim) - 4


@pytest.mark.parametrize("kind", ["twoway_fe", "ppml"])
@pytest.mark.parametrize("inference", sorted(INFERENCE))
def test_a_sorted_panel_fits_as_the_same_panel_shuffled(sim, kind, inference):
    """A panel sorted by (dyad, year) takes the coding shortcut (no string
    hashing); shuffled, every label is coded. The fits must be the same numbers,
    also with missing rows, one dyad missing altogether (gaps in its codes), and
    one dyad label whose states are written in both orders."""
    panel = sim.copy()
    panel.loc[[0, 5, 17], "x1"] = np.nan
    panel.loc[panel["dyad"] == panel["dyad"].iloc[30], "y"] = np.nan
    swapped = panel["dyad"] == panel["dyad"].iloc[60]
    panel.loc[swapped & (panel["year"] == 2003), ["state_a", "state_b"]] = panel.loc[
        swapped & (panel["year"] == 2003), ["state_b", "state_a"]
    ].to_numpy()
    dependent = "y" if kind == "twoway_fe" else "count"
    model = spec(kind, dependent, inference=inference)
    for variant in (panel, panel[~swapped]):  # states constant in every dyad, and not
        shuffled = variant.sample(frac=1.0, random_state=4).set_axis(range(1, len(variant) + 1))
        got, want = fit_model(variant, model), fit_model(shuffled, model)
        assert got["nobs"] == want["nobs"] == len(variant.dropna(subset=[dependent, "x1"]))
        assert (
            got["n_dyads"]
            == want["n_dyads"]
            == variant.loc[variant[dependent].notna(), "dyad"].nunique()
        )
        np.testing.assert_allclose(
            [got["params"][r] for r in ("x1", "x2")],
            [want["params"][r] for r in ("x1", "x2")],
            rtol=1e-10,
        )
        np.testing.assert_allclose(
            [got["std_errors"][r] for r in ("x1", "x2")],
            [want["std_errors"][r] for r in ("x1", "x2")],
            rtol=1e-10,
        )
        assert got["n_states"] == want["n_states"] == 8


def test_everything_absorbed_raises(sim):
    panel = sim.assign(fixed=(sim["state_a"] == "A").astype(float))
    with pytest.raises(ValueError, match="every regressor is absorbed"):
        fit_model(panel, spec("twoway_fe", "y", regressors=("fixed",)))
    result = fit_model(panel, spec("ppml", "count", regressors=("fixed", "x1")))
    assert result["dropped_absorbed"] == ["fixed"] and list(result["params"]) == ["x1"]
    both = panel.assign(x3=2 * panel["x1"])
    result = fit_model(both, spec("twoway_fe", "y", regressors=("x1", "x3")))
    assert result["dropped_collinear"] == ["x3"]


# --------------------------------------------------------------------------- per area


def test_area_models_skip_with_reasons(sim):
    panel = sim.assign(
        score_contacts=sim["y"] - sim["y"].min(),
        score_regime_security=np.nan,
        uncollected_regime_security=True,
        score_war_preparation=0.0,
        uncollected_war_preparation=False,
        score_missions_outside_war=(sim["state_a"] == "A").astype(float),
    )
    out = area_models(
        panel,
        ["x1", "x2"],
        areas=[
            "contacts",
            "regime_security",
            "war_preparation",
            "missions_outside_war",
            "wartime_support",
        ],
    )
    assert [m["area"] for m in out["models"]] == ["contacts", "missions_outside_war"]
    assert out["models"][0]["params"]["x1"] == pytest.approx(
        fit_model(panel, spec("twoway_fe", "score_contacts"))["params"]["x1"]
    )
    reasons = {s["area"]: s["reason"] for s in out["skipped"]}
    assert reasons == {
        "regime_security": "not collected",
        "war_preparation": "no variation: every observed value is 0",
        "wartime_support": "no column score_wartime_support in the panel",
    }
    ties = area_models(
        panel.assign(tie_contacts=panel["tie"]),
        ["x1"],
        kind="logit",
        outcome="tie",
        areas=["contacts"],
    )
    assert ties["models"][0]["dependent"] == "tie_contacts" and ties["models"][0]["kind"] == "logit"


# --------------------------------------------------------------------------- diagnostics


def test_leave_one_dyad_out(panel):
    s = ModelSpec("m", "twoway_fe", "y", ("x1", "x2"))
    out = leave_one_out(panel, s)
    assert [r["dyad"] for r in out["rows"]] == sorted(panel["dyad"].unique())
    row = next(r for r in out["rows"] if r["dyad"] == "B-C")
    by_hand = smf.ols("y ~ x1 + x2 + C(dyad) + C(year)", data=panel[panel["dyad"] != "B-C"]).fit()
    for name in ("x1", "x2"):
        assert row["params"][name] == pytest.approx(by_hand.params[name], abs=1e-8)
        values = [r["params"][name] for r in out["rows"]]
        assert out["range"][name]["min"] == min(values) and out["range"][name]["max"] == max(values)
    assert row["nobs"] == len(panel) - 15
    assert out["full"]["params"] == fit_model(panel, s)["params"]


def test_leave_one_dyad_out_records_failed_refits(panel):
    # x3 varies only in dyad A-B: without that dyad it is 0 everywhere, nothing is left
    panel = panel.assign(x3=np.where(panel["dyad"] == "A-B", panel["x2"], 0.0))
    out = leave_one_out(panel, ModelSpec("m", "twoway_fe", "y", ("x3",)))
    row = next(r for r in out["rows"] if r["dyad"] == "A-B")
    assert "every regressor is absorbed" in row["skipped"]
    assert len(out["rows"]) == 6


def test_leave_one_state_out_matches_refits_without_the_state(panel):
    s = ModelSpec("m", "twoway_fe", "y", ("x1", "x2"))
    out = leave_one_out(panel, s, by="state")
    states = sorted(set(panel["state_a"]) | set(panel["state_b"]))
    assert [r["state"] for r in out["rows"]] == states
    without = panel[(panel["state_a"] != "A") & (panel["state_b"] != "A")]
    row = next(r for r in out["rows"] if r["state"] == "A")
    by_hand = smf.ols("y ~ x1 + x2 + C(dyad) + C(year)", data=without).fit()
    for name in ("x1", "x2"):
        assert row["params"][name] == pytest.approx(by_hand.params[name], abs=1e-8)
    assert row["nobs"] == len(without)
    assert out["range"]["x1"]["min"] == min(r["params"]["x1"] for r in out["rows"] if "params" in r)
    with pytest.raises(ValueError, match="leave-one-out unit"):
        leave_one_out(panel, s, by="year")


def test_split_periods(panel):
    panel = panel.assign(late=((panel["year"] >= 2015) & panel["state_a"].eq("A")).astype(float))
    s = ModelSpec("m", "twoway_fe", "y", ("x1", "late"))
    out = split_periods(panel, s, cut=2015)
    assert out["pre"]["years"] == [2005, 2014] and out["post"]["years"] == [2015, 2019]
    assert out["pre"]["nobs"] == 60 and out["post"]["nobs"] == 30
    pre = fit_model(panel[panel["year"] < 2015], s)
    assert out["pre"]["params"]["x1"] == pytest.approx(pre["params"]["x1"])
    # `late` is 0 before the cut and constant within dyads after it: absorbed in both
    assert out["pre"]["dropped_absorbed"] == ["late"] == out["post"]["dropped_absorbed"]
    empty = split_periods(panel, s, cut=2030)
    assert empty["post"] == {
        "years": [],
        "skipped": "model 'm': no observations left after dropping fixed-effect groups without outcome variation",
    }


def test_covariate_missingness_counts():
    frame = pd.DataFrame(
        {
            "dyad": ["A-B"] * 4 + ["A-C"] * 4,
            "year": [2000, 2001, 2002, 2003] * 2,
            "state_a": ["A"] * 8,
            "state_b": ["B"] * 4 + ["C"] * 4,
            "cinc": [1.0, np.nan, np.nan, 1.0, 1.0, 1.0, 1.0, np.nan],
            "trade": [np.nan, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0],
            "war": [0, 0, 1, 1, 0, 0, 0, 0],
        }
    )
    out = covariate_missingness(frame.sample(frac=1, random_state=0), ["cinc", "trade", "war"])
    assert out["n_dyad_years"] == 8 and out["n_complete"] == 4
    cinc, trade, war = out["per_covariate"]
    assert cinc == {
        "covariate": "cinc",
        "missing": 3,
        "share": 3 / 8,
        "dyads": ["A-B", "A-C"],
        "year_runs": [[2001, 2003]],
    }
    assert (
        trade["missing"] == 1 and trade["dyads"] == ["A-B"] and trade["year_runs"] == [[2000, 2000]]
    )
    assert war["missing"] == 0 and war["dyads"] == [] and war["year_runs"] == []
    assert out["per_dyad"] == [
        {
            "dyad": "A-B",
            "n_years": 4,
            "missing": {"cinc": 2, "trade": 1, "war": 0},
            "any_missing": 3,
        },
        {
            "dyad": "A-C",
            "n_years": 4,
            "missing": {"cinc": 1, "trade": 0, "war": 0},
            "any_missing": 1,
        },
    ]
    assert out["cells"] == [
        {"dyad": "A-B", "year": 2000, "covariates": ["trade"]},
        {"dyad": "A-B", "year": 2001, "covariates": ["cinc"]},
        {"dyad": "A-B", "year": 2002, "covariates": ["cinc"]},
        {"dyad": "A-C", "year": 2003, "covariates": ["cinc"]},
    ]
    json.dumps(out, allow_nan=False)
    with pytest.raises(ValueError, match="lacks columns"):
        covariate_missingness(frame, ["gdp"])
