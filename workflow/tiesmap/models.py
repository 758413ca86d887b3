"""Models of tie variation.

The two-way fixed-effects model (dyad and year effects) asks whether a dyad's
ties change when its circumstances change, net of stable dyad traits and of
shocks common to all dyads in a year. Standard errors are clustered by dyad.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from linearmodels.panel import PanelOLS


def fit_twoway_fe(panel: pd.DataFrame, dependent: str, regressors: list[str]) -> dict[str, Any]:
    """Fit y ~ x + dyad FE + year FE with dyad-clustered SEs; a JSON-ready result.

    Regressors absorbed by the fixed effects (e.g. constant within every dyad) are
    dropped and listed, not silently kept at zero.
    """
    data = panel.set_index(["dyad", "year"])[[dependent, *regressors]].astype(float)
    model = PanelOLS(
        data[dependent],
        data[regressors],
        entity_effects=True,
        time_effects=True,
        drop_absorbed=True,
        check_rank=True,
    )
    res = model.fit(cov_type="clustered", cluster_entity=True)
    kept = list(res.params.index)
    return {
        "model": "twoway_fe",
        "estimator": "linearmodels.PanelOLS",
        "dependent": dependent,
        "regressors": regressors,
        "dropped_absorbed": [r for r in regressors if r not in kept],
        "params": {k: float(v) for k, v in res.params.items()},
        "std_errors": {k: float(v) for k, v in res.std_errors.items()},
        "pvalues": {k: float(v) for k, v in res.pvalues.items()},
        "nobs": int(res.nobs),
        "n_dyads": int(data.index.get_level_values(0).nunique()),
        "n_years": int(data.index.get_level_values(1).nunique()),
        "r2_within": float(res.rsquared_within),
        "cov_type": "clustered by dyad",
        "mean_dependent": float(np.mean(data[dependent])),
    }
