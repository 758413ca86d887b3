"""Deposit files a data editor checks: licence, citation metadata, Zenodo metadata
and the README's rights statement, file list and quick reference."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CFFCONVERT = ROOT / ".venv" / "tools" / "cffconvert" / "bin" / "cffconvert"


def _cffconvert() -> str:
    """cffconvert from its own venv (made by `make setup`) or from PATH."""
    if CFFCONVERT.exists():
        return str(CFFCONVERT)
    found = shutil.which("cffconvert")
    if found:
        return found
    message = "cffconvert is not installed (`make setup` puts it in .venv/tools/cffconvert)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def test_citation_cff_is_valid():
    run = subprocess.run(
        [_cffconvert(), "--validate", "-i", str(ROOT / "CITATION.cff")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "valid" in run.stdout


def test_citation_cff_agrees_with_pyproject_and_licence():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["version"] == project["version"]
    assert project["license"] == "MIT"
    assert cff["license"] == ["MIT", "CC-BY-4.0"]
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Permission is hereby granted" in licence
    assert "CC-BY-4.0" in licence and "data/raw/MANIFEST.yaml" in licence


def test_zenodo_metadata():
    meta = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert meta["title"] == cff["title"]
    assert meta["version"] == cff["version"]
    assert meta["license"] == "MIT"
    assert meta["upload_type"] == "software"
    assert [c["name"] for c in meta["creators"]] == [a["name"] for a in cff["authors"]]


def test_manifest_licences_are_named_in_the_readme():
    """Every raw file's licence comes from the manifest; the README lists every
    file of the manifest in its file list."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    manifest = yaml.safe_load((ROOT / "data/raw/MANIFEST.yaml").read_text(encoding="utf-8"))
    assert "## Rights" in readme
    for entry in manifest["files"]:
        assert entry["licence"]
        assert f"`{entry['path']}`" in readme, entry["path"]
    for target in ("make report", "make archive"):
        assert target in readme
