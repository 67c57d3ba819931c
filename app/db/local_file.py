"""Opening the local SQLite database as the encrypted file it is (app.db.encrypted_file).

A plain database from before encryption at rest is converted first (app.db.plain_conversion).
The key comes from the caller (app.security.local_key: the keyring or a passphrase): this
layer never reads the keyring itself.

A file its kept key (the keyring's) does not open is damaged: the key was made for this
file and cannot have been mistyped, so the user is told the file, the problem and the newest
backup (app.db.health), not asked for another key. Only a typed passphrase can be wrong;
but a file whose first page the key opened and that then fails is damaged whatever the key.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from app.common.errors import ServiceError
from app.db import encrypted_file, health, migrate, plain_conversion
from app.db.encrypted_file import FileKey, KeyRefused
from app.db.engine import make_session_factory
from app.db.failure import SQLITE_CORRUPT
from app.db.location import default_sqlite_path


def open_encrypted(
    path: Path, key: FileKey, *, upgrade: bool, page_cache_kib: int | None = None
) -> tuple[Engine, sessionmaker[Session], Path | None]:
    """The engine, its sessions and the upgrade's backup (if any) for the file at `path`;
    `page_cache_kib` per connection, by default the window's (encrypted_file.PAGE_CACHE_KIB)."""
    if encrypted_file.is_plain_sqlite(path):
        plain_conversion.convert_to_encrypted(path, key)
    own_folder = path.parent.resolve() == default_sqlite_path().parent.resolve()
    engine = encrypted_file.make_encrypted_engine(
        path,
        key,
        own_folder=own_folder,
        page_cache_kib=page_cache_kib or encrypted_file.PAGE_CACHE_KIB,
    )
    try:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT count(*) FROM sqlite_master"))
        except DatabaseError as error:
            raise _unreadable(path, key, error) from error
        backup = migrate.upgrade(engine) if upgrade else None
    except BaseException:
        engine.dispose()
        raise
    return engine, make_session_factory(engine), backup


def _unreadable(path: Path, key: FileKey, error: DatabaseError) -> ServiceError:
    """Why the file at `path` did not open with `key`, in Swedish. SQLCipher says "file is
    not a database" when the key does not open the first page, and "disk image is
    malformed" when it does but the file is damaged further on (cut short, say)."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF == SQLITE_CORRUPT:
        return health.DatabaseDamaged(
            path, "filen är avkortad eller förstörd: delar av den går inte att läsa"
        )
    if key.typed:
        return KeyRefused(
            f"Databasen {path} gick inte att öppna: fel nyckel eller lösenfras, eller så "
            "är filen inte en databas från Ärendestöd."
        )
    return health.DatabaseDamaged(
        path,
        "den går inte att läsa med sin nyckel i nyckelringen: den är förstörd eller inte "
        "en databas alls",
    )
