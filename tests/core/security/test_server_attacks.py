"""Attacks on the shared server's rules, straight to PostgreSQL as a user's own login role
(psycopg, never through the program), as a handläggare with psql would try them (issue 18).

The server is the security boundary: each attack must be refused or come to nothing.
Fixtures as in test_server_access_control.py: `login_roles` gives every user of the staff a
login role as `db init-server` and `db create-login` would."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select, text

from app.db import server_roles
from app.models import AuditEntry
from tests.core.security.test_server_access_control import (
    connect,
    db_owner,
    on_postgresql,
    visible_cases,
)

SERVER_FUNCTIONS = """
SELECT p.oid::regprocedure::text, p.prosecdef, coalesce(p.proconfig, '{}')
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = current_schema() AND (p.prosecdef OR p.proname LIKE 'arendestod\\_%')
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
"""
"""Every function of the schema that is ours (an extension's, such as pgaudit's, is not)."""


@on_postgresql
def test_every_server_function_searches_its_schema_before_pg_temp(db) -> None:
    """A function without its own search_path, or one that does not name pg_temp last,
    searches the caller's temporary tables first (PostgreSQL: "If it is not listed in the
    path then it is searched first")."""
    with db.engine.connect() as connection:
        functions = connection.execute(text(SERVER_FUNCTIONS)).all()
    assert len(functions) >= 10  # migrations 0008, 0012-0014
    unsafe = {
        name: config
        for name, _definer, config in functions
        if "search_path=pg_catalog, public, pg_temp" not in config
    }
    assert unsafe == {}


@on_postgresql
def test_init_server_leaves_the_users_no_objects_of_their_own(db) -> None:
    server_roles.secure_database(db.engine)
    assert server_roles.server_report(db.engine).user_objects == "nej"


@on_postgresql
@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TEMP TABLE users (id uuid, username text, role text, unit_id uuid, active bool)",
        "CREATE TABLE public.users_copy (id uuid)",
        "CREATE FUNCTION public.lower(varchar) RETURNS text LANGUAGE sql AS 'SELECT $1::text'",
        "CREATE VIEW public.own_view AS SELECT 1 AS one",
    ],
)
def test_a_caseworker_cannot_create_objects(cases, login_roles, statement) -> None:
    with (
        connect(login_roles, "sara.nilsson") as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(statement)


@pytest.fixture
def temporary_tables_granted(login_roles, db, pg_server):
    """As if the server's owner could not take TEMPORARY away (db init-server run by a role
    that does not own the database): the functions must still not read the user's tables."""
    with db_owner(login_roles, pg_server) as owner:
        name = owner.execute("SELECT current_database()").fetchone()[0]
        owner.execute(f'GRANT TEMPORARY ON DATABASE "{name}" TO PUBLIC')
        yield
        owner.execute(f'REVOKE TEMPORARY ON DATABASE "{name}" FROM PUBLIC')


@on_postgresql
def test_a_temporary_users_table_makes_no_one_chef(
    cases, login_roles, staff, temporary_tables_granted
) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        me = conn.execute("SELECT session_user").fetchone()[0]
        conn.execute(
            "CREATE TEMP TABLE users AS SELECT %s::uuid AS id, %s::text AS username, "
            "'chef'::text AS role, %s::uuid AS unit_id, true AS active",
            (staff.caseworker.id, me, staff.other_unit.id),
        )
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1  # hers, in pg_temp
        assert visible_cases(conn) == {cases.own, cases.protected}
        assert (
            conn.execute(
                "SELECT count(*) FROM journal_entries WHERE case_id = %s", (cases.other_unit,)
            ).fetchone()[0]
            == 0
        )


@on_postgresql
def test_an_empty_temporary_protected_households_table_unhides_nothing(
    cases, login_roles, temporary_tables_granted
) -> None:
    """The policies leave out the households the server lists as protected (migration 0012);
    an empty list of her own must not make a colleague's protected case visible."""
    with connect(login_roles, "omar.haddad") as conn:
        conn.execute("CREATE TEMP TABLE protected_households (household_id uuid)")
        conn.execute("CREATE TEMP TABLE persons (id uuid, protected_identity boolean)")
        assert visible_cases(conn) == {cases.own}
        visible = {row[0] for row in conn.execute("SELECT id FROM public.persons")}
        assert cases.protected_person not in visible


@on_postgresql
def test_a_temporary_audit_log_does_not_catch_the_servers_audit_rows(
    cases, login_roles, staff, db, temporary_tables_granted
) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        conn.execute("CREATE TEMP TABLE audit_log (LIKE public.audit_log)")
        conn.execute(
            "INSERT INTO journal_entries (id, case_id, entry_date, entry_type, title, text, "
            "author_id, version, created_at, updated_at) VALUES "
            "(gen_random_uuid(), %s, '2026-11-23', 'anteckning', 'Förbi loggen', 'Försök', "
            "%s, 1, now(), now())",
            (cases.own, staff.caseworker.id),
        )
        assert conn.execute("SELECT count(*) FROM pg_temp.audit_log").fetchone()[0] == 0
    with db.sessions() as session:
        logged = session.scalars(
            select(AuditEntry.case_id)
            .where(AuditEntry.action == "db_insert")
            .where(AuditEntry.entity == "journal_entries")
            .where(AuditEntry.user_id == staff.caseworker.id)
        ).all()
    assert logged == [cases.own]
