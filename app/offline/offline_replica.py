"""Unlocking the laptop's encrypted replica: with the key in the keyring, or a passphrase.

A new replica gets a random key, kept in the keyring. Where the computer has no keyring
(or it refuses the key) the user chooses a passphrase instead, and is asked for it each
time; the key is never written anywhere else. A key or passphrase that does not open the file
raises ReplicaLocked (from app.db.replica; the windows catch it from here, as they never import
app.db).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app.common.errors import ServiceError
from app.db import encrypted_file
from app.db.database import Database
from app.db.replica import ReplicaKey, ReplicaLocked, open_replica
from app.models import CaseLease, User
from app.offline import checkout, outbox
from app.security import audit, credentials
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


def open_offline(path: Path, passphrase: str | None = None) -> tuple[Database, Actor]:
    """Open the replica to work offline, as the user the cases on it are leased to: every
    change from now on goes to the outbox (app.offline.outbox)."""
    database = unlock(path, passphrase)
    try:
        with database.sessions() as session:
            holder = session.scalar(
                select(User).join(CaseLease, CaseLease.holder_id == User.id).limit(1)
            )
            if holder is None:
                raise NothingCheckedOut()
            actor = Actor.of(holder).on_replica(checkout.replica_id(session))
        outbox.install(database.sessions, actor.id)
        with database.sessions.begin() as session:
            audit.record(session, actor, audit.Action.LOGIN, "session", detail="offline")
    except Exception:
        database.dispose()
        raise
    return database, actor
