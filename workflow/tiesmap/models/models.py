"""Models of tie variation.

The two-way fixed-effects model (dyad and year effects) asks whether a dyad's
ties change when its circumstances change, net of stable dyad traits and of
shocks common to all dyads in a year. `fit_model` fits any `ModelSpec`:

=========  ===========================================  =========================
kind       estimator                                    fixed effects (default)
=========  ===========================================  =========================
twoway_fe  least squares on the exact within transform  dyad + year, absorbed
lpm        the same, on a 0/1 outcome                   dyad + year, absorbed
poisson    statsmodels GLM, Poisson family              dyad + year, as dummies
negbin     statsmodels NegativeBinomial (NB2, ML alpha)  dyad + year, as dummies
ppml       pyfixest fepois                              dyad + year, absorbed
logit      statsmodels Logit                            year, as dummies
=========  ===========================================  =========================

Any subset of {dyad, year} may be configured instead (e.g. year dummies only
for the count models, to compare across dyads). Linear kinds with both effects
are fitted on one exact within transformation (`TwoWayDemeaner`) of the
outcome and regressors together; with one effect or none, by linearmodels
PanelOLS.

Fixed effects and separation. A fixed-effect group whose outcome never leaves
its boundary -- a dyad (or year) with zero counts throughout in a count model,
a dyad with no tie in any year (or a tie in every year) in a logit -- has an
infinite dummy coefficient and carries no information about the slopes. Such
groups are dropped before fitting, repeatedly until none is left, and listed
in the result (`dropped_separated`); pyfixest does the same by default. So a
logit with dyad effects describes only dyads whose tie status changed.
Unconditional negative binomial with dyad dummies is not a conditional "fixed
effects" NB, and has some incidental-parameter bias with short panels
(Allison & Waterman 2002); Poisson/PPML with dummies has none.

Inference (`ModelSpec.inference`). All variances are sandwiches computed by
`tiesmap.models.inference` from each model's per-observation scores and bread, so the
small-sample conventions are the same for every kind: CR1, G/(G-1) *
(n-1)/(n-k) with k the number of reported slopes (fixed effects are not
counted, as pyfixest's k_fixef="none"). For linear kinds the scores are the
within-transformed regressors times the within residuals; for ML kinds the
score and Hessian of the log-likelihood (PPML: the mu-weighted within
transform, which gives the same slope block as the model with dummies).

* cluster_dyad (default): clustered by dyad; p-values from t(G - 1);
* twoway_states: clustered by each member state (Cameron, Gelbach & Miller);
  misses pairs in which a state sits in different positions; t(min(G_a, G_b) - 1);
* dyad_robust: Aronow, Samii & Assenova (2015); t(N - 1), N states.

A negative variance estimate (possible for the two-way and dyad-robust
estimators with few states) is reported as a missing SE, never clipped
silently. Small-sample add-ons for the first regressor (linear kinds only,
because both procedures re-fit least squares), seeded from `seed` (one
SeedSequence child each): the restricted wild cluster bootstrap over dyads
(Webb weights below 12 dyads, else Rademacher) and randomisation inference
(whole dyad paths permuted; needs dyad and year effects).
Results are JSON-ready dicts of plain floats (non-finite values are None);
nothing is rounded here.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from tiesmap.core.codebook import AREAS
from tiesmap.core.formulas import IDENTIFIER, MIN_CLUSTERS, mechanical_definition, parse_formula
from tiesmap.index.covariates import check_dyad_year_unit
from tiesmap.models.inference import (
    TwoWayDemeaner,
    clip_if_not_psd,
    cluster_vcov,
    dyad_robust_vcov,
    group_codes,
    group_sums,
    randomisation_inference,
    state_codes,
    two_way_cluster_vcov,
    wild_cluster_bootstrap,
)

# --------------------------------------------------------------------------- specification

KINDS: dict[str, str] = {
    "twoway_fe": "linearmodels.PanelOLS",
    "lpm": "linearmodels.PanelOLS (linear probability)",
    "poisson": "statsmodels.GLM (Poisson)",
    "negbin": "statsmodels.NegativeBinomial (NB2)",
    "ppml": "pyfixest.fepois",
    "logit": "statsmodels.Logit",
}
TWOWAY_LINEAR: dict[str, str] = {
    "twoway_fe": "least squares on the exact dyad + year within transformation",
    "lpm": "least squares on the exact dyad + year within transformation (linear probability)",
}
LINEAR_KINDS = ("twoway_fe", "lpm")
COUNT_KINDS = ("poisson", "negbin", "ppml")
BINARY_KINDS = ("lpm", "logit")
EFFECTS = ("dyad", "year")
DEFAULT_EFFECTS: dict[str, tuple[str, ...]] = {
    "twoway_fe": EFFECTS,
    "lpm": EFFECTS,
    "poisson": EFFECTS,
    "negbin": EFFECTS,
    "ppml": EFFECTS,
    "logit": ("year",),
}
INFERENCE: dict[str, str] = {
    "cluster_dyad": "clustered by dyad",
    "twoway_states": "two-way clustered by member state",
    "dyad_robust": "dyad-robust (Aronow, Samii & Assenova 2015)",
}
SMALL_SAMPLE = ("wild_bootstrap", "randomisation")
OUTCOMES = ("score", "tie", "n")
NB_ALPHA_BOUNDARY = 1e-4  # NB2 alpha below this is treated as 0 (Poisson)
RESERVED = frozenset({"dyad", "year", "state_a", "state_b", "_const"})
SPEC_KEYS = frozenset(
    {
        "name",
        "kind",
        "formula",
        "dependent",
        "regressors",
        "effects",
        "inference",
        "notes",
        "small_sample",
        "n_boot",
        "n_perm",
    }
)
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def design_of(n_clusters: int) -> tuple[str, str]:
    """('descriptive' | 'inferential', note): fewer than MIN_CLUSTERS clusters cannot
    support cluster-robust inference, so such fits are descriptive summaries."""
    if n_clusters < MIN_CLUSTERS:
        return (
            "descriptive",
            f"{n_clusters} clusters (< {MIN_CLUSTERS}): a descriptive summary, not inference",
        )
    return "inferential", f"{n_clusters} clusters"


@dataclass(frozen=True)
class ModelSpec:
    """One model: what to explain, by what, with which estimator and inference.

    effects: subset of ("dyad", "year"); None = the kind's default
    (`DEFAULT_EFFECTS`). small_sample: add-ons for the first regressor,
    subset of ("wild_bootstrap", "randomisation"), linear kinds only;
    randomisation also needs dyad and year effects.
    """

    name: str
    kind: str
    dependent: str
    regressors: tuple[str, ...]
    effects: tuple[str, ...] | None = None
    inference: str = "cluster_dyad"
    notes: str = ""
    small_sample: tuple[str, ...] = field(default=())
    n_boot: int = 9999
    n_perm: int = 999

    def __post_init__(self) -> None:
        where = f"model {self.name!r}"
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(f"{where}: name must be letters, digits, '_' or '-'")
        if self.kind not in KINDS:
            raise ValueError(f"{where}: kind {self.kind!r} is not one of {sorted(KINDS)}")
        regressors = (
            (self.regressors,) if isinstance(self.regressors, str) else tuple(self.regressors)
        )
        object.__setattr__(self, "regressors", regressors)
        for column in (self.dependent, *regressors):
            if not isinstance(column, str) or not IDENTIFIER.match(column) or column in RESERVED:
                raise ValueError(f"{where}: {column!r} cannot be a model variable")
        if not regressors:
            raise ValueError(f"{where}: at least one regressor is needed")
        if len(set(regressors)) < len(regressors):
            raise ValueError(f"{where}: regressors repeat")
        if self.dependent in regressors:
            raise ValueError(f"{where}: {self.dependent!r} is both dependent and regressor")
        reason = mechanical_definition(self.dependent, regressors)
        if reason:
            raise ValueError(f"{where} refused: {reason}")
        effects = DEFAULT_EFFECTS[self.kind] if self.effects is None else tuple(self.effects)
        unknown = sorted(set(effects) - set(EFFECTS))
        if unknown or len(set(effects)) < len(effects):
            raise ValueError(f"{where}: effects must be distinct members of {EFFECTS}")
        object.__setattr__(self, "effects", tuple(e for e in EFFECTS if e in effects))
        if self.inference not in INFERENCE:
            raise ValueError(f"{where}: inference {self.inference!r} not in {sorted(INFERENCE)}")
        extras = tuple(self.small_sample)
        object.__setattr__(self, "small_sample", extras)
        unknown = sorted(set(extras) - set(SMALL_SAMPLE))
        if unknown:
            raise ValueError(f"{where}: unknown small-sample procedures {unknown}")
        if extras and self.kind not in LINEAR_KINDS:
            raise ValueError(f"{where}: small-sample procedures need a linear kind {LINEAR_KINDS}")
        if "randomisation" in extras and self.effects != EFFECTS:
            raise ValueError(f"{where}: randomisation inference needs dyad and year effects")
        for key in ("n_boot", "n_perm"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{where}: {key} must be a positive integer")

    @property
    def formula(self) -> str:
        rhs = " + ".join(self.regressors)
        return f"{self.dependent} ~ {rhs} | {' + '.join(self.effects or ('0',))}"

    @classmethod
    def from_config(cls, entry: Mapping[str, Any]) -> ModelSpec:
        """A spec from a config mapping: `formula` or `dependent` + `regressors`.

        Effects given in the formula (after '|') and as `effects` must agree.
        """
        name = entry.get("name", "?")
        unknown = sorted(set(entry) - SPEC_KEYS)
        if unknown:
            raise ValueError(f"model {name!r}: unknown keys {unknown}")
        for key in ("name", "kind"):
            if key not in entry:
                raise ValueError(f"model {name!r}: {key!r} is required")
        effects = entry.get("effects")
        if "formula" in entry:
            if "dependent" in entry or "regressors" in entry:
                raise ValueError(f"model {name!r}: give a formula or dependent + regressors")
            parsed = parse_formula(entry["formula"])
            dependent, regressors = parsed.dependent, parsed.regressors
            if parsed.effects is not None:
                if effects is not None and set(effects) != set(parsed.effects):
                    raise ValueError(f"model {name!r}: formula and effects disagree")
                effects = parsed.effects
        else:
            if "dependent" not in entry or "regressors" not in entry:
                raise ValueError(f"model {name!r}: needs a formula or dependent + regressors")
            dependent, regressors = entry["dependent"], tuple(entry["regressors"])
        return cls(
            name=entry["name"],
            kind=entry["kind"],
            dependent=dependent,
            regressors=tuple(regressors),
            effects=None if effects is None else tuple(effects),
            inference=entry.get("inference", "cluster_dyad"),
            notes=entry.get("notes", ""),
            small_sample=tuple(entry.get("small_sample", ())),
            n_boot=entry.get("n_boot", 9999),
            n_perm=entry.get("n_perm", 999),
        )


def specs_from_config(entries: Iterable[Mapping[str, Any]]) -> list[ModelSpec]:
    """Specs from a config list, refusing repeated names (they name output files)."""
    specs = [ModelSpec.from_config(e) for e in entries]
    names = [s.name for s in specs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"model names repeat: {dup}")
    return specs


# --------------------------------------------------------------------------- helpers


def _num(value: Any) -> float | None:
    """A plain float, or None when not finite (JSON has no NaN or infinity)."""
    value = float(value)
    return value if np.isfinite(value) else None


def _weighted_means(V: np.ndarray, codes: np.ndarray, n: int, w: np.ndarray) -> np.ndarray:
    total = np.bincount(codes, weights=w, minlength=n)
    return np.take(group_sums(w[:, None] * V, codes, n) / total[:, None], codes, axis=0)


def within(
    values: np.ndarray | pd.DataFrame,
    data: pd.DataFrame,
    effects: Sequence[str],
    weights: np.ndarray | None = None,
    *,
    tol: float = 1e-14,
    max_iter: int = 10_000,
) -> np.ndarray:
    """Residuals of `values` (n x m) on the `effects` dummies and a constant.

    Unweighted two-way: the exact `TwoWayDemeaner`. Otherwise weighted group
    means, alternating between effects until the largest change is below `tol`
    times the data's scale (one pass suffices for a single effect).
    """
    V = np.asarray(values, dtype=float)
    V = V[:, None] if V.ndim == 1 else V.copy()
    effects = tuple(effects)
    if weights is None and effects == EFFECTS:
        return TwoWayDemeaner.from_labels(
            data["dyad"].to_numpy(), data["year"].to_numpy()
        ).transform(V)
    w = np.ones(V.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    if not effects:
        return V - (w @ V / w.sum())[None, :]
    groups = [group_codes(data[e].to_numpy()) for e in effects]
    scale = 1.0 + np.abs(V).max(initial=0.0)
    for _ in range(max_iter):
        change = 0.0
        for codes, n in groups:
            step = _weighted_means(V, codes, n, w)
            V -= step
            change = max(change, float(np.abs(step).max(initial=0.0)))
        if len(groups) == 1 or change <= tol * scale:
            return V
    raise RuntimeError(f"weighted within transformation did not converge in {max_iter} sweeps")


def _dyad_runs(panel: pd.DataFrame) -> np.ndarray | None:
    """Each row's dyad code when rows run by dyad, then by strictly increasing
    year within a dyad (as the workflow writes the panel); None otherwise.

    Sorted labels make the codes a count of label changes, in label order, so
    a sorted panel is coded without hashing its dyad strings.
    """
    if not {"dyad", "year", "state_a", "state_b"} <= set(panel.columns) or len(panel) < 2:
        return None
    dyad = panel["dyad"].to_numpy()
    year = panel["year"].to_numpy()
    try:
        changed = dyad[1:] != dyad[:-1]
        ordered = (dyad[1:] > dyad[:-1]) | (~changed & (year[1:] > year[:-1]))
    except TypeError:  # labels that do not compare
        return None
    if not np.all(ordered):
        return None
    codes = np.zeros(len(dyad), dtype=np.intp)
    np.cumsum(changed, out=codes[1:])
    return codes


def _prepare(panel: pd.DataFrame, spec: ModelSpec) -> tuple[pd.DataFrame, int, np.ndarray | None]:
    """Rows used by the model (listwise deletion), sorted; how many were dropped;
    and their dyad codes when the panel came sorted (see `_dyad_runs`).

    A panel already strictly sorted by (dyad, year), as the workflow writes it, is
    one row per dyad-year by that fact, and is neither checked again nor re-sorted.
    """
    runs = _dyad_runs(panel)
    if runs is None:
        check_dyad_year_unit(panel)
    columns = [spec.dependent, *spec.regressors]
    missing = [c for c in columns if c not in panel.columns]
    if missing:
        raise ValueError(f"model {spec.name!r}: panel lacks columns {missing}")
    data = panel[["dyad", "year", "state_a", "state_b", *columns]]
    complete = data[columns].notna().all(axis=1).to_numpy()
    n_missing = int((~complete).sum())
    if n_missing:
        data = data[complete]
        runs = None if runs is None else runs[complete]
    cast = {c: float for c in columns if data[c].dtype != np.float64}
    if cast:
        data = data.astype(cast)
    if runs is None:
        data = data.sort_values(["dyad", "year"], ignore_index=True)
    else:  # `data` is a copy of its own: relabel its rows without copying again
        data.index = pd.RangeIndex(len(data))
    y = data[spec.dependent]
    if spec.kind in COUNT_KINDS and (y < 0).any():
        raise ValueError(f"model {spec.name!r}: {spec.kind} needs a non-negative dependent")
    if spec.kind in BINARY_KINDS and not y.isin([0.0, 1.0]).all():
        raise ValueError(f"model {spec.name!r}: {spec.kind} needs a 0/1 dependent")
    return data, n_missing, runs


def _drop_separated(
    data: pd.DataFrame, spec: ModelSpec
) -> tuple[pd.DataFrame, dict[str, list[Any]]]:
    """Drop fixed-effect groups whose outcome stays at its boundary (see module doc)."""
    dropped: dict[str, list[Any]] = {e: [] for e in spec.effects or ()}
    if spec.kind in LINEAR_KINDS:
        return data, dropped
    changed = True
    while changed and len(data):
        changed = False
        for effect in spec.effects or ():
            grouped = data.groupby(effect)[spec.dependent]
            # logit: outcome constant in the group; counts: all zero
            bad = grouped.min() == grouped.max() if spec.kind == "logit" else grouped.max() <= 0
            if bad.any():
                labels = list(bad.index[bad])
                dropped[effect] += labels
                data = data[~data[effect].isin(labels)]
                changed = True
    return data.reset_index(drop=True), {e: sorted(v) for e, v in dropped.items()}


def _coded(data: pd.DataFrame, runs: np.ndarray | None = None) -> pd.DataFrame:
    """`data` with dyad, year and both states as integer codes in sorted label order.

    The codes order groups as the labels do, so every group sum, and hence every
    number, is the one the labels give; coding once spares each later step its
    own pass over n strings. Both states share one code list (`state_codes`).
    `runs`: the rows' dyad codes from `_dyad_runs` (gaps allowed); when each
    dyad keeps one pair of states, only the first row of each dyad is coded.
    """
    a, b = data["state_a"].to_numpy(), data["state_b"].to_numpy()
    if runs is None:
        dyad = group_codes(data["dyad"].to_numpy())[0]
        code_a, code_b, _ = state_codes(a, b)
    else:
        dyad = group_codes(runs)[0]
        first = np.flatnonzero(np.r_[True, dyad[1:] != dyad[:-1]])
        new = np.zeros(len(dyad), dtype=bool)
        new[first] = True
        constant = all(np.all((v[1:] == v[:-1]) | new[1:]) for v in (a, b))
        if constant:
            code_a, code_b, _ = state_codes(a[first], b[first])
            counts = np.diff(np.r_[first, len(dyad)])
            code_a, code_b = np.repeat(code_a, counts), np.repeat(code_b, counts)
        else:  # a dyad label over more than one pair of states: code every row
            code_a, code_b, _ = state_codes(a, b)
    return data.assign(
        dyad=dyad,
        year=group_codes(data["year"].to_numpy())[0],
        state_a=code_a,
        state_b=code_b,
    )


def _identified(
    data: pd.DataFrame,
    regressors: Sequence[str],
    effects: Sequence[str],
    resid: np.ndarray | None = None,
) -> tuple[list[str], list[str], list[str]]:
    """Regressors kept, absorbed by the fixed effects, and collinear with earlier ones.

    `resid`: the regressors' within transformation when the caller already has it.
    """
    raw = data[list(regressors)].to_numpy(dtype=float)
    if resid is None:
        resid = within(raw, data, effects)
    centred = raw - raw.mean(axis=0)
    scale = np.maximum(np.sum(centred**2, axis=0), 1e-300)
    absorbed_mask = np.sum(resid**2, axis=0) <= 1e-10 * scale
    kept: list[str] = []
    columns: list[int] = []
    collinear: list[str] = []
    for j, name in enumerate(regressors):
        if absorbed_mask[j]:
            continue
        trial = resid[:, [*columns, j]]
        if np.linalg.matrix_rank(trial) < trial.shape[1]:
            collinear.append(name)
            continue
        kept.append(name)
        columns.append(j)
    absorbed = [r for r, a in zip(regressors, absorbed_mask, strict=True) if a]
    return kept, absorbed, collinear


@dataclass(frozen=True)
class _Fit:
    """Slopes, and (X, e, bread) whose scores X * e give the sandwich's meat.

    The first k columns of X / rows of bread belong to the k slopes.
    """

    params: np.ndarray
    X: np.ndarray
    e: np.ndarray
    bread: np.ndarray
    statistics: dict[str, Any]
    y_within: np.ndarray | None = None


def _group_means(values: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
    """Each row's group mean of `values` (n x m)."""
    count = np.bincount(codes, minlength=n).astype(float)
    return np.take(group_sums(values, codes, n) / count[:, None], codes, axis=0)


def _fit_twoway_linear(
    data: pd.DataFrame, spec: ModelSpec, kept: list[str], yx_within: np.ndarray
) -> _Fit:
    """Least squares on the exact dyad + year within transformation, done once.

    `data` is `_coded` (dyad codes 0..D-1).
    `yx_within` holds the within-transformed dependent (column 0) and regressors
    (columns 1.., in `spec.regressors` order). The R-squared statistics are
    PanelOLS's: `r2` on the two-way within data, `r2_within` on data demeaned by
    dyad only (linearmodels' rsquared_within), both NaN when the total sum of
    squares is rounding error (linearmodels.shared.rsquared.r_squared).
    """
    from linearmodels.shared.rsquared import r_squared

    columns = [1 + spec.regressors.index(name) for name in kept]
    x_within = yx_within[:, columns]
    y_within = yx_within[:, 0]
    params = np.linalg.lstsq(x_within, y_within, rcond=None)[0]
    resid = y_within - x_within @ params
    y = data[spec.dependent].to_numpy(dtype=float)
    n = y.shape[0]
    y_ss = float(y @ y)
    r2 = r_squared(float(resid @ resid), float(y_within @ y_within), y_ss, n)
    dyads = data["dyad"].to_numpy()
    n_dyads = int(dyads.max()) + 1
    raw = np.column_stack([y, data[kept].to_numpy(dtype=float)])
    by_dyad = raw - _group_means(raw, dyads, n_dyads)
    e_dyad = by_dyad[:, 0] - by_dyad[:, 1:] @ params
    r2_dyad = r_squared(float(e_dyad @ e_dyad), float(by_dyad[:, 0] @ by_dyad[:, 0]), y_ss, n)
    return _Fit(
        params=params,
        X=x_within,
        e=resid,
        bread=np.linalg.inv(x_within.T @ x_within),
        statistics={"r2_within": _num(r2_dyad), "r2": _num(r2)},
        y_within=y_within,
    )


def _fit_linear(data: pd.DataFrame, spec: ModelSpec, kept: list[str]) -> _Fit:
    """Linear kinds with one or no effect: PanelOLS for the slopes and R-squared."""
    from linearmodels.panel import PanelOLS  # imported where a fit needs it

    effects = spec.effects or ()
    indexed = data.set_index(["dyad", "year"])
    exog = indexed[kept]
    if not effects:
        exog = exog.assign(_const=1.0)
    res = PanelOLS(
        indexed[spec.dependent],
        exog,
        entity_effects="dyad" in effects,
        time_effects="year" in effects,
        check_rank=True,
    ).fit()
    params = res.params[kept].to_numpy(dtype=float)
    x_within = within(data[kept], data, effects)
    y_within = within(data[spec.dependent], data, effects)[:, 0]
    resid = y_within - x_within @ params
    return _Fit(
        params=params,
        X=x_within,
        e=resid,
        bread=np.linalg.inv(x_within.T @ x_within),
        statistics={"r2_within": _num(res.rsquared_within), "r2": _num(res.rsquared)},
        y_within=y_within,
    )


def _dummy_design(data: pd.DataFrame, kept: list[str], effects: Sequence[str]) -> pd.DataFrame:
    parts = [data[kept].astype(float), pd.DataFrame({"_const": 1.0}, index=data.index)]
    for effect in effects:
        parts.append(
            pd.get_dummies(
                data[effect].astype(str), prefix=f"_fe_{effect}", drop_first=True, dtype=float
            )
        )
    return pd.concat(parts, axis=1)


def _ml_fit(model: Any, result: Any, k: int, statistics: dict[str, Any]) -> _Fit:
    """Scores and bread from a fitted statsmodels likelihood model."""
    params = np.asarray(result.params, dtype=float)
    scores = np.asarray(model.score_obs(params), dtype=float)
    bread = np.linalg.inv(-np.asarray(model.hessian(params), dtype=float))
    return _Fit(
        params=params[:k], X=scores, e=np.ones(scores.shape[0]), bread=bread, statistics=statistics
    )


def _fit_statsmodels(data: pd.DataFrame, spec: ModelSpec, kept: list[str]) -> _Fit:
    import statsmodels.api as sm

    X = _dummy_design(data, kept, spec.effects or ())
    y = data[spec.dependent].to_numpy(dtype=float)
    k = len(kept)
    if spec.kind in ("poisson", "negbin"):
        poisson = sm.GLM(y, X, family=sm.families.Poisson())
        res = poisson.fit(tol=1e-13, maxiter=500)
        stats_ = {"log_likelihood": _num(res.llf), "deviance": _num(res.deviance)}
        if spec.kind == "poisson":
            return _ml_fit(poisson, res, k, {**stats_, "converged": bool(res.converged)})
        negbin = sm.NegativeBinomial(y, X, loglike_method="nb2")
        mu = np.asarray(res.fittedvalues, dtype=float)
        # Start at the Poisson fit and the moment estimate of alpha (Cameron &
        # Trivedi); Newton converges in a few steps from there unless alpha is
        # near 0, where it can step to a negative alpha. Then BFGS, which works on
        # log(alpha), decides whether the optimum is at the boundary alpha = 0.
        alpha0 = max(float(np.sum((y - mu) ** 2 - y) / np.sum(mu**2)), 0.01)
        start = np.append(np.asarray(res.params), alpha0)
        nb = negbin.fit(start_params=start, method="newton", maxiter=100, disp=0)
        alpha = float(np.asarray(nb.params)[-1])
        valid = np.all(np.isfinite(nb.params)) and alpha > 0
        if not (valid and nb.mle_retvals.get("converged", False)):
            nb = negbin.fit(start_params=start, method="bfgs", maxiter=2000, disp=0)
            alpha = float(np.asarray(nb.params)[-1])
        if alpha < NB_ALPHA_BOUNDARY:
            # No overdispersion: the NB likelihood is maximised at alpha = 0, where
            # it is the Poisson likelihood; report the Poisson fit (same MLE).
            fit = _ml_fit(poisson, res, k, {**stats_, "converged": bool(res.converged)})
            fit.statistics.update(alpha=0.0, alpha_at_boundary=True)
            return fit
        return _ml_fit(
            negbin,
            nb,
            k,
            {
                "log_likelihood": _num(nb.llf),
                "alpha": _num(np.asarray(nb.params)[-1]),
                "alpha_at_boundary": False,
                "converged": bool(nb.mle_retvals.get("converged", False)),
            },
        )
    logit = sm.Logit(y, X)
    res = logit.fit(method="newton", maxiter=300, disp=0)
    return _ml_fit(
        logit,
        res,
        k,
        {
            "log_likelihood": _num(res.llf),
            "pseudo_r2": _num(res.prsquared),
            "converged": bool(res.mle_retvals.get("converged", False)),
        },
    )


class NotConverged(ValueError):
    """An estimator that stopped before converging: the model is reported as not
    estimated, with the reason, instead of stopping every other model's job."""


def _fit_ppml(data: pd.DataFrame, spec: ModelSpec, kept: list[str]) -> _Fit:
    import pyfixest as pf
    from scipy.special import gammaln

    effects = spec.effects or ()
    formula = f"{spec.dependent} ~ {' + '.join(kept)}"
    if effects:
        formula += " | " + " + ".join(effects)
    try:
        fit = pf.fepois(
            formula,
            data=data,
            vcov="iid",
            fixef_rm="none",
            fixef_tol=1e-12,
            iwls_tol=1e-12,
            iwls_maxiter=200,
        )
    except ValueError as err:
        if "failed after" not in str(err) and "converge" not in str(err).lower():
            raise
        raise NotConverged(f"PPML did not converge (pyfixest: {err})") from None
    if int(fit._N) != len(data):
        raise ValueError(f"model {spec.name!r}: pyfixest dropped {len(data) - fit._N} rows")
    params = fit.coef()[kept].to_numpy(dtype=float)
    mu = np.asarray(fit.predict(type="response"), dtype=float)
    y = data[spec.dependent].to_numpy(dtype=float)
    x_tilde = within(data[kept], data, effects, weights=mu)
    bread = np.linalg.inv(x_tilde.T @ (mu[:, None] * x_tilde))
    loglik = float(np.sum(y * np.log(mu) - mu - gammaln(y + 1)))
    return _Fit(
        params=params,
        X=x_tilde,
        e=y - mu,
        bread=bread,
        statistics={"log_likelihood": _num(loglik), "converged": bool(fit._convergence)},
    )


def _variance(fit: _Fit, data: pd.DataFrame, inference: str, k: int) -> tuple[np.ndarray, int, int]:
    """Slope variance under `inference`, its t degrees of freedom and cluster count."""
    a, b = data["state_a"].to_numpy(), data["state_b"].to_numpy()
    if inference == "cluster_dyad":
        vcov = cluster_vcov(fit.X, fit.e, data["dyad"].to_numpy(), fit.bread, n_params=k)
        groups = int(data["dyad"].nunique())
    elif inference == "twoway_states":
        vcov = two_way_cluster_vcov(fit.X, fit.e, a, b, fit.bread, n_params=k)
        groups = int(min(data["state_a"].nunique(), data["state_b"].nunique()))
    else:
        vcov = dyad_robust_vcov(fit.X, fit.e, a, b, fit.bread, n_params=k)
        groups = state_codes(a, b)[2]
    return vcov[:k, :k], groups - 1, groups


def _small_sample(
    fit: _Fit, data: pd.DataFrame, spec: ModelSpec, kept: list[str], seed: int | None
) -> dict[str, Any]:
    """Wild cluster bootstrap and randomisation inference for the first regressor."""
    out: dict[str, Any] = {}
    if not spec.small_sample:
        return out
    if seed is None:
        raise ValueError(f"model {spec.name!r}: small-sample procedures need a seed")
    first = spec.regressors[0]
    boot_seed, perm_seed = np.random.SeedSequence(seed).spawn(2)
    for procedure in spec.small_sample:
        if first not in kept:
            out[procedure] = {"regressor": first, "skipped": f"{first} is not estimated"}
            continue
        column = kept.index(first)
        a, b = data["state_a"].to_numpy(), data["state_b"].to_numpy()
        try:
            if procedure == "wild_bootstrap":
                n_dyads = int(data["dyad"].nunique())
                weights = "webb" if n_dyads < 12 else "rademacher"
                boot = wild_cluster_bootstrap(
                    fit.X,
                    fit.y_within,
                    column,
                    a,
                    b,
                    n_boot=spec.n_boot,
                    weights=weights,
                    seed=np.random.default_rng(boot_seed),
                )
                out[procedure] = {
                    "regressor": first,
                    "seed": seed,
                    "clusters": "dyad",
                    "p_value": _num(boot.p_value),
                    "ci": [_num(boot.ci[0]), _num(boot.ci[1])],
                    "ci_level": 0.95,
                    "t_stat": _num(boot.t_stat),
                    "n_boot": int(boot.n_boot),
                    "n_clusters": int(boot.n_clusters),
                    "weights": boot.weights,
                    "enumerated": bool(boot.enumerated),
                }
            else:
                perm = randomisation_inference(
                    data[spec.dependent].to_numpy(),
                    data[kept].to_numpy(),
                    column,
                    data["dyad"].to_numpy(),
                    data["year"].to_numpy(),
                    a,
                    b,
                    n_perm=spec.n_perm,
                    seed=np.random.default_rng(perm_seed),
                )
                out[procedure] = {
                    "regressor": first,
                    "seed": seed,
                    "p_value": _num(perm.p_value),
                    "statistic": _num(perm.statistic),
                    "kind": perm.kind,
                    "scheme": perm.scheme,
                    "n_perm": int(perm.n_perm),
                }
        except ValueError as err:
            out[procedure] = {"regressor": first, "skipped": str(err)}
    return out


# --------------------------------------------------------------------------- fitting


def _inference_label(inference: str, n_clusters: int, df: int) -> str:
    """E.g. "clustered by dyad, CR1 with 28 clusters; p-values from t(27)"."""
    groups = {
        "cluster_dyad": f"{n_clusters} clusters",
        "twoway_states": f"{n_clusters} states in the less varied position",
        "dyad_robust": f"{n_clusters} states",
    }[inference]
    return f"{INFERENCE[inference]}, CR1 with {groups}; p-values from t({df})"


def fit_model(panel: pd.DataFrame, spec: ModelSpec, *, seed: int | None = None) -> dict[str, Any]:
    """Fit one `ModelSpec` on the dyad-year panel; a JSON-ready result.

    Rows with a missing dependent or regressor are dropped (counted in
    `dropped_missing`: an area not collected is missing, not zero). Raises
    ValueError when nothing can be estimated (no rows, no variation, every
    regressor absorbed). `seed` drives the small-sample procedures.
    """
    from scipy import stats  # imported where a fit needs it

    data, n_missing, runs = _prepare(panel, spec)
    data, separated = _drop_separated(data, spec)
    if any(separated.values()):
        runs = None  # rows were dropped: code the labels
    where = f"model {spec.name!r}"
    if len(data) == 0:
        raise ValueError(
            f"{where}: no observations left after dropping fixed-effect groups "
            "without outcome variation"
        )
    outcome = data[spec.dependent].to_numpy()
    if outcome.min() == outcome.max():
        raise ValueError(f"{where}: {spec.dependent} does not vary")
    effects = spec.effects or ()
    coded = _coded(data, runs)
    twoway_linear = spec.kind in LINEAR_KINDS and sorted(effects) == sorted(EFFECTS)
    yx_within = None
    if twoway_linear:  # one exact within transformation serves every step below
        columns = [spec.dependent, *spec.regressors]
        yx_within = within(coded[columns].to_numpy(dtype=float), coded, EFFECTS)
    kept, absorbed, collinear = _identified(
        coded, spec.regressors, effects, None if yx_within is None else yx_within[:, 1:]
    )
    if not kept:
        raise ValueError(f"{where}: every regressor is absorbed by the fixed effects")
    k = len(kept)
    caught: list[str] = []
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        if yx_within is not None:
            fit = _fit_twoway_linear(coded, spec, kept, yx_within)
        elif spec.kind in LINEAR_KINDS:
            fit = _fit_linear(data, spec, kept)
        elif spec.kind == "ppml":
            fit = _fit_ppml(data, spec, kept)
        else:
            fit = _fit_statsmodels(data, spec, kept)
        vcov, df, n_clusters = _variance(fit, coded, spec.inference, k)
    clipped: float | None = None
    if spec.inference == "dyad_robust":
        vcov, clipped = clip_if_not_psd(vcov)
    for record in records:
        if not issubclass(record.category, DeprecationWarning | FutureWarning):
            caught.append(f"{record.category.__name__}: {record.message}")
    variance = np.diag(vcov)
    se = np.where(variance > 0, np.sqrt(np.where(variance > 0, variance, 1.0)), np.nan)
    t = fit.params / se
    pvalues = 2 * stats.t.sf(np.abs(t), df)
    crit = stats.t.ppf(0.975, df)
    notes = [spec.notes] if spec.notes else []
    nonpositive = [name for name, v in zip(kept, variance, strict=True) if not v > 0]
    if clipped is not None:
        notes.append(
            f"the {spec.inference.replace('_', '-')} variance was not positive semi-definite (lowest "
            f"eigenvalue {clipped:.3g}); its negative eigenvalues are set to zero "
            "(Cameron, Gelbach and Miller 2011)"
        )
    if nonpositive:
        notes.append(
            f"non-positive {spec.inference} variance for {', '.join(nonpositive)}: SE not reported"
        )
    if fit.statistics.get("converged") is False:
        notes.append(
            "the optimiser did not converge (often separation: a regressor predicts the "
            "outcome perfectly); coefficients and SEs are unreliable"
        )
    if any(separated.values()):
        labels = "; ".join(f"{e}: {', '.join(map(str, v))}" for e, v in separated.items() if v)
        notes.append(f"fixed-effect groups without outcome variation dropped ({labels})")
    return {
        "model": spec.name,
        "name": spec.name,
        "kind": spec.kind,
        "estimator": TWOWAY_LINEAR[spec.kind] if twoway_linear else KINDS[spec.kind],
        "formula": spec.formula,
        "dependent": spec.dependent,
        "regressors": list(spec.regressors),
        "params": {n: _num(v) for n, v in zip(kept, fit.params, strict=True)},
        "std_errors": {n: _num(v) for n, v in zip(kept, se, strict=True)},
        "pvalues": {n: _num(v) for n, v in zip(kept, pvalues, strict=True)},
        "conf_int": {
            n: [_num(c - crit * s), _num(c + crit * s)]
            for n, c, s in zip(kept, fit.params, se, strict=True)
        },
        "dropped_absorbed": absorbed,
        "dropped_collinear": collinear,
        "dropped_missing": n_missing,
        "dropped_separated": {
            "nobs": int(len(panel) - n_missing - len(data)),
            "dyads": [str(v) for v in separated.get("dyad", [])],
            "years": [int(v) for v in separated.get("year", [])],
        },
        "nobs": int(len(data)),
        "n_dyads": int(coded["dyad"].max()) + 1,
        "n_years": int(coded["year"].max()) + 1,
        "n_states": int(max(coded["state_a"].max(), coded["state_b"].max())) + 1,
        "fixed_effects": list(effects),
        "fixed_effects_method": (
            "dummies" if spec.kind in ("poisson", "negbin", "logit") else "absorbed"
        ),
        "inference": spec.inference,
        **({"vcov_min_eigenvalue": _num(clipped)} if clipped is not None else {}),
        "inference_label": _inference_label(spec.inference, n_clusters, df),
        "df": int(df),
        "n_clusters": int(n_clusters),
        "design": design_of(int(n_clusters))[0],
        "design_note": design_of(int(n_clusters))[1],
        "small_sample": _small_sample(fit, coded, spec, kept, seed),
        "statistics": fit.statistics,
        "r2_within": fit.statistics.get("r2_within"),
        "mean_dependent": _num(data[spec.dependent].mean()),
        "warnings": sorted(set(caught)),
        "notes": notes,
    }


def fit_models(
    panel: pd.DataFrame, specs: Sequence[ModelSpec], *, seed: int | None = None
) -> list[dict[str, Any]]:
    """Fit several specs in order, each with the same seed."""
    return [fit_model(panel, spec, seed=seed) for spec in specs]


def area_models(
    panel: pd.DataFrame,
    regressors: Sequence[str],
    *,
    kind: str = "twoway_fe",
    outcome: str = "score",
    effects: Sequence[str] | None = None,
    inference: str = "cluster_dyad",
    areas: Sequence[str] = AREAS,
    small_sample: Sequence[str] = (),
    seed: int | None = None,
) -> dict[str, Any]:
    """One model per area, dependent `<outcome>_<area>` (score, tie or n).

    An area is skipped, with the reason recorded, when its column is absent,
    it is not collected (every `uncollected_<area>` true or every value
    missing), its observed values do not vary, or the model cannot be
    estimated (e.g. every regressor absorbed).
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
    models: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for area in areas:
        dependent = f"{outcome}_{area}"

        def skip(reason: str, area: str = area, dependent: str = dependent) -> None:
            skipped.append({"area": area, "dependent": dependent, "reason": reason})

        flag = f"uncollected_{area}"
        if dependent not in panel.columns:
            skip(f"no column {dependent} in the panel")
            continue
        if (flag in panel.columns and panel[flag].astype(bool).all()) or panel[
            dependent
        ].isna().all():
            skip("not collected")
            continue
        reason = mechanical_definition(dependent, regressors)
        if reason:
            skip(f"refused: {reason}")
            continue
        observed = panel[[dependent, *regressors]].dropna()[dependent]
        if observed.nunique() < 2:
            value = observed.iloc[0] if len(observed) else float("nan")
            skip(f"no variation: every observed value is {value:g}")
            continue
        spec = ModelSpec(
            name=f"{outcome}_{area}",
            kind=kind,
            dependent=dependent,
            regressors=tuple(regressors),
            effects=None if effects is None else tuple(effects),
            inference=inference,
            small_sample=tuple(small_sample),
        )
        try:
            result = fit_model(panel, spec, seed=seed)
        except ValueError as err:
            skip(str(err))
            continue
        models.append({"area": area, **result})
    return {"outcome": outcome, "kind": kind, "models": models, "skipped": skipped}


# --------------------------------------------------------------------------- diagnostics


LEAVE_OUT = ("dyad", "state")


def leave_one_out(panel: pd.DataFrame, spec: ModelSpec, by: str = "dyad") -> dict[str, Any]:
    """Each regressor's coefficient (and SE) when each dyad, or each state, is dropped.

    by="dyad": one refit per dyad (D refits; suits a few dozen dyads). by="state":
    one refit per state without every dyad-year that involves it (N refits, so
    about N/2 times fewer than by dyad on a complete state system, and each
    shows how much one state's relations drive the estimate). A refit that
    fails records its reason. Small-sample procedures are not repeated.
    `range` gives, per regressor, the smallest and largest coefficient across
    rows and which unit's removal produced it.
    """
    if by not in LEAVE_OUT:
        raise ValueError(f"leave-one-out unit must be one of {LEAVE_OUT}, not {by!r}")
    spec = replace(spec, small_sample=())
    full = fit_model(panel, spec)
    if by == "dyad":
        units = sorted(panel["dyad"].unique())
    else:
        units = sorted(set(panel["state_a"]) | set(panel["state_b"]))
    rows: list[dict[str, Any]] = []
    for unit in units:
        if by == "dyad":
            keep = panel["dyad"] != unit
        else:
            keep = (panel["state_a"] != unit) & (panel["state_b"] != unit)
        try:
            res = fit_model(panel[keep], spec)
        except ValueError as err:
            rows.append({by: str(unit), "skipped": str(err)})
            continue
        rows.append(
            {
                by: str(unit),
                "nobs": res["nobs"],
                "params": res["params"],
                "std_errors": res["std_errors"],
                "dropped_absorbed": res["dropped_absorbed"],
            }
        )
    ranges: dict[str, Any] = {}
    for name in spec.regressors:
        values = [
            (r["params"][name], r[by])
            for r in rows
            if name in r.get("params", {}) and r["params"][name] is not None
        ]
        if values:
            low, high = min(values), max(values)
            ranges[name] = {
                "min": low[0],
                "min_without": low[1],
                "max": high[0],
                "max_without": high[1],
            }
    return {
        "name": spec.name,
        "regressors": list(spec.regressors),
        "full": {"params": full["params"], "std_errors": full["std_errors"], "nobs": full["nobs"]},
        "rows": rows,
        "range": ranges,
    }


def split_periods(
    panel: pd.DataFrame, spec: ModelSpec, cut: int = 2022, *, seed: int | None = None
) -> dict[str, Any]:
    """The model before `cut` (years < cut) and from `cut` on (years >= cut).

    A period that cannot be estimated (e.g. a regressor constant within dyads
    after the cut is absorbed, or too few years) records the reason.
    """
    out: dict[str, Any] = {"name": spec.name, "cut": int(cut)}
    for label, part in (
        ("pre", panel[panel["year"] < cut]),
        ("post", panel[panel["year"] >= cut]),
    ):
        years = [int(part["year"].min()), int(part["year"].max())] if len(part) else []
        try:
            out[label] = {"years": years, **fit_model(part, spec, seed=seed)}
        except ValueError as err:
            out[label] = {"years": years, "skipped": str(err)}
    return out


def _year_runs(years: Iterable[int]) -> list[list[int]]:
    """Consecutive runs: [2005, 2006, 2007, 2010] -> [[2005, 2007], [2010, 2010]]."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return runs


def covariate_missingness(panel: pd.DataFrame, columns: Sequence[str]) -> dict[str, Any]:
    """Which covariates are missing for which dyad-years.

    per_covariate: missing dyad-years, share, the dyads affected and the runs
    of years with any missing value; per_dyad: missing years per covariate;
    cells: every dyad-year with at least one missing covariate, and which.
    """
    check_dyad_year_unit(panel)
    absent = [c for c in columns if c not in panel.columns]
    if absent:
        raise ValueError(f"panel lacks columns {absent}")
    frame = panel[["dyad", "year", *columns]].sort_values(["dyad", "year"], ignore_index=True)
    isna = frame[list(columns)].isna()
    n = len(frame)
    per_covariate = []
    for column in columns:
        rows = frame[isna[column]]
        per_covariate.append(
            {
                "covariate": column,
                "missing": int(len(rows)),
                "share": float(len(rows) / n) if n else None,
                "dyads": sorted(rows["dyad"].astype(str).unique().tolist()),
                "year_runs": _year_runs(rows["year"].astype(int)),
            }
        )
    per_dyad = []
    for dyad, group in isna.groupby(frame["dyad"], sort=True):
        per_dyad.append(
            {
                "dyad": str(dyad),
                "n_years": int(len(group)),
                "missing": {c: int(group[c].sum()) for c in columns},
                "any_missing": int(group.any(axis=1).sum()),
            }
        )
    any_missing = isna.any(axis=1)
    cells = [
        {
            "dyad": str(frame.at[i, "dyad"]),
            "year": int(frame.at[i, "year"]),
            "covariates": [c for c in columns if isna.at[i, c]],
        }
        for i in np.flatnonzero(any_missing.to_numpy())
    ]
    return {
        "columns": list(columns),
        "n_dyad_years": int(n),
        "n_complete": int(n - any_missing.sum()),
        "per_covariate": per_covariate,
        "per_dyad": per_dyad,
        "cells": cells,
    }
