"""Dates of the exercise datasets (MME, JME): parsing and reconciling their readings.

Both datasets give each start and end date twice: as text (`1/14/80`, `1980-01-xx`,
typos such as `11/xx2002`; in JME also as an Excel date cell) and as separate
`s.year`/`s.month`/`s.day` (`e.*`) cells, with `xx` for an unknown part and `-9` for
a missing value. `dates_from_cells` reads both, keeps only what they agree on and
flags the rest; `event_dates` turns a start and an end into an event's dates.
Used by `tiesmap.sources.mme` and `tiesmap.sources.jme`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Ymd:
    """A date known to year, month or day; validated on construction (ValueError)."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1900 <= self.year <= 2100:
            raise ValueError(f"year {self.year} is out of range")
        if self.month is None:
            if self.day is not None:
                raise ValueError("day given without a month")
            return
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} does not exist")
        if (
            self.day is not None
            and not 1 <= self.day <= calendar.monthrange(self.year, self.month)[1]
        ):
            raise ValueError(f"day {self.day} does not exist in {self.year}-{self.month:02d}")

    @property
    def precision(self) -> str:
        return "year" if self.month is None else "month" if self.day is None else "day"

    @property
    def text(self) -> str:
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
        if self.day is not None:
            out += f"-{self.day:02d}"
        return out

    @property
    def earliest(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> date:
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])


_UNKNOWN_PART = re.compile(r"^(x+|-9(\.0+)?|)$", re.IGNORECASE)
_INT = re.compile(r"^\d+(\.0+)?$")


def _part(text: str, name: str) -> int | None:
    """One date component: an integer, or None for 'xx', '-9' or blank."""
    text = text.strip()
    if _UNKNOWN_PART.match(text):
        return None
    if not _INT.match(text):
        raise ValueError(f"{name} '{text}' is not a number")
    return int(float(text))


def date_from_parts(year: str, month: str, day: str) -> Ymd | None:
    """A date from separate year/month/day cells; None when the year is unknown.
    An unknown month makes the day meaningless, so the date keeps year precision."""
    y = _part(year, "year")
    if y is None:
        if (_part(month, "month"), _part(day, "day")) != (None, None):
            raise ValueError("month or day given without a year")
        return None
    m = _part(month, "month")
    d = _part(day, "day") if m is not None else None
    return Ymd(y, m, d)


_ISO_TEXT = re.compile(r"^(\d{4})(?:-(\d{1,2}|x{1,2})(?:-(\d{1,2}|x{1,2}))?)?$", re.IGNORECASE)
_US_TEXT = re.compile(r"^(\d{1,2}|x{1,2})/(\d{1,2}|x{1,2})/(\d{4}|\d{2})$", re.IGNORECASE)
# The same with missing, doubled or dotted separators ('11/xx2002', '06//03/1998', '08.xx.2007').
_US_TYPO = re.compile(r"^(\d{1,2}|x{1,2})[/.]*(\d{1,2}|x{1,2})[/.]*(\d{4})$", re.IGNORECASE)
_BLANK_DATE = re.compile(r"^(|-9(\.0+)?|x{1,2}/x{1,2}/x{2,4})$", re.IGNORECASE)


def date_from_text(
    text: str, century_hint: int | None = None, day_first: bool = False
) -> tuple[Ymd | None, bool]:
    """Parse 'YYYY-MM-DD' / 'YYYY-MM-xx' or US 'M/D/YY(YY)' with 'xx' parts
    ('D/M/YYYY' when `day_first`).

    Returns (date or None when blank/'-9', whether separators had to be repaired).
    A two-digit year takes its century from `century_hint` (the year cell) when the last
    two digits agree, else 19xx for 50-99 and 20xx for 00-49.
    """
    text = text.strip()
    if _BLANK_DATE.match(text):
        return None, False
    m = _ISO_TEXT.match(text)
    if m:
        year, month, day = m.groups()
        return _assemble(year, month or "", day or "", century_hint), False
    for pattern, typo in ((_US_TEXT, False), (_US_TYPO, True)):
        m = pattern.match(text)
        if m:
            month, day, year = m.groups()
            if day_first:
                month, day = day, month
            return _assemble(year, month, day, century_hint), typo
    raise ValueError(f"'{text}' is not a date (M/D/YYYY or YYYY-MM-DD, 'xx' when unknown)")


def _assemble(year: str, month: str, day: str, century_hint: int | None) -> Ymd:
    y = int(year)
    if len(year) == 2:
        if century_hint is not None and century_hint % 100 == y:
            y = century_hint
        else:
            y += 1900 if y >= 50 else 2000
    m = _part(month, "month")
    d = _part(day, "day") if m is not None else None
    return Ymd(y, m, d)


def merge_dates(a: Ymd | None, b: Ymd | None) -> tuple[Ymd | None, bool]:
    """Combine two readings of one date, keeping only what they agree on.

    A part known in one reading and unknown ('xx') in the other is taken from the one
    that knows it.
    Returns (date, conflict); the date is None when the years disagree."""
    if a is None or b is None:
        return (a or b), False
    if a.year != b.year:
        return None, True
    if a.month is not None and b.month is not None and a.month != b.month:
        return Ymd(a.year), True
    month = a.month if a.month is not None else b.month
    if month is None:
        return Ymd(a.year), False
    days = {r.day for r in (a, b) if r.month == month and r.day is not None}
    if len(days) > 1:
        return Ymd(a.year, month), True
    return Ymd(a.year, month, days.pop() if days else None), False


Reading = tuple[str, Ymd | None | ValueError]


def read_date(reader: Callable[[], Ymd | None]) -> Ymd | None | ValueError:
    """Run a date parser, turning ValueError into a value (so every reading is kept)."""
    try:
        return reader()
    except ValueError as err:
        return err


def text_reading(
    text: str, century_hint: int | None = None, day_first: bool = False
) -> tuple[Ymd | None | ValueError, bool]:
    """date_from_text as a reading: (date, None or the error; whether it was repaired)."""
    try:
        return date_from_text(text, century_hint, day_first)
    except ValueError as err:
        return err, False


@dataclass
class DateOutcome:
    date: Ymd | None
    status: str  # '', 'missing', 'unparseable', 'conflict'
    detail: str


def resolve_date(readings: Sequence[Reading]) -> DateOutcome:
    """One date from several readings (label, parsed value or ValueError)."""
    valid = [(label, r) for label, r in readings if isinstance(r, Ymd)]
    errors = [f"{label}: {r}" for label, r in readings if isinstance(r, ValueError)]
    if not valid:
        if errors:
            return DateOutcome(None, "unparseable", "; ".join(errors))
        return DateOutcome(None, "missing", "no date given")
    result: Ymd | None = valid[0][1]
    conflict = False
    for _, other in valid[1:]:
        result, clash = merge_dates(result, other)
        conflict = conflict or clash
        if result is None:
            break
    detail = " vs ".join(f"{label} {r.text}" for label, r in valid)
    if result is None:
        return DateOutcome(None, "conflict", f"years disagree ({detail})")
    return DateOutcome(result, "conflict" if conflict else "", detail)


@dataclass
class EventDates:
    start: Ymd
    end: Ymd | None
    flags: set[str] = field(default_factory=set)


def event_dates(start: DateOutcome, end: DateOutcome, repaired: set[str]) -> EventDates | str:
    """Start and end of an event, or the reason it cannot be dated.

    The start date is needed; a missing, unreadable or conflicting end date is left
    empty and flagged, because the exercise is still placed in time by its start.
    An end before the start means one of the two is wrong and the data do not say
    which: the start keeps only the year (and month) the two share and the end is
    left empty; when even the years differ the record cannot be dated."""
    if start.date is None:
        what = {"missing": "no start date", "unparseable": "start date unreadable"}
        return f"{what.get(start.status, 'start date readings disagree')} ({start.detail})"
    first = start.date
    flags = {f"date_{side}_typo" for side in repaired}
    if start.status == "conflict":
        flags.add("date_start_conflict")
    last = end.date
    if last is None:
        flags.add("date_end_unknown" if end.status == "missing" else f"date_end_{end.status}")
    else:
        if end.status == "conflict":
            flags.add("date_end_conflict")
        if last.latest < first.earliest:
            if last.year != first.year:
                return f"end date {last.text} is in a year before start date {first.text}"
            same_month = first.month is not None and first.month == last.month
            first = Ymd(first.year, first.month if same_month else None)
            last = None
            flags.add("date_end_before_start")
    if first.precision == "year":
        flags.add("date_month_unknown")
    elif first.precision == "month":
        flags.add("date_day_unknown")
    return EventDates(first, last, flags)


def dates_from_cells(
    text_columns: tuple[str, str],
    cell_text: Callable[[str], str],
    read_text: Callable[[str, int | None], tuple[Ymd | None | ValueError, bool]],
) -> EventDates | str:
    """Start and end of an event from both readings of each: the text (or date) cell
    named in `text_columns` (start's, then end's), read by `read_text(column,
    century_hint)`, and the `s.year`/`s.month`/`s.day` (`e.*`) cells; `cell_text(column)`
    is a cell as text. Returns the dates, or the reason the event cannot be dated."""
    sides = {}
    repaired = set()
    for side, text_col, prefix in (("start", text_columns[0], "s"), ("end", text_columns[1], "e")):
        parts = [cell_text(f"{prefix}.{p}") for p in ("year", "month", "day")]
        from_parts = read_date(lambda p=parts: date_from_parts(*p))
        hint = from_parts.year if isinstance(from_parts, Ymd) else None
        from_text, typo = read_text(text_col, hint)
        if typo:
            repaired.add(side)
        sides[side] = resolve_date(
            [
                (f"{text_col} '{cell_text(text_col)}'", from_text),
                (f"{prefix}.year/month/day '{'/'.join(parts)}'", from_parts),
            ]
        )
    return event_dates(sides["start"], sides["end"], repaired)
