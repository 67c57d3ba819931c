"""Opening the local SQLite database as the encrypted file it is (app.db.encrypted_file).

A plain database from before encryption at rest is converted first (app.db.plain_conversion).
The key comes from the caller (app.security.local_key: the keyring or a passphrase): this
layer never reads the keyring itself.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from app.db import encrypted_file, migrate, plain_conversion
from app.db.encrypted_file import FileKey, KeyRefused
from app.db.engine import make_session_factory
from app.db.location import default_sqlite_path


def open_encrypted(
    path: Path, key: FileKey, *, upgrade: bool
) -> tuple[Engine, sessionmaker[Session], Path | None]:
    """The engine, its sessions and the upgrade's backup (if any) for the file at `path`."""
    if encrypted_file.is_plain_sqlite(path):
        plain_conversion.convert_to_encrypted(path, key)
    own_folder = path.parent.resolve() == default_sqlite_path().parent.resolve()
    engine = encrypted_file.make_encrypted_engine(path, key, own_folder=own_folder)
    try:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT count(*) FROM sqlite_master"))
        except DatabaseError as error:
            raise KeyRefused(
                f"Databasen {path} gick inte att öppna: fel nyckel eller lösenfras, eller så "
                "är filen inte en databas från Ärendestöd."
            ) from error
        backup = migrate.upgrade(engine) if upgrade else None
    except BaseException:
        engine.dispose()
        raise
    return engine, make_session_factory(engine), backup
