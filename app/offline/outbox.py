"""The replica's outbox: every row the app writes offline is recorded, in order, with the
values before and after, until the server has it (app.offline.sync).

Recorded from the ORM's flushes (`install` on the replica's session factory), so no service
has to remember it; rows copied from the server (Core upserts, `replica_copy`) are not
changes and are not recorded. The audit rows a search writes in one statement past the flush
(`security.audit.record_persons`) are recorded from that statement (`RECORDED_IN_BULK`).
"""

from __future__ import annotations

import base64
import enum
import json
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Column, Result, Table, event, insert, inspect
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, sessionmaker

from app.common import clock
from app.models import ChangeOperation, OutboxChange
from app.models.base import Base

NOT_SYNCED = frozenset(
    {
        "sync_outbox",
        "sync_applied_changes",
        "sync_conflicts",
        "sync_pulled_cases",
        "case_leases",
        "case_number_series",
        "complaint_number_series",
        "settings",
        "units",
        "users",
        "delegations",
        "form_definitions",
        "norm_tables",
        "case_review_facts",
        "intake_deliveries",
    }
)
"""Tables a replica never changes on the server: the server's own bookkeeping, the
reference data copied from it, and derived data each database keeps for itself (the
chef's kept Ärendegenomgång, app.cases.review_facts: its triggers clear it wherever the
sources change, the replica's own caseload fills its own). The e-ansökningar that travel
with a case are read offline, never changed (app.intake.inbox refuses on a replica)."""

BOOKKEEPING = frozenset({"version", "updated_at", "updated_by", "created_at"})
"""Columns the server sets itself when it applies a change."""

RECORDED_IN_BULK = frozenset({"audit_log"})
"""Tables whose inserts of many rows executed by the session (`session.execute(insert(Model
or its table), rows)`) are recorded like flushed rows: the audit rows of the persons a
search shows, which the server's audit log must have, offline too. Other tables written in
bulk on a replica are the statistics' kept facts, which the server computes itself."""

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

    def record_bulk(state: ORMExecuteState) -> Result[Any] | None:
        mapper = _bulk_insert_recorded(state)
        if mapper is None:
            return None
        result = state.invoke_statement()  # the rows first: recorded only once written
        params = state.parameters
        rows = [params] if isinstance(params, Mapping) else list(params or ())
        state.session.connection().execute(
            insert(OutboxChange), [_inserted(mapper, row, user_id) for row in rows]
        )
        return result

    event.listen(sessions, "after_flush", record)
    event.listen(sessions, "do_orm_execute", record_bulk)


def _bulk_insert_recorded(state: ORMExecuteState) -> Mapper | None:
    """The mapped class's mapper when `state` inserts rows into a table of
    `RECORDED_IN_BULK`, by the model (`insert(AuditEntry)`) or by its table
    (`insert(AuditEntry.__table__)`, as `security.audit.record_persons` does); else None."""
    if not state.is_insert or not state.parameters:
        return None
    table = getattr(state.statement, "table", None)
    if not isinstance(table, Table) or table.name not in RECORDED_IN_BULK:
        return None
    if state.bind_mapper is not None:
        return state.bind_mapper
    return next(m for m in Base.registry.mappers if m.local_table is table)


def _table_name(mapper: Mapper) -> str:
    return cast(Table, mapper.local_table).name


def _inserted(mapper: Mapper, row: Mapping[str, Any], user_id: uuid.UUID) -> dict:
    """The change of one row of a bulk insert, as `_changes` records a flushed new row:
    every column the statement did not give has its scalar default (the trigger's seq and
    chain_hash: none, the server's own chain sets them)."""
    fields = {}
    for attribute in mapper.column_attrs:
        key = attribute.key
        if key in BOOKKEEPING or key == "id":
            continue
        column = attribute.columns[0]
        if key in row:
            value = row[key]
        else:
            default = column.default
            value = default.arg if default is not None and default.is_scalar else None
        fields[column.name] = [None, encode(value)]
    return {
        "change_id": clock.new_id(),
        "table_name": _table_name(mapper),
        "row_id": row["id"],
        "case_id": row.get("case_id"),
        "operation": ChangeOperation.INSERT.value,
        "base_version": None,
        "fields_json": json.dumps(fields, ensure_ascii=False),
        "made_at": clock.now(),
        "made_by": user_id,
    }


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
