"""The one source of time and ids, replaceable in tests (ARCHITECTURE.md: deterministic tests)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731
_new_id: Callable[[], uuid.UUID] = uuid.uuid4


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    return _now()


def today() -> date:
    """Today's date in Sweden (a decision dated at 00:30 Swedish time is dated that Swedish day)."""
    return _now().astimezone(STOCKHOLM).date()


def new_id() -> uuid.UUID:
    return _new_id()


def set_now(source: Callable[[], datetime] | None) -> None:
    """Replace the time source; `None` restores the system clock."""
    global _now
    _now = source if source is not None else (lambda: datetime.now(UTC))


def set_id_source(source: Callable[[], uuid.UUID] | None) -> None:
    global _new_id
    _new_id = source if source is not None else uuid.uuid4
