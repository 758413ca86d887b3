"""Machine-coded event data (GDELT 1.0, ICEWS) -> candidate events for coder review.

Both sources code news sentences with CAMEO verbs. Only the CAMEO codes of
military cooperation (DOMAIN.md, after the PLOVER mapping) are read; every other
code is out of scope and only counted. The output never mixes silently with hand
codings: `source_type` is `machine_coded`, `confidence` is `low`, and `coder` is
`gdelt` or `icews`, so merge and index rules can keep or drop these candidates.

CAMEO -> codebook activity (`CAMEO_RULES`, `CAMEO_EXCLUDED`):

| CAMEO | meaning | codebook activity | level |
|---|---|---|---|
| 062 | cooperate militarily | `exercise` (the bulk of 062: joint drills and training; a coder re-classifies) | `military` |
| 072 | provide military aid | `arms_sale`, directed: provider first (a delivery to a state at war becomes `weapons_delivery` by the wars table downstream, not here) | `not_applicable` |
| 042 / 043 / 044 | make / host a visit, meet at a third location | contacts, **only with a security cue**: defence actor -> `ministerial_meeting`; military actor -> `military_talks`; intelligence or security-council actor -> `official_meeting`; police or interior actor -> `law_enforcement` | `defence_minister`, `military_chief`, `security_official`, `security_official` |
| 057 | sign formal agreement | **only with a security cue** (the codebook excludes economic agreements): `defence_agreement`, or `law_enforcement` for police/interior actors | as above |
| 0312, 0332, 0334 | intent to cooperate militarily / to provide military aid / protection | excluded: statements of intent; the codebook codes activities that took place | |
| 064 | share intelligence | excluded: `intelligence_sharing` is wartime support and not yet collected | |
| 074 | provide military protection or peacekeeping | excluded: `peacekeeping` is not yet collected and protection has no activity | |

Security cue = an actor's role, read from GDELT's actor type codes (MIL
military; MIL together with GOV a defence ministry; SPY intelligence; COP police)
or ICEWS's actor sectors ("Defense / Security Ministry", "Military", "Army",
"Navy", "Air Force", "Marines", "Intelligence Ministry", "Police", "Interior /
Home Ministry") and actor names. The strongest role over both actors wins
(defence > military > intelligence > police).

Participants are the two actors' states: GDELT's ActorNCountryCode (CAMEO
country codes; ROM, TMP and ZAR are translated, regions such as AFR or WST are
not states), or the first three letters of ActorNCode when the country code is
empty and they are an ISO3 code (GDELT leaves it empty for Taiwan); ICEWS's
Source/Target Country names. Both must be distinct states; Hong Kong and Macao
are not states.

Rows that fall in a selected code but cannot be mapped are in `rejected` with
the reason; `counts` has rows_read = mapped + rejected + out_of_scope, and one
`rejected_<reason>` entry per reason. One real event often gives several records
(both directions of a visit, several stories): they are kept, as candidates.

Files are streamed line by line, so full-size daily or yearly files need memory
only for the candidate rows. Bad input (wrong layout, missing header columns,
bad dates or codes, binary garbage, a cut last line) raises one InputError that
lists the problems (the first MAX_PROBLEMS, then a count of the rest).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tiesmap.core.countries import to_cow, to_iso3
from tiesmap.core.errors import InputError, Problem
from tiesmap.sources import AdapterResult, rejected_table
from tiesmap.sources.events import event_table

# BibTeX keys of each source this module reads (tiesmap.sources.citations).
CITES_GDELT = ("leetaru2013gdelt",)
CITES_ICEWS = ("boschee2015icews",)
CITES = CITES_GDELT + CITES_ICEWS

MAX_PROBLEMS = 200

# ---------------------------------------------------------------- CAMEO table


@dataclass(frozen=True)
class CameoRule:
    """How one CAMEO code becomes a codebook activity.

    `kind` is 'fixed' (activity and level given), 'contact' or 'agreement'
    (activity and level from the actors' security role, which is required).
    """

    label: str
    kind: str
    activity: str = ""
    level: str = ""
    directed: bool = False


CAMEO_RULES: dict[str, CameoRule] = {
    "062": CameoRule("cooperate militarily", "fixed", "exercise", "military"),
    "072": CameoRule("provide military aid", "fixed", "arms_sale", "not_applicable", directed=True),
    "042": CameoRule("make a visit", "contact"),
    "043": CameoRule("host a visit", "contact"),
    "044": CameoRule("meet at a third location", "contact"),
    "057": CameoRule("sign formal agreement", "agreement"),
}
CAMEO_EXCLUDED: dict[str, str] = {
    "0312": "CAMEO 0312 (intent to cooperate militarily) is a statement of intent; "
    "the codebook codes activities that took place",
    "0332": "CAMEO 0332 (intent to provide military aid) is a statement of intent; "
    "the codebook codes activities that took place",
    "0334": "CAMEO 0334 (intent to provide military protection or peacekeeping) is a "
    "statement of intent; the codebook codes activities that took place",
    "064": "CAMEO 064 (share intelligence) has no collected activity: intelligence_sharing "
    "is wartime support and not yet collected",
    "074": "CAMEO 074 (provide military protection or peacekeeping) has no collected "
    "activity: peacekeeping is not yet collected",
}
SELECTED_CODES = frozenset(CAMEO_RULES) | frozenset(CAMEO_EXCLUDED)

ROLES = ("defence", "military", "intelligence", "police")  # strongest first
ROLE_ACTIVITY: dict[tuple[str, str], tuple[str, str]] = {
    ("contact", "defence"): ("ministerial_meeting", "defence_minister"),
    ("contact", "military"): ("military_talks", "military_chief"),
    ("contact", "intelligence"): ("official_meeting", "security_official"),
    ("contact", "police"): ("law_enforcement", "security_official"),
    ("agreement", "defence"): ("defence_agreement", "defence_minister"),
    ("agreement", "military"): ("defence_agreement", "military_chief"),
    ("agreement", "intelligence"): ("defence_agreement", "security_official"),
    ("agreement", "police"): ("law_enforcement", "security_official"),
}
# Area of each activity this module emits (config/codebook.yaml; tests check it).
ACTIVITY_AREA: dict[str, str] = {
    "exercise": "war_preparation",
    "arms_sale": "war_preparation",
    "ministerial_meeting": "contacts",
    "military_talks": "contacts",
    "official_meeting": "contacts",
    "defence_agreement": "contacts",
    "law_enforcement": "regime_security",
}

# CAMEO country codes that differ from ISO3, and territories that are not states.
CAMEO_COUNTRY_ALIASES: dict[str, str] = {"ROM": "ROU", "TMP": "TLS", "ZAR": "COD"}
NOT_STATES: dict[str, str] = {"HKG": "Hong Kong is part of China", "MAC": "Macao is part of China"}

# ------------------------------------------------------------ actor roles

GDELT_ROLE_TYPES = {"MIL": "military", "SPY": "intelligence", "COP": "police"}
ICEWS_ROLE_SECTORS: dict[str, str] = {
    "Defense / Security Ministry": "defence",
    "Military": "military",
    "Army": "military",
    "Navy": "military",
    "Air Force": "military",
    "Marines": "military",
    "Army Special Forces": "military",
    "Military Intelligence": "intelligence",
    "Intelligence Ministry": "intelligence",
    "Police": "police",
    "Interior / Home Ministry": "police",
}
_ICEWS_NAME_ROLES = (
    (re.compile(r"defen[cs]e minist", re.I), "defence"),
    (re.compile(r"\b(military|armed forces|army|navy|air force)\b", re.I), "military"),
    (re.compile(r"\b(intelligence|security council)\b", re.I), "intelligence"),
    (re.compile(r"\b(police|interior minist)", re.I), "police"),
)


def gdelt_roles(type_codes: list[str]) -> frozenset[str]:
    """Security roles of a GDELT actor from its three type codes."""
    codes = {c.strip().upper() for c in type_codes if c.strip()}
    roles = {GDELT_ROLE_TYPES[c] for c in codes if c in GDELT_ROLE_TYPES}
    if "MIL" in codes and "GOV" in codes:
        roles.add("defence")
    return frozenset(roles)


def icews_roles(name: str, sectors: str) -> frozenset[str]:
    """Security roles of an ICEWS actor from its sectors and name."""
    roles = {
        ICEWS_ROLE_SECTORS[s.strip()] for s in sectors.split(",") if s.strip() in ICEWS_ROLE_SECTORS
    }
    roles |= {role for pattern, role in _ICEWS_NAME_ROLES if pattern.search(name)}
    return frozenset(roles)


def strongest_role(*role_sets: frozenset[str]) -> str | None:
    found = set().union(*role_sets)
    return next((r for r in ROLES if r in found), None)


def classify(code: str, role: str | None) -> tuple[str, str] | str:
    """(activity, level) for a CAMEO code and the actors' strongest role, or the
    reason the record is not an activity."""
    if code in CAMEO_EXCLUDED:
        return CAMEO_EXCLUDED[code]
    rule = CAMEO_RULES[code]
    if rule.kind == "fixed":
        return rule.activity, rule.level
    if role is None:
        return f"CAMEO {code} ({rule.label}) without a security cue (no military, defence, intelligence or police actor)"
    return ROLE_ACTIVITY[(rule.kind, role)]


# ---------------------------------------------------------------- reading


class _Problems:
    """Collects problems, keeping the first MAX_PROBLEMS and counting the rest."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[Problem] = []
        self.more = 0

    def add(self, row: int | None, column: str | None, value: str | None, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            value = None if value is None else value[:80]
            self.items.append(Problem(self.file, row, column, value, message))
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if not self.items:
            return
        items = list(self.items)
        if self.more:
            items.append(
                Problem(self.file, None, None, None, f"{self.more} further problems not listed")
            )
        raise InputError(items)


def _lines(path: Path, problems: _Problems) -> Iterator[tuple[int, list[str]]]:
    """(line number, tab-separated fields) for each non-blank line, streamed.
    Undecodable lines and a missing final line break are problems."""
    last = b""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            last = raw
            if b"\x00" in raw:
                problems.add(number, None, None, "binary data (NUL bytes): not a text file")
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                problems.add(number, None, repr(raw[:40]), "not UTF-8 text")
                continue
            text = text.rstrip("\r\n")
            if not text.strip():
                continue
            yield number, text.split("\t")
    if last and not last.endswith(b"\n"):
        problems.add(None, None, None, "file does not end with a line break: truncated?")


def _check_file(path: str | Path) -> Path:
    p = Path(path)
    if not p.is_file():
        raise InputError([Problem(str(path), None, None, None, "file not found")])
    if p.stat().st_size == 0:
        raise InputError([Problem(str(path), None, None, None, "file is empty")])
    return p


_CAMEO = re.compile(r"^[0-9]{2,4}$")
_DIGITS = re.compile(r"^[0-9]+$")


def _iso_date(text: str) -> str | None:
    m = re.fullmatch(r"([0-9]{4})-?([0-9]{2})-?([0-9]{2})", text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


# ------------------------------------------------------------------ events


@dataclass
class _Collector:
    """Mapped events, rejections and counts of one file."""

    name: str
    coder: str
    rows: list[dict]
    rejected: list[tuple[str, str]]
    reasons: Counter
    read: int = 0
    out_of_scope: int = 0

    def reject(self, record_id: str, reason: str, key: str) -> None:
        self.rejected.append((record_id, reason))
        self.reasons[key] += 1

    def result(self, file: str) -> AdapterResult:
        frame = event_table(self.rows, file)
        counts = {
            "rows_read": self.read,
            "mapped": len(frame),
            "rejected": len(self.rejected),
            "out_of_scope": self.out_of_scope,
        }
        counts.update({f"rejected_{k}": v for k, v in sorted(self.reasons.items())})
        return AdapterResult(
            table=frame,
            rejected=rejected_table(self.rejected),
            counts=counts,
        )


def _event(
    *,
    event_id: str,
    day: str,
    a: str,
    b: str,
    code: str,
    activity: str,
    level: str,
    location: str,
    source: str,
    coder: str,
    notes: str,
    record_id: str,
    flags: str,
) -> dict:
    parts = [a, b] if CAMEO_RULES[code].directed else sorted([a, b])
    return {
        "event_id": event_id,
        "date_start": day,
        "date_end": "",
        "date_precision": "day",
        "participants": ";".join(parts),
        "participants_cow": ";".join(str(to_cow(p) or "") for p in parts),
        "n_participants": 2,
        "activity": activity,
        "area": ACTIVITY_AREA[activity],
        "level": level,
        "format": "bilateral",
        "forum": "",
        "location": location,
        "source": source,
        "source_type": "machine_coded",
        "confidence": "low",
        "follow_up": False,
        "coder": coder,
        "notes": notes,
        "tiv": float("nan"),
        "source_record": record_id,
        "flags": flags,
    }


def _map_candidate(
    out: _Collector,
    record_id: str,
    code: str,
    states: tuple[tuple[str | None, str], tuple[str | None, str]],
    role: str | None,
) -> tuple[str, str, str, str] | None:
    """(state a, state b, activity, level) or None after recording the rejection."""
    (a, why_a), (b, why_b) = states
    if code in CAMEO_EXCLUDED:
        out.reject(record_id, CAMEO_EXCLUDED[code], f"cameo_{code}_excluded")
        return None
    if a is None or b is None:
        reasons = [f"actor 1 {why_a}" if a is None else "", f"actor 2 {why_b}" if b is None else ""]
        key = "actor_not_a_state" if "not a state" in why_a + why_b else "actor_without_state"
        out.reject(record_id, "; ".join(r for r in reasons if r), key)
        return None
    if a == b:
        out.reject(record_id, f"both actors are the same state ({a})", "same_state")
        return None
    mapped = classify(code, role)
    if isinstance(mapped, str):
        out.reject(record_id, mapped, f"cameo_{code}_no_security_cue")
        return None
    return a, b, mapped[0], mapped[1]


def _state(iso3: str | None, raw: str, what: str) -> tuple[str | None, str]:
    if iso3 is None:
        return None, f"has no state ({what} '{raw}')" if raw else f"has no {what}"
    if iso3 in NOT_STATES:
        return None, f"is not a state ({NOT_STATES[iso3]})"
    return iso3, ""


# ------------------------------------------------------------------- GDELT

GDELT_FIELDS = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(
        f"Actor{n}{f}"
        for n in (1, 2)
        for f in (
            "Code",
            "Name",
            "CountryCode",
            "KnownGroupCode",
            "EthnicCode",
            "Religion1Code",
            "Religion2Code",
            "Type1Code",
            "Type2Code",
            "Type3Code",
        )
    ),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(
        f"{g}_{f}"
        for g in ("Actor1Geo", "Actor2Geo", "ActionGeo")
        for f in ("Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID")
    ),
    "DATEADDED",
    "SOURCEURL",
)
GDELT_LAYOUTS = {57: "historical backfile (no SOURCEURL)", 58: "daily update"}
GDELT_SOURCE = "GDELT 1.0 event record"
_G = {name: i for i, name in enumerate(GDELT_FIELDS)}


def gdelt_state(country_code: str, actor_code: str) -> tuple[str | None, str]:
    """ISO3 of a GDELT actor's state from its CAMEO country code (or actor code)."""
    code = country_code.strip().upper()
    if not code and len(actor_code) >= 3 and actor_code[:3].isalpha():
        candidate = actor_code[:3].upper()
        if to_iso3(candidate) == candidate:
            code = candidate
    if not code:
        return None, "has no country code"
    iso3 = CAMEO_COUNTRY_ALIASES.get(code) or (code if to_iso3(code) == code else None)
    if iso3 is None:
        return None, f"country code '{code}' is not a state (CAMEO region or group)"
    return _state(iso3, code, "country code")


def _check_gdelt_row(fields: list[str], line: int, problems: _Problems) -> bool:
    n = len(fields)
    if n not in GDELT_LAYOUTS:
        hint = " (GDELT 2.0 export layout)" if n == 61 else ""
        problems.add(
            line,
            None,
            "\t".join(fields)[:60],
            f"row has {n} fields{hint}; GDELT 1.0 rows have 57 or 58 (truncated or wrong file?)",
        )
        return False
    ok = True

    def bad(column: str, message: str) -> None:
        nonlocal ok
        ok = False
        problems.add(line, column, fields[_G[column]], message)

    if not _DIGITS.match(fields[_G["GLOBALEVENTID"]]):
        bad("GLOBALEVENTID", "not a numeric event id")
    day = _iso_date(fields[_G["SQLDATE"]]) if len(fields[_G["SQLDATE"]]) == 8 else None
    if day is None:
        bad("SQLDATE", "not a date YYYYMMDD")
    elif fields[_G["Year"]] != day[:4]:
        bad("Year", f"disagrees with SQLDATE {fields[_G['SQLDATE']]}")
    if not _CAMEO.match(fields[_G["EventCode"]]):
        bad("EventCode", "not a CAMEO code (2-4 digits)")
    if fields[_G["IsRootEvent"]] not in ("0", "1"):
        bad("IsRootEvent", "must be 0 or 1")
    if not _DIGITS.match(fields[_G["NumSources"]]):
        bad("NumSources", "not a count")
    if len(fields[_G["DATEADDED"]]) != 8 or _iso_date(fields[_G["DATEADDED"]]) is None:
        bad("DATEADDED", "not a date YYYYMMDD")
    return ok


def ingest_gdelt(path: str | Path) -> AdapterResult:
    """Candidate events from a GDELT 1.0 events file (tab-separated, no header;
    57- and 58-field rows may be mixed)."""
    p = _check_file(path)
    file = str(path)
    problems = _Problems(file)
    out = _Collector(p.name, "gdelt", [], [], Counter())
    seen: dict[str, int] = {}
    for line, f in _lines(p, problems):
        if not _check_gdelt_row(f, line, problems):
            continue
        out.read += 1
        code = f[_G["EventCode"]]
        if code not in SELECTED_CODES:
            out.out_of_scope += 1
            continue
        gid = f[_G["GLOBALEVENTID"]]
        if gid in seen:
            problems.add(
                line, "GLOBALEVENTID", gid, f"event id repeated (first on line {seen[gid]})"
            )
            continue
        seen[gid] = line
        record_id = f"{p.name}:line {line} (GLOBALEVENTID {gid})"
        states = (
            gdelt_state(f[_G["Actor1CountryCode"]], f[_G["Actor1Code"]]),
            gdelt_state(f[_G["Actor2CountryCode"]], f[_G["Actor2Code"]]),
        )
        role = strongest_role(
            gdelt_roles([f[_G[f"Actor1Type{k}Code"]] for k in (1, 2, 3)]),
            gdelt_roles([f[_G[f"Actor2Type{k}Code"]] for k in (1, 2, 3)]),
        )
        mapped = _map_candidate(out, record_id, code, states, role)
        if mapped is None:
            continue
        a, b, activity, level = mapped
        url = f[_G["SOURCEURL"]].strip() if len(f) == 58 else ""
        flags = [
            "not_root_event" if f[_G["IsRootEvent"]] == "0" else "",
            "single_source" if f[_G["NumSources"]] in ("0", "1") else "",
        ]
        out.rows.append(
            _event(
                event_id=f"gdelt-{gid}",
                day=_iso_date(f[_G["SQLDATE"]]) or "",
                a=a,
                b=b,
                code=code,
                activity=activity,
                level=level,
                location=f[_G["ActionGeo_FullName"]].strip(),
                source=url or f"{GDELT_SOURCE} {gid} (backfile layout, no source URL)",
                coder="gdelt",
                notes=(
                    f"CAMEO {code} ({CAMEO_RULES[code].label}): "
                    f"{f[_G['Actor1Name']] or f[_G['Actor1Code']]} ({f[_G['Actor1Code']]}) -> "
                    f"{f[_G['Actor2Name']] or f[_G['Actor2Code']]} ({f[_G['Actor2Code']]}); "
                    f"NumArticles {f[_G['NumArticles']]}, GoldsteinScale {f[_G['GoldsteinScale']]}"
                ),
                record_id=record_id,
                flags=";".join(x for x in flags if x),
            )
        )
    if out.read == 0 and not problems.items:
        problems.add(None, None, None, "no event records in the file")
    problems.raise_if_any()
    return out.result(file)


# ------------------------------------------------------------------- ICEWS

ICEWS_COLUMNS = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)
ICEWS_MISSING = "NA"  # ICEWS writes the literal NA for missing values
ICEWS_SOURCE = "ICEWS Coded Event Data, Harvard Dataverse doi:10.7910/DVN/28075"
# ICEWS country names that need help (none of today's; 'NA' is missing, not Namibia).
ICEWS_ALIASES: dict[str, str] = {}
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def icews_state(name: str) -> tuple[str | None, str]:
    name = name.strip()
    if not name or name == ICEWS_MISSING:
        return None, "has no country"
    iso3 = ICEWS_ALIASES.get(name.lower()) or to_iso3(name)
    return _state(iso3, name, "country")


def ingest_icews(path: str | Path) -> AdapterResult:
    """Candidate events from an ICEWS events file (.tab: tab-separated, header row,
    'NA' for missing values)."""
    p = _check_file(path)
    file = str(path)
    problems = _Problems(file)
    out = _Collector(p.name, "icews", [], [], Counter())
    lines = _lines(p, problems)
    first = next(lines, None)
    if first is None:
        problems.add(None, None, None, "no header row")
        problems.raise_if_any()
    assert first is not None
    header_line, header = first
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [c for c in ICEWS_COLUMNS if c not in header]
    for column in missing:
        problems.add(
            header_line, column, None, "required column is missing (is this an ICEWS file?)"
        )
    # A column read by name must be unambiguous: which of two would be meant?
    twice = [c for c in ICEWS_COLUMNS if header.count(c) > 1]
    for column in twice:
        problems.add(
            header_line,
            column,
            column,
            f"column appears twice in the header (columns "
            f"{', '.join(str(i + 1) for i, h in enumerate(header) if h == column)})",
        )
    if missing or twice:
        problems.raise_if_any()
    col = {name: header.index(name) for name in ICEWS_COLUMNS}
    seen: dict[str, int] = {}
    for line, f in lines:
        if len(f) != len(header):
            problems.add(
                line,
                None,
                "\t".join(f)[:60],
                f"row has {len(f)} fields but the header has {len(header)} (truncated?)",
            )
            continue
        rec = {name: f[i].strip() for name, i in col.items()}
        ok = True
        if not _DIGITS.match(rec["Event ID"]):
            problems.add(line, "Event ID", rec["Event ID"], "not a numeric event id")
            ok = False
        day = _iso_date(rec["Event Date"]) if len(rec["Event Date"]) == 10 else None
        if day is None:
            problems.add(line, "Event Date", rec["Event Date"], "not a date YYYY-MM-DD")
            ok = False
        if not _CAMEO.match(rec["CAMEO Code"]):
            problems.add(line, "CAMEO Code", rec["CAMEO Code"], "not a CAMEO code (2-4 digits)")
            ok = False
        if rec["Intensity"] != ICEWS_MISSING and not _NUMBER.match(rec["Intensity"]):
            problems.add(line, "Intensity", rec["Intensity"], "not a number")
            ok = False
        if not ok:
            continue
        out.read += 1
        code = rec["CAMEO Code"]
        if code not in SELECTED_CODES:
            out.out_of_scope += 1
            continue
        eid = rec["Event ID"]
        if eid in seen:
            problems.add(line, "Event ID", eid, f"event id repeated (first on line {seen[eid]})")
            continue
        seen[eid] = line
        record_id = f"{p.name}:line {line} (Event ID {eid})"
        states = (icews_state(rec["Source Country"]), icews_state(rec["Target Country"]))
        role = strongest_role(
            icews_roles(rec["Source Name"], rec["Source Sectors"]),
            icews_roles(rec["Target Name"], rec["Target Sectors"]),
        )
        mapped = _map_candidate(out, record_id, code, states, role)
        if mapped is None:
            continue
        a, b, activity, level = mapped
        place = ", ".join(
            rec[c] for c in ("City", "Province", "Country") if rec[c] and rec[c] != ICEWS_MISSING
        )
        out.rows.append(
            _event(
                event_id=f"icews-{eid}",
                day=day or "",
                a=a,
                b=b,
                code=code,
                activity=activity,
                level=level,
                location=place,
                source=f"{ICEWS_SOURCE}; story {rec['Story ID']} ({rec['Publisher']})",
                coder="icews",
                notes=(
                    f"CAMEO {code} ({CAMEO_RULES[code].label}; ICEWS: {rec['Event Text']}): "
                    f"{rec['Source Name']} -> {rec['Target Name']}; intensity {rec['Intensity']}"
                ),
                record_id=record_id,
                flags="",
            )
        )
    if out.read == 0 and not problems.items:
        problems.add(None, None, None, "no event rows after the header")
    problems.raise_if_any()
    return out.result(file)
