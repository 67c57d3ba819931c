"""Vardagar (working days) for deadlines counted in working days, such as the 24 hours to
the första återkoppling (seed 000 §7.3: "inom 24 timmar, räknat under vardagar").

A day is not a working day when it is
- a Saturday or a Sunday;
- an allmän helgdag: lag (1989:253) om allmänna helgdagar, 1–2 §§ (nyårsdagen, trettondedag
  jul, långfredagen, påskdagen, annandag påsk, första maj, Kristi himmelsfärdsdag,
  nationaldagen, pingstdagen, midsommardagen, alla helgons dag, juldagen, annandag jul);
- midsommarafton, julafton or nyårsafton, which lag (1930:173) om beräkning av lagstadgad
  tid, 2 §, puts with söndag, allmän helgdag and lördag as days on which a deadline does not
  end ("får åtgärden vidtas nästa vardag").

The dates come from the `holidays` package (Sweden: its PUBLIC category is the list of
lag 1989:253, its DE_FACTO category midsommarafton, julafton and nyårsafton), computed per
year (påsk moves), so no table has to be kept up to date by hand.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

SOURCE = (
    "Lag (1989:253) om allmänna helgdagar 1–2 §§; lag (1930:173) om beräkning av "
    "lagstadgad tid 2 § (midsommarafton, julafton och nyårsafton)"
)
"""Where the days that are not working days come from."""


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[date]:
    calendar = holidays.Sweden(
        years=year, categories=(holidays.PUBLIC, holidays.DE_FACTO), language="sv"
    )
    return frozenset(calendar)


def load_calendar(year: int) -> None:
    """Load `year`'s holiday calendar now (the package imports every country's module on
    first use, 0.2–1 s): the window does it in the background after login. Not through
    `is_working_day`, which on a Saturday or a Sunday needs no calendar and loads none."""
    _holidays_of(year)


def holidays_between(first: date, last: date) -> list[date]:
    """Holidays (not weekends as such) from `first` to `last`, both included, in order."""
    found: list[date] = []
    for year in range(first.year, last.year + 1):
        found.extend(d for d in _holidays_of(year) if first <= d <= last)
    return sorted(found)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a holiday (see the module docstring)."""
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def next_working_day(day: date) -> date:
    """The first working day after `day`."""
    following = day + timedelta(days=1)
    while not is_working_day(following):
        following += timedelta(days=1)
    return following
