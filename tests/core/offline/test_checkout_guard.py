"""Ta med guarded against running twice, and a half-built replica mended at the next open.

Real faults only: a second process holding the replica's lock, two threads building the
same new file at once, and a process killed in the middle of building the replica."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.common import clock
from app.db import migrate, replica_build
from app.db.replica import REPLICA_ID_KEY, ReplicaKey, open_replica
from app.models import Case, OutboxChange, Setting
from app.offline import checkout
from tests.core.offline.sync_helpers import OFFLINE_PASSWORD

PASSPHRASE = "lösenfras för testet"


def key() -> ReplicaKey:
    return ReplicaKey.from_passphrase(PASSPHRASE)


def _take_along(session, path: Path, make_case, caseworker) -> None:
    """A whole "Ta med": open (or build) the replica, lease and copy a case."""
    case = make_case()
    session.commit()
    replica = open_replica(path, key())
    try:
        with replica.sessions() as local:
            checkout.check_out(
                session,
                local,
                caseworker,
                [case.id],
                due_on=clock.today() + timedelta(days=1),
                offline_password=OFFLINE_PASSWORD,
            )
            session.commit()
            local.commit()
        with replica.sessions() as local:
            assert local.scalar(select(func.count()).select_from(Case).where(Case.id == case.id))
            assert local.scalar(select(Setting.value).where(Setting.key == REPLICA_ID_KEY))
            assert migrate.current_revision(replica.engine) == migrate.HEAD_REVISION
    finally:
        replica.dispose()


HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from app.db import replica_build
    with replica_build.exclusive(Path(sys.argv[1])):
        print("låst", flush=True)
        sys.stdin.read()
    """
)


def test_a_second_take_along_while_another_process_builds_gets_a_swedish_message(
    db, session, make_case, caseworker, tmp_path
) -> None:
    path = tmp_path / "replika.sqlcipher"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "låst"
        with pytest.raises(replica_build.ReplicaBusy, match="används redan av en annan Ta med"):
            open_replica(path, key())
    finally:
        holder.communicate("", timeout=30)
    _take_along(session, path, make_case, caseworker)  # the lock went with the process


def test_copying_holds_the_lock_too(db, session, make_case, caseworker, tmp_path) -> None:
    path = tmp_path / "replika.sqlcipher"
    replica = open_replica(path, key())
    case = make_case()
    session.commit()
    try:
        with (
            replica_build.exclusive(path),
            replica.sessions() as local,
            pytest.raises(replica_build.ReplicaBusy),
        ):
            checkout.check_out(
                session,
                local,
                caseworker,
                [case.id],
                due_on=clock.today() + timedelta(1),
                offline_password=OFFLINE_PASSWORD,
            )
    finally:
        replica.dispose()


def test_two_threads_building_the_same_new_replica(
    db, session, make_case, caseworker, tmp_path
) -> None:
    """Both start at once: one builds, the other is told to wait; never a broken file."""
    path = tmp_path / "replika.sqlcipher"
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def build() -> None:
        start.wait()
        try:
            open_replica(path, key()).dispose()
            outcomes.append("byggd")
        except Exception as error:  # what each thread met, checked below
            outcomes.append(error)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert "byggd" in outcomes
    assert all(o == "byggd" or isinstance(o, replica_build.ReplicaBusy) for o in outcomes), outcomes
    _take_along(session, path, make_case, caseworker)


KILLED_MID_BUILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from app.db.replica import ReplicaKey, open_replica

    created = 0

    @event.listens_for(Engine, "after_cursor_execute")
    def die_in_the_middle(conn, cursor, statement, parameters, context, executemany):
        global created
        if statement.lstrip().upper().startswith("CREATE TABLE"):
            created += 1
            if created == int(sys.argv[2]):
                os._exit(9)  # the process is gone, as if the laptop's lid closed

    open_replica(Path(sys.argv[1]), ReplicaKey.from_passphrase(sys.argv[3]))
    """
)


@pytest.mark.parametrize("tables_before_death", [1, 12])
def test_a_replica_whose_build_was_killed_is_rebuilt(
    db, session, make_case, caseworker, tmp_path, tables_before_death
) -> None:
    path = tmp_path / "replika.sqlcipher"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_BUILD, str(path), str(tables_before_death), PASSPHRASE],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == 9, killed.stderr
    assert path.exists()
    _take_along(session, path, make_case, caseworker)


def test_an_unfinished_replica_with_outbox_changes_is_not_rebuilt(tmp_path, caseworker) -> None:
    path = tmp_path / "replika.sqlcipher"
    replica = open_replica(path, key())
    try:
        with replica.sessions.begin() as local:
            local.add(
                OutboxChange(
                    change_id=clock.new_id(),
                    operation="update",
                    table_name="journal_entries",
                    row_id=clock.new_id(),
                    fields_json="{}",
                    made_at=clock.now(),
                    made_by=caseworker.id,
                )
            )
            local.query(Setting).filter(Setting.key == REPLICA_ID_KEY).delete()
    finally:
        replica.dispose()
    with pytest.raises(replica_build.ReplicaUnfinished, match="1 ändringar som inte har skickats"):
        open_replica(path, key())
    assert path.exists()
