"""Check-out of cases for hembesök ("Ta med på hembesök"), check-in, and a chef's revocation.

A lease marks a case as taken along on one laptop's replica: while it is active the case is
read-only everywhere else (`access.require_write`), colleagues see who has it and until
when, and the holder's replica may change it. Check-in (after the replica's changes are
synced) ends the lease; a chef of the unit can end it any time (a laptop left behind),
after which the replica's unsynced changes to that case come back as conflicts, never
silently. A lease also expires at the end of its last day (`expires_at`): from then on it
holds the case no more, and whoever next takes the case along ends it as expired.

On the shared server these rules are the server's (migration 0019): only the holder's sync
changes a leased case, only the holder, a chef of the unit or the expiry ends a lease, and
the server sets the expiry from its own clock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common import clock
from app.common.errors import AccessDenied, NotFound, StaleRecordError, ValidationFailed
from app.models import Case, CaseLease, LeaseEnd, Role, User
from app.security import access, audit
from app.security.actor import Actor

MAX_LEASE_DAYS = 14
"""A hembesök takes a day; a lease longer than two weeks is a case lost from the office."""

MAX_CASES = 50


@dataclass(frozen=True)
class LeaseInfo:
    lease_id: uuid.UUID
    case_id: uuid.UUID
    case_number: str
    holder_id: uuid.UUID
    holder_name: str
    replica_id: uuid.UUID
    checked_out_at: datetime
    due_on: date
    version: int


def check_selection(case_ids: list[uuid.UUID], due_on: date) -> None:
    """What the user chose, before anything else is asked or read (the dialog checks it
    before asking for a passphrase): at least one case, at most MAX_CASES, a last day from
    today to MAX_LEASE_DAYS ahead. Raises ValidationFailed."""
    today = clock.today()
    if due_on < today:
        raise ValidationFailed({"due_on": "Slutdatumet kan inte ligga före i dag."})
    if due_on > today + timedelta(days=MAX_LEASE_DAYS):
        raise ValidationFailed(
            {"due_on": f"Ett ärende kan tas med i högst {MAX_LEASE_DAYS} dagar."}
        )
    if not case_ids:
        raise ValidationFailed({"cases": "Välj minst ett ärende att ta med."})
    if len(set(case_ids)) > MAX_CASES:
        raise ValidationFailed({"cases": f"Högst {MAX_CASES} ärenden kan tas med åt gången."})


def check_out(
    session: Session,
    actor: Actor,
    case_ids: list[uuid.UUID],
    *,
    due_on: date,
    replica_id: uuid.UUID,
) -> list[LeaseInfo]:
    """Lease the cases to the actor's replica. All or none: a case already checked out (by
    anyone), or one the actor may not change, stops the whole check-out with a message."""
    if actor.role not in (Role.CASEWORKER, Role.MANAGER):
        raise AccessDenied("Bara handläggare och chefer kan ta med ärenden på hembesök.")
    check_selection(case_ids, due_on)
    now = clock.now()
    leases = []
    for case_id in dict.fromkeys(case_ids):
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound("Ärendet finns inte längre.")
        taken = access.active_lease(session, case.id)
        if taken is not None:
            raise AccessDenied(f"{case.case_number}: {access.leased_message(session, taken)}")
        access.require_write(session, actor, case)
        _end_expired(session, actor, case.id)
        lease = CaseLease(
            id=clock.new_id(),
            case_id=case.id,
            holder_id=actor.id,
            replica_id=replica_id,
            checked_out_at=now,
            due_on=due_on,
            expires_at=expiry(due_on),
            updated_by=actor.id,
        )
        session.add(lease)
        leases.append(lease)
        audit.record(
            session,
            actor,
            audit.Action.CHECK_OUT,
            "case_lease",
            entity_id=lease.id,
            case_id=case.id,
            detail=f"till och med {due_on.isoformat()}",
        )
    session.flush()
    return [lease_info(session, lease) for lease in leases]


def expiry(due_on: date) -> datetime:
    """The end of the last day, in Swedish time."""
    return datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=clock.STOCKHOLM)


def _end_expired(session: Session, actor: Actor, case_id: uuid.UUID) -> None:
    """A lease past its last day that nobody ended still has the case's one active row."""
    stale = session.scalar(
        select(CaseLease).where(CaseLease.case_id == case_id, CaseLease.ended_at.is_(None))
    )
    if stale is not None:
        _end(session, actor, stale, LeaseEnd.EXPIRED)


def check_in(
    session: Session, actor: Actor, case_ids: list[uuid.UUID], *, replica_id: uuid.UUID
) -> int:
    """End the actor's leases of these cases to this replica (the replica has synced
    them), expired ones too. Cases no longer leased to it (revoked meanwhile) are left
    alone. Returns the number of leases ended."""
    leases = session.scalars(
        select(CaseLease).where(
            CaseLease.holder_id == actor.id,
            CaseLease.replica_id == replica_id,
            CaseLease.ended_at.is_(None),
            CaseLease.case_id.in_(case_ids),
        )
    ).all()
    for lease in leases:
        _end(session, actor, lease, LeaseEnd.CHECKED_IN)
    return len(leases)


def leased_cases(session: Session, actor: Actor, replica_id: uuid.UUID) -> list[uuid.UUID]:
    """The cases the actor has checked out to this replica now."""
    return list(session.scalars(select(CaseLease.case_id).where(_held(actor, replica_id))))


def _held(actor: Actor, replica_id: uuid.UUID):
    return (
        (CaseLease.holder_id == actor.id)
        & (CaseLease.replica_id == replica_id)
        & access.lease_in_force()
    )


def revoke(session: Session, actor: Actor, lease_id: uuid.UUID, *, expected_version: int) -> None:
    """A chef of the case's unit ends someone's lease: the case can be changed at the
    office again."""
    lease = session.get(CaseLease, lease_id)
    if lease is None or lease.ended_at is not None:
        raise NotFound("Ärendet är inte utcheckat längre.")
    in_force = session.scalar(select(access.lease_in_force()).where(CaseLease.id == lease.id))
    case = session.get(Case, lease.case_id)
    if not actor.is_manager or case is None or case.unit_id != actor.unit_id:
        raise AccessDenied("Bara en chef för enheten kan återkalla en utcheckning.")
    if lease.version != expected_version:
        raise StaleRecordError("Utcheckningen har ändrats under tiden. Läs in på nytt.")
    _end(session, actor, lease, LeaseEnd.REVOKED if in_force else LeaseEnd.EXPIRED)


def lease_of_case(session: Session, actor: Actor, case_id: uuid.UUID) -> LeaseInfo | None:
    """The active lease of a case the actor may read (shown on the case)."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("Ärendet finns inte längre.")
    access.require_read(session, actor, case)
    lease = access.active_lease(session, case_id)
    return None if lease is None else lease_info(session, lease)


def my_leases(session: Session, actor: Actor) -> list[LeaseInfo]:
    """The actor's active leases, oldest first."""
    leases = session.scalars(
        select(CaseLease)
        .where(CaseLease.holder_id == actor.id, access.lease_in_force())
        .order_by(CaseLease.checked_out_at)
    ).all()
    return [lease_info(session, lease) for lease in leases]


def _end(session: Session, actor: Actor, lease: CaseLease, reason: LeaseEnd) -> None:
    lease.ended_at = clock.now()
    lease.ended_by = actor.id
    lease.end_reason = reason
    lease.updated_by = actor.id
    audit.record(
        session,
        actor,
        audit.Action.REVOKE if reason is LeaseEnd.REVOKED else audit.Action.CHECK_IN,
        "case_lease",
        entity_id=lease.id,
        case_id=lease.case_id,
        detail="utgången" if reason is LeaseEnd.EXPIRED else "",
    )
    session.flush()


def lease_info(session: Session, lease: CaseLease) -> LeaseInfo:
    holder = session.get(User, lease.holder_id)
    case = session.get(Case, lease.case_id)
    assert case is not None
    return LeaseInfo(
        lease.id,
        lease.case_id,
        case.case_number,
        lease.holder_id,
        holder.full_name if holder is not None else "",
        lease.replica_id,
        lease.checked_out_at,
        lease.due_on,
        lease.version,
    )
