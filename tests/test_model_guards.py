"""The model stage refuses specifications whose regressor defines the outcome and
flags designs with too few clusters as descriptive."""

from __future__ import annotations

import copy
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from tiesmap.core.config import check_config
from tiesmap.core.errors import InputError
from tiesmap.core.formulas import mechanical_definition
from tiesmap.models.models import (
    ModelSpec,
    area_models,
    design_of,
    fit_model,
)


@pytest.mark.parametrize(
    ("dependent", "regressors", "fragment"),
    [
        ("tie_wartime_support", ["war_partner"], "war_partner mechanically defines"),
        ("n_wartime_support", ["sco_comembers", "war_partner"], "wartime support is coded only"),
        ("tie_contacts", ["n_contacts"], "built from the same contacts events"),
        ("tie_index", ["score_war_preparation"], "tie_index is computed from"),
    ],
)
def test_mechanical_specifications_are_refused(dependent, regressors, fragment):
    assert fragment in mechanical_definition(dependent, regressors)
    with pytest.raises(ValueError, match="refused"):
        ModelSpec(name="m", kind="twoway_fe", dependent=dependent, regressors=tuple(regressors))


def test_substantive_specifications_pass():
    assert mechanical_definition("tie_index", ["war_partner", "sco_comembers"]) is None
    assert mechanical_definition("n_contacts", ["war_partner"]) is None


def test_the_config_check_names_the_refused_model(config):
    bad = copy.deepcopy(config)
    bad["models"]["specs"].append(
        {"name": "war_on_war", "kind": "lpm", "formula": "tie_wartime_support ~ war_partner"}
    )
    with pytest.raises(InputError) as err:
        check_config(bad)
    [problem] = [p for p in err.value.problems if "refused" in p.message]
    assert problem.column == f"models.specs.{len(bad['models']['specs']) - 1}.formula"


def _panel(n_states: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    states = [f"S{i:02d}" for i in range(n_states)]
    rows = []
    for a, b in combinations(states, 2):
        for year in range(2015, 2021):
            war = int(year >= 2018 and a == "S00")
            rows.append(
                {"dyad": f"{a}-{b}", "year": year, "state_a": a, "state_b": b,
                 "war_partner": war, "sco_comembers": int(rng.random() < 0.5),
                 "score_contacts": float(rng.random()),
                 "score_wartime_support": float(war * rng.random()),
                 "uncollected_contacts": False, "uncollected_wartime_support": False}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_area_models_skip_wartime_support_on_war_partner_with_the_reason():
    result = area_models(
        _panel(4), ["war_partner", "sco_comembers"], areas=("contacts", "wartime_support")
    )
    [skipped] = result["skipped"]
    assert skipped["area"] == "wartime_support" and skipped["reason"].startswith("refused:")
    assert [m["area"] for m in result["models"]] == ["contacts"]


def test_fewer_than_20_clusters_is_descriptive():
    spec = ModelSpec(name="c", kind="twoway_fe", dependent="score_contacts",
                     regressors=("sco_comembers",))  # fmt: skip
    small = fit_model(_panel(4), spec)
    assert (small["n_clusters"], small["design"]) == (6, "descriptive")
    large = fit_model(_panel(8), spec)
    assert (large["n_clusters"], large["design"]) == (28, "inferential")
    assert design_of(19)[0] == "descriptive" and design_of(20)[0] == "inferential"


def test_the_regression_table_marks_descriptive_designs():
    from tiesmap.report.model_outputs import regression_table

    spec = ModelSpec(name="c", kind="twoway_fe", dependent="score_contacts",
                     regressors=("sco_comembers",))  # fmt: skip
    table = regression_table([fit_model(_panel(4), spec)], "Pilot", "tab:pilot")
    assert r"Design & descriptive \\" in table
    assert "test nothing" in table
