"""The hash seed and SOURCE_DATE_EPOCH: one function sets them for the rules
(common.smk) and for commands run by hand (tiesmap.cli.main)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import yaml

from tests.project import ROOT
from tiesmap.core import reproducible
from tiesmap.core.reproducible import fixed_environment, missing, project_epoch

EPOCH = yaml.safe_load((ROOT / "config/config.yaml").read_text())["paper"]["source_date_epoch"]


def test_fixed_environment_names_seed_and_epoch():
    assert fixed_environment(1764028800) == {
        "PYTHONHASHSEED": "0",
        "SOURCE_DATE_EPOCH": "1764028800",
    }
    assert fixed_environment(None) == {"PYTHONHASHSEED": "0"}


def test_project_epoch_reads_the_config_and_tolerates_a_bad_one(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("paper:\n  source_date_epoch: 42\n", encoding="utf-8")
    assert project_epoch(good) == 42
    bad = tmp_path / "bad.yaml"
    bad.write_text("paper: [unclosed\n", encoding="utf-8")
    assert project_epoch(bad) is None
    assert project_epoch(tmp_path / "absent.yaml") is None
    odd = tmp_path / "odd.yaml"
    odd.write_text("paper:\n  source_date_epoch: yes\n", encoding="utf-8")
    assert project_epoch(odd) is None


def test_missing_lists_only_what_differs():
    wanted = {"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "5"}
    assert missing({"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "5"}, wanted) == {}
    assert missing({"PYTHONHASHSEED": "1"}, wanted) == wanted


def test_restarts_only_when_the_environment_is_not_fixed(monkeypatch):
    calls = []
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    reproducible.ensure_fixed_environment(lambda exe, argv, env: calls.append((exe, argv, env)))
    assert len(calls) == 1
    exe, argv, env = calls[0]
    assert exe == sys.executable and argv == sys.orig_argv
    assert (env["PYTHONHASHSEED"], env["SOURCE_DATE_EPOCH"]) == ("0", str(EPOCH))
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    reproducible.ensure_fixed_environment(lambda *a: calls.append(a))
    assert len(calls) == 1


def test_a_hand_run_command_gets_the_fixed_environment():
    """A real interpreter started without the variables restarts itself with them:
    hash randomisation off and the config's epoch."""
    code = (
        "import json, os, sys\n"
        "from tiesmap.core.reproducible import ensure_fixed_environment\n"
        "ensure_fixed_environment()\n"
        "print(json.dumps([sys.flags.hash_randomization, os.environ['PYTHONHASHSEED'],"
        " os.environ['SOURCE_DATE_EPOCH']]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHASHSEED", "SOURCE_DATE_EPOCH")}
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [0, "0", str(EPOCH)]


def test_rules_do_not_set_the_variables_themselves():
    """One place: no rule or Snakefile spells the variables; common.smk calls the function."""
    texts = {p.name: p.read_text() for p in (ROOT / "workflow/rules").glob("*.smk")}
    texts["Snakefile"] = (ROOT / "Snakefile").read_text()
    for name, text in texts.items():
        assert "PYTHONHASHSEED=" not in text and "SOURCE_DATE_EPOCH=" not in text, name
    assert "os.environ.update(fixed_environment(" in texts["common.smk"]
