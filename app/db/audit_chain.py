"""The audit chain's SQL function on SQLite (app/common/audit_chain.py has the text).

Migration 0027's trigger on SQLite (AFTER INSERT on audit_log) calls
`arendestod_audit_chain_hash(...)` with the row's stored values; SQLite has no SHA-256 of
its own, so every connection registers this Python function (`engine.configure_sqlite`,
which the local database and the laptop's replica both use). A trigger rather than the
audit writer: the demo data and the sync's pushes insert audit rows in bulk, past
`security.audit.record`, and a trigger chains every row however it comes. A connection
without the function (a plain `sqlite3` shell) cannot add audit rows at all.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime

from app.common.audit_chain import chain_hash, chain_text

SQL_FUNCTION = "arendestod_audit_chain_hash"

COLUMNS = (
    "id",
    "at",
    "user_id",
    "case_id",
    "person_id",
    "action",
    "entity",
    "entity_id",
    "detail",
)
"""The audit row's columns the hash covers, in the order of the function's arguments after
`seq` and the previous hash."""


def _uuid(stored: str | bytes | None) -> uuid.UUID | None:
    if stored is None:
        return None
    if isinstance(stored, bytes):
        return uuid.UUID(bytes=stored) if len(stored) == 16 else uuid.UUID(stored.decode())
    return uuid.UUID(stored)


def stored_row_hash(
    seq: int,
    previous_hash: str | None,
    id: str,
    at: str,
    user_id: str | None,
    case_id: str | None,
    person_id: str | None,
    action: str,
    entity: str,
    entity_id: str | None,
    detail: str | None,
) -> str:
    """The chain hash of a row as SQLite stores it (UUIDs as 32 hex digits, times as
    'YYYY-MM-DD HH:MM:SS.ffffff' in UTC)."""
    row_id = _uuid(id)
    assert row_id is not None
    return chain_hash(
        chain_text(
            seq=seq,
            previous_hash=previous_hash,
            id=row_id,
            at=datetime.fromisoformat(at),
            user_id=_uuid(user_id),
            case_id=_uuid(case_id),
            person_id=_uuid(person_id),
            action=action,
            entity=entity,
            entity_id=_uuid(entity_id),
            detail=detail,
        )
    )


def register_sqlite_function(dbapi_connection: sqlite3.Connection) -> None:
    dbapi_connection.create_function(
        SQL_FUNCTION, 2 + len(COLUMNS), stored_row_hash, deterministic=True
    )
