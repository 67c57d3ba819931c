"""Each way the database can fail gets its own Swedish message (app.storage.error_message),
caused for real on SQLite and PostgreSQL wherever the test machine allows: a lock held by
a second connection, a read-only database, a database that may not grow, a damaged file;
and no query parameter (a personnummer) ever appears in an error's text."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg.errors
import pytest
from sqlalchemy import Engine, create_engine, event, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from app import storage
from app.db.database import Database
from app.db.encrypted_file import make_encrypted_engine
from app.db.engine import make_engine
from app.db.failure import Failure, classify
from app.models import Setting
from tests.core.conftest import TEST_KEY

PERSONNUMMER = "191212121212"  # Skatteverket's test number


def _sqlite_path(db: Database) -> Path:
    assert db.engine.url.database is not None
    return Path(db.engine.url.database)


def _failing_write(engine: Engine) -> DBAPIError:
    with pytest.raises(DBAPIError) as caught, engine.begin() as connection:
        connection.execute(update(Setting).values(value="ändrat"))
    return caught.value


def _read_only_engine(path: Path) -> Engine:
    """The test's SQLite file opened read-only, as SQLCipher opens it (the engine the
    program makes, app.db.encrypted_file, takes no URI options): unlocked with the file's
    key (tests/core/conftest.py)."""
    import sqlcipher3

    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    engine = create_engine(url, module=sqlcipher3.dbapi2, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def unlock(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA key = {TEST_KEY.pragma}")

    return engine


@pytest.fixture
def impatient_engine(db: Database) -> Iterator[Engine]:
    """A second engine on the same database that gives up on a lock after 0.1 s."""
    if db.engine.dialect.name == "sqlite":
        engine = make_encrypted_engine(_sqlite_path(db), TEST_KEY)  # the program's own

        @event.listens_for(engine, "connect")
        def short_busy(dbapi_connection, _record) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout = 100")
    else:
        engine = make_engine(db.engine.url)

        @event.listens_for(engine, "connect")
        def short_lock(dbapi_connection, _record) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '100ms'")
            dbapi_connection.commit()

    yield engine
    engine.dispose()


def test_a_lock_held_too_long_is_named(db: Database, impatient_engine: Engine) -> None:
    with db.sessions.begin() as session:
        session.add(Setting(key="test.lock", value="1"))
    holder = db.engine.connect()
    try:
        if db.engine.dialect.name == "sqlite":
            holder.exec_driver_sql("BEGIN IMMEDIATE")
        holder.execute(update(Setting).values(value="hålls"))
        error = _failing_write(impatient_engine)
    finally:
        holder.rollback()
        holder.close()
    assert classify(error) is Failure.LOCKED
    message = storage.error_message(error)
    assert message is not None
    assert "upptagen" in message and "Det du skrivit finns kvar" in message
    assert "Kontakten" not in message


def test_a_read_only_database_is_named(db: Database) -> None:
    if db.engine.dialect.name == "sqlite":
        engine = _read_only_engine(_sqlite_path(db))
    else:
        engine = make_engine(db.engine.url)

        @event.listens_for(engine, "connect")
        def read_only(dbapi_connection, _record) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET default_transaction_read_only = on")
            dbapi_connection.commit()

    try:
        error = _failing_write(engine)
    finally:
        engine.dispose()
    assert classify(error) is Failure.READ_ONLY
    message = storage.error_message(error)
    assert message is not None and "bara läsas" in message
    assert "Det du skrivit finns kvar" in message


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_full_disk_is_named_on_sqlite(tmp_path: Path, db: Database) -> None:

    # the database may not grow by one page more: as if the disk were full
    @event.listens_for(db.engine, "connect")
    def no_growth(dbapi_connection, _record) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    db.engine.dispose()
    with pytest.raises(OperationalError) as caught, db.sessions.begin() as session:
        session.add(Setting(key="test.large", value="x" * 1_000_000))
    assert classify(caught.value) is Failure.DISK_FULL
    message = storage.error_message(caught.value)
    assert message is not None and "disken är full" in message
    assert "Det du skrivit finns kvar" in message


def test_a_full_disk_is_named_on_postgresql() -> None:
    """PostgreSQL's disk cannot be filled here; the error the driver raises then (SQLSTATE
    53100, psycopg's DiskFull) is built as psycopg builds it."""
    error = OperationalError("INSERT …", {}, psycopg.errors.DiskFull("could not extend file"))
    assert classify(error) is Failure.DISK_FULL
    message = storage.error_message(error)
    assert message is not None and "disken är full" in message


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # PostgreSQL's files are its own
def test_a_damaged_page_is_named(db: Database) -> None:
    path = _sqlite_path(db)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        root = connection.scalar(text("SELECT rootpage FROM sqlite_master WHERE name = 'units'"))
        page_size = int(connection.scalar(text("PRAGMA page_size")))  # SQLCipher: text
    db.engine.dispose()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xa5" * page_size)
    with pytest.raises(DBAPIError) as caught, db.engine.connect() as connection:
        connection.execute(text("SELECT * FROM units")).all()
    assert classify(caught.value) is Failure.CORRUPT
    message = storage.error_message(caught.value)
    assert message is not None and "skadad" in message and "säkerhetskopia" in message


def test_a_lost_connection_keeps_its_message() -> None:
    error = OperationalError("SELECT 1", {}, psycopg.OperationalError("server closed"))
    assert classify(error) is Failure.CONNECTION_LOST
    message = storage.error_message(error)
    assert message is not None and message.startswith("Kontakten med databasen bröts")


def test_a_bug_is_no_database_failure(db: Database) -> None:
    with pytest.raises(DBAPIError) as caught, db.engine.connect() as connection:
        connection.execute(text("SELECT no_such_column FROM units"))
    assert classify(caught.value) is None
    assert storage.error_message(caught.value) is None


def test_query_parameters_are_not_in_the_error_text(db: Database) -> None:
    with db.sessions.begin() as session:
        session.add(Setting(key=PERSONNUMMER, value=PERSONNUMMER))
    with pytest.raises(IntegrityError) as caught, db.sessions.begin() as session:
        session.add(Setting(key=PERSONNUMMER, value=PERSONNUMMER))
    assert PERSONNUMMER not in str(caught.value)
    assert "hidden" in str(caught.value)


def test_the_replica_engine_hides_parameters_too(tmp_path: Path) -> None:
    from app.db.replica import ReplicaKey, make_replica_engine

    key, _stored = ReplicaKey.new_random()
    engine = make_replica_engine(tmp_path / "r.sqlcipher", key)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (pnr TEXT UNIQUE)")
            connection.execute(text("INSERT INTO t VALUES (:p)"), {"p": PERSONNUMMER})
        with pytest.raises(IntegrityError) as caught, engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (:p)"), {"p": PERSONNUMMER})
    finally:
        engine.dispose()
    assert PERSONNUMMER not in str(caught.value)


def test_sqlite_result_codes_are_read_from_the_driver() -> None:
    """The driver's own code, not the English text, decides (sqlite3 gives both)."""
    connection = sqlite3.connect(":memory:")
    connection.execute("PRAGMA query_only = 1")
    with pytest.raises(sqlite3.Error) as caught:
        connection.execute("CREATE TABLE t (x)")
    error = OperationalError("CREATE TABLE t (x)", {}, caught.value)
    # query_only refuses with SQLITE_READONLY
    assert classify(error) is Failure.READ_ONLY
