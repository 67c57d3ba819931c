"""Attacks on the audit log, straight to PostgreSQL as a user's own login role (psycopg, never
through the program): the server stamps every row a user writes with her own id and its own
clock, and keeps its db_ rows to itself (migration 0018, issue 18 point 5). What a laptop
read offline still arrives, its time kept as the laptop's claim.

Fixtures as in test_server_access_control.py: `login_roles` gives every user of the staff a
login role."""

from __future__ import annotations

import ast
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select, update

import app
from app.cases import case_overview
from app.common import clock
from app.db.database import open_database
from app.forms import form_definitions
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import AuditEntry, FormKey, User
from app.security import accounts, audit
from tests.core.offline.sync_helpers import offline, run_sync, take_along
from tests.core.security.test_server_access_control import connect, on_postgresql

REFUSED = psycopg.errors.InsufficientPrivilege

INSERT = (
    "INSERT INTO audit_log (id, at, user_id, case_id, action, entity, detail) "
    "VALUES (gen_random_uuid(), %s, %s, %s, %s, 'case', %s) RETURNING id"
)


def _row(db, row_id) -> AuditEntry:
    with db.sessions() as session:
        return session.get_one(AuditEntry, row_id)


def _server_now(db) -> datetime:
    with db.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT now()").scalar_one()


@on_postgresql
def test_no_audit_row_in_someone_elses_name(cases, login_roles, staff) -> None:
    with (
        connect(login_roles, "sara.nilsson") as conn,
        pytest.raises(REFUSED, match="Du kan bara skriva loggrader i ditt eget namn"),
    ):
        conn.execute(INSERT, (clock.now(), staff.colleague.id, cases.own, "open", "förfalskad"))


@on_postgresql
def test_an_anonymous_row_gets_the_users_own_id(cases, login_roles, staff, db) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        row_id = conn.execute(INSERT, (clock.now(), None, cases.own, "open", "")).fetchone()[0]
    assert _row(db, row_id).user_id == staff.caseworker.id


@on_postgresql
def test_a_backdated_row_gets_the_servers_time(cases, login_roles, staff, db) -> None:
    before = _server_now(db)
    claimed = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    with connect(login_roles, "sara.nilsson") as conn:
        past = conn.execute(INSERT, (claimed, None, cases.own, "open", "i det förflutna"))
        future = conn.execute(
            INSERT, (datetime(2099, 1, 1, tzinfo=UTC), None, cases.own, "open", "")
        )
        past_id, future_id = past.fetchone()[0], future.fetchone()[0]
    row = _row(db, past_id)
    assert row.at >= before
    assert row.detail == "i det förflutna (klientens tid 2020-01-02 03:04:05 UTC)"
    assert _row(db, future_id).at < datetime(2099, 1, 1, tzinfo=UTC)


@on_postgresql
@pytest.mark.parametrize("action", ["db_insert", "db_update", "db_delete"])
def test_the_servers_own_rows_cannot_be_forged(cases, login_roles, staff, action) -> None:
    with (
        connect(login_roles, "sara.nilsson") as conn,
        pytest.raises(REFUSED, match="skrivs bara av servern"),
    ):
        conn.execute(INSERT, (clock.now(), staff.caseworker.id, cases.own, action, "databasroll x"))


@on_postgresql
def test_an_inactivated_user_logs_only_her_failed_login(
    cases, login_roles, staff, session, db
) -> None:
    """Inactivation takes the login (migration 0016): in a session opened before it she may
    log nothing but a failed login, stamped with her role; a new session is refused."""
    with connect(login_roles, "omar.haddad") as conn:
        session.execute(update(User).where(User.id == staff.colleague.id).values(active=False))
        session.commit()
        with pytest.raises(psycopg.OperationalError):
            connect(login_roles, "omar.haddad").close()
        role = conn.execute("SELECT session_user").fetchone()[0]
        with pytest.raises(REFUSED, match="tar bara emot rader från en aktiv användare"):
            conn.execute(INSERT, (clock.now(), None, None, "open", ""))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(INSERT, (clock.now(), staff.colleague.id, None, "login_failed", ""))
        row_id = uuid.uuid4()  # no RETURNING: she may read no rows of the log
        conn.execute(
            "INSERT INTO audit_log (id, at, action, entity, detail) "
            "VALUES (%s, now(), 'login_failed', 'user', 'databasroll någon annan')",
            (row_id,),
        )
    row = _row(db, row_id)
    assert (row.user_id, row.detail.split(" (")[0]) == (None, f"databasroll {role}")


@on_postgresql
def test_the_program_writes_its_audit_rows_as_the_user(cases, login_roles, caseworker, db) -> None:
    before = _server_now(db)
    database = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        with database.sessions.begin() as session:
            assert accounts.login_connected(session) is not None
            case_overview.open_case(session, caseworker, cases.own)
            journal.create_entry(
                session, caseworker, cases.own, JournalDraft(clock.today(), "telefon", "S", "T")
            )
    finally:
        database.dispose()
    with db.sessions() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.at >= before)).all()
    assert {r.action for r in rows} >= {"login", "open", "create", "db_insert"}
    assert {r.user_id for r in rows} == {caseworker.id}


@on_postgresql
def test_a_laptops_offline_reads_arrive_with_their_time_as_the_laptops_claim(
    db, session, make_case, caseworker, laptops, login_roles, set_clock
) -> None:
    case = make_case()
    session.commit()
    server_db = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        laptop = laptops("sara", caseworker)
        take_along(server_db, laptop, caseworker, [case.id])
        me = offline(laptop, caseworker)
        set_clock(_server_now(db) - timedelta(hours=3))  # read on the laptop hours ago
        with laptop.sessions.begin() as local:
            case_overview.open_case(local, me, case.id)
        before = _server_now(db)
        report = run_sync(server_db, laptop, caseworker)
        assert report.conflicts == 0
    finally:
        server_db.dispose()
    with db.sessions() as session:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "open", AuditEntry.case_id == case.id)
            .where(AuditEntry.at >= before)
        ).all()
    assert len(rows) == 1
    assert rows[0].user_id == caseworker.id
    read_at = clock.now().astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert rows[0].detail.endswith(f"(klientens tid {read_at} UTC)")


# --- the log's vocabulary (migration server_signing_rules) -------------------------------------


def program_entities() -> set[str]:
    """The entity of every audit row the program writes, read from the code: the fourth
    argument of each audit.record and statistics.audit_aggregate call; "form:<key>" stands
    for the f-string of the form use cases. A new kind of call fails here until it is read."""
    found: set[str] = set()
    for path in sorted(Path(app.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            name = node.func.id if isinstance(node.func, ast.Name) else name
            is_record = name == "record" and getattr(node.func, "value", None) is not None
            is_record = is_record and getattr(node.func.value, "id", None) == "audit"
            if not (is_record or name == "audit_aggregate"):
                continue
            entity = node.args[3]
            if isinstance(entity, ast.Constant) and isinstance(entity.value, str):
                found.add(entity.value)
            elif (
                isinstance(entity, ast.JoinedStr)
                and isinstance(entity.values[0], ast.Constant)
                and entity.values[0].value == "form:"
            ):
                found.add("form:<key>")
            elif isinstance(entity, ast.Name) and path.name == "statistics.py":
                continue  # audit_aggregate passes its caller's entity on
            else:
                raise AssertionError(f"{path}:{node.lineno}: an entity the test cannot read")
    return found


def _accepted(conn, action: str, entity: str) -> bool:
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(
                "INSERT INTO audit_log (id, at, action, entity, detail) "
                "VALUES (gen_random_uuid(), now(), %s, %s, '')",
                (action, entity),
            )
        return True
    except psycopg.errors.CheckViolation:
        return False


@on_postgresql
def test_every_action_and_entity_of_the_program_is_accepted(cases, login_roles, session) -> None:
    """Parity: a new Action or entity in the program without a migration fails here (and
    its users' audit rows would be refused on a shared server)."""
    form_definitions.publish_builtin(session)
    session.commit()
    actions = [value for key, value in vars(audit.Action).items() if key.isupper()]
    entities = program_entities()
    assert {"case", "journal_entry", "decision", "form:<key>", "statistics"} <= entities
    forms = [f"form:{key.value}" for key in FormKey]
    with connect(login_roles, "sara.nilsson") as conn:
        refused_actions = [a for a in actions if not _accepted(conn, a, "case")]
        refused_entities = [
            e for e in sorted(entities - {"form:<key>"}) + forms if not _accepted(conn, "open", e)
        ]
    assert len(actions) == 13
    assert (refused_actions, refused_entities) == ([], [])


@on_postgresql
@pytest.mark.parametrize(
    ("action", "entity", "refused"),
    [
        ("deleted_everything", "case", 'händelsen "deleted_everything"'),
        ("OPEN", "case", 'händelsen "OPEN"'),
        ("open", "allt", 'uppgiften "allt"'),
        ("open", "cases", 'uppgiften "cases"'),  # the server's entity, for its db_ rows
        ("open", "form:finns_inte", 'uppgiften "form:finns_inte"'),
        ("open", "form:ib; och mer", 'uppgiften "form:ib; och mer"'),
    ],
)
def test_free_text_in_the_log_is_refused(cases, login_roles, session, action, entity, refused):
    form_definitions.publish_builtin(session)
    session.commit()
    with (
        connect(login_roles, "sara.nilsson") as conn,
        pytest.raises(psycopg.errors.CheckViolation, match=re.escape(refused)),
    ):
        conn.execute(
            "INSERT INTO audit_log (id, at, action, entity, detail) "
            "VALUES (gen_random_uuid(), now(), %s, %s, '')",
            (action, entity),
        )
