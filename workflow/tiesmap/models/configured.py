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
    covariate_missingness,
    fit_model,
    leave_one_out,
    specs_from_config,
    split_periods,
)


def absent_columns(panel: pd.DataFrame, spec: ModelSpec) -> list[str]:
    """The model's variables the panel lacks, in formula order."""
    return [v for v in (spec.dependent, *spec.regressors) if v not in panel.columns]


def configured_models(panel: pd.DataFrame, config: Mapping[str, Any]) -> dict[str, list]:
    """{"models": fitted results, "skipped": [{"name", "reason"}]} for the configured
    specifications, external ones skipped when their covariates are absent."""
    results, skipped = [], []
    for spec in specs_from_config(config["models"]["specs"]):
        results.append(fit_model(panel, spec, seed=config["seed"]))
    for spec in specs_from_config(config["models"]["external_specs"]):
        missing = absent_columns(panel, spec)
        if missing:
            skipped.append(
                {"name": spec.name, "reason": "covariates absent: " + ", ".join(missing)}
            )
        else:
            results.append(fit_model(panel, spec, seed=config["seed"]))
    return {"models": results, "skipped": skipped}


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
