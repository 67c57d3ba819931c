"""'Mina ärenden': the open cases a handläggare is responsible for, with the next bevakning."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, CaseStatus, HouseholdMember, MemberRole, Person
from app.services import audit
from app.services.actor import Actor
from app.services.deadlines import Deadline, deadlines_for_cases
from app.services.identity_number import format_identity_number


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
            (deadlines.get(r.id) or [None])[0],
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
