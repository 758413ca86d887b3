"""The choices the configuration makes for a stage, now functions of their stage:
the index's coverage and weights, which source records are in scope, which models a
build fits, and what the model tables say about the ones it could not."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from tests.report.test_model_outputs import TINY
from tiesmap.core.codebook import AREAS
from tiesmap.index.configured import coverage_of, index_weights
from tiesmap.index.dyads import directed_activities
from tiesmap.index.index import pca_weights, tie_intensity
from tiesmap.models.configured import absent_columns, configured_models
from tiesmap.models.models import specs_from_config
from tiesmap.report.model_outputs import covariates_note, model_table
from tiesmap.sources.linking import involves, scope_states

FITTED = TINY[0]


def test_directed_activities_are_the_codebooks_directed_ones(codebook):
    directed = directed_activities(codebook)
    assert directed == {a.code for a in codebook.activities.values() if a.directed}
    assert directed and directed < set(codebook.activities)


def test_coverage_adds_only_the_sources_a_build_used(config):
    assert coverage_of(config) == list(config["coverage"])
    coverage = coverage_of(config, ["sipri", "not_configured"])
    assert coverage[: len(config["coverage"])] == list(config["coverage"])
    [added] = coverage[len(config["coverage"]) :]
    assert added == {"source": "sipri", **config["sources"]["coverage"]["sipri"]}


def _tie_panel(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = {"dyad": [f"D{i}" for i in range(12)], "year": 2020}
    for area in AREAS:
        frame[f"tie_{area}"] = rng.integers(0, 2, 12)
        frame[f"window_{area}"] = rng.integers(0, 6, 12)
    return pd.DataFrame(frame)


def test_index_weights_fixed_or_from_the_principal_component(config):
    panel = _tie_panel()
    fixed = {**config["index"], "weighting": "fixed"}
    assert index_weights(fixed, panel) == config["index"]["weights"]
    pca = index_weights({**config["index"], "weighting": "pca"}, panel)
    assert pca == pca_weights(tie_intensity(panel))
    assert sum(pca.values()) == pytest.approx(1.0)


def test_records_outside_the_focal_states_and_partners_are_out_of_scope(config):
    states = scope_states(config)
    assert states == set(config["focal_states"]) | set(config["scope"]["partners"])
    table = pd.DataFrame({"participants": ["RUS;CHN", "USA;GBR", "FRA;IRN", "DEU"]})
    assert involves(table, {"RUS", "CHN", "IRN"}).tolist() == [True, False, True, False]


def test_an_external_model_without_its_covariates_is_skipped_with_the_reason(config):
    bad = copy.deepcopy(config)
    bad["models"]["specs"] = []
    bad["models"]["external_specs"] = [
        {"name": "alliance", "kind": "lpm", "formula": "tie_index ~ atop_alliance + cinc_a"}
    ]
    panel = pd.DataFrame({"dyad": ["A-B"], "year": [2020], "tie_index": [0.5], "cinc_a": [0.1]})
    [spec] = specs_from_config(bad["models"]["external_specs"])
    assert absent_columns(panel, spec) == ["atop_alliance"]
    assert configured_models(panel, bad) == {
        "models": [],
        "skipped": [{"name": "alliance", "reason": "covariates absent: atop_alliance"}],
    }


def test_the_models_table_names_the_skipped_models_in_its_notes():
    skipped = [{"name": "trade_model", "reason": "covariates absent: trade_a"}]
    text = model_table("models", {"models": [FITTED], "skipped": skipped})
    assert covariates_note([FITTED]) in text
    assert r"not estimated here: trade\_model (covariates absent: trade\_a)." in text
    areas = model_table(
        "areas", {"models": [FITTED], "skipped": [{"dependent": "x_y", "reason": "r"}]}
    )
    assert r"Not estimated: x\_y: r." in areas
    assert "Not estimated" not in model_table("areas", {"models": [FITTED], "skipped": []})
