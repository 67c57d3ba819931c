"""Försörjningshinder, SIP/hembesök and the children's documentation are counted by the
database: what the statistics read does not grow with the number of households (issue 21:
100 000 households in under a second). And the figures stay those of the definitions where
the grouped reads need care: an event in a month without kept facts, a sökande who changes
during the year, two cases of one household, a replaced decision."""

from __future__ import annotations

from datetime import date

import pytest

from app.common.codes import JournalType
from app.models import CaseStatus, MemberRole, Outcome
from app.statistics import statistics
from app.statistics.statistics import year_statistics
from tests.core.statistics.test_statistics import Builder, months

A, CHILD = MemberRole.APPLICANT, MemberRole.CHILD
YEAR = 2026


def _household(b: Builder, number: int) -> None:
    """A mother with a son: stöd, a barrier, a SIP and a home visit, an application and a
    refusal without a consideration for the son, every month of the year."""
    b.household(
        number,
        [
            (f"Mor{number}", "K", date(1985, 1, 1), A, None, False),
            (f"Son{number}", "M", date(2015, 1, 1), CHILD, None, False),
        ],
    )
    for m in months(date(YEAR, 1, 1), date(YEAR, 12, 1)):
        b.decision(number, m, 3000)
        b.decision(number, m, 0, outcome=Outcome.REFUSED, decided_on=m.replace(day=20))
        b.barrier(number, f"Mor{number}", m, "arbetslos")
        b.journal(number, m.replace(day=3), JournalType.SIP)
        b.journal(number, m.replace(day=4), JournalType.HOME_VISIT)


def _rows_read(monkeypatch, session, manager) -> tuple[int, statistics.YearStatistics]:
    """The rows the year's statistics read through plain_rows (all their reads of rows),
    but for the decisions read per child with their texts (the definition reads them
    there: on SQLite all the audited ones, in the order of the households)."""
    read: list[int] = []
    real = statistics.plain_rows

    def counting(s, stmt, parameters=None):
        rows = real(s, stmt, parameters)
        if not any(
            getattr(c, "name", None) == "child_consideration" for c in stmt.selected_columns
        ):
            read.append(len(rows))
        return rows

    monkeypatch.setattr(statistics, "plain_rows", counting)
    result = year_statistics(session, manager, YEAR)
    monkeypatch.setattr(statistics, "plain_rows", real)
    return sum(read), result


def test_rows_read_do_not_grow_with_the_households(monkeypatch, session, staff, manager):
    b = Builder(session, staff)
    for number in range(1, 4):
        _household(b, number)
    session.flush()
    few, small = _rows_read(monkeypatch, session, manager)
    for number in range(4, 13):
        _household(b, number)
    session.flush()
    many, large = _rows_read(monkeypatch, session, manager)
    assert large.support_barriers["arbetslos"].women == 12
    assert large.sip.households.women == 12 and large.sip.events == 144
    assert large.child_documentation.children.men == 144
    assert small.child_documentation.decisions == 36
    assert many == few


@pytest.fixture
def changing(session, staff):
    """Household 1: Anna is sökande until June, then Bo (she moves out); SIP in May and
    August, home visits in February, a month without any decision (no kept facts), and in
    July; stöd in January–August. Household 2 has two cases; SIP in both in March."""
    b = Builder(session, staff)
    b.household(
        1,
        [
            ("Anna", "K", date(1980, 1, 1), A, None, False),
            ("Bo", "M", date(1979, 1, 1), A, date(YEAR, 7, 1), False),
        ],
    )
    anna = next(m for m in b.data.cases[1].household.members if m.person.first_name == "Anna")
    anna.member_until = date(YEAR, 6, 30)
    for m in months(date(YEAR, 1, 1), date(YEAR, 8, 1)):
        if m != date(YEAR, 2, 1):
            b.decision(1, m, 2000)
    b.journal(1, date(YEAR, 2, 10), JournalType.HOME_VISIT)
    b.journal(1, date(YEAR, 7, 10), JournalType.HOME_VISIT)
    b.journal(1, date(YEAR, 5, 12), JournalType.SIP)
    b.journal(1, date(YEAR, 5, 13), JournalType.SIP)
    b.journal(1, date(YEAR, 8, 20), JournalType.SIP)
    b.journal(1, date(YEAR, 9, 20), JournalType.SIP, signed=False)
    b.household(2, [("Cilla", "K", date(1990, 1, 1), A, None, False)])
    from app.models import Case

    second = Case(
        case_number="EB-2025-000099",
        unit_id=staff.unit.id,
        household_id=b.data.cases[2].household_id,
        responsible_user_id=staff.caseworker.id,
        status=CaseStatus.ACTIVE,
        opened_on=date(YEAR, 1, 1),
    )
    session.add(second)
    b.data.cases[3] = second
    session.flush()
    b.journal(2, date(YEAR, 3, 2), JournalType.SIP)
    b.journal(3, date(YEAR, 3, 9), JournalType.SIP)
    session.flush()
    return b


def test_events_by_the_sokande_of_the_month(session, changing, manager):
    year = year_statistics(session, manager, YEAR)
    feb, mar, may, aug, sep = (year.months[i] for i in (1, 2, 4, 7, 8))
    assert (feb.home_visits.events, feb.home_visits.households.women) == (1, 1)
    assert (mar.sip.events, mar.sip.households.women, mar.sip.households.men) == (2, 1, 0)
    assert (may.sip.events, may.sip.households.women, may.sip.households.men) == (2, 1, 0)
    assert (aug.sip.events, aug.sip.households.women, aug.sip.households.men) == (1, 0, 1)
    assert sep.sip.events == 0
    # the year: each household once, as it was in its last month with the event
    assert year.sip.events == 5
    assert (year.sip.households.women, year.sip.households.men) == (1, 1)
    assert year.home_visits.events == 2
    assert (year.home_visits.households.women, year.home_visits.households.men) == (0, 1)


def test_children_of_a_replaced_decision_are_not_audited(session, staff, manager):
    b = Builder(session, staff)
    b.household(
        1,
        [
            ("Eva", "K", date(1985, 1, 1), A, None, False),
            ("Ella", "K", date(2016, 1, 1), CHILD, None, False),
            ("Emil", "M", date(2018, 1, 1), CHILD, None, False),
        ],
    )
    m = date(YEAR, 4, 1)
    first = b.decision(1, m, 0, outcome=Outcome.REFUSED)
    b.decision(1, m, 0, outcome=Outcome.REFUSED, replaces=first)
    b.decision(1, m.replace(month=5), 0, outcome=Outcome.REFUSED, signed=False)
    session.flush()
    year = year_statistics(session, manager, YEAR)
    april = year.months[3].child_documentation
    assert (april.decisions, april.decisions_all_named) == (1, 0)
    assert (april.children.women, april.children.men) == (1, 1)
    assert year.months[4].child_documentation.decisions == 0
