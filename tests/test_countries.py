import pandas as pd
import pytest

from tiesmap.core.countries import cow_code, gw_code, to_cow, to_iso3, to_name

from .shared_data import shared_file


@pytest.mark.parametrize(
    ("name", "iso3", "cow"),
    [
        ("China", "CHN", 710),
        ("Russia", "RUS", 365),
        ("Iran", "IRN", 630),
        ("North Korea", "PRK", 731),
        ("Korea, North", "PRK", 731),
        ("PRK", "PRK", 731),
        ("Myanmar (Burma)", "MMR", 775),
        ("Viet Nam", "VNM", 816),
        ("Germany", "DEU", 255),
        ("Kazakhstan", "KAZ", 705),
        ("Belarus", "BLR", 370),
        ("India", "IND", 750),
        ("Pakistan", "PAK", 770),
        ("Mongolia", "MNG", 712),
    ],
)
def test_names_map_to_iso3_and_cow(name, iso3, cow):
    assert to_iso3(name) == iso3
    assert to_cow(iso3) == cow


def test_soviet_union_stays_distinct_from_russia():
    assert to_iso3("Soviet Union") == "SUN"
    assert to_iso3("USSR") == "SUN"
    assert to_cow("SUN") == 365
    assert to_name("SUN") == "Soviet Union"


@pytest.mark.parametrize("name", ["Atlantis", "Narnia", "", "XXX"])
def test_unknown_names_are_none_not_nan(name):
    assert to_iso3(name) is None


@pytest.mark.parametrize("iso3", ["CHN", "RUS", "IRN", "PRK", "IND", "VNM", "MMR", "KAZ"])
def test_iso3_name_round_trip(iso3):
    assert to_iso3(to_name(iso3)) == iso3


@pytest.mark.parametrize(
    ("iso3", "cow"), [("CZE", 316), ("KIR", 946), ("TUV", 947), ("TON", 955), ("NRU", 970)]
)
def test_cow_codes_where_gleditsch_ward_differs(iso3, cow):
    assert to_cow(iso3) == cow


# ------------------------------------------------ year-aware COW and GW codes


@pytest.mark.parametrize(
    "iso3, year, cow, gw",
    [
        ("RUS", 2010, 365, 365),
        ("PRK", 2010, 731, 731),
        ("IRN", 2010, 630, 630),
        ("CHN", 2010, 710, 710),
        ("DEU", 1980, 260, 260),
        ("DEU", 2010, 255, 260),
        ("YEM", 1985, 678, 678),
        ("YEM", 2010, 679, 678),
        ("SRB", 2005, 345, 345),
        ("SRB", 2006, 345, 340),
        ("VNM", 2010, 816, 816),
        ("CZE", 2010, 316, 316),
    ],
)
def test_year_aware_cow_and_gw_codes(iso3, year, cow, gw):
    assert (cow_code(iso3, year), gw_code(iso3, year)) == (cow, gw)


def _members(table: pd.DataFrame, code: str, start, end, year: int) -> set[int]:
    """Codes of the states that are members on 31 December of `year`."""
    day = pd.Timestamp(year, 12, 31)
    alive = (start <= day) & (end >= day)
    return {int(c) for c in table.loc[alive, code]}


@pytest.mark.parametrize("year", [1980, 1995, 2005, 2006, 2010, 2016])
def test_codes_are_members_of_the_state_system_lists(year):
    """Every ISO3 state's COW and GW code in `year` names a state that is a member
    on 31 December of that year in peacesciencer's cow_states and gw_states."""
    pyreadr = pytest.importorskip("pyreadr")
    folder = "peacesciencer"
    cow = pyreadr.read_r(str(shared_file(f"{folder}/cow_states.rda")))["cow_states"]
    gw = pyreadr.read_r(str(shared_file(f"{folder}/gw_states.rda")))["gw_states"]
    cow_start = pd.to_datetime(
        dict(year=cow.styear, month=cow.stmonth, day=cow.stday), errors="coerce"
    )
    cow_end = pd.to_datetime(
        dict(year=cow.endyear, month=cow.endmonth, day=cow.endday), errors="coerce"
    )
    cow_members = _members(cow, "ccode", cow_start, cow_end, year)
    gw_members = _members(
        gw, "gwcode", pd.to_datetime(gw.startdate), pd.to_datetime(gw.enddate), year
    )
    states = ["RUS", "PRK", "IRN", "CHN", "DEU", "YEM", "SRB", "VNM", "CZE", "SYR", "BLR"]
    states += ["MMR", "VEN", "CUB", "KAZ", "MNG", "IND", "PAK", "USA", "UKR"]
    successors = ("KAZ", "UKR", "BLR", "CZE")  # members from 1991-1993 only
    for iso3 in states:
        if year >= 1993 or iso3 not in successors:
            assert cow_code(iso3, year) in cow_members, (iso3, year, cow_code(iso3, year))
            assert gw_code(iso3, year) in gw_members, (iso3, year, gw_code(iso3, year))
