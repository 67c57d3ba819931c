"""Attacks on the office's reference data, straight to PostgreSQL as a user's own login role
(psycopg, never through the program; issue 18, point 2, migration 0017).

Delegations, norm tables, units, settings and form definitions are read by every active
user and written by active administrators only; a published form version is never changed;
handläggare and chefs take the next case number and nothing else. Every write of these
tables leaves the server's own audit row with the old and the new row."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import select, text

from app import cli
from app.common.errors import NotFound
from app.db import server_roles
from app.db.database import open_database
from app.decisions import decisions
from app.forms import filled_forms, form_definitions
from app.models import DecisionKind, DelegationScope, FormDefinitionRecord, Setting
from app.norms import applicable_table
from app.security import audit_review, office_settings
from tests.core.security.test_server_access_control import connect, db_owner, on_postgresql

SETTING = "decision_warning_days"
"""A setting the administrator changes in the program (office_settings)."""

WRITABLE_TABLES = """
SELECT c.relname, c.relrowsecurity
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
  AND (has_table_privilege(%(role)s, c.oid, 'INSERT')
       OR has_table_privilege(%(role)s, c.oid, 'UPDATE')
       OR has_table_privilege(%(role)s, c.oid, 'DELETE')
       OR has_table_privilege(%(role)s, c.oid, 'TRUNCATE'))
ORDER BY c.relname
"""


@pytest.fixture
def reference(session, staff, cases) -> None:
    """Reference data as the office has it: Sara's delegation (up to 5 000 kr), a setting, a
    norm table entered by the administrator, the shipped form versions, and this year's
    case-number series (the cases). Written by the schema owner through the services."""
    admin = staff.admin
    decisions.set_delegation(
        session,
        admin,
        staff.caseworker.id,
        DecisionKind.SUPPORT,
        Decimal("5000"),
        scope=DelegationScope.GRANT,
    )
    office_settings.change_setting(session, admin, SETTING, "30")
    applicable_table.import_table(session, admin, applicable_table.template_for_next_year(session))
    form_definitions.publish_builtin(session)
    session.commit()


def owner_audit(login_roles, pg_server, entity: str) -> list[tuple]:
    """The server's audit rows of `entity` (action, user id, old row, new row)."""
    with db_owner(login_roles, pg_server) as owner:
        rows = owner.execute(
            "SELECT action, user_id, detail FROM audit_log "
            "WHERE entity = %s AND action LIKE 'db\\_%%' ORDER BY at, id",
            (entity,),
        ).fetchall()
    return [
        (action, user_id, json.loads(detail)["före"], json.loads(detail)["efter"])
        for action, user_id, detail in rows
    ]


@on_postgresql
def test_every_table_the_app_role_may_write_is_under_row_level_security(db) -> None:
    """The issue's rule: every table the users can reach has row-level security or is
    read-only to them."""
    with db.engine.connect() as connection:
        writable = connection.exec_driver_sql(
            WRITABLE_TABLES, {"role": server_roles.APP_ROLE}
        ).all()
    assert writable  # the case tables
    assert [name for name, secured in writable if not secured] == []


@on_postgresql
def test_the_servers_case_change_sequence_is_read_only(cases, login_roles) -> None:
    """Kept by the server's triggers (migration 0013); a laptop's pull reads it."""
    with connect(login_roles, "sara.nilsson") as conn:
        assert conn.execute("SELECT count(*) FROM case_changes").fetchone()[0] > 0
        for attack in (
            "UPDATE case_changes SET seq = 0",
            "DELETE FROM case_changes",
            "INSERT INTO case_changes (case_id, seq) SELECT id, 0 FROM cases",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                conn.execute(attack)


# --- handläggare and chefs ----------------------------------------------------------------

STAFF_USERS = ["sara.nilsson", "eva.lind"]


@on_postgresql
@pytest.mark.parametrize("username", STAFF_USERS)
def test_no_one_but_an_administrator_changes_a_delegation(
    reference, login_roles, staff, username, db
) -> None:
    sara = staff.caseworker.id
    with connect(login_roles, username) as conn:
        # everyone reads the delegationsordning (the program checks it before signing)
        assert conn.execute(
            "SELECT max_amount FROM delegations WHERE user_id = %s", (sara,)
        ).fetchall() == [(Decimal("5000.00"),)]
        assert (
            conn.execute(
                "UPDATE delegations SET max_amount = NULL WHERE user_id = %s", (sara,)
            ).rowcount
            == 0
        )
        assert conn.execute("DELETE FROM delegations").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO delegations (id, user_id, kind, max_amount, version, created_at, "
                "updated_at) VALUES (gen_random_uuid(), %s, 'utover_ratten', NULL, 1, now(), "
                "now())",
                (sara,),
            )
    with db.engine.connect() as connection:
        assert connection.execute(
            text("SELECT kind, max_amount FROM delegations WHERE user_id = :u"), {"u": sara}
        ).all() == [("forsorjningsstod", Decimal("5000.00"))]


@on_postgresql
@pytest.mark.parametrize("username", STAFF_USERS)
def test_no_one_but_an_administrator_enters_a_norm_table(
    reference, login_roles, staff, username
) -> None:
    with connect(login_roles, username) as conn:
        assert conn.execute("SELECT count(*) FROM norm_tables").fetchone() == (1,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO norm_tables (id, year, table_json, published_at, published_by, "
                "version, created_at, updated_at) VALUES (gen_random_uuid(), 2026, '{}', "
                "now(), %s, 1, now(), now())",
                (staff.admin.id,),
            )
        assert conn.execute("UPDATE norm_tables SET table_json = '{}'").rowcount == 0
        assert conn.execute("DELETE FROM norm_tables").rowcount == 0


@on_postgresql
@pytest.mark.parametrize("username", STAFF_USERS)
def test_no_one_but_an_administrator_changes_a_unit(
    reference, login_roles, staff, username
) -> None:
    with connect(login_roles, username) as conn:
        assert conn.execute("SELECT count(*) FROM units").fetchone() == (2,)
        changed = conn.execute(
            "UPDATE units SET board_name = 'Falska nämnden', phone = '0900-123 45'"
        )
        assert changed.rowcount == 0
        assert conn.execute("DELETE FROM units").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO units (id, name, board_name, municipality, phone, postal_address, "
                "version, created_at, updated_at) VALUES (gen_random_uuid(), 'Egen', 'Egen', "
                "'', '', '', 1, now(), now())"
            )


@on_postgresql
@pytest.mark.parametrize("username", STAFF_USERS)
def test_no_one_but_an_administrator_changes_a_setting(reference, login_roles, username) -> None:
    with connect(login_roles, username) as conn:
        assert conn.execute("SELECT value FROM settings WHERE key = %s", (SETTING,)).fetchone() == (
            "30",
        )
        assert conn.execute("UPDATE settings SET value = '9999'").rowcount == 0
        assert conn.execute("DELETE FROM settings").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO settings (id, key, value, version, created_at, updated_at) "
                "VALUES (gen_random_uuid(), 'deadline_warning_days', '0', 1, now(), now())"
            )


@on_postgresql
@pytest.mark.parametrize("username", STAFF_USERS)
def test_no_one_but_an_administrator_publishes_a_form_version(
    reference, login_roles, staff, username
) -> None:
    with connect(login_roles, username) as conn:
        definition = conn.execute(
            "SELECT definition_json FROM form_definitions WHERE key = 'ib' AND version = 1"
        ).fetchone()[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO form_definitions (id, key, version, title, definition_json, "
                "published_at, published_by) VALUES (gen_random_uuid(), 'ib', 2, 'IB', %s, "
                "now(), %s)",
                (definition, staff.admin.id),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE form_definitions SET definition_json = '{}'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM form_definitions")


@on_postgresql
@pytest.mark.parametrize("username", STAFF_USERS)
def test_a_case_number_series_only_counts_up_by_one(reference, login_roles, username) -> None:
    """Handläggare and chefs take the next number when they register a case (the cases
    fixture took three of 2026), and nothing more."""
    with connect(login_roles, username) as conn:
        for attack in (
            "UPDATE case_number_series SET last_number = 0 WHERE year = 2026",
            "UPDATE case_number_series SET last_number = 2147483647 WHERE year = 2026",
            "UPDATE case_number_series SET year = 2025 WHERE year = 2026",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="Diarienummerserien"):
                conn.execute(attack)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM case_number_series")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO case_number_series (year, last_number) VALUES (2027, 500)")
        assert conn.execute(
            "SELECT last_number FROM case_number_series WHERE year = 2026"
        ).fetchone() == (3,)
        # the next number, as next_case_number takes it
        taken = conn.execute(
            "UPDATE case_number_series SET last_number = last_number + 1 WHERE year = 2026 "
            "RETURNING last_number"
        ).fetchall()
        assert taken == [(4,)]


@on_postgresql
def test_an_administrator_takes_no_case_number(reference, login_roles) -> None:
    """Administrators register no cases (case_register.create_case)."""
    with connect(login_roles, "ada.admin") as conn:
        changed = conn.execute("UPDATE case_number_series SET last_number = last_number + 1")
        assert changed.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO case_number_series (year, last_number) VALUES (2027, 1)")


# --- the administrator ----------------------------------------------------------------------


@on_postgresql
def test_an_administrators_writes_work_and_the_server_audits_each_with_old_and_new(
    reference, login_roles, staff, pg_server
) -> None:
    ada, sara = staff.admin.id, staff.caseworker.id
    with connect(login_roles, "ada.admin") as conn:
        assert (
            conn.execute(
                "UPDATE delegations SET max_amount = NULL WHERE user_id = %s", (sara,)
            ).rowcount
            == 1
        )
        assert conn.execute("DELETE FROM delegations WHERE user_id = %s", (sara,)).rowcount == 1
        conn.execute(
            "INSERT INTO norm_tables (id, year, table_json, published_at, published_by, "
            "version, created_at, updated_at) VALUES (gen_random_uuid(), 2031, '{}', now(), "
            "%s, 1, now(), now())",
            (ada,),
        )
        assert conn.execute("UPDATE units SET phone = '0101-11 11 11'").rowcount == 2
        conn.execute(
            "INSERT INTO settings (id, key, value, version, created_at, updated_at) "
            "VALUES (gen_random_uuid(), 'deadline_warning_days', '5', 1, now(), now())"
        )
        definition = conn.execute(
            "SELECT definition_json FROM form_definitions WHERE key = 'ib' AND version = 1"
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO form_definitions (id, key, version, title, definition_json, "
            "published_at, published_by) VALUES (gen_random_uuid(), 'ib', 2, 'IB', %s, now(), "
            "%s)",
            (definition, ada),
        )
        # a published version stays as it was, for the administrator too: forms refer to it
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE form_definitions SET title = 'Ändrad'")

    delegations = owner_audit(login_roles, pg_server, "delegations")
    assert [(action, user) for action, user, _old, _new in delegations[-2:]] == [
        ("db_update", ada),
        ("db_delete", ada),
    ]
    _action, _user, old, new = delegations[-2]
    assert (old["max_amount"], new["max_amount"]) == (5000.00, None)
    assert old["user_id"] == new["user_id"] == str(sara)
    assert delegations[-1][2]["max_amount"] is None and delegations[-1][3] is None

    (*_, (action, user, old, new)) = owner_audit(login_roles, pg_server, "norm_tables")
    assert (action, user, old, new["year"]) == ("db_insert", ada, None, 2031)
    units = owner_audit(login_roles, pg_server, "units")[-2:]
    assert {(a, u) for a, u, _o, _n in units} == {("db_update", ada)}
    assert {(o["phone"], n["phone"]) for _a, _u, o, n in units} == {("", "0101-11 11 11")}
    (*_, (action, user, old, new)) = owner_audit(login_roles, pg_server, "settings")
    assert (action, user, old, new["value"]) == ("db_insert", ada, None, "5")
    (*_, (action, user, old, new)) = owner_audit(login_roles, pg_server, "form_definitions")
    assert (action, user, new["version"]) == ("db_insert", ada, 2)


@on_postgresql
def test_an_inactivated_administrator_changes_nothing(
    reference, login_roles, staff, pg_server
) -> None:
    """Inactivation takes her login (migration 0016); a session she opened before it gets
    nothing more either."""
    with connect(login_roles, "ada.admin") as conn:
        with db_owner(login_roles, pg_server) as owner:
            owner.execute("UPDATE users SET active = false WHERE id = %s", (staff.admin.id,))
        with pytest.raises(psycopg.OperationalError):
            connect(login_roles, "ada.admin").close()
        assert conn.execute("SELECT count(*) FROM delegations").fetchone() == (0,)
        assert conn.execute("UPDATE delegations SET max_amount = NULL").rowcount == 0
        assert conn.execute("UPDATE units SET board_name = 'X'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO settings (id, key, value, version, created_at, updated_at) "
                "VALUES (gen_random_uuid(), 'deadline_warning_days', '5', 1, now(), now())"
            )


@on_postgresql
def test_a_case_numbers_taken_by_a_caseworker_are_audited(
    reference, login_roles, staff, pg_server
) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        conn.execute("UPDATE case_number_series SET last_number = last_number + 1")
    (*_, (action, user, old, new)) = owner_audit(login_roles, pg_server, "case_number_series")
    assert (action, user) == ("db_update", staff.caseworker.id)
    assert (old, new) == ({"year": 2026, "last_number": 3}, {"year": 2026, "last_number": 4})


# --- through the program ----------------------------------------------------------------------


@on_postgresql
def test_the_administrators_changes_in_the_program_work_under_the_servers_rules(
    reference, login_roles, staff, pg_server
) -> None:
    """Connected as Ada's own role: a delegation, a setting, a norm table and a new form
    version, as the administrator's dialogs make them."""
    ada, sara = staff.admin, staff.caseworker
    database = open_database(login_roles["ada.admin"], upgrade=False)
    try:
        with database.sessions.begin() as session:
            decisions.set_delegation(session, ada, sara.id, DecisionKind.SUPPORT, None)
            decisions.set_delegation(
                session, ada, sara.id, DecisionKind.BEYOND_RIGHT, Decimal("3000")
            )
            office_settings.change_setting(session, ada, SETTING, "45")
            template = applicable_table.template_for_next_year(session)
            applicable_table.import_table(session, ada, template)
            draft = json.loads(
                form_definitions.definition_json(
                    session, form_definitions.latest_record(session, "fia").id
                )
            )
            draft["version"] += 1
            form_definitions.publish_version(session, ada, json.dumps(draft, ensure_ascii=False))
        with database.sessions.begin() as session:
            rows = {r.user_id: r.rights for r in decisions.list_delegations(session)}
            assert rows[sara.id] == {
                (DecisionKind.SUPPORT, DelegationScope.GRANT): None,
                (DecisionKind.SUPPORT, DelegationScope.REFUSE): None,
                (DecisionKind.BEYOND_RIGHT, DelegationScope.GRANT): Decimal("3000.00"),
                (DecisionKind.BEYOND_RIGHT, DelegationScope.REFUSE): Decimal("3000.00"),
            }
            assert session.scalar(select(Setting.value).where(Setting.key == SETTING)) == "45"
            decisions.set_delegation(
                session, ada, sara.id, DecisionKind.BEYOND_RIGHT, None, granted=False
            )
        with database.sessions.begin() as session:  # the server's rows in her log review
            today = date.today()  # the server's clock, not the tests' fixed one
            reviewed = audit_review.review(
                session,
                ada,
                audit_review.ReviewFilter(today - timedelta(days=7), today + timedelta(days=7)),
            )
            assert {
                (row.user_name, row.action_label, row.entity_label) for row in reviewed.rows
            } >= {
                ("Ada Admin", "Ändrad rad (servern)", "delegation"),
                ("Ada Admin", "Ändrad rad (servern)", "inställning"),
                ("Ada Admin", "Ny rad (servern)", "riksnorm"),
                ("Ada Admin", "Ny rad (servern)", "formulärversion"),
            }
    finally:
        database.dispose()
    by_ada = [
        a for a, user, *_ in owner_audit(login_roles, pg_server, "delegations") if user == ada.id
    ]
    # one row per scope (bevilja, avslå): each kind of write more than once
    assert sorted(set(by_ada)) == ["db_delete", "db_insert", "db_update"]
    assert [a for a, *_ in owner_audit(login_roles, pg_server, "form_definitions")][-1] == (
        "db_insert"
    )


@on_postgresql
def test_caseworkers_register_cases_and_fill_in_forms_under_the_servers_rules(
    reference, cases, login_roles, staff, pg_server, pnr
) -> None:
    """Sara's new cases take the next numbers (two in one transaction); a shipped form
    version the server lacks is left to the administrator, and Sara works on with the
    published ones."""
    from app.cases.case_register import NewCase, PersonInput, create_case
    from app.models import MemberRole

    sara = staff.caseworker
    with db_owner(login_roles, pg_server) as owner:  # as if the program shipped fia v1 anew
        owner.execute("DELETE FROM form_definitions WHERE key = 'fia'")
    database = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        with database.sessions.begin() as session:
            numbers = [
                create_case(
                    session,
                    sara,
                    NewCase(
                        applicant=PersonInput(
                            pnr("19700101", serial), "Ny", "Sökande", MemberRole.APPLICANT
                        )
                    ),
                ).case_number
                for serial in (11, 12)
            ]
            assert numbers == ["EB-2026-000004", "EB-2026-000005"]
            form = filled_forms.create_form(session, sara, "ib", case_id=cases.own)
            assert form.form_key == "ib"
            with pytest.raises(NotFound):
                form_definitions.latest_record(session, "fia")
        with database.sessions() as session:
            assert (
                session.scalars(
                    select(FormDefinitionRecord.key).where(FormDefinitionRecord.key == "fia")
                ).all()
                == []
            )
    finally:
        database.dispose()


@on_postgresql
def test_init_server_publishes_the_shipped_form_versions(db, capsys) -> None:
    """On a server only administrators may publish; `db init-server` (the schema owner)
    publishes the versions the program ships, so that the users find them."""
    url = db.engine.url.render_as_string(hide_password=False)
    assert cli.main(["--db", url, "db", "init-server"]) == 0, capsys.readouterr().err
    with db.sessions() as session:
        published = set(
            session.execute(select(FormDefinitionRecord.key, FormDefinitionRecord.version))
        )
    shipped = {(path.parent.name, int(path.stem[1:])) for path in form_definitions.builtin_files()}
    assert shipped and published == shipped
