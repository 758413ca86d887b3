"""The canonical event schema, enforced with pandera.

Every source -- hand codings and adapters alike -- must produce frames that pass
`EVENT_SCHEMA`; nothing downstream needs to know where an event came from.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from tiesmap.core.codebook import AREAS
from tiesmap.core.errors import InputError, Problem

_ISO3_LIST = r"^[A-Z]{3}(;[A-Z]{3})+$"
_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_QUANTITY = r"^\d+(\.\d+)?$"
QUANTITY_UNITS = ("units", "troops", "ships", "aircraft", "tiv_millions", "usd_millions")

EVENT_SCHEMA = pa.DataFrameSchema(
    {
        "event_id": pa.Column(str, pa.Check.str_length(min_value=1)),
        "date_start": pa.Column(str, pa.Check.str_matches(_DATE)),
        "date_end": pa.Column(str, pa.Check(lambda s: (s == "") | s.str.match(_DATE))),
        "date_precision": pa.Column(str, pa.Check.isin(["day", "month", "year"])),
        "participants": pa.Column(str, pa.Check.str_matches(_ISO3_LIST)),
        "participants_cow": pa.Column(str),
        "n_participants": pa.Column(int, pa.Check.ge(2)),
        "activity": pa.Column(str),
        "area": pa.Column(str, pa.Check.isin(list(AREAS))),
        "level": pa.Column(str),
        "format": pa.Column(str, pa.Check.isin(["bilateral", "multilateral"])),
        "forum": pa.Column(str),
        "location": pa.Column(str),
        "source": pa.Column(str, pa.Check.str_length(min_value=1)),
        "source_type": pa.Column(str),
        "confidence": pa.Column(str, pa.Check.isin(["high", "medium", "low"])),
        "follow_up": pa.Column(bool),
        "coder": pa.Column(str),
        "notes": pa.Column(str),
        "source_record": pa.Column(str, pa.Check.str_length(min_value=1)),
        # Optional (hand codings): a non-negative amount as decimal text, and its unit.
        "quantity": pa.Column(
            str, pa.Check(lambda s: (s == "") | s.str.match(_QUANTITY)), required=False
        ),
        "quantity_unit": pa.Column(str, pa.Check.isin(["", *QUANTITY_UNITS]), required=False),
    },
    strict=True,
    ordered=True,
    coerce=False,
)


def validate_events(events: pd.DataFrame, source: str) -> pd.DataFrame:
    """Validate against the canonical schema; failures become an InputError."""
    return _validate(EVENT_SCHEMA, events, source)


def _validate(schema: pa.DataFrameSchema, events: pd.DataFrame, source: str) -> pd.DataFrame:
    try:
        return schema.validate(events, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems = [
            Problem(
                source,
                None if pd.isna(r["index"]) else int(r["index"]) + 2,
                None if pd.isna(r["column"]) else str(r["column"]),
                None if pd.isna(r["failure_case"]) else str(r["failure_case"]),
                f"schema check failed: {r['check']}",
            )
            for r in err.failure_cases.to_dict("records")
        ]
        raise InputError(problems) from None


# Every event carries `source_record`: where it came from in its native file
# (coder file and row, or the dataset's record id), so numbers can be traced back.
# Adapters for third-party datasets add two columns to the canonical ones:
# `tiv` (SIPRI trend-indicator value of the record, NaN where not applicable) and
# `flags` (the source's uncertainty markers, ';'-separated, e.g. 'order_year_estimate').
SOURCE_EVENT_SCHEMA = EVENT_SCHEMA.add_columns(
    {
        "tiv": pa.Column(float, pa.Check.ge(0), nullable=True),
        "flags": pa.Column(str),
    }
)
# The columns every adapter writes (the optional hand-coding quantities are not among them).
SOURCE_EVENT_COLUMNS = tuple(
    name for name, column in SOURCE_EVENT_SCHEMA.columns.items() if column.required
)


def validate_source_events(events: pd.DataFrame, source: str) -> pd.DataFrame:
    """Validate adapter output against the canonical schema plus the adapter columns."""
    return _validate(SOURCE_EVENT_SCHEMA, events, source)
