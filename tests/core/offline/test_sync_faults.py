"""The sync process killed at several points (os._exit, as a crash or a closed lid would)
and run again: nothing lost, nothing twice (counted and compared by content).

Each sync runs as its own process, `arendestod sync --json`, like the laptop's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.common import clock
from app.db.replica import ReplicaKey, open_replica
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import AppliedChange, AuditEntry, JournalEntry, OutboxChange, Plan
from app.offline import checkout, outbox, sync
from tests.core.conftest import PASSWORD
from tests.core.offline.sync_helpers import plan_for, take_along
from tests.file_keyring import shared_with_process

PASSPHRASE = "lösenfras för fälttestet"
CRASH_POINTS = ("before_push_commit", "after_push_commit", "after_push_acknowledged", "mid_pull")


def run_sync_process(
    db_url: str, replica_path, crash_at: str | None, user: str | None = "sara.nilsson"
) -> subprocess.CompletedProcess:
    # the local database's key, from the test's keyring (tests/file_keyring.py)
    env = shared_with_process(dict(os.environ), replica_path.parent)
    env.pop(sync.CRASH_VARIABLE, None)
    if crash_at:
        env[sync.CRASH_VARIABLE] = crash_at
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from app.cli import main; raise SystemExit(main())",
            "--db",
            db_url,
            "sync",
            "--json",
            "--replica",
            str(replica_path),
            "--passphrase-stdin",
            *(["--user", user, "--password-stdin"] if user else []),
        ],
        input=PASSPHRASE + "\n" + (PASSWORD + "\n" if user else ""),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("crash_at", CRASH_POINTS)
def test_a_killed_sync_run_again_loses_nothing_and_doubles_nothing(
    db, session, make_case, caseworker, tmp_path, crash_at, request, set_clock
) -> None:
    """On PostgreSQL the process logs in with the handläggare's own role, as in shared mode.
    The sync process runs on the real clock, so the case is taken along on it too (a lease
    taken along on the tests' fixed date would have expired by the time the process runs)."""
    set_clock(datetime.now(UTC))
    case = make_case()
    plan = plan_for(session, caseworker, case.id)
    session.commit()
    session.close()
    path = tmp_path / "laptop.sqlcipher"
    laptop = open_replica(path, ReplicaKey.from_passphrase(PASSPHRASE))
    outbox.install(laptop.sessions, caseworker.id)
    try:
        take_along(db, laptop, caseworker, [case.id])
        with laptop.sessions.begin() as local:
            me = caseworker.on_replica(checkout.replica_id(local))
            for n in range(3):
                entry = journal.create_entry(
                    local,
                    me,
                    case.id,
                    JournalDraft(clock.today(), "hembesok", f"Besök {n}", f"Anteckning nr {n}."),
                )
                journal.sign_entry(local, me, entry.id)
            local.get(Plan, plan.id).goal = "Arbete före sommaren"
        with laptop.sessions() as local:
            changes = local.execute(
                select(
                    OutboxChange.change_id,
                    OutboxChange.operation,
                    OutboxChange.table_name,
                    OutboxChange.row_id,
                )
            ).all()
    finally:
        laptop.dispose()

    if db.engine.dialect.name == "postgresql":
        url, user = request.getfixturevalue("login_roles")["sara.nilsson"], None
    else:
        url, user = db.engine.url.render_as_string(hide_password=False), "sara.nilsson"
    crashed = run_sync_process(url, path, crash_at, user)
    assert crashed.returncode == 99, crashed.stderr
    again = run_sync_process(url, path, None, user)
    assert again.returncode == 0, again.stderr
    result = json.loads(again.stdout)
    assert result["status"] == "ok" and result["conflicts"] == 0

    texts = {f"Anteckning nr {n}." for n in range(3)}
    with db.sessions() as server:
        entries = server.scalars(
            select(JournalEntry).where(
                JournalEntry.case_id == case.id, JournalEntry.text.in_(texts)
            )
        ).all()
        assert sorted(e.text for e in entries) == sorted(texts)  # each exactly once
        assert all(e.signed_at is not None for e in entries)
        assert server.get(Plan, plan.id).goal == "Arbete före sommaren"
        # every change accounted for: an insert by its row, the others by their change id
        applied = set(server.scalars(select(AppliedChange.change_id)))
        for change_id, operation, table_name, row_id in changes:
            if operation == "insert":
                model = {"journal_entries": JournalEntry, "audit_log": AuditEntry}[table_name]
                assert server.get(model, row_id) is not None
            else:
                assert change_id in applied
        office = {(e.id, e.text, e.content_hash) for e in entries}
    laptop = open_replica(path, ReplicaKey.from_passphrase(PASSPHRASE))
    try:
        with laptop.sessions() as local:
            assert local.scalars(select(OutboxChange)).all() == []
            copies = local.scalars(select(JournalEntry).where(JournalEntry.text.in_(texts))).all()
            assert {(e.id, e.text, e.content_hash) for e in copies} == office
    finally:
        laptop.dispose()


def test_the_command_says_what_is_wrong(tmp_path) -> None:
    missing = run_sync_process(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path / "nej", None)
    assert missing.returncode == 2
    assert "Det finns ingen offlinedatabas" in json.loads(missing.stdout)["message"]
