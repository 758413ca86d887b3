"""The state system of a scope: which states exist in which years, and which of
them the scope takes (every state, or every autocracy by a regime rule).

A state-year exists when the state is a member of the Correlates of War state
system on 31 December of the year (the convention of `tiesmap.countries`), from
peacesciencer's `cow_states` table (COW State System Membership v2016). Membership
that runs to the end of the list's version year is right-censored, not an exit:
it continues to the end of the scope's period.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiesmap.core.errors import InputError, Problem

if TYPE_CHECKING:  # pandas is loaded only when a scope follows the state system
    import pandas as pd

# COW codes whose ISO3 code country_converter does not give (or gives for
# another state): historical states, continuing states, and codes it reads as GW.
COW_TO_ISO3: dict[int, str] = {
    255: "DEU",
    260: "DEU",
    265: "DDR",
    315: "CSK",
    316: "CZE",
    345: "SRB",  # Yugoslavia / Serbia and Montenegro / Serbia: one continuing state
    678: "YEM",
    679: "YEM",
    680: "YMD",
    816: "VNM",
    946: "KIR",
    947: "TUV",
    955: "TON",
    970: "NRU",
}

Spells = dict[str, list[tuple[int, int]]]


def _read_rda(path: str | Path, name: str) -> pd.DataFrame:
    import pyreadr

    tables = pyreadr.read_r(str(path))
    if name not in tables:
        raise InputError([Problem(str(path), None, None, name, "table not in the file")])
    return tables[name]


def cow_iso3(ccode: int) -> str | None:
    """ISO3 code of a COW state code; None where there is none."""
    if ccode in COW_TO_ISO3:
        return COW_TO_ISO3[ccode]
    from tiesmap.core.countries import _converter

    found = _converter().convert(ccode, src="GWcode", to="ISO3", not_found=None)
    return found if isinstance(found, str) and len(found) == 3 else None


def _last_year(row: Any, censor_year: int, period_end: int) -> int:
    """The last year the state is a member on 31 December."""
    end_year = int(row.endyear)
    if end_year >= censor_year:
        return period_end
    on_dec_31 = (int(row.endmonth), int(row.endday)) == (12, 31)
    return end_year if on_dec_31 else end_year - 1


def membership_spells(states: pd.DataFrame, start: int, end: int) -> Spells:
    """Each state's member years within [start, end] (31 December rule), as
    merged (first, last) spells keyed by ISO3, states in alphabetical order."""
    censor_year = int(states["version"].max()) if "version" in states else int(end)
    years: dict[str, set[int]] = {}
    for row in states.itertuples(index=False):
        iso3 = cow_iso3(int(row.ccode))
        if iso3 is None:
            continue
        first = int(row.styear)
        last = _last_year(row, censor_year, end)
        span = set(range(max(first, start), min(last, end) + 1))
        if span:
            years.setdefault(iso3, set()).update(span)
    return {iso3: _spells(sorted(ys)) for iso3, ys in sorted(years.items())}


def _spells(years: list[int]) -> list[tuple[int, int]]:
    spells: list[tuple[int, int]] = []
    for y in years:
        if spells and spells[-1][1] == y - 1:
            spells[-1] = (spells[-1][0], y)
        else:
            spells.append((y, y))
    return spells


def regime_states(
    democracy: pd.DataFrame, spells: Mapping[str, list[tuple[int, int]]], measure: str, below: float
) -> set[str]:
    """States that are autocracies (`measure` below `below`) in at least one of their
    member years with a value; a state without any value is left out."""
    if measure not in democracy.columns:
        raise InputError([Problem("ccode_democracy", None, measure, None, "no such column")])
    values = democracy[["ccode", "year", measure]].dropna()
    keep = set()
    for row in values.itertuples(index=False):
        iso3 = cow_iso3(int(row.ccode))
        if iso3 in spells and getattr(row, measure) < below:
            year = int(row.year)
            if any(a <= year <= b for a, b in spells[iso3]):
                keep.add(iso3)
    return keep


def resolve_scope(config: dict[str, Any], files: Mapping[str, str]) -> dict[str, Any]:
    """The config with `scope.states` and `scope.members` filled in from the state
    system when `scope.system` is set (unchanged otherwise). `files` maps manifest
    names to paths of the files present."""
    system = config["scope"].get("system")
    if system is None:
        return config
    needed = ["peacesciencer_cow_states"]
    regime = system.get("regime")
    if regime:
        needed.append("peacesciencer_ccode_democracy")
    missing = [n for n in needed if n not in files]
    if missing:
        raise InputError(
            [
                Problem("config", None, "scope.system", n, "needs this file: fetch it with "
                        "`tiesmap download` (or --mirror-dir)")
                for n in missing
            ]
        )  # fmt: skip
    start, end = config["period"]["start"], config["period"]["end"]
    spells = membership_spells(
        _read_rda(files["peacesciencer_cow_states"], "cow_states"), start, end
    )
    if regime:
        democracy = _read_rda(files["peacesciencer_ccode_democracy"], "ccode_democracy")
        keep = regime_states(democracy, spells, regime["measure"], regime["below"])
        keep |= set(system.get("always", []))
        spells = {s: v for s, v in spells.items() if s in keep}
    scope = dict(config["scope"])
    scope["states"] = sorted(spells)
    scope["members"] = {s: [list(span) for span in v] for s, v in spells.items()}
    return {**config, "scope": scope}


def exists_mask(frame: pd.DataFrame, members: Mapping[str, list[list[int]]]) -> pd.Series:
    """True for dyad-years (`state_a`, `state_b`, `year`) in which both states are
    members of the state system."""
    import pandas as pd

    rows = [(s, y) for s, spans in members.items() for a, b in spans for y in range(a, b + 1)]
    alive = pd.MultiIndex.from_tuples(rows, names=["state", "year"]) if rows else None
    if alive is None:
        return pd.Series(False, index=frame.index)
    a = pd.MultiIndex.from_arrays([frame["state_a"], frame["year"]]).isin(alive)
    b = pd.MultiIndex.from_arrays([frame["state_b"], frame["year"]]).isin(alive)
    return pd.Series(a & b, index=frame.index)
