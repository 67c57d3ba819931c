"""The deadlines after a decision, computed from dates alone (no database), by the rules of
resources/after_decision.json (app.deadlines.after_decision_rules):

- `delivered_on`: the day the applicant fick del av beslutet, from how it was delivered
  (förenklad delgivning: two weeks after it was sent; post: unknown unless documented);
- `appeal_last_day`: three weeks from that day (förvaltningslagen 44 §), moved to the next
  vardag when it ends on a Saturday, Sunday, helgdag, midsommarafton, julafton or nyårsafton
  (lag (1930:173) 2 §);
- `timeliness`: the program's proposal for the rättidsprövning (45 §);
- `forwarding_due`: the överlämnande to förvaltningsrätten within a week of receipt (the
  nämnd's routine), on the working day before when the week ends on a day the office is
  closed;
- `board_appeal_last_day`: the nämnd's own appeal of a ruling, three weeks from the day it
  was meddelad (förvaltningsprocesslagen 6 a §), moved like the applicant's.

"Tre veckor från den dag" ends on the same weekday three weeks later (a decision received on
a Tuesday may be appealed up to and including the Tuesday three weeks on).
"""

from __future__ import annotations

from datetime import date, timedelta

from app.deadlines import after_decision_rules as rules
from app.deadlines.working_days import is_working_day, next_working_day
from app.models.appeal import DeliveryMethod, Timeliness


def statutory_last_day(day: date) -> date:
    """`day`, or the next vardag when a statutory time ends on a day it may not end on
    (lag (1930:173) 2 §)."""
    return day if is_working_day(day) else next_working_day(day)


def delivered_on(method: DeliveryMethod, sent_on: date | None, given: date | None) -> date | None:
    """The day the applicant fick del av beslutet, or None when it cannot be shown."""
    how = rules.delivery_rules()[method].delivered
    if how == "sent_plus_two_weeks":
        return None if sent_on is None else sent_on + timedelta(weeks=2)
    return given  # "given", "given_or_unknown"


def appeal_last_day(delivered: date) -> date:
    """The last day an appeal may come in to the nämnd."""
    weeks = rules.rule(rules.APPEAL_PERIOD).weeks
    assert weeks is not None
    return statutory_last_day(delivered + timedelta(weeks=weeks))


def timeliness(
    delivered: date | None, received_on: date, received_by_court_on: date | None = None
) -> Timeliness:
    """The proposal for the rättidsprövning: in time, late, late but reached the court within
    the time (not dismissed, 45 § andra stycket), or unknown (no day of delgivning)."""
    if delivered is None:
        return Timeliness.UNKNOWN
    last = appeal_last_day(delivered)
    if received_on <= last:
        return Timeliness.IN_TIME
    if received_by_court_on is not None and received_by_court_on <= last:
        return Timeliness.LATE_EXCUSED
    return Timeliness.LATE


def forwarding_due(received_on: date) -> date:
    """The day by which the appeal is to be with förvaltningsrätten."""
    days = rules.rule(rules.FORWARDING).days
    assert days is not None
    due = received_on + timedelta(days=days)
    while not is_working_day(due):
        due -= timedelta(days=1)
    return due


def board_appeal_last_day(ruled_on: date) -> date:
    """The last day the nämnd's own appeal of a ruling may come in to the court."""
    weeks = rules.rule(rules.BOARD_APPEAL_PERIOD).weeks
    assert weeks is not None
    return statutory_last_day(ruled_on + timedelta(weeks=weeks))
