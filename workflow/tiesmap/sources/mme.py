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

The participant, forum and event helpers below are shared with the JME adapter
(`tiesmap.sources.jme`), which reads a sibling dataset with the same conventions; the
date helpers both use are in `tiesmap.sources.exercise_dates`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tiesmap.core.config import Period
from tiesmap.core.countries import to_cow, to_iso3
from tiesmap.core.errors import InputError, Problem
from tiesmap.core.textfiles import csv_table, ragged_rows
from tiesmap.sources import AdapterResult, rejected_table
from tiesmap.sources.events import event_table

# The date helpers lived here once; callers and tests still import them from this module.
from tiesmap.sources.exercise_dates import (  # noqa: F401
    EventDates,
    Ymd,
    date_from_parts,
    date_from_text,
    dates_from_cells,
    merge_dates,
    text_reading,
)

# BibTeX keys of this source (tiesmap.sources.citations): the paper cites it when a build reads it.
CITES = ("dorazio2021mme",)

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

# MME spellings that tiesmap.core.countries does not resolve. St. Christopher is the former
# name of St. Kitts; the Netherlands Antilles (dissolved 2010) keep their former ISO3
# code and have no COW code. Source-specific, so kept here rather than in countries.py.
NAME_ALIASES: dict[str, tuple[str, ...]] = {
    "st. christopher": ("KNA",),
    "netherlands antilles": ("ANT",),
    # A group name in a participant slot (mme3493, Tsentrazbat-97: the Baltic battalion).
    "baltic states": ("EST", "LTU", "LVA"),
}


_MISSING_CODE = re.compile(r"^-9(\.0+)?$")  # a participant slot coded missing


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
    table = event_table(events, file)
    rejects = rejected_table(rejected)
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


def read_csv_rows(path: str | Path) -> tuple[list[str], list[list[str]], list[Problem]]:
    """Header and rows of a UTF-8 CSV, every cell as text, and the problems of records
    the csv module cannot read (such a record is a blank row); file-level problems raise."""
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError([Problem(file, None, None, None, "file not found")])
    if path.suffix.lower() != ".csv":
        raise InputError([Problem(file, None, None, path.suffix, "expected a .csv file")])
    return csv_table(path, strict=False)


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

    `period` (a tiesmap.core.config.Period or a (first, last) pair of years) keeps
    exercises starting in those years; the others are counted as `excluded`."""
    file = str(path)
    bounds = period_bounds(period)
    header, body, problems = read_csv_rows(path)
    header = [h.strip() for h in header]
    problems += header_problems(file, header, REQUIRED_COLUMNS)
    problems += ragged_rows(file, header, body)
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
    return dates_from_cells(
        ("StartDate", "EndDate"),
        rec.__getitem__,
        lambda column, hint: text_reading(rec[column], hint),
    )


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
