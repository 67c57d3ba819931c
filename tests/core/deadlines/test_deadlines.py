"""Bevakningar: weekday hours, första återkoppling, ansökan utan beslut, plan dates,
Mina ärenden."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.cases.case_register import change_status
from app.cases.my_cases import my_cases
from app.common.clock import STOCKHOLM
from app.deadlines.deadlines import Deadline, add_weekday_hours, deadlines_for_cases, next_deadline
from app.journal.journal import JournalDraft, create_entry, sign_entry
from app.journal.plans import PlanInput, PlanStepInput, close_plan, create_plan, mark_step_done
from app.models import Application, AuditEntry, CaseStatus, Setting

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Stockholm


def sthlm(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


class TestWeekdayHours:
    @pytest.mark.parametrize(
        ("start", "hours", "expected"),
        [
            # Friday 15:00 + 24 h: 9 hours on Friday, 15 on Monday.
            (sthlm(2026, 11, 20, 15, 0), 24, sthlm(2026, 11, 23, 15, 0)),
            # Saturday and Sunday do not count at all.
            (sthlm(2026, 11, 21, 10, 0), 24, sthlm(2026, 11, 24, 0, 0)),
            (sthlm(2026, 11, 22, 23, 59), 24, sthlm(2026, 11, 24, 0, 0)),
            (sthlm(2026, 11, 21, 0, 0), 1, sthlm(2026, 11, 23, 1, 0)),
            # Weekdays.
            (sthlm(2026, 11, 23, 10, 0), 24, sthlm(2026, 11, 24, 10, 0)),
            (sthlm(2026, 11, 26, 10, 0), 24, sthlm(2026, 11, 27, 10, 0)),
            (sthlm(2026, 11, 27, 0, 0), 24, sthlm(2026, 11, 28, 0, 0)),  # all of Friday
            (sthlm(2026, 11, 20, 15, 0), 48, sthlm(2026, 11, 24, 15, 0)),
            (sthlm(2026, 11, 20, 15, 0), 0, sthlm(2026, 11, 20, 15, 0)),
            (sthlm(2026, 11, 23, 10, 0), 120, sthlm(2026, 11, 30, 10, 0)),  # a full week
        ],
    )
    def test_stockholm_times(self, start, hours, expected) -> None:
        result = add_weekday_hours(start, hours)
        assert result == expected
        assert result.astimezone(STOCKHOLM).replace(tzinfo=None) == expected.replace(tzinfo=None)

    def test_utc_input_is_counted_in_swedish_time(self) -> None:
        # Friday 23:30 UTC is already Saturday 00:30 in Stockholm: nothing counts until Monday.
        result = add_weekday_hours(datetime(2026, 11, 20, 23, 30, tzinfo=UTC), 24)
        assert result == datetime(2026, 11, 24, 0, 0, tzinfo=STOCKHOLM)
        assert result.astimezone(UTC) == datetime(2026, 11, 23, 23, 0, tzinfo=UTC)

    def test_autumn_dst_change_weekend(self) -> None:
        # Summer time ends Sunday 2026-10-25. Friday 15:00 CEST + 24 h = Monday 15:00 CET.
        start = datetime(2026, 10, 23, 13, 0, tzinfo=UTC)  # 15:00 CEST
        result = add_weekday_hours(start, 24)
        assert result.astimezone(UTC) == datetime(2026, 10, 26, 14, 0, tzinfo=UTC)
        local = result.astimezone(STOCKHOLM)
        assert (local.date(), local.hour, local.minute) == (date(2026, 10, 26), 15, 0)
        assert local.utcoffset() == timedelta(hours=1)

    def test_spring_dst_change_weekend(self) -> None:
        # Summer time starts Sunday 2026-03-29. Friday 15:00 CET + 24 h = Monday 15:00 CEST.
        start = datetime(2026, 3, 27, 14, 0, tzinfo=UTC)  # 15:00 CET
        result = add_weekday_hours(start, 24)
        assert result.astimezone(UTC) == datetime(2026, 3, 30, 13, 0, tzinfo=UTC)
        assert result.astimezone(STOCKHOLM).utcoffset() == timedelta(hours=2)

    def test_weekdays_of_the_dst_week_are_whole_days(self) -> None:
        # Thursday 10:00 CEST + 48 weekday hours: 14 on Thursday, 24 on Friday, 10 on Monday
        # = Monday 10:00, now CET (the extra hour of the night to Sunday does not count).
        start = sthlm(2026, 10, 22, 10, 0)
        result = add_weekday_hours(start, 48)
        assert result.astimezone(UTC) == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
        assert start.astimezone(UTC) == datetime(2026, 10, 22, 8, 0, tzinfo=UTC)


@pytest.fixture
def case(make_case):
    return make_case()


def by_kind(deadlines: list[Deadline]) -> dict[str, Deadline]:
    return {d.kind: d for d in deadlines}


def sign(session, actor, case, entry_type: str) -> None:
    draft = JournalDraft(date(2026, 11, 23), entry_type, "", "Kontakt med sökande.")
    sign_entry(session, actor, create_entry(session, actor, case.id, draft).id)


class TestApplicationDeadlines:
    def test_new_application_has_two_deadlines(self, session, case) -> None:
        deadlines = deadlines_for_cases(session, [case.id])[case.id]
        assert deadlines == [
            Deadline(
                case.id,
                "aterkoppling",
                "Första återkoppling",
                date(2026, 11, 24),
                sthlm(2026, 11, 24, 10, 0),
            ),
            Deadline(case.id, "beslut", "Ansökan utan beslut", date(2026, 12, 23)),
        ]
        assert next_deadline(deadlines).kind == "aterkoppling"

    def test_friday_afternoon_application_is_answered_on_monday(self, session, make_case):
        case = make_case(received_at=datetime(2026, 11, 20, 14, 0, tzinfo=UTC))  # Fri 15:00
        first = by_kind(deadlines_for_cases(session, [case.id])[case.id])["aterkoppling"]
        assert first.due_at == sthlm(2026, 11, 23, 15, 0)
        assert first.due == date(2026, 11, 23)
        assert first.is_overdue(NOW) is False
        assert first.is_overdue(datetime(2026, 11, 23, 14, 1, tzinfo=UTC)) is True

    def test_aterkoppling_disappears_when_nybesok_is_signed(self, session, caseworker, case):
        entry = create_entry(
            session, caseworker, case.id, JournalDraft(date(2026, 11, 23), "nybesok", "", "Möte.")
        )
        assert "aterkoppling" in by_kind(deadlines_for_cases(session, [case.id])[case.id])
        sign_entry(session, caseworker, entry.id)
        assert [d.kind for d in deadlines_for_cases(session, [case.id])[case.id]] == ["beslut"]

    def test_aterkoppling_disappears_when_aterkoppling_is_signed(self, session, caseworker, case):
        sign(session, caseworker, case, "aterkoppling")
        assert [d.kind for d in deadlines_for_cases(session, [case.id])[case.id]] == ["beslut"]

    def test_phone_note_does_not_count_as_aterkoppling(self, session, caseworker, case) -> None:
        sign(session, caseworker, case, "telefon")
        assert "aterkoppling" in by_kind(deadlines_for_cases(session, [case.id])[case.id])

    def test_application_without_decision_after_30_days(self, session, make_case) -> None:
        case = make_case(received_at=datetime(2026, 10, 20, 8, 0, tzinfo=UTC))
        decision = by_kind(deadlines_for_cases(session, [case.id])[case.id])["beslut"]
        assert decision.label == "Ansökan utan beslut"
        assert decision.due == date(2026, 11, 19)
        assert decision.due_at is None
        assert decision.is_overdue(NOW) is True
        assert decision.is_overdue(datetime(2026, 11, 19, 22, 59, tzinfo=UTC)) is False
        # 23:00 UTC is midnight in Stockholm: the 20th has begun there.
        assert decision.is_overdue(datetime(2026, 11, 19, 23, 0, tzinfo=UTC)) is True

    def test_received_date_is_the_swedish_date(self, session, make_case) -> None:
        # 23:30 UTC on 31 October is 00:30 on 1 November in Stockholm (CET).
        case = make_case(received_at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC))
        decision = by_kind(deadlines_for_cases(session, [case.id])[case.id])["beslut"]
        assert decision.due == date(2026, 12, 1)

    def test_warning_days_come_from_settings(self, session, case) -> None:
        session.add(Setting(key="decision_warning_days", value="20"))
        session.flush()
        decision = by_kind(deadlines_for_cases(session, [case.id])[case.id])["beslut"]
        assert decision.due == date(2026, 12, 13)

    def test_unreadable_setting_falls_back_to_30_days(self, session, case) -> None:
        session.add(Setting(key="decision_warning_days", value="trettio"))
        session.flush()
        decision = by_kind(deadlines_for_cases(session, [case.id])[case.id])["beslut"]
        assert decision.due == date(2026, 12, 23)

    def test_decided_application_has_no_deadlines(self, session, case) -> None:
        application = session.scalar(select(Application).where(Application.case_id == case.id))
        application.decided_on = date(2026, 11, 23)
        session.flush()
        assert deadlines_for_cases(session, [case.id]).get(case.id) is None

    def test_no_cases(self, session) -> None:
        assert deadlines_for_cases(session, []) == {}


def plan_input(**changes) -> PlanInput:
    data = PlanInput(
        kind="handlingsplan",
        goal="Arbete",
        start_on=date(2026, 11, 1),
        follow_up_on=date(2026, 12, 1),
        steps=[
            PlanStepInput("Skriva in sig på Arbetsförmedlingen", "Sökande", date(2026, 11, 10)),
            PlanStepInput(
                "Boka läkarbesök   för bedömning av\narbetsförmågan hos vårdcentralen",
                "Sökande",
                date(2026, 11, 30),
            ),
            PlanStepInput("Utan datum", "Sökande"),
        ],
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


class TestPlanDeadlines:
    def test_follow_up_and_open_steps(self, session, caseworker, case) -> None:
        create_plan(session, caseworker, case.id, plan_input())
        deadlines = deadlines_for_cases(session, [case.id])[case.id]
        assert [(d.kind, d.label, d.due) for d in deadlines] == [
            ("plansteg", "Plansteg: Skriva in sig på Arbetsförmedlingen", date(2026, 11, 10)),
            ("aterkoppling", "Första återkoppling", date(2026, 11, 24)),
            (
                "plansteg",
                "Plansteg: Boka läkarbesök för bedömning av arbets…",
                date(2026, 11, 30),
            ),
            ("plan_uppfoljning", "Uppföljning av plan", date(2026, 12, 1)),
            ("beslut", "Ansökan utan beslut", date(2026, 12, 23)),
        ]
        assert len(deadlines[2].label) == len("Plansteg: ") + 40
        assert deadlines[0].is_overdue(NOW) is True
        assert deadlines[3].is_overdue(NOW) is False

    def test_done_steps_drop_out(self, session, caseworker, case) -> None:
        plan = create_plan(session, caseworker, case.id, plan_input())
        mark_step_done(session, caseworker, plan.items[0].id)
        kinds = [(d.kind, d.due) for d in deadlines_for_cases(session, [case.id])[case.id]]
        assert ("plansteg", date(2026, 11, 10)) not in kinds
        assert ("plansteg", date(2026, 11, 30)) in kinds

    def test_closed_plan_drops_out(self, session, caseworker, case) -> None:
        plan = create_plan(session, caseworker, case.id, plan_input())
        close_plan(session, caseworker, plan.id)
        kinds = [d.kind for d in deadlines_for_cases(session, [case.id])[case.id]]
        assert kinds == ["aterkoppling", "beslut"]

    def test_plan_without_follow_up(self, session, caseworker, case) -> None:
        create_plan(session, caseworker, case.id, plan_input(follow_up_on=None, steps=[]))
        kinds = [d.kind for d in deadlines_for_cases(session, [case.id])[case.id]]
        assert kinds == ["aterkoppling", "beslut"]

    def test_deadlines_are_kept_per_case(self, session, caseworker, case, make_case) -> None:
        other = make_case("19900101-2385", "Fatima", "Hassan")
        create_plan(session, caseworker, case.id, plan_input())
        found = deadlines_for_cases(session, [case.id, other.id])
        assert len(found[case.id]) == 5
        assert [d.kind for d in found[other.id]] == ["aterkoppling", "beslut"]
        assert {d.case_id for d in found[other.id]} == {other.id}


class TestMyCases:
    @pytest.fixture
    def caseload(self, session, make_case, caseworker, colleague, manager):
        """Four cases of the caseworker with known next deadlines, plus others' cases."""
        waiting = make_case("19850312-1231", "Erik", "Johansson")  # återkoppling 11-24
        late = make_case(
            "19900101-2385",
            "Fatima",
            "Hassan",
            received_at=datetime(2026, 10, 20, 8, 0, tzinfo=UTC),
        )
        sign(session, caseworker, late, "aterkoppling")  # leaves beslut due 11-19
        decided = make_case("19721010-1015", "Lars", "Ek")
        planned = make_case("19640404-4049", "Per", "Holm")
        for case in (decided, planned):
            application = session.scalar(select(Application).where(Application.case_id == case.id))
            application.decided_on = date(2026, 11, 23)
        create_plan(
            session, caseworker, planned.id, plan_input(steps=[], follow_up_on=date(2026, 11, 20))
        )
        make_case("19550505-3214", "Omar", "Ali", actor=colleague)
        make_case("19930303-3337", "Ida", "Berg", actor=manager, responsible_user_id=caseworker.id)
        closed = make_case("19880808-8887", "Maja", "Svensson")
        change_status(session, caseworker, closed.id, CaseStatus.CLOSED, closing_reason="arbete")
        session.flush()
        return {
            "waiting": waiting,
            "late": late,
            "decided": decided,
            "planned": planned,
            "closed": closed,
        }

    def test_only_own_open_cases_sorted_by_next_deadline(self, session, caseworker, caseload):
        rows = my_cases(session, caseworker)
        assert [
            (r.applicant_name, r.next_deadline.due if r.next_deadline else None) for r in rows
        ] == [
            ("Fatima Hassan", date(2026, 11, 19)),
            ("Per Holm", date(2026, 11, 20)),
            ("Erik Johansson", date(2026, 11, 24)),
            ("Ida Berg", date(2026, 11, 24)),  # assigned by the chef
            ("Lars Ek", None),
        ]
        assert [r.deadline_count for r in rows] == [1, 1, 2, 2, 0]

    def test_row_contents(self, session, caseworker, caseload) -> None:
        row = next(r for r in my_cases(session, caseworker) if r.applicant_name == "Fatima Hassan")
        assert row.case_id == caseload["late"].id
        assert row.case_number == "EB-2026-000002"
        assert row.status is CaseStatus.REGISTERED
        assert row.personal_number == "19900101-2385"
        assert row.opened_on == date(2026, 11, 23)
        assert (row.next_deadline.kind, row.next_deadline.label) == (
            "beslut",
            "Ansökan utan beslut",
        )

    def test_same_deadline_sorted_by_case_number(self, session, caseworker, caseload) -> None:
        rows = [
            r
            for r in my_cases(session, caseworker)
            if r.next_deadline and r.next_deadline.due == date(2026, 11, 24)
        ]
        assert [r.case_number for r in rows] == sorted(r.case_number for r in rows)

    def test_include_closed(self, session, caseworker, caseload) -> None:
        rows = my_cases(session, caseworker, include_closed=True)
        closed = [r for r in rows if r.status is CaseStatus.CLOSED]
        assert [r.applicant_name for r in closed] == ["Maja Svensson"]
        assert len(rows) == 6

    def test_colleague_and_manager_see_only_their_own(
        self, session, colleague, manager, caseload
    ) -> None:
        assert [r.applicant_name for r in my_cases(session, colleague)] == ["Omar Ali"]
        assert my_cases(session, manager) == []

    def test_other_unit_sees_nothing_of_ours(self, session, other_unit_caseworker, caseload):
        assert my_cases(session, other_unit_caseworker) == []

    def test_audited(self, session, caseworker, caseload) -> None:
        my_cases(session, caseworker)
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "case_list")).all()
        assert [(r.action, r.user_id, r.detail) for r in rows] == [
            ("open", caseworker.id, "Mina ärenden: 5 ärenden")
        ]
