"""Unlocking the laptop's encrypted replica: with the key in the keyring, or a passphrase.

A new replica gets a random key, kept in the keyring. Where the computer has no keyring
(or it refuses the key) the user chooses a passphrase instead, and is asked for it each
time; the key is never written anywhere else. A key or passphrase that does not open the file
raises ReplicaLocked (from app.db.replica; the windows catch it from here, as they never import
app.db).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.common import clock
from app.common.errors import ServiceError
from app.db import encrypted_file
from app.db.database import Database
from app.db.replica import ReplicaKey, ReplicaLocked, open_replica
from app.models import Case, CaseLease, User
from app.offline import checkout, offline_credential, outbox, replica_copy
from app.security import access, audit, credentials
from app.security.accounts import LoginAttempt
from app.security.actor import Actor


class PassphraseNeeded(encrypted_file.PassphraseNeeded):
    """The replica is locked with a passphrase (or the keyring cannot hold a new key):
    ask the user, then call `unlock` again with it."""

    def __init__(self, new: bool):
        super().__init__(
            "Välj en lösenfras för offlinedatabasen (minst 12 tecken). Datorn har ingen "
            "nyckelring där nyckeln kan sparas, så lösenfrasen frågas efter varje gång."
            if new
            else "Skriv lösenfrasen för offlinedatabasen.",
            new=new,
        )


def unlock(path: Path, passphrase: str | None = None) -> Database:
    """Open the replica at `path`, creating it (and its key) the first time."""
    stored = credentials.saved_replica_key(path)
    if stored is not None and path.exists():
        return open_replica(path, ReplicaKey.from_stored(stored))
    if passphrase is not None:
        return open_replica(path, ReplicaKey.from_passphrase(passphrase))
    if path.exists():
        raise PassphraseNeeded(new=False)
    key, stored = ReplicaKey.new_random()
    if not credentials.save_replica_key(path, stored):
        raise PassphraseNeeded(new=True)
    try:
        return open_replica(path, key)
    except ReplicaLocked:
        credentials.forget_replica_key(path)
        raise


class NothingCheckedOut(ServiceError):
    def __init__(self) -> None:
        super().__init__(
            "Inga ärenden är utcheckade till den här datorn. Ta med ärenden på hembesök från "
            "kontoret först."
        )


class LoginRefused(ServiceError):
    """The offline password was wrong, or the wait after repeated failures is not over."""

    def __init__(self, attempt: LoginAttempt):
        super().__init__(attempt.message)
        self.wait_seconds = attempt.wait_seconds


@dataclass(frozen=True)
class LockedReplica:
    """The replica decrypted but nobody logged in yet: what the offline login shows."""

    database: Database
    path: Path
    holder_username: str
    holder_name: str


@dataclass(frozen=True)
class ExpiredLease:
    case_number: str
    due_on: date
    revoked: bool


@dataclass(frozen=True)
class OfflineStart:
    actor: Actor
    expired: list[ExpiredLease] = field(default_factory=list)
    """Cases whose lease had ended (past its last day, or revoked as the replica knew):
    taken off the laptop at this start; their offline changes wait in the outbox."""

    @property
    def expired_message(self) -> str:
        return expired_message(self.expired)


def expired_message(expired: list[ExpiredLease]) -> str:
    if not expired:
        return ""
    numbers = ", ".join(e.case_number for e in expired)
    last = max(e.due_on for e in expired)
    return (
        f"Lånet har gått ut för {numbers} (sista dag {last.isoformat()}), så "
        f"{'ärendet visas' if len(expired) == 1 else 'ärendena visas'} inte längre offline. "
        "Det du skrev om dem offline finns kvar och skickas till kontoret när du "
        "synkroniserar där; har någon ändrat samma uppgift på kontoret kommer din ändring "
        "till Konflikter från synkronisering."
    )


class LeasesExpired(ServiceError):
    def __init__(self, expired: list[ExpiredLease]):
        super().__init__(expired_message(expired))
        self.expired = expired


def unlock_for_login(path: Path, passphrase: str | None = None) -> LockedReplica:
    """Decrypt the replica and find whom its cases are leased to (the offline login's
    username); nothing of the cases is read yet."""
    database = unlock(path, passphrase)
    try:
        with database.sessions() as session:
            holder = session.scalar(
                select(User).join(CaseLease, CaseLease.holder_id == User.id).limit(1)
            )
            if holder is None:
                raise NothingCheckedOut()
            return LockedReplica(database, path, holder.username, holder.full_name)
    except Exception:
        database.dispose()
        raise


def log_in(replica: LockedReplica, username: str, password: str) -> OfflineStart:
    """Check the offline password (throttled, `offline_credential.verify`); then take off
    the laptop the cases whose lease has ended, and start recording changes in the outbox.
    Raises LoginRefused (its audit rows committed) or LeasesExpired when no case is left."""
    database = replica.database
    with database.sessions.begin() as session:
        attempt = offline_credential.verify(session, username, password)
    if attempt.actor is None:
        raise LoginRefused(attempt)
    with database.sessions.begin() as session:
        actor = attempt.actor.on_replica(checkout.replica_id(session))
        expired = _remove_expired(session, actor)
        left = session.scalar(select(func.count()).select_from(Case))
    if not left:
        raise LeasesExpired(expired) if expired else NothingCheckedOut()
    outbox.install(database.sessions, actor.id)
    with database.sessions.begin() as session:
        audit.record(session, actor, audit.Action.LOGIN, "session", detail="offline")
    return OfflineStart(actor, expired)


def _remove_expired(session: Session, actor: Actor) -> list[ExpiredLease]:
    """Cases on the replica without a lease in force to this user and replica (past its
    last day by this computer's clock, or ended as the replica knows). Removed before the
    outbox records anything: their unsynced changes stay in the outbox for the next sync,
    which the server applies or sends to the conflict queue as for any refused change."""
    held = select(CaseLease.case_id).where(
        CaseLease.holder_id == actor.id,
        CaseLease.replica_id == actor.replica_id,
        access.lease_in_force(),
    )
    gone = session.execute(
        select(Case.id, Case.case_number).where(Case.id.not_in(held)).order_by(Case.case_number)
    ).all()
    if not gone:
        return []
    expired = []
    for case_id, case_number in gone:
        lease = session.scalar(
            select(CaseLease)
            .where(CaseLease.case_id == case_id)
            .order_by(CaseLease.checked_out_at.desc())
            .limit(1)
        )
        expired.append(
            ExpiredLease(
                case_number,
                lease.due_on if lease is not None else clock.today(),
                lease is not None and lease.ended_at is not None,
            )
        )
    replica_copy.remove_cases(session, [case_id for case_id, _ in gone])
    return expired


def open_offline(
    path: Path, passphrase: str | None = None, *, password: str
) -> tuple[Database, Actor]:
    """Unlock and log in in one step (tests, and callers with the password at hand)."""
    replica = unlock_for_login(path, passphrase)
    try:
        start = log_in(replica, replica.holder_username, password)
    except Exception:
        replica.database.dispose()
        raise
    return replica.database, start.actor
