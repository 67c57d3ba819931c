"""The replica's outbox: every row the app writes offline is recorded, in order, with the
values before and after, until the server has it (app.offline.sync).

Recorded from the ORM's flushes (`install` on the replica's session factory), so no service
has to remember it; rows copied from the server (Core upserts, `replica_copy`) are not
changes and are not recorded.
"""

from __future__ import annotations

import base64
import enum
import json
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, event, insert, inspect
from sqlalchemy.orm import Session, sessionmaker

from app.common import clock
from app.models import ChangeOperation, OutboxChange

NOT_SYNCED = frozenset(
    {
        "sync_outbox",
        "sync_applied_changes",
        "sync_conflicts",
        "sync_pulled_cases",
        "case_leases",
        "case_number_series",
        "settings",
        "units",
        "users",
        "delegations",
        "form_definitions",
        "norm_tables",
    }
)
"""Tables a replica never changes on the server: the server's own bookkeeping and the
reference data copied from it."""

BOOKKEEPING = frozenset({"version", "updated_at", "updated_by", "created_at"})
"""Columns the server sets itself when it applies a change."""

UNKNOWN = {"okänt": True}
"""Stands for a value before a change that the replica did not have loaded."""


def encode(value: Any) -> Any:
    """A column value as JSON: text for ids, dates, times, amounts and codes; bytes in
    base64."""
    if value is None or (isinstance(value, bool | int | str) and not isinstance(value, enum.Enum)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):  # a signed decision's archived letter
        return {"base64": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"cannot sync a value of type {type(value).__name__}")


def decode(column: Column, raw: Any) -> Any:
    """The column's Python value back from `encode`."""
    if raw is None:
        return None
    if isinstance(raw, dict) and "base64" in raw:
        return base64.b64decode(raw["base64"])
    python_type = column.type.python_type
    if python_type in (bool, int, str) or isinstance(raw, bool):
        return raw
    if issubclass(python_type, enum.Enum):
        return python_type(raw)
    if python_type is uuid.UUID:
        return uuid.UUID(raw)
    if python_type is datetime:
        return datetime.fromisoformat(raw)
    if python_type is date:
        return date.fromisoformat(raw)
    if python_type is Decimal:
        return Decimal(raw)
    return raw


def install(sessions: sessionmaker[Session], user_id: uuid.UUID) -> None:
    """Record the changes of every session `sessions` makes, as made by `user_id`."""

    def record(session: Session, _flush_context) -> None:
        rows = list(_changes(session, user_id))
        if rows:
            session.connection().execute(insert(OutboxChange), rows)

    event.listen(sessions, "after_flush", record)


def _changes(session: Session, user_id: uuid.UUID):
    now = clock.now()
    for operation, objects in (
        (ChangeOperation.INSERT, session.new),
        (ChangeOperation.UPDATE, session.dirty),
        (ChangeOperation.DELETE, session.deleted),
    ):
        for instance in objects:
            state = inspect(instance)
            table = state.mapper.local_table
            if table.name in NOT_SYNCED:
                continue
            fields = _fields(state, operation)
            if operation is ChangeOperation.UPDATE and not fields:
                continue
            version = getattr(instance, "version", None)
            yield {
                "change_id": clock.new_id(),
                "table_name": table.name,
                "row_id": instance.id,
                "case_id": getattr(instance, "case_id", None),
                "operation": operation.value,
                # the flush has counted the version up already
                "base_version": None
                if version is None or operation is ChangeOperation.INSERT
                else version - (operation is ChangeOperation.UPDATE),
                "fields_json": json.dumps(fields, ensure_ascii=False),
                "made_at": now,
                "made_by": user_id,
            }


def _fields(state, operation: ChangeOperation) -> dict[str, list]:
    fields: dict[str, list] = {}
    if operation is ChangeOperation.DELETE:
        return fields
    for attribute in state.mapper.column_attrs:
        key = attribute.key
        if key in BOOKKEEPING or key == "id":
            continue
        column = attribute.columns[0]
        if operation is ChangeOperation.INSERT:
            fields[column.name] = [None, encode(getattr(state.obj(), key))]
            continue
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        before = encode(history.deleted[0]) if history.deleted else UNKNOWN
        fields[column.name] = [before, encode(history.added[0] if history.added else None)]
    return fields
