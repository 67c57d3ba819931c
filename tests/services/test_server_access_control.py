"""PostgreSQL enforces access itself (shared office mode, migration 0008): users connected
with their own login role, through raw psycopg as a modified client would, see and change
only what the app would let them.

The data is registered through the services as the schema owner; then each user of the
staff gets a login role (named as their username, prefixed per test run: roles belong to
the whole server) in the group role `arendestod_app`."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import psycopg
import pytest
from sqlalchemy import select, text, update

from app import cli
from app.db import server_roles
from app.db.database import Database, open_database
from app.models import AuditEntry, JournalEntry, User
from app.services import case_overview, case_search, journal
from app.services.journal import JournalDraft
from tests.pg import PgServer

on_postgresql = pytest.mark.parametrize("db", ["postgresql"], indirect=True)

ROLE_PASSWORD = "rls-test-lösen"


@dataclass
class Cases:
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
def login_roles(db: Database, session, pg_server: PgServer) -> Iterator[dict[str, str]]:
    """username (as in STAFF) -> conninfo of a login role of that user."""
    prefix = f"t{os.getpid()}_"
    usernames = list(session.scalars(select(User.username)))
    session.execute(update(User).values(username=prefix + User.username))
    session.commit()
    database = db.engine.url.database
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
        with pg_server.admin.connect() as admin:
            for role in created:
                # no connection of theirs may be left when the role goes
                admin.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE usename = :role"
                    ),
                    {"role": role},
                )
                admin.execute(text(f'DROP ROLE IF EXISTS "{role}"'))


def connect(login_roles: dict[str, str], username: str) -> psycopg.Connection:
    url = login_roles[username].replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(url, autocommit=True)


def visible_cases(conn: psycopg.Connection) -> set[uuid.UUID]:
    return {row[0] for row in conn.execute("SELECT id FROM cases")}


@on_postgresql
def test_a_caseworker_sees_only_her_units_cases(cases, login_roles) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        assert visible_cases(conn) == {cases.own, cases.protected}
        assert (
            conn.execute("SELECT * FROM cases WHERE id = %s", (cases.other_unit,)).fetchall() == []
        )
        assert (
            conn.execute(
                "SELECT count(*) FROM journal_entries WHERE case_id = %s", (cases.other_unit,)
            ).fetchone()[0]
            == 0
        )
        changed = conn.execute(
            "UPDATE cases SET responsible_user_id = NULL WHERE id = %s", (cases.other_unit,)
        )
        assert changed.rowcount == 0
    with connect(login_roles, "karin.holm") as conn:
        assert visible_cases(conn) == {cases.other_unit}


@on_postgresql
def test_a_protected_person_is_hidden_from_a_colleague_in_the_same_unit(cases, login_roles) -> None:
    with connect(login_roles, "omar.haddad") as conn:
        assert visible_cases(conn) == {cases.own}
        persons = {row[0] for row in conn.execute("SELECT id FROM persons")}
        assert cases.protected_person not in persons
        assert (
            conn.execute(
                "SELECT count(*) FROM household_members WHERE person_id = %s",
                (cases.protected_person,),
            ).fetchone()[0]
            == 0
        )
    with connect(login_roles, "sara.nilsson") as conn:  # the responsible handläggare
        persons = {row[0] for row in conn.execute("SELECT id FROM persons")}
        assert cases.protected_person in persons
    with connect(login_roles, "eva.lind") as conn:  # the unit's chef
        assert visible_cases(conn) == {cases.own, cases.protected}


@on_postgresql
def test_an_administrator_reads_no_case_content_but_the_audit_log(cases, login_roles) -> None:
    with connect(login_roles, "ada.admin") as conn:
        assert visible_cases(conn) == set()
        assert conn.execute("SELECT count(*) FROM journal_entries").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM persons").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 0


@on_postgresql
def test_a_signed_journal_entry_cannot_be_changed_or_deleted(cases, login_roles, db) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="signerad"):
            conn.execute(
                "UPDATE journal_entries SET text = 'ändrad' WHERE id = %s", (cases.signed_entry,)
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="signerad"):
            conn.execute("DELETE FROM journal_entries WHERE id = %s", (cases.signed_entry,))
    # not even the schema owner (triggers hold for every role)
    with db.sessions() as session, pytest.raises(Exception, match="signerad"):
        session.execute(
            update(JournalEntry)
            .where(JournalEntry.id == cases.signed_entry)
            .values(text="ändrad av ägaren")
        )
        session.flush()
    with db.sessions() as session:
        entry = session.get(JournalEntry, cases.signed_entry)
        assert entry.text == "Ringde om ansökan."


@on_postgresql
def test_the_audit_log_cannot_be_changed_deleted_or_forged(cases, login_roles, staff) -> None:
    with connect(login_roles, "eva.lind") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM audit_log")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE audit_log SET detail = ''")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO audit_log (id, at, user_id, action, entity, detail) "
                "VALUES (gen_random_uuid(), now(), %s, 'open', 'case', 'förfalskad')",
                (staff.caseworker.id,),
            )


@on_postgresql
def test_a_write_by_a_modified_client_is_audited_by_the_server(
    cases, login_roles, staff, db
) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        conn.execute(
            "INSERT INTO journal_entries (id, case_id, entry_date, entry_type, title, text, "
            "author_id, version, created_at, updated_at) VALUES "
            "(gen_random_uuid(), %s, '2026-11-23', 'anteckning', 'Utan app', 'Inget audit "
            "från klienten', %s, 1, now(), now()) RETURNING id",
            (cases.own, staff.caseworker.id),
        )
    with db.sessions() as session:
        rows = session.execute(
            select(AuditEntry.user_id, AuditEntry.case_id, AuditEntry.action, AuditEntry.entity)
            .where(AuditEntry.action == "db_insert")
            .where(AuditEntry.entity == "journal_entries")
            .where(AuditEntry.user_id == staff.caseworker.id)
        ).all()
    assert [(r.case_id, r.action) for r in rows] == [(cases.own, "db_insert")]


@on_postgresql
def test_the_app_works_under_the_servers_rules(cases, login_roles, staff) -> None:
    """The services, connected as Sara: open her case, write and sign, search."""
    database = open_database(login_roles["sara.nilsson"])
    sara = staff.caseworker
    try:
        with database.sessions.begin() as session:
            overview = case_overview.open_case(session, sara, cases.own)
            assert overview.case_number
            entry = journal.create_entry(
                session,
                sara,
                cases.own,
                JournalDraft(date(2026, 11, 23), "anteckning", "Besök", "Kom på besök."),
            )
            journal.sign_entry(session, sara, entry.id)
        with database.sessions.begin() as session:
            found = case_search.search(session, sara, "Berg")
            assert all(hit.case_id != cases.other_unit for hit in found.hits)
    finally:
        database.dispose()


@on_postgresql
def test_init_server_and_create_login_from_the_command_line(
    db, pg_server, capsys, monkeypatch
) -> None:
    url = db.engine.url.render_as_string(hide_password=False)
    assert cli.main(["--db", url, "db", "init-server"]) == 0
    said = capsys.readouterr().out
    assert "schemaversion 0008" in said
    for table in ("cases", "journal_entries", "persons", "audit_log", "users"):
        assert f" {table}," in said or f" {table}." in said

    role = f"t{os.getpid()}_cli.user"

    def create_login(username: str, password: str) -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        return cli.main(["--db", url, "db", "create-login", username, "--password-stdin"])

    assert create_login("ingen.sådan", "ett-långt-lösenord") == 2
    assert "Det finns ingen användare 'ingen.sådan'" in capsys.readouterr().err
    with db.sessions.begin() as session:
        session.execute(update(User).where(User.username == "sara.nilsson").values(username=role))
    assert create_login(role, "kort") == 2
    assert "minst 12 tecken" in capsys.readouterr().err
    try:
        assert create_login(role, "ett-långt-lösenord") == 0
        login = pg_server.url.set(
            database=db.engine.url.database, username=role, password="ett-långt-lösenord"
        ).render_as_string(hide_password=False)
        with psycopg.connect(login.replace("+psycopg", ""), autocommit=True) as conn:
            assert conn.execute("SELECT arendestod_user_role()").fetchone() == ("handlaggare",)
    finally:
        db.engine.dispose()
        with pg_server.admin.connect() as admin:
            admin.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :r"),
                {"r": role},
            )
            admin.execute(text(f'DROP ROLE IF EXISTS "{role}"'))


def test_the_server_commands_need_postgresql(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'lokal.sqlite3'}"
    assert cli.main(["--db", url, "db", "init-server"]) == 2
    assert "delad PostgreSQL-server" in capsys.readouterr().err
