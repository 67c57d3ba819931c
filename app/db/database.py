"""Opening a database: resolve the URL, make the engine, migrate, hand out sessions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.db import health, migrate
from app.db.engine import make_engine, make_session_factory
from app.db.failure import Failure, classify
from app.db.location import resolve_database_url, sqlite_file

if TYPE_CHECKING:
    from app.db.encrypted_file import FileKey


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

    def is_connection_lost(self, error: BaseException) -> bool:
        """Whether `error` means the database could not be reached (server down, network
        gone), as opposed to an error in what was asked. On SQLite, only a connection the
        driver gave up on."""
        if not isinstance(error, DBAPIError):
            return False
        if error.connection_invalidated:
            return True
        # a full disk, a lock held too long or a read-only server are not a lost connection
        return (
            self.engine.dialect.name == "postgresql" and classify(error) is Failure.CONNECTION_LOST
        )

    def ping(self) -> bool:
        """Whether the database answers now (a fresh connection if the old ones are gone)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except DBAPIError:
            return False
        return True


def open_database(
    url: str | None = None,
    *,
    upgrade: bool = True,
    key: FileKey | None = None,
    plain_sqlite_for_tests: bool = False,
    page_cache_kib: int | None = None,
) -> Database:
    """Open (and migrate) the database. A SQLite file is always an encrypted file opened with
    `key` (app.security.local_key gets it from the keyring or a passphrase); a plain one from
    an older version is converted first. `plain_sqlite_for_tests` keeps a file plain: the
    tests' fast path, which no command or window passes. `page_cache_kib`: an encrypted
    file's page cache per connection, by default the window's."""
    resolved = resolve_database_url(url)
    health.check_before_open(resolved)  # before anything makes a new, empty file
    path = sqlite_file(resolved)
    if path is not None and not plain_sqlite_for_tests:
        from app.db.local_file import open_encrypted

        if key is None:
            raise TypeError("A local SQLite file is opened encrypted: pass its key.")
        engine, sessions, backup = open_encrypted(
            path, key, upgrade=upgrade, page_cache_kib=page_cache_kib
        )
        health.remember(resolved)
        return Database(resolved, engine, sessions, backup)
    engine = make_engine(resolved)
    try:
        health.check_after_open(engine)
        backup = migrate.upgrade(engine) if upgrade else None
    except BaseException:
        engine.dispose()
        raise
    health.remember(resolved)
    return Database(resolved, engine, make_session_factory(engine), backup)
