"""Bevakningar computed from the data: FIA at about five months, the unga vuxna phone call
before closing, decisions not verkställda within three months; and that they are read in
batches (the same number of queries for one case as for many)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from app.cases.case_register import PersonInput, change_status
from app.cases.support_barriers import set_barrier
from app.common.clock import STOCKHOLM
from app.common.periods import add_months
from app.deadlines import fia
from app.deadlines.deadlines import Deadline, deadlines_for_cases
from app.forms import filled_forms
from app.journal.journal import JournalDraft, create_entry, sign_entry
from app.models import (
    Application,
    CaseStatus,
    Decision,
    DecisionKind,
    HouseholdMember,
    MemberRole,
    Outcome,
)

TODAY = date(2026, 11, 23)  # the fixed clock: Monday 23 November 2026, 10:00 in Stockholm


def kinds(session, case, kind: str) -> list[Deadline]:
    return [d for d in deadlines_for_cases(session, [case.id]).get(case.id, []) if d.kind == kind]


def decided_applications(session, case, *months: date) -> None:
    """Decided applications (ansökningar) for the given months."""
    for start in months:
        session.add(
            Application(
                case_id=case.id,
                received_at=datetime(start.year, start.month, 1, 9, tzinfo=UTC),
                channel="papper",
                period_start=start,
                period_end=add_months(start, 1) - timedelta(days=1),
                decided_on=start + timedelta(days=5),
            )
        )
    session.flush()


def month_starts(first: date, count: int) -> list[date]:
    return [add_months(first, i) for i in range(count)]


def applicant_id(case):
    return next(m.person_id for m in case.household.members if m.role is MemberRole.APPLICANT)


def telephone(session, actor, case, day: date) -> None:
    entry = create_entry(
        session, actor, case.id, JournalDraft(day, "telefon", "", "Ringt sökande.")
    )
    sign_entry(session, actor, entry.id)


# --- FIA at about five months -------------------------------------------------------------


class TestFia:
    @pytest.fixture
    def unemployed(self, session, caseworker, make_case):
        case = make_case()
        set_barrier(session, caseworker, case.id, applicant_id(case), TODAY, "arbetslos")
        return case

    def test_five_months_ending_last_month_is_overdue(self, session, unemployed) -> None:
        decided_applications(session, unemployed, *month_starts(date(2026, 6, 1), 5))  # jun–okt
        (fia,) = kinds(session, unemployed, "fia")
        # due by the end of the fifth month of assistance (October)
        assert fia == Deadline(unemployed.id, "fia", "FIA bör erbjudas", date(2026, 10, 31))
        assert fia.is_overdue(datetime(2026, 11, 23, 9, tzinfo=UTC)) is True

    def test_fifth_month_is_this_month(self, session, unemployed) -> None:
        # the case's own November application, decided, is the fifth month
        own = session.scalar(select(Application).where(Application.case_id == unemployed.id))
        own.decided_on = TODAY
        decided_applications(session, unemployed, *month_starts(date(2026, 7, 1), 4))  # jul–okt
        (fia,) = kinds(session, unemployed, "fia")
        assert (fia.due, fia.is_overdue(datetime(2026, 11, 23, 9, tzinfo=UTC))) == (
            date(2026, 11, 30),
            False,
        )

    def test_four_months_is_not_yet(self, session, unemployed) -> None:
        decided_applications(session, unemployed, *month_starts(date(2026, 7, 1), 4))
        assert kinds(session, unemployed, "fia") == []

    def test_months_outside_the_twelve_do_not_count(self, session, unemployed) -> None:
        # November 2025 is the thirteenth month back
        decided_applications(
            session, unemployed, date(2025, 11, 1), *month_starts(date(2026, 7, 1), 4)
        )
        assert kinds(session, unemployed, "fia") == []
        decided_applications(session, unemployed, date(2025, 12, 1))
        # december 2025 and july–october 2026: the fifth is october
        assert [d.due for d in kinds(session, unemployed, "fia")] == [date(2026, 10, 31)]

    def test_not_unemployed_in_the_latest_month(self, session, caseworker, unemployed) -> None:
        decided_applications(session, unemployed, *month_starts(date(2026, 6, 1), 5))
        set_barrier(
            session, caseworker, unemployed.id, applicant_id(unemployed), TODAY, "sprakhinder"
        )
        assert kinds(session, unemployed, "fia") == []

    def test_not_once_a_fia_is_started(self, session, caseworker, unemployed) -> None:
        decided_applications(session, unemployed, *month_starts(date(2026, 6, 1), 5))
        filled_forms.create_form(session, caseworker, "fia", case_id=unemployed.id)
        assert kinds(session, unemployed, "fia") == []

    def test_not_in_a_closed_case(self, session, caseworker, unemployed) -> None:
        decided_applications(session, unemployed, *month_starts(date(2026, 6, 1), 5))
        change_status(
            session, caseworker, unemployed.id, CaseStatus.CLOSED, closing_reason="arbete"
        )
        assert kinds(session, unemployed, "fia") == []

    def test_agrees_with_the_suggestion_on_the_forms_tab(self, session, unemployed) -> None:
        decided_applications(session, unemployed, *month_starts(date(2026, 6, 1), 5))
        assert filled_forms.fia_suggestion(session, unemployed.id) == (
            "FIA bör erbjudas: en arbetslös vuxen i hushållet och bistånd "
            "5 av de senaste tolv månaderna."
        )
        candidate = fia.fia_candidates(session, [unemployed.id])[unemployed.id]
        assert (candidate.months, candidate.unemployed, candidate.fifth_month) == (
            5,
            1,
            date(2026, 10, 1),
        )


# --- unga vuxna: phone before the case is closed -----------------------------------------


def received(days_ago: int) -> datetime:
    """10:00 Swedish time, `days_ago` days before the fixed today."""
    day = TODAY - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 10, tzinfo=STOCKHOLM)


class TestYoungAdults:
    @pytest.fixture
    def young(self, make_case, pnr):
        """A sökande who turns 24 today, last application 30 days ago."""

        def make(birth: str = "20021123", days_ago: int = 30, **fields):
            return make_case(
                pnr(birth, 234), "Elin", "Ung", received_at=received(days_ago), **fields
            )

        return make

    def test_thirty_days_without_an_application(self, session, young) -> None:
        case = young()
        assert kinds(session, case, "unga_vuxna") == [
            Deadline(
                case.id,
                "unga_vuxna",
                "Ring den unga vuxna innan ärendet avslutas",
                date(2026, 11, 23),
            )
        ]

    def test_twenty_nine_days_is_not_yet(self, session, young) -> None:
        assert kinds(session, young(days_ago=29), "unga_vuxna") == []

    def test_due_thirty_days_after_the_last_application(self, session, young) -> None:
        (call,) = kinds(session, young(days_ago=45), "unga_vuxna")
        assert call.due == date(2026, 11, 8)
        assert call.is_overdue(datetime(2026, 11, 23, 9, tzinfo=UTC)) is True

    @pytest.mark.parametrize(
        ("birth", "expected"),
        [
            ("20011124", 1),  # 24, turns 25 tomorrow
            ("20011123", 0),  # 25 today
            ("20081123", 1),  # 18 today
            ("19900101", 0),
        ],
    )
    def test_ages_18_to_24(self, session, young, birth, expected) -> None:
        assert len(kinds(session, young(birth=birth), "unga_vuxna")) == expected

    def test_a_newer_application_counts(self, session, young) -> None:
        case = young(days_ago=60)
        session.add(
            Application(
                case_id=case.id,
                received_at=received(10),
                channel="e_ansokan",
                period_start=date(2026, 11, 1),
                period_end=date(2026, 11, 30),
            )
        )
        session.flush()
        assert kinds(session, case, "unga_vuxna") == []

    def test_a_phone_call_since_the_last_application(self, session, caseworker, young) -> None:
        case = young(days_ago=40)
        telephone(session, caseworker, case, TODAY - timedelta(days=41))  # before: not enough
        assert len(kinds(session, case, "unga_vuxna")) == 1
        telephone(session, caseworker, case, TODAY - timedelta(days=40))  # the same day
        assert kinds(session, case, "unga_vuxna") == []

    def test_an_unsigned_phone_note_does_not_count(self, session, caseworker, young) -> None:
        case = young(days_ago=40)
        create_entry(session, caseworker, case.id, JournalDraft(TODAY, "telefon", "", "Ringt."))
        assert len(kinds(session, case, "unga_vuxna")) == 1

    def test_not_in_a_closed_case(self, session, caseworker, young) -> None:
        case = young(days_ago=40)
        change_status(session, caseworker, case.id, CaseStatus.CLOSED, closing_reason="ej_aktuell")
        assert kinds(session, case, "unga_vuxna") == []

    def test_a_co_applicant_of_22_does_not_make_it_a_young_adult_case(
        self, session, make_case, pnr
    ) -> None:
        case = make_case(
            pnr("19800101", 111),
            "Per",
            "Äldre",
            members=[PersonInput(pnr("20040101", 222), "Ida", "Ung", MemberRole.CO_APPLICANT)],
            received_at=received(40),
        )
        assert kinds(session, case, "unga_vuxna") == []

    def test_a_former_applicant_does_not_count(self, session, young) -> None:
        case = young(days_ago=40)
        member = session.scalar(
            select(HouseholdMember).where(HouseholdMember.household_id == case.household_id)
        )
        member.member_until = TODAY - timedelta(days=1)
        session.flush()
        assert kinds(session, case, "unga_vuxna") == []


# --- decisions not verkställda within three months ---------------------------------------


@pytest.fixture
def decision(session, caseworker, make_case):
    """Add a signed decision to a case (default: försörjningsstöd, 5 000 kr, not executed)."""
    case = make_case()

    def add(day: date, **fields) -> Decision:
        values = {
            "case_id": case.id,
            "kind": DecisionKind.SUPPORT,
            "outcome": Outcome.GRANTED,
            "period_start": day.replace(day=1),
            "period_end": add_months(day.replace(day=1), 1) - timedelta(days=1),
            "granted_total": Decimal("5000"),
            "author_id": caseworker.id,
            "decided_by": caseworker.id,
            "decided_on": day,
            "signed_at": datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
            **fields,
        }
        row = Decision(**values)
        session.add(row)
        session.flush()
        return row

    add.case = case
    return add


NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


class TestNotExecuted:
    def test_three_months_minus_a_day(self, session, decision) -> None:
        decision(date(2026, 8, 24))
        (late,) = kinds(session, decision.case, "ej_verkstallt")
        assert late == Deadline(
            decision.case.id,
            "ej_verkstallt",
            "Beslut ej verkställt: augusti 2026",
            date(2026, 11, 24),
        )
        assert late.is_overdue(NOW) is False

    def test_exactly_three_months_is_due_today(self, session, decision) -> None:
        decision(date(2026, 8, 23))
        (late,) = kinds(session, decision.case, "ej_verkstallt")
        assert (late.due, late.is_overdue(NOW)) == (date(2026, 11, 23), False)

    def test_three_months_plus_a_day(self, session, decision) -> None:
        decision(date(2026, 8, 22))
        (late,) = kinds(session, decision.case, "ej_verkstallt")
        assert (late.due, late.is_overdue(NOW)) == (date(2026, 11, 22), True)

    def test_executed_refused_and_unsigned_decisions_are_not_tracked(
        self, session, decision
    ) -> None:
        decision(date(2026, 6, 1), executed_on=date(2026, 6, 25))
        decision(date(2026, 6, 2), outcome=Outcome.REFUSED, granted_total=Decimal("0"))
        decision(date(2026, 6, 3), signed_at=None, decided_on=None)
        assert kinds(session, decision.case, "ej_verkstallt") == []

    def test_every_kind_of_decision_counts(self, session, decision) -> None:
        decision(
            date(2026, 10, 5),
            kind=DecisionKind.OTHER_LIVING,
            period_start=date(2026, 10, 1),
            period_end=date(2026, 10, 31),
        )
        assert [d.label for d in kinds(session, decision.case, "ej_verkstallt")] == [
            "Beslut ej verkställt: oktober 2026"
        ]

    def test_a_replaced_decision_is_carried_out_through_the_new_one(
        self, session, decision
    ) -> None:
        old = decision(date(2026, 7, 1))
        new = decision(date(2026, 7, 10), replaces_id=old.id, executed_on=date(2026, 7, 12))
        assert kinds(session, decision.case, "ej_verkstallt") == []
        new.executed_on = None
        session.flush()
        assert [d.due for d in kinds(session, decision.case, "ej_verkstallt")] == [
            date(2026, 10, 10)
        ]

    def test_an_unsigned_replacement_does_not_replace(self, session, decision) -> None:
        old = decision(date(2026, 7, 1))
        decision(date(2026, 7, 10), replaces_id=old.id, signed_at=None, decided_on=None)
        assert [d.due for d in kinds(session, decision.case, "ej_verkstallt")] == [
            date(2026, 10, 1)
        ]

    def test_decided_on_a_long_month_end(self, session, decision) -> None:
        decision(date(2026, 11, 30))
        assert [d.due for d in kinds(session, decision.case, "ej_verkstallt")] == [
            date(2027, 2, 28)
        ]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 8, 23), 3, date(2026, 11, 23)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 23), -12, date(2025, 11, 23)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
    ],
)
def test_add_months(day, months, expected) -> None:
    assert add_months(day, months) == expected


# --- all kinds together, and batching -----------------------------------------------------


class TestAllKinds:
    @pytest.fixture
    def busy(self, session, caseworker, make_case, pnr):
        """A young adult, unemployed five months, with a decision not verkställd."""

        def make(serial: int):
            case = make_case(pnr("20030505", serial), "Alva", "Ung", received_at=received(35))
            set_barrier(session, caseworker, case.id, applicant_id(case), TODAY, "arbetslos")
            decided_applications(session, case, *month_starts(date(2026, 6, 1), 5))
            session.add(
                Decision(
                    case_id=case.id,
                    kind=DecisionKind.SUPPORT,
                    outcome=Outcome.GRANTED,
                    period_start=date(2026, 10, 1),
                    period_end=date(2026, 10, 31),
                    granted_total=Decimal("6100"),
                    author_id=caseworker.id,
                    decided_on=date(2026, 9, 28),
                    signed_at=datetime(2026, 9, 28, 12, tzinfo=UTC),
                )
            )
            session.flush()
            return case

        return make

    def test_earliest_first(self, session, busy) -> None:
        case = busy(301)
        assert [(d.kind, d.due) for d in deadlines_for_cases(session, [case.id])[case.id]] == [
            ("aterkoppling", date(2026, 10, 20)),
            ("fia", date(2026, 10, 31)),
            ("beslut", date(2026, 11, 18)),
            ("unga_vuxna", date(2026, 11, 18)),
            ("ej_verkstallt", date(2026, 12, 28)),
        ]

    def test_the_number_of_queries_does_not_grow_with_the_cases(self, session, db, busy) -> None:
        cases = [busy(310 + i) for i in range(6)]
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            one = deadlines_for_cases(session, [cases[0].id])
            for_one = len(statements)
            statements.clear()
            many = deadlines_for_cases(session, [c.id for c in cases])
            for_many = len(statements)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert for_many == for_one
        assert len(one[cases[0].id]) == 5
        assert all(len(many[c.id]) == 5 for c in cases)
