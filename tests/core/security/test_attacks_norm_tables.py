"""Four-eyes on the riksnorm, on the shared server (issue 19, migration 0022): attacks
straight to PostgreSQL as the administrators' own login roles (psycopg, never through the
program), and the program's own entering and approving under the server's rules.

A table is inserted as a draft in one's own name, approved only by another administrator (in
her own name, at the server's time), never changed after it was entered, and deleted only
while a draft. Only active administrators write norm_tables at all (0017)."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import select

from app.common.errors import AccessDenied
from app.db.database import open_database
from app.models import NormTableRecord, Role
from app.norms import applicable_table
from app.security.accounts import create_user
from app.security.actor import Actor
from tests.core.norms.test_applicable_table import table_2027
from tests.core.security.test_server_access_control import connect, db_owner, on_postgresql

INSERT = (
    "INSERT INTO norm_tables (id, year, table_json, published_at, published_by, status, "
    "version, created_at, updated_at) VALUES (gen_random_uuid(), %s, '{}', now(), %s, %s, 1, "
    "now(), now()) RETURNING id"
)
APPROVE = "UPDATE norm_tables SET status = 'approved', approved_by = %s WHERE id = %s"
DENIED = psycopg.errors.InsufficientPrivilege


@pytest.fixture
def bo(session, staff) -> Actor:
    """A second administrator, made before the login roles (listed first in the tests)."""
    user = create_user(
        session,
        None,
        username="bo.admin",
        full_name="Bo Admin",
        role=Role.ADMINISTRATOR,
        unit=staff.unit,
        password="hemligt-lösen-2",
    )
    session.commit()
    return Actor.of(user)


@on_postgresql
def test_a_table_is_entered_as_ones_own_draft(bo, login_roles, staff) -> None:
    ada = staff.admin.id
    with connect(login_roles, "ada.admin") as conn:
        with pytest.raises(DENIED, match="läggs in som utkast"):
            conn.execute(INSERT, (2031, ada, "approved"))
        with pytest.raises(DENIED, match="i ditt eget namn"):
            conn.execute(INSERT, (2031, bo.id, "draft"))
        conn.execute(INSERT, (2031, ada, "draft"))


@on_postgresql
def test_the_one_who_entered_it_cannot_approve_it(bo, login_roles, staff) -> None:
    ada = staff.admin.id
    with connect(login_roles, "ada.admin") as conn:
        (draft,) = conn.execute(INSERT, (2031, ada, "draft")).fetchone()
        with pytest.raises(DENIED, match="Du har själv lagt in riksnormen för 2031"):
            conn.execute(APPROVE, (ada, draft))
        with pytest.raises(DENIED, match="godkänns i ditt eget namn"):
            conn.execute(APPROVE, (bo.id, draft))  # "approved by Bo", as Ada
        with pytest.raises(DENIED, match="ändras inte"):  # nor made someone else's first
            conn.execute("UPDATE norm_tables SET published_by = %s WHERE id = %s", (bo.id, draft))
    with connect(login_roles, "bo.admin") as conn:
        conn.execute(
            "UPDATE norm_tables SET status = 'approved', approved_by = %s, "
            "approved_at = '2020-01-01' WHERE id = %s",
            (bo.id, draft),
        )
        status, approver, approved_at = conn.execute(
            "SELECT status, approved_by, approved_at FROM norm_tables WHERE id = %s", (draft,)
        ).fetchone()
    assert (status, approver) == ("approved", bo.id)
    assert abs((approved_at - datetime.now(UTC)).total_seconds()) < 300  # the server's time


@on_postgresql
def test_an_approved_table_is_never_changed_nor_deleted(bo, login_roles, staff) -> None:
    ada = staff.admin.id
    with connect(login_roles, "ada.admin") as conn:
        (table,) = conn.execute(INSERT, (2031, ada, "draft")).fetchone()
        (draft,) = conn.execute(INSERT, (2032, ada, "draft")).fetchone()
    with connect(login_roles, "bo.admin") as conn:
        conn.execute(APPROVE, (bo.id, table))
        for attack in (
            "UPDATE norm_tables SET table_json = '{\"year\": 2031}' WHERE id = %s",
            "UPDATE norm_tables SET year = 2033 WHERE id = %s",
            "UPDATE norm_tables SET status = 'draft', approved_by = NULL WHERE id = %s",
            "UPDATE norm_tables SET approved_at = now() - interval '1 day' WHERE id = %s",
        ):
            with pytest.raises(DENIED):
                conn.execute(attack, (table,))
        with pytest.raises(DENIED, match="En godkänd riksnorm tas inte bort"):
            conn.execute("DELETE FROM norm_tables WHERE id = %s", (table,))
        assert conn.execute("DELETE FROM norm_tables WHERE id = %s", (draft,)).rowcount == 1


@on_postgresql
def test_a_caseworker_neither_enters_nor_approves(bo, login_roles, staff) -> None:
    ada = staff.admin.id
    with connect(login_roles, "ada.admin") as conn:
        (draft,) = conn.execute(INSERT, (2031, ada, "draft")).fetchone()
    with connect(login_roles, "sara.nilsson") as conn:
        with pytest.raises(DENIED, match="row-level security"):
            conn.execute(INSERT, (2032, staff.caseworker.id, "draft"))
        assert conn.execute(APPROVE, (staff.caseworker.id, draft)).rowcount == 0


@on_postgresql
def test_the_administrators_enter_and_approve_in_the_program_under_the_servers_rules(
    bo, login_roles, staff, pg_server
) -> None:
    """Ada enters 2027 and may not approve it; Bo approves; the caseworker's calculation
    then takes it. Each connected as their own role."""
    ada = staff.admin
    database = open_database(login_roles["ada.admin"], upgrade=False)
    try:
        with database.sessions.begin() as session:
            applicable_table.import_table(session, ada, table_2027())
        with (
            pytest.raises(AccessDenied, match="En annan administratör måste godkänna den"),
            database.sessions.begin() as session,
        ):
            applicable_table.approve_table(session, ada, 2027)
    finally:
        database.dispose()
    database = open_database(login_roles["bo.admin"], upgrade=False)
    try:
        with database.sessions.begin() as session:
            applicable_table.approve_table(session, bo, 2027)
    finally:
        database.dispose()
    database = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        with database.sessions.begin() as session:
            assert applicable_table.table_for(session, 2027).year == 2027
            record = session.scalar(select(NormTableRecord).where(NormTableRecord.year == 2027))
            assert (record.published_by, record.approved_by) == (ada.id, bo.id)
    finally:
        database.dispose()
    with db_owner(login_roles, pg_server) as owner:
        statuses = owner.execute("SELECT status FROM norm_tables WHERE year = 2027").fetchall()
    assert statuses == [("approved",)]
