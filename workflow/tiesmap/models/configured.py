"""The models the configuration asks for, and which of them a build can fit.

Specifications in `models.specs` use only covariates the project derives itself,
so they are always fitted. Those in `models.external_specs` need third-party
covariate files: a build without one of their columns skips the model and says
which columns were absent, rather than failing or fitting a different model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from tiesmap.models.models import (
    ModelSpec,
    NotConverged,
    covariate_missingness,
    fit_model,
    leave_one_out,
    specs_from_config,
    split_periods,
)


def absent_columns(panel: pd.DataFrame, spec: ModelSpec) -> list[str]:
    """The model's variables the panel lacks, in formula order."""
    return [v for v in (spec.dependent, *spec.regressors) if v not in panel.columns]


def configured_specs(config: Mapping[str, Any]) -> list[tuple[ModelSpec, bool]]:
    """(spec, external) of every configured model, in the order models.json lists them."""
    models = config["models"]
    return [(spec, False) for spec in specs_from_config(models["specs"])] + [
        (spec, True) for spec in specs_from_config(models["external_specs"])
    ]


def configured_model(panel: pd.DataFrame, config: Mapping[str, Any], name: str) -> dict[str, Any]:
    """One configured model, as one job of a split run: {"name", "model": result}, or
    {"name", "skipped": reason} for an external spec whose covariates are absent, or
    for a model whose estimator did not converge."""
    found = [(spec, external) for spec, external in configured_specs(config) if spec.name == name]
    if not found:
        raise KeyError(f"no model named {name!r} in models.specs or models.external_specs")
    spec, external = found[0]
    missing = absent_columns(panel, spec) if external else []
    if missing:
        return {"name": name, "skipped": "covariates absent: " + ", ".join(missing)}
    try:
        return {"name": name, "model": fit_model(panel, spec, seed=config["seed"])}
    except NotConverged as err:
        return {"name": name, "skipped": str(err)}


def gather_models(parts: list[dict[str, Any]]) -> dict[str, list]:
    """{"models": fitted results, "skipped": [{"name", "reason"}]} from the
    `configured_model` results of every configured spec, in configured order."""
    return {
        "models": [part["model"] for part in parts if "model" in part],
        "skipped": [
            {"name": part["name"], "reason": part["skipped"]} for part in parts if "skipped" in part
        ],
    }


def configured_models(panel: pd.DataFrame, config: Mapping[str, Any]) -> dict[str, list]:
    """{"models": fitted results, "skipped": [{"name", "reason"}]} for the configured
    specifications, external ones skipped when their covariates are absent (one job:
    what `gather_models` of the per-spec jobs gives)."""
    return gather_models(
        [configured_model(panel, config, spec.name) for spec, _ in configured_specs(config)]
    )


def configured_diagnostics(panel: pd.DataFrame, config: Mapping[str, Any]) -> dict[str, Any]:
    """Leave-one-dyad-out (or -state-out, `leave_out`) and split-period fits of the diagnostic model, and the
    missingness of the configured covariates (those the panel lacks listed apart)."""
    diag = config["models"]["diagnostics"]
    spec = next(s for s in specs_from_config(config["models"]["specs"]) if s.name == diag["model"])
    present = [c for c in diag["missingness"] if c in panel.columns]
    by = diag.get("leave_out", "dyad")
    return {
        f"leave_one_{by}_out": leave_one_out(panel, spec, by),
        "split_periods": split_periods(panel, spec, diag["split_year"], seed=config["seed"]),
        "missingness": covariate_missingness(panel, present),
        "missingness_absent": [c for c in diag["missingness"] if c not in panel.columns],
    }
