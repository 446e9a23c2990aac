import datetime as dt

import pytest

from timeline_api.dates import LONGEST_PERIOD, earliest_start_ending_from, parse_partial_date


@pytest.mark.parametrize(
    ("text", "precision", "start", "end"),
    [
        ("2020", "year", dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
        ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2023-02", "month", dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
        ("2020-03-05", "day", dt.date(2020, 3, 5), dt.date(2020, 3, 5)),
    ],
)
def test_partial_dates_span_their_period(text, precision, start, end):
    parsed = parse_partial_date(text)
    assert (parsed.precision, parsed.start, parsed.end) == (precision, start, end)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2020-13", "month must be between 01 and 12"),
        ("2023-02-29", "day must be between 01 and 28"),
        ("0000", "year must be 0001 or later"),
        ("20-01-01", "is not a date of the form"),
        ("2020/01/01", "is not a date of the form"),
        ("", "is not a date of the form"),
        ("\uff12\uff10\uff12\uff10", "is not a date of the form"),  # full-width digits
    ],
)
def test_bad_dates_say_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_partial_date(text)


def test_no_period_is_longer_than_the_longest():
    for text in ("2020", "2021", "2000", "1900", "0001", "9999", "2020-02", "2020-12-31"):
        period = parse_partial_date(text)
        assert period.end - period.start <= LONGEST_PERIOD
    assert parse_partial_date("2020").end - parse_partial_date("2020").start == LONGEST_PERIOD


def test_earliest_start_ending_from():
    last_day = dt.date(2020, 12, 31)
    assert earliest_start_ending_from(last_day) == dt.date(2020, 1, 1)
    assert earliest_start_ending_from(dt.date(1, 6, 1)) == dt.date.min
