"""Dates typed the Swedish ways, and what is said about those that are not dates."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.common.date_input import DateInputError, parse_date, parse_datetime

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-07",
        "2026-12-7",
        "20261207",
        "261207",
        "7/12 2026",
        "7/12 26",
        "7/12",
        "7 dec 2026",
        "7 dec. 2026",
        "7 december 2026",
        "7 DEC 2026",
        "7 dec",
        "7.12.2026",
        "07.12.2026",
        "7.12.26",
        "  2026-12-07  ",
    ],
)
def test_the_usual_forms_give_the_date(text: str) -> None:
    assert parse_date(text, TODAY) == date(2026, 12, 7)


def test_two_digit_years_are_this_century_up_to_twenty_years_ahead() -> None:
    assert parse_date("460101", TODAY) == date(2046, 1, 1)
    assert parse_date("470101", TODAY) == date(1947, 1, 1)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Skriv ett datum, till exempel 2026-12-07."),
        ("igår", "”igår” är inget datum. Skriv till exempel 2026-12-07"),
        ("2026-13-01", "det finns ingen månad 13"),
        ("2026-02-30", "det finns ingen 30 februari 2026"),
        ("31/4 2026", "det finns ingen 31 april 2026"),
        ("7 ma 2026", "är inget datum"),  # mars or maj?
        ("7 foo 2026", "är inget datum"),
        ("2026127", "är inget datum"),
        ("7..12", "är inget datum"),
    ],
)
def test_what_is_no_date_gets_a_swedish_message(text: str, says: str) -> None:
    with pytest.raises(DateInputError) as caught:
        parse_date(text, TODAY)
    assert says in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-07 14:30", datetime(2026, 12, 7, 14, 30)),
        ("7/12 2026 kl. 9.05", datetime(2026, 12, 7, 9, 5)),
        ("20261207, 08:00", datetime(2026, 12, 7, 8, 0)),
        ("2026-12-07", datetime(2026, 12, 7, 0, 0)),
    ],
)
def test_date_and_time(text: str, expected: datetime) -> None:
    assert parse_datetime(text, TODAY) == expected


def test_a_time_that_does_not_exist_is_refused() -> None:
    with pytest.raises(DateInputError, match="ingen tid"):
        parse_datetime("2026-12-07 25:10", TODAY)
