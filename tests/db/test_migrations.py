"""Alembic migrations: upgrade to head, schema equals the models, down to base and up again
(on SQLite and PostgreSQL); backups of SQLite files."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.dialects import postgresql

from app.common import clock
from app.common.errors import ServiceError
from app.db import migrate
from app.db.database import open_database
from app.db.engine import make_engine
from app.models import Base
from tests.pg import PgServer

FIXED_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
STAMP = "20261123T090000Z"

EXTRA_REVISION = '''"""test-only revision after the real head"""

from alembic import op
import sqlalchemy as sa

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("test_extra", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("test_extra")
'''


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    clock.set_now(lambda: FIXED_NOW)
    yield
    clock.set_now(None)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def backups_in(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if ".backup-" in p.name)


def tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "t.sqlite3")
        return
    server: PgServer = request.getfixturevalue("pg_server")
    with server.database(kind="migrations") as name:
        yield server.url_string(name)


def user_tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


PG_LEFTOVERS = """
SELECT 'relation ' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relname NOT IN ('alembic_version', 'alembic_version_pkc')
UNION ALL
SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')
"""


def pg_leftovers(engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.scalars(text(PG_LEFTOVERS)))


def test_upgrade_empty_database_to_head(empty_url: str, tmp_path: Path) -> None:
    engine = make_engine(empty_url)
    try:
        assert migrate.current_revision(engine) is None
        assert user_tables(engine) == set()
        assert migrate.upgrade(engine) is None  # nothing to back up in a new database
        assert migrate.current_revision(engine) == migrate.HEAD_REVISION
        server_only = migrate.SERVER_ONLY_TABLES if engine.dialect.name == "postgresql" else set()
        assert user_tables(engine) == set(Base.metadata.tables) | {"alembic_version"} | server_only
    finally:
        engine.dispose()
    assert backups_in(tmp_path) == []


def test_models_and_migrated_schema_do_not_differ(empty_url: str) -> None:
    database = open_database(empty_url, plain_sqlite_for_tests=True)
    try:
        with database.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "render_as_batch": True,
                    "include_object": migrate.include_object,
                },
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        database.dispose()


def test_column_collations_follow_the_models_on_postgresql(pg_server: PgServer) -> None:
    """Alembic's comparison ignores collations: the binary ("C") search keys are checked here,
    and no other column has a collation of its own."""
    dialect = postgresql.dialect()
    with pg_server.database(kind="collations") as name:
        database = open_database(pg_server.url_string(name))
        try:
            inspector = inspect(database.engine)
            found = {
                (table, column["name"]): getattr(column["type"], "collation", None)
                for table in Base.metadata.tables
                for column in inspector.get_columns(table)
            }
        finally:
            database.dispose()
    expected = {
        (table.name, column.name): getattr(column.type.dialect_impl(dialect), "collation", None)
        for table in Base.metadata.tables.values()
        for column in table.columns
    }
    assert found == expected
    assert found[("persons", "last_name_key")] == "C"


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    database = open_database(sqlite_url(tmp_path / "t.sqlite3"), plain_sqlite_for_tests=True)
    try:
        with database.engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        database.dispose()


def test_downgrade_to_base_and_up_again(empty_url: str) -> None:
    database = open_database(empty_url, plain_sqlite_for_tests=True)
    try:
        config = migrate.alembic_config(empty_url)
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert migrate.current_revision(database.engine) is None
        assert user_tables(database.engine) == {"alembic_version"}
        if database.engine.dialect.name == "postgresql":
            # nothing left behind: no types, sequences or indexes of the dropped tables
            assert pg_leftovers(database.engine) == []
        assert migrate.upgrade(database.engine) is None
        assert migrate.current_revision(database.engine) == migrate.HEAD_REVISION
        with database.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": migrate.include_object}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        database.dispose()


def test_open_new_database_makes_no_backup(tmp_path: Path) -> None:
    database = open_database(
        sqlite_url(tmp_path / "sub" / "t.sqlite3"), plain_sqlite_for_tests=True
    )
    try:
        assert database.backup is None
        assert (tmp_path / "sub" / "t.sqlite3").exists()
    finally:
        database.dispose()
    assert backups_in(tmp_path / "sub") == []


def test_upgrade_of_an_up_to_date_database_makes_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    open_database(sqlite_url(path), plain_sqlite_for_tests=True).dispose()
    again = open_database(sqlite_url(path), plain_sqlite_for_tests=True)
    try:
        assert again.backup is None
        assert migrate.upgrade(again.engine) is None
        assert migrate.current_revision(again.engine) == migrate.HEAD_REVISION
    finally:
        again.dispose()
    assert backups_in(tmp_path) == []


def test_open_without_upgrade_leaves_the_database_alone(tmp_path: Path) -> None:
    database = open_database(
        sqlite_url(tmp_path / "t.sqlite3"), upgrade=False, plain_sqlite_for_tests=True
    )
    try:
        assert database.backup is None
        assert migrate.current_revision(database.engine) is None
    finally:
        database.dispose()


def _plain_database_with_a_row(path: Path):
    database = open_database(sqlite_url(path), plain_sqlite_for_tests=True)
    with database.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO case_number_series (year, last_number) VALUES (2026, 41)")
        )
    return database


def test_backup_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "arendestod.sqlite3"
    database = _plain_database_with_a_row(path)
    try:
        target = migrate.backup_sqlite_file(database.engine, path)
    finally:
        database.dispose()
    assert target == tmp_path / f"arendestod.backup-{STAMP}.sqlite3"
    assert backups_in(tmp_path) == [target.name]  # one file: the WAL's content is in it
    with closing(sqlite3.connect(target)) as backup:
        assert backup.execute("SELECT last_number FROM case_number_series").fetchall() == [(41,)]


def test_backup_name_follows_the_clock(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    database = _plain_database_with_a_row(path)
    clock.set_now(lambda: datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC))
    try:
        assert migrate.backup_sqlite_file(database.engine, path).name == (
            "t.backup-20270102T030405Z.sqlite3"
        )
    finally:
        database.dispose()


def test_head_revision_is_the_newest_migration_script() -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    assert scripts.get_current_head() == migrate.HEAD_REVISION, (
        "A new migration: set app.db.migrate.HEAD_REVISION to its revision."
    )


def test_a_database_from_a_newer_version_is_refused_with_a_clear_message(tmp_path) -> None:
    """After IT rolls back to an older version: say so, and leave the database alone."""
    path = tmp_path / "t.sqlite3"
    open_database(sqlite_url(path), plain_sqlite_for_tests=True).dispose()
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(ServiceError, match=r"schemaversion 0099.*Installera den nyare"):
        open_database(sqlite_url(path), plain_sqlite_for_tests=True)
    assert backups_in(tmp_path) == []
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("0099",)
        ]


def test_upgrade_of_an_older_database_backs_it_up_first(tmp_path, monkeypatch) -> None:
    """A real upgrade from head to a test-only revision, with the migration scripts copied."""
    path = tmp_path / "t.sqlite3"
    database = open_database(sqlite_url(path), plain_sqlite_for_tests=True)
    with database.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO case_number_series (year, last_number) VALUES (2026, 41)")
        )
    database.dispose()
    head = migrate.HEAD_REVISION

    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "29991231_9999_test_extra.py").write_text(
        EXTRA_REVISION.format(head=head), encoding="utf-8"
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    monkeypatch.setattr(migrate, "HEAD_REVISION", "9999")  # as in the next release

    upgraded = open_database(sqlite_url(path), plain_sqlite_for_tests=True)
    try:
        assert upgraded.backup == tmp_path / f"t.backup-{STAMP}.sqlite3"
        assert migrate.current_revision(upgraded.engine) == "9999"
        assert "test_extra" in inspect(upgraded.engine).get_table_names()
    finally:
        upgraded.dispose()

    # One backup (with the WAL file, when there was one), and it is the database as it was
    # before the upgrade, data included.
    assert set(backups_in(tmp_path)) <= {
        f"t.backup-{STAMP}.sqlite3",
        f"t.backup-{STAMP}.sqlite3-wal",
    }
    with closing(sqlite3.connect(upgraded.backup)) as backup:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        assert backup.execute("SELECT last_number FROM case_number_series").fetchall() == [(41,)]
    assert "test_extra" not in tables(upgraded.backup)


def test_an_upgraded_database_gets_planner_statistics(tmp_path: Path) -> None:
    """A migration's new index has no statistics until ANALYZE; without them SQLite chose
    0029's journal index for the chef's caseload and read a whole register (issue 21)."""
    path = tmp_path / "t.sqlite3"
    url = sqlite_url(path)
    engine = make_engine(url)
    try:
        config = migrate.alembic_config(url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0028")
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO case_number_series (year, last_number) VALUES (2026, 41)")
            )
        migrate.upgrade(engine)
        with engine.connect() as connection:
            analysed = set(connection.execute(text("SELECT tbl FROM sqlite_stat1")).scalars().all())
    finally:
        engine.dispose()
    assert "case_number_series" in analysed
