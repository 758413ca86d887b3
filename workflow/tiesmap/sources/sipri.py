"""SIPRI Arms Transfers Database adapter: trade register -> canonical events.

SIPRI's trade register lists deals of major conventional weapons. The classic
export has one row per deal with its delivery years as a '; '-separated list;
the newer export has one row per deal and delivery year. Both come as latin-1
CSV after a preamble whose length varies between exports, so the header is
found by its first field, never by a fixed line number.

Each deal becomes one directed event (supplier first) per delivery year: an
`arms_sale` in peacetime, a `weapons_delivery` when the recipient is at war in
that year according to the `wars` table in config. Deals that cannot be tied to
two states (unknown suppliers, non-state actors, international organisations,
names without a country code, orders with no delivery yet) are reported in
`rejected`, never dropped silently.

TIV per delivery year: the classic register gives only the TIV of all weapons
delivered so far and the list of delivery years, not the number delivered each
year. We split the TIV evenly over the listed years. SIPRI's own yearly TIV
tables use the true yearly numbers, so single years can differ while sums over
several years agree; `tiv_cross_check` measures how far. The newer export gives
the TIV of each delivery year directly, and that value is used unchanged; there
a deal and delivery year must appear once (a repeated row would count its TIV
twice). Delivery years must lie between 1900 and next year: a garbled year such
as '0000' is an error, not an event.

Exports as they come: some vintages break a record over two lines where a
comment holds a line break (the cell is not quoted), and the preamble differs
between vintages. A short row whose joining with the next row gives exactly the
header's number of cells, the break falling inside the Comments cell, is joined
and the repair reported (`Register.repairs`). Any other malformed row (wrong
number of cells, unreadable cells, a repeated deal-year, a last row without its
line break) is rejected with its reason and the rest of the file is read. Only a
file that is not a SIPRI register (no header, other columns, no rows) stops the
run.

Reference: SIPRI Arms Transfers Database, https://www.sipri.org/databases/armstransfers
(cite SIPRI and the release date, since SIPRI revises past data every year).
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from tiesmap.core.countries import to_cow, to_iso3
from tiesmap.core.errors import InputError, Problem
from tiesmap.sources import AdapterResult, crosscheck_record, rejected_table
from tiesmap.sources.events import event_table

# BibTeX keys of this source (tiesmap.sources.citations): the paper cites it when a build reads it.
CITES = ("sipri_atdb",)

ENCODING = "latin-1"  # SIPRI exports are ISO-8859-1, not UTF-8
MAX_PREAMBLE_LINES = 50  # the header sits on line 12 today; stop early on non-SIPRI files
DEFAULT_SOURCE_LABEL = (
    "SIPRI Arms Transfers Database, https://www.sipri.org/databases/armstransfers"
)
FOCAL_STATES = ("CHN", "RUS", "IRN", "PRK")

# Codebook activities (config/codebook.yaml; tests check the areas still match).
ARMS_SALE = ("arms_sale", "war_preparation")
WEAPONS_DELIVERY = ("weapons_delivery", "wartime_support")

LAYOUT_DEAL = "deal"  # classic export: one row per deal
LAYOUT_DELIVERY_YEAR = "delivery_year"  # newer export: one row per deal and delivery year

# Classic header as exported (blank-named columns hold the '?' uncertainty flag of
# the column before them), the names we use internally, and names for messages.
DEAL_HEADER = (
    "Recipient",
    "Supplier",
    "Year of order",
    " ",
    "Number ordered",
    " ",
    "Weapon designation",
    "Weapon description",
    "Number delivered",
    " ",
    "Year(s) of delivery",
    "status",
    "Comments",
    "SIPRI TIV per unit",
    "SIPRI TIV for total order",
    "SIPRI TIV of delivered weapons",
)
DEAL_FIELDS = (
    "recipient",
    "supplier",
    "order_year",
    "order_year_estimate",
    "number_ordered",
    "number_ordered_estimate",
    "designation",
    "description",
    "number_delivered",
    "number_delivered_estimate",
    "delivery_years",
    "status",
    "comments",
    "tiv_unit",
    "tiv_order",
    "tiv_delivered",
)
DELIVERY_HEADER = (
    "SIPRI AT Database ID",
    "Supplier",
    "Recipient",
    "Designation",
    "Description",
    "Armament category",
    "Order date",
    "Order date is estimate",
    "Numbers delivered",
    "Numbers delivered is estimate",
    "Delivery year",
    "Delivery year is estimate",
    "Status",
    "SIPRI estimate",
    "TIV deal unit",
    "TIV delivery values",
    "Local production",
)
DELIVERY_FIELDS = (
    "deal_id",
    "supplier",
    "recipient",
    "designation",
    "description",
    "category",
    "order_year",
    "order_year_estimate",
    "number_delivered",
    "number_delivered_estimate",
    "delivery_year",
    "delivery_year_estimate",
    "status",
    "tiv_estimate",
    "tiv_unit",
    "tiv_delivered",
    "local_production",
)
# Flags that mark uncertain data, in the order they are written to `flags`.
DEAL_FLAGS = ("order_year_estimate", "number_ordered_estimate", "number_delivered_estimate")
DELIVERY_FLAGS = ("order_year_estimate", "number_delivered_estimate", "delivery_year_estimate")
STATUSES = ("New", "Second hand", "Second hand but modernized")
YES_NO = ("Yes", "No")

_YEAR = re.compile(r"\d{4}", re.ASCII)
FIRST_YEAR = 1900  # SIPRI's register starts in 1950; earlier delivery years are garbled
_NUMBER = re.compile(r"\d+(\.\d+)?", re.ASCII)
_YEAR_LIST_SEP = re.compile(r"\s*;\s*")

# Source-specific names. SIPRI marks non-state actors with '*' and international
# organisations with '**'; a few unstarred names are not states with an ISO3
# code, and two Yemens are historical states that country_converter would merge
# into today's Yemen. ISO 3166-3 'YMD' is the former Democratic Yemen.
SIPRI_ALIASES: dict[str, str] = {"south yemen": "YMD"}
SIPRI_NOT_STATES: dict[str, str] = {
    "northern cyprus": "not a recognised state (country_converter would map it to Cyprus)",
    "biafra": "secessionist entity, not a state",
    "katanga": "secessionist entity, not a state",
    "south vietnam": "historical state without an ISO 3166 code",
}
# COW codes of historical states that differ from the ISO3 code's (COW v2016:
# 678 Yemen Arab Republic until 1990, 680 Yemen People's Republic until 1990).
SIPRI_COW: dict[str, int] = {
    "north yemen": 678,
    "yemen arab republic (north yemen)": 678,
    "south yemen": 680,
}


@dataclass(frozen=True)
class Record:
    """One trade-register record, the same for both export layouts.

    `tiv_delivered` is the TIV of everything delivered in `years` (None when
    SIPRI gives none); `flags` are the names of the set uncertainty markers.
    """

    line: int
    supplier: str
    recipient: str
    designation: str
    description: str
    years: tuple[int, ...]
    tiv_delivered: float | None
    flags: tuple[str, ...]
    deal_id: str = ""


@dataclass(frozen=True)
class Register:
    """A parsed trade register: layout, the preamble lines that identify the
    release, and every record in file order."""

    path: str
    layout: str
    title: str
    generated: str
    header_line: int
    records: tuple[Record, ...]
    malformed: tuple[tuple[int, str], ...] = ()  # (line, reason) of rows not read
    repairs: tuple[tuple[int, int], ...] = ()  # (line, next line) of joined rows


@dataclass(frozen=True)
class _Rows:
    """What `_read_rows` found: records, malformed rows and joined rows."""

    records: list[Record]
    malformed: list[tuple[int, str]]
    repairs: list[tuple[int, int]]
    last_line: int  # line on which the last non-blank row starts (0: none)


@dataclass(frozen=True)
class War:
    """A war from config: deliveries to `state` in [start_year, end_year] are wartime."""

    name: str
    state: str
    start_year: int
    end_year: int | None


# --------------------------------------------------------------------- reading


def read_register(path: str | Path) -> Register:
    """Parse a SIPRI trade-register export of either layout, streaming its rows.

    Raises InputError only when the file is not a SIPRI register (missing, not
    text in the export's encoding, no header, other columns, no data rows); a
    malformed row is kept in `malformed` with its reason, a record broken over
    two lines inside its comment is joined and listed in `repairs`.
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError([Problem(file, None, None, None, "file not found")])
    encoding = _encoding_of(path)
    try:
        with path.open(encoding=encoding, newline="") as fh:
            preamble, header_line, header = _find_header(fh, file)
            layout = detect_layout(header, file, header_line)
            rows = _read_rows(fh, file, layout, header_line)
    except UnicodeDecodeError as err:  # only possible for a file with a UTF-8 BOM
        raise InputError(
            [
                Problem(
                    file, None, None, None, f"file starts with a UTF-8 mark but is not UTF-8: {err}"
                )
            ]
        ) from None
    records, malformed = rows.records, dict(rows.malformed)
    if rows.last_line and not _ends_with_newline(path):
        cut = "last row does not end with a line break: the export looks truncated"
        if records and records[-1].line == rows.last_line:
            records.pop()
        malformed[rows.last_line] = "; ".join(x for x in (malformed.get(rows.last_line), cut) if x)
    if not rows.last_line:
        raise InputError([Problem(file, header_line, None, None, "no data rows after the header")])
    return Register(
        path=file,
        layout=layout,
        title=preamble[0].strip() if preamble else "",
        generated=_generated_line(preamble) or "",
        header_line=header_line,
        records=tuple(records),
        malformed=tuple(sorted(malformed.items())),
        repairs=tuple(rows.repairs),
    )


def _encoding_of(path: Path) -> str:
    """latin-1 as SIPRI exports it; UTF-8 only when a re-saved file starts with a BOM."""
    with path.open("rb") as fh:
        return "utf-8-sig" if fh.read(3) == b"\xef\xbb\xbf" else ENCODING


def _ends_with_newline(path: Path) -> bool:
    """SIPRI exports end with a line break; a missing one means the last row was cut."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        if fh.tell() == 0:
            return False
        fh.seek(-1, 2)
        return fh.read(1) in (b"\n", b"\r")


def _find_header(fh: IO[str], file: str) -> tuple[list[str], int, list[str]]:
    """Read lines until the header (first field 'Recipient' or 'SIPRI AT Database ID').

    The preamble is read line by line, not through the csv module, because a
    stray quote in a preamble sentence must not swallow the header. Gives up
    after MAX_PREAMBLE_LINES so a large non-SIPRI file is not read to the end.
    """
    preamble: list[str] = []
    for line_no in range(1, MAX_PREAMBLE_LINES + 1):
        line = fh.readline()
        if not line:
            break
        cells = next(csv.reader([line.rstrip("\r\n")]), [])
        first = cells[0].strip() if cells else ""
        if first in (DEAL_HEADER[0], DELIVERY_HEADER[0]):
            return preamble, line_no, cells
        preamble.append(line.rstrip("\r\n"))
    raise InputError(
        [
            Problem(
                file,
                None,
                None,
                None,
                f"no header row (first field '{DEAL_HEADER[0]}' or '{DELIVERY_HEADER[0]}') "
                f"in the first {MAX_PREAMBLE_LINES} lines: not a SIPRI trade-register export",
            )
        ]
    )


def detect_layout(header: Sequence[str], file: str = "", line: int | None = None) -> str:
    """Which export a header belongs to; an InputError lists every column that differs.

    Headers are compared column by column (blank names as blank) because the
    flag columns have no names of their own: only their position tells which
    value a '?' qualifies.
    """
    if header and header[0].strip() == DELIVERY_HEADER[0]:
        expected, layout = DELIVERY_HEADER, LAYOUT_DELIVERY_YEAR
    else:
        expected, layout = DEAL_HEADER, LAYOUT_DEAL
    problems = []
    for i in range(max(len(header), len(expected))):
        found = header[i] if i < len(header) else None
        want = expected[i] if i < len(expected) else None
        column = f"col {i + 1}"
        if want is None:
            problems.append(Problem(file, line, column, found, "unexpected extra column"))
        elif found is None:
            problems.append(Problem(file, line, column, None, f"column '{want}' is missing"))
        elif found.strip() != want.strip():
            problems.append(Problem(file, line, column, found, f"expected column '{want}'"))
    if problems:
        raise InputError(problems)
    return layout


_GENERATED = re.compile(r"^(data |information |report )?generated( on)?\s*:?\s*\S", re.I)


def _generated_line(preamble: Sequence[str]) -> str | None:
    """The line that dates the release: 'Data generated: ...' in current exports,
    'Information generated: ...' or 'Generated on ...' in others; None if absent
    (the manifest's version then identifies the release)."""
    for line in preamble:
        text = line.strip().strip('"').strip()
        if _GENERATED.match(text):
            return text
    return None


def _physical_rows(fh: IO[str], header_line: int):
    """(start line, cells or None, csv error or '') for each row after the header."""
    reader = csv.reader(fh)
    last = 0
    while True:
        start = header_line + last + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            last = reader.line_num
            yield start, None, f"CSV parse error: {err}"
            continue
        last = reader.line_num
        if any(cell.strip() for cell in row):  # a blank line is not a record
            yield start, row, ""


def joined_row(
    row: Sequence[str], following: Sequence[str], n_columns: int, at: int | None
) -> list[str] | None:
    """`row` and the `following` row joined into one record, or None.

    A comment with a line break that the export did not quote splits its record
    in two: the first part ends inside the Comments cell (column `at`, 0-based)
    and the second part begins with the rest of it. Joining restores the record
    only if the cells then number exactly `n_columns` and the join falls on `at`.
    """
    if at is None or len(row) >= n_columns or len(row) - 1 != at:
        return None
    if len(row) + len(following) - 1 != n_columns:
        return None
    return [*row[:-1], row[-1] + "\n" + following[0], *following[1:]]


def _read_rows(fh: IO[str], file: str, layout: str, header_line: int) -> _Rows:
    """Parse the data rows after the header, one at a time: records, the malformed
    rows with their reasons, and the rows joined across a broken comment."""
    header = DEAL_HEADER if layout == LAYOUT_DEAL else DELIVERY_HEADER
    n_columns = len(header)
    comments = DEAL_FIELDS.index("comments") if layout == LAYOUT_DEAL else None
    parse = _parse_deal_row if layout == LAYOUT_DEAL else _parse_delivery_row
    out = _Rows([], [], [], 0)
    first_line: dict[tuple[str, tuple[int, ...]], int] = {}  # (deal, years) -> line
    rows = _physical_rows(fh, header_line)
    pending = next(rows, None)
    while pending is not None:
        start, row, error = pending
        pending = next(rows, None)
        out = _Rows(out.records, out.malformed, out.repairs, start)
        if row is None:
            out.malformed.append((start, error))
            continue
        if len(row) != n_columns and pending is not None and pending[1] is not None:
            joined = joined_row(row, pending[1], n_columns, comments)
            if joined is not None:
                out.repairs.append((start, pending[0]))
                row = joined
                out = _Rows(out.records, out.malformed, out.repairs, pending[0])
                pending = next(rows, None)
        if len(row) != n_columns:
            out.malformed.append(
                (
                    start,
                    f"row has {len(row)} cells but the header has {n_columns} "
                    f"(truncated or garbled row: {_clip_row(row)})",
                )
            )
            continue
        record, found = parse(row, start, file)
        if record is None:
            out.malformed.append((start, "; ".join(_describe(p) for p in found)))
            continue
        if layout == LAYOUT_DELIVERY_YEAR:
            # One row per deal and delivery year: a repeat would count that TIV twice.
            key = (record.deal_id, record.years)
            if key in first_line:
                year = (
                    f"with delivery year {record.years[0]}"
                    if record.years
                    else "without a delivery year"
                )
                out.malformed.append(
                    (
                        start,
                        f"{DELIVERY_HEADER[0]} {record.deal_id}: deal {year} repeated "
                        f"(first on line {first_line[key]}): its TIV would count twice",
                    )
                )
                continue
            first_line[key] = start
        out.records.append(record)
    return out


def _describe(problem: Problem) -> str:
    value = "" if problem.value is None else f" ({str(problem.value)[:40]!r})"
    return f"{problem.column}: {problem.message}{value}"


def _clip_row(row: Sequence[str]) -> str:
    return ",".join(row)[:60]


def _check_number(value: str, allow_empty: bool = True) -> float | None | str:
    """A non-negative decimal as SIPRI writes it; an error message when it is not."""
    text = value.strip()
    if not text:
        return None if allow_empty else "value is empty"
    if not _NUMBER.fullmatch(text):
        return "not a non-negative number"
    number = float(text)
    return number if math.isfinite(number) else "not a finite number"


def last_plausible_year() -> int:
    """The latest delivery year an export can hold: next year (SIPRI lists planned
    deliveries of the current year only; one more year leaves room for a release
    made around the turn of the year)."""
    return date.today().year + 1


def year_problem(text: str) -> str | None:
    """Why `text` is not a delivery year, or None: four ASCII digits between
    FIRST_YEAR and `last_plausible_year()` (a garbled '0000' must not become an event)."""
    if not _YEAR.fullmatch(text):
        return "not a four-digit year"
    return _outside([text], last_plausible_year())


def _outside(parts: Sequence[str], last: int) -> str | None:
    """The message for the first of these four-digit years outside FIRST_YEAR..last."""
    for part in parts:
        if not FIRST_YEAR <= int(part) <= last:
            return f"year {part} is outside {FIRST_YEAR}-{last} (garbled?)"
    return None


def delivery_years(text: str) -> tuple[int, ...] | str:
    """Delivery years from '1979; 1980; 1981' (empty -> no deliveries), or why the
    list cannot be read (a part that is not a four-digit year, a year outside the
    plausible range of `year_problem`, a year listed twice)."""
    text = text.strip()
    if not text:
        return ()
    expected = "not a '; '-separated list of distinct four-digit years"
    parts = _YEAR_LIST_SEP.split(text)
    if not all(_YEAR.fullmatch(p) for p in parts):
        return expected
    why = _outside(parts, last_plausible_year())
    if why is not None:
        return why
    years = tuple(int(p) for p in parts)
    if len(set(years)) != len(years):
        return f"a year is listed twice: {expected}"
    return years


def parse_delivery_years(text: str) -> tuple[int, ...] | None:
    """Delivery years from '1979; 1980; 1981' (empty -> no deliveries); None if garbled
    or a year is not plausible (see `delivery_years` for the reason)."""
    years = delivery_years(text)
    return None if isinstance(years, str) else years


def _check_shared_cells(
    cell: Mapping[str, str], bad: Callable[[str, str], None], numbers: Sequence[str]
) -> None:
    """The checks both register layouts share: names, order year, numbers, status."""
    for field in ("recipient", "supplier"):
        if not cell[field].strip():
            bad(field, "name is empty")
    if not _YEAR.fullmatch(cell["order_year"].strip()):
        bad("order_year", "not a four-digit year")
    for field in numbers:
        checked = _check_number(cell[field])
        if isinstance(checked, str):
            bad(field, checked)
    if cell["status"].strip() not in STATUSES:
        bad("status", f"unknown status (expected one of: {', '.join(STATUSES)})")


def _record(cell: Mapping[str, str], line: int, **fields) -> Record:
    """A checked row's Record: the cells both layouts share plus `fields`."""
    tiv = _check_number(cell["tiv_delivered"])
    return Record(
        line=line,
        supplier=cell["supplier"].strip(),
        recipient=cell["recipient"].strip(),
        designation=cell["designation"].strip(),
        description=cell["description"].strip(),
        tiv_delivered=tiv if isinstance(tiv, float) else None,
        **fields,
    )


def _parse_deal_row(
    row: Sequence[str], line: int, file: str
) -> tuple[Record | None, list[Problem]]:
    """Check and convert one classic (one row per deal) register row."""
    cell = dict(zip(DEAL_FIELDS, row, strict=True))
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        i = DEAL_FIELDS.index(field)
        name = DEAL_HEADER[i].strip() or f"'?' flag of {DEAL_HEADER[i - 1]}"
        problems.append(Problem(file, line, f"col {i + 1} ({name})", row[i], message))

    _check_shared_cells(
        cell,
        bad,
        ("number_ordered", "number_delivered", "tiv_unit", "tiv_order", "tiv_delivered"),
    )
    for field in DEAL_FLAGS:
        if cell[field].strip() not in ("", "?"):
            bad(field, "flag must be empty or '?'")
    years = delivery_years(cell["delivery_years"])
    if isinstance(years, str):
        bad("delivery_years", years)
    if problems:
        return None, problems
    flags = tuple(f for f in DEAL_FLAGS if cell[f].strip() == "?")
    return _record(cell, line, years=years or (), flags=flags), []


def _parse_delivery_row(
    row: Sequence[str], line: int, file: str
) -> tuple[Record | None, list[Problem]]:
    """Check and convert one row of the newer (one row per deal and year) export."""
    cell = dict(zip(DELIVERY_FIELDS, row, strict=True))
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        i = DELIVERY_FIELDS.index(field)
        problems.append(Problem(file, line, DELIVERY_HEADER[i], row[i], message))

    if not re.fullmatch(r"\d+", cell["deal_id"].strip(), re.ASCII):
        bad("deal_id", "not a numeric SIPRI deal id")
    _check_shared_cells(
        cell, bad, ("number_delivered", "tiv_estimate", "tiv_unit", "tiv_delivered")
    )
    year = cell["delivery_year"].strip()
    why = year_problem(year) if year else None
    if why is not None:
        bad("delivery_year", why)
    for field in (*DELIVERY_FLAGS, "local_production"):
        if cell[field].strip() not in YES_NO:
            bad(field, "must be Yes or No")
    if problems:
        return None, problems
    flags = tuple(f for f in DELIVERY_FLAGS if cell[f].strip() == "Yes")
    years = (int(year),) if year else ()
    return _record(cell, line, years=years, flags=flags, deal_id=cell["deal_id"].strip()), []


# ------------------------------------------------------------------ mapping


def map_actor(name: str, merge_soviet_union: bool = False) -> tuple[str | None, str]:
    """ISO3 code of a SIPRI actor name, or None and the reason it is not a state.

    The '*'/'**' markers are checked before name matching: country_converter
    would otherwise read 'Houthi rebels (Yemen)*' as Yemen. 'Soviet Union' stays
    SUN (its arms trade is not Russia's) unless the caller merges it explicitly.
    """
    key = " ".join(name.split())
    low = key.lower()
    if key.endswith("**"):
        return None, f"international organisation: '{key}'"
    if key.endswith("*"):
        return None, f"non-state actor: '{key}'"
    if low.startswith("unknown"):
        return None, f"unknown actor: '{key}'"
    if low in SIPRI_NOT_STATES:
        return None, f"not a state with a country code: '{key}' ({SIPRI_NOT_STATES[low]})"
    iso3 = SIPRI_ALIASES.get(low) or to_iso3(key)
    if iso3 is None:
        return None, f"name not matched to a country code: '{key}'"
    if merge_soviet_union and iso3 == "SUN":
        iso3 = "RUS"
    return iso3, ""


def cow_code(name: str, iso3: str) -> str:
    """COW code as text ('' where the state has none), with SIPRI's historical Yemens."""
    low = " ".join(name.split()).lower()
    code = SIPRI_COW.get(low)
    if code is None:
        code = to_cow(iso3)
    return "" if code is None else str(code)


def parse_wars(wars: Iterable[Mapping], source: str = "config: wars") -> tuple[War, ...]:
    """Wars from config (start/end as 'YYYY-MM-DD' text or YAML dates; end None = ongoing)."""
    out: list[War] = []
    problems: list[Problem] = []
    for i, spec in enumerate(wars):
        where = f"wars[{i}]"
        try:
            start = _year_of(spec["start"])
            end = None if spec.get("end") in (None, "") else _year_of(spec["end"])
            state = str(spec["state"]).strip()
        except (KeyError, TypeError, ValueError) as err:
            problems.append(Problem(source, None, where, str(spec), f"bad war entry: {err}"))
            continue
        if not re.fullmatch(r"[A-Z]{3}", state):
            problems.append(Problem(source, None, f"{where}.state", state, "not an ISO3 code"))
        elif end is not None and end < start:
            problems.append(Problem(source, None, f"{where}.end", str(end), "ends before start"))
        else:
            out.append(War(str(spec.get("name", state)), state, start, end))
    if problems:
        raise InputError(problems)
    return tuple(out)


def _year_of(value: object) -> int:
    if isinstance(value, date):
        return value.year
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text, re.ASCII):
        raise ValueError(f"not a date: {text!r}")
    return int(text[:4])


def at_war(state: str, year: int, wars: Sequence[War]) -> bool:
    """Whether `state` is at war at any time in `year`.

    SIPRI dates deliveries to the year only, so a delivery in the year a war
    starts or ends cannot be placed before or after it; it counts as wartime.
    """
    return any(
        w.state == state and w.start_year <= year and (w.end_year is None or year <= w.end_year)
        for w in wars
    )


def classify_delivery(recipient: str, year: int, wars: Sequence[War]) -> tuple[str, str]:
    """(activity, area): wartime support to a recipient at war, else a peacetime arms sale."""
    return WEAPONS_DELIVERY if at_war(recipient, year, wars) else ARMS_SALE


def tiv_per_year(tiv_delivered: float | None, n_years: int) -> float:
    """TIV of each delivery year: the delivered TIV split evenly over the years.

    The classic register does not say how many items arrived in which year, so
    an even split is the only rule that neither invents a profile nor loses TIV;
    the yearly values always sum back to SIPRI's figure. NaN when SIPRI gives none.
    """
    if tiv_delivered is None or n_years < 1:
        return math.nan
    return tiv_delivered / n_years


# ------------------------------------------------------------------- ingest


def ingest(
    path: str | Path,
    wars: Iterable[Mapping],
    merge_soviet_union: bool = False,
    source_label: str = DEFAULT_SOURCE_LABEL,
) -> AdapterResult:
    """Canonical events, one per deal and delivery year, from a SIPRI trade register.

    `wars` is config's list of {name, state, start, end}; `source_label` opens
    the citation in the `source` column, which ends with the release's 'Data
    generated' line. Unmappable deals are listed in `rejected` with the reason.
    In the newer export a record is one deal and year, so `rows_read`,
    `deals_mapped` and `deals_rejected` then count those records.
    """
    war_table = parse_wars(wars)
    register = read_register(path)
    release = register.generated or "release date not stated in the export"
    source = f"{source_label}; trade register, {release}"
    rows: list[dict] = []
    rejected: list[tuple[str, str]] = [
        (f"trade-register line {line}", f"malformed row: {why}") for line, why in register.malformed
    ]
    reason_counts: Counter[str] = Counter({"malformed_row": len(rejected)} if rejected else {})
    for rec in register.records:
        record_id = f"trade-register line {rec.line}"
        if rec.deal_id:
            record_id += f" (SIPRI AT Database ID {rec.deal_id})"
        supplier, why_s = map_actor(rec.supplier, merge_soviet_union)
        recipient, why_r = map_actor(rec.recipient, merge_soviet_union)
        reasons = [f"supplier {why_s}" if why_s else "", f"recipient {why_r}" if why_r else ""]
        if supplier and recipient and supplier == recipient:
            reasons.append(f"supplier and recipient are the same state ({supplier})")
        if not rec.years:
            reasons.append("no delivery years (order without deliveries in this register)")
        reasons = [r for r in reasons if r]
        if reasons:
            rejected.append((record_id, "; ".join(reasons)))
            reason_counts[_reason_category(reasons[0])] += 1
            continue
        assert supplier is not None and recipient is not None
        rows += _events_of(rec, supplier, recipient, war_table, source, record_id)
    events = event_table(rows, str(path), sort=False)  # in register order
    n_rows = len(register.records) + len(register.malformed)
    counts = {
        "rows_read": n_rows,
        "deals_mapped": n_rows - len(rejected),
        "deals_rejected": len(rejected),
        "events": len(events),
        "rows_repaired": len(register.repairs),
    }
    counts.update({f"rejected_{k}": v for k, v in sorted(reason_counts.items())})
    notes = {
        "release": register.generated,
        "repairs": {
            "count": len(register.repairs),
            "rows": [
                f"lines {a} and {b} joined: a line break inside the Comments cell"
                for a, b in register.repairs
            ],
        },
    }
    return AdapterResult(
        table=events,
        rejected=rejected_table(rejected),
        counts=counts,
        notes=notes,
    )


def _reason_category(reason: str) -> str:
    """A short key for counting rejections: the reason text before its detail."""
    head = reason.split(":")[0].split("(")[0].strip()
    return re.sub(r"[^a-z0-9]+", "_", head.lower()).strip("_")


def _events_of(
    rec: Record,
    supplier: str,
    recipient: str,
    wars: Sequence[War],
    source: str,
    record_id: str,
) -> list[dict]:
    """One event per delivery year (a dict per event, keyed by column)."""
    tiv = tiv_per_year(rec.tiv_delivered, len(rec.years))
    cow = f"{cow_code(rec.supplier, supplier)};{cow_code(rec.recipient, recipient)}"
    notes = ", ".join(dict.fromkeys(x for x in (rec.designation, rec.description) if x))
    confidence = "medium" if rec.flags else "high"
    out = []
    for year in rec.years:
        activity, area = classify_delivery(recipient, year, wars)
        out.append(
            {
                "event_id": f"sipri-L{rec.line}-{year}",
                "date_start": f"{year:04d}",
                "date_end": "",
                "date_precision": "year",
                "participants": f"{supplier};{recipient}",  # supplier first: the event is directed
                "participants_cow": cow,
                "n_participants": 2,
                "activity": activity,
                "area": area,
                "level": "not_applicable",
                "format": "bilateral",
                "forum": "",
                "location": "",
                "source": source,
                "source_type": "dataset",
                "confidence": confidence,
                "follow_up": False,
                "coder": "sipri",
                "notes": notes,
                "tiv": tiv,
                "source_record": record_id,
                "flags": ";".join(rec.flags),
            }
        )
    return out


# -------------------------------------------------------------- cross-check


def read_tiv_table(path: str | Path) -> tuple[str, pd.DataFrame]:
    """SIPRI's yearly TIV table by supplier ('Exports by') or recipient ('Recipient').

    Returns the side ('supplier' or 'recipient') and a long frame (name, year,
    tiv) of the yearly columns; empty cells are 0 (no deliveries), world totals
    are left out. Problems are collected and raised together.
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError([Problem(file, None, None, None, "file not found")])
    with path.open(encoding=ENCODING, newline="") as fh:
        lines = fh.read().splitlines()  # a few hundred rows: no need to stream
    rows = list(csv.reader(lines))
    header_at = next(
        (
            i
            for i, r in enumerate(rows[:MAX_PREAMBLE_LINES])
            if r and r[0].strip() in ("Exports by", "Recipient")
        ),
        None,
    )
    if header_at is None:
        raise InputError(
            [Problem(file, None, None, None, "no header ('Exports by' or 'Recipient') found")]
        )
    header = rows[header_at]
    side = "supplier" if header[0].strip() == "Exports by" else "recipient"
    year_cols = [(i, int(h)) for i, h in enumerate(header) if _YEAR.fullmatch(h.strip())]
    if not year_cols:
        raise InputError([Problem(file, header_at + 1, None, None, "no year columns in header")])
    problems: list[Problem] = []
    out: list[tuple[str, int, float]] = []
    for line, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not row or not row[0].strip() or row[0].strip().lower().startswith("total world"):
            continue
        if len(row) != len(header):
            problems.append(
                Problem(file, line, None, None, f"row has {len(row)} cells, header {len(header)}")
            )
            continue
        for i, year in year_cols:
            value = _check_number(row[i])
            if isinstance(value, str):
                problems.append(Problem(file, line, header[i], row[i], value))
            elif value:
                out.append((row[0].strip(), year, value))
    if problems:
        raise InputError(problems)
    table = pd.DataFrame(out, columns=["name", "year", "tiv"])
    table.attrs["years"] = (year_cols[0][1], year_cols[-1][1])
    return side, table


def tiv_cross_check(
    events: pd.DataFrame,
    tiv_export_path: str | Path,
    tiv_import_path: str | Path,
    merge_soviet_union: bool = False,
    abs_tol: float = 1.0,
    rel_tol: float = 0.05,
) -> pd.DataFrame:
    """Yearly TIV sums of the adapter's events against SIPRI's own yearly tables.

    One row per side ('supplier' | 'recipient'), state and year within the
    tables' years where either value is positive: register and table TIV, their
    difference, whether they agree (|diff| <= abs_tol, or <= rel_tol of the
    table value; tables are rounded to whole TIV), and `split_free`: no event in
    the sum comes from a multi-year deal, so the even split plays no part
    (`events` must hold every delivery year of a deal). Differences come from the even
    split of multi-year deals, from SIPRI's revisions between the two releases,
    and, for recipients, from deliveries by unknown or non-state suppliers that
    the adapter rejects. Summarise with `cross_check_summary`.
    """
    parts = events["participants"].str.split(";", n=1)
    n_years = events.groupby("source_record")["event_id"].transform("size")
    base = pd.DataFrame(
        {
            "supplier": parts.str[0],
            "recipient": parts.str[1],
            "year": events["date_start"].str[:4].astype(int),
            "tiv": events["tiv"].fillna(0.0),
            "multi_year": n_years > 1,
        }
    )
    frames = []
    for path in (tiv_export_path, tiv_import_path):
        side, table = read_tiv_table(path)
        first, last = table.attrs["years"]
        iso = {n: map_actor(n, merge_soviet_union)[0] for n in table["name"].unique()}
        table = table.assign(state=table["name"].map(iso)).dropna(subset=["state"])
        official = table.groupby(["state", "year"])["tiv"].sum().rename("tiv_table")
        ours = (
            base[base["year"].between(first, last)]
            .groupby([side, "year"])
            .agg(tiv_register=("tiv", "sum"), multi_year=("multi_year", "any"))
            .rename_axis(["state", "year"])
        )
        merged = pd.concat([ours, official], axis=1).reset_index()
        merged = merged.fillna({"tiv_register": 0.0, "tiv_table": 0.0})
        merged["split_free"] = ~merged["multi_year"].eq(True)  # NaN: no register events
        merged = merged[(merged["tiv_register"] > 0) | (merged["tiv_table"] > 0)]
        frames.append(merged.assign(side=side))
    out = pd.concat(frames, ignore_index=True)
    out["diff"] = out["tiv_register"] - out["tiv_table"]
    gap = out["diff"].abs()
    out["agree"] = (gap <= abs_tol) | (gap <= rel_tol * out["tiv_table"])
    columns = ["side", "state", "year", "tiv_register", "tiv_table", "diff", "agree", "split_free"]
    return out[columns].sort_values(["side", "state", "year"], ignore_index=True)


def cross_check_summary(
    comparison: pd.DataFrame,
    focal: Sequence[str] = FOCAL_STATES,
    windows: Sequence[int] = (1, 5),
    abs_tol: float = 1.0,
    rel_tol: float = 0.05,
) -> pd.DataFrame:
    """Agreement of register and table TIV by side, scope (focal states / all) and window.

    `window` 1 compares single years; 5 compares sums over 5-year blocks from
    1950, the resolution at which SIPRI advises reading TIV and at which the
    even split of multi-year deals matters much less. For single years,
    `share_agree_split_free` is the agreement where the split plays no part, so
    what remains there is SIPRI's revisions between releases and rounding.
    """
    rows = []
    for window in windows:
        data = comparison
        if window > 1:
            block = 1950 + (comparison["year"] - 1950) // window * window
            data = (
                comparison.assign(year=block)
                .groupby(["side", "state", "year"], as_index=False)
                .agg(
                    tiv_register=("tiv_register", "sum"),
                    tiv_table=("tiv_table", "sum"),
                    split_free=("split_free", "all"),
                )
            )
            gap = (data["tiv_register"] - data["tiv_table"]).abs()
            data["agree"] = (gap <= abs_tol) | (gap <= rel_tol * data["tiv_table"])
        for side in ("supplier", "recipient"):
            for scope in ("focal", "all"):
                sub = data[data["side"] == side]
                if scope == "focal":
                    sub = sub[sub["state"].isin(list(focal))]
                rows.append(
                    {
                        "side": side,
                        "scope": scope,
                        "window": window,
                        "n": len(sub),
                        "share_agree": _share(sub["agree"]),
                        "n_split_free": int(sub["split_free"].sum()) if window == 1 else 0,
                        "share_agree_split_free": _share(sub.loc[sub["split_free"], "agree"])
                        if window == 1
                        else math.nan,
                        "correlation": _correlation(sub["tiv_register"], sub["tiv_table"]),
                        "tiv_register": float(sub["tiv_register"].sum()),
                        "tiv_table": float(sub["tiv_table"].sum()),
                    }
                )
    return pd.DataFrame(rows)


def _share(flags: pd.Series) -> float:
    return float(flags.mean()) if len(flags) else math.nan


def _correlation(a: pd.Series, b: pd.Series) -> float:
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return math.nan
    return float(np.corrcoef(a, b)[0, 1])


def crosscheck_report(
    events: pd.DataFrame | None,
    tiv_export_path: str | Path | None,
    tiv_import_path: str | Path | None,
) -> dict[str, Any]:
    """The TIV cross-check as a JSON-ready record (`results/data/sipri_crosscheck.json`).

    With the adapter's events and both TIV tables: the summary of
    `cross_check_summary` (one row per side, scope and window) and the number
    of compared state-years. When the register or a table is absent the record
    says which, and nothing else, so that it is the same on every build
    without the files.
    """

    def compare(events: pd.DataFrame, exports: str | Path, imports: str | Path) -> tuple:
        comparison = tiv_cross_check(events, exports, imports)
        return comparison, cross_check_summary(comparison)

    inputs = {"register": events, "tiv_exports": tiv_export_path, "tiv_imports": tiv_import_path}
    return crosscheck_record(inputs, compare, "state_years")
