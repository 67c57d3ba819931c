"""Migration 0027 chains the audit rows a database already has, in the order of their time,
on SQLite and PostgreSQL; the chain then goes on from them, and the downgrade removes it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.db import migrate
from app.db.engine import make_engine
from app.models import AuditEntry
from app.security import integrity
from tests.db.test_migrations import empty_url  # noqa: F401  (the fixture)


def test_existing_rows_are_chained_in_time_order(empty_url: str) -> None:  # noqa: F811
    config = migrate.alembic_config(empty_url)
    command.upgrade(config, "0026")
    engine = make_engine(empty_url)
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    ids = [uuid.uuid4() for _ in range(30)]
    with engine.begin() as connection:
        for n, row_id in enumerate(reversed(ids)):  # inserted newest first
            connection.execute(
                text(
                    "INSERT INTO audit_log (id, at, action, entity, detail) "
                    "VALUES (:id, :at, 'open', 'case', :detail)"
                ),
                {
                    "id": row_id if engine.dialect.name == "postgresql" else row_id.hex,
                    "at": (start + timedelta(minutes=len(ids) - n)).replace(tzinfo=None)
                    if engine.dialect.name == "sqlite"
                    else start + timedelta(minutes=len(ids) - n),
                    "detail": f"rad {len(ids) - n} – åäö",
                },
            )
    command.upgrade(config, "head")
    with Session(engine) as session:
        chained = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert [row.id for row in chained] == ids
        assert integrity.verify_audit_chain(session).intact
    with Session(engine) as session:
        session.add(AuditEntry(at=start, action="open", entity="case", detail="ny"))
        session.commit()
        report = integrity.verify_audit_chain(session)
        assert report.intact and report.head_seq == len(ids) + 1
    command.downgrade(config, "0026")
    with engine.connect() as connection:
        columns = {
            row[1] if engine.dialect.name == "sqlite" else row[0]
            for row in connection.execute(
                text("PRAGMA table_info(audit_log)")
                if engine.dialect.name == "sqlite"
                else text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = 'audit_log'"
                )
            )
        }
    assert "seq" not in columns and "chain_hash" not in columns
    engine.dispose()
