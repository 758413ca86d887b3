"""Exhibits from model results: regression and missingness tables (the coefficient
plot is tiesmap.report.figures.model_coefficients).

Everything here reads the JSON-ready dicts of `tiesmap.models.models` and formats them;
no estimation happens. Numbers are printed with `tiesmap.core.latex.fmt` (3 decimals
for estimates, integers for counts), so a table can be checked against its
JSON. Captions and notes are LaTeX, passed through; labels taken from data are
escaped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from tiesmap.core.latex import escape, fmt

KIND_LABELS = {
    "twoway_fe": "OLS",
    "lpm": "LPM",
    "poisson": "Poisson",
    "negbin": "Neg.\\ binomial",
    "ppml": "PPML",
    "logit": "Logit",
}
INFERENCE_LABELS = {
    "cluster_dyad": "Dyad clusters",
    "twoway_states": "Two-way (states)",
    "dyad_robust": "Dyad-robust",
}
VARIABLE_LABELS = {
    "war_partner": "Either state at war",
    "cow_war": "Either state in a COW inter-state war",
    "sco_comembers": "Both SCO members",
    "ideal_point_distance": "UN ideal-point distance",
    "cinc_ratio": "CINC ratio (stronger/weaker)",
    "v2x_polyarchy_min": "Polyarchy, less democratic state",
    "v2x_polyarchy_max": "Polyarchy, more democratic state",
    "capital_distance_km": "Distance between capitals (km)",
    "mindist_km": "Minimum distance (km)",
    "land_contiguity": "Land contiguity",
    "atop_defense": "ATOP defence pact",
    "atop_any": "Any ATOP alliance",
    "mid_ongoing": "Militarised dispute ongoing",
    "mid_onset": "Militarised dispute onset",
    "shared_rivals": "Shared rivals (MIDs, 10 years)",
    "shared_igos": "Shared IGO memberships",
    "sanctioned_by_west_a": "First state under Western sanctions",
    "sanctioned_by_west_b": "Second state under Western sanctions",
    "tie_index": "Tie index",
    "n_ties": "Areas with a tie",
    "tiv": "Arms transfers (TIV)",
    "multilateral_share": "Multilateral share",
}
_PREFIXES = {"score": "score", "tie": "tie", "n": "events", "window": "events in window"}
STAR_LEVELS = ((0.01, "***"), (0.05, "**"), (0.1, "*"))

WIDE_TABLE_COLUMNS = 5  # model columns that fit the text width at normal size


def variable_label(name: str, labels: Mapping[str, str] | None = None) -> str:
    """Readable label: the mapping's, else a known one, else built from the name
    (score_regime_security -> "Regime security (score)")."""
    if labels and name in labels:
        return labels[name]
    if name in VARIABLE_LABELS:
        return VARIABLE_LABELS[name]
    prefix, _, rest = name.partition("_")
    if prefix in _PREFIXES and rest:
        return f"{rest.replace('_', ' ').capitalize()} ({_PREFIXES[prefix]})"
    return name.replace("_", " ")


def stars(p: float | None) -> str:
    """*** p < 0.01, ** p < 0.05, * p < 0.1; nothing when p is missing."""
    if p is None:
        return ""
    for level, mark in STAR_LEVELS:
        if p < level:
            return mark
    return ""


def estimate(value: float) -> str:
    """A coefficient or standard error: three decimals, or two significant digits
    when three decimals would print a non-zero estimate as 0.000 (a per-year index
    change of 0.0002 across 300,000 dyad-years is an estimate, not a zero)."""
    if value == 0 or abs(value) >= 0.0005 or not math.isfinite(value):
        return fmt(value)
    return fmt(value, min(8, 1 - math.floor(math.log10(abs(value)))))


def _number(value: float | None) -> str:
    if value is None:
        return "--"
    if value in (float("inf"), float("-inf")):
        return r"$\infty$" if value > 0 else r"$-\infty$"
    return fmt(value)


def _row(label: str, cells: Sequence[str]) -> str:
    return rf"{label} & {' & '.join(cells)} \\"


def check_results(results: Sequence[Mapping[str, Any]]) -> None:
    if not results:
        raise ValueError("no model results to show")
    for i, result in enumerate(results):
        if "params" not in result:
            reason = result.get("skipped", "no estimates")
            raise ValueError(f"result {i + 1} has no estimates: {reason}")


def _small_sample_rows(results: Sequence[Mapping[str, Any]]) -> list[str]:
    def entry(result: Mapping[str, Any], procedure: str) -> Mapping[str, Any] | None:
        value = result.get("small_sample", {}).get(procedure)
        return None if value is None or "skipped" in value else value

    lines = []
    boots = [entry(r, "wild_bootstrap") for r in results]
    if any(boots):
        lines.append(
            _row(
                r"Wild bootstrap $p$",
                [_number(b["p_value"]) if b else "--" for b in boots],
            )
        )
        lines.append(
            _row(
                r"Wild bootstrap 95\% CI",
                [f"[{_number(b['ci'][0])}, {_number(b['ci'][1])}]" if b else "--" for b in boots],
            )
        )
    perms = [entry(r, "randomisation") for r in results]
    if any(perms):
        lines.append(
            _row(r"Randomisation $p$", [_number(p["p_value"]) if p else "--" for p in perms])
        )
    return lines


def regression_table(
    results: Sequence[Mapping[str, Any]],
    caption: str,
    label: str,
    notes: str = "",
    *,
    labels: Mapping[str, str] | None = None,
) -> str:
    """Booktabs table, one column per model result (`tiesmap.models.models.fit_model`).

    Rows: each regressor's coefficient with stars and its SE in parentheses
    ("absorbed" / "collinear" when the model dropped it), fixed effects,
    estimator, standard errors, small-sample p-values for the first regressor
    when any model has them, observations, dyads, years, and dropped
    observations when any model dropped fixed-effect groups without outcome
    variation. `notes` (LaTeX) precede the standard legend.
    """
    check_results(results)
    m = len(results)
    regressors: list[str] = []
    for result in results:
        regressors += [r for r in result["regressors"] if r not in regressors]
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{caption}}}",
        rf"\label{{{label}}}",
        # Beyond five model columns the table is wider than the text: scale it down.
        *([r"\resizebox{\linewidth}{!}{%"] if m > WIDE_TABLE_COLUMNS else []),
        rf"\begin{{tabular}}{{l{'c' * m}}}",
        r"\toprule",
        _row("", [f"({i + 1})" for i in range(m)]),
        _row("", [escape(variable_label(r["dependent"], labels)) for r in results]),
        r"\midrule",
    ]
    for name in regressors:
        coefs, ses = [], []
        for result in results:
            value = result["params"].get(name)
            if name in result["params"] and value is not None:
                coefs.append(estimate(value) + stars(result["pvalues"].get(name)))
                se = result["std_errors"].get(name)
                ses.append(f"({estimate(se)})" if se is not None else "(--)")
            elif name in result.get("dropped_absorbed", ()):
                coefs.append(r"\textit{absorbed}")
                ses.append("")
            elif name in result.get("dropped_collinear", ()):
                coefs.append(r"\textit{collinear}")
                ses.append("")
            else:
                coefs.append("")
                ses.append("")
        lines.append(_row(escape(variable_label(name, labels)), coefs))
        lines.append(_row("", ses))
    lines.append(r"\midrule")
    for effect, title in (("dyad", "Dyad fixed effects"), ("year", "Year fixed effects")):
        lines.append(
            _row(title, ["Yes" if effect in r["fixed_effects"] else "No" for r in results])
        )
    lines.append(
        _row("Estimator", [KIND_LABELS.get(r["kind"], escape(r["kind"])) for r in results])
    )
    lines.append(
        _row(
            "Standard errors",
            [INFERENCE_LABELS.get(r["inference"], escape(r["inference"])) for r in results],
        )
    )
    lines += _small_sample_rows(results)
    lines.append(_row("Observations (dyad-years)", [str(r["nobs"]) for r in results]))
    lines.append(_row("Dyads", [str(r["n_dyads"]) for r in results]))
    lines.append(_row("Years", [str(r["n_years"]) for r in results]))
    if any("design" in r for r in results):
        lines.append(_row("Design", [escape(r.get("design", "")) for r in results]))
    dropped = [r.get("dropped_separated", {}).get("nobs", 0) for r in results]
    if any(dropped):
        lines.append(_row("Dropped (no outcome variation)", [str(d) for d in dropped]))
    legend = (
        r"Standard errors in parentheses; * $p<0.1$, ** $p<0.05$, *** $p<0.01$, "
        r"$p$-values from $t(G-1)$ with $G$ the clusters (dyad-robust: states). "
        r"Small-sample $p$-values are for the first regressor."
    )
    if any(r.get("design") == "descriptive" for r in results):
        legend += (
            r" Design ``descriptive'': fewer clusters than cluster-robust inference needs;"
            r" the estimates summarise the data and test nothing."
        )
    text = f"{notes.strip()} {legend}" if notes.strip() else legend
    lines += [
        r"\bottomrule",
        r"\end{tabular}" + ("}" if m > WIDE_TABLE_COLUMNS else ""),
        rf"\par\smallskip\parbox{{0.9\linewidth}}{{\footnotesize {text}}}",
        r"\end{table}",
        "",
    ]
    return "\n".join(lines)


def _runs_text(runs: Sequence[Sequence[int]]) -> str:
    parts = [str(a) if a == b else f"{a}--{b}" for a, b in runs]
    return ", ".join(parts) if parts else "--"


def missingness_table(
    missingness: Mapping[str, Any],
    caption: str,
    label: str,
    *,
    labels: Mapping[str, str] | None = None,
) -> str:
    """Booktabs table of `tiesmap.models.models.covariate_missingness`: per covariate, the
    missing dyad-years, their share, the dyads affected and the years."""
    lines = [
        r"\begin{table}[htbp]",
        r"\centering\small",
        rf"\caption{{{caption}}}",
        rf"\label{{{label}}}",
        r"\begin{tabular}{lrrrl}",
        r"\toprule",
        r"Covariate & Missing & Share (\%) & Dyads & Years with missing values \\",
        r"\midrule",
    ]
    for row in missingness["per_covariate"]:
        share = "--" if row["share"] is None else fmt(100 * row["share"], 1)
        lines.append(
            rf"{escape(variable_label(row['covariate'], labels))} & {row['missing']} & {share}"
            rf" & {len(row['dyads'])} & {_runs_text(row['year_runs'])} \\"
        )
    n, complete = missingness["n_dyad_years"], missingness["n_complete"]
    lines += [
        r"\midrule",
        rf"\multicolumn{{5}}{{l}}{{Dyad-years with every covariate: {complete} of {n}}} \\",
        r"\bottomrule",
        r"\end{tabular}",
        r"\end{table}",
        "",
    ]
    return "\n".join(lines)


# Where each covariate comes from, for the models table's note: the covariates the
# project derives from its own configuration, and those from third-party data.
CONFIG_COVARIATES = {"war_partner": "war periods", "sco_comembers": "SCO membership"}
COVARIATE_SOURCES = {
    "cow_war": "COW inter-state wars, 1816-2007",
    "ideal_point_distance": "UN General Assembly ideal points",
    "cinc_ratio": "COW National Material Capabilities",
    "v2x_polyarchy_min": "V-Dem",
    "v2x_polyarchy_max": "V-Dem",
    "capital_distance_km": "COW capitals",
    "mindist_km": "CShapes",
    "land_contiguity": "COW direct contiguity",
    "atop_defense": "ATOP",
    "atop_any": "ATOP",
    "mid_ongoing": "COW MIDs",
    "mid_onset": "COW MIDs",
    "shared_rivals": "COW MIDs",
    "shared_igos": "COW IGOs",
    "sanctioned_by_west_a": "GSDB",
    "sanctioned_by_west_b": "GSDB",
}
MODELS_TITLE = "Models of tie variation"
# The start of `tiesmap.models.models.fit_model`'s note on separated groups.
DROPPED_NOTE = "fixed-effect groups without outcome variation dropped"


def covariates_note(results: Sequence[Mapping[str, Any]]) -> str:
    """What the fitted models' covariates are and where they come from, in the order
    they first appear: "Covariates derivable from the project's own configuration
    (war periods, SCO membership)" and/or "covariates from third-party data: <label>
    (<source>), ...". Written from the results, so a scope's table describes its own
    models rather than the pilot's."""
    regressors: list[str] = []
    for result in results:
        regressors += [r for r in result["regressors"] if r not in regressors]
    own = [CONFIG_COVARIATES[r] for r in regressors if r in CONFIG_COVARIATES]
    third = [
        f"{_in_sentence(variable_label(r))} ({COVARIATE_SOURCES[r]})" if r in COVARIATE_SOURCES
        else _in_sentence(variable_label(r))
        for r in regressors
        if r not in CONFIG_COVARIATES
    ]  # fmt: skip
    parts = []
    if own:
        parts.append(
            f"Covariates derivable from the project's own configuration ({', '.join(own)})"
        )
    if third:
        lead = "covariates from third-party data" if own else "Covariates from third-party data"
        parts.append(f"{lead}: {', '.join(third)}")
    return "; ".join(parts)


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "Land contiguity" -> "land contiguity", while an
    acronym stays ("CINC ratio", "UN ideal-point distance")."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _model_notes(results: Sequence[Mapping[str, Any]]) -> str:
    """The fitted models' own notes (a variance that had to be clipped, SEs not
    reported, no convergence), each after its column number. The fixed-effect groups
    dropped for want of outcome variation are left out: the table counts them in a
    row, and their list runs to thousands of dyads in the global scope."""
    return "; ".join(
        f"({i}) {note}"
        for i, r in enumerate(results, start=1)
        for note in r.get("notes", ())
        if not note.startswith(DROPPED_NOTE)
    )


def skipped_table(caption: str, label: str, notes: str) -> str:
    """A table that says no model could be estimated and why, in place of a
    regression table with no columns (`notes`: LaTeX)."""
    return "\n".join(
        [
            r"\begin{table}[htbp]",
            r"\centering",
            rf"\caption{{{caption}}}",
            rf"\label{{{label}}}",
            rf"\parbox{{0.9\linewidth}}{{\footnotesize {notes}}}",
            r"\end{table}",
            "",
        ]
    )


def model_table(kind: str, data: Mapping[str, Any]) -> str:
    """The LaTeX table of one models JSON: `models` (the configured models, with the
    skipped ones named in the notes), `areas` (one model per area) or `missingness`.
    When every configured model was skipped, a table that names them and why."""
    if kind == "models":
        skipped = "; ".join(f"{s['name']} ({s['reason']})" for s in data["skipped"])
        if not data["models"]:
            text = "No configured model could be estimated in this build"
            return skipped_table(
                MODELS_TITLE, "tab:models", escape(f"{text}: {skipped}." if skipped else f"{text}.")
            )
        notes = covariates_note(data["models"])
        if skipped:
            notes += "; not estimated here: " + skipped
        own = _model_notes(data["models"])
        if own:
            notes += ". Notes by column: " + own
        return regression_table(data["models"], MODELS_TITLE, "tab:models", escape(notes) + ".")
    if kind == "areas":
        notes = "; ".join(f"{s['dependent']}: {s['reason']}" for s in data["skipped"])
        return regression_table(
            data["models"],
            "Two-way fixed-effects models by area",
            "tab:areas",
            escape("Not estimated: " + notes + ".") if notes else "",
        )
    return missingness_table(
        data["missingness"], "Missing covariate values by dyad-year", "tab:missingness"
    )
