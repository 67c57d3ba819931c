"""A sweep of the server's catalog as `db init-server` leaves it (issue 18): whatever a
migration adds later, no function, grant, table, role or extension gives a user more than
the policies and triggers the attack tests try.

Each test reads the catalog as the schema owner and names what breaks the rule, so a
failure says which object to fix (in a migration)."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url, text

from app.db import server_roles
from tests.core.security.test_server_access_control import on_postgresql

SAFE_SEARCH_PATH = "search_path=pg_catalog, public, pg_temp"
EXPECTED_EXTENSIONS = {"plpgsql", "pgaudit"}
"""plpgsql is in every database; pgaudit is the server's read log (db init-server, when
the server has it)."""

WRITABLE_WITHOUT_ROW_LEVEL_SECURITY: dict[str, str] = {}
"""Tables the app role may write that have no row-level security, each with the trigger
that refuses the users and why that is enough. None today: every one has policies."""

OURS = "NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = {oid} AND d.deptype = 'e')"
"""Not a member of an extension (pgaudit's own objects are the extension's business)."""


@pytest.fixture
def server(db):
    """The test database as `db init-server` leaves it (the schema is migrated already)."""
    server_roles.configure_settings(db.engine)
    with db.engine.connect() as connection:
        yield connection


def _rows(connection, sql: str, **params) -> list[tuple]:
    return [tuple(row) for row in connection.execute(text(sql), params)]


@on_postgresql
def test_every_definer_function_searches_pg_temp_last_and_is_not_public(server) -> None:
    rows = _rows(
        server,
        f"""
        SELECT p.oid::regprocedure::text, coalesce(p.proconfig, '{{}}'),
               p.proacl IS NULL OR EXISTS (
                   SELECT FROM aclexplode(p.proacl) a
                   WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema() AND p.prosecdef AND {OURS.format(oid="p.oid")}
        """,
    )
    assert len(rows) >= 10  # the policy functions of 0008 and the audit triggers
    unsafe = [name for name, config, _public in rows if SAFE_SEARCH_PATH not in config]
    public = [name for name, _config, public in rows if public]
    assert (unsafe, public) == ([], [])


@on_postgresql
def test_nothing_is_granted_to_public(server) -> None:
    """Tables, views, sequences and functions: an object without an ACL is a function's
    default (EXECUTE for PUBLIC), a table's is its owner's alone."""
    relations = _rows(
        server,
        f"""
        SELECT c.relname, a.privilege_type
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
             aclexplode(c.relacl) a
        WHERE n.nspname = current_schema() AND a.grantee = 0 AND {OURS.format(oid="c.oid")}
        """,
    )
    functions = _rows(
        server,
        f"""
        SELECT p.oid::regprocedure::text
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema() AND {OURS.format(oid="p.oid")}
          AND (p.proacl IS NULL OR EXISTS (
                   SELECT FROM aclexplode(p.proacl) a WHERE a.grantee = 0))
        """,
    )
    assert (relations, functions) == ([], [])


@on_postgresql
def test_every_table_the_app_role_writes_is_guarded(server) -> None:
    """Row-level security (or a listed trigger) on every table the users may write; no
    TRUNCATE or TRIGGER (TRUNCATE passes both row-level security and row triggers), no
    sequence of the server's to move, no policy that lets everyone write or applies to
    PUBLIC."""
    role = server_roles.APP_ROLE
    writable = _rows(
        server,
        """
        SELECT c.relname, c.relrowsecurity
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
          AND (has_table_privilege(:role, c.oid, 'INSERT')
               OR has_table_privilege(:role, c.oid, 'UPDATE')
               OR has_table_privilege(:role, c.oid, 'DELETE'))
        """,
        role=role,
    )
    assert len(writable) >= 15
    unguarded = {name for name, secured in writable if not secured}
    assert unguarded == set(WRITABLE_WITHOUT_ROW_LEVEL_SECURITY)
    beyond_rows = _rows(
        server,
        """
        SELECT c.relname, p.privilege
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
             unnest(ARRAY['TRUNCATE', 'TRIGGER', 'REFERENCES']) AS p(privilege)
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND has_table_privilege(:role, c.oid, p.privilege)
        """,
        role=role,
    )
    sequences = _rows(
        server,
        """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'S'
          AND (has_sequence_privilege(:role, c.oid, 'USAGE')
               OR has_sequence_privilege(:role, c.oid, 'UPDATE'))
        """,
        role=role,
    )
    open_policies = _rows(
        server,
        """
        SELECT p.tablename, p.policyname, p.cmd
        FROM pg_policies p
        WHERE p.schemaname = current_schema()
          AND ('public' = ANY (p.roles)
               OR (p.cmd <> 'SELECT' AND (p.qual = 'true' OR p.with_check = 'true')))
        """,
    )
    assert (beyond_rows, sequences, open_policies) == ([], [], [])


@on_postgresql
def test_no_view_reads_past_the_policies(server) -> None:
    """A view runs as its owner (before PostgreSQL 15's security_invoker): one the users
    may read would read every row. There are none; one added must be security_invoker."""
    views = _rows(
        server,
        f"""
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm')
          AND {OURS.format(oid="c.oid")}
          AND has_table_privilege(:role, c.oid, 'SELECT')
          AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)
        """,
        role=server_roles.APP_ROLE,
    )
    assert views == []


@on_postgresql
def test_the_users_roles_own_nothing_and_create_nothing(server, login_roles) -> None:
    """The app role and every user's login role: no object of their own, no CREATE on the
    schema or the database, no temporary tables, no role attributes beyond LOGIN, and no
    membership but the login roles' in the app role."""
    logins = [make_url(url).username for url in login_roles.values()]
    roles = [server_roles.APP_ROLE, *logins]
    owned = _rows(
        server,
        """
        SELECT 'relation ' || c.relname FROM pg_class c
        JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = ANY (:roles)
        UNION ALL
        SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p
        JOIN pg_roles r ON r.oid = p.proowner WHERE r.rolname = ANY (:roles)
        UNION ALL
        SELECT 'schema ' || s.nspname FROM pg_namespace s
        JOIN pg_roles r ON r.oid = s.nspowner WHERE r.rolname = ANY (:roles)
        UNION ALL
        SELECT 'type ' || t.typname FROM pg_type t
        JOIN pg_roles r ON r.oid = t.typowner WHERE r.rolname = ANY (:roles)
        UNION ALL
        SELECT 'database ' || d.datname FROM pg_database d
        JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = ANY (:roles)
        """,
        roles=roles,
    )
    may_create = _rows(
        server,
        """
        SELECT r.rolname,
               has_schema_privilege(r.rolname, current_schema(), 'CREATE'),
               has_database_privilege(r.rolname, current_database(), 'CREATE'),
               has_database_privilege(r.rolname, current_database(), 'TEMPORARY')
        FROM pg_roles r WHERE r.rolname = ANY (:roles)
        """,
        roles=roles,
    )
    attributes = _rows(
        server,
        """
        SELECT rolname FROM pg_roles WHERE rolname = ANY (:roles)
          AND (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)
        """,
        roles=roles,
    )
    memberships = _rows(
        server,
        """
        SELECT r.rolname, g.rolname
        FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
        JOIN pg_roles g ON g.oid = m.roleid
        WHERE r.rolname = ANY (:roles)
        """,
        roles=roles,
    )
    assert owned == []
    assert [row for row in may_create if any(row[1:])] == []
    assert attributes == []
    assert sorted(memberships) == sorted((login, server_roles.APP_ROLE) for login in logins)
    assert len(may_create) == len(roles)  # every role was there to be asked about


@on_postgresql
def test_no_extension_but_the_expected_ones(server) -> None:
    extensions = {row[0] for row in _rows(server, "SELECT extname FROM pg_extension")}
    assert extensions <= EXPECTED_EXTENSIONS
