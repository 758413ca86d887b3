"""Adapter for the Multinational Military Exercises (MME) dataset, v7.

The file is the wide CSV distributed with the troopdata package (`data-raw/mme_v7.csv`):
one row per exercise, participants as English country names in `StateA` .. `StateAM`.
Each row becomes one undirected `exercise` event (area `war_preparation`, level
`military`), keeping the date only as precisely as the data give it.

Source conventions handled here (see ../shared/data/mme_exercises/PROVENANCE.md):
- `-9` codes a missing value (exercise name, location, a participant slot).
- Dates come twice: as text (`1/14/80` or `1980-01-xx`) and as `s.year`/`s.month`/`s.day`
  (likewise `e.*`); `xx` is an unknown day or month. Both readings are compared and
  only what they agree on is kept (`date_*_conflict` flags a disagreement).
  An end before the start keeps only the part of the start both share (see
  `event_dates`); a start that cannot be read rejects the record.
- A few `MMEID`s repeat on different exercises; such events get the file row in their
  id (`mme-3460-r1239`) and the flag `duplicate_source_id`.
- `-9` participant slots are dropped (`participants_incomplete`); a record left with
  fewer than two identified states is rejected. `NATO` in a slot becomes the forum;
  'Baltic States' is expanded to EST, LTU, LVA (`participants_expanded`).
- `forum` is filled only where the data name an organisation (FORUMS) in
  `AdditionalParticipantInfo`, the exercise name or a participant slot; the free-text
  `FocusDescription` is not used (it mentions NATO or the CIS in passing, e.g. as an
  exercise scenario's adversary).
- MME writes "Russia" for the Soviet Union before 1992 (COW code 365 for both); such
  events keep RUS and carry the flag `ussr_coded_as_russia`.
- Notes hold `domain` (air, land, sea, combined when several branches or amphibious,
  unspecified when none is coded), `branches`, `name`, `series`, `type=CPX` and
  `purpose`.

The date, participant and forum helpers below are shared with the JME adapter
(`tiesmap.sources.jme`), which reads a sibling dataset with the same conventions.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from tiesmap.coder_files import Period
from tiesmap.countries import to_cow, to_iso3
from tiesmap.errors import InputError, Problem
from tiesmap.schema import SOURCE_EVENT_COLUMNS, validate_source_events
from tiesmap.sources import AdapterResult
from tiesmap.textfiles import csv_rows

CODER = "mme"
CITATION = (
    "D'Orazio and Galambos (2021), Multinational Military Exercises (MME) dataset, v7 "
    "(wide format), as distributed in the troopdata package "
    "(github.com/meflynn/troopdata, data-raw/mme_v7.csv)"
)

PeriodLike = Period | tuple[int, int] | None

ACTIVITY = "exercise"
AREA = "war_preparation"
LEVEL = "military"
MISSING = "-9"  # the datasets' code for a missing value

REQUIRED_COLUMNS = (
    "MMEID",
    "Ex_Name",
    "Series_Name",
    "Location",
    "StartDate",
    "s.year",
    "s.month",
    "s.day",
    "EndDate",
    "e.year",
    "e.month",
    "e.day",
    "CPX",
    "Air",
    "Land",
    "Sea",
    "Amphibious",
    "Warfighting",
    "Peacekeeping",
    "Humanitarian",
    "AdditionalParticipantInfo",
    "StateA",
    "StateB",
)
FLAG_COLUMNS = (
    "CPX",
    "Air",
    "Land",
    "Sea",
    "Amphibious",
    "Cyber",
    "Warfighting",
    "Peacekeeping",
    "Humanitarian",
)
STATE_COLUMN = re.compile(r"^State[A-Z]{1,2}$")
MMEID = re.compile(r"^mme(\d+)$", re.IGNORECASE)

# MME spellings that tiesmap.countries does not resolve. St. Christopher is the former
# name of St. Kitts; the Netherlands Antilles (dissolved 2010) keep their former ISO3
# code and have no COW code. Source-specific, so kept here rather than in countries.py.
NAME_ALIASES: dict[str, tuple[str, ...]] = {
    "st. christopher": ("KNA",),
    "netherlands antilles": ("ANT",),
    # A group name in a participant slot (mme3493, Tsentrazbat-97: the Baltic battalion).
    "baltic states": ("EST", "LTU", "LVA"),
}


# ----------------------------------------------------------------------------- dates


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
_MISSING_CODE = re.compile(r"^-9(\.0+)?$")


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


# ------------------------------------------------------------------------- forums

# Organisations named in the data (participant notes, institution columns, names,
# or a participant slot); the label goes into `forum`.
FORUMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern))
    for label, pattern in (
        ("NATO", r"(?i:\bnato\b|north atlantic treaty organi[sz]ation)"),
        ("PfP", r"(?i:partnerships? for peace)|\bPfP\b"),
        ("SCO", r"\bSCO\b|(?i:shanghai cooperation organi[sz]ation)"),
        ("CSTO", r"\bCSTO\b|(?i:collective security treaty organi[sz]ation)"),
        ("CIS", r"\bCIS\b|(?i:commonwealth of independent states)"),
        ("Warsaw Pact", r"(?i:warsaw (pact|treaty))"),
        ("PSI", r"\bPSI\b|(?i:proliferation security initiative)"),
        ("FPDA", r"\bFPDA\b|(?i:five powers? defen[cs]e arrangements?)"),
        ("GCC", r"\bA?GCC\b|(?i:gulf cooperation council)"),
        ("ECOWAS", r"\bECOWAS\b"),
        ("WEU", r"\bWEU\b|(?i:western european union)"),
        ("AU", r"(?i:african union)"),
        ("EU", r"\bEU\b|(?i:european union)"),
        ("ASEAN", r"\bASEAN\b"),
        ("UN", r"(?i:united nations)"),
    )
)


def find_forums(texts: Iterable[str]) -> list[str]:
    """Forum labels named in any of the texts, in the fixed order of FORUMS."""
    joined = " | ".join(t for t in texts if t)
    return [label for label, pattern in FORUMS if pattern.search(joined)]


# --------------------------------------------------------------------- participants


@dataclass
class Participants:
    codes: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    missing_slots: int = 0
    organisations: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    def add(self, codes: Iterable[str]) -> None:
        for code in codes:
            if code in self.codes:
                self.flags.add("participant_listed_twice")
            else:
                self.codes.append(code)


def read_participants(
    slots: Iterable[tuple[str, str]], resolve: Callable[[str], tuple[str, ...] | None]
) -> Participants:
    """Participants from (column, value) slots: '-9' counts as a missing participant, an
    organisation (e.g. 'NATO') is kept as a forum, anything else must resolve to ISO3."""
    out = Participants()
    for column, raw in slots:
        value = " ".join(raw.split())
        if not value:
            continue
        if _MISSING_CODE.match(value):
            out.missing_slots += 1
            continue
        codes = resolve(value)
        if codes is None:
            orgs = find_forums([value])
            if orgs:
                out.organisations.extend(orgs)
                out.flags.add("participant_is_organisation")
            else:
                out.unknown.append(f"'{value}' ({column})")
            continue
        if len(codes) > 1:
            out.flags.add("participants_expanded")
        out.add(codes)
    if out.missing_slots:
        out.flags.add("participants_incomplete")
    return out


def participant_problem(parts: Participants) -> str | None:
    """Why a record's participants cannot be mapped, or None. Unknown names come first;
    the count of states is only judged when every name was understood."""
    if parts.unknown:
        return "unknown country name or code: " + ", ".join(parts.unknown)
    if len(parts.codes) >= 2:
        return None
    found = "; ".join(sorted(parts.codes)) or "none"
    extra = []
    if parts.missing_slots:
        extra.append(f"{parts.missing_slots} slot(s) coded -9")
    if parts.organisations:
        extra.append("organisation " + ", ".join(parts.organisations))
    tail = f"; {', '.join(extra)}" if extra else ""
    return f"fewer than two identified states (found: {found}{tail})"


# --------------------------------------------------------------------- event rows


def clean_text(value: str) -> str:
    """Free text for notes/location: one line, '-9' as empty, no ';' (the notes separator)."""
    value = " ".join(str(value).split())
    return "" if value in (MISSING, "-9.0") else value.replace(";", ",")


def make_notes(items: Iterable[tuple[str, str]]) -> str:
    return "; ".join(f"{key}={value}" for key, value in items if value)


def exercise_event(
    *,
    event_id: str,
    source_record: str,
    dates: EventDates,
    participants: Participants,
    forums: Iterable[str],
    location: str,
    citation: str,
    coder: str,
    notes: str,
    flags: Iterable[str],
) -> dict:
    """One canonical exercise event (SOURCE_EVENT_COLUMNS)."""
    codes = sorted(participants.codes)
    cows = [to_cow(c) for c in codes]
    all_flags = set(flags) | participants.flags | dates.flags
    if any(c is None for c in cows):
        all_flags.add("participant_without_cow_code")
    if "RUS" in codes and dates.start.year < 1992:
        all_flags.add("ussr_coded_as_russia")
    forum_labels = list(dict.fromkeys([*forums, *participants.organisations]))
    return {
        "event_id": event_id,
        "date_start": dates.start.text,
        "date_end": dates.end.text if dates.end else "",
        "date_precision": dates.start.precision,
        "participants": ";".join(codes),
        "participants_cow": ";".join("" if c is None else str(c) for c in cows),
        "n_participants": len(codes),
        "activity": ACTIVITY,
        "area": AREA,
        "level": LEVEL,
        "format": "bilateral" if len(codes) == 2 else "multilateral",
        "forum": "; ".join(label for label, _ in FORUMS if label in forum_labels),
        "location": location,
        "source": citation,
        "source_type": "dataset",
        "confidence": "high",
        "follow_up": False,
        "coder": coder,
        "notes": notes,
        "tiv": float("nan"),
        "source_record": source_record,
        "flags": ";".join(sorted(all_flags)),
    }


_DTYPES = {c: "object" for c in SOURCE_EVENT_COLUMNS} | {
    "n_participants": "int64",
    "follow_up": "bool",
    "tiv": "float64",
}


def period_bounds(period: PeriodLike) -> tuple[int, int] | None:
    """(first, last) year from a Period or a pair of years; None for no filter."""
    if period is None:
        return None
    first, last = (period.start, period.end) if isinstance(period, Period) else period
    first, last = int(first), int(last)
    if first > last:
        raise ValueError(f"period starts after it ends: {first}-{last}")
    return first, last


def triage(
    dates: EventDates | str, parts: Participants, bounds: tuple[int, int] | None
) -> tuple[bool, str | None]:
    """(excluded by the period, reason for rejection). A record is excluded only when its
    start year is known and outside the period; otherwise it is mapped or rejected."""
    if isinstance(dates, EventDates) and bounds and not bounds[0] <= dates.start.year <= bounds[1]:
        return True, None
    reasons = [
        r for r in (dates if isinstance(dates, str) else None, participant_problem(parts)) if r
    ]
    return False, "; ".join(reasons) or None


def finish(
    events: list[dict], rejected: list[tuple[str, str]], rows_read: int, excluded: int, file: str
) -> AdapterResult:
    """Assemble, sort and validate the adapter's output."""
    table = pd.DataFrame(events, columns=list(SOURCE_EVENT_COLUMNS)).astype(_DTYPES)
    table = table.sort_values(["date_start", "event_id"], kind="stable", ignore_index=True)
    table = validate_source_events(table, file)
    rejects = pd.DataFrame(rejected, columns=["source_record", "reason"], dtype=object)
    counts = {
        "rows_read": rows_read,
        "mapped": len(table),
        "rejected": len(rejects),
        "excluded": excluded,
    }
    return AdapterResult(table=table, rejected=rejects, counts=counts)


def repeated_ids(ids: list[str]) -> set[str]:
    """Ids that occur more than once (they are disambiguated by file row)."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for i in ids:
        if i in seen:
            repeated.add(i)
        seen.add(i)
    return repeated


# ------------------------------------------------------------------------ reading


def read_csv_rows(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a UTF-8 CSV, every cell as text; file-level problems raise."""
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError([Problem(file, None, None, None, "file not found")])
    if path.suffix.lower() != ".csv":
        raise InputError([Problem(file, None, None, path.suffix, "expected a .csv file")])
    rows = csv_rows(path, strict=False)
    return rows[0], rows[1:]


def header_problems(
    file: str, header: list[str], required: Iterable[str], row: int = 1
) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            problems.append(Problem(file, row, name, name, "column appears twice in the header"))
        seen.add(name)
    for name in required:
        if name not in seen:
            problems.append(Problem(file, row, name, None, "required column is missing"))
    return problems


def _resolve_name(name: str) -> tuple[str, ...] | None:
    key = name.lower()
    if key in NAME_ALIASES:
        return NAME_ALIASES[key]
    iso3 = to_iso3(name)
    return None if iso3 is None else (iso3,)


def ingest(path: str | Path, period: PeriodLike = None) -> AdapterResult:
    """MME v7 exercises as canonical events; unmappable rows in `rejected`.

    `period` (a tiesmap.coder_files.Period or a (first, last) pair of years) keeps
    exercises starting in those years; the others are counted as `excluded`."""
    file = str(path)
    bounds = period_bounds(period)
    header, body = read_csv_rows(path)
    header = [h.strip() for h in header]
    problems = header_problems(file, header, REQUIRED_COLUMNS)
    for i, row in enumerate(body, start=2):
        if len(row) != len(header) and any(c.strip() for c in row):
            problems.append(
                Problem(
                    file,
                    i,
                    None,
                    None,
                    f"row has {len(row)} cells but the header has {len(header)}",
                )
            )
    if problems:
        raise InputError(problems)
    records = [
        (i, dict(zip(header, row, strict=True)))
        for i, row in enumerate(body, start=2)
        if any(c.strip() for c in row)
    ]
    state_columns = [h for h in header if STATE_COLUMN.match(h)]
    flag_columns = [c for c in FLAG_COLUMNS if c in header]
    for i, rec in records:
        if not MMEID.match(rec["MMEID"].strip()):
            problems.append(Problem(file, i, "MMEID", rec["MMEID"], "not an MME id (mme<number>)"))
        for column in flag_columns:
            if rec[column].strip() not in ("0", "1", "", MISSING):
                problems.append(
                    Problem(file, i, column, rec[column], "must be 0 or 1 (-9 if unknown)")
                )
    if problems:
        raise InputError(problems)

    repeated = repeated_ids([rec["MMEID"].strip().lower() for _, rec in records])
    events: list[dict] = []
    rejected: list[tuple[str, str]] = []
    excluded = 0
    for i, rec in records:
        rec = {k: v.strip() for k, v in rec.items()}
        mmeid = rec["MMEID"].lower()
        record = f"{mmeid} (row {i})"
        dates = _mme_dates(rec)
        parts = read_participants(((c, rec[c]) for c in state_columns), _resolve_name)
        out, reason = triage(dates, parts, bounds)
        if out or reason:
            excluded += out
            if reason:
                rejected.append((record, reason))
            continue
        assert isinstance(dates, EventDates)
        flags = set()
        event_id = f"mme-{mmeid.removeprefix('mme')}"
        if mmeid in repeated:
            event_id += f"-r{i}"
            flags.add("duplicate_source_id")
        name = clean_text(rec["Ex_Name"])
        if not name:
            flags.add("name_missing")
        events.append(
            exercise_event(
                event_id=event_id,
                source_record=record,
                dates=dates,
                participants=parts,
                forums=find_forums([rec["AdditionalParticipantInfo"], rec["Ex_Name"]]),
                location=clean_text(rec["Location"]),
                citation=CITATION,
                coder=CODER,
                notes=_mme_notes(rec, name),
                flags=flags,
            )
        )
    return finish(events, rejected, len(records), excluded, file)


def _mme_dates(rec: dict[str, str]) -> EventDates | str:
    sides = {}
    repaired = set()
    for side, text_col, prefix in (("start", "StartDate", "s"), ("end", "EndDate", "e")):
        parts = [rec[f"{prefix}.{p}"] for p in ("year", "month", "day")]
        from_parts = read_date(lambda p=parts: date_from_parts(*p))
        hint = from_parts.year if isinstance(from_parts, Ymd) else None
        from_text, typo = text_reading(rec[text_col], hint)
        if typo:
            repaired.add(side)
        sides[side] = resolve_date(
            [
                (f"{text_col} '{rec[text_col]}'", from_text),
                (f"{prefix}.year/month/day '{'/'.join(parts)}'", from_parts),
            ]
        )
    return event_dates(sides["start"], sides["end"], repaired)


def _mme_notes(rec: dict[str, str], name: str) -> str:
    def on(column: str) -> bool:
        return rec.get(column, "") == "1"

    branches = [b for b in ("air", "land", "sea", "amphibious", "cyber") if on(b.capitalize())]
    core = {b for b in branches if b in ("air", "land", "sea")}
    if "amphibious" in branches:
        core |= {"land", "sea"}
    domain = "combined" if len(core) > 1 else core.pop() if core else "unspecified"
    purposes = [p.lower() for p in ("Warfighting", "Peacekeeping", "Humanitarian") if on(p)]
    return make_notes(
        [
            ("domain", domain),
            ("branches", "+".join(branches) if domain == "combined" else ""),
            ("name", name),
            ("series", clean_text(rec["Series_Name"])),
            ("type", "CPX" if on("CPX") else ""),
            ("purpose", "+".join(purposes)),
        ]
    )
