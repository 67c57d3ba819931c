"""Attacks on the staff list, straight to PostgreSQL as a user's own login role (issue 18,
points 4 and 6; migration 0016).

An administrator manages accounts, as the program lets her (add users, inactivate and
activate others), but cannot make herself a case reader, take over another user's login by
renaming or re-creating their row, or delete users; every change of users is audited by the
server with its old and new values; an inactivated user's role cannot log in any more."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import psycopg
import pytest
from sqlalchemy import make_url, select

from app import cli
from app.db import server_roles
from app.db.database import open_database
from app.models import AuditEntry, Role, Unit
from app.security import accounts, audit_review
from tests.core.security.test_server_access_control import (
    connect,
    db_owner,
    on_postgresql,
    visible_cases,
)
from tests.core.security.test_server_setup import owned_database  # noqa: F401 (fixture)
from tests.pg import PgServer

OWN_CHANGE = "din egen roll, enhet eller aktivering"
RENAME = "Användarnamnet kan inte ändras"
EXISTING_ROLE = "finns redan som roll på databasservern"


def role_of(login_roles: dict[str, str], username: str) -> str:
    """The login role (the user's username in the database) of a staff user."""
    name = make_url(login_roles[username]).username
    assert name is not None
    return name


def server_audit(conn: psycopg.Connection, user_id: uuid.UUID) -> list[tuple]:
    """The server's own audit rows about the user (as the owner reads them): who, what."""
    return conn.execute(
        "SELECT user_id, action, detail FROM audit_log WHERE entity = 'users' "
        "AND entity_id = %s ORDER BY at, detail",
        (user_id,),
    ).fetchall()


@on_postgresql
@pytest.mark.parametrize(
    "change",
    [
        "role = 'chef'",
        "role = 'handlaggare'",
        "unit_id = (SELECT id FROM units WHERE name = 'Försörjningsstöd Söder')",
        "unit_id = NULL",
        "active = false",
    ],
)
def test_an_administrator_cannot_change_her_own_role_unit_or_activity(
    cases, login_roles, change
) -> None:
    with connect(login_roles, "ada.admin") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=OWN_CHANGE):
            conn.execute(f"UPDATE users SET {change} WHERE username = session_user")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=EXISTING_ROLE):
            conn.execute(  # her own row again, the change on the conflict
                "INSERT INTO users (id, username, full_name, title, role, active, version, "
                "created_at, updated_at) SELECT gen_random_uuid(), username, full_name, title, "
                "role, active, 1, now(), now() FROM users WHERE username = session_user "
                f"ON CONFLICT (username) DO UPDATE SET {change}"
            )
        assert conn.execute("SELECT arendestod_user_role()").fetchone() == ("administrator",)
        assert visible_cases(conn) == set()
        assert conn.execute("SELECT count(*) FROM journal_entries").fetchone() == (0,)


@on_postgresql
def test_an_administrator_cannot_reactivate_herself(cases, login_roles, pg_server) -> None:
    admin = role_of(login_roles, "ada.admin")
    with db_owner(login_roles, pg_server) as owner:
        owner.execute("UPDATE users SET active = false WHERE username = %s", (admin,))
        owner.execute(f'ALTER ROLE "{admin}" LOGIN')  # as if her session outlived it
    with connect(login_roles, "ada.admin") as conn:
        changed = conn.execute("UPDATE users SET active = true WHERE username = session_user")
        assert changed.rowcount == 0  # an inactivated user is no administrator


@on_postgresql
def test_an_administrator_cannot_rename_anyone(cases, login_roles, staff) -> None:
    """Renaming Karin's row to another login (or another login's row to hers) would give
    that login Karin's user: her unit, her role, her cases."""
    karin = role_of(login_roles, "karin.holm")
    with connect(login_roles, "ada.admin") as conn:
        for statement, values in [
            ("UPDATE users SET username = %s WHERE id = %s", ("ny.karin", staff.other.id)),
            ("UPDATE users SET username = username || 'x' WHERE id = %s", (staff.other.id,)),
            ("UPDATE users SET username = %s WHERE id = %s", (karin + "_", staff.manager.id)),
            ("UPDATE users SET username = 'ada2' WHERE username = session_user", ()),
            ("UPDATE users SET id = gen_random_uuid() WHERE id = %s", (staff.other.id,)),
        ]:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match=RENAME):
                conn.execute(statement, values)
        names = dict(conn.execute("SELECT id, username FROM users").fetchall())
    assert names[staff.other.id] == karin


@pytest.fixture
def unlinked_role(pg_server: PgServer, login_roles) -> Iterator[str]:
    """A login role of the app's group with no user (yet): someone holds its password."""
    name = f"t{os.getpid()}_olänkad"
    with pg_server.admin.connect() as connection:
        connection.exec_driver_sql(
            f"CREATE ROLE \"{name}\" LOGIN PASSWORD 'ett-långt-lösenord' IN ROLE arendestod_app"
        )
    try:
        yield name
    finally:
        pg_server.drop_role(name)


@on_postgresql
def test_an_administrator_cannot_make_a_user_of_an_existing_role(
    cases, login_roles, pg_server, unlinked_role
) -> None:
    """A user row named as a role that exists gives whoever logs in with it the row's role:
    her own, the owner's, a role not linked to a user yet, or the app's group role."""
    with db_owner(login_roles, pg_server) as owner:
        owner_role = owner.execute("SELECT current_user").fetchone()[0]
    names = [
        role_of(login_roles, "ada.admin"),
        owner_role,
        unlinked_role,
        "arendestod_app",
        "pg_read_all_data",
    ]
    with connect(login_roles, "ada.admin") as conn:
        for name in names:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match=EXISTING_ROLE):
                conn.execute(
                    "INSERT INTO users (id, username, full_name, title, role, unit_id, active, "
                    "version, created_at, updated_at) SELECT gen_random_uuid(), %s, 'X', "
                    "'Chef', 'chef', id, true, 1, now(), now() FROM units "
                    "WHERE name = 'Försörjningsstöd Norr'",
                    (name,),
                )
        assert conn.execute(
            "SELECT count(*) FROM users WHERE username = ANY (%s)", (names[1:],)
        ).fetchone() == (0,)


@on_postgresql
def test_an_administrator_cannot_delete_a_user(cases, login_roles, staff) -> None:
    with (
        connect(login_roles, "ada.admin") as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="Inaktivera"),
    ):
        conn.execute("DELETE FROM users WHERE id = %s", (staff.other.id,))


@on_postgresql
def test_a_caseworker_changes_nothing_in_users(cases, login_roles, staff) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        for statement in (
            "UPDATE users SET role = 'chef'",
            "UPDATE users SET role = 'chef' WHERE username = session_user",
            "UPDATE users SET active = false",
            "DELETE FROM users",
        ):
            assert conn.execute(statement).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO users (id, username, full_name, title, role, active, version, "
                "created_at, updated_at) VALUES (gen_random_uuid(), 'ny.chef', 'Ny Chef', "
                "'Chef', 'chef', true, 1, now(), now())"
            )
        # nor may she lock or unlock logins through the server's own function
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT arendestod_user_login(%s, true)", ("karin.holm",))
        assert conn.execute("SELECT arendestod_user_role()").fetchone() == ("handlaggare",)


@on_postgresql
def test_every_change_of_users_is_audited_by_the_server_without_password_hashes(
    cases, login_roles, staff, pg_server
) -> None:
    admin_role = role_of(login_roles, "ada.admin")
    new_id = uuid.uuid4()
    with connect(login_roles, "ada.admin") as conn:
        conn.execute(
            "UPDATE users SET role = 'chef', title = 'Enhetschef' WHERE id = %s",
            (staff.colleague.id,),
        )
        conn.execute(
            "UPDATE users SET password_hash = 'scrypt$1$2$3$c2FsdA==$aGFzaA==' WHERE id = %s",
            (staff.colleague.id,),
        )
        conn.execute(
            "INSERT INTO users (id, username, full_name, title, role, unit_id, active, "
            "version, created_at, updated_at, password_hash) SELECT %s, %s, 'Nina Ny', "
            "'Socialsekreterare', 'handlaggare', id, true, 1, now(), now(), 'scrypt$hemligt' "
            "FROM units WHERE name = 'Försörjningsstöd Norr'",
            (new_id, f"t{os.getpid()}_nina.ny"),
        )
    with db_owner(login_roles, pg_server) as owner:
        omar = server_audit(owner, staff.colleague.id)
        nina = server_audit(owner, new_id)
        hashes = owner.execute(
            "SELECT count(*) FROM audit_log WHERE detail LIKE '%scrypt%'"
        ).fetchone()
    suffix = f"(databasroll {admin_role})"
    omar_role = role_of(login_roles, "omar.haddad")
    assert omar[-2:] == [
        (
            staff.admin.id,
            "db_update",
            f"användare {omar_role}: titel Socialsekreterare → Enhetschef, "
            f"roll Handläggare → Chef {suffix}",
        ),
        (staff.admin.id, "db_update", f"användare {omar_role}: lösenordet ändrat {suffix}"),
    ]
    assert nina == [
        (
            staff.admin.id,
            "db_insert",
            f"ny användare t{os.getpid()}_nina.ny: namn Nina Ny, titel Socialsekreterare, "
            f"roll Handläggare, enhet Försörjningsstöd Norr, aktiv ja {suffix}",
        )
    ]
    assert hashes == (0,)


@on_postgresql
def test_inactivating_a_user_in_the_program_takes_her_login_and_activating_gives_it_back(
    cases, login_roles, staff
) -> None:
    """The program's own inactivation, run as the administrator's login role: nothing
    but the server blocks the role."""
    karin = staff.other.id

    def set_active(active: bool) -> None:
        database = open_database(login_roles["ada.admin"], upgrade=False)
        try:
            with database.sessions.begin() as session:
                actor = accounts.login_connected(session)
                assert actor is not None
                row = next(r for r in accounts.list_users(session, actor) if r.id == karin)
                accounts.set_active(session, actor, karin, active, expected_version=row.version)
        finally:
            database.dispose()

    set_active(False)
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        connect(login_roles, "karin.holm")
    set_active(True)
    with connect(login_roles, "karin.holm") as conn:
        assert conn.execute("SELECT arendestod_user_role()").fetchone() == ("handlaggare",)
        assert visible_cases(conn) == {cases.other_unit}

    # the administrator's log review shows both changes, readably
    database = open_database(login_roles["ada.admin"], upgrade=False)
    try:
        with database.sessions.begin() as session:
            actor = accounts.login_connected(session)
            assert actor is not None and actor.role is Role.ADMINISTRATOR
            today = date.today()
            review = audit_review.review(
                session,
                actor,
                audit_review.ReviewFilter(
                    today - timedelta(days=2), today + timedelta(days=1), action="db_update"
                ),
            )
    finally:
        database.dispose()
    shown = [
        (row.user_name, row.action_label, row.entity_label, row.detail)
        for row in review.rows
        if role_of(login_roles, "karin.holm") in row.detail and row.user_name == "Ada Admin"
    ]
    assert [detail.split(": ", 1)[1].split(" (")[0] for *_rest, detail in shown] == [
        "aktiv nej → ja; databasrollen får logga in igen",
        "aktiv ja → nej; databasrollen får inte längre logga in",
    ]
    assert {row[:3] for row in shown} == {("Ada Admin", "Ändrad rad (servern)", "användare")}


@on_postgresql
def test_an_administrators_sql_inactivation_also_blocks_the_login(
    cases, login_roles, staff
) -> None:
    with connect(login_roles, "ada.admin") as conn:
        conn.execute("UPDATE users SET active = false WHERE id = %s", (staff.colleague.id,))
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        connect(login_roles, "omar.haddad")
    with connect(login_roles, "ada.admin") as conn:
        conn.execute("UPDATE users SET active = true WHERE id = %s", (staff.colleague.id,))
    with connect(login_roles, "omar.haddad") as conn:
        assert conn.execute("SELECT arendestod_user_role()").fetchone() == ("handlaggare",)


@on_postgresql
def test_the_program_adds_users_under_the_servers_rules(cases, login_roles, staff) -> None:
    database = open_database(login_roles["ada.admin"], upgrade=False)
    username = f"t{os.getpid()}_anna.berg"
    try:
        with database.sessions.begin() as session:
            actor = accounts.login_connected(session)
            assert actor is not None
            user = accounts.add_user(
                session,
                actor,
                username=username,
                full_name="Anna Berg",
                role=Role.CASEWORKER,
                unit_id=staff.unit.id,
                password=None,
            )
            added = user.id
        with database.sessions.begin() as session:
            assert session.scalar(
                select(AuditEntry.detail).where(
                    AuditEntry.entity == "users", AuditEntry.entity_id == added
                )
            ).startswith(f"ny användare {username}: namn Anna Berg")
    finally:
        database.dispose()


def test_the_readme_owner_blocks_and_restores_the_logins_it_made(
    pg_server, request, monkeypatch, capsys
) -> None:
    """As the README's owner (CREATEROLE, not superuser): the roles it made with
    `db create-login` lose and regain their login with the user's activity. A role it did
    not make (a superuser's) it may not change on PostgreSQL 16 and later: the inactivation
    goes through (the policies give the user nothing anyway), with a warning and the audit
    row saying so."""
    server_url: str = request.getfixturevalue("owned_database")
    pid = os.getpid()
    admin, worker, foreign = (f"t{pid}_{name}" for name in ("forsta.admin", "ny.hand", "fr"))
    password = "ett-långt-lösenord"
    made = [admin, worker, foreign]
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    try:
        code = cli.main(
            [
                "--db", server_url, "db", "init-server", "--first-admin", admin,
                "--full-name", "Första Admin", "--password-stdin",
            ]
        )  # fmt: skip
        assert code == 0, capsys.readouterr().err
        with pg_server.admin.connect() as connection:  # after init-server made the group
            connection.exec_driver_sql(
                f"CREATE ROLE \"{foreign}\" LOGIN PASSWORD '{password}' IN ROLE arendestod_app"
            )
        database = open_database(server_url, upgrade=False)
        try:
            with database.sessions.begin() as session:
                unit = session.scalars(select(Unit)).one()
                for name in (worker, foreign):  # the owner is bound by no rule of users
                    accounts.create_user(
                        session,
                        None,
                        username=name,
                        full_name=name,
                        role=Role.CASEWORKER,
                        unit=unit,
                        password=None,
                    )
            server_roles.create_login(database.engine, worker, password)
        finally:
            database.dispose()

        def login(name: str) -> psycopg.Connection:
            url = make_url(server_url).set(username=name, password=password)
            text_url = url.render_as_string(hide_password=False).replace("+psycopg", "")
            return psycopg.connect(text_url, autocommit=True)

        with login(admin) as conn:
            conn.execute("UPDATE users SET active = false WHERE username = %s", (worker,))
            conn.execute("UPDATE users SET active = false WHERE username = %s", (foreign,))
            details = [
                row[0]
                for row in conn.execute(
                    "SELECT detail FROM audit_log WHERE entity = 'users' "
                    "AND detail LIKE 'användare %%: aktiv ja → nej%%' ORDER BY at, detail"
                )
            ]
        # PostgreSQL 16 lets CREATEROLE change only the roles one has ADMIN OPTION on (those
        # one made); before 16 it changes every role that is not a superuser
        with pg_server.admin.connect() as connection:
            version = int(connection.exec_driver_sql("SHOW server_version_num").scalar_one())
        foreign_blocked = version < 160000
        assert [detail.split("; ")[1].split(" (")[0] for detail in details] == [
            "databasrollen får inte längre logga in",
            "databasrollen får inte längre logga in"
            if foreign_blocked
            else "databasrollen kunde inte spärras",
        ]
        with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
            login(worker)
        if foreign_blocked:
            with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
                login(foreign)
        else:
            with login(foreign) as conn:  # a superuser's role: still logs in, but is no one
                assert conn.execute("SELECT arendestod_user_id()").fetchone() == (None,)
        with login(admin) as conn:
            conn.execute("UPDATE users SET active = true WHERE username = %s", (worker,))
        with login(worker) as conn:
            assert conn.execute("SELECT arendestod_user_role()").fetchone() == ("handlaggare",)
    finally:
        for name in made:
            pg_server.drop_role(name)
