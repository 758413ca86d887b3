"""Shared fixtures: the project's own codebook and config, and a writer for coder files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tiesmap.codings.coder_files import COLUMNS
from tiesmap.core.codebook import load_codebook
from tiesmap.core.config import Period, load_config

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def codebook():
    return load_codebook(ROOT / "config" / "codebook.yaml")


@pytest.fixture(scope="session")
def config():
    return load_config(ROOT / "config" / "config.yaml")


@pytest.fixture(scope="session")
def period():
    return Period(2005, 2025)


def good_row(**overrides: str) -> dict[str, str]:
    """A valid coded event (Joint Sea-2019); tests change one thing at a time."""
    row = {
        "event_id": "E001",
        "date_start": "2019-04-29",
        "date_end": "2019-05-04",
        "date_precision": "day",
        "participants": "CHN;RUS",
        "activity": "exercise",
        "level": "military",
        "format": "bilateral",
        "forum": "",
        "location": "off Qingdao",
        "source": "http://shandong.chinadaily.com.cn/2019-05/05/c_369131.htm",
        "source_type": "state_media",
        "confidence": "high",
        "follow_up": "no",
        "coder": "coder_x",
        "notes": "",
        "quantity": "",
        "quantity_unit": "",
    }
    row.update(overrides)
    return row


def write_coder_file(path: Path, rows: list[dict[str, str]], columns=COLUMNS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def partial_codebook():
    """The project's codebook with regime security marked not yet collected, to test
    that an uncollected area stays missing (never zero) all the way to the index."""
    import yaml

    from tiesmap.core.codebook import codebook_from_dict

    data = yaml.safe_load((ROOT / "config" / "codebook.yaml").read_text(encoding="utf-8"))
    for spec in data["activities"].values():
        if spec["area"] == "regime_security":
            spec["status"] = "not_yet_collected"
    return codebook_from_dict(data, "partial codebook")
