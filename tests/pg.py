"""A real PostgreSQL server for the tests, one database per test.

The server is $ARENDESTOD_TEST_PG_URL when set: a role that may create databases (CI creates
a superuser, see `.ci/postgres.sh`), e.g.
postgresql://arendestod_test:lösen@localhost:5432/postgres. Otherwise the tests start a
throwaway server of their own, once per session, when the first PostgreSQL test needs it
(tests/pg_start.py: pgserver's programs or the distribution's; ~1 s) and stop it at the
end. Only where none can start are the PostgreSQL tests skipped, with one line in the
summary saying why. In CI (`CI=true`) the variable must be set, and a server it names that
does not answer is an error, so PostgreSQL is never silently left untested there.

Every test gets a database of its own, copied from a template (migrated once per session)
with `CREATE DATABASE … TEMPLATE …`, and dropped afterwards. Database names carry the
process id, so two test runs against one server do not meet.

These describe the server at $ARENDESTOD_TEST_PG_URL (a started server sets its own):
$ARENDESTOD_TEST_PG_LOCALE (`.ci/postgres.sh`: sv_SE.UTF-8) is the locale of the test
databases: a Swedish municipality's server compares text with sv_SE collation, not "C".
A started server uses sv_SE.UTF-8 when the machine has that locale.
$ARENDESTOD_TEST_PG_LOG is the server's log file, read by the pgaudit test.
Creating a database writes some 300 files; on a slow disk that is ~0.3 s, on tmpfs ~20 ms.
$ARENDESTOD_TEST_PG_TABLESPACE, when set, names a tablespace to create the test databases
in (`.ci/postgres.sh` makes one on /dev/shm when there is room).
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import URL, Engine, create_engine, text
from sqlalchemy.pool import NullPool

from app.db.engine import database_url
from tests.pg_start import NoServer, StartedServer, start_server

URL_VARIABLE = "ARENDESTOD_TEST_PG_URL"
TABLESPACE_VARIABLE = "ARENDESTOD_TEST_PG_TABLESPACE"
LOCALE_VARIABLE = "ARENDESTOD_TEST_PG_LOCALE"
LOG_VARIABLE = "ARENDESTOD_TEST_PG_LOG"
SWEDISH = "sv_SE.UTF-8"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


class PgServer:
    """Creates and drops the tests' databases through one AUTOCOMMIT connection pool."""

    def __init__(
        self,
        url: str,
        *,
        locale: str | None = None,
        tablespace: str | None = None,
        log: Path | None = None,
    ) -> None:
        self.url = database_url(url)
        self.admin: Engine = create_engine(
            self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        self.prefix = f"arendestod_t{os.getpid()}_"
        self.locale = locale
        self.tablespace = tablespace
        self.log = log
        """The server's log file, when the tests may read it."""
        self._numbers = itertools.count(1)

    @classmethod
    def from_environment(cls, url: str) -> PgServer:
        """The server at `url`, described by the other ARENDESTOD_TEST_PG_* variables."""
        log = os.environ.get(LOG_VARIABLE, "").strip()
        return cls(
            url,
            locale=os.environ.get(LOCALE_VARIABLE, "").strip() or None,
            tablespace=os.environ.get(TABLESPACE_VARIABLE, "").strip() or None,
            log=Path(log) if log else None,
        )

    def check(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text("SELECT 1"))

    def new_name(self, kind: str = "db") -> str:
        return f"{self.prefix}{kind}{next(self._numbers)}"

    def url_for(self, name: str) -> URL:
        return self.url.set(database=name)

    def url_string(self, name: str) -> str:
        return self.url_for(name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> None:
        quoted = self._quote(name)
        sql = f"CREATE DATABASE {quoted}"
        if template is not None:
            sql += f" TEMPLATE {self._quote(template)}"  # its encoding and locale come along
        else:
            sql += " TEMPLATE template0 ENCODING 'UTF8'"
            if self.locale is not None:
                sql += f" LOCALE {self._literal(self.locale)}"
        if self.tablespace is not None:
            sql += f" TABLESPACE {self._quote(self.tablespace)}"
        with self.admin.connect() as connection:
            connection.execute(text(sql))

    def drop(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {self._quote(name)} WITH (FORCE)"))

    @contextmanager
    def database(self, template: str | None = None, kind: str = "db") -> Iterator[str]:
        """A new database (empty, or a copy of `template`), dropped on leaving."""
        name = self.new_name(kind)
        self.create(name, template)
        try:
            yield name
        finally:
            self.drop(name)

    def drop_role(self, name: str) -> None:
        """Drop a role made by a test (roles belong to the whole server), ending any
        connection of it first."""
        with self.admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :r"),
                {"r": name},
            )
            connection.execute(text(f"DROP ROLE IF EXISTS {self._quote(name)}"))

    def dispose(self) -> None:
        with self.admin.connect() as connection:
            leftovers = connection.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
                {"prefix": self.prefix.replace("_", r"\_") + "%"},
            ).scalars()
            names = list(leftovers)
        for name in names:
            self.drop(name)
        self.admin.dispose()

    def accepts_locale(self, locale: str) -> bool:
        """Whether the server can create a database with `locale` (the machine has it)."""
        name = self.new_name("locale")
        try:
            with self.admin.connect() as connection:
                connection.execute(
                    text(
                        f"CREATE DATABASE {self._quote(name)} TEMPLATE template0 "
                        f"ENCODING 'UTF8' LOCALE {self._literal(locale)}"
                    )
                )
        except Exception:
            return False
        self.drop(name)
        return True

    def _quote(self, name: str) -> str:
        return self.admin.dialect.identifier_preparer.quote(name)

    def _literal(self, value: str) -> str:
        return "'" + value.replace("'", "''") + "'"


class NoPostgreSQL(pytest.skip.Exception):
    """Skips a PostgreSQL test: no server. Raised once by the session's `pg_server` and again
    for every test that asks for it; `one_summary_line` gives them one line in `-ra`."""


def one_summary_line(report: pytest.TestReport, call: pytest.CallInfo) -> None:
    """A skip for NoPostgreSQL reported at `connect_or_start` instead of at the test (where
    pytest puts a fixture's skip): the summary folds the same place and reason into one line."""
    if report.skipped and call.excinfo is not None and call.excinfo.errisinstance(NoPostgreSQL):
        reason = str(call.excinfo.value.msg)
        report.longrepr = (__file__, connect_or_start.__code__.co_firstlineno, reason)


started: StartedServer | None = None
"""The server this session started, if any (for the summary line, tests/conftest.py)."""
start_seconds = 0.0


def connect_or_start() -> PgServer:
    """The server at $ARENDESTOD_TEST_PG_URL, else one started here; skip (locally) or fail
    (in CI) without either."""
    global started, start_seconds
    url = os.environ.get(URL_VARIABLE, "").strip()
    if url:
        server = PgServer.from_environment(url)
        try:
            server.check()
        except Exception as error:
            server.admin.dispose()
            pytest.fail(f"Kan inte ansluta till {URL_VARIABLE}: {error}", pytrace=False)
        return server
    if in_ci():
        pytest.fail(
            f"{URL_VARIABLE} är inte satt i CI: PostgreSQL-testerna ska köras mot CI:s server "
            "(.ci/run startar en och sätter variabeln).",
            pytrace=False,
        )
    begun = time.monotonic()
    try:
        started = start_server()
    except NoServer as error:
        raise NoPostgreSQL(
            f"ingen PostgreSQL: {URL_VARIABLE} är inte satt och ingen server kunde startas "
            f"({error}) (README, För utvecklare)"
        ) from None
    server = PgServer(started.url, log=started.log)
    try:
        server.check()
        if server.accepts_locale(SWEDISH):
            server.locale = SWEDISH
    except Exception:
        server.admin.dispose()
        started.stop()
        started = None
        raise
    start_seconds = time.monotonic() - begun
    return server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = connect_or_start()
    try:
        yield server
    finally:
        try:
            server.dispose()
        finally:
            if started is not None:
                started.stop()


@pytest.fixture(scope="session")
def pg_migrated_template(pg_server: PgServer) -> Iterator[str]:
    """A database migrated to head through `open_database`, to copy per test."""
    from app.db.database import open_database

    with pg_server.database(kind="migrated") as name:
        # The migrations make the server's roles (arendestod_app, …) when missing: roles
        # belong to the whole server, and on a fresh one the test workers' "IF NOT EXISTS …
        # CREATE ROLE" race (all but one fail on the unique role name). One at a time.
        with pg_server.admin.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            try:
                open_database(pg_server.url_string(name)).dispose()
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
        yield name


MIGRATION_LOCK = 0x4152454E  # "AREN": the advisory lock the test sessions migrate under
