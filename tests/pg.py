"""A real PostgreSQL server for the tests: $ARENDESTOD_TEST_PG_URL, one database per test.

The URL names a role that may create databases (CI creates a superuser, see `.ci/run`, and
README "För utvecklare"), e.g. postgresql://arendestod_test:lösen@localhost:5432/postgres.

Without the variable the PostgreSQL tests are skipped, with the reason shown by `-ra`;
in CI (`CI=true`) a missing variable is an error instead, so PostgreSQL is never silently
left untested there.

Every test gets a database of its own, copied from a template (migrated once per session)
with `CREATE DATABASE … TEMPLATE …`, and dropped afterwards. Database names carry the
process id, so two test runs against one server do not meet.

$ARENDESTOD_TEST_PG_LOCALE, when set (`.ci/run`: sv_SE.UTF-8), is the locale of the test
databases: a Swedish municipality's server compares text with sv_SE collation, not "C".

Creating a database writes some 300 files; on a slow disk that is ~0.3 s, on tmpfs ~20 ms.
$ARENDESTOD_TEST_PG_TABLESPACE, when set, names a tablespace to create the test databases
in (`.ci/run` makes one on /dev/shm when there is room).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import URL, Engine, create_engine, text
from sqlalchemy.pool import NullPool

from app.db.engine import database_url

URL_VARIABLE = "ARENDESTOD_TEST_PG_URL"
TABLESPACE_VARIABLE = "ARENDESTOD_TEST_PG_TABLESPACE"
LOCALE_VARIABLE = "ARENDESTOD_TEST_PG_LOCALE"

SKIP_REASON = f"ingen PostgreSQL: {URL_VARIABLE} är inte satt (README, För utvecklare)"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


class PgServer:
    """Creates and drops the tests' databases through one AUTOCOMMIT connection pool."""

    def __init__(self, url: str) -> None:
        self.url = database_url(url)
        self.admin: Engine = create_engine(
            self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        self.prefix = f"arendestod_t{os.getpid()}_"
        self.tablespace = os.environ.get(TABLESPACE_VARIABLE, "").strip() or None
        self.locale = os.environ.get(LOCALE_VARIABLE, "").strip() or None
        self._numbers = itertools.count(1)

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

    def _quote(self, name: str) -> str:
        return self.admin.dialect.identifier_preparer.quote(name)

    def _literal(self, value: str) -> str:
        return "'" + value.replace("'", "''") + "'"


def skip_marker() -> pytest.MarkDecorator | None:
    """A skip marker for the PostgreSQL tests when there is no server and this is not CI."""
    if os.environ.get(URL_VARIABLE, "").strip() or in_ci():
        return None
    return pytest.mark.skip(reason=SKIP_REASON)


def uses_postgresql(item: pytest.Item) -> bool:
    """A test on the `[postgresql]` side of a `db`-style parametrization, or one asking for
    the server itself."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "postgresql" in callspec.params.values():
        return True
    return "pg_server" in getattr(item, "fixturenames", ())


def connect_or_skip() -> PgServer:
    """The server from the environment, or skip (locally) / fail (in CI) without one."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if not url:
        if in_ci():
            pytest.fail(
                f"{URL_VARIABLE} är inte satt i CI: PostgreSQL-testerna får inte hoppas över "
                "(.ci/run startar en server och sätter variabeln).",
                pytrace=False,
            )
        pytest.skip(SKIP_REASON)
    server = PgServer(url)
    try:
        server.check()
    except Exception as error:
        server.admin.dispose()
        pytest.fail(f"Kan inte ansluta till {URL_VARIABLE}: {error}", pytrace=False)
    return server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = connect_or_skip()
    try:
        yield server
    finally:
        server.dispose()


@pytest.fixture(scope="session")
def pg_migrated_template(pg_server: PgServer) -> Iterator[str]:
    """A database migrated to head through `open_database`, to copy per test."""
    from app.db.database import open_database

    with pg_server.database(kind="migrated") as name:
        open_database(pg_server.url_string(name)).dispose()
        yield name
