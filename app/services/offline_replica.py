"""Unlocking the laptop's encrypted replica: with the key in the keyring, or a passphrase.

A new replica gets a random key, kept in the keyring. Where the computer has no keyring
(or it refuses the key) the user chooses a passphrase instead, and is asked for it each
time; the key is never written anywhere else.
"""

from __future__ import annotations

from pathlib import Path

from app.db.database import Database
from app.db.replica import ReplicaKey, ReplicaLocked, open_replica
from app.services import credentials
from app.services.errors import ServiceError


class PassphraseNeeded(ServiceError):
    """The replica is locked with a passphrase (or the keyring cannot hold a new key):
    ask the user, then call `unlock` again with it."""

    def __init__(self, new: bool):
        super().__init__(
            "Välj en lösenfras för offlinedatabasen (minst 12 tecken). Datorn har ingen "
            "nyckelring där nyckeln kan sparas, så lösenfrasen frågas efter varje gång."
            if new
            else "Skriv lösenfrasen för offlinedatabasen."
        )
        self.new = new


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
