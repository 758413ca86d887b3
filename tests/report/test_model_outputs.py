"""Exhibits from model results: the regression table (snapshot, and every number
against its result dict), the coefficient plot (deterministic PDF) and the
missing-covariate table."""

from __future__ import annotations

import re
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from tiesmap.core.latex import fmt
from tiesmap.models.models import ModelSpec, covariate_missingness, fit_model
from tiesmap.report.figures.model_coefficients import coefficient_plot
from tiesmap.report.model_outputs import (
    missingness_table,
    regression_table,
    stars,
    variable_label,
)

TINY = [
    {
        "name": "index_fe",
        "kind": "twoway_fe",
        "dependent": "tie_index",
        "regressors": ["war_partner", "sco_comembers"],
        "params": {"war_partner": 0.23848, "sco_comembers": -0.07331},
        "std_errors": {"war_partner": 0.02973, "sco_comembers": 0.0221},
        "pvalues": {"war_partner": 0.0004, "sco_comembers": 0.021},
        "conf_int": {"war_partner": [0.16, 0.31], "sco_comembers": [-0.13, -0.016]},
        "dropped_absorbed": [],
        "dropped_collinear": [],
        "dropped_separated": {"nobs": 0, "dyads": [], "years": []},
        "nobs": 126,
        "n_dyads": 6,
        "n_years": 21,
        "fixed_effects": ["dyad", "year"],
        "inference": "cluster_dyad",
        "small_sample": {
            "wild_bootstrap": {
                "regressor": "war_partner",
                "p_value": 0.0096,
                "ci": [0.1714, 0.3190],
            },
            "randomisation": {"regressor": "war_partner", "p_value": 0.111},
        },
    },
    {
        "name": "contacts_ppml",
        "kind": "ppml",
        "dependent": "n_contacts",
        "regressors": ["war_partner", "sco_comembers"],
        "params": {"sco_comembers": 1.30096},
        "std_errors": {"sco_comembers": None},
        "pvalues": {"sco_comembers": None},
        "conf_int": {"sco_comembers": [None, None]},
        "dropped_absorbed": ["war_partner"],
        "dropped_collinear": [],
        "dropped_separated": {"nobs": 6, "dyads": [], "years": [2020]},
        "nobs": 120,
        "n_dyads": 6,
        "n_years": 20,
        "fixed_effects": ["dyad", "year"],
        "inference": "dyad_robust",
        "small_sample": {},
    },
]

EXPECTED = r"""\begin{table}[htbp]
\centering
\caption{Models of ties}
\label{tab:models}
\begin{tabular}{lcc}
\toprule
 & (1) & (2) \\
 & Tie index & Contacts (events) \\
\midrule
Either state at war & 0.238*** & \textit{absorbed} \\
 & (0.030) &  \\
Both SCO members & -0.073** & 1.301 \\
 & (0.022) & (--) \\
\midrule
Dyad fixed effects & Yes & Yes \\
Year fixed effects & Yes & Yes \\
Estimator & OLS & PPML \\
Standard errors & Dyad clusters & Dyad-robust \\
Wild bootstrap $p$ & 0.010 & -- \\
Wild bootstrap 95\% CI & [0.171, 0.319] & -- \\
Randomisation $p$ & 0.111 & -- \\
Observations (dyad-years) & 126 & 120 \\
Dyads & 6 & 6 \\
Years & 21 & 20 \\
Dropped (no outcome variation) & 0 & 6 \\
\bottomrule
\end{tabular}
\par\smallskip\parbox{0.9\linewidth}{\footnotesize Pilot data. Standard errors in parentheses; * $p<0.1$, ** $p<0.05$, *** $p<0.01$, $p$-values from $t(G-1)$ with $G$ the clusters (dyad-robust: states). Small-sample $p$-values are for the first regressor.}
\end{table}
"""


def test_regression_table_snapshot():
    assert regression_table(TINY, "Models of ties", "tab:models", "Pilot data.") == EXPECTED


@pytest.fixture(scope="module")
def fitted():
    """Real results from fit_model: 5 states (10 dyads) x 8 years."""
    rng = np.random.default_rng(4)
    pairs = list(combinations("ABCDE", 2))
    frame = pd.DataFrame(
        [(a, b, t) for a, b in pairs for t in range(2010, 2018)],
        columns=["state_a", "state_b", "year"],
    )
    frame["dyad"] = frame["state_a"] + "-" + frame["state_b"]
    frame["war_partner"] = rng.normal(size=len(frame))
    frame["sco_comembers"] = (rng.random(len(frame)) > 0.5).astype(float)
    frame["tie_index"] = 0.4 * frame["war_partner"] + rng.normal(size=len(frame))
    frame["tie_contacts"] = (frame["tie_index"] > 0).astype(float)
    specs = [
        ModelSpec(
            "fe",
            "twoway_fe",
            "tie_index",
            ("war_partner", "sco_comembers"),
            small_sample=("wild_bootstrap", "randomisation"),
            n_boot=99,
            n_perm=99,
        ),
        ModelSpec("lpm", "lpm", "tie_contacts", ("war_partner",), inference="twoway_states"),
    ]
    return [fit_model(frame, s, seed=1) for s in specs]


def _body(table: str) -> list[str]:
    lines = table.splitlines()
    start = lines.index(r"\midrule")
    return lines[start + 1 : lines.index(r"\bottomrule")]


def test_every_number_in_the_table_is_a_value_of_the_results(fitted):
    table = regression_table(fitted, "c", "l")
    body = _body(table)
    expected: set[str] = set()
    for result in fitted:
        for key in ("params", "std_errors"):
            expected |= {fmt(v) for v in result[key].values() if v is not None}
        for procedure in result["small_sample"].values():
            expected.add(fmt(procedure["p_value"]))
            expected |= {fmt(v) for v in procedure.get("ci", [])}
        expected |= {str(result[k]) for k in ("nobs", "n_dyads", "n_years")}
        expected.add(str(result["dropped_separated"]["nobs"]))
    numbers = re.findall(r"-?\d+(?:\.\d+)?", "\n".join(body).replace("95\\%", ""))
    assert numbers and set(numbers) <= expected
    assert all(len(n.split(".")[1]) == 3 for n in numbers if "." in n)
    # and row by row: coefficient with stars, SE in parentheses, per column
    rows = {line.split(" & ")[0]: line.removesuffix(r" \\").split(" & ")[1:] for line in body}
    for name in ("war_partner", "sco_comembers"):
        coefs = rows[variable_label(name)]
        ses = body[body.index(next(x for x in body if x.startswith(variable_label(name)))) + 1]
        ses = ses.removesuffix(r" \\").split(" & ")[1:]
        for j, result in enumerate(fitted):
            if name in result["params"]:
                p = result["pvalues"][name]
                assert coefs[j] == fmt(result["params"][name]) + stars(p)
                assert ses[j] == f"({fmt(result['std_errors'][name])})"
            else:
                assert coefs[j] == ses[j] == ""
    assert rows["Observations (dyad-years)"] == ["80", "80"]
    assert rows["Wild bootstrap $p$"] == [
        fmt(fitted[0]["small_sample"]["wild_bootstrap"]["p_value"]),
        "--",
    ]


def test_regression_table_refuses_results_without_estimates():
    with pytest.raises(ValueError, match="no model results"):
        regression_table([], "c", "l")
    with pytest.raises(ValueError, match="not collected"):
        regression_table([{"area": "x", "skipped": "not collected"}], "c", "l")


def test_labels_and_stars():
    assert variable_label("score_regime_security") == "Regime security (score)"
    assert variable_label("tie_contacts") == "Contacts (tie)"
    assert variable_label("n_war_preparation") == "War preparation (events)"
    assert variable_label("war_partner", {"war_partner": "At war"}) == "At war"
    assert variable_label("gdp_ratio") == "gdp ratio"
    assert [stars(p) for p in (0.009, 0.01, 0.049, 0.05, 0.099, 0.1, None)] == [
        "***",
        "**",
        "**",
        "*",
        "*",
        "",
        "",
    ]


def test_coefficient_plot_is_a_deterministic_pdf(tmp_path, fitted):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    coefficient_plot(fitted, first)
    coefficient_plot(fitted, second)
    data = first.read_bytes()
    assert data.startswith(b"%PDF") and data == second.read_bytes()
    assert b"CreationDate" not in data and b"ModDate" not in data
    coefficient_plot(TINY, tmp_path / "tiny.pdf")  # missing SEs and absorbed terms are fine


def test_missingness_table_snapshot():
    frame = pd.DataFrame(
        {
            "dyad": ["A-B"] * 4 + ["A-C"] * 4,
            "year": [2000, 2001, 2002, 2003] * 2,
            "state_a": ["A"] * 8,
            "state_b": ["B"] * 4 + ["C"] * 4,
            "cinc_ratio": [1.0, np.nan, np.nan, 1.0, 1.0, 1.0, 1.0, np.nan],
            "trade_a": [np.nan, 2, 2, 2, 2, 2, 2, 2.0],
            "war_partner": [0, 0, 1, 1, 0, 0, 0, 0],
        }
    )
    report = covariate_missingness(frame, ["cinc_ratio", "trade_a", "war_partner"])
    table = missingness_table(
        report, "Missing covariates", "tab:missing", labels={"cinc_ratio": "CINC ratio"}
    )
    assert table == "\n".join(
        [
            r"\begin{table}[htbp]",
            r"\centering\small",
            r"\caption{Missing covariates}",
            r"\label{tab:missing}",
            r"\begin{tabular}{lrrrl}",
            r"\toprule",
            r"Covariate & Missing & Share (\%) & Dyads & Years with missing values \\",
            r"\midrule",
            r"CINC ratio & 3 & 37.5 & 2 & 2001--2003 \\",
            r"trade a & 1 & 12.5 & 1 & 2000 \\",
            r"Either state at war & 0 & 0.0 & 0 & -- \\",
            r"\midrule",
            r"\multicolumn{5}{l}{Dyad-years with every covariate: 4 of 8} \\",
            r"\bottomrule",
            r"\end{tabular}",
            r"\end{table}",
            "",
        ]
    )


def test_a_wide_model_table_is_scaled_to_the_text_width():
    """Six or more model columns overrun the page (the global scope's seven models
    did): such a table is scaled to the line width; five or fewer are left as set."""
    narrow = regression_table(TINY, "Models", "tab:m", "")
    assert r"\resizebox" not in narrow
    wide = regression_table(TINY * 6, "Models", "tab:m", "")
    lines = wide.splitlines()
    opened = lines.index(r"\resizebox{\linewidth}{!}{%")
    assert lines[opened + 1].startswith(r"\begin{tabular}{l" + "c" * (6 * len(TINY)))
    assert r"\end{tabular}}" in lines
