"""The float-rounding policy of every CSV and JSON export, in one place.

Exports record EXPORT_DIGITS digits so that files do not carry the last, BLAS- and
order-dependent bits of a float. Tables (CSV) keep EXPORT_DIGITS decimal places,
the precision of their scores and shares; JSON reports keep EXPORT_DIGITS
significant digits, because they hold model statistics such as p-values far below
1e-10 that decimal places would turn into zero. Every writer goes through
`round_table` or `round_json` (tests/core/test_rounding.py checks that no writer
rounds on its own).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

EXPORT_DIGITS = 10


def round_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with float columns rounded to EXPORT_DIGITS decimal places."""
    return frame.round(EXPORT_DIGITS)


def round_json(value: Any, digits: int = EXPORT_DIGITS) -> Any:
    """`value` (floats inside dicts and lists included) at `digits` significant digits."""
    if isinstance(value, float):
        return float(f"{value:.{digits}g}")
    if isinstance(value, dict):
        return {k: round_json(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [round_json(v, digits) for v in value]
    return value


def write_table_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """A numeric table as CSV: rounded by the policy, no index, LF line ends."""
    round_table(frame).to_csv(path, index=False, lineterminator="\n")
