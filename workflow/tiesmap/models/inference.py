"""Honest inference for dyadic panels.

Observations on a dyad {a, b} share shocks with every other observation that
involves a or b: a Russia-specific shock moves China-Russia, Iran-Russia and
North Korea-Russia at once. Clustering by dyad ignores that dependence, and
clustering by each member separately (two-way clustering) still misses pairs in
which the shared state sits in different positions. This module provides

* the dyad-robust cluster variance of Aronow, Samii & Assenova (2015, Political
  Analysis 23(4)), computed in O(n k^2 + N k^2) by inclusion-exclusion rather
  than the O(n^2) double loop that defines it;
* an exact two-way (dyad + year) within transformation (`TwoWayDemeaner`),
  which `tiesmap.models.fit_model` applies once per linear two-way model;
* one-way and two-way (Cameron-Gelbach-Miller) cluster variances, for
  comparison;
* small-sample alternatives for panels with few states: a restricted wild
  cluster bootstrap-t and randomisation inference.

All functions are pure: arrays in, arrays (or frozen result records) out;
randomness comes only from the seed or numpy Generator passed in.

Notation: n observations, k regressors, N distinct states, u_i = x_i e_i the
score of observation i (x_i its row of the design, e_i its residual).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.linalg import pinvh

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
SeedLike = int | np.random.Generator | None

_WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


# --------------------------------------------------------------------------- helpers


def _as_2d(values: ArrayLike) -> FloatArray:
    """A float (n, m) array; a vector becomes one column."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1:
        return arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"expected a vector or a matrix, got {arr.ndim} dimensions")
    return arr


def _vector(values: ArrayLike, n: int, name: str) -> NDArray[np.generic]:
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"{name} must be a vector of length {n}, got shape {arr.shape}")
    return arr


def group_codes(labels: ArrayLike) -> tuple[IntArray, int]:
    """Integer codes 0..G-1 for arbitrary labels (in sorted label order), and G.

    Integers of a range no wider than the data (codes already, years, packed
    pair keys) are ranked by one bincount, without hashing. Other labels
    are hashed (pandas.factorize, sorting only the G distinct labels), not
    sorted: the same codes as numpy.unique's inverse, many times faster for
    strings. Missing labels fall back to numpy.unique.
    """
    arr = np.asarray(labels).ravel()
    if arr.dtype.kind in "iu" and arr.size:
        low, high = int(arr.min()), int(arr.max())
        if high - low < 4 * arr.size + 1024:
            ints = (arr - low if low else arr).astype(np.intp, copy=False)
            present = np.bincount(ints, minlength=high - low + 1) > 0
            if present.all():
                return ints, high - low + 1
            rank = np.cumsum(present, dtype=np.intp) - 1
            return rank[ints], int(rank[-1]) + 1
    codes, uniques = pd.factorize(arr, sort=True)
    if codes.size and codes.min() < 0:
        _, inverse = np.unique(arr, return_inverse=True)
        inverse = inverse.ravel().astype(np.intp)
        return inverse, int(inverse.max()) + 1
    return codes.astype(np.intp, copy=False), len(uniques)


# Up to this many columns, one weighted bincount per column is faster than
# building a sparse incidence matrix; beyond it, one sparse product is.
_BINCOUNT_COLUMNS = 8


def group_sums(values: FloatArray, codes: IntArray, n_groups: int) -> FloatArray:
    """Column sums of `values` within each group: an (n_groups, m) array.

    Either way the cost is O(n m) for any number of columns, which is why every
    meat below is computed from group sums: a weighted bincount per column for
    a few columns, one product with a sparse 0/1 incidence matrix for many.
    """
    n, m = values.shape
    if m <= _BINCOUNT_COLUMNS:
        out = np.empty((n_groups, m))
        for j in range(m):
            out[:, j] = np.bincount(codes, weights=values[:, j], minlength=n_groups)
        return out
    incidence = sparse.csr_array(
        (np.ones(n), (codes, np.arange(n))), shape=(n_groups, n), dtype=float
    )
    return np.asarray(incidence @ values)


def _rng(seed: SeedLike) -> np.random.Generator:
    """A Generator from a seed, or the Generator itself (so callers can share one)."""
    return np.random.default_rng(seed)


def _symmetric(matrix: FloatArray) -> FloatArray:
    return (matrix + matrix.T) / 2


def _bread(X: FloatArray, bread: ArrayLike | None) -> FloatArray:
    """(X'X)^-1 unless the caller already has it (e.g. from the fitted model)."""
    if bread is None:
        return np.linalg.inv(X.T @ X)
    out = np.asarray(bread, dtype=float)
    if out.shape != (X.shape[1], X.shape[1]):
        raise ValueError(f"bread must be {X.shape[1]}x{X.shape[1]}, got {out.shape}")
    return out


def _scores(X: ArrayLike, residuals: ArrayLike) -> tuple[FloatArray, FloatArray]:
    Xm = _as_2d(X)
    e = np.asarray(residuals, dtype=float).ravel()
    if e.shape[0] != Xm.shape[0]:
        raise ValueError(f"X has {Xm.shape[0]} rows but residuals has {e.shape[0]}")
    return Xm, Xm * e[:, None]


def small_sample_factor(n_clusters: int, nobs: int, n_params: int) -> float:
    """The CR1 factor G/(G-1) * (n-1)/(n-k).

    G/(G-1) corrects the downward bias of the meat when clusters (here: states)
    are few; (n-1)/(n-k) is the usual regression degrees-of-freedom correction.
    """
    if n_clusters < 2:
        raise ValueError("at least two clusters are needed")
    if nobs <= n_params:
        raise ValueError(f"{nobs} observations cannot identify {n_params} parameters")
    return n_clusters / (n_clusters - 1) * (nobs - 1) / (nobs - n_params)


def _clip_negative_eigenvalues(matrix: FloatArray) -> FloatArray:
    """Nearest PSD matrix by zeroing negative eigenvalues (Cameron, Gelbach & Miller 2011)."""
    values, vectors = np.linalg.eigh(_symmetric(matrix))
    return _symmetric((vectors * np.clip(values, 0.0, None)) @ vectors.T)


# Negative eigenvalues smaller than this share of the largest one are rounding error.
PSD_TOLERANCE = 1e-12


def clip_if_not_psd(vcov: ArrayLike) -> tuple[FloatArray, float | None]:
    """(variance, its most negative eigenvalue) with negative eigenvalues set to zero
    (Cameron, Gelbach & Miller 2011) when the matrix is not positive semi-definite
    beyond rounding; (the matrix unchanged, None) when it is, so a valid estimate is
    returned bit for bit. The inclusion-exclusion estimators (dyad-robust, two-way)
    are not PSD by construction: with few states, or a regressor that varies only on
    the dyads of one state, their meat can be negative."""
    matrix = _symmetric(_as_2d(vcov))
    values = np.linalg.eigvalsh(matrix)
    scale = float(np.max(np.abs(values))) if values.size else 0.0
    lowest = float(values.min()) if values.size else 0.0
    if scale == 0.0 or lowest >= -PSD_TOLERANCE * scale:
        return np.asarray(vcov, dtype=float), None
    return _clip_negative_eigenvalues(matrix), lowest


def _standard_errors(vcov: FloatArray, what: str) -> FloatArray:
    diag = np.diag(vcov).copy()
    if np.any(diag < 0):
        warnings.warn(
            f"{what}: negative variance for some coefficients (the inclusion-exclusion "
            "meat is not guaranteed PSD in small samples); their SEs are NaN. "
            "Consider clip_negative=True.",
            RuntimeWarning,
            stacklevel=3,
        )
        diag[diag < 0] = np.nan
    return np.sqrt(diag)


# --------------------------------------------------------------------------- dyads


def state_codes(state_a: ArrayLike, state_b: ArrayLike) -> tuple[IntArray, IntArray, int]:
    """Codes of both members on one shared state index, and the number of states N.

    A state must get the same code whether it appears first or second, since
    dependence runs through the state, not through its position in the dyad.
    Self-dyads (a == b) are refused: they have one member, and the
    inclusion-exclusion below assumes two.
    """
    a = np.asarray(state_a)
    b = np.asarray(state_b)
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"state_a and state_b must be vectors of one length: {a.shape}, {b.shape}")
    codes, n_states = group_codes(np.concatenate([a, b]))
    code_a, code_b = codes[: a.shape[0]], codes[a.shape[0] :]
    if np.any(code_a == code_b):
        raise ValueError(f"{int(np.sum(code_a == code_b))} observations pair a state with itself")
    return code_a, code_b, n_states


def unordered_dyad_codes(state_a: ArrayLike, state_b: ArrayLike) -> tuple[IntArray, int]:
    """Codes of the unordered pair {a, b}: (A, B) and (B, A) are the same dyad.

    Directed observations A->B and B->A share both states, so for the dyad-robust
    variance they belong to one dyad whatever the panel's unit is.
    """
    code_a, code_b, n_states = state_codes(state_a, state_b)
    low = np.minimum(code_a, code_b).astype(np.int64)
    high = np.maximum(code_a, code_b).astype(np.int64)
    return group_codes(low * n_states + high)


# --------------------------------------------------------------------------- meats


def cluster_meat(scores: ArrayLike, clusters: ArrayLike) -> FloatArray:
    """sum_g U_g U_g', U_g the summed scores of cluster g (no small-sample factor)."""
    U = _as_2d(scores)
    codes, n_groups = group_codes(_vector(clusters, U.shape[0], "clusters"))
    sums = group_sums(U, codes, n_groups)
    return _symmetric(sums.T @ sums)


def dyad_robust_meat(scores: ArrayLike, state_a: ArrayLike, state_b: ArrayLike) -> FloatArray:
    """sum over pairs (i, j) of observations sharing >= 1 state of u_i u_j', in O(n k^2).

    Inclusion-exclusion. For each state s let S_s = sum of u_i over observations
    involving s. Then

        sum_s S_s S_s' = sum_{i,j} |{a_i,b_i} ∩ {a_j,b_j}| u_i u_j',

    which counts a pair once per shared state. A pair shares two states exactly
    when both observations are on the same unordered dyad (any years, either
    direction, repeated dyad-years included), so with D_d = sum of u_i over all
    observations of dyad d,

        sum_d D_d D_d' = sum_{i,j} 1[same dyad] u_i u_j'

    and the wanted sum of 1[share >= 1 state] u_i u_j' is

        meat = sum_s S_s S_s' - sum_d D_d D_d'.

    The i = j terms (u_i u_i') are included once, as the definition requires.
    This is the same quantity as the decomposition in Aronow et al. (sum over
    states of "cluster on dyads containing s" meats, minus the dyad-clustered
    meat, minus (N - 2) times the HC0 meat), without forming N cluster meats.
    """
    U = _as_2d(scores)
    code_a, code_b, n_states = state_codes(
        _vector(state_a, U.shape[0], "state_a"), _vector(state_b, U.shape[0], "state_b")
    )
    by_state = group_sums(U, code_a, n_states) + group_sums(U, code_b, n_states)
    dyad, n_dyads = unordered_dyad_codes(state_a, state_b)
    by_dyad = group_sums(U, dyad, n_dyads)
    return _symmetric(by_state.T @ by_state - by_dyad.T @ by_dyad)


# --------------------------------------------------------------------------- variances


def dyad_robust_vcov(
    X: ArrayLike,
    residuals: ArrayLike,
    state_a: ArrayLike,
    state_b: ArrayLike,
    bread: ArrayLike | None = None,
    *,
    small_sample: bool = True,
    n_params: int | None = None,
    clip_negative: bool = False,
) -> FloatArray:
    """Dyad-robust cluster variance (Aronow, Samii & Assenova 2015): B M B.

    B = (X'X)^-1 (or `bread`), M = `dyad_robust_meat` of the scores x_i e_i.
    For a fixed-effects model pass the within-transformed X and the residuals;
    by Frisch-Waugh-Lovell the slope variance is then the one of the full
    model with dummies.

    small_sample: multiply by N/(N-1) * (n-1)/(n-k), N the number of states,
    k = `n_params` (default: columns of X, i.e. absorbed fixed effects are not
    counted, like pyfixest's k_fixef="none"). This is the CR1 convention with
    states in the role of clusters, applied once to the whole estimator. The
    R ports of the paper's code (dyadRobust; dcr) apply no adjustment (HC0
    components); small_sample=False reproduces them.

    clip_negative: the inclusion-exclusion meat is not guaranteed positive
    semi-definite (its pair-indicator matrix has eigenvalue -1 once N >= 4);
    optionally zero negative eigenvalues. With few states and weak dependence
    the estimate is noisy (relative SD of order 2/sqrt(N)) and can be negative;
    prefer the wild bootstrap or randomisation inference there.
    """
    Xm, U = _scores(X, residuals)
    B = _bread(Xm, bread)
    vcov = B @ dyad_robust_meat(U, state_a, state_b) @ B
    if small_sample:
        _, _, n_states = state_codes(state_a, state_b)
        k = Xm.shape[1] if n_params is None else n_params
        vcov = vcov * small_sample_factor(n_states, Xm.shape[0], k)
    vcov = _symmetric(vcov)
    return _clip_negative_eigenvalues(vcov) if clip_negative else vcov


def dyad_robust_se(
    X: ArrayLike,
    residuals: ArrayLike,
    state_a: ArrayLike,
    state_b: ArrayLike,
    bread: ArrayLike | None = None,
    *,
    small_sample: bool = True,
    n_params: int | None = None,
    clip_negative: bool = False,
) -> FloatArray:
    """Dyad-robust standard errors for a fitted (fixed-effects) linear model.

    Pass the within-transformed regressors (`twoway_within`) and the model's
    residuals; the residuals of linearmodels' PanelOLS (`results.resids`) are the
    within residuals and can be passed directly.
    """
    vcov = dyad_robust_vcov(
        X,
        residuals,
        state_a,
        state_b,
        bread,
        small_sample=small_sample,
        n_params=n_params,
        clip_negative=clip_negative,
    )
    return _standard_errors(vcov, "dyad_robust_se")


def cluster_vcov(
    X: ArrayLike,
    residuals: ArrayLike,
    clusters: ArrayLike,
    bread: ArrayLike | None = None,
    *,
    small_sample: bool = True,
    n_params: int | None = None,
) -> FloatArray:
    """One-way cluster-robust (CR1 when small_sample) variance; e.g. clusters = dyads."""
    Xm, U = _scores(X, residuals)
    B = _bread(Xm, bread)
    vcov = B @ cluster_meat(U, clusters) @ B
    if small_sample:
        _, n_groups = group_codes(clusters)
        k = Xm.shape[1] if n_params is None else n_params
        vcov = vcov * small_sample_factor(n_groups, Xm.shape[0], k)
    return _symmetric(vcov)


def two_way_cluster_vcov(
    X: ArrayLike,
    residuals: ArrayLike,
    state_a: ArrayLike,
    state_b: ArrayLike,
    bread: ArrayLike | None = None,
    *,
    small_sample: bool = True,
    n_params: int | None = None,
    clip_negative: bool = False,
) -> FloatArray:
    """Two-way clustering by member (Cameron, Gelbach & Miller 2011): V_a + V_b - V_ab.

    V_a clusters on the first member, V_b on the second, V_ab on their
    intersection (the ordered pair). Each term gets its own G/(G-1) *
    (n-1)/(n-k) factor when small_sample, as in CGM.

    Why it is here: as a comparison. It covers pairs sharing the first member
    or the second member, but not a pair where a state is first in one
    observation and second in the other (e.g. (CHN, RUS) and (RUS, PRK) with
    alphabetical order), so it understates dyadic dependence (Cameron & Miller
    2014; Aronow et al. 2015). It can be non-PSD; clip_negative zeroes negative
    eigenvalues as CGM suggest.
    """
    Xm, U = _scores(X, residuals)
    B = _bread(Xm, bread)
    n = Xm.shape[0]
    a = _vector(state_a, n, "state_a")
    b = _vector(state_b, n, "state_b")
    code_a, code_b, n_states = state_codes(a, b)
    pair = code_a.astype(np.int64) * n_states + code_b
    k = Xm.shape[1] if n_params is None else n_params
    total = np.zeros((Xm.shape[1], Xm.shape[1]))
    for labels, sign in ((code_a, 1.0), (code_b, 1.0), (pair, -1.0)):
        part = B @ cluster_meat(U, labels) @ B
        if small_sample:
            part = part * small_sample_factor(group_codes(labels)[1], n, k)
        total += sign * part
    total = _symmetric(total)
    return _clip_negative_eigenvalues(total) if clip_negative else total


# --------------------------------------------------------------------------- within


# Cells of the (big x small) incidence matrix made dense at a time: bounded memory.
_GRAM_BLOCK = 1 << 22


def _scaled_gram(cross: sparse.csr_array, count_big: FloatArray) -> FloatArray:
    """C' diag(1/count_big) C for the (big x small) incidence C, as a dense array.

    A sparse product costs the sum over big levels of their squared numbers of
    small levels (dyads x years^2 in a balanced panel); dense blocks of rows
    give the same sum to BLAS, with memory bounded by the block.
    """
    n_big, n_small = cross.shape
    gram = np.zeros((n_small, n_small))
    rows = max(1, _GRAM_BLOCK // max(n_small, 1))
    for start in range(0, n_big, rows):
        stop = min(start + rows, n_big)
        block = cross[start:stop].toarray()
        gram += (block / count_big[start:stop, None]).T @ block
    return gram


@dataclass(frozen=True)
class TwoWayDemeaner:
    """Exact projection off two crossed sets of fixed effects (e.g. dyad and year).

    The factor with more levels (`big`, usually dyads) is removed by group
    demeaning; the one with fewer (`small`, usually years) by solving its
    (levels x levels) normal equations after that demeaning:

        M v = M1 v - M1 D2 g,  g = (D2' M1 D2)^+ D2' M1 v,

    where M1 demeans within `big` and D2 are the `small` dummies. Unlike
    alternating projections this is exact in one pass, handles unbalanced
    panels, and its cost is O(n m + L^3) for m columns and L small levels; it is
    built once and applied to many columns (e.g. permuted treatments).
    """

    big: IntArray
    small: IntArray
    count_big: FloatArray
    cross: sparse.csr_array
    gram_pinv: FloatArray

    @classmethod
    def from_labels(cls, first: ArrayLike, second: ArrayLike) -> TwoWayDemeaner:
        code1, n1 = group_codes(first)
        code2, n2 = group_codes(_vector(second, code1.shape[0], "second"))
        if n1 < n2:
            code1, n1, code2, n2 = code2, n2, code1, n1
        n = code1.shape[0]
        count_big = np.bincount(code1, minlength=n1).astype(float)
        count_small = np.bincount(code2, minlength=n2).astype(float)
        cross = sparse.csr_array((np.ones(n), (code1, code2)), shape=(n1, n2), dtype=float)
        gram = np.diag(count_small) - _scaled_gram(cross, count_big)
        # One null direction per connected component of the bipartite graph;
        # a relative cut-off removes it without touching genuine eigenvalues.
        gram_pinv = pinvh(_symmetric(gram), rtol=1e-10)
        return cls(code1, code2, count_big, cross, gram_pinv)

    def transform(self, values: ArrayLike) -> FloatArray:
        """Residuals of `values` (vector or matrix) on both sets of dummies."""
        arr = np.asarray(values, dtype=float)
        V = _as_2d(arr)
        if V.shape[0] != self.big.shape[0]:
            raise ValueError(f"expected {self.big.shape[0]} rows, got {V.shape[0]}")
        n_big = self.count_big.shape[0]
        n_small = self.gram_pinv.shape[0]
        # np.take gathers rows about twice as fast as fancy indexing
        means = group_sums(V, self.big, n_big) / self.count_big[:, None]
        out = V - np.take(means, self.big, axis=0)
        gamma = self.gram_pinv @ group_sums(out, self.small, n_small)
        out -= np.take(gamma, self.small, axis=0)
        back = np.asarray(self.cross @ gamma) / self.count_big[:, None]
        out += np.take(back, self.big, axis=0)
        return out[:, 0] if arr.ndim == 1 else out


def twoway_within(values: ArrayLike, dyad: ArrayLike, year: ArrayLike) -> FloatArray:
    """Two-way (dyad + year) within transformation of a vector or matrix; exact."""
    return TwoWayDemeaner.from_labels(dyad, year).transform(values)


# --------------------------------------------------------------------------- FE fit


# --------------------------------------------------------------------------- wild bootstrap


@dataclass(frozen=True)
class WildBootstrapResult:
    """Restricted wild cluster bootstrap-t for one coefficient."""

    coef: float
    t_stat: float
    p_value: float
    ci: tuple[float, float]
    null: float
    n_boot: int
    n_clusters: int
    weights: str
    enumerated: bool
    t_boot: FloatArray


BOOTSTRAP_CHUNK = 2_000_000  # weights (clusters x draws) held at once in the wild bootstrap


def _weight_chunks(
    kind: str, n_clusters: int, n_boot: int, rng: np.random.Generator, rows: int
) -> tuple[Any, int, bool]:
    """The (G, B) bootstrap weights as blocks of at most `rows` clusters.

    Returns (chunks, B, enumerated): calling `chunks()` yields (first row, block)
    pairs, and every call yields the same blocks. Random blocks are drawn row
    block by row block from the state `rng` had on entry, which gives exactly
    the draws of one (G, B) call (numpy fills arrays row-major); `rng` is left
    where that one call would leave it.
    """
    if kind not in ("rademacher", "webb"):
        raise ValueError(f"weights must be 'rademacher' or 'webb', not {kind!r}")
    rows = max(1, rows)
    if kind == "rademacher" and 2**n_clusters <= n_boot:
        columns = np.arange(2**n_clusters)[None, :]

        def enumerated() -> Any:
            for lo in range(0, n_clusters, rows):
                bits = (columns >> np.arange(lo, min(lo + rows, n_clusters))[:, None]) & 1
                yield lo, 2.0 * bits - 1.0

        return enumerated, 2**n_clusters, True
    start = rng.bit_generator.state

    def draw(size: tuple[int, int]) -> FloatArray:
        if kind == "rademacher":
            return 2.0 * rng.integers(0, 2, size=size) - 1.0
        return rng.choice(_WEBB, size=size)

    def random() -> Any:
        rng.bit_generator.state = start
        for lo in range(0, n_clusters, rows):
            yield lo, draw((min(rows, n_clusters - lo), n_boot))

    return random, n_boot, False


def wild_cluster_bootstrap(
    X: ArrayLike,
    y: ArrayLike,
    column: int,
    state_a: ArrayLike,
    state_b: ArrayLike,
    *,
    clusters: ArrayLike | None = None,
    null: float = 0.0,
    n_boot: int = 9999,
    weights: Literal["rademacher", "webb"] = "rademacher",
    level: float = 0.95,
    ci: bool = True,
    seed: SeedLike = None,
) -> WildBootstrapResult:
    """Wild cluster restricted (WCR) bootstrap-t, p-value and CI for one coefficient.

    Why: with few clusters the CR1 t-statistic over-rejects; the bootstrap with
    the null imposed (Cameron, Gelbach & Miller 2008; MacKinnon & Webb) keeps
    size close to nominal. For a FE model pass the within-transformed X and y
    (`tiesmap.models` passes its fit's): by Frisch-Waugh-Lovell restricted
    fits and bootstrap fits are those of the model with dummies.

    Clusters default to unordered dyads (from state_a, state_b); note that
    dyad clusters do not cover dependence between dyads sharing a state.
    Rademacher weights are fully enumerated when 2^G <= n_boot (exact and
    seed-free); Webb's six-point weights suit G below about 12.

    The p-value is symmetric, P(|t*| >= |t|). The CI inverts the test: the set
    of b0 whose p-value exceeds 1 - level, found by bisection with the same
    weights. Everything is linear in b0 (restricted residuals are
    e0 - b0 r), so each evaluation costs O(B) after an O(n k + G k B) set-up.
    """
    Xm = _as_2d(X)
    n, k = Xm.shape
    yv = np.asarray(y, dtype=float).ravel()
    if yv.shape[0] != n:
        raise ValueError(f"X has {n} rows but y has {yv.shape[0]}")
    if not 0 <= column < k:
        raise ValueError(f"column {column} out of range for {k} regressors")
    if clusters is None:
        codes, n_groups = unordered_dyad_codes(
            _vector(state_a, n, "state_a"), _vector(state_b, n, "state_b")
        )
    else:
        codes, n_groups = group_codes(_vector(clusters, n, "clusters"))
    factor = small_sample_factor(n_groups, n, k)

    A = np.linalg.inv(Xm.T @ Xm)
    h = Xm @ A[column]  # a_j' x_i: observation i's weight in coefficient j
    beta = A @ (Xm.T @ yv)
    resid = yv - Xm @ beta
    se = np.sqrt(factor * np.sum(group_sums((h * resid)[:, None], codes, n_groups) ** 2))

    others = np.delete(Xm, column, axis=1)
    xj = Xm[:, column]
    if others.shape[1]:
        coef_y, *_ = np.linalg.lstsq(others, yv, rcond=None)
        coef_x, *_ = np.linalg.lstsq(others, xj, rcond=None)
        e0, r = yv - others @ coef_y, xj - others @ coef_x
    else:
        e0, r = yv.copy(), xj.copy()

    rng = _rng(seed)
    chunks, n_draws, enumerated = _weight_chunks(
        weights, n_groups, n_boot, rng, BOOTSTRAP_CHUNK // max(1, n_boot)
    )
    V = group_sums(Xm * h[:, None], codes, n_groups)  # rows X_g'X_g a_j
    C0 = group_sums(Xm * e0[:, None], codes, n_groups)  # rows c_g = X_g'e_g
    C1 = group_sums(Xm * r[:, None], codes, n_groups)
    q0, q1 = C0 @ A[column], C1 @ A[column]

    # Bootstrap scores q_g w_gb - v_g' A C'w_b for each cluster g and draw b, in
    # blocks of clusters so that memory stays bounded (the draws are the same
    # for any block size; sums over blocks differ from one sum only by rounding).
    num0, num1 = np.zeros(n_draws), np.zeros(n_draws)
    T0, T1 = np.zeros((k, n_draws)), np.zeros((k, n_draws))
    for lo, W in chunks():
        hi = lo + W.shape[0]
        num0 += q0[lo:hi] @ W
        num1 += q1[lo:hi] @ W
        T0 += C0[lo:hi].T @ W
        T1 += C1[lo:hi].T @ W
    T0, T1 = A @ T0, A @ T1
    s00, s01, s11 = np.zeros(n_draws), np.zeros(n_draws), np.zeros(n_draws)
    for lo, W in chunks():
        hi = lo + W.shape[0]
        s0 = q0[lo:hi, None] * W - V[lo:hi] @ T0
        s1 = q1[lo:hi, None] * W - V[lo:hi] @ T1
        s00 += (s0 * s0).sum(0)
        s01 += (s0 * s1).sum(0)
        s11 += (s1 * s1).sum(0)

    def t_boot(b0: float) -> FloatArray:
        variance = factor * np.maximum(s00 - 2 * b0 * s01 + b0**2 * s11, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (num0 - b0 * num1) / np.sqrt(variance)

    def p_value(b0: float) -> float:
        t_obs = abs(beta[column] - b0) / se
        return float(np.mean(np.abs(t_boot(b0)) >= t_obs * (1 - 1e-12)))

    interval = (np.nan, np.nan)
    if ci:
        alpha = 1 - level
        bounds = []
        for direction in (-1.0, 1.0):
            inner, step = float(beta[column]), se
            outer = inner + direction * step
            while p_value(outer) > alpha and step < 1e6 * se:
                inner, step = outer, step * 2
                outer = float(beta[column]) + direction * step
            if p_value(outer) > alpha:
                bounds.append(direction * np.inf)
                continue
            for _ in range(100):
                mid = (inner + outer) / 2
                if p_value(mid) > alpha:
                    inner = mid
                else:
                    outer = mid
                if abs(outer - inner) <= 1e-10 * se:
                    break
            bounds.append((inner + outer) / 2)
        interval = (bounds[0], bounds[1])

    return WildBootstrapResult(
        coef=float(beta[column]),
        t_stat=float((beta[column] - null) / se),
        p_value=p_value(null),
        ci=interval,
        null=null,
        n_boot=n_draws,
        n_clusters=n_groups,
        weights=weights,
        enumerated=enumerated,
        t_boot=t_boot(null),
    )


# --------------------------------------------------------------------------- randomisation


@dataclass(frozen=True)
class RandomisationResult:
    """Randomisation (permutation) test of no effect of one regressor."""

    statistic: float
    p_value: float
    n_perm: int
    scheme: str
    kind: str
    null_distribution: FloatArray
    share_nonpositive_variance: float


def _permutation_blocks(
    scheme: str, dyad: IntArray, year: IntArray, n_dyads: int
) -> list[IntArray]:
    """Index matrices whose rows are exchanged by one permutation.

    "dyads": each row is one dyad's observations in year order; rows in a block
    have the same years, so a dyad's whole treatment path moves to another dyad
    observed in the same years (balanced panels: one block).
    "years": one row-vector per year; observations are exchanged within a year.
    """
    if scheme == "dyads":
        order = np.lexsort((year, dyad))
        starts = np.searchsorted(dyad[order], np.arange(n_dyads))
        groups: dict[tuple[int, ...], list[IntArray]] = {}
        for rows in np.split(order, starts[1:]):
            groups.setdefault(tuple(year[rows].tolist()), []).append(rows)
        blocks = [np.vstack(rows) for rows in groups.values() if len(rows) > 1]
    elif scheme == "years":
        blocks = [np.flatnonzero(year == t)[:, None] for t in np.unique(year)]
        blocks = [b for b in blocks if b.shape[0] > 1]
    else:
        raise ValueError(f"scheme must be 'dyads' or 'years', not {scheme!r}")
    if not blocks:
        raise ValueError(f"nothing to permute under scheme {scheme!r}")
    return blocks


def randomisation_inference(
    y: ArrayLike,
    X: ArrayLike,
    column: int,
    dyad: ArrayLike,
    year: ArrayLike,
    state_a: ArrayLike,
    state_b: ArrayLike,
    *,
    scheme: Literal["dyads", "years"] = "dyads",
    n_perm: int = 999,
    statistic: Literal["coef", "t"] = "coef",
    seed: SeedLike = None,
    chunk: int = 256,
) -> RandomisationResult:
    """Permutation p-value for the two-way FE coefficient of X[:, column].

    Why: with a handful of states no variance estimator is trustworthy; if the
    treatment's assignment is exchangeable across dyads (or across dyads within
    a year), the permutation distribution gives an exact test of the sharp null
    of no effect, whatever the dependence in the outcome. X and y are raw (not
    demeaned): the treatment is permuted, then the two-way within transform and
    the fit are redone, with the other regressors held fixed.

    statistic="coef" (default) uses the coefficient: exact under the sharp
    null, no variance estimate involved. statistic="t" studentises with the
    dyad-robust SE, which keeps the test asymptotically valid for the weak null
    too (Chung & Romano 2013), but with few states that variance is noisy and
    often non-positive (in tests: about a quarter of permutations with 8
    states); such draws get |t| = inf, which keeps the test valid under the
    sharp null but costs power, and their share is reported.
    p = (1 + #{|T*| >= |T|}) / (1 + n_perm).
    """
    Xm = _as_2d(X)
    n, k = Xm.shape
    yv = np.asarray(y, dtype=float).ravel()
    if yv.shape[0] != n:
        raise ValueError(f"X has {n} rows but y has {yv.shape[0]}")
    dyad_codes, n_dyads = group_codes(_vector(dyad, n, "dyad"))
    year_codes, _ = group_codes(_vector(year, n, "year"))
    code_a, code_b, n_states = state_codes(
        _vector(state_a, n, "state_a"), _vector(state_b, n, "state_b")
    )
    pair, n_pairs = unordered_dyad_codes(state_a, state_b)
    demeaner = TwoWayDemeaner.from_labels(dyad_codes, year_codes)
    others = demeaner.transform(np.delete(Xm, column, axis=1))
    basis = np.linalg.qr(others)[0] if others.shape[1] else np.zeros((n, 0))
    y_tilde = demeaner.transform(yv)
    y_tilde = y_tilde - basis @ (basis.T @ y_tilde)
    factor = small_sample_factor(n_states, n, k)

    def statistics(treatments: FloatArray) -> FloatArray:
        x = demeaner.transform(treatments)
        x = x - basis @ (basis.T @ x)
        sxx = np.sum(x * x, axis=0)
        coef = (x.T @ y_tilde) / sxx
        if statistic == "coef":
            return coef
        psi = x * (y_tilde[:, None] - x * coef) / sxx
        by_state = group_sums(psi, code_a, n_states) + group_sums(psi, code_b, n_states)
        by_dyad = group_sums(psi, pair, n_pairs)
        variance = factor * ((by_state**2).sum(0) - (by_dyad**2).sum(0))
        with np.errstate(divide="ignore", invalid="ignore"):
            t = coef / np.sqrt(variance)
        return np.where(variance > 0, t, np.inf)

    if statistic not in ("t", "coef"):
        raise ValueError(f"statistic must be 't' or 'coef', not {statistic!r}")
    blocks = _permutation_blocks(scheme, dyad_codes, year_codes, n_dyads)
    treatment = Xm[:, column]
    observed = float(statistics(treatment[:, None])[0])
    rng = _rng(seed)
    draws = np.empty(n_perm)
    for start in range(0, n_perm, chunk):
        width = min(chunk, n_perm - start)
        permuted = np.empty((n, width))
        for j in range(width):
            source = np.arange(n)
            for block in blocks:
                source[block.ravel()] = block[rng.permutation(block.shape[0])].ravel()
            permuted[:, j] = treatment[source]
        draws[start : start + width] = statistics(permuted)
    extreme = np.sum(np.abs(draws) >= abs(observed) * (1 - 1e-12))
    return RandomisationResult(
        statistic=observed,
        p_value=float((1 + extreme) / (1 + n_perm)),
        n_perm=n_perm,
        scheme=scheme,
        kind=statistic,
        null_distribution=draws,
        share_nonpositive_variance=float(np.mean(np.isinf(draws))) if statistic == "t" else 0.0,
    )
