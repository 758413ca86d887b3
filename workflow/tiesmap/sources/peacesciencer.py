"""peacesciencer (Miller 2022) data files -> tidy tables keyed by COW codes and ISO3.

Each reader takes the path of one `.rda` file (or the folder holding it) and returns
an `AdapterResult`: the tidy table, the rows it could not map (`source_record`,
`reason`) and counts. State-year tables have `ccode, iso3, year`; dyad-year tables
are non-directed, one row per `dyad, year` with `dyad` = "AAA-BBB" (ISO3, alphabetical),
`state_a`, `state_b`, `ccode_a`, `ccode_b`, like the project's panel.

From COW codes to ISO3 (`CowCrosswalk`, built from `cow_states.rda`):
- the ISO3 code of a COW code is `tiesmap.core.countries.to_iso3` of its COW state name,
  except the few cases in `STATIC_ISO3` (ISO 3166 codes of divided states) and the
  year splits in `YEAR_RULES` (COW keeps one code where the project, like ISO, has two:
  365 is the Soviet Union (SUN) in 1922-1991 and Russia otherwise; 345 is Yugoslavia
  (YUG) in 1918-2005 and Serbia otherwise);
- a code maps only in years in which the state is a COW system member (the v2016 list
  ends in 2016, so membership spells still open then are taken to continue);
- when two COW codes reach the same ISO3 in the same year (e.g. 255 and 260 in 1990),
  the one `tiesmap.core.countries.to_cow` names for that ISO3 is kept and the other rejected.

Directed sources (ATOP, COW alliances, MIDs, contiguity) are made non-directed by
taking, for each dyad-year, the maximum over both directions of each indicator (a
pledge or dispute by either state counts); contiguity takes the closest type.

Bad files are refused, never half-read: a file that is missing or not R data, a table
without a column its reader needs, a COW code or year that is missing or not a whole
number, a value outside its range (`TABLE_CHECKS`) -- all problems of the file in one
`tiesmap.core.errors.InputError`, rows numbered as in a CSV (header = 1, first row = 2).
Missing values: peacesciencer's files hold NA where COW's raw files write -9. A -9 in
a quantity (trade, capabilities, distances, counts) means the file was not prepared
as those are, so it is refused ("negative value") instead of being read as a number
(imports + exports - 9) or guessed to be missing; recode it to NA first. The only
code read as missing is MID `fatality` -9 ("unknown"), which peacesciencer ships.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from tiesmap.core.countries import to_cow, to_iso3
from tiesmap.core.errors import InputError, Problem
from tiesmap.sources import AdapterResult

# BibTeX keys of this source (tiesmap.sources.citations): the paper cites it when a build reads it.
CITES = ("miller2022peacesciencer",)

# ---------------------------------------------------------------------------------------
# Citations, transcribed from the packages' man/*.Rd files (\title, \references) and the
# `ps_data_version` table (version, BibTeX key). Deprecated objects have no \references
# in their .Rd; their citations follow the BibTeX keys in ps_data_version.
# ---------------------------------------------------------------------------------------
PACKAGE_CITATION = (
    'Miller, Steven V. 2022. "peacesciencer: An R Package for Quantitative Peace '
    'Science Research." Conflict Management and Peace Science 39(6): 755-779.'
)

CITATIONS: dict[str, dict[str, object]] = {
    "cow_states": {
        "title": "Correlates of War State System Membership Data (1816-2016)",
        "version": "2016",
        "bibtexkey": ["cowstates2016"],
        "rd": "cow_states.Rd",
        "references": [
            'Correlates of War Project. 2017. "State System Membership List, v2016." Online, '
            "https://correlatesofwar.org/data-sets/state-system-membership/"
        ],
    },
    "cow_capitals": {
        "title": "A complete list of capitals and capital transitions for Correlates of War "
        "state system members",
        "version": "2020 (current to the end of 2024)",
        "bibtexkey": ["peacesciencer-package"],
        "rd": "cow_capitals.Rd",
        "references": [PACKAGE_CITATION],
    },
    "cow_contdir": {
        "title": "Correlates of War Direct Contiguity Data (v. 3.2)",
        "version": "3.2",
        "bibtexkey": ["stinnettetal2002cow"],
        "rd": "cow_contdir.Rd",
        "references": [
            "Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl, and Charles "
            'Gochman (2002). "The Correlates of War Project Direct Contiguity Data, Version 3." '
            "Conflict Management and Peace Science 19 (2):58-66."
        ],
    },
    "cow_mindist": {
        "title": "The Minimum Distance Between States in the Correlates of War System, 1886-2019",
        "version": "CShapes 2",
        "bibtexkey": ["schvitz2021mis"],
        "rd": "cow_mindist.Rd",
        "references": [
            "Schvitz, Guy, Luc Girardin, Seraina Ruegger, Nils B. Weidmann, Lars-Erik Cederman, "
            'and Kristian Skrede Gleditsch. 2022. "Mapping The International System, 1886-2017: '
            'The CShapes 2.0 Dataset." Journal of Conflict Resolution. 66(1): 144-161.',
            'Weidmann, Nils B. and Kristian Skrede Gleditsch. 2010. "Mapping and Measuring '
            'Country Shapes: The cshapes Package." The R Journal 2(1): 18-24',
        ],
    },
    "ccode_democracy": {
        "title": "Democracy scores (V-Dem polyarchy, Polity2, Unified Democracy Scores) "
        "for COW states (deprecated upstream)",
        "version": "V-Dem 10; Polity 2017; QuickUDS 0.2.3",
        "bibtexkey": ["coppedgeetal2020vdem", "marshalletal2017p", "marquez2016qme"],
        "rd": "data-deprecated.Rd",
        "references": [
            "Coppedge, Michael, John Gerring, et al. 2020. V-Dem Country-Year Dataset v10. "
            "Varieties of Democracy (V-Dem) Project.",
            "Marshall, Monty G., Ted Robert Gurr, and Keith Jaggers. 2017. Polity IV Project: "
            "Political Regime Characteristics and Transitions, 1800-2016. Center for Systemic "
            "Peace.",
            "Marquez, Xavier. 2016. A Quick Method for Extending the Unified Democracy Scores. "
            "SSRN working paper.",
        ],
    },
    "cow_nmc": {
        "title": "Correlates of War National Military Capabilities Data",
        "version": "6.0 (rows to 2022)",
        "bibtexkey": ["singer1987rcwd"],
        "rd": "cow_nmc.Rd",
        "references": [
            'Singer, J. David, Stuart Bremer, and John Stuckey. (1972). "Capability '
            'Distribution, Uncertainty, and Major Power War, 1820-1965." in Bruce Russett (ed) '
            "Peace, War, and Numbers, Beverly Hills: Sage, 19-48.",
            'Singer, J. David. 1987. "Reconstructing the Correlates of War Dataset on Material '
            'Capabilities of States, 1816-1985" International Interactions 14: 115-32.',
        ],
    },
    "atop_alliance": {
        "title": "Alliance Treaty Obligations and Provisions (ATOP) Project Data (v. 5.1)",
        "version": "5.1 (5 in ps_data_version)",
        "bibtexkey": ["leedsetal2002atop"],
        "rd": "atop_alliance.Rd",
        "references": [
            "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. "
            'Long. 2002. "Alliance Treaty Obligations and Provisions, 1815-1944." '
            "International Interactions 28: 237-60."
        ],
    },
    "cow_alliance": {
        "title": "Correlates of War Formal Alliances (deprecated upstream)",
        "version": "4.1",
        "bibtexkey": ["gibler2009ima"],
        "rd": "data-deprecated.Rd",
        "references": [
            "Gibler, Douglas M. 2009. International Military Alliances, 1648-2008. "
            "Washington DC: CQ Press."
        ],
    },
    "cow_igo_ndy": {
        "title": "Correlates of War Non-Directed Dyad-Year International Governmental "
        "Organizations (IGOs) Data",
        "version": "3",
        "bibtexkey": ["pevehouseetal2020tow"],
        "rd": "cow_igo_ndy.Rd",
        "references": [
            "Pevehouse, Jon C.W., Timothy Nordstrom, Roseanne W McManus, Anne Spencer Jamison, "
            '2020. "Tracking Organizations in the World: The Correlates of War IGO Version 3.0 '
            'datasets", Journal of Peace Research 57(3): 492-503.',
            'Wallace, Michael, and J. David Singer. 1970. "International Governmental '
            'Organization in the Global System, 1815-1964." International Organization 24: '
            "239-87.",
        ],
    },
    "cow_trade_sy": {
        "title": "Correlates of War National Trade Data Set (v. 4.0)",
        "version": "4.0",
        "bibtexkey": ["barbierietal2009td"],
        "rd": "cow_trade_sy.Rd",
        "references": [
            "Barbieri, Katherine and Omar M.G. Keshk. 2016. Correlates of War Project Trade "
            "Data Set Codebook, Version 4.0. Online: https://correlatesofwar.org",
            'Barbieri, Katherine, Omar M.G. Keshk, and Brian Pollins. 2009. "TRADING DATA: '
            'Evaluating Our Assumptions and Coding Rules." Conflict Management and Peace '
            "Science, 26(5): 471-491.",
        ],
    },
    "cow_mid_ddydisps": {
        "title": "Directed Dyadic Dispute-Year Data with No Duplicate Dyad-Years (CoW-MID, v. 5.0)",
        "version": "5.0",
        "bibtexkey": ["palmeretal2021mid5"],
        "rd": "cow_mid_ddydisps.Rd",
        "references": [
            'Miller, Steven V. 2021. "How to (Meticulously) Convert Participant-Level Dispute '
            'Data to Dyadic Dispute-Year Data in R." URL: '
            "https://svmiller.com/blog/2021/05/convert-cow-mid-data-to-dispute-year/",
            "Palmer, Glenn, Roseanne W. McManus, Vito D'Orazio, Michael R. Kenwick, Mikaela "
            "Karstens, Chase Bloch, Nick Dietrich, Kayla Kahn, Kellan Ritter, and Michael J. "
            'Soules. 2022. "The MID5 Dataset, 2011-2014: Procedures, coding rules, and '
            'description" Conflict Management and Peace Science 39(4): 470-82.',
        ],
    },
    "cow_war_inter": {
        "title": "Correlates of War Inter-State War Data (v. 4.0)",
        "version": "4.0 (1816-2007)",
        "bibtexkey": ["sarkeeswayman2010rtw"],
        "rd": "cow_war_inter.Rd",
        "references": [
            "Sarkees, Meredith Reid, and Frank Wheldon Wayman. 2010. Resort to War: A Data "
            "Guide to Inter-State, Extra-State, Intra-State, and Non-State Wars, 1816-2007. "
            "Washington DC: CQ Press."
        ],
    },
}

# The years the COW inter-state war data cover (v4.0, its .Rd: "1816-2007"); the file's
# last war-year is 2003, so its final years hold no war rather than no data. A year
# after 2007 is unobserved: war participation there is missing, never 0.
COW_WAR_YEARS = (1816, 2007)


def citations_for(names: Iterable[str]) -> list[str]:
    """The references for the named datasets plus the package, de-duplicated, sorted."""
    refs = {PACKAGE_CITATION}
    for name in names:
        refs.update(CITATIONS[name]["references"])  # type: ignore[arg-type]
    return sorted(refs)


# ---------------------------------------------------------------------------------------
# COW code -> ISO3
# ---------------------------------------------------------------------------------------
# ISO 3166 codes of divided or defunct states whose COW names country_converter maps to
# a successor (or to nothing). None = deliberately no ISO3.
STATIC_ISO3: dict[int, str | None] = {
    260: "DEU",  # German Federal Republic: ISO 3166 gave DEU to the FRG
    678: "YEM",  # Yemen Arab Republic (North Yemen) held YEM before unification
    680: "YMD",  # Yemen People's Republic (South Yemen), ISO 3166-3
    327: None,  # Papal States: not the Vatican City State
}

# (first year or None, last year or None, ISO3): applied after STATIC_ISO3.
YEAR_RULES: dict[int, tuple[tuple[int | None, int | None, str], ...]] = {
    365: ((1922, 1991, "SUN"),),  # Russia, except the Soviet Union 1922-1991
    345: ((None, 1917, "SRB"), (2006, None, "SRB")),  # Serbia, except Yugoslavia 1918-2005
}

OPEN_END = 9999


@dataclass(frozen=True)
class CowCrosswalk:
    """COW code (+ year) -> ISO3. `membership` (code -> year spells) limits each code to
    the years it is a system member; None means no limit (sources with their own list)."""

    iso3: Mapping[int, str | None]
    names: Mapping[int, str]
    membership: Mapping[int, tuple[tuple[int, int], ...]] | None = None

    @classmethod
    def from_names(
        cls,
        names: Mapping[int, str],
        iso3: Mapping[int, str | None] | None = None,
        membership: Mapping[int, tuple[tuple[int, int], ...]] | None = None,
    ) -> CowCrosswalk:
        """ISO3 from `iso3` where given, else from the name; then STATIC_ISO3."""
        codes: dict[int, str | None] = {}
        for code, name in names.items():
            given = (iso3 or {}).get(code)
            codes[code] = given if given else (to_iso3(name) if name else None)
        for code, value in STATIC_ISO3.items():
            if code in codes:
                codes[code] = value
        return cls(iso3=codes, names=dict(names), membership=membership)

    def lookup(self, ccode: int, year: int) -> tuple[str | None, str | None]:
        """(ISO3, None) or (None, reason)."""
        name = self.names.get(ccode)
        label = f"COW {ccode}" + (f" ({name})" if name else "")
        if ccode not in self.iso3:
            return None, f"{label} is not in the COW state list"
        if self.membership is not None and not any(
            first <= year <= last for first, last in self.membership.get(ccode, ())
        ):
            return None, f"{label} is not a state-system member in {year}"
        code = self.iso3[ccode]
        for first, last, rule in YEAR_RULES.get(ccode, ()):
            if (first is None or year >= first) and (last is None or year <= last):
                code = rule
        if code is None:
            return None, f"{label} has no ISO3 code"
        return code, None

    def map_pairs(self, pairs: pd.DataFrame) -> pd.DataFrame:
        """Unique (ccode, year) -> iso3, reason; same-year clashes resolved (module doc)."""
        pairs = pairs[["ccode", "year"]].drop_duplicates().reset_index(drop=True)
        looked = [
            self.lookup(int(c), int(y)) for c, y in zip(pairs["ccode"], pairs["year"], strict=True)
        ]
        out = pairs.assign(
            iso3=[code for code, _ in looked], reason=[reason for _, reason in looked]
        )
        return _resolve_clashes(out)


def _resolve_clashes(mapped: pd.DataFrame) -> pd.DataFrame:
    ok = mapped[mapped["iso3"].notna()]
    claims = ok.groupby(["iso3", "year"])["ccode"].nunique()
    clashes = claims[claims > 1]
    if clashes.empty:
        return mapped
    mapped = mapped.copy()
    for iso3, year in clashes.index:
        rows = mapped.index[(mapped["iso3"] == iso3) & (mapped["year"] == year)]
        codes = sorted(int(c) for c in mapped.loc[rows, "ccode"].unique())
        keep = to_cow(iso3)
        for row in rows:
            code = int(mapped.at[row, "ccode"])
            if code == keep:
                continue
            others = ", ".join(str(c) for c in codes if c != code)
            tail = f"kept COW {keep}" if keep in codes else f"neither is COW {keep}"
            mapped.at[row, "reason"] = (
                f"COW {code} and COW {others} both map to {iso3} in {year}; {tail}"
            )
            mapped.at[row, "iso3"] = None
    return mapped


def _read_rda(path: str | Path, name: str) -> pd.DataFrame:
    """The data frame `name` of an .rda file, checked against `TABLE_CHECKS[name]`;
    every problem of the file is raised together in one InputError."""
    import pyreadr  # imported here: only the readers need it

    file = _resolve(path, name)
    label = str(file)
    if not file.is_file():
        raise InputError([Problem(label, None, None, None, "file not found")])
    try:
        objects = pyreadr.read_r(str(file))
    except Exception as err:  # pyreadr raises several types for broken files
        raise InputError(
            [Problem(label, None, None, None, f"cannot read R data file: {err}")]
        ) from None
    if name in objects:
        frame = objects[name]
    elif len(objects) == 1:
        frame = next(iter(objects.values()))
    else:
        held = ", ".join(str(k) for k in objects) or "nothing"
        raise InputError(
            [Problem(label, None, None, None, f"cannot read {name!r}: the file holds {held}")]
        )
    spec = TABLE_CHECKS.get(name)
    if spec is None:
        return frame
    frame, problems = check_table(frame, label, spec, f"peacesciencer's {name}")
    if problems:
        raise InputError(problems)
    return frame


# ---------------------------------------------------------------------------------------
# Checking a table read from a binary file (.rda, .dta)
# ---------------------------------------------------------------------------------------
# Rows are numbered as if the table were written as a CSV file: the header is row 1,
# the first data row row 2, so that problems read like those of the CSV adapters.
FIRST_ROW = 2
MAX_ROWS_LISTED = 20  # per column and problem; the rest are counted in one more line


@dataclass(frozen=True)
class TableSpec:
    """What a table must hold.

    - `required`: columns that must be present;
    - `keys`: whole numbers, never missing (COW codes, years);
    - `complete`: never missing (values the readers would otherwise turn into 0);
    - `dates`: dates, never missing; `spells`: (start, end) column pairs, end >= start;
    - `bounds`: column -> (lowest, highest, whole) for the values present (missing
      allowed unless the column is in `complete`); None = no bound;
    - `missing_codes`: column -> values documented as "unknown" and allowed outside
      `bounds` (the reader turns them into NaN).
    Columns in `keys`, `complete`, `dates`, `bounds` that are not `required` are
    checked only when present."""

    required: tuple[str, ...]
    keys: tuple[str, ...] = ()
    complete: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    spells: tuple[tuple[str, str], ...] = ()
    bounds: Mapping[str, tuple[float | None, float | None, bool]] = field(default_factory=dict)
    missing_codes: Mapping[str, tuple[float, ...]] = field(default_factory=dict)


def _listed(
    file: str, column: str, mask: np.ndarray, values: pd.Series, message: str
) -> list[Problem]:
    """One problem per flagged row, the first MAX_ROWS_LISTED of them, plus a count."""
    rows = np.flatnonzero(mask)
    out = [
        Problem(file, int(i) + FIRST_ROW, column, _show(values.iloc[i]), message)
        for i in rows[:MAX_ROWS_LISTED]
    ]
    if len(rows) > MAX_ROWS_LISTED:
        more = len(rows) - MAX_ROWS_LISTED
        out.append(Problem(file, None, column, None, f"{message} ({more} more rows)"))
    return out


def _show(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_number(series: pd.Series) -> pd.Series:
    """Numbers as float64, NaN where missing or not a number."""
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        try:
            series = pd.to_numeric(series.astype(object), errors="coerce")
        except (TypeError, ValueError):
            return pd.Series(np.nan, index=series.index)
    return series.astype("float64")


def _as_date(series: pd.Series) -> pd.Series:
    """Dates parsed as the readers parse them; NaT where missing or not a date."""
    try:
        return pd.to_datetime(series, errors="coerce")
    except (TypeError, ValueError, OverflowError):
        return pd.Series(pd.NaT, index=series.index)


def check_table(
    frame: pd.DataFrame, file: str, spec: TableSpec, what: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """(frame with its numeric columns as numbers, problems). `what` names the table in
    the message for a missing column."""
    columns = [str(c) for c in frame.columns]
    problems = [
        Problem(file, 1, c, None, f"required column is missing (is this {what}?)")
        for c in spec.required
        if c not in columns
    ]
    problems += [
        Problem(file, 1, c, c, "column appears twice")
        for c in sorted({c for c in columns if columns.count(c) > 1})
    ]
    if problems:
        return frame, problems
    frame = frame.copy()
    frame.columns = columns
    present = set(columns)
    numbers: dict[str, pd.Series] = {}
    for column in [c for c in (*spec.keys, *spec.complete, *spec.bounds) if c in present]:
        if column in numbers or column in spec.dates:
            continue
        raw = frame[column]
        values = _as_number(raw)
        numbers[column] = values
        given = raw.notna().to_numpy()
        ok = np.isfinite(values.to_numpy())
        usable = np.where(ok, values.to_numpy(), 0.0)
        problems += _listed(file, column, given & ~ok, raw, "not a (finite) number")
        if column in spec.keys or column in spec.complete:
            problems += _listed(file, column, ~given, raw, "value is missing")
        codes = spec.missing_codes.get(column, ())
        coded = values.isin(codes).to_numpy() if codes else np.zeros(len(values), bool)
        low, high, whole = spec.bounds.get(column, (None, None, column in spec.keys))
        if whole:
            fraction = ok & ~coded & (usable % 1 != 0)
            problems += _listed(file, column, fraction, raw, "not a whole number")
        if low is not None:
            below = ok & ~coded & (usable < low)
            if low == 0:
                message = (
                    f"negative value, but {column} cannot be below 0 (-9 is the COW code "
                    "for a missing value; peacesciencer's files hold NA: recode it to NA)"
                )
            else:
                message = f"below {low:g}, the lowest possible {column}"
            problems += _listed(file, column, below, raw, message)
        if high is not None:
            above = ok & ~coded & (usable > high)
            problems += _listed(
                file, column, above, raw, f"above {high:g}, the highest possible {column}"
            )
    dates: dict[str, pd.Series] = {}
    for column in [c for c in spec.dates if c in present]:
        raw = frame[column]
        parsed = _as_date(raw)
        dates[column] = parsed
        given = raw.notna().to_numpy()
        problems += _listed(file, column, ~given, raw, "value is missing")
        problems += _listed(file, column, given & parsed.isna().to_numpy(), raw, "not a date")
    for start, end in spec.spells:
        if start not in present or end not in present:
            continue
        first = dates.get(start, numbers.get(start))
        last = dates.get(end, numbers.get(end))
        if first is None or last is None:
            continue
        before = (first.notna() & last.notna() & (last < first)).to_numpy()
        problems += [
            Problem(
                file,
                int(i) + FIRST_ROW,
                end,
                _show(frame[end].iloc[i]),
                f"spell ends ({_show(frame[end].iloc[i])}) before it begins "
                f"({_show(frame[start].iloc[i])})",
            )
            for i in np.flatnonzero(before)[:MAX_ROWS_LISTED]
        ]
        if before.sum() > MAX_ROWS_LISTED:
            more = int(before.sum()) - MAX_ROWS_LISTED
            problems.append(
                Problem(file, None, end, None, f"spell ends before it begins ({more} more rows)")
            )
    if not problems:
        for column, values in numbers.items():
            if not pd.api.types.is_numeric_dtype(frame[column]):
                frame[column] = values
    return frame, problems


def _resolve(path: str | Path, name: str) -> Path:
    path = Path(path)
    return path / f"{name}.rda" if path.is_dir() else path


@lru_cache(maxsize=8)
def _crosswalk_cached(states_file: str) -> CowCrosswalk:
    states = _read_rda(states_file, "cow_states")
    return crosswalk_from_states(states)


def cow_crosswalk(path: str | Path) -> CowCrosswalk:
    """The crosswalk from `cow_states.rda` (a path to it or to its folder), cached."""
    return _crosswalk_cached(str(_resolve(path, "cow_states").resolve()))


def crosswalk_from_states(states: pd.DataFrame) -> CowCrosswalk:
    """Crosswalk from a COW state list (`ccode, statenme, styear, endyear`)."""
    last = int(states["endyear"].max())
    names = {int(c): str(n) for c, n in zip(states["ccode"], states["statenme"], strict=True)}
    spells: dict[int, list[tuple[int, int]]] = {}
    for code, first, end in zip(states["ccode"], states["styear"], states["endyear"], strict=True):
        spells.setdefault(int(code), []).append(
            (int(first), OPEN_END if int(end) >= last else int(end))
        )
    return CowCrosswalk.from_names(names, membership={k: tuple(v) for k, v in spells.items()})


def _crosswalk_for(path: str | Path, crosswalk: CowCrosswalk | None, name: str) -> CowCrosswalk:
    if crosswalk is not None:
        return crosswalk
    return cow_crosswalk(_resolve(path, name).parent / "cow_states.rda")


def _records(frame: pd.DataFrame, source: str, columns: list[str]) -> pd.Series:
    text = pd.Series(source + ":", index=frame.index)
    for i, col in enumerate(columns):
        values = frame[col]
        if pd.api.types.is_float_dtype(values) and values.dropna().mod(1).eq(0).all():
            values = values.astype("Int64")
        text = text + ("" if i == 0 else ";") + f" {col}=" + values.astype(str)
    return text


def _rejected(frame: pd.DataFrame, source: str, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"source_record": _records(frame, source, columns), "reason": frame["reason"]}
    ).reset_index(drop=True)


def _int_keys(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    return frame.astype({c: "int64" for c in columns})


def map_state_year(
    raw: pd.DataFrame, crosswalk: CowCrosswalk, source: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add `iso3` to a (ccode, year) table; return (mapped, rejected)."""
    raw = _int_keys(raw, ["ccode", "year"])
    mapping = crosswalk.map_pairs(raw)
    merged = raw.merge(mapping, on=["ccode", "year"], how="left", validate="m:1")
    bad = merged["iso3"].isna()
    rejected = _rejected(merged[bad], source, ["ccode", "year"])
    table = merged[~bad].drop(columns="reason")
    front = ["ccode", "iso3", "year"]
    table = table[front + [c for c in table.columns if c not in front]]
    return table.sort_values(["iso3", "year"], ignore_index=True), rejected


def map_dyad_year(
    raw: pd.DataFrame,
    crosswalk: CowCrosswalk,
    source: str,
    record_columns: list[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add `dyad, state_a, state_b, ccode_a, ccode_b` (ISO3-alphabetical) to a
    (ccode1, ccode2, year) table; rows stay as many as mapped (no aggregation here)."""
    raw = _int_keys(raw, ["ccode1", "ccode2", "year"])
    sides = pd.concat(
        [
            raw[["ccode1", "year"]].rename(columns={"ccode1": "ccode"}),
            raw[["ccode2", "year"]].rename(columns={"ccode2": "ccode"}),
        ]
    )
    mapping = crosswalk.map_pairs(sides)
    merged = raw
    for side in ("1", "2"):
        merged = merged.merge(
            mapping.rename(
                columns={"ccode": f"ccode{side}", "iso3": f"iso3_{side}", "reason": f"why{side}"}
            ),
            on=[f"ccode{side}", "year"],
            how="left",
            validate="m:1",
        )
    reason = merged["why1"].fillna(merged["why2"])
    same = reason.isna() & (merged["iso3_1"] == merged["iso3_2"])
    reason = reason.mask(same, "both states map to " + merged["iso3_1"].astype(str))
    merged = merged.assign(reason=reason).drop(columns=["why1", "why2"])
    bad = merged["reason"].notna()
    rejected = _rejected(merged[bad], source, record_columns or ["ccode1", "ccode2", "year"])
    ok = merged[~bad]
    first = ok["iso3_1"] < ok["iso3_2"]
    table = pd.DataFrame(
        {
            "state_a": np.where(first, ok["iso3_1"], ok["iso3_2"]),
            "state_b": np.where(first, ok["iso3_2"], ok["iso3_1"]),
            "ccode_a": np.where(first, ok["ccode1"], ok["ccode2"]),
            "ccode_b": np.where(first, ok["ccode2"], ok["ccode1"]),
            "year": ok["year"].to_numpy(),
        },
        index=ok.index,
    )
    table.insert(0, "dyad", table["state_a"] + "-" + table["state_b"])
    values = [
        c for c in ok.columns if c not in {"ccode1", "ccode2", "iso3_1", "iso3_2", "year", "reason"}
    ]
    table = pd.concat([table, ok[values]], axis=1)
    return table.reset_index(drop=True), rejected


def _collapse(table: pd.DataFrame, how: Mapping[str, str]) -> pd.DataFrame:
    """One row per non-directed dyad-year: `how` maps each value column to an aggregation."""
    keys = ["dyad", "year", "state_a", "state_b", "ccode_a", "ccode_b"]
    out = table.groupby(keys, as_index=False, sort=True).agg(dict(how))
    dup = out.duplicated(["dyad", "year"])
    if dup.any():  # the same ISO3 dyad from different COW codes: mapping should prevent it
        raise ValueError(f"dyad-years repeat after mapping: {out.loc[dup, ['dyad', 'year']]}")
    return out


def _unique_dyads(table: pd.DataFrame, source: str) -> pd.DataFrame:
    dup = table.duplicated(["dyad", "year"])
    if dup.any():
        first = table.loc[dup, ["dyad", "year"]].iloc[0].tolist()
        raise ValueError(f"{source}: non-directed data repeat dyad-year {first}")
    return table.sort_values(["dyad", "year"], ignore_index=True)


def _result(table: pd.DataFrame, rejected: pd.DataFrame, read: int, **extra: int) -> AdapterResult:
    counts = {
        "rows_read": int(read),
        "rows_rejected": int(len(rejected)),
        "rows_mapped": int(read - len(rejected)),
        **{k: int(v) for k, v in extra.items()},
        "rows_out": int(len(table)),
    }
    return AdapterResult(table=table.reset_index(drop=True), rejected=rejected, counts=counts)


# ---------------------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------------------
def read_states(path: str | Path, through: int | None = None) -> AdapterResult:
    """COW state system membership as state-years (`ccode, iso3, year, stateabb, statenme`).

    Spells open at the list's last year (2016) continue to `through` (default 2016)."""
    raw = _read_rda(path, "cow_states")
    crosswalk = crosswalk_from_states(raw)
    last = int(raw["endyear"].max())
    through = last if through is None else through
    rows = []
    for rec in raw.itertuples(index=False):
        end = through if int(rec.endyear) >= last else int(rec.endyear)
        for year in range(int(rec.styear), end + 1):
            rows.append((int(rec.ccode), year, rec.stateabb, rec.statenme))
    years = pd.DataFrame(rows, columns=["ccode", "year", "stateabb", "statenme"])
    years = years.drop_duplicates(["ccode", "year"])
    table, rejected = map_state_year(years, crosswalk, "cow_states")
    return _result(table, rejected, len(years), spells_read=len(raw))


def read_capitals(path: str | Path, crosswalk: CowCrosswalk | None = None) -> AdapterResult:
    """Capitals as state-years (`ccode, iso3, year, capital, lat, lng`).

    A year's capital is the one in office for most of its days (ties: the later one);
    years in which the state is not a system member are rejected (the source dates
    capitals generously, see its .Rd)."""
    raw = _read_rda(path, "cow_capitals")
    cw = _crosswalk_for(path, crosswalk, "cow_capitals")
    start = pd.to_datetime(raw["stdate"])
    end = pd.to_datetime(raw["enddate"])
    spells = raw.assign(stdate=start, enddate=end, spell=range(len(raw)))
    spells["year"] = [list(range(s.year, e.year + 1)) for s, e in zip(start, end, strict=True)]
    years = spells.explode("year").astype({"year": "int64"})
    jan1 = pd.to_datetime(years["year"].astype(str) + "-01-01")
    dec31 = pd.to_datetime(years["year"].astype(str) + "-12-31")
    lo = years["stdate"].where(years["stdate"] > jan1, jan1)
    hi = years["enddate"].where(years["enddate"] < dec31, dec31)
    years["days"] = (hi - lo).dt.days + 1
    years = years.sort_values(["ccode", "year", "days", "stdate"])
    years = years.drop_duplicates(["ccode", "year"], keep="last")
    years = years[["ccode", "year", "capital", "lat", "lng"]]
    table, rejected = map_state_year(years, cw, "cow_capitals")
    return _result(table, rejected, len(years), spells_read=len(raw))


def read_contiguity(path: str | Path, crosswalk: CowCrosswalk | None = None) -> AdapterResult:
    """COW direct contiguity as non-directed dyad-years (`conttype` 0-5).

    Spells (year-month precision) are expanded to every year they touch; where spells of
    a dyad overlap in a year, the closest contiguity (smallest non-zero type) wins, 0 only
    when every spell that year is 0. Dyads never listed are non-contiguous (0), which the
    verb fills within the data's years."""
    raw = _read_rda(path, "cow_contdir")
    cw = _crosswalk_for(path, crosswalk, "cow_contdir")
    start = pd.to_datetime(raw["stdate"])
    end = pd.to_datetime(raw["enddate"])
    spells = raw.assign(
        year=[list(range(s.year, e.year + 1)) for s, e in zip(start, end, strict=True)],
        spell=raw["stdate"].astype(str) + ".." + raw["enddate"].astype(str),
    )
    years = spells.explode("year")[["ccode1", "ccode2", "year", "conttype", "spell"]]
    table, rejected = map_dyad_year(years, cw, "cow_contdir", ["ccode1", "ccode2", "year", "spell"])
    table = table.assign(closest=table["conttype"].where(table["conttype"] > 0))
    out = _collapse(table, {"closest": "min"})
    out = out.assign(conttype=out.pop("closest").fillna(0).astype("int64"))
    return _result(out, rejected, len(years), spells_read=len(raw))


def read_mindist(path: str | Path, crosswalk: CowCrosswalk | None = None) -> AdapterResult:
    """Minimum distance between states (km, 1 January; CShapes 2), non-directed."""
    raw = _read_rda(path, "cow_mindist")
    cw = _crosswalk_for(path, crosswalk, "cow_mindist")
    table, rejected = map_dyad_year(raw, cw, "cow_mindist")
    return _result(_unique_dyads(table, "cow_mindist"), rejected, len(raw))


def read_democracy(path: str | Path, crosswalk: CowCrosswalk | None = None) -> AdapterResult:
    """State-year democracy: `v2x_polyarchy` (V-Dem 10), `polity2`, `xm_qudsest` (UDS)."""
    raw = _read_rda(path, "ccode_democracy")
    cw = _crosswalk_for(path, crosswalk, "ccode_democracy")
    table, rejected = map_state_year(raw, cw, "ccode_democracy")
    return _result(table, rejected, len(raw))


def read_nmc(path: str | Path, crosswalk: CowCrosswalk | None = None) -> AdapterResult:
    """State-year National Material Capabilities (`milex` ... `cinc`; NA where missing,
    a negative value such as COW's -9 is refused)."""
    raw = _read_rda(path, "cow_nmc")
    cw = _crosswalk_for(path, crosswalk, "cow_nmc")
    table, rejected = map_state_year(raw, cw, "cow_nmc")
    return _result(table, rejected, len(raw))


def read_trade(path: str | Path, crosswalk: CowCrosswalk | None = None) -> AdapterResult:
    """State-year national trade (`imports`, `exports`, current million USD; NA where
    missing, a negative value such as COW's -9 is refused). The dyadic COW trade data
    are not in the shared files (peacesciencer downloads them)."""
    raw = _read_rda(path, "cow_trade_sy")
    cw = _crosswalk_for(path, crosswalk, "cow_trade_sy")
    table, rejected = map_state_year(raw, cw, "cow_trade_sy")
    return _result(table, rejected, len(raw))


def read_igos(path: str | Path, crosswalk: CowCrosswalk | None = None) -> AdapterResult:
    """Shared full IGO memberships (`dyadigos`), non-directed dyad-years."""
    raw = _read_rda(path, "cow_igo_ndy")
    cw = _crosswalk_for(path, crosswalk, "cow_igo_ndy")
    table, rejected = map_dyad_year(raw, cw, "cow_igo_ndy")
    return _result(_unique_dyads(table, "cow_igo_ndy"), rejected, len(raw))


ATOP_PLEDGES = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
COW_PLEDGES = ("cow_defense", "cow_neutral", "cow_nonagg", "cow_entente")


def read_atop(path: str | Path, crosswalk: CowCrosswalk | None = None) -> AdapterResult:
    """ATOP alliance pledges, non-directed (a pledge by either state counts), plus
    `atop_any` = any of the five pledge types. Lists allied dyad-years only."""
    raw = _read_rda(path, "atop_alliance")
    cw = _crosswalk_for(path, crosswalk, "atop_alliance")
    table, rejected = map_dyad_year(raw, cw, "atop_alliance")
    out = _collapse(table, dict.fromkeys(ATOP_PLEDGES, "max"))
    out["atop_any"] = out[list(ATOP_PLEDGES)].max(axis=1)
    return _result(out, rejected, len(raw))


def read_cow_alliance(path: str | Path, crosswalk: CowCrosswalk | None = None) -> AdapterResult:
    """COW formal alliances 4.1 (to 2012), non-directed, plus `cow_any`."""
    raw = _read_rda(path, "cow_alliance")
    cw = _crosswalk_for(path, crosswalk, "cow_alliance")
    table, rejected = map_dyad_year(raw, cw, "cow_alliance")
    out = _collapse(table, dict.fromkeys(COW_PLEDGES, "max"))
    out["cow_any"] = out[list(COW_PLEDGES)].max(axis=1)
    return _result(out, rejected, len(raw))


MID_FIELDS = {
    "dispnum": "min",
    "cowmidongoing": "max",
    "cowmidonset": "max",
    "hostlev": "max",
    "fatality": "max",
    "mindur": "max",
    "maxdur": "max",
    "recip": "max",
}


def read_mids(path: str | Path, crosswalk: CowCrosswalk | None = None) -> AdapterResult:
    """MID 5 dispute dyad-years, non-directed: dispute-level fields only (side-specific
    ones need a direction); fatality -9 (unknown) becomes NaN. Lists dispute years only."""
    raw = _read_rda(path, "cow_mid_ddydisps")
    cw = _crosswalk_for(path, crosswalk, "cow_mid_ddydisps")
    raw = raw[["ccode1", "ccode2", "year", *MID_FIELDS]]
    raw = raw.assign(fatality=raw["fatality"].where(raw["fatality"] >= 0))
    table, rejected = map_dyad_year(raw, cw, "cow_mid_ddydisps")
    out = _collapse(table, MID_FIELDS)
    return _result(out, rejected, len(raw))


def read_wars(path: str | Path, crosswalk: CowCrosswalk | None = None) -> AdapterResult:
    """COW inter-state war participation as state-years: `inter_wars` (how many
    inter-state wars the state fights in the year, >= 1) and `warnums` (their COW war
    numbers, ascending, joined by ";"). Only war years are listed; the verb fills 0
    within `COW_WAR_YEARS`. The file is directed dyad-war-years: both sides of each war
    appear as `ccode1`, so one side suffices."""
    raw = _read_rda(path, "cow_war_inter")
    cw = _crosswalk_for(path, crosswalk, "cow_war_inter")
    sides = _int_keys(raw[["ccode1", "year", "warnum"]], ["ccode1", "year", "warnum"])
    sides = sides.rename(columns={"ccode1": "ccode"}).drop_duplicates()
    years = sides.groupby(["ccode", "year"], as_index=False, sort=True).agg(
        inter_wars=("warnum", "nunique"),
        warnums=("warnum", lambda w: ";".join(str(n) for n in sorted(set(w)))),
    )
    table, rejected = map_state_year(years, cw, "cow_war_inter")
    return _result(table, rejected, len(years), war_dyad_years_read=len(raw))


def war_list(wars: pd.DataFrame, start: int, end: int) -> list[dict[str, object]]:
    """The wars of a `read_wars` table with a year in `start`-`end`: COW war number,
    first and last year in that span, and the participating states (ISO3, sorted)."""
    inside = wars[wars["year"].between(start, end)]
    rows = inside.assign(warnum=inside["warnums"].str.split(";")).explode("warnum")
    out = []
    for number, group in rows.groupby(rows["warnum"].astype(int), sort=True):
        out.append(
            {
                "warnum": int(number),
                "first": int(group["year"].min()),
                "last": int(group["year"].max()),
                "states": sorted(set(group["iso3"])),
            }
        )
    return out


_COUNT = (0.0, None, True)
_QUANTITY = (0.0, None, False)
_FLAG = (0.0, 1.0, True)
_STATE_YEAR = ("ccode", "year")
_DYAD_YEAR = ("ccode1", "ccode2", "year")

# What each table must hold (`TableSpec`). Quantities and counts cannot be negative:
# peacesciencer's files hold NA where COW's raw files write -9 ("missing"), so a -9 is
# refused rather than read as a number (or guessed to be missing). The one code kept is
# MID `fatality` -9 ("unknown"), which peacesciencer ships and `read_mids` makes NaN.
TABLE_CHECKS: dict[str, TableSpec] = {
    "cow_states": TableSpec(
        required=("ccode", "stateabb", "statenme", "styear", "endyear"),
        keys=("ccode", "styear", "endyear"),
        spells=(("styear", "endyear"),),
    ),
    "cow_capitals": TableSpec(
        required=("ccode", "capital", "stdate", "enddate", "lat", "lng"),
        keys=("ccode",),
        complete=("lat", "lng"),
        dates=("stdate", "enddate"),
        spells=(("stdate", "enddate"),),
        bounds={"lat": (-90.0, 90.0, False), "lng": (-180.0, 180.0, False)},
    ),
    "cow_contdir": TableSpec(
        required=("ccode1", "ccode2", "conttype", "stdate", "enddate"),
        keys=("ccode1", "ccode2"),
        complete=("conttype",),
        dates=("stdate", "enddate"),
        spells=(("stdate", "enddate"),),
        bounds={"conttype": (0.0, 5.0, True)},
    ),
    "cow_mindist": TableSpec(
        required=(*_DYAD_YEAR, "mindist"),
        keys=_DYAD_YEAR,
        complete=("mindist",),
        bounds={"mindist": _QUANTITY},
    ),
    "ccode_democracy": TableSpec(
        required=(*_STATE_YEAR, "v2x_polyarchy", "polity2", "xm_qudsest"),
        keys=_STATE_YEAR,
        bounds={"v2x_polyarchy": (0.0, 1.0, False), "polity2": (-10.0, 10.0, True)},
    ),
    "cow_nmc": TableSpec(
        required=(*_STATE_YEAR, "cinc"),
        keys=_STATE_YEAR,
        bounds={
            **dict.fromkeys(("milex", "milper", "irst", "pec", "tpop", "upop"), _QUANTITY),
            "cinc": (0.0, 1.0, False),
        },
    ),
    "cow_trade_sy": TableSpec(
        required=(*_STATE_YEAR, "imports", "exports"),
        keys=_STATE_YEAR,
        bounds={"imports": _QUANTITY, "exports": _QUANTITY},
    ),
    "cow_igo_ndy": TableSpec(
        required=(*_DYAD_YEAR, "dyadigos"),
        keys=_DYAD_YEAR,
        complete=("dyadigos",),
        bounds={"dyadigos": _COUNT},
    ),
    "atop_alliance": TableSpec(
        required=(*_DYAD_YEAR, *ATOP_PLEDGES),
        keys=_DYAD_YEAR,
        complete=ATOP_PLEDGES,
        bounds=dict.fromkeys(ATOP_PLEDGES, _FLAG),
    ),
    "cow_alliance": TableSpec(
        required=(*_DYAD_YEAR, *COW_PLEDGES),
        keys=_DYAD_YEAR,
        complete=COW_PLEDGES,
        bounds=dict.fromkeys(COW_PLEDGES, _FLAG),
    ),
    "cow_mid_ddydisps": TableSpec(
        required=(*_DYAD_YEAR, *MID_FIELDS),
        keys=(*_DYAD_YEAR, "dispnum"),
        complete=tuple(MID_FIELDS),
        bounds={
            "dispnum": (1.0, None, True),
            "cowmidongoing": _FLAG,
            "cowmidonset": _FLAG,
            "hostlev": (1.0, 5.0, True),
            "fatality": (0.0, 6.0, True),
            "mindur": _COUNT,
            "maxdur": _COUNT,
            "recip": _FLAG,
        },
        missing_codes={"fatality": (-9.0,)},
    ),
    "cow_war_inter": TableSpec(
        required=(*_DYAD_YEAR, "warnum"),
        keys=(*_DYAD_YEAR, "warnum"),
        bounds={
            "warnum": (1.0, None, True),
            "year": (float(COW_WAR_YEARS[0]), float(COW_WAR_YEARS[1]), True),
        },
    ),
}


READERS = {
    "cow_states": read_states,
    "cow_capitals": read_capitals,
    "cow_contdir": read_contiguity,
    "cow_mindist": read_mindist,
    "ccode_democracy": read_democracy,
    "cow_nmc": read_nmc,
    "cow_trade_sy": read_trade,
    "cow_igo_ndy": read_igos,
    "atop_alliance": read_atop,
    "cow_alliance": read_cow_alliance,
    "cow_mid_ddydisps": read_mids,
    "cow_war_inter": read_wars,
}


def ingest(path: str | Path, table: str | None = None, **options: object) -> AdapterResult:
    """Read one peacesciencer table; `table` defaults to the file's stem."""
    name = table or Path(path).stem
    if name not in READERS:
        raise InputError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    name,
                    f"not a peacesciencer table tiesmap reads; known: {', '.join(sorted(READERS))}",
                )
            ]
        )
    return READERS[name](path, **options)  # type: ignore[operator]
