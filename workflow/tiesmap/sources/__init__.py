"""Adapters: one module per third-party source, each turning the native file into
canonical events (or a covariate table) and reporting every record it could not map.

Every adapter exposes `ingest(path, **options) -> AdapterResult`. Event adapters
build their table with `tiesmap.sources.events.event_table`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class AdapterResult:
    """Canonical events (SOURCE_EVENT_COLUMNS) or a covariate table, plus a report.

    `rejected` has one row per native record that was not mapped, with columns
    `source_record` and `reason`; `counts` holds rows read, mapped and rejected.
    """

    table: pd.DataFrame
    rejected: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)


REJECTED_COLUMNS = ("source_record", "reason")


def rejected_table(rejected: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """The `rejected` frame of an AdapterResult from (source_record, reason) pairs."""
    return pd.DataFrame(list(rejected), columns=list(REJECTED_COLUMNS), dtype=str)
