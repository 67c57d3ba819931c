"""A growing wait after failed logins, counted from the audit log.

The failed attempts are already audit rows (`login_failed`), so the count survives a
restart of the program and needs no table of its own: per user for an existing username,
per workstation for names that do not exist. The first `FREE_ATTEMPTS` failures cost
nothing; then the wait doubles from one second up to `MAX_WAIT_SECONDS`, counted from the
latest failure. A successful login starts the count again.

The service never sleeps: it says how long is left (`wait_seconds`) and the caller refuses
the attempt without checking the password (so a guess in the wait tells nothing), logging
it as a `login_failed` row whose detail starts with `THROTTLED` (not counted as a failure).

Local mode and the offline replica only: on a shared PostgreSQL server the server checks
the password when the user's role connects, and its own settings (auth_delay, pg_hba,
scram-sha-256) are what a psql user meets too (README, "För IT").
"""

from __future__ import annotations

import math
import platform
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.common import clock
from app.models import AuditEntry
from app.security import audit

FREE_ATTEMPTS = 3
MAX_WAIT_SECONDS = 60
WINDOW = timedelta(hours=24)
"""Failures older than this are not counted (the query stays small on a long audit log)."""

THROTTLED = "Vänta"
"""The start of the detail of an attempt refused in the wait."""

UNKNOWN_USERNAME = "okänt användarnamn"


def delay_after(failures: int) -> int:
    """Seconds to wait after `failures` failed attempts in a row: 0, 0, 0, 1, 2, 4 … 60."""
    if failures <= FREE_ATTEMPTS:
        return 0
    return min(MAX_WAIT_SECONDS, 2 ** (failures - FREE_ATTEMPTS - 1))


def workstation() -> str:
    return platform.node() or "okänd dator"


def unknown_name_detail() -> str:
    """A failed attempt with a name that is no user's: nothing of what was typed (it may
    be a password typed in the wrong field), only which computer it came from."""
    return f"{UNKNOWN_USERNAME}, dator {workstation()}"[:200]


def throttled_detail(seconds: int, who: str) -> str:
    return f"{THROTTLED} {seconds} s: {who}"[:200]


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def wait_seconds(session: Session, user_id: uuid.UUID | None) -> int:
    """Whole seconds left before the next attempt for this user (None: an unknown name
    on this workstation) is checked; 0 when it may be tried now."""
    now = clock.now()
    since = now - WINDOW
    last_login = session.scalar(
        select(func.max(AuditEntry.at)).where(
            AuditEntry.action == audit.Action.LOGIN,
            AuditEntry.entity.in_(("user", "session")),
            AuditEntry.at >= since,
            *([AuditEntry.user_id == user_id] if user_id is not None else []),
        )
    )
    if last_login is not None:
        since = max(since, _utc(last_login))
    failed = [
        AuditEntry.action == audit.Action.LOGIN_FAILED,
        AuditEntry.at > since,
    ]
    if user_id is not None:
        failed += [AuditEntry.user_id == user_id, ~AuditEntry.detail.startswith(THROTTLED)]
    else:
        failed += [AuditEntry.user_id.is_(None), AuditEntry.detail == unknown_name_detail()]
    count, latest = session.execute(
        select(func.count(), func.max(AuditEntry.at)).where(*failed)
    ).one()
    delay = delay_after(count)
    if not delay or latest is None:
        return 0
    left = (_utc(latest) + timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(left))
