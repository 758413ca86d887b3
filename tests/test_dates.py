from datetime import date

import pytest

from tiesmap.core.dates import parse_partial_date


def test_precisions_and_intervals():
    d = parse_partial_date("2019-04-25")
    assert (d.precision, d.earliest, d.latest) == ("day", date(2019, 4, 25), date(2019, 4, 25))
    m = parse_partial_date("2024-02")
    assert (m.precision, m.earliest, m.latest) == ("month", date(2024, 2, 1), date(2024, 2, 29))
    y = parse_partial_date("2013")
    assert (y.precision, y.earliest, y.latest) == ("year", date(2013, 1, 1), date(2013, 12, 31))
    assert y.midpoint == date(2013, 7, 2)
    assert m.midpoint == date(2024, 2, 15)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2019-02-30", "day 30 does not exist"),
        ("2023-02-29", "day 29 does not exist"),
        ("2019-13", "month 13 does not exist"),
        ("25/04/2019", "not a date"),
        ("2019-4-5", "not a date"),
        ("", "not a date"),
    ],
)
def test_bad_dates_raise_with_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_partial_date(text)
