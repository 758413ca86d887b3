"""Partial dates: a coder records only as much of a date as the source states."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

PRECISIONS = ("day", "month", "year")
# [0-9], not \d: in a str pattern \d also matches Arabic-Indic, full-width and other
# Unicode digits, which int() would then read silently. Matched with fullmatch, so a
# trailing newline is not accepted either.
_PATTERNS = {
    "day": re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})"),
    "month": re.compile(r"([0-9]{4})-([0-9]{2})"),
    "year": re.compile(r"([0-9]{4})"),
}


@dataclass(frozen=True)
class PartialDate:
    """A date known to day, month or year precision, with the interval it covers."""

    text: str
    precision: str
    earliest: date
    latest: date

    @property
    def midpoint(self) -> date:
        """Reference date used when an event must be placed in time (e.g. windows)."""
        return date.fromordinal((self.earliest.toordinal() + self.latest.toordinal()) // 2)


def parse_partial_date(text: str) -> PartialDate:
    """Parse YYYY-MM-DD, YYYY-MM or YYYY. Raises ValueError with a reason."""
    text = text.strip()
    for precision, pattern in _PATTERNS.items():
        m = pattern.fullmatch(text)
        if not m:
            continue
        parts = [int(g) for g in m.groups()]
        year = parts[0]
        if precision == "year":
            return PartialDate(text, precision, date(year, 1, 1), date(year, 12, 31))
        month = parts[1]
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} does not exist")
        last = calendar.monthrange(year, month)[1]
        if precision == "month":
            return PartialDate(text, precision, date(year, month, 1), date(year, month, last))
        day = parts[2]
        if not 1 <= day <= last:
            raise ValueError(f"day {day} does not exist in {year}-{month:02d}")
        d = date(year, month, day)
        return PartialDate(text, precision, d, d)
    raise ValueError("not a date of the form YYYY-MM-DD, YYYY-MM or YYYY")
