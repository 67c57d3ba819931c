"""Fixtures for the court proceedings (issue 23): a case with a signed decision and an
appeal of it, made with the decision services and the ORM (registering appeals is the
appeals register's, app.appeals.appeal_register)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from app.decisions import decisions
from app.decisions.decisions import DecisionDraft, ItemInput
from app.models import Appeal, Case, Decision, DecisionKind, Timeliness
from app.printing.decision_letter import render_decision_letter

D = Decimal


@pytest.fixture
def delegated(session, admin, caseworker) -> None:
    for kind in DecisionKind:
        decisions.set_delegation(session, admin, caseworker.id, kind, None)


@pytest.fixture
def signed_decision(session, caseworker, delegated) -> Callable[..., Decision]:
    """signed_decision(case, month=2026-10-01, granted="0"): a signed decision."""

    def sign(case: Case, month: date = date(2026, 10, 1), granted: str = "0") -> Decision:
        refused = D(granted) == 0
        draft = DecisionDraft(
            kind=DecisionKind.SUPPORT,
            period_start=month,
            period_end=date(month.year, month.month, 28),
            items=[
                ItemInput(
                    "riksnorm",
                    "Riksnorm",
                    D("5220") if refused else D(granted),
                    D(granted),
                    D(granted),
                )
            ],
            legal_references=["sol_12_1"],
            motivation="Du har inte stått till arbetsmarknadens förfogande." if refused else "",
        )
        decision = decisions.save_draft(session, caseworker, case.id, draft)
        return decisions.sign_decision(session, caseworker, decision.id, render_decision_letter)

    return sign


@pytest.fixture
def make_appeal(session, caseworker, make_case, signed_decision) -> Callable[..., Appeal]:
    """make_appeal(case=None, received_on=2026-11-16, timeliness=IN_TIME, **fields): an
    appeal of a signed decision, as the appeals register leaves it."""

    def make(
        case: Case | None = None,
        *,
        received_on: date = date(2026, 11, 16),
        timeliness: Timeliness | None = Timeliness.IN_TIME,
        **fields,
    ) -> Appeal:
        case = case or make_case()
        decision = signed_decision(case)
        appeal = Appeal(
            case_id=case.id,
            decision_id=decision.id,
            received_on=received_on,
            timeliness=timeliness,
            claims="Jag vill ha bistånd till hyran.",
            registered_by=caseworker.id,
            updated_by=caseworker.id,
            **fields,
        )
        session.add(appeal)
        session.flush()
        return appeal

    return make
