"""A new decision answers the application waiting for it (issue 19, defect 12): it takes the
period and kind of the case's oldest undecided application, and signing it decides that
application, so it does not stay "Ej beslutad" with its bevakningar."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.cases.case_overview import open_case
from app.common.periods import month_end
from app.deadlines.deadlines import DeadlineKind, deadlines_for_cases
from app.decisions import decisions
from app.decisions.decisions import DecisionDraft, ItemInput
from app.models import Application, AuditEntry, DecisionKind
from app.printing.decision_letter import render_decision_letter

D = Decimal
NOV, DEC, JAN = date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)


@pytest.fixture
def delegated(session, admin, caseworker) -> None:
    for kind in DecisionKind:
        decisions.set_delegation(session, admin, caseworker.id, kind, None)


def add_application(session, case, start: date, received: datetime, kind=DecisionKind.SUPPORT):
    row = Application(
        case_id=case.id,
        received_at=received,
        channel="e_ansokan",
        period_start=start,
        period_end=month_end(start),
        kind=kind,
        updated_by=case.responsible_user_id,
    )
    session.add(row)
    session.flush()
    return row


def draft(kind: DecisionKind, start: date) -> DecisionDraft:
    return DecisionDraft(
        kind=kind,
        period_start=start,
        period_end=month_end(start),
        items=[ItemInput("riksnorm", "Riksnorm", D("5220"), D("5220"), D("5220"))],
        legal_references=["sol_12_1"],
    )


def sign(session, caseworker, case, the_draft: DecisionDraft):
    decision = decisions.save_draft(session, caseworker, case.id, the_draft)
    return decisions.sign_decision(session, caseworker, decision.id, render_decision_letter)


def test_the_new_decision_takes_the_pending_applications_period_and_kind(
    session, caseworker, make_case
) -> None:
    case = make_case(period_start=NOV, kind=DecisionKind.OTHER_LIVING)
    defaults = decisions.new_decision_defaults(session, caseworker, case.id)
    assert (defaults.kind, defaults.period_start, defaults.period_end) == (
        DecisionKind.OTHER_LIVING,
        NOV,
        date(2026, 11, 30),
    )
    assert defaults.note == (
        "Ansökan som kom in 2026-11-23 om livsföring i övrigt för november 2026."
    )
    opened = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity == "case", AuditEntry.detail.like("ansökan och period%")
        )
    ).all()
    assert [(a.case_id, a.user_id) for a in opened] == [(case.id, caseworker.id)]


def test_the_oldest_undecided_application_comes_first(session, caseworker, make_case) -> None:
    case = make_case(period_start=JAN, received_at=datetime(2026, 11, 22, 10, tzinfo=UTC))
    add_application(session, case, DEC, datetime(2026, 11, 2, 9, tzinfo=UTC))
    decided = add_application(session, case, NOV, datetime(2026, 10, 20, 9, tzinfo=UTC))
    decided.decided_on = date(2026, 10, 28)
    session.flush()
    defaults = decisions.new_decision_defaults(session, caseworker, case.id)
    assert (defaults.kind, defaults.period_start) == (DecisionKind.SUPPORT, DEC)


def test_without_a_pending_application_next_month(session, caseworker, make_case) -> None:
    case = make_case(period_start=NOV)
    for application in session.scalars(select(Application)):
        application.decided_on = date(2026, 11, 10)
    session.flush()
    defaults = decisions.new_decision_defaults(session, caseworker, case.id)
    assert (defaults.kind, defaults.period_start, defaults.period_end) == (
        DecisionKind.SUPPORT,
        DEC,
        date(2026, 12, 31),
    )
    assert defaults.note == ""


def test_a_replacing_decision_takes_the_replaced_ones_period_and_kind(
    session, caseworker, make_case, delegated
) -> None:
    case = make_case(period_start=NOV)
    old = sign(session, caseworker, case, draft(DecisionKind.OTHER_LIVING, NOV))
    defaults = decisions.new_decision_defaults(session, caseworker, case.id, replaces_id=old.id)
    assert (defaults.kind, defaults.period_start) == (DecisionKind.OTHER_LIVING, NOV)
    assert defaults.note == "Beslutet ersätter beslutet den 2026-11-23."


def test_signing_decides_the_application_and_ends_its_bevakningar(
    session, caseworker, make_case, delegated
) -> None:
    case = make_case(period_start=NOV)
    before = {d.kind for d in deadlines_for_cases(session, [case.id])[case.id]}
    assert {DeadlineKind.FIRST_RESPONSE, DeadlineKind.DECISION} <= before
    defaults = decisions.new_decision_defaults(session, caseworker, case.id)
    sign(session, caseworker, case, draft(defaults.kind, defaults.period_start))
    overview = open_case(session, caseworker, case.id)
    assert [a.decided_on for a in overview.applications] == [date(2026, 11, 23)]
    after = {d.kind for d in deadlines_for_cases(session, [case.id]).get(case.id, [])}
    assert not after & {DeadlineKind.FIRST_RESPONSE, DeadlineKind.DECISION}


def test_a_decision_of_another_kind_does_not_decide_the_application(
    session, caseworker, make_case, delegated
) -> None:
    """A decision on tandvård (livsföring i övrigt) for November leaves the application for
    försörjningsstöd in November waiting for its own decision."""
    case = make_case(period_start=NOV)
    sign(session, caseworker, case, draft(DecisionKind.OTHER_LIVING, NOV))
    [application] = session.scalars(select(Application).where(Application.case_id == case.id))
    assert application.decided_on is None
    sign(session, caseworker, case, draft(DecisionKind.SUPPORT, NOV))
    assert application.decided_on == date(2026, 11, 23)
