"""Delgivning: how and when a signed decision reached the applicant, and from it the day she
fick del av beslutet and the last day to appeal (app.deadlines.appeal_deadlines, by the rules
of resources/after_decision.json).

Recorded after signing (the decision and its letter never change), corrected if need be
(each change audited with what it was), never deleted. Read and written with the case
(access.require_read / require_write).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.case_register import load_case
from app.common import clock
from app.common.errors import NotFound, StaleRecordError, ValidationFailed
from app.common.formatting import long_date
from app.common.legal_source import Source
from app.common.text_input import clean_text
from app.deadlines import after_decision_rules, appeal_deadlines
from app.models import Decision, DecisionDelivery, DeliveryMethod
from app.security import access, audit
from app.security.actor import Actor

NOTE_LIMIT = 2_000

NEEDS_SENT = {DeliveryMethod.SIMPLIFIED, DeliveryMethod.POST}
"""The methods whose day of sending must be given."""
NEEDS_DELIVERED = {DeliveryMethod.HANDED_OVER, DeliveryMethod.RECEIPT, DeliveryMethod.E_SERVICE}
"""The methods whose day of delgivning must be given (förenklad delgivning computes it,
ordinary post knows it only when documented otherwise)."""


@dataclass(frozen=True)
class DeliveryInput:
    method: DeliveryMethod | None
    sent_on: date | None = None
    delivered_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class DeliveryStatus:
    """A decision's delgivning as the screens show it."""

    decision_id: uuid.UUID
    delivery_id: uuid.UUID | None
    version: int | None
    method: DeliveryMethod | None
    sent_on: date | None
    given_on: date | None
    """The day recorded (the method's own day)."""
    note: str
    delivered_on: date | None
    """The day she fick del av beslutet, computed by the method's rule; None: unknown."""
    last_day: date | None
    rule_text: str
    rule_source: Source | None
    unknown_reason: str
    """Why the last day is not known (no delgivning recorded, post without a known day)."""


def outcome_of(data: DeliveryInput) -> tuple[date | None, date | None]:
    """The day of delgivning and the last day to appeal that `data` gives (the dialog shows
    them as they are typed)."""
    if data.method is None:
        return None, None
    day = appeal_deadlines.delivered_on(data.method, data.sent_on, data.delivered_on)
    return day, appeal_deadlines.appeal_last_day(day) if day is not None else None


def unknown_reason(method: DeliveryMethod | None) -> str:
    if method is None:
        return "Ingen delgivning är registrerad: dagen då sökanden fick del av beslutet är okänd."
    if method is DeliveryMethod.POST:
        return (
            "Beslutet skickades med vanlig post utan delgivning och dagen då sökanden fick "
            "del av det är inte dokumenterad. Ett överklagande kan då inte avvisas som för sent."
        )
    return "Dagen då sökanden fick del av beslutet saknas."


def _status(decision_id: uuid.UUID, row: DecisionDelivery | None) -> DeliveryStatus:
    if row is None:
        return DeliveryStatus(
            decision_id,
            None,
            None,
            None,
            None,
            None,
            "",
            None,
            None,
            "",
            None,
            unknown_reason(None),
        )
    rule = after_decision_rules.delivery_rules()[row.method]
    day, last = outcome_of(DeliveryInput(row.method, row.sent_on, row.delivered_on))
    return DeliveryStatus(
        decision_id,
        row.id,
        row.version,
        row.method,
        row.sent_on,
        row.delivered_on,
        row.note,
        day,
        last,
        rule.text,
        rule.source,
        "" if last is not None else unknown_reason(row.method),
    )


def _signed_decision(session: Session, decision_id: uuid.UUID) -> Decision:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("Beslutet finns inte.")
    if not decision.is_signed or decision.decided_on is None:
        raise ValidationFailed(
            {"decision": "Beslutet är inte signerat. Delgivning registreras för signerade beslut."}
        )
    return decision


def _validated(data: DeliveryInput, decision: Decision) -> DeliveryInput:
    assert decision.decided_on is not None
    errors: dict[str, str] = {}
    method = data.method
    if method is None:
        raise ValidationFailed({"method": "Välj hur beslutet delgavs."})
    note = clean_text(
        data.note, field="note", label="Anteckningen", max_length=NOTE_LIMIT, multiline=True
    )
    sent_on = data.sent_on
    given = data.delivered_on
    if method is DeliveryMethod.SIMPLIFIED:
        given = None  # two weeks after sending (delgivningslagen), never typed
    if method in NEEDS_SENT and sent_on is None:
        errors["sent_on"] = "Ange dagen då beslutet skickades."
    if method in NEEDS_DELIVERED and given is None:
        errors["delivered_on"] = "Ange dagen då sökanden fick del av beslutet."
    if method is DeliveryMethod.POST and given is not None and not note:
        errors["note"] = (
            "Skriv hur dagen då sökanden fick del av beslutet blev känd (till exempel att "
            "sökanden själv har uppgett den)."
        )
    today = clock.today()
    signed = long_date(decision.decided_on)
    for field, day, what in (
        ("sent_on", sent_on, "Dagen då beslutet skickades"),
        ("delivered_on", given, "Dagen då sökanden fick del av beslutet"),
    ):
        if day is None or field in errors:
            continue
        if day > today:
            errors[field] = f"{what} kan inte vara ett datum som inte har varit ännu."
        elif day < decision.decided_on:
            errors[field] = f"{what} kan inte vara före beslutsdagen ({signed})."
    if (
        sent_on is not None
        and given is not None
        and "delivered_on" not in errors
        and given < sent_on
    ):
        errors["delivered_on"] = (
            "Sökanden kan inte ha fått del av beslutet före dagen då det skickades."
        )
    if errors:
        raise ValidationFailed(errors)
    return DeliveryInput(method, sent_on, given, note)


def _describe(row: DecisionDelivery) -> str:
    parts = [row.method.label]
    if row.sent_on is not None:
        parts.append(f"skickat {row.sent_on.isoformat()}")
    if row.delivered_on is not None:
        parts.append(f"delgiven {row.delivered_on.isoformat()}")
    return ", ".join(parts)


def record_delivery(
    session: Session,
    actor: Actor,
    decision_id: uuid.UUID,
    data: DeliveryInput,
    *,
    expected_version: int | None = None,
) -> DeliveryStatus:
    """Record (or correct) how the signed decision was delivered. A correction keeps the
    row and logs what it was."""
    decision = _signed_decision(session, decision_id)
    case = load_case(session, decision.case_id)
    access.require_write(session, actor, case)
    clean = _validated(data, decision)
    assert clean.method is not None
    row = session.scalar(
        select(DecisionDelivery).where(DecisionDelivery.decision_id == decision.id)
    )
    if row is None:
        row = DecisionDelivery(
            case_id=decision.case_id,
            decision_id=decision.id,
            method=clean.method,
            sent_on=clean.sent_on,
            delivered_on=clean.delivered_on,
            note=clean.note,
            recorded_by=actor.id,
            updated_by=actor.id,
        )
        session.add(row)
        session.flush()
        action, detail = audit.Action.CREATE, _describe(row)
    else:
        if expected_version is not None and row.version != expected_version:
            raise StaleRecordError("Delgivningen har ändrats av någon annan. Läs in den igen.")
        before = _describe(row)
        row.method = clean.method
        row.sent_on = clean.sent_on
        row.delivered_on = clean.delivered_on
        row.note = clean.note
        row.recorded_by = actor.id
        row.updated_by = actor.id
        session.flush()
        action, detail = audit.Action.UPDATE, f"{before} → {_describe(row)}"
    audit.record(
        session,
        actor,
        action,
        "decision_delivery",
        entity_id=row.id,
        case_id=decision.case_id,
        detail=detail,
    )
    return _status(decision.id, row)


def delivery_of(session: Session, actor: Actor, decision_id: uuid.UUID) -> DeliveryStatus:
    """One decision's delgivning with the day it gives and the last day to appeal. Logged
    as a read."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("Beslutet finns inte.")
    access.require_read(session, actor, load_case(session, decision.case_id))
    row = session.scalar(
        select(DecisionDelivery).where(DecisionDelivery.decision_id == decision.id)
    )
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "decision_delivery",
        entity_id=row.id if row else None,
        case_id=decision.case_id,
    )
    return _status(decision.id, row)


def deliveries_of_case(
    session: Session, actor: Actor, case_id: uuid.UUID
) -> dict[uuid.UUID, DeliveryStatus]:
    """Decision id -> delgivning, for the case's signed decisions. Logged as a read."""
    access.require_read(session, actor, load_case(session, case_id))
    rows = {
        row.decision_id: row
        for row in session.scalars(
            select(DecisionDelivery).where(DecisionDelivery.case_id == case_id)
        )
    }
    signed = session.scalars(
        select(Decision.id).where(Decision.case_id == case_id, Decision.signed_at.is_not(None))
    ).all()
    audit.record(session, actor, audit.Action.OPEN, "decision_deliveries", case_id=case_id)
    return {decision_id: _status(decision_id, rows.get(decision_id)) for decision_id in signed}
