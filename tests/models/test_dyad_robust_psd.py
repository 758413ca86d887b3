"""The dyad-robust variance can be negative: not a bug of the fast formula but of the
estimator (its inclusion-exclusion meat is not PSD). The case the global scope met
(a war covariate that varies only on the dyads of one state, Russia): the hub's score
sum is zero by the normal equations, so the meat is sum over the other states of
S_s^2 minus sum over dyads of D_d^2, negative in about half of random draws. The fix
of Cameron, Gelbach and Miller (2011): zero the negative eigenvalues, and say so."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from tests.models.test_inference import brute_force_dyad_robust_meat
from tiesmap.models.inference import clip_if_not_psd, dyad_robust_meat, twoway_within
from tiesmap.models.models import ModelSpec, fit_model

STATES = list("ABCDEF")


def star_panel(seed: int) -> pd.DataFrame:
    """Every dyad of six states, 2000-2009; x = 1 on A's dyads from 2008 (a war of A)."""
    rows = [(a, b, y) for a, b in itertools.combinations(STATES, 2) for y in range(2000, 2010)]
    frame = pd.DataFrame(rows, columns=["state_a", "state_b", "year"])
    frame["dyad"] = frame["state_a"] + "-" + frame["state_b"]
    frame["x"] = ((frame["state_a"] == "A") & (frame["year"] >= 2008)).astype(float)
    frame["z"] = np.random.default_rng(seed + 100).normal(size=len(frame))
    frame["y"] = np.random.default_rng(seed).normal(size=len(frame))
    return frame


def star_scores(frame: pd.DataFrame) -> np.ndarray:
    within = twoway_within(frame[["y", "x"]].to_numpy(), frame["dyad"], frame["year"])
    y, x = within[:, 0], within[:, 1:]
    e = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    return x * e[:, None]


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_negative_dyad_robust_meat_is_the_definition_not_the_formula(seed):
    frame = star_panel(seed)
    scores = star_scores(frame)
    fast = dyad_robust_meat(scores, frame["state_a"], frame["state_b"])
    slow = brute_force_dyad_robust_meat(scores, frame["state_a"], frame["state_b"])
    np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-12)
    assert fast[0, 0] < 0
    hub = ((frame["state_a"] == "A") | (frame["state_b"] == "A")).to_numpy()
    assert abs(scores[hub, 0].sum()) < 1e-10  # the hub's score sum vanishes


def test_clipping_only_when_not_psd():
    valid = np.array([[2.0, 0.5], [0.5, 1.0]])
    same, lowest = clip_if_not_psd(valid)
    assert lowest is None and same is not None and np.array_equal(same, valid)
    bad = np.array([[1.0, 2.0], [2.0, 1.0]])  # eigenvalues 3 and -1
    clipped, lowest = clip_if_not_psd(bad)
    assert lowest == pytest.approx(-1.0)
    np.testing.assert_allclose(clipped, [[1.5, 1.5], [1.5, 1.5]])
    assert np.linalg.eigvalsh(clipped).min() >= -1e-12


def spec(name: str, formula: str) -> ModelSpec:
    entry = {"name": name, "kind": "twoway_fe", "formula": formula, "inference": "dyad_robust"}
    return ModelSpec.from_config(entry)


def test_fit_model_clips_and_says_so():
    frame = star_panel(2)
    result = fit_model(frame, spec("star", "y ~ x + z"))
    assert result["vcov_min_eigenvalue"] < 0
    assert any("Cameron, Gelbach and Miller" in n for n in result["notes"])
    # one regressor: its negative variance clips to zero, and the SE is not reported
    single = fit_model(frame, spec("one", "y ~ x"))
    assert single["std_errors"]["x"] is None
    assert any("SE not reported" in n for n in single["notes"])
    valid = fit_model(star_panel(0), spec("ok", "y ~ x"))
    assert "vcov_min_eigenvalue" not in valid and valid["std_errors"]["x"] > 0
