"""A local database file that is missing, empty or damaged is named when it is opened:
the file, the problem and the newest backup beside it. Nothing is silently replaced by a
new, empty database; a true first start still makes one. Real files, really damaged: the
local database as a user has it, a SQLCipher file opened with its key from the keyring
(app.security.local_key.open_for_user; `memory_keyring` is the keyring)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import keyring.backends.null
import pytest
from sqlalchemy import text

from app import storage
from app.db import health, migrate
from app.db.database import Database, open_database
from app.db.encrypted_file import FileKey, KeyRefused, is_plain_sqlite
from app.models import Setting
from app.security import credentials
from app.security.local_key import open_for_user
from app.settings import known_databases

PASSPHRASE = "en lång lösenfras för testet"


@pytest.fixture
def path(tmp_path: Path, memory_keyring) -> Path:
    """Where the local database is; the keyring keeps its key, as on a user's computer."""
    return tmp_path / "data" / "arendestod.sqlite3"


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _open(path: Path, *, upgrade: bool = True) -> Database:
    """Open the local database as the program does: encrypted, the key from the keyring."""
    return open_for_user(_url(path), upgrade=upgrade)


def _backup(path: Path) -> Path:
    """An upgrade's backup beside the file (encrypted with the file's key)."""
    database = _open(path)
    try:
        return migrate.backup_sqlite_file(database.engine, path)
    finally:
        database.dispose()


def _made(path: Path) -> None:
    """A database with something in it, closed, its WAL folded into the file."""
    database = _open(path)
    with database.sessions.begin() as session:
        session.add(Setting(key="test.content", value="ett värde"))
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()


def test_a_first_start_makes_a_new_database(path: Path) -> None:
    database = _open(path)
    database.dispose()
    assert path.stat().st_size > 0 and not is_plain_sqlite(path)
    assert known_databases.was_created(path)


def test_an_emptied_file_is_not_replaced_silently(path: Path) -> None:
    _made(path)
    backup = _backup(path)
    path.write_bytes(b"")
    with pytest.raises(health.DatabaseMissing) as caught:
        _open(path)
    message = str(caught.value)
    assert str(path) in message and "är tom (0 byte)" in message
    assert str(backup) in message
    assert "Ingen ny databas har skapats" in message
    assert path.stat().st_size == 0  # nothing written where the data was


def test_a_missing_file_is_not_replaced_silently(path: Path) -> None:
    _made(path)
    path.unlink()
    with pytest.raises(health.DatabaseMissing, match="finns inte") as caught:
        _open(path)
    assert "ingen säkerhetskopia" in str(caught.value)
    assert not path.exists()


def test_a_new_database_only_when_the_user_chooses_it(path: Path) -> None:
    _made(path)
    path.write_bytes(b"")
    database = storage.start_new_database(_url(path))
    try:
        assert storage.schema_revision(database) == migrate.HEAD_REVISION
    finally:
        database.dispose()
    set_aside = list(path.parent.glob("arendestod.sqlite3.tom-*"))
    assert len(set_aside) == 1 and set_aside[0].stat().st_size == 0


def test_newest_backup_is_named_first(path: Path) -> None:
    _made(path)
    older = path.with_name("arendestod.backup-20261101T080000Z.sqlite3")
    newer = path.with_name("arendestod.backup-20261201T080000Z.sqlite3")
    for backup in (newer, older):
        backup.write_bytes(path.read_bytes())
    assert health.backups_of(path) == [newer, older]
    path.unlink()
    with pytest.raises(health.DatabaseMissing) as caught:
        _open(path)
    assert str(newer) in str(caught.value) and str(older) not in str(caught.value)


def _garbage(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes("Det här är ingen databas. ".encode() * 400)


def test_a_file_that_is_no_database_is_named(path: Path) -> None:
    """The file the keyring's key was made for no longer opens with it: not a wrong key
    (nobody typed it) but a damaged file, named with its newest backup."""
    _garbage(path)
    credentials.save_local_key(path, FileKey.new_random()[1])
    backup = path.with_name("arendestod.backup-20261201T080000Z.sqlite3")
    backup.write_bytes(b"en krypterad kopia")
    with pytest.raises(health.DatabaseDamaged) as caught:
        _open(path)
    message = str(caught.value)
    assert str(path) in message and "är skadad" in message and "inte en databas" in message
    assert str(backup) in message
    assert "lösenfras" not in message and "DatabaseError" not in message


def test_a_typed_passphrase_that_does_not_open_the_file_is_refused(path: Path) -> None:
    """No key in the keyring: the passphrase the user typed may be mistyped, so that is
    what is said, and the file is not called damaged."""
    _garbage(path)
    with pytest.raises(KeyRefused, match="fel nyckel eller lösenfras") as caught:
        open_for_user(_url(path), passphrase=PASSPHRASE)
    assert not isinstance(caught.value, health.DatabaseDamaged)


@pytest.mark.parametrize("passphrase", [None, PASSPHRASE], ids=["keyring", "passphrase"])
def test_a_file_cut_short_is_named(path: Path, passphrase: str | None) -> None:
    """The key opens the first page and SQLite then finds pages missing: damage, whether
    the key was the keyring's or a passphrase the user typed (which was right)."""
    if passphrase is not None:
        keyring.set_keyring(keyring.backends.null.Keyring())  # a computer without one
    database = open_for_user(_url(path), passphrase=passphrase)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.truncate(size // 2)
    with pytest.raises(health.DatabaseDamaged, match="avkortad eller förstörd"):
        open_for_user(_url(path), passphrase=passphrase)


def test_a_plain_file_from_an_older_version_cut_short_is_named_not_converted(
    path: Path,
) -> None:
    """A plain file (from before encryption at rest, made here with the tests' plain
    path) says in its header how long it should be: checked before it is converted."""
    database = open_database(_url(path), plain_sqlite_for_tests=True)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.truncate(size // 2)
    with pytest.raises(health.DatabaseDamaged, match="avkortad: den är"):
        _open(path)
    assert is_plain_sqlite(path) and path.stat().st_size == size // 2  # left as it was


def _damage_a_table(path: Path, table: str) -> None:
    database = _open(path)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        root = connection.scalar(
            text("SELECT rootpage FROM sqlite_master WHERE name = :t"), {"t": table}
        )
        page_size = int(connection.scalar(text("PRAGMA page_size")))  # SQLCipher: text
    database.dispose()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xa5" * page_size)


def test_the_whole_file_check_finds_a_damaged_page(path: Path) -> None:
    _made(path)
    _damage_a_table(path, "settings")
    database = _open(path, upgrade=False)  # the first page is whole
    try:
        assert health.full_check_due(database.engine)
        damage = health.check_whole_file(database.engine)
    finally:
        database.dispose()
    assert damage is not None
    message = str(damage)
    assert str(path) in message and "sidor i filen går inte att läsa" in message


def test_a_whole_file_is_checked_once_a_day(path: Path) -> None:
    _made(path)
    database: Database = _open(path)
    try:
        assert health.full_check_due(database.engine)
        assert health.check_whole_file(database.engine) is None
        assert not health.full_check_due(database.engine)
        tomorrow = datetime.now(UTC) + timedelta(days=1, minutes=1)
        assert health.full_check_due(database.engine, now=tomorrow)
    finally:
        database.dispose()


def test_a_file_with_content_is_never_set_aside(path: Path) -> None:
    _made(path)
    database = storage.start_new_database(_url(path))
    try:
        with database.sessions() as session:
            stored = session.query(Setting).filter_by(key="test.content").one()
            assert stored.value == "ett värde"
    finally:
        database.dispose()
    assert not list(path.parent.glob("*.tom-*"))
