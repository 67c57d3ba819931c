"""Dates and times typed the ways Swedes write them: 2026-12-07, 20261207, 261207,
7/12 2026, 7 dec 2026, 7.12.2026 (and a time after it: 2026-12-07 14:30). No Qt."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from app.common.errors import ServiceError

EXAMPLE = "2026-12-07"

MONTHS = {
    "januari": 1,
    "februari": 2,
    "mars": 3,
    "april": 4,
    "maj": 5,
    "juni": 6,
    "juli": 7,
    "augusti": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
_MONTH_NAMES = list(MONTHS)


class DateInputError(ServiceError, ValueError):
    """The text is no date; `str(error)` says why in Swedish and how to write one."""


def _month(word: str) -> int | None:
    """A Swedish month name or its abbreviation of three letters or more ("dec", "sept")."""
    word = word.lower().rstrip(".")
    if len(word) < 3:
        return None
    matches = {number for name, number in MONTHS.items() if name.startswith(word)}
    return matches.pop() if len(matches) == 1 else None


def _full_year(year: str, today: date) -> int:
    """A two-digit year is the one nearest ahead: up to 20 years from now, else last century."""
    if len(year) == 4:
        return int(year)
    candidate = 2000 + int(year)
    return candidate if candidate <= today.year + 20 else candidate - 100


_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_DIGITS = re.compile(r"(\d{2}|\d{4})(\d{2})(\d{2})")
_DAY_FIRST = re.compile(r"(\d{1,2})\s*[./]\s*(\d{1,2})(?:\s*[.\s/]\s*(\d{4}|\d{2}))?")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})\.?\s+([^\W\d_]+\.?)(?:\s+(\d{4}|\d{2}))?")


def parse_date(text: str, today: date) -> date:
    """The date `text` stands for; `today` gives the year when none is written and the
    century of a two-digit year. Raises DateInputError with a Swedish message."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise DateInputError(f"Skriv ett datum, till exempel {EXAMPLE}.")
    year: int
    if match := _ISO.fullmatch(cleaned):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _DIGITS.fullmatch(cleaned):
        year, month, day = _full_year(match[1], today), int(match[2]), int(match[3])
    elif match := _DAY_FIRST.fullmatch(cleaned):
        day, month = int(match[1]), int(match[2])
        year = _full_year(match[3], today) if match[3] else today.year
    elif (match := _DAY_MONTH_NAME.fullmatch(cleaned)) and _month(match[2]):
        day, month = int(match[1]), _month(match[2]) or 0
        year = _full_year(match[3], today) if match[3] else today.year
    else:
        raise DateInputError(
            f"”{text.strip()}” är inget datum. Skriv till exempel {EXAMPLE}, 7/12 2026 "
            "eller 7 dec 2026."
        )
    if not 1 <= month <= 12:
        raise DateInputError(f"”{text.strip()}”: det finns ingen månad {month}.")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateInputError(
            f"”{text.strip()}”: det finns ingen {day} {_MONTH_NAMES[month - 1]} {year}."
        ) from None


_TIME = re.compile(r"(.*?)[\s,]+(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})")


def parse_datetime(text: str, today: date) -> datetime:
    """A date and a time of day ("2026-12-07 14:30", "7/12 14.30"); without a time, the
    day's start. Naive: the caller knows the time zone it means."""
    cleaned = " ".join(text.split())
    match = _TIME.fullmatch(cleaned)
    if match is None:
        return datetime.combine(parse_date(cleaned, today), time())
    day = parse_date(match[1], today)
    hour, minute = int(match[2]), int(match[3])
    if hour > 23 or minute > 59:
        raise DateInputError(f"”{match[2]}:{match[3]}” är ingen tid. Skriv till exempel 14:30.")
    return datetime.combine(day, time(hour, minute))


def date_text(value: date) -> str:
    """How a date field shows a date: ÅÅÅÅ-MM-DD."""
    return value.isoformat()


def datetime_text(value: datetime) -> str:
    return f"{value.date().isoformat()} {value:%H:%M}"
