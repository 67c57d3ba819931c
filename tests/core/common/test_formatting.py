"""Swedish formatting of what the program shows about a signature."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.common.formatting import signature_text

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
