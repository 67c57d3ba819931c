"""Plans: goal, steps with owner and due date, follow-up, marking steps done, closing."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from app.common.errors import AccessDenied, NotFound, ValidationFailed
from app.journal.plans import (
    PlanInput,
    PlanStepInput,
    add_step,
    close_plan,
    create_plan,
    list_plans,
    mark_step_done,
)
from app.models import AuditEntry, Plan, PlanItem

START = date(2026, 11, 23)


def plan_input(**changes) -> PlanInput:
    data = PlanInput(
        kind="handlingsplan",
        goal="Egen försörjning genom arbete.",
        start_on=START,
        follow_up_on=date(2027, 1, 15),
        steps=[
            PlanStepInput("Skriva in sig på Arbetsförmedlingen", "Sökande", date(2026, 11, 30)),
            PlanStepInput("Avstämning med Arbetsförmedlingen", "Handläggare", date(2026, 12, 15)),
            PlanStepInput("Påbörja SFI", "Sökande"),
        ],
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


@pytest.fixture
def case(make_case):
    return make_case()


def plan_audit(session) -> list[tuple[str, str]]:
    return sorted(
        (r.action, r.detail)
        for r in session.scalars(select(AuditEntry).where(AuditEntry.entity == "plan"))
    )


class TestCreate:
    def test_plan_with_steps(self, session, caseworker, case) -> None:
        plan = create_plan(session, caseworker, case.id, plan_input())
        stored = session.get(Plan, plan.id)
        assert (stored.case_id, stored.kind, stored.goal) == (
            case.id,
            "handlingsplan",
            "Egen försörjning genom arbete.",
        )
        assert (stored.start_on, stored.follow_up_on, stored.closed_on) == (
            START,
            date(2027, 1, 15),
            None,
        )
        assert [
            (i.description, i.owner, i.due_on, i.done_on, i.sort_order) for i in stored.items
        ] == [
            ("Skriva in sig på Arbetsförmedlingen", "Sökande", date(2026, 11, 30), None, 0),
            ("Avstämning med Arbetsförmedlingen", "Handläggare", date(2026, 12, 15), None, 1),
            ("Påbörja SFI", "Sökande", None, None, 2),
        ]
        assert stored.is_current(START) is True
        assert stored.is_current(date(2026, 11, 22)) is False

    def test_plan_without_steps_or_follow_up(self, session, caseworker, case) -> None:
        plan = create_plan(
            session,
            caseworker,
            case.id,
            plan_input(steps=[], follow_up_on=None, kind="forandringsplan"),
        )
        assert plan.items == []
        assert plan.follow_up_on is None

    def test_texts_are_trimmed(self, session, caseworker, case) -> None:
        data = plan_input(goal="  Mål  ", steps=[PlanStepInput("  Steg\nmed två rader ", " AF ")])
        plan = create_plan(session, caseworker, case.id, data)
        assert plan.goal == "Mål"
        assert [(i.description, i.owner) for i in plan.items] == [("Steg\nmed två rader", "AF")]

    def test_step_due_on_the_start_day_is_allowed(self, session, caseworker, case) -> None:
        data = plan_input(steps=[PlanStepInput("Ringa AF", "Sökande", START)])
        assert create_plan(session, caseworker, case.id, data).items[0].due_on == START

    def test_audited(self, session, caseworker, case) -> None:
        plan = create_plan(session, caseworker, case.id, plan_input())
        (row,) = session.scalars(select(AuditEntry).where(AuditEntry.entity == "plan"))
        assert (row.action, row.entity_id, row.case_id, row.user_id) == (
            "create",
            plan.id,
            case.id,
            caseworker.id,
        )


class TestValidation:
    def test_step_due_before_start(self, session, caseworker, case, count_rows) -> None:
        data = plan_input()
        data.steps[1].due_on = date(2026, 11, 22)
        with pytest.raises(ValidationFailed) as error:
            create_plan(session, caseworker, case.id, data)
        assert error.value.field_errors == {
            "step.1.due_on": "Ett steg kan inte ha datum före planens start."
        }
        assert count_rows(Plan) == 0
        assert count_rows(PlanItem) == 0

    def test_follow_up_before_start(self, session, caseworker, case) -> None:
        with pytest.raises(ValidationFailed) as error:
            create_plan(session, caseworker, case.id, plan_input(follow_up_on=date(2026, 11, 1)))
        assert error.value.field_errors == {
            "follow_up_on": "Uppföljningen kan inte ligga före planens start."
        }

    def test_unknown_kind_and_empty_goal(self, session, caseworker, case) -> None:
        with pytest.raises(ValidationFailed) as error:
            create_plan(session, caseworker, case.id, plan_input(kind="önskelista", goal="  "))
        assert error.value.field_errors == {
            "kind": "Välj typ av plan.",
            "goal": "Målet måste fyllas i.",
        }

    def test_goal_too_long(self, session, caseworker, case) -> None:
        with pytest.raises(ValidationFailed) as error:
            create_plan(session, caseworker, case.id, plan_input(goal="m" * 4001))
        assert error.value.field_errors == {
            "goal": "Målet är för lång: 4001 tecken, högst 4000 är tillåtet."
        }

    def test_step_needs_description_and_owner(self, session, caseworker, case) -> None:
        data = plan_input(
            steps=[
                PlanStepInput("", "Sökande"),
                PlanStepInput("Söka arbeten", ""),
                PlanStepInput("Söka\x00arbeten", "Sökande"),
                PlanStepInput("OK", "Ansvarig\nperson"),
            ]
        )
        with pytest.raises(ValidationFailed) as error:
            create_plan(session, caseworker, case.id, data)
        assert error.value.field_errors == {
            "step.0.description": "Steget måste fyllas i.",
            "step.1.owner": "Ansvarig måste fyllas i.",
            "step.2.description": "Steget innehåller otillåtna styrtecken.",
            "step.3.owner": "Ansvarig får bara vara en rad.",
        }

    def test_all_errors_at_once(self, session, caseworker, case) -> None:
        data = plan_input(kind="x", follow_up_on=date(2026, 1, 1))
        data.steps[0].due_on = date(2026, 1, 1)
        with pytest.raises(ValidationFailed) as error:
            create_plan(session, caseworker, case.id, data)
        assert set(error.value.field_errors) == {"kind", "follow_up_on", "step.0.due_on"}


class TestSteps:
    def test_add_step_goes_last(self, session, caseworker, case) -> None:
        plan = create_plan(session, caseworker, case.id, plan_input())
        item = add_step(
            session, caseworker, plan.id, PlanStepInput("Boka läkarbesök", "Sökande", START)
        )
        assert item.sort_order == 3
        assert [i.description for i in session.get(Plan, plan.id).items][-1] == "Boka läkarbesök"
        assert ("update", "nytt steg") in plan_audit(session)

    def test_add_step_due_before_start_refused(self, session, caseworker, case) -> None:
        plan = create_plan(session, caseworker, case.id, plan_input())
        with pytest.raises(ValidationFailed) as error:
            add_step(session, caseworker, plan.id, PlanStepInput("X", "Y", date(2026, 1, 1)))
        assert error.value.field_errors == {
            "step.0.due_on": "Ett steg kan inte ha datum före planens start."
        }
        assert len(session.get(Plan, plan.id).items) == 3

    def test_mark_done_today(self, session, caseworker, case) -> None:
        plan = create_plan(session, caseworker, case.id, plan_input())
        item = mark_step_done(session, caseworker, plan.items[0].id)
        assert item.done_on == date(2026, 11, 23)
        assert ("update", "steg klart") in plan_audit(session)

    def test_mark_done_on_given_day(self, session, caseworker, case) -> None:
        plan = create_plan(session, caseworker, case.id, plan_input())
        item = mark_step_done(session, caseworker, plan.items[1].id, date(2026, 11, 20))
        assert item.done_on == date(2026, 11, 20)
        assert plan.items[0].done_on is None

    def test_unknown_plan_and_step(self, session, caseworker, case) -> None:
        with pytest.raises(NotFound, match=re.escape("Plansteget finns inte.")):
            mark_step_done(session, caseworker, uuid.uuid4())
        with pytest.raises(NotFound, match=re.escape("Planen finns inte.")):
            close_plan(session, caseworker, uuid.uuid4())


class TestCloseAndList:
    def test_close(self, session, caseworker, case) -> None:
        plan = create_plan(session, caseworker, case.id, plan_input())
        closed = close_plan(session, caseworker, plan.id)
        assert closed.closed_on == date(2026, 11, 23)
        assert closed.is_current(date(2026, 11, 23)) is False
        assert closed.is_current(date(2026, 11, 22)) is False  # not started yet then
        assert ("update", "avslutad") in plan_audit(session)

    def test_list_current_first_with_steps(self, session, caseworker, case) -> None:
        old = create_plan(
            session,
            caseworker,
            case.id,
            plan_input(start_on=date(2026, 6, 1), follow_up_on=None, steps=[]),
        )
        close_plan(session, caseworker, old.id)
        current = create_plan(session, caseworker, case.id, plan_input(kind="genomforandeplan"))
        mark_step_done(session, caseworker, current.items[2].id)
        rows = list_plans(session, caseworker, case.id)
        assert [(r.id, r.kind_label, r.closed_on) for r in rows] == [
            (current.id, "Genomförandeplan", None),
            (old.id, "Handlingsplan", date(2026, 11, 23)),
        ]
        assert [(s.description, s.done_on) for s in rows[0].steps] == [
            ("Skriva in sig på Arbetsförmedlingen", None),
            ("Avstämning med Arbetsförmedlingen", None),
            ("Påbörja SFI", date(2026, 11, 23)),
        ]
        assert rows[0].version == 1
        assert rows[1].version == 2

    def test_list_is_audited_as_a_read(self, session, caseworker, case) -> None:
        list_plans(session, caseworker, case.id)
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "plans")).all()
        assert [(r.action, r.case_id) for r in rows] == [("open", case.id)]


class TestAccess:
    def test_other_unit_and_administrator_refused(
        self, session, caseworker, other_unit_caseworker, admin, case
    ) -> None:
        plan = create_plan(session, caseworker, case.id, plan_input())
        for actor in (other_unit_caseworker, admin):
            with pytest.raises(AccessDenied):
                create_plan(session, actor, case.id, plan_input())
            with pytest.raises(AccessDenied):
                add_step(session, actor, plan.id, PlanStepInput("X", "Y"))
            with pytest.raises(AccessDenied):
                mark_step_done(session, actor, plan.items[0].id)
            with pytest.raises(AccessDenied):
                close_plan(session, actor, plan.id)
            with pytest.raises(AccessDenied):
                list_plans(session, actor, case.id)
        assert session.get(Plan, plan.id).closed_on is None
        assert plan.items[0].done_on is None

    def test_colleague_and_manager_may_work_on_the_plan(
        self, session, caseworker, colleague, manager, case
    ) -> None:
        plan = create_plan(session, caseworker, case.id, plan_input())
        mark_step_done(session, colleague, plan.items[0].id)
        close_plan(session, manager, plan.id)
        assert session.get(Plan, plan.id).closed_on == date(2026, 11, 23)
