"""The corrections log and the series table, checked against the coder files."""

import csv
from pathlib import Path

import pytest

from tiesmap.codings.changelog import (
    CHANGELOG_COLUMNS,
    SERIES_COLUMNS,
    check_changelog,
    check_series,
)

CODER_COLUMNS = ["event_id", "date_start", "location", "confidence"]


def _write(path: Path, header, rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def coder(tmp_path):
    return _write(
        tmp_path / "coder_a.csv",
        CODER_COLUMNS,
        [["E001", "2019-04-25", "Vladivostok", "high"], ["E002", "2020-09", "", "low"]],
    )


def _log(tmp_path, rows):
    full = [dict.fromkeys(CHANGELOG_COLUMNS, "x") | r for r in rows]
    return _write(
        tmp_path / "changelog.csv",
        CHANGELOG_COLUMNS,
        [[r[c] for c in CHANGELOG_COLUMNS] for r in full],
    )


def test_consistent_log_has_no_problems(tmp_path, coder):
    log = _log(
        tmp_path,
        [
            {
                "event_id": "E001",
                "file": "coder_a",
                "column": "location",
                "new_value": "Vladivostok",
            },
            {"event_id": "E009", "file": "coder_a", "column": "(event)", "new_value": "withdrawn"},
            {"event_id": "E002", "file": "coder_a", "column": "(event)", "new_value": "added"},
            {
                "event_id": "E007",
                "file": "coder_a",
                "column": "(event)",
                "new_value": "merged into E001",
            },
        ],
    )
    assert check_changelog(log, {"coder_a": coder}) == []


def test_log_and_files_out_of_step_are_named_by_row_and_column(tmp_path, coder):
    log = _log(
        tmp_path,
        [
            {"event_id": "E001", "file": "coder_a", "column": "location", "new_value": "Moscow"},
            {"event_id": "E002", "file": "coder_a", "column": "(event)", "new_value": "withdrawn"},
            {"event_id": "E003", "file": "coder_a", "column": "confidence", "new_value": "low"},
            {"event_id": "E001", "file": "coder_c", "column": "location", "new_value": "x"},
            {"event_id": "E001", "file": "coder_a", "column": "colour", "new_value": "x"},
            {"event_id": "E001", "file": "coder_a", "column": "(event)", "new_value": "maybe"},
            {
                "event_id": "E001",
                "file": "coder_a",
                "column": "location",
                "reason": "",
                "new_value": "Vladivostok",
            },
        ],
    )
    problems = check_changelog(log, {"coder_a": coder})
    got = {(p.row, p.column, p.message.split(" (known")[0]) for p in problems}
    assert got == {
        (2, "new_value", "coder_a holds 'Vladivostok' for E001.location"),
        (3, "event_id", "logged as withdrawn but still in coder_a"),
        (4, "event_id", "not in coder_a"),
        (5, "file", "unknown file"),
        (6, "column", "coder_a has no such column"),
        (7, "new_value", "an (event) row is added, withdrawn or 'merged into <id>'"),
        (8, "reason", "is empty"),
    }


def _series(tmp_path, rows):
    full = [dict.fromkeys(SERIES_COLUMNS, "") | r for r in rows]
    return _write(
        tmp_path / "series.csv", SERIES_COLUMNS, [[r[c] for c in SERIES_COLUMNS] for r in full]
    )


def test_every_edition_is_coded_or_explained(tmp_path):
    path = _series(
        tmp_path,
        [
            {
                "series": "Joint Sea",
                "edition": "Joint Sea-2012",
                "year": "2012",
                "status": "coded",
                "event_id": "E010",
            },
            {
                "series": "Joint Sea",
                "edition": "Joint Sea-2013",
                "year": "2013",
                "status": "coded",
                "event_id": "E011;E099",
            },
            {
                "series": "Joint Sea",
                "edition": "Joint Sea-2014",
                "year": "2014",
                "status": "not_found",
            },
            {
                "series": "Joint Sea",
                "edition": "Joint Sea-2015",
                "year": "2015",
                "status": "not_held",
            },
            {
                "series": "Joint Sea",
                "edition": "Joint Sea-2015",
                "year": "2015",
                "status": "lost",
                "searched": "x",
            },
            {
                "series": "Joint Sea",
                "edition": "Joint Sea-2016",
                "year": "20x6",
                "status": "not_found",
                "searched": "pages corpus",
            },
        ],
    )
    problems = check_series(path, ["E010", "E011"])
    got = {(p.row, p.column, p.value) for p in problems}
    assert got == {
        (3, "event_id", "E099"),
        (4, "searched", ""),
        (5, "source_url", ""),
        (6, "edition", "Joint Sea-2015"),
        (6, "status", "lost"),
        (7, "year", "20x6"),
    }


def test_validation_step_refuses_a_log_out_of_step_with_the_coder_files(
    tmp_path, monkeypatch, capsys
):
    import shutil

    from tiesmap.cli import main

    root = Path(__file__).resolve().parents[1]
    for item in ("config", "data/raw/events"):
        shutil.copytree(root / item, tmp_path / item)
    monkeypatch.chdir(tmp_path)
    files = ["data/raw/events/coder_a.csv", "data/raw/events/coder_b.csv"]
    assert main(["validate", "--out", "codings.parquet", *files]) == 0
    log = tmp_path / "data/raw/events/changelog.csv"
    rows = list(csv.reader(log.open(encoding="utf-8")))
    row = next(i for i, r in enumerate(rows) if r[3] == "location" and r[2] == "coder_a")
    rows[row][5] = rows[row][5] + " (edited)"
    with log.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    assert main(["validate", "--out", "codings.parquet", *files]) == 2
    assert f"{row + 1}" in capsys.readouterr().err
