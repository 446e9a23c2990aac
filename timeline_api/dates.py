"""Partial dates: a year, a year and month, or a full day, as the articles allow."""

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

_PARTIAL_DATE = re.compile(r"^(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?)?\Z")


# The longest period a partial date can mean: a leap year, from its first to its last day.
LONGEST_PERIOD = dt.timedelta(days=365)


def earliest_start_ending_from(day: dt.date) -> dt.date:
    """The earliest first day of a period that ends on or after `day`.

    A filter "ends on or after D" cannot use an index on the first day by itself; with this
    bound added, it reads about a year of the index instead of everything before D.
    """
    return day - LONGEST_PERIOD if day - dt.date.min > LONGEST_PERIOD else dt.date.min


@dataclass(frozen=True)
class PartialDate:
    """A date known to a precision; `start`/`end` bound the period it may mean."""

    text: str
    precision: str
    start: dt.date
    end: dt.date


def parse_partial_date(text: str) -> PartialDate:
    """Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD"; raise ValueError with a readable reason."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD.")
    return _parse(text)


# A load checks and bounds every event's date: 100,000 events have a few thousand dates.
@functools.lru_cache(maxsize=65536)
def _parse(text: str) -> PartialDate:
    match = _PARTIAL_DATE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD.")
    year = int(match["year"])
    if year < 1:
        raise ValueError(f"{text!r}: year must be 0001 or later.")
    if match["month"] is None:
        return PartialDate(text, "year", dt.date(year, 1, 1), dt.date(year, 12, 31))
    month = int(match["month"])
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r}: month must be between 01 and 12.")
    last_day = calendar.monthrange(year, month)[1]
    if match["day"] is None:
        return PartialDate(text, "month", dt.date(year, month, 1), dt.date(year, month, last_day))
    day = int(match["day"])
    if not 1 <= day <= last_day:
        raise ValueError(f"{text!r}: day must be between 01 and {last_day:02d} in that month.")
    day_date = dt.date(year, month, day)
    return PartialDate(text, "day", day_date, day_date)
