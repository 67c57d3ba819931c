"""Trends for the chef's start page: a few of the month statistics' figures for each of the
last twelve months, read from the same kept totals as `statistics.month_statistics` and
counted by the same definitions (statistics.py's module docstring), so a month's point is
that month's figure on the Statistik page.

- bidragshushåll: households with försörjningsstöd granted for the month;
- långvarigt bistånd: bidragshushåll with bistånd in at least 10 of the 12 months ending with
  the month;
- barnfamiljer med bistånd: bidragshushåll with a child under 18 that month (the kept
  facts count households, not children: the number of children is not kept per month);
- handläggningstid: median days from application to decision, for the applications received
  in the month and decided.

The current month is not over: its point is marked incomplete ("ofullständig månad") with
the day it counts to, so that six days of December do not read as a collapse.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from sqlalchemy.orm import Session

from app.common import clock
from app.common.formatting import LOCALE
from app.common.periods import month_from_index, month_index, month_start
from app.security import audit
from app.security.actor import Actor
from app.statistics import statistics
from app.statistics.statistics import (
    GROUPS,
    median_of,
    require_statistics_access,
    unit_label,
)

TREND_MONTHS = 12
SUPPORT = GROUPS.index("support")
LONG_12 = GROUPS.index("long12")


@dataclass(frozen=True)
class MonthTrend:
    """One month's point of each trend."""

    month: date
    support_households: int
    """Bidragshushåll (as MonthStatistics.support_households.total.total)."""
    long_term_households: int
    """Långvarigt bistånd, 10 of 12 months (long_term_10_of_12.total.total)."""
    families_with_children: int
    """Bidragshushåll with children (support_households.with_children.total)."""
    median_decision_days: Decimal | None
    """Median days from application to decision (time_to_decision.median_days)."""
    counted_to: date | None
    """The day an incomplete (the current) month is counted to; None for a whole month."""

    @property
    def incomplete(self) -> bool:
        return self.counted_to is not None


@dataclass(frozen=True)
class Trends:
    unit_name: str
    months: list[MonthTrend]
    """Oldest first, the current month last."""


def incomplete_note(month: date, today: date | None = None) -> str:
    """'ofullständig månad (t.o.m. 6 dec)' for the month that is not over yet (today's),
    '' for a month that is."""
    today = today or clock.today()
    if month_start(month) != month_start(today):
        return ""
    return f"ofullständig månad (t.o.m. {short_day(today)})"


def short_day(day: date) -> str:
    """'6 dec'."""
    return format_date(day, format="d MMM", locale=LOCALE).rstrip(".")


def short_month(month: date) -> str:
    """'dec 2025' (a chart's category)."""
    return format_date(month, format="LLL y", locale=LOCALE).replace(".", "")


def monthly_trends(
    session: Session,
    actor: Actor,
    *,
    months: int = TREND_MONTHS,
    unit_id: uuid.UUID | None = None,
) -> Trends:
    """The trends of the `months` months ending with the current one (chefs: their own unit;
    definitions in the module docstring). One audit row, as the month statistics write."""
    scope = require_statistics_access(actor, unit_id)
    today = clock.today()
    last = month_index(today)
    wanted = [month_from_index(i) for i in range(last - months + 1, last + 1)]
    computation = _TrendComputation(session, wanted, scope)
    result = computation.trends(today)
    statistics.audit_aggregate(
        session,
        actor,
        audit.Action.OPEN,
        "statistics",
        f"trender {wanted[0]:%Y-%m}–{wanted[-1]:%Y-%m}, {result.unit_name}",
    )
    return result


class _TrendComputation(statistics._Computation):
    """Only the month totals and the applications' decision times of the period: the
    figures the trends need, none of the year's or the events' reads."""

    def trends(self, today: date) -> Trends:
        statistics.fact_upkeep.refresh(self.session)
        statistics.facts.require_built(self.session)
        n = self.n
        support, long_term, families = [0] * n, [0] * n, [0] * n
        for month, sex, _code, children, _young, _reason, *sums in self._month_facts():
            if sex not in (statistics.WOMEN, statistics.MEN):
                continue  # as the month statistics' totals (women + men) count
            position = month - self.first
            support[position] += sums[SUPPORT]
            long_term[position] += sums[LONG_12]
            if children:
                families[position] += sums[SUPPORT]
        days: list[dict[int, int]] = [{} for _ in range(n)]
        for month, waited, count in self._application_counts("decision_days"):
            if waited != statistics.totals.NO_TIME:
                histogram = days[month - self.first]
                histogram[waited] = histogram.get(waited, 0) + int(count)
        current = month_start(today)
        points = [
            MonthTrend(
                month=month,
                support_households=support[i],
                long_term_households=long_term[i],
                families_with_children=families[i],
                median_decision_days=median_of(days[i]),
                counted_to=today if month == current else None,
            )
            for i, month in enumerate(self.months)
        ]
        return Trends(unit_label(self.session, self.unit_id), points)
