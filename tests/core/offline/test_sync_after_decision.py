"""What came after a case's decisions travels with it to a laptop and back (issue 23): the
delgivning, the appeals with their rulings and letters, and the complaints linked to the
case as far as the user may read them; changed offline as the services will change them,
they are on the server after the check-in.

Runs with the server on SQLite and on a real PostgreSQL (the PostgreSQL-only test as the
users' own login roles, under the server's rules of migration 0045)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from app.db.database import Database, open_database
from app.decisions import decisions
from app.models import (
    Appeal,
    AppealRuling,
    Case,
    Complaint,
    CourtInstance,
    DecisionDelivery,
    DecisionKind,
    DeliveryMethod,
    FeedbackKind,
    Letter,
    LetterKind,
    ReceivedVia,
    Reconsideration,
    RulingOutcome,
)
from tests.core.decisions.test_decisions import LetterRecorder, bifall
from tests.core.offline.sync_helpers import check_in, count, take_along
from tests.core.security.test_server_access_control import on_postgresql

TODAY = date(2026, 11, 23)


@dataclass
class Appealed:
    case_id: uuid.UUID
    decision_id: uuid.UUID
    delivery_id: uuid.UUID
    appeal_id: uuid.UUID
    letter_id: uuid.UUID
    complaint_id: uuid.UUID
    """Registered by the chef, linked to the case (Sara is responsible for it)."""
    answer_id: uuid.UUID


@pytest.fixture
def appealed(session, make_case, staff, caseworker, admin) -> Appealed:
    """Sara's case with a signed decision, its delgivning, an appeal of it with an
    avvisning draft, and a complaint linked to the case with the chef's answer draft."""
    staff.unit.board_name = "Individ- och familjenämnden"
    staff.unit.municipality = "Norrby kommun"
    decisions.set_delegation(session, admin, caseworker.id, DecisionKind.SUPPORT, None)
    case = make_case()
    draft = decisions.save_draft(session, caseworker, case.id, bifall())
    decision = decisions.sign_decision(session, caseworker, draft.id, LetterRecorder())
    sara, eva = caseworker.id, staff.manager.id
    delivery = DecisionDelivery(
        case_id=case.id,
        decision_id=decision.id,
        method=DeliveryMethod.POST,
        sent_on=TODAY,
        recorded_by=sara,
        updated_by=sara,
    )
    appeal = Appeal(
        case_id=case.id,
        decision_id=decision.id,
        received_on=TODAY,
        claims="Full norm.",
        registered_by=sara,
        updated_by=sara,
    )
    complaint = Complaint(
        number="S-2026-1",
        unit_id=staff.unit.id,
        case_id=case.id,
        kind=FeedbackKind.COMPLAINT,
        received_on=TODAY,
        received_via=ReceivedVia.FORM,
        description="Fick vänta länge.",
        registered_by=eva,
        updated_by=eva,
    )
    session.add_all([delivery, appeal, complaint])
    session.flush()
    letter = Letter(
        kind=LetterKind.APPEAL_DISMISSAL,
        unit_id=staff.unit.id,
        case_id=case.id,
        appeal_id=appeal.id,
        body="Överklagandet har kommit in för sent.",
        author_id=sara,
        updated_by=sara,
    )
    answer = Letter(
        kind=LetterKind.COMPLAINT_ANSWER,
        unit_id=staff.unit.id,
        case_id=case.id,
        complaint_id=complaint.id,
        body="Tack för din synpunkt.",
        author_id=eva,
        updated_by=eva,
    )
    session.add_all([letter, answer])
    session.commit()
    return Appealed(
        case.id, decision.id, delivery.id, appeal.id, letter.id, complaint.id, answer.id
    )


@pytest.fixture
def saras_server(db, request) -> Iterator[Database]:
    """The server as Sara's sync reaches it: on PostgreSQL her own login role, under the
    server's rules (migration 0045); a local SQLite database as it is."""
    if db.url.startswith("sqlite"):
        yield db
        return
    own = open_database(request.getfixturevalue("login_roles")["sara.nilsson"], upgrade=False)
    try:
        yield own
    finally:
        own.dispose()


def test_an_appeal_changed_offline_comes_back_on_check_in(
    db, appealed, caseworker, laptops, saras_server
) -> None:
    laptop = laptops("sara", caseworker)
    take_along(saras_server, laptop, caseworker, [appealed.case_id])
    assert count(laptop, DecisionDelivery) == 1
    assert count(laptop, Appeal) == 1
    assert count(laptop, Letter) == 2
    assert count(laptop, Complaint) == 1

    # at the hembesök: the delgivning is confirmed, the omprövning recorded, and the
    # förvaltningsrätten's ruling that came by post is registered
    with laptop.sessions.begin() as local:
        local.get(DecisionDelivery, appealed.delivery_id).delivered_on = TODAY
        appeal = local.get(Appeal, appealed.appeal_id)
        appeal.reconsidered_on = TODAY
        appeal.reconsideration = Reconsideration.NOT_CHANGED
        appeal.updated_by = caseworker.id
        local.add(
            AppealRuling(
                case_id=appealed.case_id,
                appeal_id=appealed.appeal_id,
                instance=CourtInstance.ADMINISTRATIVE_COURT,
                ruled_on=TODAY,
                outcome=RulingOutcome.REFUSED,
                court_case_number="1234-26",
                recorded_by=caseworker.id,
                updated_by=caseworker.id,
            )
        )
        local.get(Letter, appealed.letter_id).body = "Överklagandet kom in en dag för sent."

    check_in(saras_server, laptop, caseworker, appealed.case_id)

    with db.sessions() as server:
        assert server.get(DecisionDelivery, appealed.delivery_id).delivered_on == TODAY
        appeal = server.get(Appeal, appealed.appeal_id)
        assert (appeal.reconsidered_on, appeal.reconsideration) == (
            TODAY,
            Reconsideration.NOT_CHANGED,
        )
        assert server.get(Letter, appealed.letter_id).body.endswith("en dag för sent.")
    assert count(db, AppealRuling, AppealRuling.court_case_number == "1234-26") == 1
    # the case is back at the office: nothing of it is left on the laptop
    for model in (Case, DecisionDelivery, Appeal, AppealRuling, Letter, Complaint):
        assert count(laptop, model) == 0, model


@on_postgresql
def test_a_complaint_travels_only_to_whom_may_read_it(
    db, appealed, colleague, caseworker, login_roles, laptops
) -> None:
    """Omar takes Sara's case along: the appeal goes with it, the complaint linked to it
    (registered by the chef, not about him) and its answer do not; Sara's laptop gets them."""
    for user, actor, travels in (
        ("omar.haddad", colleague, 0),
        ("sara.nilsson", caseworker, 1),
    ):
        laptop = laptops(user, actor)
        own = open_database(login_roles[user], upgrade=False)
        try:
            take_along(own, laptop, actor, [appealed.case_id])
            assert count(laptop, Appeal) == 1
            assert count(laptop, Complaint) == travels
            assert count(laptop, Letter, Letter.id == appealed.answer_id) == travels
            check_in(own, laptop, actor, appealed.case_id)
        finally:
            own.dispose()
