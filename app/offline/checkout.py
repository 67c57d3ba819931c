"""Taking cases along on the laptop ("Ta med på hembesök"): lease them on the server and copy
them into the encrypted replica.

The server's transaction (leases and their audit rows) is committed before the replica's:
if the laptop then fails to store the copy, the cases are leased but missing on the laptop,
and `refresh` copies every case leased to the replica again.
"""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import replica_build
from app.db.replica import REPLICA_ID_KEY
from app.models import Setting
from app.offline import leases, offline_credential, replica_copy
from app.offline.leases import LeaseInfo
from app.offline.replica_copy import CopyResult, Progress
from app.security import audit
from app.security.actor import Actor


@dataclass(frozen=True)
class CheckOutResult:
    leases: list[LeaseInfo]
    copied: CopyResult


def replica_id(replica: Session) -> uuid.UUID:
    """The replica's own id (made with the file, `open_replica`)."""
    value = replica.scalar(select(Setting.value).where(Setting.key == REPLICA_ID_KEY))
    if value is None:
        raise ValueError("not a replica: it has no id")
    return uuid.UUID(value)


def check_out(
    server: Session,
    replica: Session,
    actor: Actor,
    case_ids: list[uuid.UUID],
    *,
    due_on: date,
    offline_password: str | None,
    progress: Progress | None = None,
) -> CheckOutResult:
    """Lease the cases to this replica and copy them there, with the hash of the offline
    password the user chose (`offline_credential`; None or empty keeps the one chosen at an
    earlier check-out). The caller commits the server's session first, then the replica's.
    One at a time per replica (ReplicaBusy otherwise)."""
    with _exclusive(replica):
        offline_credential.check_choice(replica, actor, offline_password)
        taken = leases.check_out(
            server, actor, case_ids, due_on=due_on, replica_id=replica_id(replica)
        )
        copied = replica_copy.copy_cases(
            server, replica, [lease.case_id for lease in taken], progress
        )
        offline_credential.store(replica, actor, offline_password)
    return CheckOutResult(taken, copied)


def refresh(
    server: Session, replica: Session, actor: Actor, progress: Progress | None = None
) -> CopyResult:
    """Copy again every case leased to this replica by the actor (after a failed copy)."""
    with _exclusive(replica):
        leased = leases.leased_cases(server, actor, replica_id(replica))
        for case_id in leased:
            audit.record(
                server,
                actor,
                audit.Action.CHECK_OUT,
                "case",
                case_id=case_id,
                detail="kopierades på nytt till datorn",
            )
        return replica_copy.copy_cases(server, replica, leased, progress)


def _exclusive(replica: Session) -> AbstractContextManager[None]:
    """The replica file's lock (app.db.replica_build), held while cases are copied."""
    database = replica.get_bind().engine.url.database
    if not database or database == ":memory:":
        return nullcontext()
    return replica_build.exclusive(Path(database))
