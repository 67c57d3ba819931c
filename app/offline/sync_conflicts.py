"""Conflicts from offline sync, for a person to choose: the office's value or the laptop's.

A conflict is one field changed both at the office and on a laptop (or a whole change the
server could not take, with the reason). The office's value stays in the case until someone
chooses; choosing the laptop's value writes it like any other change (access rules, audit).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.common import clock
from app.common.errors import NotFound, StaleRecordError
from app.models import Case, ConflictStatus, SyncConflict, User
from app.offline.outbox import UNKNOWN
from app.offline.sync import TABLE_LABELS, apply_values
from app.security import access, audit
from app.security.actor import Actor

FIELD_LABELS = {
    "street_address": "adress",
    "postal_code": "postnummer",
    "city": "ort",
    "housing_type": "boendeform",
    "phone": "telefon",
    "first_name": "förnamn",
    "last_name": "efternamn",
    "goal": "mål",
    "start_on": "startdatum",
    "follow_up_on": "uppföljning",
    "closed_on": "avslutad",
    "description": "beskrivning",
    "owner": "ansvarig",
    "due_on": "senast",
    "done_on": "klart",
    "title": "rubrik",
    "text": "text",
    "entry_date": "datum",
    "entry_type": "typ",
    "note": "anteckning",
    "status": "status",
    "motivation": "motivering",
}
"""The Swedish words for the columns a conflict is most often about (else the column)."""


@dataclass(frozen=True)
class ConflictRow:
    id: uuid.UUID
    version: int
    case_id: uuid.UUID | None
    case_number: str
    what: str
    """The record and field, in Swedish: "Hushåll: ort"."""
    office_value: str
    laptop_value: str
    reason: str
    made_at: datetime
    made_by_name: str


def open_conflict_count(session: Session, actor: Actor) -> int:
    return (
        session.scalar(select(func.count()).select_from(SyncConflict).where(_open_for(actor))) or 0
    )


def open_conflicts(session: Session, actor: Actor) -> list[ConflictRow]:
    """The conflicts from the actor's own syncs (a chef: every one in the unit), oldest
    first. They show case content, so reading them is logged per case."""
    conflicts = session.scalars(
        select(SyncConflict).where(_open_for(actor)).order_by(SyncConflict.made_at)
    ).all()
    rows = []
    for conflict in conflicts:
        case = session.get(Case, conflict.case_id) if conflict.case_id else None
        if case is not None:
            access.require_read(session, actor, case)
        author = session.get(User, conflict.made_by)
        rows.append(
            ConflictRow(
                conflict.id,
                conflict.version,
                conflict.case_id,
                case.case_number if case is not None else "",
                TABLE_LABELS.get(conflict.table_name, conflict.table_name)
                + (
                    f": {FIELD_LABELS.get(conflict.field, conflict.field)}"
                    if conflict.field
                    else " (hela ändringen)"
                ),
                _shown(conflict.server_json),
                _shown(conflict.replica_json),
                conflict.reason,
                conflict.made_at,
                author.full_name if author is not None else "",
            )
        )
    for case_id in {row.case_id for row in rows if row.case_id is not None}:
        audit.record(session, actor, audit.Action.OPEN, "sync_conflicts", case_id=case_id)
    return rows


def resolve(
    session: Session,
    actor: Actor,
    conflict_id: uuid.UUID,
    *,
    take_laptop: bool,
    expected_version: int,
) -> None:
    """Keep the office's value, or write the laptop's into the case."""
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None or conflict.status is not ConflictStatus.OPEN:
        raise NotFound("Konflikten är redan löst.")
    if conflict.version != expected_version:
        raise StaleRecordError("Någon annan har löst konflikten under tiden. Läs in på nytt.")
    if conflict.case_id is not None:
        case = session.get(Case, conflict.case_id)
        if case is not None:
            access.require_write(session, actor, case)
    if take_laptop:
        laptop = json.loads(conflict.replica_json or "null")
        values = (
            {name: after for name, (_before, after) in laptop.items()}
            if conflict.field == ""
            else {conflict.field: laptop}
        )
        apply_values(session, actor, conflict.table_name, conflict.row_id, values)
    conflict.status = ConflictStatus.TOOK_REPLICA if take_laptop else ConflictStatus.KEPT_SERVER
    conflict.resolved_by = actor.id
    conflict.resolved_at = clock.now()
    conflict.updated_by = actor.id
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "sync_conflict",
        entity_id=conflict.id,
        case_id=conflict.case_id,
        detail="den bärbara datorns värde" if take_laptop else "kontorets värde",
    )
    session.flush()


def _open_for(actor: Actor):
    mine = SyncConflict.made_by == actor.id
    if actor.is_manager:
        unit_cases = select(Case.id).where(Case.unit_id == actor.unit_id)
        mine = or_(mine, SyncConflict.case_id.in_(unit_cases))
    return (SyncConflict.status == ConflictStatus.OPEN) & mine


def _shown(raw: str | None) -> str:
    if raw is None:
        return "(tomt)"
    value = json.loads(raw)
    if value == UNKNOWN:
        return "(okänt)"
    if isinstance(value, dict):  # a whole change: its new values
        return "; ".join(f"{name}: {after}" for name, (_before, after) in value.items())
    return "(tomt)" if value in (None, "") else str(value)
