"""Corrections to coder files and the completeness of recurring series, checked.

Coder files are raw data: a value found wrong on re-reading its source is
corrected in the file and the correction is logged (old value, new value, class,
reason, the page that states the fact). The check here keeps log and files in
step, so a correction can never be silent in one direction or the other. The
series table lists every edition of each recurring series with its status, so a
missing edition is either coded or explained, and the panel does not read gaps
in search effort as gaps in cooperation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from tiesmap.core.errors import InputError, Problem
from tiesmap.core.textfiles import csv_table, ragged_rows

CHANGELOG_COLUMNS = (
    "changed_on",
    "event_id",
    "file",
    "column",
    "old_value",
    "new_value",
    "class",
    "reason",
    "evidence_url",
)
EVENT_ACTIONS = ("added", "withdrawn")  # new_value of a `(event)` row, or "merged into E..."
SERIES_COLUMNS = (
    "series",
    "edition",
    "year",
    "status",
    "event_id",
    "searched",
    "source_url",
    "notes",
)
SERIES_STATUS = ("coded", "not_found", "not_held")


def _records(
    path: Path, columns: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """Rows of a CSV file as (line, record), with problems of its header and shape."""
    header, body, problems = csv_table(path)
    missing = [c for c in columns if c not in header]
    if missing:
        problems.append(
            Problem(str(path), 1, None, ",".join(header), f"missing columns: {', '.join(missing)}")
        )
        return [], problems
    problems += ragged_rows(str(path), header, body)
    rows = [
        (i, dict(zip(header, row, strict=True)))
        for i, row in enumerate(body, start=2)
        if len(row) == len(header) and any(cell.strip() for cell in row)
    ]
    return rows, problems


def coder_values(path: Path) -> dict[str, dict[str, str]]:
    """A coder file as event_id -> {column: value}, exactly as written."""
    header, body, problems = csv_table(path)
    if problems:
        raise InputError(problems)
    return {row[0]: dict(zip(header, row, strict=False)) for row in body if row and row[0].strip()}


def check_changelog(changelog: Path, coder_files: Mapping[str, Path]) -> list[Problem]:
    """Every logged correction must hold in the coder file it names: the new value
    is the file's value now; a withdrawn or merged event is gone from the file; an
    added event is in it. Problems name the changelog's row and column."""
    rows, problems = _records(changelog, CHANGELOG_COLUMNS)
    files = {name: coder_values(path) for name, path in coder_files.items()}
    where = str(changelog)
    for line, rec in rows:
        name, event, column = rec["file"], rec["event_id"], rec["column"]
        for required in ("event_id", "file", "column", "class", "reason"):
            if not rec[required].strip():
                problems.append(Problem(where, line, required, "", "is empty"))
        if name not in files:
            if name != "assignments":
                known = ", ".join(sorted(files))
                problems.append(
                    Problem(where, line, "file", name, f"unknown file (known: {known})")
                )
            continue
        current = files[name].get(event)
        if column == "(event)":
            action = rec["new_value"]
            gone = action == "withdrawn" or action.startswith("merged into ")
            if action not in EVENT_ACTIONS and not action.startswith("merged into "):
                problems.append(
                    Problem(
                        where,
                        line,
                        "new_value",
                        action,
                        "an (event) row is added, withdrawn or 'merged into <id>'",
                    )
                )
            elif gone and current is not None:
                problems.append(
                    Problem(
                        where, line, "event_id", event, f"logged as {action} but still in {name}"
                    )
                )
            elif action == "added" and current is None:
                problems.append(
                    Problem(where, line, "event_id", event, f"logged as added but not in {name}")
                )
            continue
        if current is None:
            problems.append(Problem(where, line, "event_id", event, f"not in {name}"))
        elif column not in current:
            problems.append(Problem(where, line, "column", column, f"{name} has no such column"))
        elif current[column] != rec["new_value"]:
            problems.append(
                Problem(
                    where,
                    line,
                    "new_value",
                    rec["new_value"],
                    f"{name} holds {current[column]!r} for {event}.{column}",
                )
            )
    return problems


def check_series(series: Path, event_ids: Iterable[str]) -> list[Problem]:
    """Each edition of a recurring series is coded (its events exist) or explained:
    `not_found` says where it was searched, `not_held` cites the page saying so."""
    rows, problems = _records(series, SERIES_COLUMNS)
    known = set(event_ids)
    where = str(series)
    seen: dict[tuple[str, str], int] = {}
    for line, rec in rows:
        key = (rec["series"], rec["edition"])
        if key in seen:
            problems.append(
                Problem(where, line, "edition", rec["edition"], f"repeats row {seen[key]}")
            )
        seen.setdefault(key, line)
        status = rec["status"]
        if not rec["year"].isdigit():
            problems.append(Problem(where, line, "year", rec["year"], "not a year"))
        if status not in SERIES_STATUS:
            problems.append(
                Problem(where, line, "status", status, f"must be one of {', '.join(SERIES_STATUS)}")
            )
        elif status == "coded":
            ids = [e.strip() for e in rec["event_id"].split(";") if e.strip()]
            if not ids:
                problems.append(
                    Problem(where, line, "event_id", "", "a coded edition names its event")
                )
            for e in ids:
                if e not in known:
                    problems.append(
                        Problem(where, line, "event_id", e, "no such event in the coder files")
                    )
        elif status == "not_found" and not rec["searched"].strip():
            problems.append(
                Problem(where, line, "searched", "", "say where the edition was searched")
            )
        elif status == "not_held" and not rec["source_url"].strip():
            problems.append(
                Problem(where, line, "source_url", "", "cite the page saying it was not held")
            )
    return problems
