"""The database this run works with, as the windows see it: which one (--db, $ARENDESTOD_DB,
the configuration files' database.url, else the local SQLite file, which is encrypted:
app.security.local_key), opened and migrated, the schema revision it is at, where the
laptop's offline replica lives, and what to tell the user when the database itself fails.

The UI never imports app.db (a contract in pyproject.toml, docs/ARCHITECTURE.md): engines,
migrations and server roles stay in the core, and this module is all of them a window uses.
The encrypted replica is opened through app.offline.offline_replica instead.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.db.database import Database
from app.db.encrypted_file import PassphraseNeeded
from app.db.location import default_replica_path, resolve_database_url
from app.db.migrate import HEAD_REVISION, current_revision
from app.security.local_key import open_for_user

__all__ = [
    "HEAD_REVISION",
    "Database",
    "PassphraseNeeded",
    "default_replica_path",
    "error_message",
    "open_database",
    "resolve_database_url",
    "schema_revision",
]


def open_database(url: str | None = None, *, passphrase: str | None = None) -> Database:
    """Open (and migrate) the database this run uses; a local SQLite file is the encrypted
    file of app.security.local_key, and PassphraseNeeded asks the window to get the user's
    passphrase (then call again with it)."""
    return open_for_user(url, passphrase=passphrase)


def schema_revision(database: Database) -> str | None:
    """The revision the database's schema is at; None for an empty database."""
    return current_revision(database.engine)


def error_message(error: BaseException) -> str | None:
    """What to tell the user, in Swedish, when a call failed in the database rather than in
    a rule: someone else saved first (the rows' `version` no longer matches), the
    connection broke, or the shared server refused the change (its reason, where it gives
    one). None for any other error."""
    if isinstance(error, StaleDataError):
        return (
            "Någon annan har ändrat samma uppgifter under tiden. Ingenting skrevs över. "
            "Läs in ärendet på nytt och gör ändringen igen."
        )
    if isinstance(error, OperationalError):
        return (
            "Kontakten med databasen bröts. Det du skrivit finns kvar i fönstret; "
            "försök igen om en stund."
        )
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None)
    if isinstance(error, DBAPIError) and sqlstate in ("42501", "23514"):
        # refused by the shared server's own rules: its functions (arendestod_*) say why in
        # Swedish (no right: 42501; a rule of the content, e.g. signing: 23514);
        # PostgreSQL's own refusals (grants, row-level security) are in English
        diag = getattr(error.orig, "diag", None)
        said = getattr(diag, "message_primary", None)
        if said and "arendestod_" in (getattr(diag, "context", None) or ""):
            return f"Servern tog inte emot ändringen: {said}"
        if sqlstate == "42501":
            return "Servern tog inte emot ändringen: du har inte behörighet till de uppgifterna."
    return None
