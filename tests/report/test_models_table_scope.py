"""The models table describes the models actually fitted (their covariates and where
they come from, their own notes), labels covariates readably, and says so when no
model could be estimated instead of crashing."""

from __future__ import annotations

from tiesmap.report.model_outputs import covariates_note, model_table, variable_label


def result(regressors, notes=()):
    return {
        "name": "m",
        "kind": "ppml",
        "dependent": "tiv",
        "regressors": list(regressors),
        "params": dict.fromkeys(regressors, 0.5),
        "std_errors": dict.fromkeys(regressors, 0.1),
        "pvalues": dict.fromkeys(regressors, 0.2),
        "fixed_effects": ["dyad", "year"],
        "inference": "dyad_robust",
        "nobs": 10,
        "n_dyads": 5,
        "n_years": 2,
        "notes": list(notes),
    }


def test_every_model_skipped_gives_a_table_that_says_why():
    skipped = [
        {"name": "arms_ppml", "reason": "covariates absent: cow_war"},
        {"name": "index_twoway", "reason": "tie_index does not vary"},
    ]
    text = model_table("models", {"models": [], "skipped": skipped})
    assert r"\caption{Models of tie variation}" in text and r"\label{tab:models}" in text
    assert "tabular" not in text
    assert (
        r"No configured model could be estimated in this build: arms\_ppml (covariates "
        r"absent: cow\_war); index\_twoway (tie\_index does not vary)." in text
    )
    empty = model_table("models", {"models": [], "skipped": []})
    assert "No configured model could be estimated in this build." in empty


def test_the_note_describes_the_fitted_covariates_of_each_scope():
    pilot = covariates_note([result(["war_partner", "sco_comembers"])])
    assert pilot == (
        "Covariates derivable from the project's own configuration (war periods, SCO membership)"
    )
    global_ = covariates_note(
        [result(["cow_war"]), result(["cow_war", "ideal_point_distance", "v2x_polyarchy_min"])]
    )
    assert global_ == (
        "Covariates from third-party data: either state in a COW inter-state war (COW "
        "inter-state wars, 1816-2007), UN ideal-point distance (UN General Assembly ideal "
        "points), polyarchy, less democratic state (V-Dem)"
    )
    mixed = covariates_note([result(["war_partner", "cinc_ratio"])])
    assert mixed.endswith(
        "(war periods); covariates from third-party data: CINC ratio (stronger/weaker) "
        "(COW National Material Capabilities)"
    )


def test_readable_labels_and_model_notes_in_the_table():
    assert variable_label("cinc_ratio") == "CINC ratio (stronger/weaker)"
    assert variable_label("v2x_polyarchy_min") == "Polyarchy, less democratic state"
    text = model_table(
        "models",
        {"models": [result(["cinc_ratio"], notes=["variance clipped"])], "skipped": []},
    )
    assert "CINC ratio (stronger/weaker) &" in text and "cinc ratio" not in text
    assert "Notes by column: (1) variance clipped." in text


def test_small_estimates_are_not_printed_as_zero():
    from tiesmap.report.model_outputs import estimate

    assert estimate(0.291) == "0.291"  # the usual three decimals
    assert estimate(0.0005) == "0.001"
    assert estimate(0.0002) == "0.00020"  # not 0.000
    assert estimate(-0.00021) == "-0.00021"
    assert estimate(0.000041) == "0.000041"
    assert estimate(0.0) == "0.000"
