"""A decision's amount on the calendar months its period covers.

Socialstyrelsen asks for the amount of the month the bistånd is for, not the month it was
decided or paid (HSLF-FS 2015:30 3 §: "Uppgifterna ska avse den kalendermånad som biståndet
gäller för"; Socialstyrelsen's page for uppgiftslämnare: "det är den månad som biståndet avser
som ska inrapporteras och inte månaden för utbetalning"). A decision states one granted total
for its period, so a period over several months is shared out here; how is the program's rule
(the sources say which month, not how to divide a total):

- each month's weight is the part of that month the period covers: days of the period in the
  month / days of the month. A decision for two whole months is halved; 15 September–14
  October weighs 16/30 against 14/31, as a month's norm for half a month would;
- the shares are in öre, rounded half up, and the last month takes what the rounding leaves,
  so that they add up to the total exactly.

The chef's statistics and the individual data export both use it, so that a month's amount
is the same figure in both.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from app.common.periods import month_end, month_start

ORE = Decimal("0.01")


def months_of(start: date, end: date) -> list[date]:
    """The first days of the calendar months from `start` to `end`."""
    found: list[date] = []
    month = month_start(start)
    while month <= end:
        found.append(month)
        month = month_end(month) + timedelta(days=1)
    return found


def month_shares(total: Decimal, start: date, end: date) -> list[tuple[date, Decimal]]:
    """(first day of the month, share) for every month of the period `start`–`end`; the shares
    add up to `total`."""
    months = months_of(start, end)
    if len(months) <= 1:
        return [(month_start(start), total)]
    weights: list[Fraction] = []
    for month in months:
        last = month_end(month)
        covered = (min(end, last) - max(start, month)).days + 1
        weights.append(Fraction(covered, last.day))
    whole = sum(weights)
    shares: list[tuple[date, Decimal]] = []
    left = total
    for month, weight in zip(months[:-1], weights[:-1], strict=True):
        exact = Fraction(total) * weight / whole
        share = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(ORE, ROUND_HALF_UP)
        shares.append((month, share))
        left -= share
    shares.append((months[-1], left))
    return shares


def share_in(total: Decimal, start: date, end: date, month: date) -> Decimal:
    """The share of one month (0 when the period does not cover it)."""
    first = month_start(month)
    return next((share for m, share in month_shares(total, start, end) if m == first), Decimal(0))
