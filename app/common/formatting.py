"""The one place that formats money, dates and times for Swedish readers (Babel)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from babel.dates import format_date as _format_date
from babel.numbers import format_currency, format_decimal

from app.common.clock import STOCKHOLM

LOCALE = "sv_SE"


def money(amount: Decimal | int | None) -> str:
    """1234.5 -> '1 234,50 kr' (Babel uses a no-break space as group separator)."""
    if amount is None:
        return ""
    return format_currency(
        Decimal(amount), "SEK", format="#,##0.00\xa0¤", locale=LOCALE, currency_digits=False
    ).replace("SEK", "kr")


def number(value: Decimal | int | float) -> str:
    return format_decimal(value, locale=LOCALE)


def short_date(value: date | None) -> str:
    """ISO style, which is the Swedish standard form: 2026-11-23."""
    return value.isoformat() if value else ""


def long_date(value: date | None) -> str:
    """'23 november 2026', for letters."""
    return _format_date(value, format="d MMMM y", locale=LOCALE) if value else ""


def local_datetime(value: datetime | None) -> str:
    """UTC from the database shown in Swedish time: '2026-11-23 14:05'."""
    if value is None:
        return ""
    # Digits only, so written directly: Babel's pattern formatting took ~0.1 ms a value, and
    # lists show a time per row (opening a case: its last twelve applications).
    local = value.astimezone(STOCKHOLM)
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"


SIGNING_CLOCK_TOLERANCE = timedelta(minutes=5)
"""How far a signer's time may be from the time the server recorded before both are shown
(the server's audit stamp allows the same, migration 0018)."""


def signature_text(signed_at: datetime, signer: str, recorded_at: datetime | None = None) -> str:
    """'2026-11-23 10:00 av Sara Nilsson' (after "Signerad"), with the time the server
    recorded the signing when it is another: signed offline on a laptop and synced later,
    or signed on a computer whose clock is wrong."""
    text = f"{local_datetime(signed_at)} av {signer}"
    if recorded_at is not None and abs(recorded_at - signed_at) > SIGNING_CLOCK_TOLERANCE:
        text += f" (servern tog emot signaturen {local_datetime(recorded_at)})"
    return text


def month_name(value: date) -> str:
    """'november 2026'."""
    return _format_date(value, format="LLLL y", locale=LOCALE)


def period_text(start: date, end: date) -> str:
    """A decision's period in a letter: a whole calendar month by its name ('december
    2026'), any other period by its dates."""
    if start.day == 1 and (end + timedelta(days=1)).day == 1 and start.month == end.month:
        return month_name(start)
    return f"{start.isoformat()} – {end.isoformat()}"
