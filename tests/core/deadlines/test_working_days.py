"""Vardagar: Saturdays, Sundays, allmänna helgdagar (lag 1989:253) and midsommarafton,
julafton and nyårsafton (lag 1930:173, 2 §) are not working days. The 24-hour rule for the
första återkoppling counts only the hours of working days: around midsommar, jul, nyår,
påsk and Kristi himmelsfärd the deadline moves past the holidays."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.common.clock import STOCKHOLM
from app.deadlines import working_days
from app.deadlines.deadlines import DeadlineKind, add_weekday_hours, deadlines_for_cases


def local(y: int, m: int, d: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=STOCKHOLM)


class TestWorkingDay:
    @pytest.mark.parametrize(
        "day",
        [
            date(2026, 1, 1),  # nyårsdagen
            date(2026, 1, 6),  # trettondedag jul
            date(2026, 4, 3),  # långfredagen
            date(2026, 4, 6),  # annandag påsk
            date(2026, 5, 1),  # första maj
            date(2026, 5, 14),  # Kristi himmelsfärdsdag
            date(2025, 6, 6),  # nationaldagen, a Friday
            date(2026, 6, 19),  # midsommarafton
            date(2026, 12, 24),  # julafton
            date(2026, 12, 25),  # juldagen
            date(2026, 12, 31),  # nyårsafton
            date(2026, 6, 20),  # a Saturday (midsommardagen)
            date(2026, 11, 22),  # an ordinary Sunday
        ],
    )
    def test_holidays_and_weekends_are_not_working_days(self, day: date) -> None:
        assert not working_days.is_working_day(day)

    @pytest.mark.parametrize(
        "day",
        [
            date(2026, 4, 2),  # skärtorsdagen: a working day
            date(2026, 5, 15),  # the klämdag after Kristi himmelsfärd: a working day
            date(2026, 6, 18),  # the day before midsommarafton
            date(2026, 12, 23),
            date(2026, 12, 28),
            date(2026, 11, 23),  # an ordinary Monday
        ],
    )
    def test_working_days(self, day: date) -> None:
        assert working_days.is_working_day(day)

    def test_the_holidays_are_those_of_the_holidays_package_from_1990_to_2100(self) -> None:
        """Computed from the laws' rules here; the package (a test dependency only, its
        import loads every country's module) lists the same days, Sundays aside (before
        1990 it also has Jungfru Marie bebådelsedag, always a Sunday)."""
        import holidays

        for year in range(1990, 2101):
            listed = holidays.Sweden(
                years=year, categories=(holidays.PUBLIC, holidays.DE_FACTO), language="sv"
            )
            expected = {d for d, name in listed.items() if name != "Söndag"}
            assert working_days.holidays_between(date(year, 1, 1), date(year, 12, 31)) == sorted(
                expected
            ), year

    @pytest.mark.parametrize(
        ("year", "easter"),
        [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2038, date(2038, 4, 25))],
    )
    def test_easter_sunday(self, year: int, easter: date) -> None:
        assert working_days.easter_sunday(year) == easter

    def test_next_working_day(self) -> None:
        assert working_days.next_working_day(date(2026, 6, 18)) == date(2026, 6, 22)
        assert working_days.next_working_day(date(2026, 12, 23)) == date(2026, 12, 28)
        assert working_days.next_working_day(date(2026, 12, 30)) == date(2027, 1, 4)
        assert working_days.next_working_day(date(2026, 11, 23)) == date(2026, 11, 24)

    def test_the_source_is_named(self) -> None:
        assert "1989:253" in working_days.SOURCE and "1930:173" in working_days.SOURCE


class TestTwentyFourHours:
    @pytest.mark.parametrize(
        ("received", "due"),
        [
            # midsommar 2026: Friday 19 June is midsommarafton
            (local(2026, 6, 18, 10), local(2026, 6, 22, 10)),
            # jul 2026: julafton, juldagen, then the weekend
            (local(2026, 12, 23, 10), local(2026, 12, 28, 10)),
            # nyår: nyårsafton, nyårsdagen, the weekend
            (local(2026, 12, 30, 15, 30), local(2027, 1, 4, 15, 30)),
            # påsk 2026: skärtorsdagen counts, långfredagen to annandag påsk do not
            (local(2026, 4, 2, 10), local(2026, 4, 7, 10)),
            # Kristi himmelsfärdsdag (Thursday); the Friday after is a working day
            (local(2026, 5, 13, 12), local(2026, 5, 15, 12)),
            # received on juldagen: the whole of the next working day
            (local(2026, 12, 25, 15), local(2026, 12, 29, 0)),
            # received at midnight starting midsommarafton: all of Monday
            (local(2026, 6, 19, 0), local(2026, 6, 23, 0)),
        ],
    )
    def test_holidays_do_not_count(self, received: datetime, due: datetime) -> None:
        assert add_weekday_hours(received, 24) == due

    def test_an_ordinary_week_is_unchanged(self) -> None:
        assert add_weekday_hours(local(2026, 11, 23, 10), 24) == local(2026, 11, 24, 10)
        assert add_weekday_hours(local(2026, 11, 27, 10), 24) == local(2026, 11, 30, 10)


def test_the_bevakning_of_an_application_before_midsommar(session, make_case) -> None:
    received = local(2026, 6, 18, 10)
    case = make_case(received_at=received, period_start=date(2026, 7, 1))
    session.flush()
    found = deadlines_for_cases(session, [case.id])[case.id]
    first = next(d for d in found if d.kind is DeadlineKind.FIRST_RESPONSE)
    assert first.due_at == local(2026, 6, 22, 10)
    assert first.due == date(2026, 6, 22)
    assert not first.is_overdue(local(2026, 6, 22, 9) + timedelta(minutes=59))
    assert first.is_overdue(local(2026, 6, 22, 10, 1))
