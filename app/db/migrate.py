"""Alembic, driven from code: upgrade on start, with a backup of a SQLite file first.

A start whose database is already at HEAD_REVISION does not load Alembic at all (a third
of a second of imports and of reading every migration script, on every start).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from app.common import clock
from app.common.errors import ServiceError
from app.db.location import sqlite_file

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

if TYPE_CHECKING:
    from alembic.config import Config

HEAD_REVISION = "0050"
"""The newest migration's revision; a test checks it against the scripts in versions/."""
VERSION_TABLE = "alembic_version"

SERVER_ONLY_TABLES = frozenset({"protected_households", "case_changes"})
"""Tables the migrations make on PostgreSQL for the server's own rules (kept by its
triggers, read by its policies), not part of the models."""

SQLITE_ONLY_INDEXES = frozenset({"ix_plan_items_open_steps"})
"""Indexes the migrations make on SQLite only, not part of the models: covering indexes
with a text column of unbounded length, which PostgreSQL's index entries (2 704 bytes at
most) could not hold, for reads that wait for an encrypted file's pages (migration 0038)."""


def include_object(_item, name, type_, reflected, _compare_to) -> bool:
    """For comparing the schema with the models: the server's own tables and SQLite's own
    indexes are not in them."""
    if type_ == "index" and reflected and name in SQLITE_ONLY_INDEXES:
        return False
    return not (type_ == "table" and reflected and name in SERVER_ONLY_TABLES)


def earlier_migration(filename: str) -> ModuleType:
    """Another migration script of versions/, loaded as a module: a later migration builds on
    what an earlier one made (the audit vocabulary of 0039, 0045, 0046) instead of copying it.
    """
    import importlib.util

    path = MIGRATIONS_DIR / "versions" / filename
    spec = importlib.util.spec_from_file_location(f"arendestod_migration_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def current_revision(engine: Engine) -> str | None:
    """The database's schema version, None for an empty database (Alembic's own table)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))


def backup_sqlite_file(engine: Engine, path: Path) -> Path:
    """A timestamped copy of the database beside it, encrypted with its own key
    (app.db.encrypted_file.backup_beside: free space checked first, never an empty file)."""
    from app.db.encrypted_file import backup_beside

    return backup_beside(engine, path, clock.now().strftime("%Y%m%dT%H%M%SZ"))


def upgrade(engine: Engine) -> Path | None:
    """Bring the schema to head. Returns the backup file made, if any.

    A backup is made only when an existing SQLite database is behind head, so a
    failed migration can never cost the user their data.
    """
    url = engine.url.render_as_string(hide_password=False)
    current = current_revision(engine)
    if current == HEAD_REVISION:
        return None
    from alembic import command
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    config = alembic_config(url)
    if current is not None:
        try:
            ScriptDirectory.from_config(config).get_revision(current)
        except CommandError as error:
            raise ServiceError(
                f"Databasen har schemaversion {current}, som den här versionen av "
                f"Ärendestöd ({HEAD_REVISION}) inte känner till: en nyare version har "
                "uppgraderat den. Installera den nyare versionen av Ärendestöd."
            ) from error
    backup = None
    path = sqlite_file(url)
    if current is not None and path is not None and path.exists():
        backup = backup_sqlite_file(engine, path)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    if current is not None:
        refresh_planner_statistics(engine)
    return backup


def refresh_planner_statistics(engine: Engine) -> None:
    """ANALYZE after an upgrade: a migration's new indexes and columns have no statistics
    yet, and without them the planner may pick them for the wrong statements (0029's
    journal index made the chef's caseload read a whole register's entries of two types on
    a 100 000-household SQLite file; issue 21). Whole tables, not samples: with SQLite's
    `analysis_limit` the birth-date search at 100 000 households went from 4 to 310 ms (it
    walked the unit's cases instead of the persons' birth-date index). A minute at 100 000
    households, seconds at a workstation's size."""
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
