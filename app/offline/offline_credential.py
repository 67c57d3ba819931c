"""The offline password: what `arendestod --offline` asks for before showing any case.

The replica's key (in the keyring, or a passphrase) only decrypts the file; with the key in
the keyring anyone at the laptop could open it. So at check-out the user chooses an offline
password (at least 12 characters), and the replica keeps its scrypt hash
(`registry.OFFLINE_CREDENTIAL`, one per user); the offline start checks it with the same
throttled check as a local login (`accounts.verify_login`, counted in the replica's own
audit log). A later check-out may leave the field empty to keep the password chosen before.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common.errors import ValidationFailed
from app.models import Setting, User
from app.security import accounts, session_lock
from app.security.accounts import LoginAttempt
from app.security.actor import Actor
from app.security.password_hashing import hash_password, needs_rehash
from app.settings import registry

FIELD = "offline_password"


def _key(user_id: uuid.UUID) -> str:
    return registry.OFFLINE_CREDENTIAL.key_for(user_id=str(user_id))


def stored_hash(replica: Session, user_id: uuid.UUID) -> str | None:
    return replica.scalar(select(Setting.value).where(Setting.key == _key(user_id)))


def check_choice(replica: Session, actor: Actor, password: str | None) -> None:
    """Before check-out leases anything: a new password is long enough, or there is one
    already (an empty field keeps it)."""
    if password:
        if len(password) < accounts.MIN_PASSWORD_LENGTH:
            raise ValidationFailed(
                {
                    FIELD: f"Offlinelösenordet måste ha minst {accounts.MIN_PASSWORD_LENGTH} "
                    "tecken. Välj gärna en lösenfras, några ord i rad."
                }
            )
    elif stored_hash(replica, actor.id) is None:
        raise ValidationFailed(
            {
                FIELD: "Välj ett offlinelösenord (minst "
                f"{accounts.MIN_PASSWORD_LENGTH} tecken). Du skriver det när du startar "
                "Ärendestöd offline."
            }
        )


def store(replica: Session, actor: Actor, password: str | None) -> None:
    """Keep the hash of a newly chosen password (None or empty: keep the one there is)."""
    if not password:
        return
    _put(replica, actor.id, hash_password(password))


def _put(replica: Session, user_id: uuid.UUID, value: str) -> None:
    row = replica.scalar(select(Setting).where(Setting.key == _key(user_id)))
    if row is None:
        replica.add(Setting(key=_key(user_id), value=value))
    else:
        row.value = value
    replica.flush()


def verify(replica: Session, username: str, password: str) -> LoginAttempt:
    """The throttled check of the offline password (audited in the replica, like a local
    login); a hash of a lower cost is replaced on success."""

    def offline_hash(user: User) -> str | None:
        return stored_hash(replica, user.id)

    attempt = accounts.verify_login(replica, username, password, offline_hash)
    if attempt.actor is not None and needs_rehash(stored_hash(replica, attempt.actor.id)):
        _put(replica, attempt.actor.id, hash_password(password))
    return attempt


def unlock(replica: Session, actor: Actor, password: str) -> LoginAttempt:
    """The idle-locked offline window: the actor's own offline password (throttled)."""
    attempt = verify(replica, actor.username, password)
    if attempt.actor is not None:
        session_lock.record_unlock(replica, actor)
    return attempt
