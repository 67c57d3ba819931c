"""Unlocking a window locked after idle time (or by "Lås nu"): the same user's password,
checked as a login is, without ending the open session.

Local database: the throttled check of the local password (`accounts.verify_login`).
Laptop offline: the offline password in the replica (`offline_credential`, in app.offline:
the UI passes that check in). Shared server: the server checks the role's password on a
connection of its own (`server_login.check_password`); its own auth_delay and pg_hba apply.
Each unlock is an audit row (login, entity "session", detail "upplåst").
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.security import accounts, audit
from app.security.accounts import LoginAttempt
from app.security.actor import Actor

UNLOCKED = "upplåst"


def unlock_local(session: Session, actor: Actor, password: str) -> LoginAttempt:
    """The actor's own local password (never another user's: the name is not asked)."""
    attempt = accounts.verify_login(session, actor.username, password)
    if attempt.actor is not None:
        record_unlock(session, actor)
    return attempt


def record_unlock(session: Session, actor: Actor) -> None:
    audit.record(session, actor, audit.Action.LOGIN, "session", detail=UNLOCKED)
