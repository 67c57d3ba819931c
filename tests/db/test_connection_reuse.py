"""The page cache lives in a connection: SQLite keeps the pages it has read (on an encrypted
file, decrypted and checked) per connection, so the next call should get the connection the
last one used. Once two calls overlapped (the chef's page reads its caseload and its review
status side by side), the pool holds two connections; handed out in turn, every other
search would start on a connection that had not read its pages."""

from __future__ import annotations

from pathlib import Path

from app.db.database import Database, open_database
from tests.core.conftest import TEST_KEY


def _last_used_is_reused(database: Database) -> None:
    engine = database.engine
    first, second = engine.raw_connection(), engine.raw_connection()  # two calls overlap
    first_driver, second_driver = first.driver_connection, second.driver_connection
    first.close()
    second.close()  # returned last: its cache holds what was read last
    for _ in range(3):
        again = engine.raw_connection()
        assert again.driver_connection is second_driver
        assert again.driver_connection is not first_driver
        again.close()


def test_an_encrypted_file_hands_out_the_connection_used_last(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'local.sqlite3'}", key=TEST_KEY)
    try:
        _last_used_is_reused(database)
    finally:
        database.dispose()


def test_a_plain_file_hands_out_the_connection_used_last(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'plain.sqlite3'}", plain_sqlite_for_tests=True)
    try:
        _last_used_is_reused(database)
    finally:
        database.dispose()
