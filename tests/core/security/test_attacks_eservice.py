"""The e-service's login role on the shared server (migration 0048) can deliver applications
and do nothing else: attacked directly over psycopg as that role, as an e-service that was
broken into would. And the handläggare's own role cannot pose as the e-service."""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url, select, text

from app.cli import main
from app.db import server_roles
from app.models import (
    AuditEntry,
    DeliveryStatus,
    IntakeAttachment,
    IntakeDelivery,
    IntakeSubmission,
)
from tests.core.security.test_server_access_control import on_postgresql
from tests.pg import PgServer

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
GOOD = (EXAMPLES / "ansokan-barnfamilj.json").read_bytes()
RENT = (EXAMPLES / "bilagor" / "hyresavi-december.pdf").read_bytes()
PAY = (EXAMPLES / "bilagor" / "lonespecifikation-november.pdf").read_bytes()
PASSWORD = "e-tjänstens-lösen"
DELIVER = "INSERT INTO intake_submissions (delivery_key, filename, content) VALUES (%s, %s, %s)"

pytestmark = on_postgresql


@pytest.fixture
def eservice(db, pg_server: PgServer) -> Iterator[str]:
    """URL of an e-service login role made by `db create-eservice-login`."""
    name = f"t{os.getpid()}_etjanst"
    server_roles.secure_database(db.engine)  # as db init-server does
    server_roles.create_eservice_login(db.engine, name, PASSWORD)
    url = pg_server.url.set(database=db.engine.url.database, username=name, password=PASSWORD)
    try:
        yield url.render_as_string(hide_password=False).replace(
            "postgresql+psycopg://", "postgresql://"
        )
    finally:
        db.engine.dispose()
        pg_server.drop_role(name)


def deliver(url: str, key: str = "EA-2026-000123") -> None:
    """One application with its two attachments, in one transaction."""
    with psycopg.connect(url) as conn:  # commits on leaving
        conn.execute(DELIVER, (key, "ansokan.json", GOOD))
        conn.execute(DELIVER, (key, "hyresavi-december.pdf", RENT))
        conn.execute(DELIVER, (key, "lonespecifikation-november.pdf", PAY))


def refused(url: str, statement: str, params: tuple = ()) -> None:
    with (
        psycopg.connect(url, autocommit=True) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(statement, params)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM intake_submissions",
        "SELECT count(*) FROM intake_submissions",
        "SELECT * FROM intake_deliveries",
        "SELECT * FROM intake_attachments",
        "SELECT * FROM persons",
        "SELECT * FROM cases",
        "SELECT * FROM users",
        "SELECT * FROM audit_log",
        "UPDATE intake_submissions SET filename = 'x'",
        "DELETE FROM intake_submissions",
        "TRUNCATE intake_submissions",
        "INSERT INTO intake_deliveries (id, received_at, sha256, filename, raw, status, reason,"
        " unit_id) SELECT gen_random_uuid(), now(), repeat('0', 64), 'a.json', '\\x00', "
        "'mottagen', '', gen_random_uuid()",
        "INSERT INTO intake_attachments (id, delivery_id, filename, media_type, sha256, content)"
        " VALUES (gen_random_uuid(), gen_random_uuid(), 'a', 'b', 'c', '\\x00')",
        "INSERT INTO intake_submissions (delivery_key, filename, content, arrived_at) "
        "VALUES ('k', 'a.json', '\\x00', now() - interval '1 year')",
        "INSERT INTO intake_submissions (delivery_key, filename, content, e_service) "
        "VALUES ('k', 'a.json', '\\x00', 'annan.tjanst')",
        "INSERT INTO intake_submissions (id, delivery_key, filename, content) "
        "VALUES (gen_random_uuid(), 'k', 'a.json', '\\x00')",
        "INSERT INTO intake_submissions (delivery_key, filename, content) "
        "VALUES ('k', 'a.json', '\\x00') RETURNING id",
        "INSERT INTO intake_submissions (delivery_key, filename, content) "
        "VALUES ('k', 'a.json', '\\x00') RETURNING *",
        "CREATE TEMP TABLE t (x int)",
        "CREATE TABLE t (x int)",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "COPY intake_submissions TO STDOUT",
        "COPY (SELECT * FROM persons) TO STDOUT",
        "SELECT arendestod_user_id()",
        "SELECT arendestod_is_staff()",
        "SELECT * FROM arendestod_open_applications(2026, 1, NULL, now(), current_date)",
        "SELECT arendestod_user_role()",
    ],
)
def test_the_eservice_can_do_nothing_but_insert(eservice, statement) -> None:
    deliver(eservice)  # something there to read, change or delete
    refused(eservice, statement)


def test_the_eservice_can_execute_no_function_of_the_program_and_owns_nothing(
    eservice, session
) -> None:
    role = psycopg.conninfo.conninfo_to_dict(eservice)["user"]
    callable_functions = session.execute(
        text(
            """
            SELECT p.oid::regprocedure::text FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = current_schema() AND p.prorettype <> 'trigger'::regtype
              AND has_function_privilege(:role, p.oid, 'EXECUTE')
            """
        ),
        {"role": role},
    ).all()
    assert callable_functions == []
    tables = session.execute(
        text(
            """
            SELECT c.relname, p.privilege
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
                 unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE',
                              'REFERENCES', 'TRIGGER']) AS p(privilege)
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'S', 'p')
              AND has_table_privilege(:role, c.oid, p.privilege)
            """
        ),
        {"role": role},
    ).all()
    assert tables == []  # INSERT on intake_submissions is for three columns only
    columns = (
        session.execute(
            text(
                """
            SELECT a.attname FROM pg_attribute a
            WHERE a.attrelid = 'intake_submissions'::regclass AND a.attnum > 0
              AND has_column_privilege(:role, a.attrelid, a.attnum, 'INSERT')
            ORDER BY a.attname
            """
            ),
            {"role": role},
        )
        .scalars()
        .all()
    )
    assert columns == ["content", "delivery_key", "filename"]


def test_a_file_over_twenty_megabytes_is_refused(eservice) -> None:
    with psycopg.connect(eservice, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute(DELIVER, ("k", "stor.pdf", b"x" * 20_000_001))
        conn.execute(DELIVER, ("k", "lagom.pdf", b"x" * 20_000_000))


def test_a_delivery_is_collected_whole_by_a_handlaggare_with_its_arrival_time(
    eservice, session, caseworker, login_roles, cli_as, capsys, fixed_clock
) -> None:
    deliver(eservice)
    with psycopg.connect(login_roles["sara.nilsson"].replace("+psycopg", "")) as conn:
        # she sees what waits, but cannot delete what is not yet in the inbox
        row = conn.execute("SELECT count(*), min(arrived_at) FROM intake_submissions").fetchone()
        assert row is not None and row[0] == 3
        arrived = row[1]
        assert conn.execute("DELETE FROM intake_submissions").rowcount == 0
    sara = cli_as("sara.nilsson")
    assert main([*sara.before, "intake", "--from-server", *sara.after]) == 0
    assert capsys.readouterr().out == "ansokan.json: mottagen\n"
    session.expire_all()
    [delivery] = session.scalars(select(IntakeDelivery)).all()
    assert (delivery.raw, delivery.status) == (GOOD, DeliveryStatus.RECEIVED)
    assert delivery.received_at == arrived != fixed_clock
    kept = session.scalars(select(IntakeAttachment).order_by(IntakeAttachment.filename)).all()
    assert [(a.ref, a.filename, a.content) for a in kept] == [
        ("b1", "hyresavi-december.pdf", RENT),
        ("b2", "lonespecifikation-november.pdf", PAY),
    ]
    assert session.scalars(select(IntakeSubmission)).all() == []
    assert main([*sara.before, "intake", "--from-server", *sara.after]) == 0
    assert capsys.readouterr().out == "Inga nya ansökningar på servern.\n"
    audited = session.execute(
        select(AuditEntry.entity, AuditEntry.action).where(AuditEntry.user_id == caseworker.id)
    ).all()
    assert {
        ("intake_delivery", "create"),
        ("intake_submission", "create"),
        ("intake_submissions", "db_delete"),
        ("intake_attachments", "db_insert"),
    } <= set(audited)
    role = psycopg.conninfo.conninfo_to_dict(eservice)["user"]
    by_server = session.scalars(
        select(AuditEntry.detail).where(
            AuditEntry.entity == "intake_submissions", AuditEntry.action == "db_insert"
        )
    ).all()
    assert by_server == [f"databasroll {role}"] * 3


def test_the_handlaggares_role_cannot_pose_as_the_eservice(login_roles) -> None:
    url = login_roles["sara.nilsson"].replace("+psycopg", "")
    refused(url, DELIVER, ("k", "ansokan.json", GOOD))
    refused(url, "UPDATE intake_submissions SET content = '\\x00'")


def test_sha256_is_the_servers(eservice, session) -> None:
    deliver(eservice)
    digests = set(session.scalars(select(IntakeSubmission.sha256)))
    assert digests == {hashlib.sha256(b).hexdigest() for b in (GOOD, RENT, PAY)}


def test_the_eservice_role_is_in_its_group_only(eservice, session) -> None:
    role = psycopg.conninfo.conninfo_to_dict(eservice)["user"]
    groups = (
        session.execute(
            text(
                """
            SELECT g.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
            JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = :role
            """
            ),
            {"role": role},
        )
        .scalars()
        .all()
    )
    assert groups == [server_roles.ESERVICE_ROLE]
    attributes = session.execute(
        text(
            "SELECT rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls "
            "FROM pg_roles WHERE rolname = :role"
        ),
        {"role": role},
    ).scalar_one()
    assert attributes is False


def test_a_user_of_the_program_is_not_made_an_eservice(db, login_roles) -> None:
    username = make_url(login_roles["sara.nilsson"]).username
    with pytest.raises(server_roles.ServerSetupError, match="är en användare i Ärendestöd"):
        server_roles.create_eservice_login(db.engine, username, PASSWORD)


def test_create_eservice_login_from_the_command_line(db, pg_server, capsys, monkeypatch) -> None:
    url = db.engine.url.render_as_string(hide_password=False)
    role = f"t{os.getpid()}_cli_etjanst"

    def create(password: str) -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        return main(["--db", url, "db", "create-eservice-login", role, "--password-stdin"])

    assert create("kort") == 2
    assert "minst 12 tecken" in capsys.readouterr().err
    try:
        assert create(PASSWORD) == 0
        assert "lämna ansökningar i tabellen intake_submissions" in capsys.readouterr().out
        login = pg_server.url.set(
            database=db.engine.url.database, username=role, password=PASSWORD
        ).render_as_string(hide_password=False)
        deliver(login.replace("+psycopg", ""))
        assert main(["--db", url, "db", "init-server"]) == 0
        said = capsys.readouterr().out  # roles are the cluster's: other runs' count too
        assert re.search(
            f"Gruppen {server_roles.ESERVICE_ROLE} \\(e-tjänsten, får bara lämna ansökningar\\) "
            "har [1-9][0-9]* inloggningsroller",
            said,
        )
    finally:
        db.engine.dispose()
        pg_server.drop_role(role)
