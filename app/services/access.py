"""Who may read and write which case (Lag 2001:454: only what the task needs).

This is the application's own check; in shared mode PostgreSQL enforces the same rules
with row-level security, so a modified client gains nothing.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.models import Case, HouseholdMember, Person, Role
from app.services.actor import Actor
from app.services.errors import AccessDenied


def has_protected_member(session: Session, case: Case) -> bool:
    return bool(
        session.scalar(
            select(
                exists()
                .where(HouseholdMember.household_id == case.household_id)
                .where(HouseholdMember.person_id == Person.id)
                .where(Person.protected_identity.is_(True))
            )
        )
    )


def can_read_case(session: Session, actor: Actor, case: Case) -> bool:
    if actor.role is Role.ADMINISTRATOR:
        return False  # administrators manage the system, not case content
    if case.unit_id != actor.unit_id:
        return False
    if actor.role is Role.MANAGER:
        return True
    if case.responsible_user_id == actor.id:
        return True
    return not has_protected_member(session, case)


def require_read(session: Session, actor: Actor, case: Case) -> None:
    if not can_read_case(session, actor, case):
        raise AccessDenied("Du har inte behörighet att läsa det här ärendet.")


def require_write(session: Session, actor: Actor, case: Case) -> None:
    """Writing needs reading rights; handläggare and chefs of the unit may write."""
    require_read(session, actor, case)
