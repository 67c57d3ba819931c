"""Migration 0025 (children_delegation_kommunicering) and the delegations already given:
each keeps its right to grant, and gets the right to refuse an application of up to the
same amount (a row without a limit: without one); the downgrade leaves the grant rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command

from app.common import clock
from app.db import migrate
from app.db.database import open_database
from app.models import Role, Unit
from app.security.accounts import create_user

BEFORE = "0024"
"""The revision before the delegation by scope (the lead renumbers at merge)."""
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

DELEGATIONS = sa.table(
    "delegations",
    sa.column("id", sa.Uuid()),
    sa.column("user_id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("max_amount", sa.Numeric(12, 2)),
    sa.column("version", sa.Integer()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    clock.set_now(lambda: NOW)
    yield
    clock.set_now(None)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'd.sqlite3'}"
        return
    server = request.getfixturevalue("pg_server")
    with server.database(kind="migrations") as name:
        yield server.url_string(name)


def _migrate(database, url: str, revision: str, *, down: bool) -> None:
    config = migrate.alembic_config(url)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _rows(database) -> set[tuple]:
    with database.engine.connect() as connection:
        columns = sa.inspect(connection).get_columns("delegations")
        scoped = any(c["name"] == "scope" for c in columns)
        query = sa.text(
            "SELECT kind, " + ("scope, " if scoped else "") + "max_amount FROM delegations"
        )
        return {
            tuple(
                Decimal(v) if isinstance(v, float | int) and not isinstance(v, bool) else v
                for v in row
            )
            for row in connection.execute(query)
        }


def test_existing_delegations_get_the_refusal_right_with_the_same_limit(url: str) -> None:
    database = open_database(url, plain_sqlite_for_tests=True)
    try:
        with database.sessions.begin() as session:
            unit = Unit(name="Försörjningsstöd Norr")
            session.add(unit)
            user = create_user(
                session,
                None,
                username="sara.nilsson",
                full_name="Sara Nilsson",
                role=Role.CASEWORKER,
                unit=unit,
                password="hemligt-lösen-1",
            )
            user_id = user.id
        _migrate(database, url, BEFORE, down=True)
        with database.engine.begin() as connection:
            connection.execute(
                DELEGATIONS.insert(),
                [
                    {
                        "id": clock.new_id(),
                        "user_id": user_id,
                        "kind": kind,
                        "max_amount": limit,
                        "version": 1,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                    for kind, limit in (
                        ("forsorjningsstod", Decimal("30000")),
                        ("utover_ratten", None),
                    )
                ],
            )
        _migrate(database, url, "head", down=False)
        assert _rows(database) == {
            ("forsorjningsstod", "bevilja", Decimal("30000")),
            ("forsorjningsstod", "avsla", Decimal("30000")),
            ("utover_ratten", "bevilja", None),
            ("utover_ratten", "avsla", None),
        }
        _migrate(database, url, BEFORE, down=True)
        assert _rows(database) == {
            ("forsorjningsstod", Decimal("30000")),
            ("utover_ratten", None),
        }
        _migrate(database, url, "head", down=False)
    finally:
        database.dispose()
