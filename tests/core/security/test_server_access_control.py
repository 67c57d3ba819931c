"""PostgreSQL enforces access itself (shared office mode, migration 0008): users connected
with their own login role, through raw psycopg as a modified client would, see and change
only what the app would let them.

The data is registered through the services as the schema owner; then each user of the
staff gets a login role (named as their username, prefixed per test run: roles belong to
the whole server) in the group role `arendestod_app`."""

from __future__ import annotations

import io
import os
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import psycopg
import pytest
from sqlalchemy import make_url, select, text, update

from app import cli
from app.cases import case_overview, case_search, caseload_review
from app.db import migrate, server_roles
from app.db.database import open_database
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import AuditEntry, JournalEntry, User
from app.security import accounts
from app.statistics import statistics
from tests.pg import LOG_VARIABLE, PgServer

on_postgresql = pytest.mark.parametrize("db", ["postgresql"], indirect=True)


def connect(login_roles: dict[str, str], username: str) -> psycopg.Connection:
    url = login_roles[username].replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(url, autocommit=True)


@contextmanager
def db_owner(login_roles: dict[str, str], pg_server: PgServer) -> Iterator[psycopg.Connection]:
    """The test role (schema owner, superuser) on the same database."""
    url = make_url(login_roles["sara.nilsson"])
    owner = pg_server.url.set(database=url.database)
    text_url = owner.render_as_string(hide_password=False)
    with psycopg.connect(text_url.replace("+psycopg", ""), autocommit=True) as conn:
        yield conn


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
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="i ditt eget namn"):
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
    assert f"schemaversion {migrate.HEAD_REVISION}" in said
    assert "Serverns logg över läsningar: " in said
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
            # init-server prices random reads for SSD storage (server_roles.DATABASE_SETTINGS)
            assert conn.execute("SHOW random_page_cost").fetchone() == ("1.1",)
            assert conn.execute("SHOW jit").fetchone() == ("off",)
    finally:
        db.engine.dispose()
        pg_server.drop_role(role)


def test_the_server_commands_need_postgresql(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'lokal.sqlite3'}"
    assert cli.main(["--db", url, "db", "init-server"]) == 2
    assert "delad PostgreSQL-server" in capsys.readouterr().err


@on_postgresql
def test_the_staff_list_is_readable_but_not_the_password_hashes(cases, login_roles) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        names = {row[0] for row in conn.execute("SELECT full_name FROM users")}
        assert {"Sara Nilsson", "Karin Holm", "Eva Lind"} <= names
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT password_hash FROM users")
        changed = conn.execute("UPDATE users SET title = 'Chef' WHERE full_name = 'Sara Nilsson'")
        assert changed.rowcount == 0  # only administrators change users


@on_postgresql
def test_logging_in_with_a_database_role_maps_it_to_the_user(
    cases, login_roles, staff, pg_server
) -> None:
    database = open_database(login_roles["omar.haddad"], upgrade=False)
    try:
        with database.sessions.begin() as session:
            actor = accounts.login_connected(session)
        assert actor is not None
        assert (actor.id, actor.role) == (staff.colleague.id, staff.colleague.role)
    finally:
        database.dispose()
    database = open_database(login_roles["karin.holm"], upgrade=False)
    try:
        with database.sessions.begin() as session:  # inactivated after the role was made
            session.execute(text("SELECT 1"))
        with db_owner(login_roles, pg_server) as owner:
            owner.execute("UPDATE users SET active = false WHERE full_name = 'Karin Holm'")
        with database.sessions.begin() as session:
            assert accounts.login_connected(session) is None
        with database.sessions() as session:  # not even her own rows once inactive
            assert session.scalar(text("SELECT count(*) FROM cases")) == 0
    finally:
        database.dispose()


def test_init_server_makes_the_first_administrator_on_an_empty_server(
    pg_server, capsys, monkeypatch
) -> None:
    role = f"t{os.getpid()}_forsta.admin"
    with pg_server.database(kind="empty") as name:
        url = pg_server.url_string(name)
        monkeypatch.setattr("sys.stdin", io.StringIO("ett-långt-lösenord\n"))
        try:
            code = cli.main(
                [
                    "--db",
                    url,
                    "db",
                    "init-server",
                    "--first-admin",
                    role,
                    "--full-name",
                    "Första Admin",
                    "--unit",
                    "Enheten för ekonomiskt bistånd",
                    "--password-stdin",
                ]
            )
            assert code == 0, capsys.readouterr().err
            report = capsys.readouterr().out
            # the report counts the server's login roles, and roles belong to the whole
            # server: tests running beside this one in other processes have theirs there too
            assert re.search(r"arendestod_app har [1-9]\d* inloggningsroller", report), report
            with pg_server.admin.connect() as connection:
                assert connection.scalar(
                    text("SELECT pg_has_role(:role, 'arendestod_app', 'MEMBER')"), {"role": role}
                )
            login = pg_server.url.set(
                database=name, username=role, password="ett-långt-lösenord"
            ).render_as_string(hide_password=False)
            database = open_database(login, upgrade=False)
            try:
                with database.sessions.begin() as session:
                    actor = accounts.login_connected(session)
                    assert actor is not None and actor.full_name == "Första Admin"
                    assert actor.role.value == "administrator"
            finally:
                database.dispose()
            owner = open_database(url, upgrade=False)
            try:
                with owner.sessions() as session:  # no local password on a server
                    assert (
                        session.scalar(select(User.password_hash).where(User.username == role))
                        is None
                    )
            finally:
                owner.dispose()
            monkeypatch.setattr("sys.stdin", io.StringIO("ett-långt-lösenord\n"))
            assert (
                cli.main(
                    ["--db", url, "db", "init-server", "--first-admin", "x", "--password-stdin"]
                )
                == 2
            )
            assert "redan användare" in capsys.readouterr().err
        finally:
            pg_server.drop_role(role)


@on_postgresql
def test_the_chefs_views_give_the_same_figures_under_the_servers_rules(
    db, cases, login_roles, staff, make_case, pnr, session
) -> None:
    """The caseload and a year of statistics, read by chef Eva through her own role, equal
    what the schema owner (no row-level security) computes for her unit."""
    make_case(pnr("20010203", 222), "Unga", "Vuxen")
    session.commit()
    eva = staff.manager

    def figures(database) -> tuple:
        with database.sessions.begin() as s:
            rows = caseload_review.caseload(s, eva)
            year = statistics.as_json_dict(statistics.year_statistics(s, eva, 2026))
        return sorted((r.case_number, r.applicant_name, r.overdue_count) for r in rows), year

    as_owner = figures(db)
    database = open_database(login_roles["eva.lind"], upgrade=False)
    try:
        as_eva = figures(database)
    finally:
        database.dispose()
    assert len(as_eva[0]) == 3  # Anna, the protected case and the new one; not Bo of Söder
    assert as_eva == as_owner


@on_postgresql
def test_the_server_logs_every_read_of_case_tables_itself(
    db, cases, login_roles, pg_server
) -> None:
    """A modified client writes no audit rows of its own: the server's log (pgaudit) still
    names the role, the statement and its parameters."""
    log_path = pg_server.log
    if log_path is None or not os.access(log_path, os.R_OK):
        pytest.skip(f"{LOG_VARIABLE} (serverns loggfil) är inte satt (.ci/postgres.sh)")
    report = server_roles.server_report(db.engine)
    if "inte installerat" in report.read_log or "inte laddat" in report.read_log:
        pytest.skip(f"pgaudit saknas: {report.read_log}")
    assert report.read_log.startswith("av:")
    server_roles.configure_read_log(db.engine)
    assert server_roles.server_report(db.engine).read_log.startswith("på")

    marker = f"läsprov_{uuid.uuid4().hex}"
    with open(log_path, "rb") as log:
        log.seek(0, os.SEEK_END)
        with connect(login_roles, "sara.nilsson") as conn:
            before = audit_rows(conn)
            conn.execute(
                f"SELECT case_number FROM cases WHERE id = %s /* {marker} */", (cases.own,)
            ).fetchall()
            assert audit_rows(conn) == before  # the client wrote nothing itself
        lines = _log_lines_with(log, marker)
    read = [line for line in lines if "AUDIT: OBJECT" in line and "public.cases" in line]
    assert read, lines
    assert f"t{os.getpid()}_sara.nilsson" in read[0]  # the role, by name
    assert str(cases.own) in read[0]  # the parameters too


def audit_rows(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def _log_lines_with(log, marker: str) -> list[str]:
    """The server log's new lines mentioning `marker` (the server writes it asynchronously)."""
    found: list[str] = []
    for _ in range(50):
        text = log.read().decode("utf-8", "replace")
        found += [line for line in text.splitlines() if marker in line]
        if found:
            return found
        time.sleep(0.1)
    return found


PROTECTED_NOW = """
    SELECT DISTINCT m.household_id FROM persons p
    JOIN household_members m ON m.person_id = p.id WHERE p.protected_identity
"""


@on_postgresql
def test_the_server_keeps_its_list_of_protected_households(
    session, cases, make_case, pnr, login_roles, pg_server
) -> None:
    """Migration 0012: the table the case policies read follows every change of skydd and
    of memberships, whoever makes it."""
    other = make_case(pnr("19600606", 321), "Olle", "Öppen")
    session.commit()

    def agrees(owner: psycopg.Connection) -> set:
        kept = {row[0] for row in owner.execute("SELECT household_id FROM protected_households")}
        assert kept == {row[0] for row in owner.execute(PROTECTED_NOW)}
        return kept

    with db_owner(login_roles, pg_server) as owner:
        before = agrees(owner)
        assert len(before) == 1
        person = owner.execute(
            "SELECT m.person_id FROM household_members m JOIN cases c "
            "ON c.household_id = m.household_id WHERE c.id = %s",
            (other.id,),
        ).fetchone()[0]
        owner.execute("UPDATE persons SET protected_identity = true WHERE id = %s", (person,))
        assert len(agrees(owner)) == 2
        owner.execute("UPDATE persons SET protected_identity = false WHERE id = %s", (person,))
        assert agrees(owner) == before
        # a protected person moves into the open household, then out again
        [protected_person] = [
            row[0] for row in owner.execute("SELECT id FROM persons WHERE protected_identity")
        ]
        member = owner.execute(
            "INSERT INTO household_members (id, household_id, person_id, role, visiting_child, "
            "sort_order, version, created_at, updated_at) "
            "SELECT gen_random_uuid(), household_id, %s, 'ovrig', false, 9, 1, now(), now() "
            "FROM cases WHERE id = %s RETURNING id",
            (protected_person, other.id),
        ).fetchone()[0]
        assert len(agrees(owner)) == 2
        owner.execute("DELETE FROM household_members WHERE id = %s", (member,))
        assert agrees(owner) == before
    # and what the policies make of it: the colleague still does not see the protected case
    with connect(login_roles, "omar.haddad") as conn:
        assert cases.protected not in visible_cases(conn)
        assert other.id in visible_cases(conn)


@on_postgresql
def test_the_name_index_shows_each_user_only_what_the_cases_show_and_takes_no_writes(
    cases, login_roles
) -> None:
    """Migration 0036: case_search_names holds every member's name keys. Over psql a user
    reads only the rows of cases she may read, and cannot write a row: the triggers (as
    the owner) are the only writers."""

    def indexed(conn: psycopg.Connection) -> set[uuid.UUID]:
        return {row[0] for row in conn.execute("SELECT case_id FROM case_search_names")}

    expected = {
        "sara.nilsson": {cases.own, cases.protected},  # the protected case is hers
        "omar.haddad": {cases.own},  # same unit, not the protected household
        "eva.lind": {cases.own, cases.protected},  # the unit's chef
        "karin.holm": {cases.other_unit},
        "ada.admin": set(),
    }
    for username, visible in expected.items():
        with connect(login_roles, username) as conn:
            assert indexed(conn) == visible, username
            assert indexed(conn) == visible_cases(conn), username
    with connect(login_roles, "sara.nilsson") as conn:
        for statement, values in (
            (
                "INSERT INTO case_search_names (case_id, person_id, unit_id, household_id, "
                "closed, case_number, last_name_key, first_name_key) SELECT case_id, "
                "person_id, unit_id, household_id, closed, 'EB-2026-999999', 'x', 'x' "
                "FROM case_search_names WHERE case_id = %s",
                (cases.own,),
            ),
            ("UPDATE case_search_names SET last_name_key = 'x' WHERE case_id = %s", (cases.own,)),
            ("DELETE FROM case_search_names WHERE case_id = %s", (cases.own,)),
            ("TRUNCATE case_search_names", ()),
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement, values)
        # what she may change moves the index, through the owner's trigger
        conn.execute(
            "UPDATE persons SET last_name = 'Anderzon', last_name_key = 'anderzon' "
            "WHERE id = (SELECT person_id FROM case_search_names WHERE case_id = %s LIMIT 1)",
            (cases.own,),
        )
        keys = {
            row[0]
            for row in conn.execute(
                "SELECT last_name_key FROM case_search_names WHERE case_id = %s", (cases.own,)
            )
        }
        assert keys == {"anderzon"}


@on_postgresql
def test_the_protected_sets_are_the_tables_and_follow_a_users_own_change_at_once(
    cases, login_roles, pg_server
) -> None:
    """Migration 0042: the policies' two sets (protected households, protected persons) are
    produced by PL/pgSQL functions whose plans the session keeps. They must still be the
    tables' rows, read anew by every statement: a handläggare who gives a member of her own
    household skydd sees it in the sets within her transaction, and at her commit the
    colleague no longer sees the case, its name rows or the person."""
    protected_persons = "SELECT id FROM persons WHERE protected_identity"
    with db_owner(login_roles, pg_server) as owner:
        households_now = {row[0] for row in owner.execute(PROTECTED_NOW)}
        persons_now = {row[0] for row in owner.execute(protected_persons)}
        [anna] = [
            row[0]
            for row in owner.execute(
                "SELECT m.person_id FROM household_members m JOIN cases c "
                "ON c.household_id = m.household_id WHERE c.id = %s",
                (cases.own,),
            )
        ]
        household = owner.execute(
            "SELECT household_id FROM cases WHERE id = %s", (cases.own,)
        ).fetchone()[0]

    def sets(conn: psycopg.Connection) -> tuple[set, set]:
        return (
            {r[0] for r in conn.execute("SELECT public.arendestod_protected_households()")},
            {r[0] for r in conn.execute("SELECT public.arendestod_protected_persons()")},
        )

    with connect(login_roles, "omar.haddad") as colleague:
        assert sets(colleague) == (households_now, persons_now)
        assert cases.own in visible_cases(colleague)
        with connect(login_roles, "sara.nilsson") as sara:
            sara.execute("BEGIN")
            assert sets(sara) == (households_now, persons_now)  # plans made and kept
            sara.execute("UPDATE persons SET protected_identity = true WHERE id = %s", (anna,))
            assert sets(sara) == (households_now | {household}, persons_now | {anna})
            assert cases.own in visible_cases(sara)  # her own case
            assert cases.own in visible_cases(colleague)  # not committed yet
            sara.execute("COMMIT")
        assert sets(colleague) == (households_now | {household}, persons_now | {anna})
        assert cases.own not in visible_cases(colleague)
        assert (
            colleague.execute(
                "SELECT count(*) FROM case_search_names WHERE case_id = %s", (cases.own,)
            ).fetchone()[0]
            == 0
        )
        assert colleague.execute("SELECT id FROM persons WHERE id = %s", (anna,)).fetchall() == []
        assert (
            colleague.execute(
                "SELECT count(*) FROM household_members WHERE person_id = %s", (anna,)
            ).fetchone()[0]
            == 0
        )


@on_postgresql
def test_the_name_index_asks_of_a_case_what_the_cases_policy_answers(
    cases, make_case, pnr, session, login_roles, pg_server
) -> None:
    """Migration 0042: `arendestod_case_visible`, which the name index's policy asks for the
    rows of protected households, reads the case as the owner with the cases policy's own
    terms. For every user and every case it must say what the policy shows her: the
    protected case, a colleague's unprotected one, another unit's, one without a
    handläggare, a protected one of a colleague's."""
    unassigned = make_case(pnr("19700707", 111), "Nils", "Nyberg")
    omars_protected = make_case(pnr("19710808", 222), "Pia", "Palm", protected=True)
    session.commit()
    with db_owner(login_roles, pg_server) as owner:
        owner.execute("UPDATE cases SET responsible_user_id = NULL WHERE id = %s", (unassigned.id,))
        owner.execute(
            "UPDATE cases SET responsible_user_id = "
            "(SELECT id FROM users WHERE username LIKE %s) WHERE id = %s",
            ("%omar.haddad", omars_protected.id),
        )
        every_case = [row[0] for row in owner.execute("SELECT id FROM cases")]
    assert len(every_case) == 5
    with connect(login_roles, "omar.haddad") as conn:  # the policy's every arm is met
        assert omars_protected.id in visible_cases(conn)
        assert cases.protected not in visible_cases(conn)
        assert unassigned.id in visible_cases(conn)
    for username in login_roles:
        with connect(login_roles, username) as conn:
            said = {
                row[0]
                for row in conn.execute(
                    "SELECT x FROM unnest(%s::uuid[]) x WHERE public.arendestod_case_visible(x)",
                    (every_case,),
                )
            }
            assert said == visible_cases(conn), username
