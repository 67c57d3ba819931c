"""The one engine and session factory per database URL."""

from __future__ import annotations

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.orm import Session, sessionmaker

from app.db.audit_chain import register_sqlite_function
from app.db.location import sqlite_file

POSTGRESQL_DRIVER = "postgresql+psycopg"
"""psycopg 3 is the project's PostgreSQL driver; plain postgresql:// URLs are mapped to it."""


SQLITE_POOL = {"pool_use_lifo": True}
"""A SQLite file's pool hands out the connection returned last: SQLite's page cache is per
connection (on an encrypted file it holds pages already decrypted and checked), and once two
calls have overlapped the pool holds two connections, which it would otherwise hand out in
turn, each with the pages the other had read missing."""


def database_url(url: str | URL) -> URL:
    """The URL with its driver made explicit: `postgresql://` (and `postgres://`) → psycopg 3.

    Other drivers given explicitly (e.g. `postgresql+psycopg2://`) are left as they are.
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername=POSTGRESQL_DRIVER)
    return parsed


def configure_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
    register_sqlite_function(dbapi_connection)  # the audit chain's trigger (migration 0027)


def keep_primary_message(context: ExceptionContext) -> None:
    """PostgreSQL's errors say what failed in their primary message and repeat the row's
    values in their DETAIL ("Key (personal_number)=(19121212…) already exists"): the
    error's text keeps the primary message only; the rest stays in `orig.diag`."""
    original = context.original_exception
    primary = getattr(getattr(original, "diag", None), "message_primary", None)
    if not primary:
        return
    full = str(original)
    original.args = (primary,)
    wrapped = context.sqlalchemy_exception  # its text was made from the original's
    if wrapped is not None and wrapped.args and isinstance(wrapped.args[0], str):
        wrapped.args = (wrapped.args[0].replace(full, primary), *wrapped.args[1:])


def make_engine(url: str | URL) -> Engine:
    """The engine for `url`. Every engine hides its query parameters (`hide_parameters`):
    an error's text and the log then never hold a personnummer or a name."""
    parsed = database_url(url)
    path = sqlite_file(parsed.render_as_string(hide_password=False))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == "postgresql":
        # A shared server: connections may be closed by it (restarts, idle timeouts);
        # check before use instead of failing the user's next action. Sessions work in
        # UTC, as on SQLite (which stores UTC without a zone): date and month expressions
        # over timestamptz columns then give the same answers on both databases. A server
        # that does not answer is given up on after 5 s (the window says so), not the
        # operating system's minutes. No server-side prepared statements (psycopg
        # prepares a statement on its sixth run): their generic plans do not know the
        # parameters, and a name search's prefix range then scans a whole name index
        # (16 ms instead of 4 for a common surname).
        engine = create_engine(
            parsed,
            hide_parameters=True,
            pool_pre_ping=True,
            connect_args={
                "options": "-c timezone=UTC",
                "connect_timeout": 5,
                "prepare_threshold": None,
            },
        )
        event.listen(engine, "handle_error", keep_primary_message)
        return engine
    engine = create_engine(parsed, hide_parameters=True, **(SQLITE_POOL if path else {}))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", configure_sqlite)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: widgets keep showing loaded values after a save.
    return sessionmaker(engine, expire_on_commit=False)
