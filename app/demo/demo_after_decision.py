"""Fictional registers after the decision for the demo data (issue 23): delgivningar of recent
signed decisions, a handful of appeals of adverse ones (one late, one changed on omprövning
with its new signed decision, the rest forwarded to förvaltningsrätten with rulings, one of
them at kammarrätten too) and synpunkter of each kind for every unit.

The dates follow the rules as data (app.deadlines.appeal_deadlines: the day of delgivning,
the three weeks, the week to överlämnande). The people are the demo's own: an appeal is the
sökande's of the appealed case, a synpunkt is anonymous or from a demo case's sökande.

Not made here: the signed letters (an avvisning, an överlämnande, an answer to a synpunkt).
A signed letter needs its archived PDF, drawn by the letters' own service; the demo leaves
them out rather than store a letter without one, so no synpunkt is answered in the demo.

A separate random generator (seed-derived) keeps the rest of the demo data identical; the
rows are a few dozen, added after the households, so the demo takes no noticeably longer.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.deadlines import appeal_deadlines
from app.demo.demo_decisions import GRANTED_CONSIDERATION, _demo_references, _signed_hash
from app.models import (
    Case,
    Decision,
    DecisionItem,
    DecisionKind,
    Household,
    HouseholdMember,
    MemberRole,
    Outcome,
    Person,
)
from app.models.appeal import (
    Appeal,
    AppealRuling,
    CourtInstance,
    DecisionDelivery,
    DeliveryMethod,
    Party,
    Reconsideration,
    RulingOutcome,
    Timeliness,
)
from app.models.complaint import (
    Complaint,
    ComplaintMeasure,
    ComplaintNumberSeries,
    FeedbackKind,
    LexSarah,
    ReceivedVia,
)

COURT = "Förvaltningsrätten i Linköping"
COURT_OF_APPEAL = "Kammarrätten i Jönköping"
DELIVERIES = 30
"""Recent signed decisions given a delgivning (the appealed ones among them)."""
APPEALS = 6
FR_OUTCOMES = (
    RulingOutcome.REFUSED,
    RulingOutcome.REFUSED,
    RulingOutcome.PARTLY_GRANTED,
    RulingOutcome.REMITTED,
)
CLAIMS = "Jag vill att nämnden ändrar beslutet och beviljar det jag har ansökt om."


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass(frozen=True)
class UnitStaff:
    caseworker_id: uuid.UUID
    manager_id: uuid.UUID


def add_after_decision(
    session: Session,
    seed: int,
    today: date,
    staff: dict[uuid.UUID, UnitStaff],
) -> tuple[int, int]:
    """Add the demo's delgivningar, appeals with rulings and synpunkter; (appeals,
    synpunkter) added. `staff`: unit -> who records."""
    rng = random.Random(seed * 7919 + 3)
    adverse = (Outcome.REFUSED, Outcome.PARTLY)
    recent: list[tuple[Decision, uuid.UUID]] = [
        (decision, unit_id)
        for decision, unit_id in session.execute(
            select(Decision, Case.unit_id)
            .join(Case, Case.id == Decision.case_id)
            .where(Decision.signed_at.is_not(None))
            .where(Decision.decided_on >= today - timedelta(days=200))
            .where(Decision.decided_on <= today - timedelta(days=60))
            .where(Decision.replaces_id.is_(None))
            .where(Decision.id.not_in(select(DecisionDelivery.decision_id)))  # generated again
            .order_by(Decision.id)
            .limit(DELIVERIES * 4)
        )
    ]
    delivered: dict[uuid.UUID, date | None] = {}
    for decision, unit_id in recent[:DELIVERIES] + [
        r for r in recent[DELIVERIES:] if r[0].outcome in adverse
    ]:
        if unit_id not in staff:
            continue
        delivered[decision.id] = _deliver(session, rng, decision, staff[unit_id])
    candidates = [
        (d, unit_id)
        for d, unit_id in recent
        if d.outcome in adverse and d.id in delivered and delivered[d.id] is not None
    ]
    seen_cases: set[uuid.UUID] = set()
    chosen: list[tuple[Decision, uuid.UUID]] = []
    changed = next(
        (
            (d, u)
            for d, u in candidates
            if d.kind is DecisionKind.SUPPORT and d.outcome is Outcome.PARTLY
        ),
        None,
    )
    for d, unit_id in ([changed] if changed else []) + candidates:
        if d.case_id in seen_cases or len(chosen) == APPEALS:
            continue
        seen_cases.add(d.case_id)
        chosen.append((d, unit_id))
    # the oldest of the forwarded ones has had time to reach kammarrätten
    first = 2 if changed is not None else 1
    chosen[first:] = sorted(chosen[first:], key=lambda found: (found[0].decided_on, found[0].id))
    appeals = 0
    for position, (decision, unit_id) in enumerate(chosen):
        day = delivered[decision.id]
        assert day is not None
        who = staff[unit_id]
        if changed is not None and position == 0:
            _changed_on_reconsideration(session, rng, decision, day, who, today)
        elif position == first - 1:
            _late(session, rng, decision, day, who)
        else:
            _forwarded(
                session, rng, decision, day, who, today, to_court_of_appeal=position == first
            )
        appeals += 1
    complaints = _complaints(session, rng, today, staff)
    session.flush()
    return appeals, complaints


def _deliver(session: Session, rng: random.Random, decision: Decision, who: UnitStaff) -> date:
    """Most by the e-service or with a receipt, some handed over; never plain post, so that
    every demo delgivning can be shown."""
    assert decision.decided_on is not None
    method = rng.choice(
        [DeliveryMethod.E_SERVICE, DeliveryMethod.E_SERVICE, DeliveryMethod.RECEIPT]
        + [DeliveryMethod.HANDED_OVER, DeliveryMethod.SIMPLIFIED]
    )
    sent = decision.decided_on + timedelta(days=1)
    given = sent + timedelta(days=rng.randrange(0, 6))
    if method is DeliveryMethod.HANDED_OVER:
        sent, given = decision.decided_on, decision.decided_on
    day = appeal_deadlines.delivered_on(method, sent, given)
    assert day is not None
    session.add(
        DecisionDelivery(
            id=_uuid(rng),
            case_id=decision.case_id,
            decision_id=decision.id,
            method=method,
            sent_on=sent,
            delivered_on=day,
            recorded_by=who.caseworker_id,
            updated_by=who.caseworker_id,
        )
    )
    return day


def _appeal(
    rng: random.Random, decision: Decision, received: date, who: UnitStaff, **values
) -> Appeal:
    return Appeal(
        id=_uuid(rng),
        case_id=decision.case_id,
        decision_id=decision.id,
        received_on=received,
        claims=CLAIMS,
        registered_by=who.caseworker_id,
        updated_by=who.caseworker_id,
        **values,
    )


def _in_time(rng: random.Random, delivered: date) -> date:
    last = appeal_deadlines.appeal_last_day(delivered)
    return min(last, delivered + timedelta(days=rng.randrange(4, 19)))


def _late(
    session: Session, rng: random.Random, decision: Decision, delivered: date, who: UnitStaff
) -> None:
    received = appeal_deadlines.appeal_last_day(delivered) + timedelta(days=rng.randrange(3, 9))
    assert appeal_deadlines.timeliness(delivered, received) is Timeliness.LATE
    session.add(
        _appeal(
            rng,
            decision,
            received,
            who,
            timeliness=Timeliness.LATE,
            timeliness_reason="Överklagandet kom in efter tre veckor från delgivningen.",
        )
    )


def _forwarded(
    session: Session,
    rng: random.Random,
    decision: Decision,
    delivered: date,
    who: UnitStaff,
    today: date,
    *,
    to_court_of_appeal: bool,
) -> None:
    received = _in_time(rng, delivered)
    reconsidered = received + timedelta(days=rng.randrange(1, 4))
    forwarded = min(appeal_deadlines.forwarding_due(received), reconsidered + timedelta(days=1))
    number = f"{rng.randrange(1000, 9999)}-{forwarded:%y}"
    appeal = _appeal(
        rng,
        decision,
        received,
        who,
        timeliness=Timeliness.IN_TIME,
        reconsidered_on=reconsidered,
        reconsideration=Reconsideration.NOT_CHANGED,
        reconsideration_note="Det har inte kommit fram något nytt som ändrar bedömningen.",
        forwarded_on=forwarded,
        forwarded_documents=json.dumps(["Överklagandet", "Det överklagade beslutet"]),
        court=COURT,
        court_case_number=number,
    )
    session.add(appeal)
    ruled = forwarded + timedelta(days=rng.randrange(30, 40 if to_court_of_appeal else 70))
    if ruled > today:
        return  # still at the court
    outcome = RulingOutcome.REFUSED if to_court_of_appeal else rng.choice(FR_OUTCOMES)
    session.add(
        AppealRuling(
            id=_uuid(rng),
            case_id=decision.case_id,
            appeal_id=appeal.id,
            instance=CourtInstance.ADMINISTRATIVE_COURT,
            appealed_by=Party.APPLICANT,
            ruled_on=ruled,
            outcome=outcome,
            court_case_number=number,
            follow_up_due=ruled + timedelta(days=14)
            if outcome in (RulingOutcome.PARTLY_GRANTED, RulingOutcome.REMITTED)
            else None,
            recorded_by=who.caseworker_id,
            updated_by=who.caseworker_id,
        )
    )
    higher = ruled + timedelta(days=rng.randrange(30, 45))
    if to_court_of_appeal and higher <= today:
        session.add(
            AppealRuling(
                id=_uuid(rng),
                case_id=decision.case_id,
                appeal_id=appeal.id,
                instance=CourtInstance.COURT_OF_APPEAL,
                appealed_by=Party.APPLICANT,
                ruled_on=higher,
                outcome=RulingOutcome.LEAVE_REFUSED,
                court_case_number=f"{rng.randrange(1000, 9999)}-{higher:%y}",
                note=COURT_OF_APPEAL,
                recorded_by=who.caseworker_id,
                updated_by=who.caseworker_id,
            )
        )


def _changed_on_reconsideration(
    session: Session,
    rng: random.Random,
    decision: Decision,
    delivered: date,
    who: UnitStaff,
    today: date,
) -> None:
    """A partly granted försörjningsstöd whose boende the appellant shows to be reasonable:
    the omprövning grants it in full in a new signed decision that replaces the appealed one
    (the items and the amount as the demo's own decisions compute them)."""
    received = _in_time(rng, delivered)
    reconsidered = min(today, received + timedelta(days=rng.randrange(1, 4)))
    signed_at = datetime.combine(reconsidered, time(13), tzinfo=UTC)
    new_id = _uuid(rng)
    row = {c.key: getattr(decision, c.key) for c in Decision.__table__.columns}
    items = [
        {c.key: getattr(i, c.key) for c in DecisionItem.__table__.columns}
        for i in session.scalars(
            select(DecisionItem)
            .where(DecisionItem.decision_id == decision.id)
            .order_by(DecisionItem.sort_order)
        )
    ]
    for item in items:
        item.update(
            id=_uuid(rng),
            decision_id=new_id,
            granted=item["proposed"],
            motivation="",
            version=1,
            created_at=signed_at,
            updated_at=signed_at,
        )
    granted = max(
        Decimal(0),
        sum((i["granted"] for i in items), Decimal(0)) - row["income_counted"],
    )
    considerations = {k: GRANTED_CONSIDERATION for k in json.loads(row["child_consideration"])}
    row.update(
        id=new_id,
        outcome=Outcome.GRANTED,
        legal_references=json.dumps(_demo_references(decision.kind, Outcome.GRANTED, reconsidered)),
        granted_total=granted,
        motivation="",
        include_appeal=False,
        child_consideration=json.dumps(considerations, ensure_ascii=False),
        bka_not_needed_reason="",
        child_summary="",
        signed_at=signed_at,
        signed_recorded_at=signed_at,
        decided_on=reconsidered,
        letter_pdf=None,
        letter_sha256=None,
        replaces_id=decision.id,
        executed_on=reconsidered,
        version=1,
        created_at=signed_at,
        updated_at=signed_at,
    )
    row["content_hash"] = _signed_hash(row, items)
    session.add(Decision(**row))
    session.flush()
    session.add_all(DecisionItem(**item) for item in items)
    session.add(
        _appeal(
            rng,
            decision,
            received,
            who,
            timeliness=Timeliness.IN_TIME,
            reconsidered_on=reconsidered,
            reconsideration=Reconsideration.CHANGED,
            reconsideration_note="Hyreskontraktet visar att boendekostnaden är skälig.",
            replacing_decision_id=new_id,
        )
    )


COMPLAINT_PLAN = (
    # (kind, via, themes, days ago, named, lex Sarah, closed)
    (FeedbackKind.COMPLAINT, ReceivedVia.FORM, ["bemotande"], 200, True, False, True),
    (
        FeedbackKind.COMPLAINT,
        ReceivedVia.EMAIL,
        ["tillganglighet", "bemotande"],
        75,
        True,
        False,
        True,
    ),
    (FeedbackKind.COMPLAINT, ReceivedVia.PHONE, ["rattssakerhet"], 40, True, True, False),
    (FeedbackKind.PRAISE, ReceivedVia.LETTER, ["berom"], 120, False, False, True),
    (FeedbackKind.SUGGESTION, ReceivedVia.WEB, ["inflytande"], 30, False, False, False),
    (FeedbackKind.COMPLAINT, ReceivedVia.VISIT, ["kompetens"], 10, True, False, False),
)
DESCRIPTIONS = {
    FeedbackKind.COMPLAINT: "Jag är missnöjd med hur mitt ärende har hanterats.",
    FeedbackKind.PRAISE: "Jag vill tacka för ett gott bemötande vid mitt besök.",
    FeedbackKind.SUGGESTION: "Det vore bra att kunna boka tid på webben.",
}


def _complaints(
    session: Session, rng: random.Random, today: date, staff: dict[uuid.UUID, UnitStaff]
) -> int:
    """Each kind of synpunkt for every unit, with themes (one with two), lex Sarah once."""
    serial: dict[int, int] = {}
    for number in session.scalars(select(Complaint.number)):
        year, count = int(number[4:8]), int(number[9:])
        serial[year] = max(serial.get(year, 0), count)
    added = 0
    for unit_id, who in sorted(staff.items(), key=lambda item: str(item[0])):
        senders = session.execute(
            select(
                Case.id,
                Person.first_name,
                Person.last_name,
                Household.street_address,
                Household.postal_code,
                Household.city,
            )
            .join(Household, Household.id == Case.household_id)
            .join(HouseholdMember, HouseholdMember.household_id == Case.household_id)
            .join(Person, Person.id == HouseholdMember.person_id)
            .where(Case.unit_id == unit_id)
            .where(HouseholdMember.role == MemberRole.APPLICANT)
            .where(Person.protected_identity.is_(False))
            .order_by(Case.case_number)
            .limit(len(COMPLAINT_PLAN))
        ).all()
        if not senders:
            continue
        for position, (kind, via, themes, ago, named, lex_sarah, closed) in enumerate(
            COMPLAINT_PLAN
        ):
            received = today - timedelta(days=ago + rng.randrange(0, 5))
            serial[received.year] = serial.get(received.year, 0) + 1
            sender = senders[position % len(senders)]
            complaint = Complaint(
                id=_uuid(rng),
                number=f"SYN-{received.year}-{serial[received.year]:04d}",
                unit_id=unit_id,
                case_id=sender.id if named else None,
                kind=kind,
                received_on=received,
                received_via=via,
                themes=json.dumps(themes),
                sender_name=f"{sender.first_name} {sender.last_name}" if named else "",
                sender_address=(
                    f"{sender.street_address}\n{sender.postal_code} {sender.city}" if named else ""
                ),
                wants_answer=named and not closed,
                description=DESCRIPTIONS[kind],
                contact_on=received + timedelta(days=3) if named else None,
                contact_note=(
                    "Chefen ringde upp. Vi gick igenom synpunkten vid ett möte; "
                    "något skriftligt svar önskades inte."
                    if named and closed
                    else "Chefen ringde upp och bokade ett möte."
                    if named
                    else ""
                ),
                lex_sarah=LexSarah.RISK if lex_sarah else None,
                lex_sarah_marked_on=received if lex_sarah else None,
                lex_sarah_reported_on=received if lex_sarah else None,  # "genast"
                closed_on=received + timedelta(days=20) if closed else None,
                registered_by=who.caseworker_id,
                updated_by=who.caseworker_id,
            )
            session.add(complaint)
            if lex_sarah:
                session.add(
                    ComplaintMeasure(
                        id=_uuid(rng),
                        complaint_id=complaint.id,
                        description="Gå igenom rutinen för återkoppling med hela gruppen.",
                        due_on=received + timedelta(days=30),
                        responsible_user_id=who.manager_id,
                        updated_by=who.manager_id,
                    )
                )
            added += 1
    # the numbers taken, as complaint_register takes them: the next one registered follows
    for year, last in serial.items():
        series = session.get(ComplaintNumberSeries, year)
        if series is None:
            session.add(ComplaintNumberSeries(year=year, last_number=last))
        else:
            series.last_number = max(series.last_number, last)
    return added
