"""CSV exports that a spreadsheet cannot turn into formulas.

A cell starting with =, +, -, @, tab or carriage return may be executed by Excel or
LibreOffice when a reviewer opens the file (CSV injection). Text cells that start
so are prefixed with an apostrophe; numbers are left alone.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write `frame` as UTF-8 CSV with LF line ends and formula-like text neutralised.

    Every text cell is quoted, so a line break inside a cell (even a lone carriage
    return) cannot split a row when the file is read back.
    """
    safe = frame.copy()
    for col in safe.columns:
        if not (pd.api.types.is_numeric_dtype(safe[col]) or pd.api.types.is_bool_dtype(safe[col])):
            safe[col] = safe[col].astype(object).map(neutralise)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    safe.to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
