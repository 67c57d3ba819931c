"""The local database's key, and opening the local database for a user with it.

Every way the program opens a SQLite file for a user (the window, every command, the demo)
comes here: the file is a SQLCipher file (app.db.encrypted_file), its key 32 random bytes in
the operating system's keyring under `local-db-key:<the file's full path>`
(app.security.credentials), or, on a computer without a keyring, a passphrase of at least 12
characters that the user chooses on the first start and types at every start. The key is
never written anywhere else: a lost key or passphrase means the data cannot be read.
A shared PostgreSQL server needs no key here (the server is the boundary).
"""

from __future__ import annotations

from pathlib import Path

from app.db import encrypted_file, health
from app.db.database import Database, open_database
from app.db.encrypted_file import FileKey
from app.db.location import resolve_database_url, sqlite_file
from app.security import credentials


class LocalPassphraseNeeded(encrypted_file.PassphraseNeeded):
    """Ask the user for the local database's passphrase (a new one when `new`)."""

    def __init__(self, path: Path, *, new: bool):
        super().__init__(
            f"Välj en lösenfras för databasen (minst {encrypted_file.MIN_PASSPHRASE_LENGTH} "
            "tecken). Databasen krypteras med den.\nDatorn har ingen nyckelring där nyckeln "
            "kan sparas, så lösenfrasen frågas efter vid varje start.\nGlömmer du lösenfrasen "
            f"går uppgifterna inte att läsa.\n\nDatabasen: {path}"
            if new
            else f"Skriv lösenfrasen för databasen {path}.",
            new=new,
        )
        self.path = path


def key_for(path: Path, passphrase: str | None = None) -> FileKey:
    """The key of the local database file at `path`: the keyring's, else the passphrase;
    a new random key in the keyring for a file not yet encrypted, if the keyring takes it."""
    stored = credentials.saved_local_key(path)
    if stored is not None:
        return FileKey.from_stored(stored)
    if passphrase is not None:
        return FileKey.from_passphrase(passphrase)
    encrypted = (
        path.exists() and path.stat().st_size > 0 and not encrypted_file.is_plain_sqlite(path)
    )
    if encrypted:
        raise LocalPassphraseNeeded(path, new=False)
    key, stored = FileKey.new_random()
    if not credentials.save_local_key(path, stored):
        raise LocalPassphraseNeeded(path, new=True)
    return key


def open_for_user(
    url: str | None = None,
    *,
    passphrase: str | None = None,
    upgrade: bool = True,
    page_cache_kib: int | None = None,
) -> Database:
    """Open the database this run uses: a local SQLite file encrypted with its key (a plain
    one from an older version converted first), any other database as it is. Raises
    LocalPassphraseNeeded when the user must type (or choose) the passphrase.
    `page_cache_kib`: the local file's page cache per connection (default: the window's)."""
    resolved = resolve_database_url(url)
    health.check_before_open(resolved)  # a missing database is told, not asked a passphrase for
    path = sqlite_file(resolved)
    if path is None:
        return open_database(resolved, upgrade=upgrade)
    return open_database(
        resolved, upgrade=upgrade, key=key_for(path, passphrase), page_cache_kib=page_cache_kib
    )
