"""Adapters: one module per third-party source, each turning the native file into
canonical events (or a covariate table) and reporting every record it could not map.

Every adapter exposes `ingest(path, **options) -> AdapterResult`. Event adapters
build their table with `tiesmap.sources.events.event_table`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tiesmap.core.errors import InputError, Problem
from tiesmap.core.textfiles import csv_table, ragged_rows


@dataclass(frozen=True)
class AdapterResult:
    """Canonical events (SOURCE_EVENT_COLUMNS) or a covariate table, plus a report.

    `rejected` has one row per native record that was not mapped, with columns
    `source_record` and `reason`; `counts` holds rows read, mapped and rejected;
    `notes` holds what else the ingest report must say (e.g. rows repaired).
    """

    table: pd.DataFrame
    rejected: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)
    notes: dict[str, object] = field(default_factory=dict)


REJECTED_COLUMNS = ("source_record", "reason")


def rejected_table(rejected: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """The `rejected` frame of an AdapterResult from (source_record, reason) pairs."""
    return pd.DataFrame(list(rejected), columns=list(REJECTED_COLUMNS), dtype=str)


def read_required_columns(
    path: str | Path, required: Sequence[str], what: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """A CSV covariate table's `required` columns as stripped text, indexed by
    spreadsheet row (header = 1), and the file's problems so far.

    Stops at once (InputError) when the file is missing or a required column is
    missing or named twice (`what` names the expected dataset in the message);
    otherwise returns parse errors, rows with the wrong number of cells and an
    empty body as problems, so the adapter can add its cell checks to one report.
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError([Problem(file, None, None, None, "file not found")])
    header, body, problems = csv_table(path)
    header = [h.strip() for h in header]
    header_problems = [
        Problem(file, 1, c, None, f"required column is missing (is this {what}?)")
        for c in required
        if c not in header
    ]
    header_problems += [
        Problem(file, 1, c, c, "column appears twice in the header")
        for c, n in Counter(header).items()
        if n > 1
    ]
    if header_problems:
        raise InputError(problems + header_problems)
    problems += ragged_rows(file, header, body, show_row=True)
    kept = [
        (i, [c.strip() for c in row])
        for i, row in enumerate(body, start=2)
        if len(row) == len(header) and any(c.strip() for c in row)
    ]
    if not kept and not problems:
        problems.append(Problem(file, None, None, None, "no data rows after the header"))
    frame = pd.DataFrame([r for _, r in kept], columns=header, index=[i for i, _ in kept])
    return frame.reindex(columns=list(required)).astype(str), problems


def crosscheck_record(inputs: dict[str, Any], compare: Any, count_key: str) -> dict[str, Any]:
    """A cross-check of two sources as a JSON-ready record, the same on every build.

    `inputs` maps each input's name to its value (None when absent). When one is
    absent the record names them and holds nothing else; otherwise `compare(*values)`
    returns (comparison, summary) frames and the record holds the summary's rows
    (NaN as null) and the number of compared rows under `count_key`.
    """
    absent = sorted(name for name, value in inputs.items() if value is None)
    if absent:
        return {"available": False, "absent": absent, "summary": []}
    comparison, summary = compare(*inputs.values())
    rows = [
        {
            k: None if isinstance(v, float) and v != v else v.item() if hasattr(v, "item") else v
            for k, v in row.items()
        }
        for row in summary.to_dict(orient="records")
    ]
    return {"available": True, "absent": [], count_key: int(len(comparison)), "summary": rows}
