"""Building the laptop's replica safely: one builder at a time, and a half-built file mended.

Two "Ta med" at once (two windows, the window and `arendestod sync`, a double start) once
migrated the same new file together and left it half-built ("table case_number_series
already exists"), with nothing to mend it. Now:

- an exclusive lock on a file beside the replica (`<replica>.lock`, fcntl.flock on POSIX,
  msvcrt.locking on Windows: the operating system releases it when the process dies, so a
  crash never leaves a stale lock) is held while the replica is built or cases are copied
  into it; a second builder, thread or process, gets `ReplicaBusy`, a Swedish sentence;
- the replica's id is written last, in the same locked step, so a file without it is a
  build that never finished. Such a file is rebuilt from nothing when it holds no changes
  waiting in the outbox, and refused with the reason when it does (they are never thrown
  away). A finished replica behind the program's schema is upgraded as before (resumed).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

from app.common import clock
from app.common.errors import ServiceError
from app.db import migrate
from app.models import Setting

LOCK_SUFFIX = ".lock"
OUTBOX_TABLE = "sync_outbox"
SETTINGS_TABLE = "settings"


class ReplicaBusy(ServiceError):
    def __init__(self) -> None:
        super().__init__(
            "Offlinedatabasen används redan av en annan Ta med eller synkronisering på den här "
            "datorn. Vänta tills den är klar och försök sedan igen."
        )


class ReplicaUnfinished(ServiceError):
    """A half-built replica that holds outbox changes: it is not rebuilt."""


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + LOCK_SUFFIX)


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold the replica's lock, or raise ReplicaBusy at once (never wait on another)."""
    target = lock_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            _lock(descriptor)
        except OSError:
            raise ReplicaBusy() from None
        try:
            yield
        finally:
            _unlock(descriptor)
    finally:
        os.close(descriptor)


if sys.platform == "win32":
    import msvcrt

    def _lock(descriptor: int) -> None:
        msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)

    def _unlock(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)


@dataclass(frozen=True)
class BuildState:
    empty: bool
    """No tables at all: a new file."""
    replica_id: str | None
    """Written last: None on a file that has tables is a build that never finished."""
    waiting_changes: int
    """Rows in the outbox: changes made offline, not yet sent."""

    @property
    def unfinished(self) -> bool:
        return not self.empty and self.replica_id is None


def build_state(engine: Engine, replica_id_key: str) -> BuildState:
    tables = set(inspect(engine).get_table_names())
    replica_id = None
    waiting = 0
    with engine.connect() as connection:
        if SETTINGS_TABLE in tables:
            replica_id = connection.scalar(
                text(f"SELECT value FROM {SETTINGS_TABLE} WHERE key = :key"),
                {"key": replica_id_key},
            )
        if OUTBOX_TABLE in tables:
            waiting = connection.scalar(text(f"SELECT count(*) FROM {OUTBOX_TABLE}")) or 0
    return BuildState(not tables, replica_id, waiting)


def build(
    path: Path,
    engine: Engine,
    reopen: Callable[[], Engine],
    replica_id_key: str,
) -> tuple[Engine, Path | None]:
    """Bring the replica at `path` to the current schema with its id, under the lock:
    mend a half-built file first. Returns the engine to use (a new one after a rebuild)
    and the backup `migrate.upgrade` made, if any."""
    with exclusive(path):
        state = build_state(engine, replica_id_key)
        if state.unfinished:
            if state.waiting_changes:
                raise ReplicaUnfinished(
                    f"Offlinedatabasen {path} blev inte färdig när den skapades, men den har "
                    f"{state.waiting_changes} ändringar som inte har skickats till kontoret. "
                    "Den byggs därför inte om. Kontakta systemförvaltaren innan du tar med "
                    "fler ärenden."
                )
            engine.dispose()
            remove_replica_files(path)
            engine = reopen()
        backup = migrate.upgrade(engine)
        with Session(engine) as session, session.begin():
            if session.scalar(select(Setting.id).where(Setting.key == replica_id_key)) is None:
                session.add(Setting(key=replica_id_key, value=str(clock.new_id())))
        return engine, backup


def remove_replica_files(path: Path) -> None:
    """The replica and SQLite's files beside it (write-ahead log, shared memory, journal)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
