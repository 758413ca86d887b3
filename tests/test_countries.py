import pytest

from tiesmap.countries import to_cow, to_iso3, to_name


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
