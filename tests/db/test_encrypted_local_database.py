"""The local SQLite database is an encrypted file (SQLCipher) wherever the program opens it for
a user (here: the commands, `app.cli.main`); its backups are encrypted copies; the files are
the user's alone; a plain database from an older version is converted, and kept when the
conversion fails."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import keyring
import pytest
import sqlcipher3
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import cli
from app.db import migrate
from app.db.engine import make_engine
from app.db.replica import ReplicaKey, open_replica
from app.demo import demo_data
from app.models import Case, Household, Person
from tests.db.test_migrations import EXTRA_REVISION
from tests.file_keyring import shared_with_process

# What these tests need of the new modules is imported where it is used, so that on the code
# before encryption at rest each test fails at its own assertion, not at collection.
PASSPHRASE = "en lång lösenfras för kontoret"
SQLITE_HEADER = b"SQLite format 3\x00"
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="file modes are POSIX")


def url_of(path: Path) -> str:
    return f"sqlite:///{path}"


def assert_encrypted(path: Path) -> None:
    """Not a SQLite file to anyone without the key."""
    assert path.read_bytes()[:16] != SQLITE_HEADER
    with (
        pytest.raises(sqlite3.DatabaseError, match="not a database"),
        closing(sqlite3.connect(path)) as connection,
    ):
        connection.execute("SELECT count(*) FROM sqlite_master").fetchall()


def raw_key(stored: str) -> str:
    return f"\"x'{stored}'\""


def passphrase_key(passphrase: str) -> str:
    return "'" + passphrase.replace("'", "''") + "'"


def read_with(path: Path, key: str, query: str) -> list[tuple]:
    """`key`: the argument of SQLCipher's PRAGMA key."""
    with closing(sqlcipher3.dbapi2.connect(str(path))) as connection:
        connection.execute(f"PRAGMA key = {key}")
        return connection.execute(query).fetchall()


def keyring_key(path: Path) -> str:
    stored = keyring.get_password("Ärendestöd", f"local-db-key:{path.resolve()}")
    assert stored is not None, "the key is kept in the keyring"
    return raw_key(stored)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def counts(database) -> dict[str, int]:
    with database.sessions() as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (Household, Person, Case)
        }


def use_an_extra_revision(tmp_path: Path, monkeypatch) -> None:
    """The next release's migration: a real upgrade (and its backup) on the next open."""
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "29991231_9999_test_extra.py").write_text(
        EXTRA_REVISION.format(head=migrate.HEAD_REVISION), encoding="utf-8"
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    monkeypatch.setattr(migrate, "HEAD_REVISION", "9999")


def backups(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".backup-" in p.name)


def test_a_command_makes_the_local_database_an_encrypted_file(tmp_path, memory_keyring) -> None:
    path = tmp_path / "data" / "arendestod.sqlite3"
    assert cli.main(["--db", url_of(path), "db", "upgrade"]) == 0
    assert_encrypted(path)
    key = keyring_key(path)
    assert read_with(path, key, "SELECT version_num FROM alembic_version") == [
        (migrate.HEAD_REVISION,)
    ]
    with pytest.raises(sqlcipher3.dbapi2.DatabaseError):  # a wrong key reads nothing
        read_with(path, raw_key("ab" * 32), "SELECT count(*) FROM sqlite_master")


@POSIX
def test_the_files_and_the_data_folder_are_the_user_s_alone(
    tmp_path, memory_keyring, monkeypatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home-data"))
    monkeypatch.delenv("ARENDESTOD_DB", raising=False)
    assert cli.main(["db", "upgrade"]) == 0
    from app.db.location import default_sqlite_path

    path = default_sqlite_path()
    assert path.is_relative_to(tmp_path)
    assert mode(path.parent) == 0o700
    assert [mode(p) for p in path.parent.iterdir()] == [0o600] * len(list(path.parent.iterdir()))
    assert_encrypted(path)


@POSIX
def test_the_replica_file_is_the_user_s_alone(tmp_path) -> None:
    path = tmp_path / "replika.sqlcipher"
    key, _stored = ReplicaKey.new_random()
    replica = open_replica(path, key)
    try:
        files = [p for p in tmp_path.iterdir() if p.name.startswith("replika")]
        assert files and {mode(p) for p in files} == {0o600}  # the WAL and SHM too
    finally:
        replica.dispose()


def test_without_a_keyring_a_command_reads_the_passphrase_from_stdin(
    tmp_path, monkeypatch, capsys
) -> None:
    path = tmp_path / "arendestod.sqlite3"
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSPHRASE + "\n"))
    args = ["--db-passphrase-stdin", "--db", url_of(path)]
    assert cli.main([*args, "demo", "--households", "2", "--no-letters"]) == 0
    assert_encrypted(path)
    assert read_with(path, passphrase_key(PASSPHRASE), "SELECT count(*) FROM households") == [(2,)]

    monkeypatch.setattr(sys, "stdin", io.StringIO("inte den rätta lösenfrasen\n"))
    assert cli.main([*args, "db", "status"]) == 2
    assert "fel nyckel eller lösenfras" in capsys.readouterr().err

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # a script without the option
    assert cli.main(["--db", url_of(path), "db", "status"]) == 2
    assert "Skriv lösenfrasen för databasen" in capsys.readouterr().err


def test_an_upgrade_backup_is_an_encrypted_copy(tmp_path, memory_keyring, monkeypatch) -> None:
    path = tmp_path / "t.sqlite3"
    assert cli.main(["--db", url_of(path), "demo", "--households", "3", "--no-letters"]) == 0
    use_an_extra_revision(tmp_path, monkeypatch)
    assert cli.main(["--db", url_of(path), "db", "upgrade"]) == 0

    [backup] = backups(tmp_path)
    assert_encrypted(backup)
    if sys.platform != "win32":
        assert mode(backup) == 0o600
    key = keyring_key(path)  # the database's own key opens its backup
    assert read_with(backup, key, "SELECT count(*) FROM households") == [(3,)]
    assert read_with(backup, key, "SELECT version_num FROM alembic_version") != [("9999",)]
    assert read_with(path, key, "SELECT version_num FROM alembic_version") == [("9999",)]


def test_an_upgrade_without_room_for_its_backup_is_refused(
    tmp_path, memory_keyring, monkeypatch, capsys
) -> None:
    path = tmp_path / "t.sqlite3"
    assert cli.main(["--db", url_of(path), "db", "upgrade"]) == 0
    head = migrate.HEAD_REVISION
    use_an_extra_revision(tmp_path, monkeypatch)
    real = shutil.disk_usage(tmp_path)
    full = real._replace(used=real.total - 2**20, free=2**20)  # one megabyte left
    monkeypatch.setattr(shutil, "disk_usage", lambda _folder: full)
    assert cli.main(["--db", url_of(path), "db", "upgrade"]) == 2
    said = capsys.readouterr().err
    assert f"i mappen {tmp_path}" in said and "MB ledigt" in said
    assert "Databasen är inte ändrad" in said
    assert backups(tmp_path) == []
    assert read_with(path, keyring_key(path), "SELECT version_num FROM alembic_version") == [
        (head,)
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_disk_that_fills_up_during_the_backup_leaves_no_backup_file(
    tmp_path, memory_keyring
) -> None:
    """A real process whose files cannot grow past a limit (as on a full disk): the backup
    fails, and neither an empty nor a half file is left; the database is not upgraded."""
    path = tmp_path / "t.sqlite3"
    assert cli.main(["--db", url_of(path), "demo", "--households", "20", "--no-letters"]) == 0
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "29991231_9999_test_extra.py").write_text(
        EXTRA_REVISION.format(head=migrate.HEAD_REVISION), encoding="utf-8"
    )
    limit = path.stat().st_size // 2
    program = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from app.db import migrate\n"
        f"migrate.MIGRATIONS_DIR = Path({str(scripts)!r})\n"
        "migrate.HEAD_REVISION = '9999'\n"
        "from app.cli import main\n"
        f"raise SystemExit(main(['--db', {url_of(path)!r}, 'db', 'upgrade']))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", program],
        env=shared_with_process(dict(os.environ), tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 2, ran.stderr
    assert "Traceback" not in ran.stderr
    assert backups(tmp_path) == []
    assert not list(tmp_path.glob("*.partial*"))
    assert read_with(path, keyring_key(path), "SELECT version_num FROM alembic_version") != [
        ("9999",)
    ]


def _plain_database_of_an_older_version(path: Path):
    """A plain database as the versions before encryption made it (their engine and
    migrations), with demo data and a plain upgrade backup beside it."""
    engine = make_engine(url_of(path))
    migrate.upgrade(engine)
    with Session(engine) as session, session.begin():
        demo_data.generate(session, 12, seed=3)
    with Session(engine) as session:
        before = {
            model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (Household, Person, Case)
        }
        person = session.scalars(select(Person).order_by(Person.personal_number)).first()
        assert person is not None
        one = (person.personal_number, person.first_name, person.last_name)
    engine.dispose()  # its WAL into the file
    shutil.copy2(path, path.with_name(f"{path.stem}.backup-20261101T090000Z{path.suffix}"))
    assert path.read_bytes()[:16] == SQLITE_HEADER
    return before, one


def test_a_plain_database_is_converted_and_loses_nothing(tmp_path, memory_keyring, capsys) -> None:
    path = tmp_path / "arendestod.sqlite3"
    before, (number, first, last) = _plain_database_of_an_older_version(path)

    assert cli.main(["--db", url_of(path), "db", "status"]) == 0

    assert_encrypted(path)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["arendestod.sqlite3"] or set(left) <= {
        "arendestod.sqlite3",
        "arendestod.sqlite3-wal",
        "arendestod.sqlite3-shm",
    }
    assert not any(p.read_bytes()[:16] == SQLITE_HEADER for p in tmp_path.iterdir())
    from app.security.local_key import open_for_user

    database = open_for_user(url_of(path))
    try:
        assert counts(database) == before
        with database.sessions() as session:
            person = session.scalars(select(Person).where(Person.personal_number == number)).one()
            assert (person.first_name, person.last_name) == (first, last)
    finally:
        database.dispose()


def test_a_conversion_whose_copy_does_not_match_keeps_the_plain_file(
    tmp_path, memory_keyring, monkeypatch, capsys
) -> None:
    path = tmp_path / "arendestod.sqlite3"
    before, _one = _plain_database_of_an_older_version(path)
    original = path.read_bytes()
    from app.db import plain_conversion

    monkeypatch.setattr(
        plain_conversion,
        "verification_problems",
        lambda _plain, _copy: ["tabellen persons har 0 rader i kopian men 19 i originalet"],
    )
    assert cli.main(["--db", url_of(path), "db", "status"]) == 2
    said = capsys.readouterr().err
    assert "tabellen persons har 0 rader i kopian" in said
    assert "Den okrypterade filen är orörd" in said

    assert path.read_bytes() == original
    assert len(backups(tmp_path)) == 1  # the plain backup is kept as well
    assert not list(tmp_path.glob("*.encrypting*"))
    engine = make_engine(url_of(path))
    try:
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(Person)) == before["Person"]
    finally:
        engine.dispose()
