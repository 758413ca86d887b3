"""The canonical event table every event adapter returns, built in one place.

Adapters collect their events as dicts (or tuples in column order) with the
columns of `tiesmap.core.schema.SOURCE_EVENT_COLUMNS`; `event_table` gives them the
schema's column order and dtypes, also when there are none, sorts them and
validates them, so that all adapters hand on frames of the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from tiesmap.core.schema import SOURCE_EVENT_COLUMNS, validate_source_events

EVENT_DTYPES: dict[str, str] = {c: "object" for c in SOURCE_EVENT_COLUMNS} | {
    "n_participants": "int64",
    "follow_up": "bool",
    "tiv": "float64",
}


def event_table(
    rows: Sequence[Mapping | Sequence], file: str, *, sort: bool = True
) -> pd.DataFrame:
    """Canonical events from `rows` (dicts keyed by column, or tuples in the order of
    SOURCE_EVENT_COLUMNS), sorted by start date and event id unless `sort` is False
    (then in the order given), validated against the schema (an InputError names
    `file`)."""
    frame = pd.DataFrame(rows, columns=list(SOURCE_EVENT_COLUMNS)).astype(EVENT_DTYPES)
    if sort:
        frame = frame.sort_values(["date_start", "event_id"], kind="stable", ignore_index=True)
    return validate_source_events(frame, file)
