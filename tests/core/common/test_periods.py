"""Month arithmetic: year ends, leap years, and days that do not exist in a shorter month."""

from __future__ import annotations

from datetime import date

import pytest

from app.common.periods import (
    add_months,
    month_end,
    month_from_index,
    month_index,
    month_start,
    months,
    months_between,
    next_month_start,
    twelve_months_start,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 17), date(2026, 10, 1)),
        (date(2026, 10, 1), date(2026, 10, 1)),
        (date(2026, 12, 31), date(2026, 12, 1)),
    ],
)
def test_month_start(day, expected):
    assert month_start(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 1), date(2026, 10, 31)),
        (date(2026, 11, 15), date(2026, 11, 30)),
        (date(2026, 12, 1), date(2026, 12, 31)),
        (date(2026, 2, 10), date(2026, 2, 28)),
        (date(2028, 2, 10), date(2028, 2, 29)),  # leap year
        (date(2100, 2, 1), date(2100, 2, 28)),  # divisible by 100: no leap day
        (date(2000, 2, 1), date(2000, 2, 29)),  # divisible by 400: leap day
        (date(2026, 1, 31), date(2026, 1, 31)),
    ],
)
def test_month_end(day, expected):
    assert month_end(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 17), date(2026, 11, 1)),
        (date(2026, 12, 31), date(2027, 1, 1)),
        (date(2026, 12, 1), date(2027, 1, 1)),
        (date(2028, 2, 29), date(2028, 3, 1)),
    ],
)
def test_next_month_start(day, expected):
    assert next_month_start(day) == expected


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # 31st + 1 month: the shorter month's end
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # December -> January
        (date(2027, 1, 15), -1, date(2026, 12, 15)),  # and back
        (date(2026, 10, 1), -11, date(2025, 11, 1)),
        (date(2026, 10, 5), 0, date(2026, 10, 5)),
        (date(2026, 10, 5), 24, date(2028, 10, 5)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
    ],
)
def test_add_months(day, count, expected):
    assert add_months(day, count) == expected


def test_month_index_is_consecutive_over_a_year_end():
    assert month_index(date(2027, 1, 1)) - month_index(date(2026, 12, 31)) == 1
    assert month_index(date(2026, 10, 20)) == 2026 * 12 + 9


@pytest.mark.parametrize("day", [date(2026, 1, 1), date(2026, 12, 1), date(2028, 2, 1)])
def test_month_from_index_undoes_month_index(day):
    assert month_from_index(month_index(day)) == day


def test_month_from_index_gives_the_first_day():
    assert month_from_index(month_index(date(2026, 12, 24))) == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (date(2026, 10, 31), date(2027, 1, 1), 3),
        (date(2026, 10, 1), date(2026, 10, 31), 0),
        (date(2027, 1, 1), date(2026, 12, 31), -1),
        (date(2024, 2, 29), date(2026, 2, 28), 24),
    ],
)
def test_months_between(first, last, expected):
    assert months_between(first, last) == expected


def test_months_cross_the_year_end_and_include_both_ends():
    assert list(months(date(2026, 11, 17), date(2027, 2, 3))) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]


def test_months_of_one_month_and_of_a_reversed_range():
    assert list(months(date(2026, 2, 28), date(2026, 2, 1))) == [date(2026, 2, 1)]
    assert list(months(date(2026, 3, 1), date(2026, 2, 28))) == []


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 15), date(2025, 11, 1)),
        (date(2026, 12, 31), date(2026, 1, 1)),  # December: the calendar year
        (date(2026, 1, 1), date(2025, 2, 1)),
    ],
)
def test_twelve_months_start(day, expected):
    assert twelve_months_start(day) == expected
    assert len(list(months(expected, day))) == 12
