"""The stage packages import only downward: the import-linter contract in
pyproject.toml holds for the package, names every stage, and breaks when a lower
stage imports a higher one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "workflow" / "tiesmap"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = config["tool"]["importlinter"]["contracts"]
    return contract


def _lint(package_parent: Path, config: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_contract_places_every_stage_package_in_a_layer():
    contract = _contract()
    assert contract["type"] == "layers" and contract["containers"] == ["tiesmap"]
    layered = {name.strip() for layer in contract["layers"] for name in layer.split("|")}
    children = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    children |= {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert layered == children == {"cli", "report", "models", "index", "codings", "sources", "core"}
    assert contract["layers"][0] == "cli" and contract["layers"][-1] == "core"
    assert contract["exhaustive"] is True


def test_the_package_keeps_the_contract():
    run = _lint(ROOT / "workflow", ROOT / "pyproject.toml")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "1 kept, 0 broken" in run.stdout


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("core/config.py", "from tiesmap.models.models import parse_formula"),
        ("index/scale.py", "from tiesmap.report import tables"),
        ("codings/merge.py", "import tiesmap.sources.linking"),
    ],
)
def test_an_upward_import_breaks_the_contract(tmp_path, module, upward):
    """A copy of the package with one import planted that points up (or across
    codings and sources) fails lint-imports, naming the offending module."""
    shutil.copytree(PACKAGE, tmp_path / "tiesmap", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    planted = tmp_path / "tiesmap" / module
    planted.write_text(
        planted.read_text(encoding="utf-8") + f"\n\ndef _planted():\n    {upward}\n",
        encoding="utf-8",
    )
    run = _lint(tmp_path, tmp_path / "pyproject.toml")
    assert run.returncode == 1, run.stdout[-3000:]
    assert "0 kept, 1 broken" in run.stdout
    importer = "tiesmap." + module.removesuffix(".py").replace("/", ".")
    assert importer in run.stdout
