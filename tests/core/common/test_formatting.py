"""Swedish formatting of what the program shows about a signature."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from babel.dates import format_datetime

from app.common.clock import STOCKHOLM
from app.common.formatting import LOCALE, local_datetime, signature_text

SIGNED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_signature_recorded_by_the_server_at_once_shows_one_time() -> None:
    assert signature_text(SIGNED, "Sara Nilsson") == "2026-11-23 10:00 av Sara Nilsson"
    for recorded in (SIGNED, SIGNED + timedelta(minutes=5), SIGNED - timedelta(minutes=3)):
        assert signature_text(SIGNED, "Sara Nilsson", recorded) == (
            "2026-11-23 10:00 av Sara Nilsson"
        )


def test_a_signature_the_server_recorded_later_shows_both() -> None:
    """Signed offline on a laptop, synced the next morning (Swedish time shown)."""
    assert signature_text(SIGNED, "Sara Nilsson", SIGNED + timedelta(hours=23, minutes=5)) == (
        "2026-11-23 10:00 av Sara Nilsson (servern tog emot signaturen 2026-11-24 09:05)"
    )


def test_local_time_is_written_as_babel_writes_its_pattern() -> None:
    """`local_datetime` writes the digits itself (Babel's pattern was slow in lists); the
    text is Babel's for every quarter hour around both summer-time changes of 2026, around
    midnight and at a year below 1000."""
    starts = [
        datetime(2026, 3, 28, 20, 0, tzinfo=UTC),
        datetime(2026, 10, 24, 20, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 20, 0, tzinfo=UTC),
        datetime(999, 6, 1, 20, 0, tzinfo=UTC),
    ]
    for start in starts:
        for step in range(12 * 4):
            value = start + timedelta(minutes=15 * step)
            assert local_datetime(value) == format_datetime(
                value.astimezone(STOCKHOLM), format="yyyy-MM-dd HH:mm", locale=LOCALE
            ), value
    assert local_datetime(None) == ""
