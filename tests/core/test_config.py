"""Config and codebook validation: wrong keys and types stop the run, naming the key."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tiesmap.core.codebook import codebook_from_dict
from tiesmap.core.config import check_config
from tiesmap.core.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def test_project_config_and_codebook_are_valid(config, codebook):
    assert config["focal_states"] == ["CHN", "RUS", "IRN", "PRK"]
    assert codebook.collected_areas() == [
        "contacts",
        "regime_security",
        "war_preparation",
        "missions_outside_war",
        "wartime_support",
    ]
    assert codebook.activities["parliamentary_exchange"].status != "collected"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda c: c["tie_rule"].update(windw=12), "tie_rule"),
        (lambda c: c["tie_rule"].update(min_interactions="two"), "tie_rule.min_interactions"),
        (lambda c: c.update(colour="red"), "(top level)"),
        (lambda c: c["index"].update(normalisation="zscore2"), "index.normalisation"),
        (lambda c: c["codings"].update(dir="../elsewhere"), "codings.dir"),
        (lambda c: c.update(codebook="/etc/passwd"), "codebook"),
        (lambda c: c["focal_states"].append("china"), "focal_states.4"),
        (lambda c: c.update(wars_from="ucdp"), "wars_from"),
    ],
)
def test_bad_config_names_the_key(config, change, key):
    bad = copy.deepcopy(config)
    change(bad)
    with pytest.raises(InputError) as err:
        check_config(bad)
    assert key in [p.column for p in err.value.problems]


def test_snakemake_stops_on_bad_config(tmp_path):
    data = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    data["tie_rule"]["window_month"] = 12
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--configfile", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "window_month" in run.stderr and "the configuration is not valid" in run.stderr


def test_codebook_problems_are_listed(codebook):
    data = yaml.safe_load((ROOT / "config/codebook.yaml").read_text())
    data["activities"]["summit"]["area"] = "gossip"
    data["activities"]["exercise"]["levels"].append("general")
    del data["activities"]["arms_sale"]["definition"]
    with pytest.raises(InputError) as err:
        codebook_from_dict(data, "codebook.yaml")
    columns = {p.column for p in err.value.problems}
    assert "activities.arms_sale" in columns  # missing required key


def test_codebook_cross_references(codebook):
    data = yaml.safe_load((ROOT / "config/codebook.yaml").read_text())
    data["activities"]["summit"]["area"] = "gossip"
    data["activities"]["exercise"]["levels"].append("general")
    with pytest.raises(InputError) as err:
        codebook_from_dict(data, "codebook.yaml")
    found = {(p.column, p.value) for p in err.value.problems}
    assert ("activities.summit.area", "gossip") in found
    assert ("activities.exercise.levels", "general") in found


def test_every_table1_activity_has_a_status(codebook):
    statuses = {a.status for a in codebook.activities.values()}
    assert statuses == {"collected", "not_yet_collected", "not_applicable_yet"}
    assert codebook.activities["interoperability"].status == "not_applicable_yet"
    assert codebook.activities["arms_sale"].directed
