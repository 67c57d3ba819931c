"""Who may read and write which case (Lag 2001:454: only what the task needs).

This is the application's own check; in shared mode PostgreSQL enforces the same rules
with row-level security, so a modified client gains nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, false, or_, select
from sqlalchemy.orm import Session

from app.common import clock, formatting
from app.common.errors import AccessDenied
from app.db.batches import built_once
from app.models import Case, CaseLease, HouseholdMember, Person, Role, User
from app.security.actor import Actor


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


def readable_cases(actor: Actor) -> ColumnElement[bool]:
    """`can_read_case` as a condition on Case, for lists that must not fetch what the
    actor may not read."""
    if actor.role is Role.ADMINISTRATOR or actor.unit_id is None:
        return false()
    same_unit = Case.unit_id == actor.unit_id
    if actor.role is Role.MANAGER:
        return same_unit
    protected = (
        exists()
        .where(HouseholdMember.household_id == Case.household_id)
        .where(HouseholdMember.person_id == Person.id)
        .where(Person.protected_identity.is_(True))
    )
    return and_(same_unit, or_(Case.responsible_user_id == actor.id, ~protected))


def require_read(session: Session, actor: Actor, case: Case) -> None:
    if not can_read_case(session, actor, case):
        raise AccessDenied("Du har inte behörighet att läsa det här ärendet.")


def require_write(session: Session, actor: Actor, case: Case) -> None:
    """Writing needs reading rights; handläggare and chefs of the unit may write, unless
    the case is checked out to a laptop's replica (other than the actor's own). From a
    replica, only the cases leased to it may be changed."""
    require_read(session, actor, case)
    lease = active_lease(session, case.id)
    if lease is not None and lease.holder_id == actor.id and lease.replica_id == actor.replica_id:
        return
    if lease is not None:
        raise AccessDenied(leased_message(session, lease))
    if actor.replica_id is not None:
        raise AccessDenied(
            "Ärendet är inte längre utcheckat till den här datorn (det har checkats in eller "
            "återkallats). Ändringar härifrån sparas inte i ärendet."
        )


def active_lease(session: Session, case_id: uuid.UUID) -> CaseLease | None:
    """The lease that holds the case now: not ended and not past its expiry. The statement
    is built once (`built_once`): every opening and every write of a case asks."""
    stmt = built_once(
        "access.active_lease",
        lambda: select(CaseLease).where(
            CaseLease.case_id == bindparam("case_id"), lease_in_force(bindparam("now"))
        ),
    )
    return session.scalar(stmt, {"case_id": case_id, "now": clock.now()})


def lease_in_force(now: Any = None) -> ColumnElement[bool]:
    """A lease that still holds its case: not ended, and not expired (the server's own
    expiry, migration 0019: a lease past its last day no longer holds the case, whether or
    not anyone has ended it yet). `now`: the clock's now, or a bound parameter for it."""
    return CaseLease.ended_at.is_(None) & (
        CaseLease.expires_at.is_(None)
        | (CaseLease.expires_at > (clock.now() if now is None else now))
    )


def leased_message(session: Session, lease: CaseLease) -> str:
    holder = session.get(User, lease.holder_id)
    name = holder.full_name if holder is not None else "en kollega"
    return (
        f"Ärendet är utcheckat för hembesök av {name} till och med "
        f"{formatting.long_date(lease.due_on)}. Det går att läsa men inte att ändra förrän "
        "det är incheckat."
    )
