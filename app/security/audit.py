"""The one audit writer. Every read of a case and every write goes through `record`,
added to the caller's session so it commits (or rolls back) with the work itself."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import (
    ColumnElement,
    Insert,
    String,
    Table,
    Text,
    Uuid,
    bindparam,
    func,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.common import clock
from app.models import AuditEntry
from app.security.actor import Actor

_AUDIT_TABLE: Table = AuditEntry.__table__  # type: ignore[assignment]


class Action:
    OPEN = "open"
    SEARCH = "search"
    CREATE = "create"
    UPDATE = "update"
    SIGN = "sign"
    PRINT = "print"
    EXPORT = "export"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    STATUS = "status"
    CHECK_OUT = "checkout"
    CHECK_IN = "checkin"
    REVOKE = "revoke"


SERVER_ACTION_PREFIX = "db_"
"""Actions of the rows a PostgreSQL server in shared mode writes itself, for every insert,
update and delete of case content (db_insert, db_update, db_delete; migration 0008): the
record a modified client cannot skip, beside the app's own rows."""


def written_by_server() -> ColumnElement[bool]:
    return AuditEntry.action.startswith(SERVER_ACTION_PREFIX, autoescape=True)


def _persons_insert_postgresql() -> Insert:
    """The rows of `record_persons` as one statement on PostgreSQL: their ids, person ids,
    entities and details as arrays, unnested side by side (`INSERT … SELECT … FROM
    unnest(:ids, :person_ids, :entities, :details)`). psycopg runs an executemany as one
    INSERT per row (pipelined, but each its own statement on the server, with its own
    executor start and trigger queue): 50 statements took longer than the rows' triggers.
    Built once: the statement's text is cached."""
    rows = (
        func.unnest(
            bindparam("ids", type_=ARRAY(Uuid())),
            bindparam("person_ids", type_=ARRAY(Uuid())),
            bindparam("entities", type_=ARRAY(String())),
            bindparam("details", type_=ARRAY(Text())),
        )
        .table_valued("id", "person_id", "entity", "detail")
        .render_derived()
    )
    columns = ("id", "at", "user_id", "person_id", "action", "entity", "detail")
    return insert(_AUDIT_TABLE).from_select(
        columns,
        select(
            rows.c.id,
            bindparam("at", type_=_AUDIT_TABLE.c.at.type),
            bindparam("user_id", type_=_AUDIT_TABLE.c.user_id.type),
            rows.c.person_id,
            bindparam("action", type_=_AUDIT_TABLE.c.action.type),
            rows.c.entity,
            rows.c.detail,
        ),
    )


_PERSONS_INSERT_POSTGRESQL = _persons_insert_postgresql()


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    entity: str,
    *,
    entity_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
    detail: str = "",
) -> None:
    session.add(
        AuditEntry(
            at=clock.now(),
            user_id=actor.id if actor else None,
            case_id=case_id,
            person_id=person_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail[:2000],
        )
    )


def record_persons(
    session: Session,
    actor: Actor | None,
    action: str,
    entity: str,
    person_ids: Iterable[uuid.UUID],
    *,
    summary: str | None = None,
    detail: str = "",
) -> None:
    """One row per person, written in one statement: a search logs every person it shows
    (up to 50), and building and flushing an ORM object per row was a third of a search's
    time on the workstation. The rows are the same as `record` writes. With `summary`, the
    row `record(session, actor, action, summary, detail=detail)` would write comes first,
    in the same statement: a search's summary row went through the ORM's flush of its own,
    which cost a personnummer search as much as the database's work (issue 21).

    Inserted through the table (Core), not the ORM's bulk insert, which spent as long
    preparing the 50 rows as the database took to write them; the rows `record` added
    first are flushed first, so the chain keeps them in the order written. Executed by the
    session, not its connection: on a laptop working offline the outbox records the rows
    from there (app.offline.outbox, `RECORDED_IN_BULK`), so the server's audit log gets
    them. On PostgreSQL (shared mode, never a laptop's replica) one INSERT … SELECT over
    arrays (`_persons_insert_postgresql`): the same rows, in the same order."""
    at = clock.now()
    entries: list[tuple[str, uuid.UUID | None, str]] = (
        [(summary, None, detail[:2000])] if summary is not None else []
    )
    entries += [(entity, person_id, "") for person_id in person_ids]
    if not entries:
        return
    session.flush()
    user_id = actor.id if actor else None
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            _PERSONS_INSERT_POSTGRESQL,
            {
                "ids": [uuid.uuid4() for _ in entries],
                "person_ids": [person_id for _, person_id, _ in entries],
                "entities": [row_entity for row_entity, _, _ in entries],
                "details": [row_detail for _, _, row_detail in entries],
                "at": at,
                "user_id": user_id,
                "action": action,
            },
        )
        return
    session.execute(
        insert(_AUDIT_TABLE),
        [
            {
                "id": uuid.uuid4(),
                "at": at,
                "user_id": user_id,
                "person_id": person_id,
                "action": action,
                "entity": row_entity,
                "detail": row_detail,
            }
            for row_entity, person_id, row_detail in entries
        ],
    )
