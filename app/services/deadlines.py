"""Bevakningar computed from the data, never typed in (DOMAIN.md, "Deadlines worth tracking").

- första återkoppling within 24 hours on weekdays of an application (seed 000 §7.3);
- ansökan utan beslut: decide "utan dröjsmål" (FL 9 §); warn after a configurable number of days;
- plan follow-up dates and the due dates of open plan steps;
- agreed actions (e.g. from an ärendegenomgång) until they are done.
Public holidays are not yet taken out of the 24-hour count.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Application, FollowUpTask, Plan, PlanItem
from app.services import settings
from app.services.clock import STOCKHOLM


@dataclass(frozen=True)
class Deadline:
    case_id: uuid.UUID
    kind: str
    label: str
    due: date
    due_at: datetime | None = None  # set when the deadline has a time of day (återkoppling)

    def is_overdue(self, now: datetime) -> bool:
        if self.due_at is not None:
            return now > self.due_at
        return now.astimezone(STOCKHOLM).date() > self.due


def add_weekday_hours(start: datetime, hours: int) -> datetime:
    """Add hours counting only Monday–Friday (Swedish local time)."""
    current = start.astimezone(STOCKHOLM)
    remaining = timedelta(hours=hours)
    while remaining > timedelta(0):
        next_midnight = datetime.combine(
            current.date() + timedelta(days=1), datetime.min.time(), tzinfo=STOCKHOLM
        )
        if current.weekday() >= 5:
            current = next_midnight
            continue
        step = min(remaining, next_midnight - current)
        current += step
        remaining -= step
    return current


def deadlines_for_cases(
    session: Session, case_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[Deadline]]:
    """All open bevakningar per case, earliest first."""
    ids = list(case_ids)
    found: dict[uuid.UUID, list[Deadline]] = defaultdict(list)
    if not ids:
        return found
    warning_days = settings.get_int(session, settings.DECISION_WARNING_DAYS)
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        for app in session.scalars(
            select(Application)
            .where(Application.case_id.in_(chunk))
            .where(Application.decided_on.is_(None))
        ):
            if app.first_response_at is None:
                due_at = add_weekday_hours(app.received_at, 24)
                found[app.case_id].append(
                    Deadline(
                        app.case_id, "aterkoppling", "Första återkoppling", due_at.date(), due_at
                    )
                )
            received = app.received_at.astimezone(STOCKHOLM).date()
            found[app.case_id].append(
                Deadline(
                    app.case_id,
                    "beslut",
                    "Ansökan utan beslut",
                    received + timedelta(days=warning_days),
                )
            )
        for plan in session.scalars(
            select(Plan)
            .where(Plan.case_id.in_(chunk))
            .where(Plan.closed_on.is_(None))
            .where(Plan.follow_up_on.is_not(None))
        ):
            found[plan.case_id].append(
                Deadline(plan.case_id, "plan_uppfoljning", "Uppföljning av plan", plan.follow_up_on)
            )
        for item, case_id in session.execute(
            select(PlanItem, Plan.case_id)
            .join(Plan, Plan.id == PlanItem.plan_id)
            .where(Plan.case_id.in_(chunk))
            .where(Plan.closed_on.is_(None))
            .where(PlanItem.done_on.is_(None))
            .where(PlanItem.due_on.is_not(None))
        ):
            found[case_id].append(
                Deadline(
                    case_id, "plansteg", f"Plansteg: {_shorten(item.description)}", item.due_on
                )
            )
        for task in session.scalars(
            select(FollowUpTask)
            .where(FollowUpTask.case_id.in_(chunk))
            .where(FollowUpTask.done_on.is_(None))
        ):
            found[task.case_id].append(
                Deadline(
                    task.case_id, "atgard", f"Åtgärd: {_shorten(task.description)}", task.due_on
                )
            )
    for items in found.values():
        items.sort(key=lambda d: (d.due, d.due_at or datetime.max.replace(tzinfo=STOCKHOLM)))
    return found


def next_deadline(deadlines: list[Deadline]) -> Deadline | None:
    return deadlines[0] if deadlines else None


def _shorten(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
