"""The database this run works with, as the windows see it: which one (--db, $ARENDESTOD_DB,
the configuration files' database.url, else the local SQLite file, which is encrypted:
app.security.local_key), opened and migrated, the schema revision it is at, where the
laptop's offline replica lives, and what to tell the user when the database itself fails.

The UI never imports app.db (a contract in pyproject.toml, docs/ARCHITECTURE.md): engines,
migrations and server roles stay in the core, and this module is all of them a window uses.
The encrypted replica is opened through app.offline.offline_replica instead.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from app.db import health
from app.db.database import Database
from app.db.encrypted_file import PassphraseNeeded
from app.db.failure import Failure, classify
from app.db.health import DatabaseDamaged, DatabaseMissing
from app.db.location import default_replica_path, resolve_database_url, sqlite_file
from app.db.migrate import HEAD_REVISION, current_revision
from app.security.local_key import open_for_user
from app.settings import known_databases
from app.statistics import facts

__all__ = [
    "HEAD_REVISION",
    "Database",
    "DatabaseDamaged",
    "DatabaseMissing",
    "PassphraseNeeded",
    "check_whole_database",
    "default_replica_path",
    "error_message",
    "open_database",
    "resolve_database_url",
    "schema_revision",
    "start_new_database",
]


def open_database(url: str | None = None, *, passphrase: str | None = None) -> Database:
    """Open (and migrate) the database this run uses; a local SQLite file is the encrypted
    file of app.security.local_key, and PassphraseNeeded asks the window to get the user's
    passphrase (then call again with it). A local file whose statistics' kept facts are
    missing or of an older definition (after an upgrade) gets them built here, as part of
    the upgrade: on a workstation there is no IT to run `arendestod stats rebuild`."""
    database = open_for_user(url, passphrase=passphrase)
    if database.engine.dialect.name == "sqlite":
        with database.sessions.begin() as session:
            facts.build_if_missing(session)
    return database


def schema_revision(database: Database) -> str | None:
    """The revision the database's schema is at; None for an empty database."""
    return current_revision(database.engine)


KEPT = "Det du skrivit finns kvar i fönstret."

FAILURE_MESSAGES: dict[Failure, str] = {
    Failure.DISK_FULL: (
        "Det gick inte att spara: disken är full. " + KEPT + " Frigör utrymme på disken "
        "(eller be IT göra det för servern) och spara igen."
    ),
    Failure.READ_ONLY: (
        "Det gick inte att spara: databasen kan just nu bara läsas, inte ändras (filen eller "
        "mappen är skrivskyddad, eller servern tar bara emot läsningar). " + KEPT + " "
        "Kontakta IT."
    ),
    Failure.LOCKED: (
        "Det gick inte att spara: databasen är upptagen av en annan användare eller ett annat "
        "program och blev inte ledig i tid. " + KEPT + " Försök igen om en stund."
    ),
    Failure.CORRUPT: (
        "Databasen är skadad och kan inte läsas. " + KEPT + " Kopiera det viktigaste till "
        "ett annat ställe, avsluta programmet och kontakta IT: databasen behöver återställas "
        "från en säkerhetskopia."
    ),
    Failure.CONNECTION_LOST: (
        "Kontakten med databasen bröts. " + KEPT[:-1] + "; försök igen om en stund."
    ),
}
"""One message per kind of failure (app.db.failure): each asks the user something else."""


def start_new_database(url: str, *, passphrase: str | None = None) -> Database:
    """The user confirmed it: a new, empty database where the old one is missing or empty.
    An empty file (and its WAL) is renamed aside, not deleted; the start is a first run."""
    path = sqlite_file(url)
    if path is not None:
        health.set_aside(path)
        known_databases.forget(path)
    return open_database(url, passphrase=passphrase)


def check_whole_database(database: Database) -> DatabaseDamaged | None:
    """Every page of a local file read (slow: in the background, at most once a day);
    None when whole, not due or not a local file."""
    if not health.full_check_due(database.engine):
        return None
    return health.check_whole_file(database.engine)


def error_message(error: BaseException) -> str | None:
    """What to tell the user, in Swedish, when a call failed in the database rather than in
    a rule: someone else saved first (the rows' `version` no longer matches), the disk is
    full, the database is read-only, locked too long, damaged, or the connection broke, or
    the shared server refused the change (its reason, where it gives one). None for any
    other error."""
    if isinstance(error, StaleDataError):
        return (
            "Någon annan har ändrat samma uppgifter under tiden. Ingenting skrevs över. "
            "Läs in ärendet på nytt och gör ändringen igen."
        )
    failure = classify(error)
    if failure is not None:
        return FAILURE_MESSAGES[failure]
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
