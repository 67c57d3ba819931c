"""The laptop's offline replica: a SQLite database encrypted with SQLCipher.

Cases taken along to a hembesök are copied here. The file and its key are those of
app.db.encrypted_file, as for the local database: 32 random bytes kept in the operating
system's keyring (`credentials.save_replica_key`), or where the computer has no keyring a
passphrase the user chooses and types when the replica is opened.

The schema is the app's own, migrated like any SQLite database.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError

from app.db import replica_build
from app.db.database import Database
from app.db.encrypted_file import (
    MIN_PASSPHRASE_LENGTH,
    FileKey,
    KeyRefused,
    make_encrypted_engine,
)
from app.db.engine import make_session_factory
from app.db.location import default_replica_path
from app.settings import registry

__all__ = [
    "MIN_PASSPHRASE_LENGTH",
    "REPLICA_ID_KEY",
    "ReplicaKey",
    "ReplicaLocked",
    "make_replica_engine",
    "open_replica",
]

REPLICA_ID_KEY = registry.REPLICA_ID.key
"""The replica's own id (in its settings table), made with the file: leases name it."""

ReplicaLocked = KeyRefused
"""The replica cannot be opened with this key; the message says so in Swedish."""

ReplicaKey = FileKey
"""How the replica is unlocked: a raw key from the keyring, or a typed passphrase."""


def make_replica_engine(path: Path, key: FileKey) -> Engine:
    """An engine whose every connection is unlocked with `key` before anything else."""
    own_folder = path.parent.resolve() == default_replica_path().parent.resolve()
    return make_encrypted_engine(path, key, own_folder=own_folder)


def _readable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM sqlite_master"))
        return True
    except DatabaseError:
        return False


def open_replica(path: Path, key: ReplicaKey, *, upgrade: bool = True) -> Database:
    """Open (or create) the replica at `path`, migrated to the current schema."""
    engine = make_replica_engine(path, key)
    if not _readable(engine):
        engine.dispose()
        # Another thread or process may be creating the file this moment (a connection made
        # while it was empty keeps a salt of its own): while that builder holds the lock this
        # is "busy" (exclusive raises ReplicaBusy); after it, a new connection reads the file
        # it made. Only a file that stays unreadable is the wrong key or not a replica.
        with replica_build.exclusive(path):
            pass
        engine = make_replica_engine(path, key)
        if not _readable(engine):
            engine.dispose()
            raise ReplicaLocked(
                "Offlinedatabasen gick inte att öppna: fel nyckel eller lösenfras, eller så "
                "är filen inte en offlinedatabas från Ärendestöd."
            )
    backup = None
    if upgrade:  # one builder at a time; a half-built file mended (app.db.replica_build)
        try:
            engine, backup = replica_build.build(
                path, engine, lambda: make_replica_engine(path, key), REPLICA_ID_KEY
            )
        except BaseException:
            engine.dispose()
            raise
    url = engine.url.render_as_string(hide_password=False)
    return Database(url, engine, make_session_factory(engine), backup)
