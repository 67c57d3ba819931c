"""The offline replica is SQLCipher-encrypted: unreadable without its key, which is kept in
the keyring (or replaced by a passphrase the user types)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import select

from app.db import migrate
from app.db.replica import ReplicaKey, ReplicaLocked, open_replica
from app.models import Person
from app.offline import offline_replica
from app.offline.offline_replica import PassphraseNeeded
from app.security import credentials

NAME = "Zäta Hemligsson"


def _write_person(database) -> None:
    with database.sessions.begin() as session:
        session.add(
            Person(
                personal_number="199001012380",
                first_name=NAME.split()[0],
                last_name=NAME.split()[1],
                first_name_key="zäta",
                last_name_key="hemligsson",
                birth_date=date(1990, 1, 1),
                sex="K",
                phone="",
            )
        )


def _names(database) -> list[str]:
    with database.sessions() as session:
        return [p.first_name + " " + p.last_name for p in session.scalars(select(Person))]


def test_the_replica_is_unreadable_without_its_key(tmp_path) -> None:
    path = tmp_path / "replika.sqlcipher"
    key, stored = ReplicaKey.new_random()
    database = open_replica(path, key)
    try:
        assert migrate.current_revision(database.engine) == migrate.HEAD_REVISION
        _write_person(database)
    finally:
        database.dispose()

    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchall()
    content = path.read_bytes() + b"".join(
        f.read_bytes() for f in tmp_path.glob("replika.sqlcipher-*")
    )
    assert b"Hemligsson" not in content and b"199001012380" not in content
    assert not content.startswith(b"SQLite format 3")

    wrong, _ = ReplicaKey.new_random()
    with pytest.raises(ReplicaLocked, match="fel nyckel"):
        open_replica(path, wrong)

    again = open_replica(path, ReplicaKey.from_stored(stored))
    try:
        assert _names(again) == [NAME]
    finally:
        again.dispose()


def test_a_damaged_stored_key_or_short_passphrase_is_refused() -> None:
    with pytest.raises(ReplicaLocked, match="skadad"):
        ReplicaKey.from_stored("inte-en-nyckel")
    with pytest.raises(ReplicaLocked, match="minst 12 tecken"):
        ReplicaKey.from_passphrase("kort")


def test_unlock_keeps_a_random_key_in_the_keyring(tmp_path, memory_keyring) -> None:
    path = tmp_path / "replika.sqlcipher"
    database = offline_replica.unlock(path)
    try:
        _write_person(database)
    finally:
        database.dispose()
    stored = credentials.saved_replica_key(path)
    assert stored is not None and len(stored) == 64
    assert stored not in path.read_bytes().decode("latin-1")
    database = offline_replica.unlock(path)  # no question asked: the keyring has the key
    try:
        assert _names(database) == [NAME]
    finally:
        database.dispose()


def test_without_a_keyring_the_user_chooses_a_passphrase(tmp_path) -> None:
    """The tests' default keyring is the null backend: nothing can be stored."""
    path = tmp_path / "replika.sqlcipher"
    with pytest.raises(PassphraseNeeded) as asked:
        offline_replica.unlock(path)
    assert asked.value.new and "lösenfras" in str(asked.value)
    assert not path.exists()

    passphrase = "korvspad i ösregn, 'citat' och \"mer\""
    database = offline_replica.unlock(path, passphrase)
    try:
        _write_person(database)
    finally:
        database.dispose()

    with pytest.raises(PassphraseNeeded) as asked:
        offline_replica.unlock(path)
    assert not asked.value.new
    with pytest.raises(ReplicaLocked):
        offline_replica.unlock(path, passphrase + "x")
    database = offline_replica.unlock(path, passphrase)
    try:
        assert _names(database) == [NAME]
    finally:
        database.dispose()
