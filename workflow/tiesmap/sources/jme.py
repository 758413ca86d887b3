"""Adapter for D'Orazio's Joint Military Exercises (JME) dataset, v3 (coder spreadsheet).

The file is the legacy Excel `.xls` distributed with the troopdata package
(`data-raw/jme_v3.xls`); the data are on sheet `Sheet1_2` (the other sheets are empty).
One row per exercise, participants as ISO3 codes in `State A` .. `State AD`.
Each row becomes one undirected `exercise` event (area `war_preparation`, level
`military`), dated only as precisely as the sheet gives it.

Source conventions handled here (see ../shared/data/jme_exercises/PROVENANCE.md):
- The exercise id is in a column with a blank header (before `Exercise Name`); the 310
  rows appended last have none, so their events are named by sheet row (`jme-r1482`,
  flag `source_id_missing`).
- `-9` codes a missing value, also in participant slots and in date cells formatted as
  dates; `xx` (any case) is an unknown day, month or year.
- Start and end dates come as text (`M/D/YYYY`, `MM/xx/YYYY`, typos such as
  `11/xx2002`), as Excel date cells, and as `s.year`/`s.month`/`s.day` (`e.*`) cells,
  which the appended rows leave blank. All readings are compared; only what they
  agree on is kept (`date_*_conflict`).
- Participant codes are upper-cased and trimmed; `ROM` (the old code for Romania) is
  mapped to ROU; `NATO` or '8 NATO members' in a slot becomes the forum.
- The trailing `AUS` column (an Australian-participation indicator filled only for
  the appended rows) is not used: the participant slots are authoritative.
- The sheet has no air/land/sea coding, so notes say `domain=unknown`.

The sheet and the mapping are separate steps (`read_sheet`, `ingest_rows`) so that the
mapping can be tested on small hand-made grids.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

from tiesmap.core.countries import to_iso3
from tiesmap.core.errors import InputError, Problem
from tiesmap.sources import AdapterResult
from tiesmap.sources.exercise_dates import (
    EventDates,
    Ymd,
    dates_from_cells,
    read_date,
    text_reading,
)
from tiesmap.sources.mme import (
    PeriodLike,
    clean_text,
    exercise_event,
    find_forums,
    finish,
    header_problems,
    make_notes,
    period_bounds,
    read_participants,
    repeated_ids,
    triage,
)

# BibTeX keys of this source (tiesmap.sources.citations): the paper cites it when a build reads it.
CITES = ("dorazio_jme",)

CODER = "jme"
CITATION = (
    "D'Orazio, Joint Military Exercises (JME) dataset, v3 (coder spreadsheet jme_v3.xls, "
    "last saved 2017-01-13), as distributed in the troopdata package "
    "(github.com/meflynn/troopdata, data-raw/jme_v3.xls)"
)
SHEET = "Sheet1_2"
ID_COLUMN = "(id)"  # how problems name the column whose header is blank
NAME_COLUMN = "Exercise Name"
REQUIRED_COLUMNS = (
    NAME_COLUMN,
    "Location1",
    "Location2",
    "Start Date",
    "s.year",
    "s.month",
    "s.day",
    "enddate",
    "e.year",
    "e.month",
    "e.day",
    "JME Type",
    "Institution(s) involved",
    "State A",
    "State B",
)
OPTIONAL_COLUMNS = (
    "Trimmed Name",
    "What is the purpose of the JME?",
    "Which state hosted the exercise?",
)
STATE_COLUMN = re.compile(r"^State [A-Z]{1,2}$")
_ISO3 = re.compile(r"^[A-Z]{3}$")

# Codes in the sheet that are not current ISO3 codes (source-specific, kept here).
CODE_ALIASES: dict[str, str] = {"ROM": "ROU"}

Cell = str | float | int | date | None


def read_sheet(path: str | Path) -> tuple[list[str], list[list[Cell]]]:
    """Header and rows of the JME sheet; text stays text, numbers are floats, date
    cells are dates (a date cell holding -9 or another non-date stays a number)."""
    import xlrd

    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError([Problem(file, None, None, None, "file not found")])
    if path.suffix.lower() != ".xls":
        raise InputError(
            [Problem(file, None, None, path.suffix, "expected a legacy Excel .xls file")]
        )
    log = io.StringIO()
    try:
        book = xlrd.open_workbook(file, logfile=log, verbosity=0)
        sheets = {s.name: s for s in book.sheets()}
        sheet = sheets.get(SHEET)
        if sheet is None:
            filled = [s for s in sheets.values() if s.nrows > 0]
            sheet = filled[0] if len(filled) == 1 else None
        rows = (
            []
            if sheet is None
            else [[_cell(c, book.datemode) for c in sheet.row(i)] for i in range(sheet.nrows)]
        )
    except Exception as err:  # xlrd raises many types for broken or foreign files
        raise InputError(
            [
                Problem(
                    file,
                    None,
                    None,
                    None,
                    "cannot read the Excel workbook (truncated, damaged or not an .xls file): "
                    f"{type(err).__name__}: {err}",
                )
            ]
        ) from None
    # xlrd reads past some damage (e.g. a cut-off last sector) and only logs a warning.
    warnings = [line for line in log.getvalue().splitlines() if "WARNING" in line]
    if warnings:
        raise InputError(
            [
                Problem(file, None, None, None, f"damaged or truncated workbook: {w.strip()}")
                for w in warnings
            ]
        )
    if sheet is None:
        names = ", ".join(sheets) or "none"
        raise InputError(
            [Problem(file, None, None, None, f"sheet {SHEET} not found (sheets: {names})")]
        )
    if not rows:
        raise InputError([Problem(file, None, None, None, f"sheet {sheet.name} is empty")])
    header = [_text(c) for c in rows[0]]
    return header, rows[1:]


def _cell(cell, datemode: int) -> Cell:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            year, month, day, *_ = xlrd.xldate_as_tuple(cell.value, datemode)
            return date(year, month, day)
        except Exception:  # -9 formatted as a date, or another impossible serial
            return float(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    return float(cell.value)  # numbers and booleans


def _text(value: Cell) -> str:
    """A cell as text: integers without '.0', dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return " ".join(str(value).split())


def ingest(path: str | Path, period: PeriodLike = None) -> AdapterResult:
    """JME v3 exercises as canonical events; unmappable rows in `rejected`.

    `period` (a tiesmap.core.config.Period or a (first, last) pair of years) keeps
    exercises starting in those years; the others are counted as `excluded`."""
    header, rows = read_sheet(path)
    return ingest_rows(header, rows, str(path), period)


def ingest_rows(
    header: list[str], rows: list[list[Cell]], file: str, period: PeriodLike = None
) -> AdapterResult:
    """The mapping step of `ingest`, on a header and rows of cell values; row numbers in
    problems and source records are sheet rows (header = 1)."""
    bounds = period_bounds(period)
    header = [" ".join(str(h or "").split()) for h in header]
    # xlrd gives every row the sheet's width: blank names right of the last named
    # column are not columns, and a value below them is beyond the header.
    while header and header[-1] == "":
        header = header[:-1]
    problems = header_problems(file, header, REQUIRED_COLUMNS)
    id_index = None
    if NAME_COLUMN in header:
        i = header.index(NAME_COLUMN)
        if i > 0 and header[i - 1] == "":
            id_index = i - 1
    if id_index is None:
        problems.append(
            Problem(
                file, 1, ID_COLUMN, None, f"no id column (blank header just before '{NAME_COLUMN}')"
            )
        )
    if problems:
        raise InputError(problems)
    assert id_index is not None
    index = {name: j for j, name in enumerate(header) if name}
    states = [(name, j) for name, j in index.items() if STATE_COLUMN.match(name)]

    records = []
    for i, row in enumerate(rows, start=2):
        cells = list(row) + [None] * (len(header) - len(row))
        if any(_text(c) for c in cells[len(header) :]):
            problems.append(
                Problem(
                    file, i, None, None, f"row has values beyond the header's {len(header)} columns"
                )
            )
        if not any(_text(c) for c in cells):
            continue
        raw_id = cells[id_index]
        if raw_id is not None and _text(raw_id) != "" and _id(raw_id) is None:
            problems.append(Problem(file, i, ID_COLUMN, _text(raw_id), "id is not a whole number"))
        records.append((i, cells))
    if problems:
        raise InputError(problems)

    ids = [_id(cells[id_index]) for _, cells in records]
    repeated = repeated_ids([str(x) for x in ids if x is not None])
    events: list[dict] = []
    rejected: list[tuple[str, str]] = []
    excluded = 0
    for (i, cells), jme_id in zip(records, ids, strict=True):

        def get(column: str, cells=cells) -> Cell:
            return cells[index[column]] if column in index else None

        record = f"row {i}" if jme_id is None else f"id {jme_id} (row {i})"
        dates = _jme_dates(get)
        parts = read_participants(((name, _text(cells[j])) for name, j in states), _resolve_code)
        out, reason = triage(dates, parts, bounds)
        if out or reason:
            excluded += out
            if reason:
                rejected.append((record, reason))
            continue
        assert isinstance(dates, EventDates)
        flags = set()
        if jme_id is None:
            event_id = f"jme-r{i}"
            flags.add("source_id_missing")
        else:
            event_id = f"jme-{jme_id}"
            if str(jme_id) in repeated:
                event_id += f"-r{i}"
                flags.add("duplicate_source_id")
        name = clean_text(_text(get(NAME_COLUMN)))
        if not name:
            flags.add("name_missing")
        locations = [clean_text(_text(get(c))) for c in ("Location1", "Location2")]
        events.append(
            exercise_event(
                event_id=event_id,
                source_record=record,
                dates=dates,
                participants=parts,
                forums=find_forums([_text(get("Institution(s) involved")), name]),
                location=", ".join(x for x in locations if x),
                citation=CITATION,
                coder=CODER,
                notes=make_notes(
                    [
                        ("domain", "unknown"),
                        ("name", name),
                        ("series", clean_text(_text(get("Trimmed Name")))),
                        ("type", clean_text(_text(get("JME Type")))),
                        ("purpose", clean_text(_text(get("What is the purpose of the JME?")))),
                        ("host", clean_text(_text(get("Which state hosted the exercise?")))),
                    ]
                ),
                flags=flags,
            )
        )
    return finish(events, rejected, len(records), excluded, file)


def _id(value: Cell) -> int | None:
    if value is None:
        return None
    text = _text(value)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() and number >= 0 else None


def _resolve_code(value: str) -> tuple[str, ...] | None:
    code = value.strip().upper()
    code = CODE_ALIASES.get(code, code)
    if not _ISO3.match(code):
        return None
    return (code,) if to_iso3(code) == code else None


def _date_reading(value: Cell, hint: int | None, day_first: bool):
    """A start/end date cell: an Excel date, a number (-9 = missing) or text."""
    if value is None:
        return None, False
    if isinstance(value, date):
        return read_date(lambda: Ymd(value.year, value.month, value.day)), False
    if isinstance(value, float | int):
        if value == -9:
            return None, False
        return ValueError(f"number {_text(value)} is not a date"), False
    return text_reading(value, hint, day_first)


def _day_first(texts: list[str]) -> bool:
    """Whether a row's text dates are day-first: one of them can only be read that
    way (e.g. '14/09/2007') and all of them can."""

    def readable(text: str, day_first: bool) -> bool:
        return not isinstance(text_reading(text, None, day_first)[0], ValueError)

    texts = [t for t in texts if t]
    return any(not readable(t, False) and readable(t, True) for t in texts) and all(
        readable(t, True) for t in texts
    )


def _jme_dates(get) -> EventDates | str:
    text_cols = ("Start Date", "enddate")
    day_first = _day_first([v for v in (get(c) for c in text_cols) if isinstance(v, str)])
    dates = dates_from_cells(
        text_cols,
        lambda column: _text(get(column)),
        lambda column, hint: _date_reading(get(column), hint, day_first),
    )
    if day_first and isinstance(dates, EventDates):
        dates.flags.add("date_read_day_first")
    return dates
