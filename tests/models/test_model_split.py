"""The configured models as one job per spec (`model-spec`) and a gather
(`models-gather`) write models.json byte for byte as the one-job `models` verb,
skipped external specs included, in the configured order."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tiesmap.cli import main
from tiesmap.models.configured import configured_model, configured_models, configured_specs

ROOT = Path(__file__).resolve().parents[2]
SPECS = [
    {
        "name": "linear_robust",
        "kind": "twoway_fe",
        "formula": "y ~ x1 + x2",
        "inference": "dyad_robust",
    },
    {
        "name": "linear_bootstrap",
        "kind": "twoway_fe",
        "formula": "y ~ x1 + x2",
        "inference": "dyad_robust",
        "small_sample": ["wild_bootstrap"],
    },
    {"name": "counts", "kind": "poisson", "formula": "n ~ x1", "inference": "cluster_dyad"},
]
EXTERNAL = [
    {"name": "absent", "kind": "twoway_fe", "formula": "y ~ x1 + atop_alliance"},
    {"name": "present", "kind": "twoway_fe", "formula": "y ~ x2", "inference": "cluster_dyad"},
]


def _panel(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dyads = [f"{a}-{b}" for a, b in (("A", "B"), ("A", "C"), ("B", "C"), ("A", "D"), ("B", "D"))]
    frame = pd.MultiIndex.from_product([dyads, range(2005, 2017)], names=["dyad", "year"])
    frame = frame.to_frame(index=False)
    frame[["state_a", "state_b"]] = frame["dyad"].str.split("-", expand=True)
    frame["x1"] = rng.normal(size=len(frame))
    frame["x2"] = (rng.random(len(frame)) > 0.5).astype(float)
    frame["y"] = 0.4 * frame["x1"] - 0.2 * frame["x2"] + rng.normal(scale=0.3, size=len(frame))
    frame["n"] = rng.poisson(np.exp(0.3 * frame["x1"]))
    return frame


@pytest.fixture
def model_config(tmp_path, monkeypatch):
    """The project's config with SPECS and EXTERNAL, in a folder."""
    monkeypatch.chdir(ROOT)
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    config["models"]["specs"] = copy.deepcopy(SPECS)
    config["models"]["external_specs"] = copy.deepcopy(EXTERNAL)
    config["models"]["diagnostics"]["model"] = "linear_robust"
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    _panel().to_parquet(tmp_path / "panel.parquet")
    return tmp_path, config


def test_one_spec_per_job_gathers_to_the_one_job_result(model_config):
    _, config = model_config
    panel = _panel()
    names = [spec.name for spec, _ in configured_specs(config)]
    assert names == ["linear_robust", "linear_bootstrap", "counts", "absent", "present"]
    assert configured_model(panel, config, "absent") == {
        "name": "absent",
        "skipped": "covariates absent: atop_alliance",
    }
    result = configured_models(panel, config)
    assert [m["name"] for m in result["models"]] == [n for n in names if n != "absent"]
    with pytest.raises(KeyError, match="nope"):
        configured_model(panel, config, "nope")


def test_split_commands_write_models_json_byte_for_byte(model_config):
    folder, config = model_config
    common = ["--config", str(folder / "config.yaml")]
    panel = ["--panel", str(folder / "panel.parquet")]
    assert main(["models", *common, *panel, "--out", str(folder / "one.json")]) == 0
    parts = []
    for spec, _ in configured_specs(config):
        parts.append(str(folder / f"{spec.name}.json"))
        assert main(["model-spec", *common, *panel, "--spec", spec.name, "--out", parts[-1]]) == 0
    assert (
        main(["models-gather", *common, "--specs", *parts, "--out", str(folder / "split.json")])
        == 0
    )
    assert (folder / "split.json").read_bytes() == (folder / "one.json").read_bytes()


def test_an_unknown_spec_is_bad_input(model_config, capsys):
    folder, _ = model_config
    argv = ["model-spec", "--config", str(folder / "config.yaml"), "--panel"]
    assert main([*argv, str(folder / "panel.parquet"), "--spec", "nope", "--out", "x.json"]) == 2
    assert "models.specs" in capsys.readouterr().err


def test_a_ppml_that_does_not_converge_is_reported_not_fatal(model_config, monkeypatch):
    """One model whose estimator stops short (pyfixest's demeaning on a large sparse
    panel) is listed as not estimated, with the reason; the other models still run.
    Any other error of the estimator still stops the job."""
    import pyfixest

    _, config = model_config
    config["models"]["specs"].append(
        {
            "name": "ppml",
            "kind": "ppml",
            "formula": "n ~ x1 | dyad + year",
            "inference": "dyad_robust",
        }
    )
    panel = _panel()
    fitted = configured_model(panel, config, "ppml")
    assert "model" in fitted

    def stops(*args, **kwargs):
        raise ValueError("Demeaning failed after 10000 iterations.")

    monkeypatch.setattr(pyfixest, "fepois", stops)
    reason = "PPML did not converge (pyfixest: Demeaning failed after 10000 iterations.)"
    assert configured_model(panel, config, "ppml") == {"name": "ppml", "skipped": reason}
    result = configured_models(panel, config)
    assert {"name": "ppml", "reason": reason} in result["skipped"]
    assert [m["name"] for m in result["models"]] == [
        "linear_robust", "linear_bootstrap", "counts", "present"
    ]  # fmt: skip

    def breaks(*args, **kwargs):
        raise ValueError("the formula is malformed")

    monkeypatch.setattr(pyfixest, "fepois", breaks)
    with pytest.raises(ValueError, match="malformed"):
        configured_model(panel, config, "ppml")
