"""What the statistics need of an application, kept on its row (migration 0029) so that a
year's första återkoppling and beslut figures are a grouped read instead of a per-row
computation over every application of the year.

Kept per application, from received_at, first_response_at and decided_on:
- `received_on`, `received_month`: the Swedish day and month (year * 12 + month - 1) it
  was received;
- `response_due_at`: the deadline of the första återkoppling, 24 hours counted on vardagar
  (`deadlines.add_weekday_hours`; the rule below is the one app.statistics used in SQL);
- `response_minutes`: minutes from receipt to the första återkoppling (None: not yet);
- `responded_in_time`: answered by the deadline (None: not yet);
- `decision_days`: days from the day received to decided_on (None: not decided).

Whether a still-open application is within its deadline depends on "now", so the
statistics decide that when they are asked (response_due_at, received_on).

Who computes: here, on every insert and update of an Application through the ORM (mapper
events, registered when app.deadlines is imported) and for bulk inserts through `facts`. On
PostgreSQL a BEFORE trigger (migration 0029, `arendestod_application_facts`) computes the
same values from the row and overwrites whatever was sent, so a user writing over psql
cannot store a false response time; tests compare the two.

Times are whole seconds rounded half up, and the minutes and days are truncated as SQL
integer division does (the statistics' earlier SQL), so the figures do not change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import event

from app.common.clock import STOCKHOLM
from app.deadlines.working_days import is_working_day, next_working_day
from app.models import Application

RESPONSE_HOURS = 24
"""Första återkoppling within 24 hours on weekdays (seed 000 §7.3)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DAY = date(1970, 1, 1)
_DAY = 86400

FACT_COLUMNS = (
    "received_on",
    "received_month",
    "response_due_at",
    "response_minutes",
    "responded_in_time",
    "decision_days",
)


def whole_seconds(moment: datetime) -> int:
    """Seconds since 1970 UTC, rounded half up (as SQL's round of the epoch)."""
    delta = moment - _EPOCH
    seconds = delta.days * _DAY + delta.seconds
    return seconds + (1 if delta.microseconds >= 500_000 else 0)


def wall_seconds(moment: datetime) -> int:
    """Whole seconds since 1970 on the Swedish wall clock."""
    offset = moment.astimezone(STOCKHOLM).utcoffset()
    return whole_seconds(moment) + int(offset.total_seconds() if offset else 0)


def allowed_seconds(day: date, second: int) -> int:
    """Seconds on the wall clock from a receipt `second` seconds into `day` to its
    första återkoppling deadline: on a working day the same time on the next working day
    (at exactly 00:00: the end of the day), else the end of the next working day."""
    gap = (next_working_day(day) - day).days
    if is_working_day(day):
        return RESPONSE_HOURS * 3600 if second == 0 else gap * _DAY
    return (gap + 1) * _DAY - second


def _truncated(numerator: int, denominator: int) -> int:
    """Integer division towards zero (SQL's), not Python's floor."""
    quotient = abs(numerator) // denominator
    return quotient if numerator >= 0 else -quotient


def facts(
    received_at: datetime, first_response_at: datetime | None, decided_on: date | None
) -> dict[str, Any]:
    """The kept values of an application (see the module docstring)."""
    received_wall = wall_seconds(received_at)
    day_number, second = divmod(received_wall, _DAY)
    received_on = _EPOCH_DAY + timedelta(days=day_number)
    due_wall = received_wall + allowed_seconds(received_on, second)
    due_local = datetime(1970, 1, 1) + timedelta(seconds=due_wall)
    minutes = in_time = None
    if first_response_at is not None:
        elapsed = whole_seconds(first_response_at) - whole_seconds(received_at)
        minutes = _truncated(elapsed + 30, 60)
        in_time = wall_seconds(first_response_at) <= due_wall
    return {
        "received_on": received_on,
        "received_month": received_on.year * 12 + received_on.month - 1,
        "response_due_at": due_local.replace(tzinfo=STOCKHOLM).astimezone(UTC),
        "response_minutes": minutes,
        "responded_in_time": in_time,
        "decision_days": None if decided_on is None else (decided_on - received_on).days,
    }


def keep_facts(application: Application) -> None:
    """Set the kept values of an application from its row."""
    for name, value in facts(
        application.received_at, application.first_response_at, application.decided_on
    ).items():
        if getattr(application, name) != value:
            setattr(application, name, value)


@event.listens_for(Application, "before_insert")
@event.listens_for(Application, "before_update")
def _before_write(_mapper: Any, _connection: Any, application: Application) -> None:
    keep_facts(application)
