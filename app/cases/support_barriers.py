"""Försörjningshinder per adult and month (HSLF-FS 2015:30 asks for it per adult)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.case_register import load_case
from app.common import code_lists
from app.common.errors import ValidationFailed
from app.common.periods import month_start
from app.models import HouseholdMember, MemberRole, SupportBarrier
from app.security import access, audit
from app.security.actor import Actor


def latest_barriers(session: Session, case_id: uuid.UUID) -> dict[uuid.UUID, str]:
    """Person id -> code of the most recent month registered."""
    latest: dict[uuid.UUID, tuple[date, str]] = {}
    for person_id, month, code in session.execute(
        select(SupportBarrier.person_id, SupportBarrier.month, SupportBarrier.code).where(
            SupportBarrier.case_id == case_id
        )
    ):
        if person_id not in latest or month > latest[person_id][0]:
            latest[person_id] = (month, code)
    return {person_id: code for person_id, (_, code) in latest.items()}


def set_barrier(
    session: Session, actor: Actor, case_id: uuid.UUID, person_id: uuid.UUID, month: date, code: str
) -> SupportBarrier:
    """Register (or change) one adult's försörjningshinder for a month."""
    case = load_case(session, case_id)
    access.require_write(session, actor, case)
    if not code_lists.is_valid(code_lists.SUPPORT_BARRIER, code):
        raise ValidationFailed({"code": "Välj ett försörjningshinder i listan."})
    role = session.scalar(
        select(HouseholdMember.role).where(
            HouseholdMember.household_id == case.household_id,
            HouseholdMember.person_id == person_id,
        )
    )
    if role not in (MemberRole.APPLICANT, MemberRole.CO_APPLICANT):
        raise ValidationFailed(
            {"person": "Försörjningshinder registreras för sökande och medsökande."}
        )
    month = month_start(month)
    row = session.scalar(
        select(SupportBarrier).where(
            SupportBarrier.case_id == case_id,
            SupportBarrier.person_id == person_id,
            SupportBarrier.month == month,
        )
    )
    if row is None:
        row = SupportBarrier(
            case_id=case_id, person_id=person_id, month=month, code=code, updated_by=actor.id
        )
        session.add(row)
        action = audit.Action.CREATE
    else:
        row.code = code
        row.updated_by = actor.id
        action = audit.Action.UPDATE
    session.flush()
    audit.record(
        session,
        actor,
        action,
        "support_barrier",
        entity_id=row.id,
        case_id=case_id,
        person_id=person_id,
        detail=f"{month:%Y-%m} {code_lists.label(code_lists.SUPPORT_BARRIER, code)}",
    )
    return row
