"""Reading and checking hand-coded event files (one per coder, CSV or XLSX).

Every problem in every file is collected before anything is reported, so a coder
fixes a file in one pass. Rows are numbered as a spreadsheet shows them: the
header is row 1, the first event row 2.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from tiesmap.core.codebook import COLLECTED, Codebook
from tiesmap.core.config import Period
from tiesmap.core.countries import to_cow, to_iso3, unmatched_reason
from tiesmap.core.dates import parse_partial_date
from tiesmap.core.errors import InputError, Problem
from tiesmap.core.schema import QUANTITY_UNITS
from tiesmap.core.textfiles import csv_table, ragged_rows

REQUIRED = (
    "event_id",
    "date_start",
    "date_precision",
    "participants",
    "activity",
    "level",
    "format",
    "source",
    "source_type",
    "confidence",
    "follow_up",
    "coder",
)
OPTIONAL = ("date_end", "forum", "location", "notes", "quantity", "quantity_unit")
# What a quantity counts: QUANTITY_UNITS (tiesmap.core.schema; the codebook describes each unit).
COLUMNS = REQUIRED + OPTIONAL
SOURCE_TYPES = ("official", "state_media", "media", "secondary", "blog", "dataset", "machine_coded")
CONFIDENCE = ("high", "medium", "low")
FORMATS = ("bilateral", "multilateral")
YES_NO = {"yes": True, "no": False}
FORMULA_START = ("=", "@")


def read_table(
    path: str | Path, columns: tuple[str, ...] = COLUMNS, required: tuple[str, ...] = REQUIRED
) -> pd.DataFrame:
    """Read a CSV or XLSX table as text cells, keeping every value exactly as typed;
    header problems (unknown, missing or repeated columns) are reported together."""
    path = Path(path)
    if not path.exists():
        raise InputError([Problem(str(path), None, None, None, "file not found")])
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, columns, required)
    if path.suffix.lower() != ".csv":
        raise InputError(
            [
                Problem(
                    str(path), None, None, path.suffix, "unsupported file type (use .csv or .xlsx)"
                )
            ]
        )
    header, body, problems = csv_table(path, strict=False)
    problems += _header_problems(str(path), header, columns, required)
    problems += ragged_rows(str(path), header, body)
    if problems:
        raise InputError(problems)
    return _frame(header, body)


def _frame(header: list[str], body: list[list[str]], first_row: int = 2) -> pd.DataFrame:
    """Text table indexed by spreadsheet row number (`first_row` for the first body row;
    header = 1 unless blank rows stand above it), blank rows left out, so every later
    message can name the row the coder sees."""
    kept = [(i, r) for i, r in enumerate(body, start=first_row) if any(c.strip() for c in r)]
    return pd.DataFrame([r for _, r in kept], columns=header, index=[i for i, _ in kept], dtype=str)


def _read_xlsx(path: Path, columns: tuple[str, ...], required: tuple[str, ...]) -> pd.DataFrame:
    """The first sheet, rows numbered as the spreadsheet numbers them (blank rows above
    the header included); a value right of the last header cell is a problem."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    file = str(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as err:  # openpyxl raises many types for broken files
        raise InputError(
            [Problem(file, None, None, None, f"cannot read workbook: {err}")]
        ) from None
    ws = wb.worksheets[0]
    values = [[_cell_text(c) for c in row] for row in ws.iter_rows(min_row=1, values_only=True)]
    wb.close()
    header_at = next((i for i, r in enumerate(values) if any(c.strip() for c in r)), None)
    if header_at is None:
        raise InputError([Problem(file, None, None, None, "file is empty")])
    header_row = header_at + 1  # sheet rows count from 1
    header = values[header_at]
    while header and header[-1].strip() == "":
        header = header[:-1]
    problems = _header_problems(file, header, columns, required, row=header_row)
    body = values[header_at + 1 :]
    width = len(header)
    for i, r in enumerate(body, start=header_row + 1):
        beyond = [(j, c) for j, c in enumerate(r[width:], start=width) if c.strip()]
        if beyond:
            j, value = beyond[0]
            problems.append(
                Problem(
                    file,
                    i,
                    None,
                    value,
                    f"value in column {get_column_letter(j + 1)} is beyond the header "
                    f"(its last column is {get_column_letter(width)})",
                )
            )
    if problems:
        raise InputError(problems)
    body = [r[:width] + [""] * (width - len(r)) for r in body]
    return _frame(header, body, first_row=header_row + 1)


def _cell_text(value: object) -> str:
    """Spreadsheet cells as text; real dates become ISO dates (their precision is then checked)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _header_problems(
    file: str,
    header: list[str],
    columns: tuple[str, ...],
    required: tuple[str, ...],
    row: int = 1,
) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(file, row, name, name, "column appears twice in the header"))
        seen.add(name)
        if name not in columns:
            problems.append(
                Problem(file, row, name, name, f"unknown column (allowed: {', '.join(columns)})")
            )
    for name in required:
        if name not in seen:
            problems.append(Problem(file, row, name, None, "required column is missing"))
    return problems


def check_coder_table(
    table: pd.DataFrame, file: str, codebook: Codebook, period: Period
) -> list[Problem]:
    """All problems in one coder table, cell by cell and across cells."""
    problems: list[Problem] = []

    def add(row: int, column: str, value: str, message: str) -> None:
        problems.append(Problem(file, row, column, value, message))

    table = table.reindex(columns=list(COLUMNS), fill_value="")
    seen_ids: dict[str, int] = {}
    for i, rec in zip(table.index, table.to_dict("records"), strict=True):
        rec = {k: (v or "").strip() for k, v in rec.items()}
        for column, value in rec.items():
            if value.startswith(FORMULA_START):
                add(i, column, value, "cell looks like a spreadsheet formula; enter plain text")
        for column in REQUIRED:
            if not rec[column]:
                add(i, column, "", "required value is empty")
        eid = rec["event_id"]
        if eid:
            if eid in seen_ids:
                add(i, "event_id", eid, f"duplicate event id (first in row {seen_ids[eid]})")
            else:
                seen_ids[eid] = i
        _check_dates(rec, i, period, add)
        parts = _check_participants(rec, i, add)
        _check_codes(rec, i, codebook, add)
        _check_format(rec, parts, i, add)
        _check_quantity(rec, i, add)
        if rec["coder"] and rec["coder"] != Path(file).stem:
            add(i, "coder", rec["coder"], f"coder id differs from file name '{Path(file).stem}'")
    return problems


def _check_dates(rec: dict, i: int, period: Period, add) -> None:
    start = end = None
    if rec["date_start"]:
        try:
            start = parse_partial_date(rec["date_start"])
        except ValueError as err:
            add(i, "date_start", rec["date_start"], f"bad date: {err}")
    if rec["date_end"]:
        try:
            end = parse_partial_date(rec["date_end"])
        except ValueError as err:
            add(i, "date_end", rec["date_end"], f"bad date: {err}")
    if start and rec["date_precision"] and start.precision != rec["date_precision"]:
        add(
            i,
            "date_precision",
            rec["date_precision"],
            f"date_start '{start.text}' has {start.precision} precision",
        )
    if start and end and end.latest < start.earliest:
        add(i, "date_end", rec["date_end"], f"event ends before it starts ({start.text})")
    if start and not period.start <= start.earliest.year <= period.end:
        add(
            i,
            "date_start",
            rec["date_start"],
            f"outside the study period {period.start}-{period.end} (config: period)",
        )


def _check_participants(rec: dict, i: int, add) -> list[str]:
    if not rec["participants"]:
        return []
    codes: list[str] = []
    unknown = 0
    for name in [p.strip() for p in rec["participants"].split(";")]:
        if not name:
            continue
        iso3 = to_iso3(name)
        if iso3 is None:
            unknown += 1
            add(i, "participants", name, unmatched_reason(name))
        elif iso3 not in codes:
            codes.append(iso3)
    if not unknown and len(codes) < 2:
        add(i, "participants", rec["participants"], "fewer than two distinct states")
    return codes


def _check_codes(rec: dict, i: int, codebook: Codebook, add) -> None:
    activity = codebook.activities.get(rec["activity"])
    if rec["activity"] and activity is None:
        add(i, "activity", rec["activity"], "unknown activity code (see config/codebook.yaml)")
    elif activity is not None and activity.status != COLLECTED:
        add(
            i,
            "activity",
            rec["activity"],
            f"activity has status '{activity.status}' in the codebook; change the status first",
        )
    if rec["level"] and rec["level"] not in codebook.levels:
        add(i, "level", rec["level"], "unknown level code (see config/codebook.yaml)")
    elif activity is not None and rec["level"] and rec["level"] not in activity.levels:
        add(
            i,
            "level",
            rec["level"],
            f"level not allowed for {activity.code} (allowed: {', '.join(activity.levels)})",
        )
    for column, allowed in (
        ("format", FORMATS),
        ("source_type", SOURCE_TYPES),
        ("confidence", CONFIDENCE),
        ("follow_up", tuple(YES_NO)),
    ):
        if rec[column] and rec[column] not in allowed:
            add(i, column, rec[column], f"must be one of: {', '.join(allowed)}")


def _check_quantity(rec: dict, i: int, add) -> None:
    """An optional quantity (units, troops, TIV or money) is a non-negative number
    with a unit; a unit without a quantity is as incomplete as a quantity without one."""
    quantity, unit = rec.get("quantity", ""), rec.get("quantity_unit", "")
    if quantity:
        try:
            value = float(quantity.replace(",", ""))
        except ValueError:
            add(i, "quantity", quantity, "quantity must be a number (e.g. 6600 or 1.5)")
        else:
            if not math.isfinite(value):
                add(i, "quantity", quantity, "quantity must be a finite number")
            elif value < 0:
                add(i, "quantity", quantity, "quantity must not be negative")
        if not unit:
            add(i, "quantity_unit", "", "a quantity needs a unit (quantity_unit)")
    if unit and unit not in QUANTITY_UNITS:
        add(i, "quantity_unit", unit, f"must be one of: {', '.join(QUANTITY_UNITS)}")
    elif unit and not quantity:
        add(i, "quantity", "", f"quantity_unit '{unit}' is given without a quantity")


def normalise_quantity(text: str) -> str:
    """A checked quantity as plain decimal text ('6,600' -> '6600'); '' stays ''."""
    if not text:
        return ""
    value = float(text.replace(",", ""))
    return str(int(value)) if value.is_integer() else repr(value)


def _check_format(rec: dict, parts: list[str], i: int, add) -> None:
    if rec["format"] == "bilateral" and len(parts) > 2:
        add(i, "format", rec["format"], f"bilateral event lists {len(parts)} participants")
    if rec["format"] == "multilateral" and len(parts) == 2 and not rec["forum"]:
        add(i, "format", rec["format"], "multilateral event with two participants needs a forum")


def to_canonical(table: pd.DataFrame, codebook: Codebook, file: str = "") -> pd.DataFrame:
    """Canonical events from a checked coder table: ISO3 participants, derived area,
    date precision and COW codes, booleans for follow-up."""
    table = table.reindex(columns=list(COLUMNS), fill_value="").apply(lambda s: s.str.strip())
    out = table.copy()
    parts = table["participants"].map(
        lambda s: [to_iso3(p.strip()) for p in s.split(";") if p.strip()]
    )
    parts = parts.map(lambda codes: list(dict.fromkeys(codes)))
    directed = table["activity"].map(lambda a: codebook.activities[a].directed)
    parts = [p if d else sorted(p) for p, d in zip(parts, directed, strict=True)]
    out["participants"] = [";".join(p) for p in parts]
    out["participants_cow"] = [";".join(str(to_cow(c) or "") for c in p) for p in parts]
    out["n_participants"] = [len(p) for p in parts]
    out["area"] = table["activity"].map(codebook.area_of)
    out["follow_up"] = table["follow_up"].map(YES_NO)
    out["source_type"] = table["source_type"]
    out["quantity"] = table["quantity"].map(normalise_quantity)
    name = Path(file).name if file else "table"
    out["source_record"] = [f"{name}:row {i}" for i in table.index]
    return out[list(CANONICAL_COLUMNS)].sort_values(["coder", "event_id"]).reset_index(drop=True)


CANONICAL_COLUMNS = (
    "event_id",
    "date_start",
    "date_end",
    "date_precision",
    "participants",
    "participants_cow",
    "n_participants",
    "activity",
    "area",
    "level",
    "format",
    "forum",
    "location",
    "source",
    "source_type",
    "confidence",
    "follow_up",
    "coder",
    "notes",
    "source_record",
    "quantity",
    "quantity_unit",
)


def load_codings(paths: list[str | Path], codebook: Codebook, period: Period) -> pd.DataFrame:
    """Read and check every coder file; raise one InputError listing all problems."""
    problems: list[Problem] = []
    tables = []
    for path in paths:
        try:
            table = read_table(path)
        except InputError as err:
            problems.extend(err.problems)
            continue
        found = check_coder_table(table, str(path), codebook, period)
        problems.extend(found)
        if not found:
            tables.append(to_canonical(table, codebook, str(path)))
    if problems:
        raise InputError(problems)
    if not tables:
        return pd.DataFrame(columns=list(CANONICAL_COLUMNS))
    return pd.concat(tables, ignore_index=True).sort_values(
        ["coder", "event_id"], ignore_index=True
    )
