"""Hand codings outside a scope: left out of the scope's build and counted.

A coded event is in the scope when its start year lies in the study period and at
least two of its participants are states of the scope's panel (otherwise none of
its dyads is in the panel). Dates outside the coders' own period remain errors
(tiesmap.coder_files); this only cuts valid codings down to the scope.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pandas as pd

from tiesmap.core.dates import parse_partial_date


def _start_year(text: str) -> int:
    return parse_partial_date(text).earliest.year


def in_scope(
    codings: pd.DataFrame, start: int, end: int, states: Collection[str] | None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """(codings in the scope, report of what was left out: coded rows and events
    by reason). A row outside the period counts there, not also under states."""
    years = codings["date_start"].map(_start_year)
    outside_period = ~years.between(start, end)
    if states is None:
        few_states = pd.Series(False, index=codings.index)
    else:
        wanted = set(states)
        few_states = codings["participants"].map(
            lambda p: sum(s in wanted for s in str(p).split(";")) < 2
        )
    few_states &= ~outside_period
    keep = ~(outside_period | few_states)

    def count(mask: pd.Series) -> dict[str, int]:
        return {
            "rows": int(mask.sum()),
            "events": int(codings.loc[mask, "event_id"].nunique()),
        }

    report = {
        "period": [int(start), int(end)],
        "rows_in": int(len(codings)),
        "rows_kept": int(keep.sum()),
        "left_out": {
            "outside_period": count(outside_period),
            "outside_states": count(few_states),
        },
    }
    return codings[keep.to_numpy()].reset_index(drop=True), report
