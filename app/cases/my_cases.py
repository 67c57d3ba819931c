"""'Mina ärenden': the open cases a handläggare is responsible for, with the next bevakning."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from app.common.identity_number import format_identity_number
from app.deadlines.deadlines import Deadline, deadlines_for_cases
from app.models import (
    Application,
    Case,
    CaseStatus,
    Decision,
    FollowUpTask,
    HouseholdMember,
    JournalEntry,
    MemberRole,
    Person,
    Plan,
    PlanItem,
)
from app.security import audit
from app.security.actor import Actor


@dataclass(frozen=True)
class CaseListRow:
    case_id: uuid.UUID
    case_number: str
    status: CaseStatus
    applicant_name: str
    personal_number: str
    opened_on: date
    next_deadline: Deadline | None
    deadline_count: int


def my_cases(session: Session, actor: Actor, *, include_closed: bool = False) -> list[CaseListRow]:
    stmt = (
        select(
            Case.id,
            Case.case_number,
            Case.status,
            Case.opened_on,
            Person.first_name,
            Person.last_name,
            Person.personal_number,
        )
        .join(HouseholdMember, HouseholdMember.household_id == Case.household_id)
        .join(Person, Person.id == HouseholdMember.person_id)
        .where(HouseholdMember.role == MemberRole.APPLICANT)
        .where(Case.responsible_user_id == actor.id)
        .where(Case.unit_id == actor.unit_id)
    )
    if not include_closed:
        stmt = stmt.where(Case.status != CaseStatus.CLOSED)
    rows = session.execute(stmt).all()
    deadlines = deadlines_for_cases(session, [r.id for r in rows])
    audit.record(
        session, actor, audit.Action.OPEN, "case_list", detail=f"Mina ärenden: {len(rows)} ärenden"
    )
    result = [
        CaseListRow(
            r.id,
            r.case_number,
            r.status,
            f"{r.first_name} {r.last_name}",
            format_identity_number(r.personal_number),
            r.opened_on,
            next(iter(deadlines.get(r.id, [])), None),
            len(deadlines.get(r.id, [])),
        )
        for r in rows
    ]
    result.sort(
        key=lambda row: (
            row.next_deadline is None,
            row.next_deadline.due if row.next_deadline else date.max,
            row.case_number,
        )
    )
    return result


def change_stamp(session: Session, actor: Actor) -> tuple:
    """Changes to anything 'Mina ärenden' shows: per table, the number of rows of the actor's
    cases and when one last changed. The list polls this (others change cases too) and
    reloads only when it differs. Counts and times, no case content: not logged."""
    mine = select(Case.id).where(Case.responsible_user_id == actor.id)
    plans_of_mine = select(Plan.id).where(Plan.case_id.in_(mine))
    parts = [
        (Case, Case.responsible_user_id == actor.id),
        *((m, m.case_id.in_(mine)) for m in (Application, JournalEntry, Decision, Plan)),
        (FollowUpTask, FollowUpTask.case_id.in_(mine)),
        (PlanItem, PlanItem.plan_id.in_(plans_of_mine)),
    ]
    stamps = union_all(
        *(
            select(literal(i).label("part"), func.count(), func.max(model.updated_at)).where(where)
            for i, (model, where) in enumerate(parts)
        )
    )
    return tuple(sorted(tuple(row) for row in session.execute(stamps)))
