"""Alembic, driven from code: upgrade on start, with a backup of a SQLite file first."""

from __future__ import annotations

import shutil
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from app.db.location import sqlite_file
from app.services import clock

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

SERVER_ONLY_TABLES = frozenset({"protected_households", "case_changes"})
"""Tables the migrations make on PostgreSQL for the server's own rules (kept by its
triggers, read by its policies), not part of the models."""


def include_object(_item, name, type_, reflected, _compare_to) -> bool:
    """For comparing the schema with the models: the server's own tables are not in them."""
    return not (type_ == "table" and reflected and name in SERVER_ONLY_TABLES)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def backup_sqlite_file(path: Path) -> Path:
    """Copy the database (and its WAL) to a timestamped file beside it."""
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    shutil.copy2(path, target)
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        shutil.copy2(wal, target.with_name(target.name + "-wal"))
    return target


def upgrade(engine: Engine) -> Path | None:
    """Bring the schema to head. Returns the backup file made, if any.

    A backup is made only when an existing SQLite database is behind head, so a
    failed migration can never cost the user their data.
    """
    url = engine.url.render_as_string(hide_password=False)
    current = current_revision(engine)
    if current == head_revision():
        return None
    backup = None
    path = sqlite_file(url)
    if current is not None and path is not None and path.exists():
        backup = backup_sqlite_file(path)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return backup
