"""Is the local database file whole? Checked when it is opened, so that damage is named
(the file, the problem, the newest backup beside it, what to do) instead of a new empty
database silently taking its place or an "unexpected error".

Three checks, from cheap to thorough:

- before opening (`check_before_open`): a file this program has had content in
  (app.settings.known_databases) that is now missing or 0 bytes stops the start; a plain
  SQLite file whose header says it is longer than it is was cut short. Only the file's
  size and first 100 bytes are read, so this works on an encrypted (SQLCipher) file too:
  its header is noise, and is left to the next check.
- right after opening (`check_after_open`): the schema is read; SQLite's "file is not a
  database" or "disk image is malformed" there means a damaged file. An encrypted file
  that its key from the keyring does not open is damaged too (app.db.local_file): that key
  was made for the file and cannot be mistyped; only a typed passphrase can be wrong.
- the whole file (`quick_check`, SQLite's PRAGMA quick_check): every page is read, which
  takes 1 s on a warm 1 GB file (20 000 households) and 12 s on a cold one, so ~5 and ~50 s
  at 100 000 households. Too slow for every start: the window runs it in the background,
  at most once a day (`full_check_due`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from app.common.errors import ServiceError
from app.db.encrypted_file import SQLITE_HEADER
from app.db.failure import Failure, classify
from app.db.location import sqlite_file
from app.settings import known_databases

FULL_CHECK_INTERVAL = timedelta(days=1)
MAX_REPORTED_PROBLEMS = 3


class DatabaseDamaged(ServiceError):
    """The database file is damaged; the message names it, the problem and the backup."""

    def __init__(self, path: Path, problem: str, details: list[str] | None = None):
        self.path = path
        self.problem = problem
        self.details = list(details or [])
        super().__init__(damage_message(path, problem, self.details))


class DatabaseMissing(ServiceError):
    """A database file this program created is gone or empty (0 bytes)."""

    def __init__(self, path: Path, *, empty: bool):
        self.path = path
        self.empty = empty
        super().__init__(missing_message(path, empty=empty))


def backups_of(path: Path) -> list[Path]:
    """The upgrade backups beside `path` (`<name>.backup-<time>…`), newest first."""
    if not path.parent.is_dir():
        return []
    found = [
        candidate
        for candidate in path.parent.glob(f"{path.stem}.backup-*")
        if candidate.is_file() and not candidate.name.endswith(("-wal", "-shm", "-journal"))
    ]
    # the name carries the time (…backup-20261206T150000Z…): newest last in name order
    return sorted(found, key=lambda candidate: candidate.name, reverse=True)


def _backup_sentence(path: Path) -> str:
    backups = [backup for backup in backups_of(path) if backup.stat().st_size > 0]
    if not backups:
        return "Det finns ingen säkerhetskopia bredvid filen; fråga IT efter datorns backup."
    newest = backups[0]
    made = datetime.fromtimestamp(newest.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    return f"Den senaste säkerhetskopian bredvid den är {newest} (från {made})."


def damage_message(path: Path, problem: str, details: list[str] | None = None) -> str:
    message = (
        f"Databasfilen {path} är skadad: {problem}. Ärendestöd har inte ändrat något i den."
        f"\n\n{_backup_sentence(path)}\n\nKontakta IT: flytta den skadade filen till en "
        "annan mapp (spara den, delar av den kan gå att rädda) och lägg säkerhetskopian på "
        "dess plats med samma namn."
    )
    if details:
        message += "\n\nTekniska uppgifter: " + "; ".join(details[:MAX_REPORTED_PROBLEMS])
    return message


def missing_message(path: Path, *, empty: bool) -> str:
    what = "är tom (0 byte)" if empty else "finns inte"
    return (
        f"Databasfilen {path} {what}, fast Ärendestöd har haft en databas med uppgifter "
        "där. Den kan ha flyttats, raderats eller skrivits över. Ingen ny databas har "
        f"skapats.\n\n{_backup_sentence(path)}\n\nKontakta IT för att få tillbaka filen. "
        "Starta en ny, tom databas bara om de gamla uppgifterna inte behövs."
    )


def check_before_open(url: str) -> None:
    """Stop before SQLite makes a new, empty database where one with content was."""
    path = sqlite_file(url)
    if path is None or path.name.startswith("file:"):
        return
    if not path.exists() or path.stat().st_size == 0:
        if known_databases.was_created(path):
            raise DatabaseMissing(path, empty=path.exists())
        return
    problem = _header_problem(path)
    if problem is not None:
        raise DatabaseDamaged(path, problem)


def _header_problem(path: Path) -> str | None:
    """What the first 100 bytes of a plain SQLite file say is wrong with it, if anything.
    A file without SQLite's header (an encrypted one, or noise) is left to the open."""
    size = path.stat().st_size
    with path.open("rb") as file:
        header = file.read(100)
    if not header.startswith(SQLITE_HEADER):
        return None
    if len(header) < 100:
        return "filen är avkortad (bara en del av första sidan finns)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid_for = int.from_bytes(header[92:96], "big")
    change_counter = int.from_bytes(header[24:28], "big")
    if pages and valid_for == change_counter and size < pages * page_size:
        return (
            f"filen är avkortad: den är {size} byte men ska enligt sitt huvud vara "
            f"{pages * page_size} byte"
        )
    return None


def check_after_open(engine: Engine) -> None:
    """Read the schema: a damaged first page or schema fails here, not later as an
    unexpected error."""
    if engine.dialect.name != "sqlite":
        return
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
    except DBAPIError as error:
        if classify(error) is Failure.CORRUPT:
            path = sqlite_file(engine.url.render_as_string(hide_password=False))
            raise DatabaseDamaged(
                path or Path(str(engine.url.database)),
                "filen är inte en databas, eller dess första sida är förstörd",
            ) from error
        raise


def remember(url: str) -> None:
    """Note a file that now holds a database, so that its loss is noticed later."""
    path = sqlite_file(url)
    if path is not None and path.is_file() and path.stat().st_size > 0:
        known_databases.remember(path)


def quick_check(engine: Engine) -> list[str]:
    """SQLite's PRAGMA quick_check: every page read, the problems found (empty when whole).
    Its lines name pages and indexes, never row content."""
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("PRAGMA quick_check(10)").all()
    except DBAPIError as error:
        if classify(error) is Failure.CORRUPT:
            return [str(getattr(error, "orig", error))]
        raise
    lines = [str(row[0]) for row in rows]
    return [] if lines == ["ok"] else lines


def full_check_due(engine: Engine, *, now: datetime | None = None) -> bool:
    """A SQLite file not checked whole in the last day."""
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    if engine.dialect.name != "sqlite" or path is None or not path.is_file():
        return False
    checked = known_databases.last_checked(path)
    return checked is None or (now or datetime.now(UTC)) - checked >= FULL_CHECK_INTERVAL


def check_whole_file(engine: Engine) -> DatabaseDamaged | None:
    """The quick check of the whole file, noted as done; the damage found, if any."""
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    if path is None:
        return None
    problems = quick_check(engine)
    if problems:
        return DatabaseDamaged(path, "sidor i filen går inte att läsa", problems)
    known_databases.mark_checked(path)
    return None


def set_aside(path: Path) -> Path | None:
    """Before a new database is made where an empty one lies: the empty file (and its
    WAL, which may still hold pages) renamed `<name>.tom-<time>`, nothing deleted."""
    if path.exists() and path.stat().st_size > 0:
        return None  # a file with content is never moved by this
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = None
    for suffix in ("", "-wal", "-shm"):
        source = path.with_name(path.name + suffix)
        if source.exists():
            target = path.with_name(f"{path.name}.tom-{stamp}{suffix}")
            source.rename(target)
            kept = kept or target
    return kept
