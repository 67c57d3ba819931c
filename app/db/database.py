"""Opening a database: resolve the URL, make the engine, migrate, hand out sessions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.db import migrate
from app.db.engine import make_engine, make_session_factory
from app.db.location import resolve_database_url


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    backup: Path | None = None
    """Backup file made before a schema upgrade on this start, if any."""

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, upgrade: bool = True) -> Database:
    resolved = resolve_database_url(url)
    engine = make_engine(resolved)
    backup = migrate.upgrade(engine) if upgrade else None
    return Database(resolved, engine, make_session_factory(engine), backup)
