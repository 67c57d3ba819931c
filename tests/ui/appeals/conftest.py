"""Fixtures of the appeal register's GUI tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models import Appeal, Decision, DecisionDelivery, DecisionKind

TODAY = date(2026, 11, 23)


@pytest.fixture
def signed(main_window, caseworker):
    """A case view and a signed avslag-or-other försörjningsstöd decision of one of Sara's
    cases, decided early enough that an appeal can be one day late by today. Neither the
    decision nor its case is in the demo's appeal register yet (no delgivning, no appeal),
    so what the tests record is all the tabs show."""
    case_ids = [row.case_id for row in main_window.my_cases_model.rows]
    with caseworker.database.sessions() as session:
        decision = session.scalars(
            select(Decision)
            .where(
                Decision.case_id.in_(case_ids),
                Decision.signed_at.is_not(None),
                Decision.kind == DecisionKind.SUPPORT,
                Decision.decided_on <= TODAY - timedelta(days=30),
                Decision.id.not_in(select(DecisionDelivery.decision_id)),
                Decision.case_id.not_in(select(Appeal.case_id)),
            )
            .order_by(Decision.decided_on.desc())
            .limit(1)
        ).one()
        decision_id, decided_on, case_id = decision.id, decision.decided_on, decision.case_id
    view = main_window.open_case(case_id)
    assert view is not None
    return view, decision_id, decided_on
