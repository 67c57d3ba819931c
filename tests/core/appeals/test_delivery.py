"""Delgivning of a signed decision: the methods' dates, the day it gives and the last day to
appeal, corrections kept and audited, bad dates refused (both engines)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.appeals import delivery
from app.appeals.delivery import DeliveryInput
from app.common.errors import AccessDenied, StaleRecordError, ValidationFailed
from app.decisions import decisions
from app.models import AuditEntry, DecisionDelivery, DeliveryMethod
from tests.core.appeals.conftest import SIGNED_ON
from tests.core.decisions.test_decisions import bifall

M = DeliveryMethod


def test_handed_over_gives_the_day_and_three_weeks(session, caseworker, appealed) -> None:
    status = delivery.record_delivery(
        session, caseworker, appealed.id, DeliveryInput(M.HANDED_OVER, delivered_on=SIGNED_ON)
    )
    assert status.delivered_on == SIGNED_ON
    assert status.last_day == date(2026, 12, 1)
    assert status.rule_text.startswith("Beslutet lämnades personligen")
    assert status.rule_source is not None and "2010:1932" in status.rule_source.sfs
    read = delivery.delivery_of(session, caseworker, appealed.id)
    assert (read.method, read.last_day) == (M.HANDED_OVER, date(2026, 12, 1))


def test_simplified_delivery_counts_two_weeks_from_sending(session, caseworker, appealed) -> None:
    status = delivery.record_delivery(
        session,
        caseworker,
        appealed.id,
        DeliveryInput(M.SIMPLIFIED, sent_on=date(2026, 11, 11), delivered_on=date(2026, 11, 12)),
    )
    assert status.given_on is None  # the typed day is not used: the rule computes it
    assert status.delivered_on == date(2026, 11, 25)
    assert status.last_day == date(2026, 12, 16)


def test_post_without_a_documented_day_leaves_the_last_day_unknown(
    session, caseworker, appealed
) -> None:
    status = delivery.record_delivery(
        session, caseworker, appealed.id, DeliveryInput(M.POST, sent_on=date(2026, 11, 11))
    )
    assert status.delivered_on is None and status.last_day is None
    assert "vanlig post" in status.unknown_reason
    with pytest.raises(ValidationFailed) as refused:
        delivery.record_delivery(
            session,
            caseworker,
            appealed.id,
            DeliveryInput(M.POST, sent_on=date(2026, 11, 11), delivered_on=date(2026, 11, 13)),
        )
    assert "Skriv hur dagen" in refused.value.field_errors["note"]
    status = delivery.record_delivery(
        session,
        caseworker,
        appealed.id,
        DeliveryInput(
            M.POST,
            sent_on=date(2026, 11, 11),
            delivered_on=date(2026, 11, 13),
            note="Sökanden sa i telefon 16/11 att brevet kom fredagen den 13.",
        ),
    )
    assert status.last_day == date(2026, 12, 4)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (DeliveryInput(None), "method", "Välj hur beslutet delgavs."),
        (DeliveryInput(M.RECEIPT), "delivered_on", "Ange dagen då sökanden fick del"),
        (DeliveryInput(M.SIMPLIFIED), "sent_on", "Ange dagen då beslutet skickades."),
        (
            DeliveryInput(M.RECEIPT, delivered_on=date(2026, 12, 8)),
            "delivered_on",
            "kan inte vara ett datum som inte har varit ännu",
        ),
        (
            DeliveryInput(M.E_SERVICE, delivered_on=date(2026, 11, 9)),
            "delivered_on",
            "kan inte vara före beslutsdagen (10 november 2026)",
        ),
        (
            DeliveryInput(M.E_SERVICE, sent_on=date(2026, 11, 12), delivered_on=date(2026, 11, 11)),
            "delivered_on",
            "före dagen då det skickades",
        ),
        (
            DeliveryInput(M.HANDED_OVER, delivered_on=SIGNED_ON, note="a\x07b"),
            "note",
            "otillåtna styrtecken",
        ),
        (
            DeliveryInput(M.HANDED_OVER, delivered_on=SIGNED_ON, note="x" * 2001),
            "note",
            "för lång",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message(
    session, caseworker, appealed, count_rows, data, field, message
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        delivery.record_delivery(session, caseworker, appealed.id, data)
    assert message in refused.value.field_errors[field]
    assert count_rows(DecisionDelivery) == 0


def test_a_correction_keeps_the_row_and_logs_what_it_was(session, caseworker, appealed) -> None:
    first = delivery.record_delivery(
        session, caseworker, appealed.id, DeliveryInput(M.RECEIPT, delivered_on=date(2026, 11, 12))
    )
    second = delivery.record_delivery(
        session,
        caseworker,
        appealed.id,
        DeliveryInput(M.RECEIPT, delivered_on=date(2026, 11, 13), note="Fel dag på kvittot"),
        expected_version=first.version,
    )
    assert second.delivery_id == first.delivery_id
    assert second.last_day == date(2026, 12, 4)
    details = session.scalars(
        select(AuditEntry.detail).where(
            AuditEntry.entity == "decision_delivery", AuditEntry.action == "update"
        )
    ).all()
    assert details == [
        "Delgivning med kvitto, delgiven 2026-11-12 → Delgivning med kvitto, delgiven 2026-11-13"
    ]
    with pytest.raises(StaleRecordError):
        delivery.record_delivery(
            session,
            caseworker,
            appealed.id,
            DeliveryInput(M.RECEIPT, delivered_on=date(2026, 11, 14)),
            expected_version=first.version,
        )


def test_only_a_signed_decision_of_a_writable_case_gets_a_delivery(
    session, caseworker, other_unit_caseworker, case, appealed
) -> None:
    draft = decisions.save_draft(session, caseworker, case.id, bifall())
    with pytest.raises(ValidationFailed, match="inte signerat"):
        delivery.record_delivery(
            session, caseworker, draft.id, DeliveryInput(M.HANDED_OVER, delivered_on=SIGNED_ON)
        )
    with pytest.raises(AccessDenied):
        delivery.record_delivery(
            session,
            other_unit_caseworker,
            appealed.id,
            DeliveryInput(M.HANDED_OVER, delivered_on=SIGNED_ON),
        )
    with pytest.raises(AccessDenied):
        delivery.deliveries_of_case(session, other_unit_caseworker, case.id)


def test_the_case_lists_every_signed_decision_known_or_not(session, caseworker, case, appealed):
    delivery.record_delivery(
        session, caseworker, appealed.id, DeliveryInput(M.HANDED_OVER, delivered_on=SIGNED_ON)
    )
    listed = delivery.deliveries_of_case(session, caseworker, case.id)
    assert listed[appealed.id].last_day == date(2026, 12, 1)
    assert len(listed) == 1
