"""The audit log's hash chain (issue 20, migration 0027): every row, however written, gets
the next sequence number and a hash over its content and the previous row's hash, and
`integrity.verify_audit_chain` names rows deleted or edited by hand (plain SQL on the test
database's engine, as an attacker with `sqlite3` or the server's owner would).

On PostgreSQL also as a user's own login role over psycopg: she can neither set nor change
the chain, and concurrent sessions make one chain."""

from __future__ import annotations

import threading
import uuid

import psycopg
import pytest
from sqlalchemy import delete, select, text, update

from app.common import clock
from app.models import AuditEntry
from app.security import audit, integrity
from tests.core.security.test_server_access_control import connect, on_postgresql


def _chain(db) -> list[AuditEntry]:
    with db.sessions() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def _report(db) -> integrity.ChainReport:
    with db.sessions() as session:
        return integrity.verify_audit_chain(session)


def test_every_audit_row_is_chained(db, session, make_case, caseworker) -> None:
    make_case()
    session.commit()
    rows = _chain(db)
    assert len(rows) > 3
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    previous = None
    for row in rows:
        assert row.chain_hash == integrity.expected_chain_hash(row, previous)
        previous = row.chain_hash
    report = _report(db)
    assert report.intact
    assert (report.rows, report.head_seq, report.head_hash) == (len(rows), rows[-1].seq, previous)


def test_deleting_half_the_log_is_reported(db, session, make_case, pnr) -> None:
    for serial in range(3):
        make_case(pnr("19850312", 120 + serial), "Anna", f"Andersson{serial}")
    session.commit()
    rows = _chain(db)
    gone = [row.id for row in rows[len(rows) // 4 : 3 * len(rows) // 4]]
    with db.engine.begin() as connection:
        connection.execute(delete(AuditEntry).where(AuditEntry.id.in_(gone)))
    report = _report(db)
    assert not report.intact
    assert report.missing == len(gone)
    assert report.first_bad_seq == len(rows) // 4 + 1
    assert report.edited == []


def test_a_row_edited_by_hand_is_named(db, session, make_case) -> None:
    make_case()
    session.commit()
    rows = _chain(db)
    victim = rows[2]
    with db.engine.begin() as connection:
        connection.execute(
            update(AuditEntry).where(AuditEntry.id == victim.id).values(detail="inget att se")
        )
    report = _report(db)
    assert report.edited == [victim.seq]
    assert report.first_bad_seq == victim.seq
    assert report.gaps == []


def test_the_program_cannot_set_the_chain(db, session, caseworker) -> None:
    """The values a writer brings are never kept: refused on SQLite, replaced on the server."""
    row = AuditEntry(
        at=clock.now(),
        user_id=caseworker.id,
        action=audit.Action.SEARCH,
        entity="case",
        seq=10**9,
        chain_hash="0" * 64,
    )
    session.add(row)
    if db.engine.dialect.name == "sqlite":
        with pytest.raises(Exception, match="sätts av databasen"):
            session.commit()
        session.rollback()
        return
    session.commit()
    stored = _chain(db)[-1]
    assert stored.id == row.id
    assert stored.seq != 10**9 and stored.chain_hash != "0" * 64
    assert _report(db).intact


@on_postgresql
def test_a_user_can_neither_set_nor_change_the_chain(cases, login_roles, staff, db) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        row_id = conn.execute(
            "INSERT INTO audit_log (id, at, user_id, case_id, action, entity, detail, seq, "
            "chain_hash) VALUES (gen_random_uuid(), now(), %s, %s, 'open', 'case', '', "
            "1, %s) RETURNING id",
            (staff.caseworker.id, cases.own, "f" * 64),
        ).fetchone()[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE audit_log SET seq = 1, chain_hash = 'x' WHERE id = %s", (row_id,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT arendestod_audit_chain()")
    rows = _chain(db)
    assert rows[-1].id == row_id and rows[-1].seq == len(rows)
    report = _report(db)
    assert report.intact, report


@on_postgresql
@pytest.mark.parametrize(
    "statement",
    [
        "SET session_replication_role = replica",  # no trigger would fire
        "ALTER TABLE audit_log DISABLE TRIGGER audit_admit",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_chain",
        "DROP TRIGGER audit_chain ON audit_log",
        "CREATE OR REPLACE FUNCTION arendestod_audit_admit() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
        "SELECT arendestod_audit_admit()",
    ],
)
def test_a_user_cannot_switch_the_triggers_off(cases, login_roles, statement) -> None:
    """Migration 0039 put the vocabulary, the stamp and the chain's columns in one BEFORE
    trigger (audit_admit); neither it nor the chain's own can be skipped by a user."""
    with (
        connect(login_roles, "sara.nilsson") as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(statement)


@on_postgresql
def test_one_forged_row_refuses_the_users_whole_statement(cases, login_roles, staff, db) -> None:
    """Many rows in one INSERT … SELECT (as a search writes them) are each admitted: a row
    in a colleague's name among the user's own refuses the statement, and the rows of a
    statement that passes carry her id, the server's time and their own place in the chain."""
    before = len(_chain(db))
    with connect(login_roles, "sara.nilsson") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="eget namn"):
            conn.execute(
                "INSERT INTO audit_log (id, at, user_id, action, entity, detail) "
                "SELECT gen_random_uuid(), now(), u, 'search', 'person', '' "
                "FROM unnest(%s::uuid[]) u",
                ([staff.caseworker.id, staff.colleague.id, staff.caseworker.id],),
            )
        conn.execute(
            "INSERT INTO audit_log (id, at, user_id, action, entity, detail, seq, chain_hash) "
            "SELECT gen_random_uuid(), now() - interval '1 day', NULL, 'search', 'person', '', "
            "n, 'f' FROM generate_series(1, 3) n"
        )
    rows = _chain(db)
    assert len(rows) == before + 3
    assert {row.user_id for row in rows[before:]} == {staff.caseworker.id}
    assert all("klientens tid" in row.detail for row in rows[before:])
    assert [row.seq for row in rows[before:]] == [before + 1, before + 2, before + 3]
    assert _report(db).intact


@on_postgresql
def test_the_servers_own_rows_are_chained(cases, login_roles, db) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        conn.execute(
            "UPDATE cases SET updated_at = now(), version = version + 1 WHERE id = %s",
            (cases.own,),
        )
    rows = _chain(db)
    assert rows[-1].action.startswith("db_")
    assert _report(db).intact


@on_postgresql
def test_concurrent_sessions_make_one_chain(db, session, make_case, caseworker) -> None:
    make_case()
    session.commit()
    start = threading.Barrier(4)

    def write(n: int) -> None:
        with db.sessions() as own:
            start.wait()
            for _ in range(n):
                audit.record(own, caseworker, audit.Action.SEARCH, "case", detail="parallell")
                own.flush()
            own.execute(text("SELECT pg_sleep(0.01)"))
            own.commit()

    threads = [threading.Thread(target=write, args=(5,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = _chain(db)
    assert sum(row.detail == "parallell" for row in rows) == 20  # no commit failed
    report = _report(db)
    assert report.intact, report
    assert report.rows == len(rows)


def test_an_unchained_row_is_reported(db, session, make_case) -> None:
    make_case()
    session.commit()
    victim = _chain(db)[0]
    with db.engine.begin() as connection:
        connection.execute(update(AuditEntry).where(AuditEntry.id == victim.id).values(seq=None))
    report = _report(db)
    assert report.unchained == 1 and not report.intact
    assert uuid.UUID(str(victim.id))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request, tmp_path):
    """A freshly migrated database without staff (the demo makes its own)."""
    from app.db.database import open_database
    from tests.core.conftest import TEST_KEY

    if request.param == "sqlite":
        database = open_database(f"sqlite:///{tmp_path / 'demo.sqlite3'}", key=TEST_KEY)
        yield database
        database.dispose()
        return
    server = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("pg_migrated_template")
    with server.database(template) as name:
        database = open_database(server.url_string(name))
        yield database
        database.dispose()


def test_demo_data_makes_a_whole_chain_and_true_signatures(empty_db) -> None:
    """The demo's bulk inserts (audit rows, signed entries, forms and decisions) pass
    the same checks as the program's own writes."""
    from app.decisions.signed_content import check_signed_content
    from app.demo import demo_data

    with empty_db.sessions.begin() as session:
        demo_data.generate(session, 12, seed=3)
    report = _report(empty_db)
    assert report.intact and report.rows >= 1, report  # the server also logs each insert
    with empty_db.sessions() as session:
        signed = check_signed_content(session)
    assert signed.checked > 20 and signed.mismatches == []


def test_the_check_in_the_program_is_for_administrators(db, session, admin, manager) -> None:
    from app.common.errors import AccessDenied

    with pytest.raises(AccessDenied, match="Bara en administratör"):
        integrity.check_audit_chain(session, manager)
    report = integrity.check_audit_chain(session, admin)
    session.commit()
    assert report.intact
    last = _chain(db)[-1]
    assert (last.user_id, last.entity, last.detail) == (
        admin.id,
        "audit_log",
        "kontroll av loggkedjan",
    )
    assert _report(db).intact
