"""Converting a plain local SQLite database (made before encryption at rest) into an
encrypted one, once, when a version with encryption first opens it.

The encrypted copy is made beside the plain file, verified (integrity check, the same number
of rows in every table, the same schema version), and only then put in its place with an
atomic rename; the plain file's WAL and the plain backups beside it are removed after that.
Any failure before the rename leaves the plain file as it was and says so.
"""

from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path

from app.common.errors import ServiceError
from app.db import encrypted_file
from app.db.encrypted_file import FileKey


class ConversionFailed(ServiceError):
    """The encrypted copy could not be made or did not match; the plain file is untouched."""


def verification_problems(plain, encrypted) -> list[str]:
    """What differs between the plain database and its encrypted copy (empty: nothing)."""
    problems = []
    with closing(encrypted.cursor()) as cursor:
        integrity = [row[0] for row in cursor.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        problems.append("integritetskontrollen av kopian: " + "; ".join(integrity[:3]))
    before, after = encrypted_file.table_counts(plain), encrypted_file.table_counts(encrypted)
    if before.keys() != after.keys():
        problems.append("kopian har inte samma tabeller")
    problems.extend(
        f"tabellen {name} har {after.get(name)} rader i kopian men {count} i originalet"
        for name, count in before.items()
        if name in after and after[name] != count
    )
    if _schema_version(plain) != _schema_version(encrypted):
        problems.append("kopian har inte samma schemaversion")
    return problems


def _schema_version(connection) -> str | None:
    with closing(connection.cursor()) as cursor:
        has_table = cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if not has_table:
            return None
        row = cursor.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None


def plain_backups(path: Path) -> list[Path]:
    """The plain upgrade backups beside the database (`<name>.backup-*<suffix>`)."""
    return [
        backup
        for backup in path.parent.glob(f"{path.stem}.backup-*{path.suffix}")
        if encrypted_file.is_plain_sqlite(backup)
    ]


def convert_to_encrypted(path: Path, key: FileKey) -> None:
    """Encrypt the plain database at `path` in place with `key` (see the module's text)."""
    target = path.with_name(path.name + ".encrypting")
    wal_and_shm = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    try:
        for leftover in (target, target.with_name(target.name + "-journal")):
            leftover.unlink(missing_ok=True)
        size = sum(file.stat().st_size for file in (path, wal_and_shm[0]) if file.exists())
        encrypted_file.check_free_space(path.parent, size)
        encrypted_file.protect(target)
        with closing(encrypted_file.open_raw(path, None)) as plain:
            # the WAL's content into the file, so that no plain WAL outlives the conversion
            plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            plain.execute(f"ATTACH DATABASE ? AS encrypted KEY {key.pragma}", (str(target),))
            plain.execute("SELECT sqlcipher_export('encrypted')")
            plain.execute("DETACH DATABASE encrypted")
            with closing(encrypted_file.open_raw(target, key)) as encrypted:
                problems = verification_problems(plain, encrypted)
        if problems:
            raise ConversionFailed("; ".join(problems))
        encrypted_file.protect(target)
        os.replace(target, path)
    except BaseException as error:
        target.unlink(missing_ok=True)
        if isinstance(error, Exception):
            reason = error if isinstance(error, ServiceError) else type(error).__name__
            raise ConversionFailed(
                f"Databasen {path} är inte krypterad och gick inte att kryptera ({reason}). "
                "Den okrypterade filen är orörd; ingenting har tagits bort."
            ) from error
        raise
    # the encrypted file is in place and verified: what is left in plain goes
    for file in (*wal_and_shm, *plain_backups(path)):
        file.unlink(missing_ok=True)
    encrypted_file.protect(path)
