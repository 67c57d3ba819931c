"""Sync between a laptop's replica and the server: push the outbox, pull the leased cases.

Push. The outbox goes to the server in order, in one transaction. Each change is applied
in a savepoint: an insert is added (append-only records never conflict); an update sets
each field whose server value is still the value the replica started from, leaves alone a
field that already has the replica's value, and records a conflict for a field changed on
both sides (the server's value stays until a person chooses; the replica's is kept in the
conflict); a change the server refuses (lease revoked, signed row) becomes a conflict
with the reason. Every change id is recorded as taken care of in the same transaction,
so a push repeated after a crash (before or after the server's commit, before the
replica's acknowledgement) does nothing twice. Only then does the replica empty its
outbox.

Pull. After the push, every case leased to the replica is copied again from the server
(rows the server no longer has are removed), and cases no longer leased to it (checked in
elsewhere, revoked) are removed from the laptop: their changes are on the server by then,
applied or as conflicts.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Mapper, Session

from app.models import (
    AppliedChange,
    AuditEntry,
    Case,
    CaseLease,
    Decision,
    HouseholdMember,
    OutboxChange,
    Plan,
    SyncConflict,
)
from app.models.base import Base
from app.services import access, clock, leases, replica_copy
from app.services.actor import Actor
from app.services.checkout import replica_id
from app.services.errors import AccessDenied, ServiceError
from app.services.outbox import UNKNOWN, decode, encode
from app.services.replica_copy import Progress

CRASH_VARIABLE = "ARENDESTOD_SYNC_CRASH_AT"
"""For the fault tests: the name of a checkpoint at which the process dies on the spot."""


@dataclass
class SyncReport:
    pushed: int = 0
    applied: int = 0
    merged: int = 0
    conflicts: int = 0
    already_there: int = 0
    pulled_cases: int = 0
    pulled_rows: int = 0
    removed_cases: int = 0
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "pushed": self.pushed,
            "applied": self.applied,
            "merged": self.merged,
            "conflicts": self.conflicts,
            "already_there": self.already_there,
            "pulled_cases": self.pulled_cases,
            "pulled_rows": self.pulled_rows,
            "removed_cases": self.removed_cases,
        }


def checkpoint(name: str) -> None:
    """Die here if the fault tests ask for it (a killed process: no cleanup, no rollback)."""
    if os.environ.get(CRASH_VARIABLE) == name:
        os._exit(99)


def pending(replica: Session) -> int:
    return len(replica.scalars(select(OutboxChange.seq)).all())


def sync(
    server: Session, replica: Session, actor: Actor, progress: Progress | None = None
) -> SyncReport:
    """Push, then pull; commits as it goes (server first, then the replica)."""
    actor = _on_replica(replica, actor)
    report = SyncReport()
    push(server, replica, actor, report)
    pull(server, replica, actor, report, progress)
    return report


def push(server: Session, replica: Session, actor: Actor, report: SyncReport) -> None:
    changes = replica.scalars(select(OutboxChange).order_by(OutboxChange.seq)).all()
    if not changes:
        return
    done = set(
        server.scalars(
            select(AppliedChange.change_id).where(
                AppliedChange.change_id.in_([c.change_id for c in changes])
            )
        )
    )
    for change in changes:
        report.pushed += 1
        if change.change_id in done:
            report.already_there += 1
            continue
        outcome = _apply_in_savepoint(server, actor, change)
        setattr(report, outcome, getattr(report, outcome) + 1)
        server.add(
            AppliedChange(
                change_id=change.change_id,
                user_id=actor.id,
                replica_id=actor.replica_id,
                applied_at=clock.now(),
                outcome=outcome,
            )
        )
    server.flush()
    checkpoint("before_push_commit")
    server.commit()
    checkpoint("after_push_commit")
    replica.execute(delete(OutboxChange).where(OutboxChange.seq <= changes[-1].seq))
    replica.commit()
    checkpoint("after_push_acknowledged")


def pull(
    server: Session,
    replica: Session,
    actor: Actor,
    report: SyncReport,
    progress: Progress | None = None,
) -> None:
    leased = set(
        server.scalars(
            select(CaseLease.case_id).where(
                CaseLease.holder_id == actor.id,
                CaseLease.replica_id == actor.replica_id,
                CaseLease.ended_at.is_(None),
            )
        )
    )
    on_laptop = set(replica.scalars(select(Case.id)))
    gone = on_laptop - leased
    copied = replica_copy.copy_cases(server, replica, sorted(leased), progress, prune=True)
    checkpoint("mid_pull")
    replica_copy.remove_cases(replica, gone)
    server.commit()  # the reads' audit rows
    replica.commit()
    report.pulled_cases = len(leased)
    report.pulled_rows = copied.total
    report.removed_cases = len(gone)


def check_in(
    server: Session, replica: Session, actor: Actor, case_ids: list[uuid.UUID]
) -> SyncReport:
    """Sync, then end the leases and remove the cases from the laptop."""
    actor = _on_replica(replica, actor)
    report = sync(server, replica, actor)
    if pending(replica):
        raise ServiceError("Allt kunde inte skickas till servern. Försök igen.")
    leases.check_in(server, actor, case_ids, replica_id=actor.replica_id)
    server.commit()
    replica_copy.remove_cases(replica, set(case_ids))
    replica.commit()
    return report


def _on_replica(replica: Session, actor: Actor) -> Actor:
    from dataclasses import replace

    return replace(actor, replica_id=replica_id(replica))


# --- applying one change on the server -----------------------------------------------


def _apply_in_savepoint(server: Session, actor: Actor, change: OutboxChange) -> str:
    mapper = _mapper(change.table_name)
    fields = json.loads(change.fields_json)
    values = {
        name: decode(mapper.local_table.c[name], after) for name, (_before, after) in fields.items()
    }
    existing = server.get(mapper.class_, change.row_id)
    case = _case_of(server, change.table_name, values, existing)
    try:
        with server.begin_nested():
            return _apply(server, actor, change, mapper, values, existing, case)
    except Exception as error:  # refused by a rule or the database: kept as a conflict
        reason = str(error) if isinstance(error, ServiceError) else _database_reason(error)
        _conflict(server, actor, change, case, "", None, None, change.fields_json, reason)
        return "conflicts"


def _database_reason(error: Exception) -> str:
    text = str(getattr(error, "orig", error)).strip().splitlines()[0]
    return f"Servern tog inte emot ändringen: {text}"


def _apply(server: Session, actor: Actor, change, mapper, values, existing, case) -> str:
    model = mapper.class_
    if model is AuditEntry:
        # what was read offline: the replica's own audit rows, as they are
        if existing is None:
            server.add(AuditEntry(id=change.row_id, **_attributes(mapper, values)))
            server.flush()
        return "applied"
    if case is None:
        raise AccessDenied("Ärendet som ändringen hör till finns inte på servern.")
    # the rights on the case, not its lease: a change made before a chef revoked the lease
    # (or while another laptop had it) is merged field by field like any other
    access.require_read(server, actor, case)
    if change.operation == "insert":
        if existing is None:
            server.add(model(id=change.row_id, **_attributes(mapper, values)))
            server.flush()
            return "applied"
        return "already_there"
    if existing is None:
        if change.operation == "delete":
            return "already_there"
        raise AccessDenied("Raden har tagits bort på servern.")
    if change.operation == "delete":
        if getattr(existing, "version", None) != change.base_version:
            raise AccessDenied(
                "Raden har ändrats på servern sedan den hämtades; den togs inte bort."
            )
        server.delete(existing)
        server.flush()
        return "applied"
    return _update(server, actor, change, mapper, existing, case)


def _update(server, actor, change, mapper, existing, case) -> str:
    table = mapper.local_table
    fields = json.loads(change.fields_json)
    keys = _keys(mapper)
    same_version = getattr(existing, "version", None) == change.base_version
    changed = conflicted = 0
    for name, (before, after) in fields.items():
        column = table.c[name]
        current = encode(getattr(existing, keys[name]))
        if current == after:
            continue
        if current == before or (before == UNKNOWN and same_version):
            setattr(existing, keys[name], decode(column, after))
            changed += 1
        else:
            _conflict(
                server,
                actor,
                change,
                case,
                name,
                before,
                current,
                json.dumps(after, ensure_ascii=False),
                "Ändrat både på kontoret och på den bärbara datorn.",
            )
            conflicted += 1
    if changed:
        if hasattr(existing, "updated_by"):
            existing.updated_by = actor.id
        server.flush()
    if conflicted:
        return "conflicts"
    return "applied" if same_version else "merged"


def apply_values(
    session: Session, actor: Actor, table_name: str, row_id: uuid.UUID, values: dict
) -> None:
    """Write JSON-encoded column values into a row (made if the server does not have it):
    a conflict resolved in the laptop's favour."""
    mapper = _mapper(table_name)
    decoded = {
        name: decode(mapper.local_table.c[name], value)
        for name, value in values.items()
        if value != UNKNOWN
    }
    existing = session.get(mapper.class_, row_id)
    if existing is None:
        session.add(mapper.class_(id=row_id, **_attributes(mapper, decoded)))
    else:
        for key, value in _attributes(mapper, decoded).items():
            setattr(existing, key, value)
        if hasattr(existing, "updated_by"):
            existing.updated_by = actor.id
    session.flush()


def _conflict(
    server, actor, change, case, field_name, before, current, replica_json, reason
) -> None:
    server.add(
        SyncConflict(
            change_id=change.change_id,
            case_id=case.id if case is not None else change.case_id,
            table_name=change.table_name,
            row_id=change.row_id,
            field=field_name,
            base_json=None if before is None else json.dumps(before, ensure_ascii=False),
            server_json=None if current is None else json.dumps(current, ensure_ascii=False),
            replica_json=replica_json,
            reason=reason,
            made_by=actor.id,
            made_at=change.made_at if isinstance(change.made_at, datetime) else clock.now(),
            updated_by=actor.id,
        )
    )
    server.flush()


def _mapper(table_name: str) -> Mapper:
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == table_name:
            return mapper
    raise AccessDenied(f"Okänd tabell i ändringen: {table_name}.")


def _keys(mapper: Mapper) -> dict[str, str]:
    return {attribute.columns[0].name: attribute.key for attribute in mapper.column_attrs}


def _attributes(mapper: Mapper, values: dict) -> dict:
    keys = _keys(mapper)
    return {keys[name]: value for name, value in values.items()}


def _case_of(server: Session, table_name: str, values: dict, existing) -> Case | None:
    """The case a row belongs to: the lease and the access rules are the case's."""

    def value(name: str):
        return values.get(name, getattr(existing, name, None) if existing is not None else None)

    if "case_id" in Base.metadata.tables[table_name].c:
        case_id = value("case_id")
    elif table_name == "plan_items":
        case_id = server.scalar(select(Plan.case_id).where(Plan.id == value("plan_id")))
    elif table_name == "decision_items":
        case_id = server.scalar(select(Decision.case_id).where(Decision.id == value("decision_id")))
    elif table_name in ("households", "household_members", "persons"):
        household = value("household_id") if table_name == "household_members" else None
        if table_name == "households":
            household = existing.id if existing is not None else None
        if table_name == "persons" and existing is not None:
            household = server.scalar(
                select(HouseholdMember.household_id).where(HouseholdMember.person_id == existing.id)
            )
        case_id = server.scalar(select(Case.id).where(Case.household_id == household))
    else:
        case_id = None
    return None if case_id is None else server.get(Case, case_id)
