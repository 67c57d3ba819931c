"""Fixtures for the service tests: a real, migrated database per test, a fixed clock,
a unit with staff, and a helper that registers cases through the real service.

Every test runs twice, on SQLite and on PostgreSQL (`db` is parametrized; the PostgreSQL
runs need $ARENDESTOD_TEST_PG_URL, see tests/pg.py).

Creating five users costs ~0.3 s of scrypt hashing, so the migrated database with its
units and users is built once per test session and backend (through `open_database` and
`accounts.create_user`) and each test gets its own copy: of the file on SQLite, through
CREATE DATABASE … TEMPLATE on PostgreSQL; opened again with `open_database` (which checks
the schema is at head). No test ever sees another test's rows.

The SQLite file is encrypted as a user's is (SQLCipher, app.db.encrypted_file), with one
test key kept in an in-memory keyring under the copy's path, so that a command run on
`db.url` (`app.cli.main`) finds it there as it would in the operating system's keyring.
"""

from __future__ import annotations

import io
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from app.cases.case_register import NewCase, PersonInput, create_case
from app.common import clock
from app.common.identity_number import with_check_digit
from app.db import server_roles
from app.db.database import Database, open_database
from app.db.encrypted_file import FileKey
from app.db.replica import ReplicaKey, open_replica
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import Case, MemberRole, Role, Unit, User
from app.offline import outbox
from app.security import credentials
from app.security.accounts import create_user
from app.security.actor import Actor
from tests.pg import PgServer

FIXED_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
"""Monday 23 November 2026, 10:00 in Stockholm."""

TEST_KEY_STORED = "5e" * 32
TEST_KEY = FileKey.from_stored(TEST_KEY_STORED)
"""The key of every test's SQLite file (a copy of one encrypted template)."""

PASSWORD = "hemligt-lösen-1"
UNIT_NAME = "Försörjningsstöd Norr"
OTHER_UNIT_NAME = "Försörjningsstöd Söder"

# username, full name, role, unit name
STAFF = {
    "caseworker": ("sara.nilsson", "Sara Nilsson", Role.CASEWORKER, UNIT_NAME),
    "colleague": ("omar.haddad", "Omar Haddad", Role.CASEWORKER, UNIT_NAME),
    "manager": ("eva.lind", "Eva Lind", Role.MANAGER, UNIT_NAME),
    "admin": ("ada.admin", "Ada Admin", Role.ADMINISTRATOR, UNIT_NAME),
    "other": ("karin.holm", "Karin Holm", Role.CASEWORKER, OTHER_UNIT_NAME),
}


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[datetime]:
    clock.set_now(lambda: FIXED_NOW)
    yield FIXED_NOW
    clock.set_now(None)


@pytest.fixture
def set_clock() -> Callable[[datetime], None]:
    """Move the fixed clock (restored to the system clock by `fixed_clock`)."""

    def move(at: datetime) -> None:
        assert at.tzinfo is not None
        clock.set_now(lambda: at)

    return move


def _add_units_and_staff(database: Database) -> None:
    """Runs under the fixed clock: the templates are built on the first test that asks for
    them (through `db`, which depends on `fixed_clock`)."""
    assert clock.now() == FIXED_NOW
    with database.sessions() as session:
        units = {name: Unit(name=name) for name in (UNIT_NAME, OTHER_UNIT_NAME)}
        session.add_all(units.values())
        for username, full_name, role, unit_name in STAFF.values():
            create_user(
                session,
                None,
                username=username,
                full_name=full_name,
                role=role,
                unit=units[unit_name],
                password=PASSWORD,
            )
        session.commit()


@pytest.fixture(scope="session")
def _template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database with two units and the staff, built once."""
    path = tmp_path_factory.mktemp("template") / "t.sqlite3"
    db = open_database(f"sqlite:///{path}", key=TEST_KEY)
    try:
        _add_units_and_staff(db)
        with db.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        db.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_template_database(pg_server: PgServer, pg_migrated_template: str) -> Iterator[str]:
    """The same on PostgreSQL: a database to copy with CREATE DATABASE … TEMPLATE."""
    with pg_server.database(template=pg_migrated_template, kind="services") as name:
        db = open_database(pg_server.url_string(name))
        try:
            _add_units_and_staff(db)
        finally:
            db.dispose()
        yield name


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path, fixed_clock) -> Iterator[Database]:
    """A database of this test's own, on SQLite and on PostgreSQL (ids [sqlite]/[postgresql])."""
    if request.param == "sqlite":
        target = tmp_path / "t.sqlite3"
        shutil.copy2(request.getfixturevalue("_template_database"), target)
        request.getfixturevalue("memory_keyring")
        credentials.save_local_key(target, TEST_KEY_STORED)
        database = open_database(f"sqlite:///{target}", key=TEST_KEY)
        assert database.backup is None
        yield database
        database.dispose()
        return
    server: PgServer = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("_pg_template_database")
    with server.database(template=template) as name:
        database = open_database(server.url_string(name))
        assert database.backup is None
        try:
            yield database
        finally:
            database.dispose()


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.sessions() as s:
        yield s
        s.rollback()


@dataclass(frozen=True)
class Staff:
    unit: Unit
    other_unit: Unit
    users: dict[str, User]
    caseworker: Actor
    colleague: Actor
    manager: Actor
    admin: Actor
    other: Actor


@pytest.fixture
def staff(session: Session) -> Staff:
    users = {
        key: session.scalar(select(User).where(User.username == username))
        for key, (username, *_rest) in STAFF.items()
    }
    units = {u.name: u for u in session.scalars(select(Unit))}
    return Staff(
        unit=units[UNIT_NAME],
        other_unit=units[OTHER_UNIT_NAME],
        users=users,
        **{key: Actor.of(user) for key, user in users.items()},
    )


@pytest.fixture
def caseworker(staff: Staff) -> Actor:
    return staff.caseworker


@pytest.fixture
def colleague(staff: Staff) -> Actor:
    return staff.colleague


@pytest.fixture
def manager(staff: Staff) -> Actor:
    return staff.manager


@pytest.fixture
def admin(staff: Staff) -> Actor:
    return staff.admin


@pytest.fixture
def other_unit_caseworker(staff: Staff) -> Actor:
    return staff.other


def make_pnr(yyyymmdd: str, serial: int) -> str:
    """A valid personnummer ÅÅÅÅMMDD-NNNN (the check digit computed)."""
    digits = with_check_digit(f"{yyyymmdd}{serial:03d}")
    return f"{digits[:8]}-{digits[8:]}"


@pytest.fixture
def pnr() -> Callable[[str, int], str]:
    return make_pnr


@pytest.fixture
def make_case(session: Session, caseworker: Actor) -> Callable[..., Case]:
    """Register a case through `create_case`.

    make_case(personal_number=..., first_name=..., last_name=..., members=[...],
              actor=..., protected=False, **NewCase fields)
    """

    def make(
        personal_number: str = "19850312-1231",
        first_name: str = "Anna",
        last_name: str = "Andersson",
        *,
        members: list[PersonInput] | None = None,
        actor: Actor | None = None,
        protected: bool = False,
        **fields,
    ) -> Case:
        data = NewCase(
            applicant=PersonInput(
                personal_number,
                first_name,
                last_name,
                MemberRole.APPLICANT,
                protected_identity=protected,
            ),
            members=list(members or []),
            **fields,
        )
        return create_case(session, actor or caseworker, data)

    return make


@pytest.fixture
def count_rows(session: Session) -> Callable[[type], int]:
    def count(model: type) -> int:
        return session.scalar(select(func.count()).select_from(model))

    return count


ROLE_PASSWORD = "rls-test-lösen"


@pytest.fixture
def login_roles(db: Database, session, pg_server: PgServer) -> Iterator[dict[str, str]]:
    """PostgreSQL only: username (as in STAFF) -> URL of a login role of that user, as in
    shared mode (`server_roles.create_login`). Roles belong to the whole server: their names
    (and the usernames in this database) get a per-run prefix, and they are dropped after."""
    prefix = f"t{os.getpid()}_"
    usernames = list(session.scalars(select(User.username)))
    session.execute(update(User).values(username=prefix + User.username))
    session.commit()
    database = db.engine.url.database
    server_roles.secure_database(db.engine)  # as db init-server does; not kept in templates
    created: list[str] = []
    try:
        for name in usernames:
            server_roles.create_login(db.engine, prefix + name, ROLE_PASSWORD)
            created.append(prefix + name)
        url = pg_server.url.set(database=database, password=ROLE_PASSWORD)
        yield {
            name: url.set(username=prefix + name).render_as_string(hide_password=False)
            for name in usernames
        }
    finally:
        db.engine.dispose()
        for role in created:
            pg_server.drop_role(role)


@dataclass(frozen=True)
class CliUser:
    """Arguments that run `arendestod` as a user: `main([*u.before, COMMAND..., *u.after])`."""

    before: list[str]
    after: list[str]


@pytest.fixture
def cli_as(db: Database, request: pytest.FixtureRequest, monkeypatch) -> Callable[[str], CliUser]:
    """cli_as(username): on SQLite `--user` with the password on standard input (enough
    lines for many commands); on PostgreSQL the URL of the user's own login role (the
    server checks the password; `login_roles`)."""

    def as_user(username: str) -> CliUser:
        if db.url.startswith("sqlite"):
            monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n" * 50))
            return CliUser(["--db", db.url], ["--user", username, "--password-stdin"])
        roles = request.getfixturevalue("login_roles")
        return CliUser(["--db", roles[username]], [])

    return as_user


@dataclass
class Cases:
    """Cases of the shared-mode tests (with `login_roles`)."""

    own: uuid.UUID
    """Sara's case in unit Norr, with a signed journal entry."""
    protected: uuid.UUID
    """Sara's case of a person with skyddade personuppgifter."""
    protected_person: uuid.UUID
    other_unit: uuid.UUID
    """Karin's case in unit Söder."""
    signed_entry: uuid.UUID


@pytest.fixture
def cases(session, make_case, pnr, caseworker, other_unit_caseworker) -> Cases:
    own = make_case(pnr("19850312", 123), "Anna", "Andersson")
    entry = journal.create_entry(
        session,
        caseworker,
        own.id,
        JournalDraft(date(2026, 11, 20), "telefon", "Samtal", "Ringde om ansökan."),
    )
    journal.sign_entry(session, caseworker, entry.id)
    protected = make_case(pnr("19900101", 456), "Lena", "Skyddad", protected=True)
    other = make_case(pnr("19770505", 789), "Bo", "Berg", actor=other_unit_caseworker)
    session.commit()
    protected_person = protected.household.members[0].person_id
    return Cases(own.id, protected.id, protected_person, other.id, entry.id)


@pytest.fixture
def laptops(tmp_path):
    """laptop(name, actor): a new encrypted replica recording the actor's changes."""
    made = []

    def laptop(name: str, actor):
        key, _stored = ReplicaKey.new_random()
        database = open_replica(tmp_path / f"{name}.sqlcipher", key)
        outbox.install(database.sessions, actor.id)
        made.append(database)
        return database

    yield laptop
    for database in made:
        database.dispose()
