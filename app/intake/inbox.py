"""The unit's inbox of e-ansökningar (issue 24): what waits, matched to the applicant's case.

`inbox` lists the actor's unit's deliveries that wait (received, or quarantined and not yet
marked handled), newest first, each with what the document says (applicant, period, costs,
attachments), the applicant's open case (of the unit, of another unit, or none: a new case
is proposed) and the deadline of the första återkoppling counted from the arrival
(`deadlines.add_weekday_hours`, the bevakning's own rule). Read in a fixed number of
statements whatever the inbox holds, audited as one read.

`take_into_case` makes a received delivery the matched case's Application (received at the
arrival, channel e-ansökan), so the case's bevakningar start from the arrival; the delivery
is marked taken and linked to it, once (on PostgreSQL the server's guard, migration 0050),
and a signed journal entry records it. `create_case_from_delivery` registers a new case
from the wizard's data with the delivery as its first application. A quarantined delivery
cannot be taken in; `mark_handled` records why it needs nothing more.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.cases import case_register
from app.cases.case_register import NewCase, PersonInput
from app.common import clock
from app.common.codes import JournalType
from app.common.errors import AccessDenied, NotFound, ServiceError, ValidationFailed
from app.common.formatting import local_datetime, money, period_text
from app.common.identity_number import format_identity_number
from app.common.text_input import clean_text
from app.db.batches import among
from app.deadlines.application_facts import RESPONSE_HOURS
from app.deadlines.deadlines import add_weekday_hours
from app.intake import application_format
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import (
    Application,
    Case,
    CaseStatus,
    DeliveryStatus,
    HouseholdMember,
    IntakeDelivery,
    MemberRole,
    Person,
    Unit,
)
from app.models.case import DecisionKind
from app.norms.cost_types import COST_TYPES, INCOME_TYPES
from app.security import access, audit
from app.security.actor import Actor

E_APPLICATION_CHANNEL = "e_ansokan"
"""The code of the 'ansokningssatt' list for an application from the e-service."""

NEW_CASE = "Nytt ärende föreslås"

_ROLES = {
    "sokande": MemberRole.APPLICANT,
    "medsokande": MemberRole.CO_APPLICANT,
    "barn": MemberRole.CHILD,
    "annan_vuxen": MemberRole.OTHER,
}
ATTACHMENT_TYPES = {
    "hyresavi": "Hyresavi",
    "lonespecifikation": "Lönespecifikation",
    "kontoutdrag": "Kontoutdrag",
    "elrakning": "Elräkning",
    "lakarintyg": "Läkarintyg",
    "kvitto": "Kvitto",
    "beslut_annan_myndighet": "Beslut från annan myndighet",
    "ovrigt": "Övrigt",
}


class InboxFilter:
    RECEIVED = "mottagna"
    QUARANTINED = "karantan"
    ALL = "alla"


@dataclass(frozen=True)
class InboxRow:
    delivery_id: uuid.UUID
    received_at: datetime
    status: DeliveryStatus
    reason: str
    applicant_name: str
    personal_number: str
    """ÅÅÅÅMMDD-NNNN, or "" when the document names none."""
    period_start: date | None
    period_end: date | None
    costs: Decimal | None
    """The costs applied for, summed; None when the document cannot be read."""
    attachment_count: int
    response_due_at: datetime
    """Första återkoppling at the latest: 24 hours on vardagar from the arrival."""
    case_id: uuid.UUID | None = None
    case_number: str = ""
    other_unit: str = ""
    """The unit with the applicant's open case, when it is another unit's."""

    @property
    def period(self) -> str:
        if self.period_start is None or self.period_end is None:
            return ""
        return period_text(self.period_start, self.period_end)

    @property
    def match(self) -> str:
        if self.case_number:
            return self.case_number
        if self.other_unit:
            return f"Öppet ärende på {self.other_unit}"
        if self.status is DeliveryStatus.QUARANTINED:
            return ""
        return NEW_CASE

    @property
    def response_text(self) -> str:
        return f"Återkoppling senast {local_datetime(self.response_due_at)}"

    def is_overdue(self, now: datetime) -> bool:
        return now > self.response_due_at


@dataclass(frozen=True)
class Inbox:
    rows: list[InboxRow]
    received: int
    quarantined: int

    @property
    def waiting(self) -> int:
        return self.received + self.quarantined


@dataclass(frozen=True)
class Line:
    label: str
    amount: str
    note: str = ""


@dataclass(frozen=True)
class Attachment:
    ref: str
    kind: str
    filename: str
    media_type: str
    size: int


@dataclass(frozen=True)
class DeliveryDetails:
    """An application's content, readable: what the details pane and the replica show."""

    row: InboxRow | None
    """None when the delivery has left the inbox (taken into a case)."""
    delivery_id: uuid.UUID
    received_at: datetime
    status: DeliveryStatus
    reason: str
    filename: str
    application_id: str
    e_service: str
    period: str
    household: list[tuple[str, str, str]] = field(default_factory=list)
    """(name, personnummer, role) per person."""
    incomes: list[Line] = field(default_factory=list)
    costs: list[Line] = field(default_factory=list)
    changes: str = ""
    signature: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    taken_case_number: str = ""


def _staff(actor: Actor) -> uuid.UUID:
    if actor.unit_id is None or actor.role.value not in ("handlaggare", "chef"):
        raise AccessDenied("Bara handläggare och chefer på en enhet har en inkorg.")
    return actor.unit_id


def _waiting(status_filter: str) -> Any:
    received = IntakeDelivery.status == DeliveryStatus.RECEIVED
    quarantined = (IntakeDelivery.status == DeliveryStatus.QUARANTINED) & (
        IntakeDelivery.handled_at.is_(None)
    )
    if status_filter == InboxFilter.RECEIVED:
        return received
    if status_filter == InboxFilter.QUARANTINED:
        return quarantined
    return received | quarantined


def waiting_count(session: Session, actor: Actor) -> int:
    """How many e-ansökningar wait in the unit's inbox (for where a handläggare starts)."""
    if actor.unit_id is None or actor.role.value not in ("handlaggare", "chef"):
        return 0
    return int(
        session.scalar(
            select(func.count())
            .select_from(IntakeDelivery)
            .where(IntakeDelivery.unit_id == actor.unit_id, _waiting(InboxFilter.ALL))
        )
        or 0
    )


def inbox(session: Session, actor: Actor, status_filter: str = InboxFilter.ALL) -> Inbox:
    """The unit's waiting deliveries, newest first, matched to open cases (see module)."""
    unit_id = _staff(actor)
    deliveries = session.execute(
        select(
            IntakeDelivery.id,
            IntakeDelivery.received_at,
            IntakeDelivery.status,
            IntakeDelivery.reason,
            IntakeDelivery.applicant_digits,
            *SUMMARY_COLUMNS,
        )
        .where(IntakeDelivery.unit_id == unit_id, _waiting(status_filter))
        .order_by(IntakeDelivery.received_at.desc(), IntakeDelivery.id)
    ).all()
    # a delivery taken in before its summary was kept (migration 0050), or one whose file
    # is not a document: read from its file, in one statement
    unread = [d.id for d in deliveries if d.attachment_count is None]
    summaries = {
        delivery_id: application_format.summary(application_format.parse(raw)[0], digits)
        for delivery_id, raw, digits in (
            session.execute(
                select(
                    IntakeDelivery.id, IntakeDelivery.raw, IntakeDelivery.applicant_digits
                ).where(among(session, IntakeDelivery.id, unread))
            ).all()
            if unread
            else []
        )
    }
    digits = sorted({d.applicant_digits for d in deliveries if d.applicant_digits})
    own, other = _open_cases(session, actor, digits)
    rows = [
        _row(
            delivery.id,
            delivery.received_at,
            delivery.status,
            delivery.reason,
            summaries.get(delivery.id) or delivery._mapping,
            delivery.applicant_digits,
            own.get(delivery.applicant_digits or ""),
            other.get(delivery.applicant_digits or "", ""),
        )
        for delivery in deliveries
    ]
    counts = dict(
        session.execute(
            select(IntakeDelivery.status, func.count())
            .where(IntakeDelivery.unit_id == unit_id, _waiting(InboxFilter.ALL))
            .group_by(IntakeDelivery.status)
        ).all()
    )
    audit.record(
        session,
        actor,
        audit.Action.SEARCH,
        "intake_delivery",
        detail=f"inkorgen ({status_filter}): {len(rows)} ansökningar",
    )
    return Inbox(
        rows,
        counts.get(DeliveryStatus.RECEIVED, 0),
        counts.get(DeliveryStatus.QUARANTINED, 0),
    )


def _open_cases(
    session: Session, actor: Actor, digits: Sequence[str]
) -> tuple[dict[str, tuple[uuid.UUID, str]], dict[str, str]]:
    """For each personnummer: the open case of the actor's unit where the person is sökande
    or medsökande, and the name of another unit that has one (on PostgreSQL asked of
    `arendestod_open_case_units`, as the other unit's cases are not readable)."""
    if not digits:
        return {}, {}
    own: dict[str, tuple[uuid.UUID, str]] = {}
    others: list[tuple[str, uuid.UUID]] = []
    if session.get_bind().dialect.name == "postgresql":
        found_units = session.execute(
            text("SELECT personal_number, unit_id FROM arendestod_open_case_units(:digits)"),
            {"digits": list(digits)},
        ).all()
        others = [(r.personal_number, r.unit_id) for r in found_units if r.unit_id != actor.unit_id]
    rows = session.execute(
        select(Person.personal_number, Case.id, Case.case_number, Case.unit_id)
        .join(HouseholdMember, HouseholdMember.person_id == Person.id)
        .join(Case, Case.household_id == HouseholdMember.household_id)
        .where(among(session, Person.personal_number, list(digits)))
        .where(HouseholdMember.role.in_([MemberRole.APPLICANT, MemberRole.CO_APPLICANT]))
        .where(HouseholdMember.member_until.is_(None))
        .where(Case.status != CaseStatus.CLOSED)
        .order_by(Case.opened_on.desc())
    ).all()
    for row in rows:
        if row.unit_id == actor.unit_id:
            own.setdefault(row.personal_number, (row.id, row.case_number))
        else:
            others.append((row.personal_number, row.unit_id))
    names = {}
    if others:
        unit_ids = sorted({unit for _digits, unit in others}, key=str)
        names = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all())
    other = {
        number: names.get(unit, "en annan enhet") for number, unit in others if number not in own
    }
    return own, other


SUMMARY_COLUMNS = (
    IntakeDelivery.applicant_name,
    IntakeDelivery.period_start,
    IntakeDelivery.period_end,
    IntakeDelivery.costs,
    IntakeDelivery.attachment_count,
)
"""What the list shows of the document, kept on the row (`application_format.summary`)."""


def _row(
    delivery_id: uuid.UUID,
    received_at: datetime,
    status: DeliveryStatus,
    reason: str,
    summary: Mapping[Any, Any],
    applicant_digits: str | None,
    found: tuple[uuid.UUID, str] | None,
    other_unit: str,
) -> InboxRow:
    return InboxRow(
        delivery_id=delivery_id,
        received_at=received_at,
        status=status,
        reason=reason,
        applicant_name=summary["applicant_name"] or "",
        personal_number=format_identity_number(applicant_digits) if applicant_digits else "",
        period_start=summary["period_start"],
        period_end=summary["period_end"],
        costs=summary["costs"],
        attachment_count=summary["attachment_count"] or 0,
        response_due_at=add_weekday_hours(received_at, RESPONSE_HOURS),
        case_id=found[0] if found else None,
        case_number=found[1] if found else "",
        other_unit=other_unit,
    )


def _load(session: Session, actor: Actor, delivery_id: uuid.UUID) -> IntakeDelivery:
    delivery = session.get(IntakeDelivery, delivery_id)
    if delivery is None or delivery.unit_id != actor.unit_id:
        raise NotFound("Ansökan finns inte i enhetens inkorg.")
    return delivery


def readable_delivery(session: Session, actor: Actor, delivery_id: uuid.UUID) -> IntakeDelivery:
    """A delivery of the unit's inbox, or one taken into a case the actor may read (on a
    laptop's replica: one that travelled with its case)."""
    delivery = session.get(IntakeDelivery, delivery_id)
    if delivery is not None and delivery.taken_application_id is not None:
        application = session.get(Application, delivery.taken_application_id)
        if application is not None and access.can_read_case(session, actor, application.case):
            return delivery
    if delivery is None or actor.unit_id is None or delivery.unit_id != actor.unit_id:
        raise NotFound("Ansökan finns inte i enhetens inkorg.")
    _staff(actor)
    return delivery


def details(session: Session, actor: Actor, delivery_id: uuid.UUID) -> DeliveryDetails:
    """The application's content for reading (audited as opened)."""
    delivery = readable_delivery(session, actor, delivery_id)
    document, _problems = application_format.parse(delivery.raw)
    taken_case = ""
    case_id = None
    if delivery.taken_application_id is not None:
        application = session.get(Application, delivery.taken_application_id)
        if application is not None:
            taken_case, case_id = application.case.case_number, application.case_id
    row = None
    if delivery.handled_at is None and delivery.status is not DeliveryStatus.TAKEN:
        own, other = _open_cases(
            session, actor, [delivery.applicant_digits] if delivery.applicant_digits else []
        )
        row = _row(
            delivery.id,
            delivery.received_at,
            delivery.status,
            delivery.reason,
            application_format.summary(document, delivery.applicant_digits),
            delivery.applicant_digits,
            own.get(delivery.applicant_digits or ""),
            other.get(delivery.applicant_digits or "", ""),
        )
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "intake_delivery",
        entity_id=delivery.id,
        case_id=case_id,
    )
    names = {
        p.get("personnummer"): f"{p.get('fornamn', '')} {p.get('efternamn', '')}".strip()
        for p in application_format.persons(document)
    }
    service = document.get("e_tjanst") if isinstance(document, dict) else None
    start, end = application_format.period(document)
    changes = document.get("forandringar") if isinstance(document, dict) else None
    signing = document.get("signering") if isinstance(document, dict) else None
    return DeliveryDetails(
        row=row,
        delivery_id=delivery.id,
        received_at=delivery.received_at,
        status=delivery.status,
        reason=delivery.reason,
        filename=delivery.filename,
        application_id=delivery.application_id or "",
        e_service=str(service.get("namn", "")) if isinstance(service, dict) else "",
        period=period_text(start, end) if start and end else "",
        household=[
            (
                names.get(p.get("personnummer"), ""),
                format_identity_number(str(p.get("personnummer", ""))),
                _ROLES[p["roll"]].label if p.get("roll") in _ROLES else str(p.get("roll", "")),
            )
            for p in application_format.persons(document)
        ],
        incomes=[
            Line(
                INCOME_TYPES.get(str(i.get("slag")), str(i.get("slag", ""))),
                _money_text(i.get("belopp")),
                " – ".join(
                    t for t in (names.get(i.get("personnummer"), ""), i.get("beskrivning")) if t
                ),
            )
            for i in application_format.items(document, "inkomster")
        ],
        costs=[
            Line(
                COST_TYPES.get(str(c.get("slag")), str(c.get("slag", ""))),
                _money_text(c.get("belopp")),
                str(c.get("beskrivning", "")),
            )
            for c in application_format.items(document, "kostnader")
        ],
        changes=_changes_text(changes),
        signature=_signature_text(signing, names),
        attachments=[
            Attachment(
                str(a.get("id", "")),
                ATTACHMENT_TYPES.get(str(a.get("typ")), str(a.get("typ", ""))),
                str(a.get("filnamn", "")),
                str(a.get("mediatyp", "")),
                int(a["storlek"]) if isinstance(a.get("storlek"), int) else 0,
            )
            for a in application_format.items(document, "bilagor")
        ],
        taken_case_number=taken_case,
    )


def _money_text(value: Any) -> str:
    amount = application_format.amount(value)
    return money(amount) if amount is not None else str(value or "")


def _changes_text(changes: Any) -> str:
    if not isinstance(changes, dict):
        return ""
    if not changes.get("har_forandringar"):
        return "Inga förändringar sedan förra ansökan."
    return str(changes.get("beskrivning", "Förändringar finns men beskrivs inte."))


def _signature_text(signing: Any, names: dict[Any, str]) -> str:
    if not isinstance(signing, dict):
        return "Ingen signering."
    who = names.get(signing.get("personnummer")) or format_identity_number(
        str(signing.get("personnummer", ""))
    )
    try:
        when = local_datetime(datetime.fromisoformat(str(signing.get("signerad", ""))))
    except ValueError:
        when = str(signing.get("signerad", ""))
    return f"Signerad med {signing.get('metod', '')} {when} av {who}".strip()


def _takeable(session: Session, actor: Actor, delivery_id: uuid.UUID) -> IntakeDelivery:
    _staff(actor)
    if actor.replica_id is not None:
        raise AccessDenied(
            "Ansökningar från e-tjänsten tas in i ärenden på kontoret, inte på en utcheckad dator."
        )
    delivery = _load(session, actor, delivery_id)
    if delivery.status is DeliveryStatus.TAKEN:
        application = session.get(Application, delivery.taken_application_id)
        number = application.case.case_number if application is not None else ""
        raise ServiceError(f"Ansökan är redan tagen in i ärende {number}.".replace("  ", " "))
    if delivery.status is DeliveryStatus.QUARANTINED:
        raise ServiceError(
            "En ansökan i karantän kan inte tas in i ett ärende: den är inte en giltig "
            "ansökan (se skälet). Be den sökande ansöka igen, eller markera den som hanterad."
        )
    return delivery


def take_into_case(
    session: Session, actor: Actor, delivery_id: uuid.UUID, case_id: uuid.UUID
) -> uuid.UUID:
    """Make the received delivery an application of the case (see module); its id."""
    delivery = _takeable(session, actor, delivery_id)
    case = case_register.load_case(session, case_id)
    access.require_write(session, actor, case)
    if case.status is CaseStatus.CLOSED:
        raise ValidationFailed(
            {"case": f"Ärende {case.case_number} är avslutat. Öppna det igen eller skapa ett nytt."}
        )
    member = session.scalar(
        select(HouseholdMember.id)
        .join(Person, Person.id == HouseholdMember.person_id)
        .where(HouseholdMember.household_id == case.household_id)
        .where(HouseholdMember.member_until.is_(None))
        .where(Person.personal_number == delivery.applicant_digits)
    )
    if member is None:
        raise ValidationFailed(
            {"case": f"Den sökande finns inte i hushållet i ärende {case.case_number}."}
        )
    document, _problems = application_format.parse(delivery.raw)
    start, end = application_format.period(document)
    assert start is not None and end is not None  # a received delivery is a valid one
    application = Application(
        case_id=case.id,
        received_at=delivery.received_at,
        channel=E_APPLICATION_CHANNEL,
        period_start=start,
        period_end=end,
        kind=DecisionKind.SUPPORT,
        note=f"E-ansökan {delivery.application_id}",
        updated_by=actor.id,
    )
    session.add(application)
    session.flush()
    _link(session, actor, delivery, application, document)
    return application.id


def create_case_from_delivery(
    session: Session, actor: Actor, delivery_id: uuid.UUID, data: NewCase
) -> Case:
    """Register a new case from the wizard's `data` with the received delivery as its first
    application (received at the arrival, channel e-ansökan, the document's period)."""
    delivery = _takeable(session, actor, delivery_id)
    document, _problems = application_format.parse(delivery.raw)
    start, end = application_format.period(document)
    # the arrival is set after: on PostgreSQL it is the server's time, which a workstation
    # whose clock is behind would refuse as a time in the future
    data.received_at = None
    data.channel = E_APPLICATION_CHANNEL
    data.period_start, data.period_end = start, end
    data.kind = DecisionKind.SUPPORT
    case = case_register.create_case(session, actor, data)
    [application] = case.applications
    application.received_at = delivery.received_at
    application.note = f"E-ansökan {delivery.application_id}"
    _link(session, actor, delivery, application, document)
    return case


def new_case_data(session: Session, actor: Actor, delivery_id: uuid.UUID) -> NewCase:
    """The wizard's pre-filled household from the document (audited as opened)."""
    delivery = _takeable(session, actor, delivery_id)
    document, _problems = application_format.parse(delivery.raw)
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "intake_delivery",
        entity_id=delivery.id,
        detail="nytt ärende från e-ansökan",
    )
    applicant = None
    members = []
    for person in application_format.persons(document):
        role = _ROLES.get(str(person.get("roll")), MemberRole.OTHER)
        data = PersonInput(
            format_identity_number(str(person.get("personnummer", ""))),
            str(person.get("fornamn", "")),
            str(person.get("efternamn", "")),
            role,
        )
        if role is MemberRole.APPLICANT and applicant is None:
            applicant = data
        else:
            members.append(data)
    start, end = application_format.period(document)
    return NewCase(
        applicant=applicant or PersonInput("", "", ""),
        members=members,
        received_at=delivery.received_at,
        channel=E_APPLICATION_CHANNEL,
        period_start=start,
        period_end=end,
    )


def _link(
    session: Session,
    actor: Actor,
    delivery: IntakeDelivery,
    application: Application,
    document: Any,
) -> None:
    delivery.status = DeliveryStatus.TAKEN
    delivery.taken_application_id = application.id
    delivery.handled_by = actor.id
    delivery.handled_at = clock.now()
    session.flush()
    service = document.get("e_tjanst", {}) if isinstance(document, dict) else {}
    signing = document.get("signering") if isinstance(document, dict) else None
    names = {
        p.get("personnummer"): f"{p.get('fornamn', '')} {p.get('efternamn', '')}".strip()
        for p in application_format.persons(document)
    }
    period = period_text(application.period_start, application.period_end)
    body = (
        f"E-ansökan {delivery.application_id} om ekonomiskt bistånd för {period} mottagen "
        f"via e-tjänsten {service.get('namn', delivery.e_service)} "
        f"{local_datetime(delivery.received_at)}. {_signature_text(signing, names)}. "
        f"Tagen in i ärendet av {actor.full_name}."
    )
    entry = journal.create_entry(
        session,
        actor,
        application.case_id,
        JournalDraft(
            clock.today(),
            JournalType.NOTE,
            f"E-ansökan {period} mottagen via e-tjänsten",
            body,
        ),
    )
    journal.sign_entry(session, actor, entry.id)
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "intake_delivery",
        entity_id=delivery.id,
        case_id=application.case_id,
        detail=f"tagen in som ansökan {period}",
    )


def mark_handled(session: Session, actor: Actor, delivery_id: uuid.UUID, reason: str) -> None:
    """A quarantined delivery needs nothing more (e.g. the applicant sent a new one): it
    leaves the inbox, stays quarantined and kept, the reason appended to its faults."""
    _staff(actor)
    if actor.replica_id is not None:
        raise AccessDenied("Ansökningar från e-tjänsten hanteras på kontoret.")
    delivery = _load(session, actor, delivery_id)
    if delivery.status is not DeliveryStatus.QUARANTINED or delivery.handled_at is not None:
        raise ServiceError("Bara en ansökan i karantän som inte är hanterad kan markeras hanterad.")
    why = clean_text(reason, field="reason", label="Skälet", max_length=1000, required=True)
    delivery.reason = (
        f"{delivery.reason}\nHanterad {local_datetime(clock.now())} av {actor.full_name}: {why}"
    )
    delivery.handled_by = actor.id
    delivery.handled_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "intake_delivery",
        entity_id=delivery.id,
        detail=f"karantän hanterad: {why}",
    )
