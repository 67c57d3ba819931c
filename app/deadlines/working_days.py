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

The dates are computed per year from the laws' own rules (påsk moves: the anonymous
Gregorian algorithm; midsommardagen and alla helgons dag are the Saturday of a fixed week),
as the server's `arendestod_is_working_day` (migration 0029) computes them, so no table has
to be kept up to date by hand. Until 2004 annandag pingst was an allmän helgdag and
nationaldagen was not (SFS 2004:1328). The `holidays` package, which this module used
before, imports all its 279 countries' modules on first use (0.2–0.4 s with compiled
modules, 1–1.4 s without; the chef's first Ärendegenomgång waited for it, issue 21); a test
compares the two day by day.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

SOURCE = (
    "Lag (1989:253) om allmänna helgdagar 1–2 §§; lag (1930:173) om beräkning av "
    "lagstadgad tid 2 § (midsommarafton, julafton och nyårsafton)"
)
"""Where the days that are not working days come from."""


def easter_sunday(year: int) -> date:
    """Påskdagen of `year` in the Gregorian calendar (the anonymous Gregorian algorithm, as
    in migration 0029's `arendestod_is_working_day`)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _saturday_from(first: date) -> date:
    """The Saturday among the seven days from `first`."""
    return first + timedelta(days=(5 - first.weekday()) % 7)


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[date]:
    """The allmänna helgdagar of lag (1989:253) 1–2 §§ that are not Sundays by definition,
    and midsommarafton, julafton and nyårsafton (lag 1930:173, 2 §)."""
    easter = easter_sunday(year)
    midsummer_day = _saturday_from(date(year, 6, 20))
    days = {
        date(year, 1, 1),  # nyårsdagen
        date(year, 1, 6),  # trettondedag jul
        easter - timedelta(days=2),  # långfredagen
        easter,  # påskdagen
        easter + timedelta(days=1),  # annandag påsk
        date(year, 5, 1),  # första maj
        easter + timedelta(days=39),  # Kristi himmelsfärdsdag
        easter + timedelta(days=49),  # pingstdagen
        midsummer_day - timedelta(days=1),  # midsommarafton
        midsummer_day,  # midsommardagen
        _saturday_from(date(year, 10, 31)),  # alla helgons dag
        date(year, 12, 24),  # julafton
        date(year, 12, 25),  # juldagen
        date(year, 12, 26),  # annandag jul
        date(year, 12, 31),  # nyårsafton
    }
    if year >= 2005:
        days.add(date(year, 6, 6))  # nationaldagen
    else:
        days.add(easter + timedelta(days=50))  # annandag pingst
    return frozenset(days)


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
