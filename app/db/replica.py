"""The laptop's offline replica: a SQLite database encrypted with SQLCipher.

Cases taken along to a hembesök are copied here; without the key the file is noise (its
first page included, so it does not even say that it is a database). The key is 32 random
bytes kept in the operating system's keyring (`credentials.save_replica_key`); where the
computer has no keyring the user chooses a passphrase instead, from which SQLCipher derives
the key (PBKDF2, 256 000 rounds), and types it when the replica is opened.

The schema is the app's own, migrated like any SQLite database.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError

from app.common.errors import ServiceError
from app.db import replica_build
from app.db.database import Database
from app.db.engine import configure_sqlite, make_session_factory
from app.settings import registry

MIN_PASSPHRASE_LENGTH = 12

REPLICA_ID_KEY = registry.REPLICA_ID.key
"""The replica's own id (in its settings table), made with the file: leases name it."""


class ReplicaLocked(ServiceError):
    """The replica cannot be opened with this key; the message says so in Swedish."""


@dataclass(frozen=True)
class ReplicaKey:
    """How the replica is unlocked: a raw key from the keyring, or a typed passphrase."""

    pragma: str
    """The argument of SQLCipher's `PRAGMA key`, quoted."""

    @classmethod
    def new_random(cls) -> tuple[ReplicaKey, str]:
        """A new random key, and the text to keep in the keyring."""
        stored = secrets.token_hex(32)
        return cls.from_stored(stored), stored

    @classmethod
    def from_stored(cls, stored: str) -> ReplicaKey:
        if len(stored) != 64 or any(ch not in "0123456789abcdef" for ch in stored):
            raise ReplicaLocked("Nyckeln i nyckelringen är skadad.")
        return cls(f"\"x'{stored}'\"")

    @classmethod
    def from_passphrase(cls, passphrase: str) -> ReplicaKey:
        if len(passphrase) < MIN_PASSPHRASE_LENGTH:
            raise ReplicaLocked(f"Lösenfrasen måste ha minst {MIN_PASSPHRASE_LENGTH} tecken.")
        return cls("'" + passphrase.replace("'", "''") + "'")


def make_replica_engine(path: Path, key: ReplicaKey) -> Engine:
    """An engine whose every connection is unlocked with `key` before anything else."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", module=sqlcipher3.dbapi2, hide_parameters=True)

    def unlock(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        # a wrong key is reported to the user; SQLCipher need not also print it on stderr
        cursor.execute("PRAGMA cipher_log_level = NONE")
        cursor.execute(f"PRAGMA key = {key.pragma}")
        cursor.close()

    event.listen(engine, "connect", unlock)
    event.listen(engine, "connect", configure_sqlite)
    return engine


def open_replica(path: Path, key: ReplicaKey, *, upgrade: bool = True) -> Database:
    """Open (or create) the replica at `path`, migrated to the current schema."""
    engine = make_replica_engine(path, key)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM sqlite_master"))
    except DatabaseError as error:
        engine.dispose()
        raise ReplicaLocked(
            "Offlinedatabasen gick inte att öppna: fel nyckel eller lösenfras, eller så är "
            "filen inte en offlinedatabas från Ärendestöd."
        ) from error
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
