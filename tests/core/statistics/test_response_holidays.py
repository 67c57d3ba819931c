"""The statistics' första återkoppling in time: the database's deadline is the same as
deadlines.add_weekday_hours also around midsommar, jul, nyår and påsk, when holidays are
not working days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.common.clock import STOCKHOLM
from app.common.periods import month_start
from app.deadlines.deadlines import add_weekday_hours
from app.models import MemberRole
from app.statistics.statistics import month_statistics
from tests.core.statistics.test_statistics import Builder, local


def test_answered_after_midsommar_is_in_time(session, staff, manager) -> None:
    """Received Thursday before midsommarafton at 10, answered Monday at 9: in time."""
    b = Builder(session, staff)
    b.household(1, [("Test", "K", date(1980, 1, 1), MemberRole.APPLICANT, None, False)])
    b.application(1, local(2026, 6, 18, 10), local(2026, 6, 22, 9), None)
    session.flush()
    june = month_statistics(session, manager, date(2026, 6, 1))
    assert june.first_response.received == 1
    assert june.first_response.answered_in_time == 1


@pytest.mark.parametrize(
    ("month", "first_day", "days"),
    [
        (date(2026, 6, 1), date(2026, 6, 15), 14),  # midsommar
        (date(2026, 12, 1), date(2026, 12, 18), 14),  # jul and nyår
        (date(2026, 3, 1), date(2026, 3, 30), 2),  # the end of March before påsk
        (date(2026, 4, 1), date(2026, 4, 1), 14),  # påsk
        (date(2026, 5, 1), date(2026, 5, 10), 10),  # Kristi himmelsfärd
    ],
)
def test_response_deadline_matches_add_weekday_hours_around_holidays(
    session, staff, manager, month, first_day, days
) -> None:
    """Every three hours, one application answered exactly at the deadline and one a
    minute after: half are in time."""
    b = Builder(session, staff)
    b.household(1, [("Test", "K", date(1980, 1, 1), MemberRole.APPLICANT, None, False)])
    start = local(first_day.year, first_day.month, first_day.day, 0)
    count = 0
    for step in range(0, 24 * days, 3):
        received = start + timedelta(hours=step, minutes=7)
        if month_start(received.astimezone(STOCKHOLM).date()) != month:
            continue  # counted in the month it was received
        deadline = add_weekday_hours(received, 24)
        b.application(1, received, deadline, None)
        b.application(1, received, deadline + timedelta(minutes=1), None)
        count += 1
    session.flush()
    statistics = month_statistics(session, manager, month)
    assert statistics.first_response.received == 2 * count
    assert statistics.first_response.answered_in_time == count
