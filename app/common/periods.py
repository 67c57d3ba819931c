"""Calendar-month arithmetic: the one place that knows how long a month is.

Decisions, applications, statistics and deadlines all count in calendar months (a decision
for "oktober" runs from 1 to 31 October; Socialstyrelsen's statistics are per month), so
month starts, month ends and "n months later" are needed everywhere. Small pure functions on
`datetime.date`, no time zones: callers pass `clock.today()` where they mean today.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date


def month_start(day: date) -> date:
    """The first day of the month `day` is in: 17 October -> 1 October."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of the month `day` is in: 10 February 2028 -> 29 February 2028 (a whole
    calendar month is the usual period of a decision)."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month_start(day: date) -> date:
    """The first day of the month after the one `day` is in: 31 December 2026 -> 1 January
    2027."""
    return month_from_index(month_index(day) + 1)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier, when negative), or that month's last day
    when it is shorter (30 November + 3 months = 28 February)."""
    year, month = divmod(month_index(day) + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_index(day: date) -> int:
    """Months since year 0 (year * 12 + month - 1): consecutive months have consecutive
    indexes, so month counts and bit positions are plain subtraction."""
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> date:
    """The first day of the month with that `month_index`."""
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def months_between(first: date, last: date) -> int:
    """How many month steps from the month of `first` to the month of `last` (days are
    ignored): October to the next January is 3; negative when `last` is earlier."""
    return month_index(last) - month_index(first)


def months(first: date, last: date) -> Iterator[date]:
    """The first day of every month from the month of `first` to the month of `last`, both
    included; nothing when `last` is in an earlier month."""
    for index in range(month_index(first), month_index(last) + 1):
        yield month_from_index(index)


def twelve_months_start(day: date) -> date:
    """The first day of the twelve calendar months that end with the month of `day` (the
    "last 12 months" of FIA and the caseload review): October 2026 -> 1 November 2025."""
    return add_months(month_start(day), -11)
