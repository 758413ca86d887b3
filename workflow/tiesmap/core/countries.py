"""Country names and codes: English names, ISO3, Correlates of War (COW) and
Gleditsch-Ward (GW) codes.

country_converter does the name matching. It has no COW classification, so COW
codes come from its Gleditsch-Ward codes plus the few documented cases where the
two systems differ. Names that cannot be matched are errors, never silent NaN; so
are names that stand for more than one state ('Korea'), which country_converter
would silently resolve to one of them.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import country_converter as coco

# Spellings used by SIPRI and COW that country_converter does not resolve, or
# resolves to a successor state we must keep distinct (historical states get
# their ISO 3166-3 codes).
ALIASES: dict[str, str] = {
    "soviet union": "SUN",
    "ussr": "SUN",
    "yugoslavia": "YUG",
    "czechoslovakia": "CSK",
    "east germany (gdr)": "DDR",
    "german democratic republic": "DDR",
    "uae": "ARE",
    "korea, north": "PRK",
    "korea, south": "KOR",
    "north korea": "PRK",
    "south korea": "KOR",
}

# COW codes where they differ from Gleditsch-Ward (Gleditsch & Ward 1999, Table 1)
# or where the state is historical. Source: COW State System Membership v2016.
COW_OVERRIDES: dict[str, int] = {
    "DEU": 255,
    "YEM": 679,
    "SRB": 345,
    "VNM": 816,
    "CZE": 316,
    "KIR": 946,
    "TUV": 947,
    "TON": 955,
    "NRU": 970,
    "SUN": 365,
    "YUG": 345,
    "CSK": 315,
    "DDR": 265,
}

HISTORICAL = {"SUN", "YUG", "CSK", "DDR"}

# Year-aware codes: states whose code changed while the ISO3 code stayed the same.
# (iso3, first year, last year or None, code); the year is that of 31 December, so a
# state-year takes the code the state held at the end of the year. Written from the
# code lists themselves:
#   COW: Correlates of War Project (2017), State System Membership List v2016,
#        https://correlatesofwar.org/data-sets/state-system-membership/
#        (255 Germany from 3 Oct 1990, 260 German Federal Republic 1955-1990;
#        679 Yemen from 22 May 1990, 678 Yemen Arab Republic 1926-1990).
#   GW:  Gleditsch, K. S. and Ward, M. D. (1999), "A revised list of independent
#        states since the Congress of Vienna", International Interactions 25(4),
#        list updated to 2017 (ksgleditsch.com/data-4.html): 260 Germany from 1949
#        (GW keeps the FRG's code after unification), 678 Yemen (the Arab Republic's
#        code continues), 345 Yugoslavia / Serbia and Montenegro until 4 June 2006,
#        340 Serbia from 5 June 2006, 816 Vietnam, 316 Czech Republic.
# tests/test_countries.py checks them against peacesciencer's cow_states and
# gw_states tables where ../shared holds them.
COW_BY_YEAR: tuple[tuple[str, int, int | None, int], ...] = (
    ("DEU", 1955, 1989, 260),
    ("DEU", 1990, None, 255),
    ("YEM", 1926, 1989, 678),
    ("YEM", 1990, None, 679),
)
GW_BY_YEAR: tuple[tuple[str, int, int | None, int], ...] = (
    ("DEU", 1949, None, 260),
    ("YEM", 1918, None, 678),
    ("SRB", 1918, 2005, 345),
    ("SRB", 2006, None, 340),
)
# country_converter's 'GWcode' column is not the GW list for these states.
GW_OVERRIDES: dict[str, int] = {
    "VNM": 816,
    "CZE": 316,
    "YEM": 678,
    "SUN": 365,
    "YUG": 345,
    "CSK": 315,
    "DDR": 265,
}

# Names shared by several states. country_converter picks one ('Korea' -> KOR), so
# a coder's "Korea" would silently become South Korea. These are never matched;
# `unmatched_reason` names the candidates. Full names ('North Korea', 'Korea,
# Republic of', 'Korea, North') are not affected. Keys are compared after `_plain`
# (lower case, letters only, no leading 'the'). A bare 'Congo' is just as ambiguous
# in general use (country_converter: 'Congo' -> COG, 'The Congo' -> COD), but SIPRI
# writes it for the Republic of the Congo (next to 'DR Congo'); it can join this
# table once sipri.SIPRI_ALIASES maps 'congo' to COG.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "korea": ("KOR", "PRK"),
    "koreas": ("KOR", "PRK"),
}

_NOT_FOUND = "__not_found__"


@lru_cache(maxsize=1)
def _converter() -> coco.CountryConverter:
    logging.getLogger("country_converter").setLevel(logging.CRITICAL)
    return coco.CountryConverter()


def _plain(name: str) -> str:
    words = re.sub(r"[^a-z]+", " ", str(name).lower()).split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def ambiguous_candidates(name: str) -> tuple[str, ...]:
    """ISO3 codes of the states an ambiguous name may mean; () for other names."""
    return AMBIGUOUS.get(_plain(name), ())


def unmatched_reason(name: str) -> str:
    """Why `to_iso3(name)` is None, for a problem message."""
    candidates = ambiguous_candidates(name)
    if candidates:
        options = [f"{code} ({to_name(code)})" for code in candidates]
        listed = ", ".join(options[:-1]) + " or " + options[-1]
        return f"ambiguous: {' '.join(str(name).split())} could be {listed}; write the full name"
    return "unknown country name or code"


@lru_cache(maxsize=4096)
def to_iso3(name: str) -> str | None:
    """ISO3 code for a country name or code; None when it cannot be matched or is
    ambiguous (see `unmatched_reason`)."""
    key = " ".join(str(name).split())
    if not key:
        return None
    if ambiguous_candidates(key):
        return None
    if key.lower() in ALIASES:
        return ALIASES[key.lower()]
    if key.upper() in HISTORICAL:
        return key.upper()
    result = _converter().convert(key, to="ISO3", not_found=_NOT_FOUND)
    if not isinstance(result, str) or result == _NOT_FOUND:
        return None
    return result


@lru_cache(maxsize=4096)
def to_cow(iso3: str) -> int | None:
    """COW state code for an ISO3 code; None where the state has none."""
    if iso3 in COW_OVERRIDES:
        return COW_OVERRIDES[iso3]
    result = _converter().convert(iso3, src="ISO3", to="GWcode", not_found=_NOT_FOUND)
    if result == _NOT_FOUND or result is None:
        return None
    try:
        return int(result)
    except (TypeError, ValueError):
        return None


@lru_cache(maxsize=4096)
def to_name(iso3: str) -> str:
    """Short English name for display in tables and figures."""
    names = {"SUN": "Soviet Union", "YUG": "Yugoslavia", "CSK": "Czechoslovakia", "DDR": "GDR"}
    if iso3 in names:
        return names[iso3]
    result = _converter().convert(iso3, src="ISO3", to="name_short", not_found=iso3)
    return str(result)


def _by_year(
    table: tuple[tuple[str, int, int | None, int], ...], iso3: str, year: int
) -> int | None:
    for code_iso3, first, last, code in table:
        if code_iso3 == iso3 and first <= year and (last is None or year <= last):
            return code
    return None


@lru_cache(maxsize=8192)
def cow_code(iso3: str, year: int) -> int | None:
    """COW state code of `iso3` in `year` (31 December); None where it has none."""
    return _by_year(COW_BY_YEAR, iso3, year) or to_cow(iso3)


@lru_cache(maxsize=8192)
def gw_code(iso3: str, year: int) -> int | None:
    """Gleditsch-Ward state code of `iso3` in `year` (31 December); None where it has none."""
    found = _by_year(GW_BY_YEAR, iso3, year)
    if found is not None:
        return found
    if iso3 in GW_OVERRIDES:
        return GW_OVERRIDES[iso3]
    result = _converter().convert(iso3, src="ISO3", to="GWcode", not_found=_NOT_FOUND)
    try:
        return int(result)
    except (TypeError, ValueError):
        return None
