"""An encrypted SQLite file (SQLCipher) and its key: the local database and the laptop's
offline replica are both such files.

Without the key the file is noise, its first page included, so it does not even say that it
is a database. The key is either 32 random bytes (kept by the caller in the operating
system's keyring, `app.security.credentials`) or a passphrase the user types, from which
SQLCipher derives the key (PBKDF2-HMAC-SHA512, 256 000 rounds, a salt of the file's own).

The files are the user's alone: 0600 in a 0700 folder on POSIX (on Windows the user profile's
own permissions apply). SQLite gives the WAL and SHM files the database file's mode.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

from app.common.errors import ServiceError
from app.db.engine import SQLITE_POOL, configure_sqlite

MIN_PASSPHRASE_LENGTH = 12
SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every plain SQLite file; an encrypted file starts with its salt."""

FILE_MODE = 0o600
FOLDER_MODE = 0o700
PAGE_CACHE_KIB = 192 * 1024
"""SQLite's page cache per connection of an encrypted file (SQLCipher's default is ~8 MB), an
upper bound: it grows only with the pages read. A page read from the file must be decrypted
and its HMAC checked; a page in this cache is already plain. At 100 000 households a chef's
caseload of 2 000 cases reads ~150–190 MiB of pages scattered over the file; with a smaller
cache they evict each other on every opening (warm caseload 0.76–1.13 s at 64 MiB, 0.65–0.71 s
at 128, 0.38–0.44 s at 192; process 169 / 236 / 265 MB; issue 21). A handläggare's reads stay
far below it. benchmarks/README.md, "Krypterad lokal databas".

The window's memory is not this × the pool's connections: a working day at 100 000
households (benchmarks/memory.py: three connections) peaked at 465 MB with 192 MiB, 451 with
128, 444 with 96, 412 with 64 and 247 with 2 MiB per connection; a process-wide
`soft_heap_limit` of 256 MiB gave 450, of 64 MiB 337 (issue 21, same machine, back to back).
The caches hold what the day read, ~200–220 MB over all connections; under 400 MB would take
less than ~64 MiB, the caseload's pages evicting each other again."""
READ_ONCE_PAGE_CACHE_KIB = 32 * 1024
"""The page cache of a command that reads its pages about once and ends (`arendestod stats`,
`export`): a cache the window keeps for the next opening only adds to the process's memory
there. At 100 000 households `stats --year --json` for all units peaked at 420 MB with 192
MiB and 252 MB with 32 MiB, in the same time; with SQLCipher's default (2 MiB) it took half
as long again, the statistics reading some pages more than once (issue 21)."""
FREE_SPACE_MARGIN = 50 * 1024 * 1024
"""Room left over after a backup: the upgrade itself and the WAL need some too."""


class KeyRefused(ServiceError):
    """The file cannot be opened with this key; the message says so in Swedish."""


class PassphraseNeeded(ServiceError):
    """The file is locked with a passphrase (or the keyring cannot hold a new key): ask the
    user, then open again with it. `new`: the user chooses one (and types it twice)."""

    def __init__(self, message: str, *, new: bool):
        super().__init__(message)
        self.new = new


@dataclass(frozen=True)
class FileKey:
    """How an encrypted file is unlocked: a raw key from the keyring, or a typed passphrase."""

    pragma: str
    """The argument of SQLCipher's `PRAGMA key` (and of ATTACH … KEY), quoted."""
    typed: bool = False
    """A passphrase the user typed (it can be mistyped), not a key the program keeps: a file
    its kept key does not open is damaged, not locked with another key."""

    @classmethod
    def new_random(cls) -> tuple[FileKey, str]:
        """A new random key, and the text to keep in the keyring."""
        stored = secrets.token_hex(32)
        return cls.from_stored(stored), stored

    @classmethod
    def from_stored(cls, stored: str) -> FileKey:
        if len(stored) != 64 or any(ch not in "0123456789abcdef" for ch in stored):
            raise KeyRefused("Nyckeln i nyckelringen är skadad.")
        return cls(f"\"x'{stored}'\"")

    @classmethod
    def from_passphrase(cls, passphrase: str) -> FileKey:
        if len(passphrase) < MIN_PASSPHRASE_LENGTH:
            raise KeyRefused(f"Lösenfrasen måste ha minst {MIN_PASSPHRASE_LENGTH} tecken.")
        return cls("'" + passphrase.replace("'", "''") + "'", typed=True)


def is_plain_sqlite(path: Path) -> bool:
    """Whether `path` is an unencrypted SQLite database (anyone can read it)."""
    try:
        with path.open("rb") as file:
            return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def protect(path: Path, *, own_folder: bool = False) -> None:
    """Make the file (and its WAL/SHM, if there) readable by the user alone, creating an empty
    file first so that SQLite, which gives new WAL and SHM files the database file's mode,
    never makes one readable by others. `own_folder`: the folder is the program's own (its
    data folder), so it is closed to others as well; a folder the user named is left as it is.
    Nothing to do on Windows, where the user profile's permissions apply."""
    if own_folder or not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        if sys.platform != "win32":
            path.parent.chmod(FOLDER_MODE)
    if sys.platform == "win32":
        return
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists() and stat.S_IMODE(file.stat().st_mode) != FILE_MODE:
            file.chmod(FILE_MODE)


def _unlock(key: FileKey):
    def unlock(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        # a wrong key is reported to the user; SQLCipher need not also print it on stderr
        cursor.execute("PRAGMA cipher_log_level = NONE")
        cursor.execute(f"PRAGMA key = {key.pragma}")
        cursor.close()

    return unlock


def make_encrypted_engine(
    path: Path, key: FileKey, *, own_folder: bool = False, page_cache_kib: int = PAGE_CACHE_KIB
) -> Engine:
    """An engine whose every connection is unlocked with `key` before anything else, with a
    page cache of `page_cache_kib` per connection."""
    import sqlcipher3

    protect(path, own_folder=own_folder)
    engine = create_engine(
        f"sqlite:///{path}", module=sqlcipher3.dbapi2, hide_parameters=True, **SQLITE_POOL
    )
    event.listen(engine, "connect", _unlock(key))
    event.listen(engine, "connect", configure_sqlite)
    event.listen(engine, "connect", _page_cache(page_cache_kib))
    return engine


def _page_cache(kib: int):
    def set_size(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
        cursor.close()

    return set_size


def is_encrypted_engine(engine: Engine) -> bool:
    return getattr(engine.dialect.dbapi, "__name__", "").startswith("sqlcipher3")


def check_free_space(folder: Path, needed: int) -> None:
    """Refuse, in Swedish, when `folder` has less than `needed` bytes (plus a margin) free."""
    free = shutil.disk_usage(folder).free
    wanted = needed + FREE_SPACE_MARGIN
    if free < wanted:
        raise ServiceError(
            f"Det finns inte plats för en säkerhetskopia av databasen i mappen {folder}: "
            f"den behöver {_megabytes(wanted)} ledigt, men där finns bara {_megabytes(free)}. "
            "Frigör utrymme på disken och starta Ärendestöd igen. Databasen är inte ändrad."
        )


def _megabytes(size: int) -> str:
    return f"{max(1, round(size / 1024 / 1024))} MB"


@contextmanager
def _written_atomically(target: Path) -> Iterator[Path]:
    """A temporary file beside `target` to write, renamed to `target` only when the writing
    succeeded: a failed copy (a full disk) never leaves a half or empty file behind."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    protect(partial)
    try:
        yield partial
        os.replace(partial, target)
    except BaseException:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise


def export_copy(engine: Engine, target: Path, key: FileKey | None = None) -> Path:
    """A consistent copy of the database behind `engine` in `target`.

    On SQLCipher the copy is encrypted with `key`, or without it with the database's own key
    (ATTACH without KEY); the database is never written as a plain file. A plain engine
    (tests' fast path only) gets a plain copy (VACUUM INTO)."""
    with _written_atomically(target) as partial:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            if is_encrypted_engine(engine):
                attach = "ATTACH DATABASE ? AS copy" + (f" KEY {key.pragma}" if key else "")
                cursor.execute(attach, (str(partial),))
                try:
                    cursor.execute("SELECT sqlcipher_export('copy')")
                finally:
                    cursor.execute("DETACH DATABASE copy")
            else:
                cursor.execute("VACUUM INTO ?", (str(partial),))
            cursor.close()
        finally:
            raw.close()
        protect(partial)
    return target


def backup_beside(engine: Engine, path: Path, stamp: str) -> Path:
    """A backup of the database file `path` beside it (`<name>.backup-<stamp><suffix>`), after
    checking that it fits on the disk; encrypted with the database's own key."""
    target = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    size = sum(
        file.stat().st_size for file in (path, path.with_name(path.name + "-wal")) if file.exists()
    )
    check_free_space(path.parent, size)
    try:
        return export_copy(engine, target)
    except (OSError, engine.dialect.dbapi.Error) as error:  # type: ignore[union-attr]
        raise ServiceError(
            f"Säkerhetskopian av databasen kunde inte skrivas i mappen {path.parent}: disken "
            "är full eller skrivskyddad, eller så saknas behörighet. Ingen halv kopia finns "
            "kvar och databasen är inte ändrad."
        ) from error


def open_raw(path: Path, key: FileKey | None):
    """A DB-API connection to `path` (SQLCipher's), unlocked with `key` when given."""
    import sqlcipher3

    connection = sqlcipher3.dbapi2.connect(str(path))
    if key is not None:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = {key.pragma}")
    return connection


def table_counts(connection) -> dict[str, int]:
    """Rows per table, every table of the schema."""
    with closing(connection.cursor()) as cursor:
        names = [
            row[0]
            for row in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: cursor.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names
        }
