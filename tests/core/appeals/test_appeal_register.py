"""The appeal register: an appeal of a signed decision registered as it came in, the
rättidsprövning on the program's proposal, the omprövning with its new decision (both
engines)."""

from __future__ import annotations

from datetime import date

import pytest

from app.appeals import appeal_register, delivery
from app.appeals.appeal_register import AppealInput
from app.appeals.delivery import DeliveryInput
from app.common.errors import AccessDenied, ValidationFailed
from app.decisions import decisions
from app.models import Appeal, Appellant, DeliveryMethod, Reconsideration, Timeliness
from tests.core.appeals.conftest import SIGNED_ON
from tests.core.decisions.test_decisions import bifall

T = Timeliness


def deliver(session, actor, decision, day=SIGNED_ON) -> None:
    delivery.record_delivery(
        session, actor, decision.id, DeliveryInput(DeliveryMethod.HANDED_OVER, delivered_on=day)
    )


def register(session, actor, decision, received=date(2026, 12, 2), **changes) -> Appeal:
    data = AppealInput(
        decision.id,
        received,
        claims=changes.pop("claims", "Jag vill få bistånd för december."),
        **changes,
    )
    return appeal_register.register_appeal(session, actor, decision.case_id, data)


def test_an_appeal_one_day_late_is_proposed_late_with_why(session, caseworker, appealed) -> None:
    deliver(session, caseworker, appealed)
    appeal = register(session, caseworker, appealed)
    proposal = appeal_register.timeliness_proposal(session, caseworker, appeal.id)
    assert proposal.proposed is T.LATE
    assert proposal.explanation == (
        "Delgiven 10 november 2026, sista dag 1 december 2026, inkom 2 december 2026: "
        "en dag för sent."
    )
    appeal_register.record_timeliness(session, caseworker, appeal.id, T.LATE)
    [row] = appeal_register.list_appeals(session, caseworker, appealed.case_id)
    assert (row.timeliness, row.status) == (T.LATE, "Ska avvisas")
    assert row.decision_text.startswith("Beslut 10 november 2026 om försörjningsstöd")


def test_in_time_and_reached_the_court_in_time(session, caseworker, appealed) -> None:
    deliver(session, caseworker, appealed)
    in_time = register(session, caseworker, appealed, date(2026, 12, 1))
    proposal = appeal_register.timeliness_proposal(session, caseworker, in_time.id)
    assert proposal.proposed is T.IN_TIME and proposal.explanation.endswith(": i tid.")
    with pytest.raises(ValidationFailed, match="kom in i tid"):
        appeal_register.record_timeliness(session, caseworker, in_time.id, T.LATE)
    court = register(
        session, caseworker, appealed, date(2026, 12, 3), received_by_court_on=date(2026, 11, 30)
    )
    proposal = appeal_register.timeliness_proposal(session, caseworker, court.id)
    assert proposal.proposed is T.LATE_EXCUSED
    assert "kom in till domstolen 30 november 2026, inom tiden" in proposal.explanation
    with pytest.raises(ValidationFailed) as refused:
        appeal_register.record_timeliness(session, caseworker, court.id, T.LATE_EXCUSED)
    assert "Skriv skälet" in refused.value.field_errors["reason"]
    appeal_register.record_timeliness(
        session, caseworker, court.id, T.LATE_EXCUSED, "Kom in till förvaltningsrätten i tid."
    )


def test_a_late_appeal_without_a_known_day_cannot_be_recorded_late(
    session, caseworker, appealed
) -> None:
    delivery.record_delivery(
        session,
        caseworker,
        appealed.id,
        DeliveryInput(DeliveryMethod.POST, sent_on=date(2026, 11, 10)),
    )
    appeal = register(session, caseworker, appealed, date(2026, 12, 7))
    proposal = appeal_register.timeliness_proposal(session, caseworker, appeal.id)
    assert proposal.proposed is T.UNKNOWN
    assert "kan inte avvisas som för sent" in proposal.explanation
    with pytest.raises(ValidationFailed, match="dagen då sökanden fick del av beslutet är inte"):
        appeal_register.record_timeliness(session, caseworker, appeal.id, T.LATE, "Sent")
    appeal_register.record_timeliness(session, caseworker, appeal.id, T.UNKNOWN)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"claims": "   "}, "claims", "måste fyllas i"),
        ({"claims": "x" * 10_001}, "claims", "för lång"),
        ({"claims": "ok\x00"}, "claims", "otillåtna styrtecken"),
        ({"appellant": Appellant.REPRESENTATIVE}, "appellant_name", "Skriv ombudets namn."),
        ({"received": date(2026, 12, 8)}, "received_on", "inte har varit ännu"),
        ({"received": date(2026, 11, 9)}, "received_on", "före beslutsdagen"),
        ({"received": None}, "received_on", "Ange dagen"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    session, caseworker, appealed, count_rows, changes, field, message
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        register(session, caseworker, appealed, **changes)
    assert message in refused.value.field_errors[field]
    assert count_rows(Appeal) == 0


def test_odd_text_is_stored_as_typed(session, caseworker, appealed) -> None:
    claims = "Robert'); DROP TABLE appeals;-- Ångström ﬁ 🙂 \u202eabc"
    appeal = register(
        session,
        caseworker,
        appealed,
        claims=claims,
        appellant=Appellant.REPRESENTATIVE,
        appellant_name="Jurist Åsa Öberg",
    )
    session.expire_all()
    [row] = appeal_register.list_appeals(session, caseworker, appealed.case_id)
    assert row.claims == claims and row.appellant_name == "Jurist Åsa Öberg"
    assert row.id == appeal.id


def test_only_a_signed_decision_of_the_same_case_and_a_writer(
    session, caseworker, other_unit_caseworker, case, appealed
) -> None:
    draft = decisions.save_draft(session, caseworker, case.id, bifall())
    with pytest.raises(ValidationFailed, match="signerat beslut i det här ärendet"):
        register(session, caseworker, draft)
    with pytest.raises(AccessDenied):
        register(session, other_unit_caseworker, appealed)


def test_reconsideration_links_the_signed_replacing_decision(session, caseworker, appealed) -> None:
    deliver(session, caseworker, appealed)
    appeal = register(session, caseworker, appealed, date(2026, 11, 20))
    appeal_register.record_timeliness(session, caseworker, appeal.id, T.IN_TIME)
    new = decisions.save_draft(
        session, caseworker, appealed.case_id, bifall(), replaces_id=appealed.id
    )
    with pytest.raises(ValidationFailed, match="inte signerat"):
        appeal_register.record_reconsideration(
            session, caseworker, appeal.id, Reconsideration.CHANGED, replacing_decision_id=new.id
        )
    signed = decisions.sign_decision(session, caseworker, new.id, lambda _letter: b"%PDF")
    assert [c.id for c in appeal_register.replacing_candidates(session, caseworker, appeal.id)] == [
        signed.id
    ]
    with pytest.raises(ValidationFailed, match="inget nytt beslut"):
        appeal_register.record_reconsideration(
            session,
            caseworker,
            appeal.id,
            Reconsideration.NOT_CHANGED,
            replacing_decision_id=signed.id,
        )
    appeal_register.record_reconsideration(
        session,
        caseworker,
        appeal.id,
        Reconsideration.CHANGED,
        "Beslutet var uppenbart felaktigt.",
        replacing_decision_id=signed.id,
    )
    row = appeal_register.appeal_row(session, caseworker, appeal.id)
    assert row.reconsideration is Reconsideration.CHANGED
    assert row.replacing_decision_id == signed.id
    assert row.reconsidered_on == date(2026, 12, 7)


def test_no_omprovning_after_the_appeal_was_forwarded(session, caseworker, appealed) -> None:
    """39 § förvaltningslagen: an appealed decision is changed only until the appeal and
    the documents are with the court."""
    deliver(session, caseworker, appealed)
    appeal = register(session, caseworker, appealed, date(2026, 11, 20))
    appeal_register.record_timeliness(session, caseworker, appeal.id, T.IN_TIME)
    appeal.forwarded_on = date(2026, 11, 23)
    session.flush()
    with pytest.raises(ValidationFailed, match="39 § förvaltningslagen") as refused:
        appeal_register.record_reconsideration(
            session, caseworker, appeal.id, Reconsideration.NOT_CHANGED, "Står fast."
        )
    assert "outcome" in refused.value.field_errors
    assert appeal_register.appeal_row(session, caseworker, appeal.id).reconsideration is None


def test_a_decision_not_replacing_the_appealed_one_is_refused(
    session, caseworker, appealed, case, sign
) -> None:
    appeal = register(session, caseworker, appealed, date(2026, 11, 20))
    other = sign(case, bifall())
    with pytest.raises(ValidationFailed, match="måste ersätta det överklagade beslutet"):
        appeal_register.record_reconsideration(
            session, caseworker, appeal.id, Reconsideration.CHANGED, replacing_decision_id=other.id
        )


def test_a_withdrawn_appeal_is_neither_tried_nor_forwarded(session, caseworker, appealed) -> None:
    deliver(session, caseworker, appealed)
    appeal = register(session, caseworker, appealed, date(2026, 11, 20))
    with pytest.raises(ValidationFailed, match="före dagen då det kom in") as refused:
        appeal_register.record_withdrawal(session, caseworker, appeal.id, date(2026, 11, 19))
    assert list(refused.value.field_errors) == ["withdrawn_on"]
    with pytest.raises(ValidationFailed, match="inte har varit ännu"):
        appeal_register.record_withdrawal(session, caseworker, appeal.id, date(2026, 12, 8))
    appeal_register.record_withdrawal(session, caseworker, appeal.id, date(2026, 11, 25))
    from sqlalchemy import select

    from app.models import AuditEntry

    assert session.execute(
        select(AuditEntry.user_id, AuditEntry.detail).where(
            AuditEntry.entity == "appeal",
            AuditEntry.entity_id == appeal.id,
            AuditEntry.action == "update",
        )
    ).all() == [(caseworker.id, "Återkallat 2026-11-25")]
    row = appeal_register.appeal_row(session, caseworker, appeal.id)
    assert (row.withdrawn_on, row.status) == (date(2026, 11, 25), "Återkallat 2026-11-25")
    with pytest.raises(ValidationFailed, match="redan återkallat"):
        appeal_register.record_withdrawal(session, caseworker, appeal.id, date(2026, 11, 26))
    from app.appeals import court_proceedings

    assert "återkallat" in (court_proceedings.forwarding_problem(appeal) or "")


def test_an_appeal_with_the_court_is_withdrawn_there(session, caseworker, appealed) -> None:
    deliver(session, caseworker, appealed)
    appeal = register(session, caseworker, appealed, date(2026, 11, 20))
    appeal.forwarded_on = date(2026, 11, 23)
    session.flush()
    with pytest.raises(ValidationFailed, match="avskrivning"):
        appeal_register.record_withdrawal(session, caseworker, appeal.id, date(2026, 11, 25))
    assert appeal_register.appeal_row(session, caseworker, appeal.id).withdrawn_on is None
