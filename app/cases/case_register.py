"""Creating ärenden with their household, and moving them through the lifecycle.

Lifecycle (DOMAIN.md): aktualiserad → utredning → aktuell → avslutad (with avslutsorsak);
a closed case can be reopened into utredning.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common import clock, code_lists
from app.common.errors import (
    AccessDenied,
    NotFound,
    ServiceError,
    StaleRecordError,
    ValidationFailed,
)
from app.common.identity_number import InvalidIdentityNumber, parse_identity_number
from app.common.periods import month_end, month_start
from app.common.text_input import clean_text, search_key
from app.deadlines import application_facts  # noqa: F401 (kept facts)
from app.models import (
    Application,
    Case,
    CaseNumberSeries,
    CaseStatus,
    CaseStatusChange,
    DecisionKind,
    Household,
    HouseholdMember,
    MemberRole,
    Person,
    Role,
    User,
)
from app.security import access, audit
from app.security.actor import Actor

ALLOWED_TRANSITIONS: dict[CaseStatus, set[CaseStatus]] = {
    CaseStatus.REGISTERED: {CaseStatus.INVESTIGATION, CaseStatus.CLOSED},
    CaseStatus.INVESTIGATION: {CaseStatus.ACTIVE, CaseStatus.CLOSED},
    CaseStatus.ACTIVE: {CaseStatus.INVESTIGATION, CaseStatus.CLOSED},
    CaseStatus.CLOSED: {CaseStatus.INVESTIGATION},
}


@dataclass
class PersonInput:
    personal_number: str
    first_name: str
    last_name: str
    role: MemberRole = MemberRole.APPLICANT
    visiting_child: bool = False
    protected_identity: bool = False
    phone: str = ""


@dataclass
class NewCase:
    applicant: PersonInput
    members: list[PersonInput] = field(default_factory=list)
    street_address: str = ""
    postal_code: str = ""
    city: str = ""
    housing_type: str = ""
    received_at: datetime | None = None
    channel: str = "papper"
    period_start: date | None = None
    period_end: date | None = None
    kind: DecisionKind = DecisionKind.SUPPORT
    """What bistånd the first application is for."""
    responsible_user_id: uuid.UUID | None = None
    note: str = ""


def format_case_number(year: int, number: int) -> str:
    return f"EB-{year}-{number:06d}"


def next_case_number(session: Session, year: int) -> str:
    series = session.get(CaseNumberSeries, year, with_for_update=True)
    if series is None:
        series = CaseNumberSeries(year=year, last_number=0)
        session.add(series)
    series.last_number += 1
    return format_case_number(year, series.last_number)


def _validate_person(prefix: str, data: PersonInput, errors: dict[str, str]) -> None:
    try:
        parse_identity_number(data.personal_number)
    except InvalidIdentityNumber as exc:
        errors[f"{prefix}.personal_number"] = str(exc)
    for attr, label in (("first_name", "Förnamn"), ("last_name", "Efternamn")):
        try:
            clean_text(getattr(data, attr), field=attr, label=label, max_length=100, required=True)
        except ValidationFailed as exc:
            errors[f"{prefix}.{attr}"] = next(iter(exc.field_errors.values()))


def validate_new_case(data: NewCase) -> dict[str, str]:
    """All problems at once, keyed by field, so the wizard can mark every bad field."""
    errors: dict[str, str] = {}
    _validate_person("applicant", data.applicant, errors)
    seen = {data.applicant.personal_number}
    for index, member in enumerate(data.members):
        _validate_person(f"member.{index}", member, errors)
        try:
            number = parse_identity_number(member.personal_number).digits
        except InvalidIdentityNumber:
            continue
        if number in seen or number == _digits_or_none(data.applicant.personal_number):
            errors[f"member.{index}.personal_number"] = "Personen finns redan i hushållet."
        seen.add(number)
    if sum(m.role is MemberRole.CO_APPLICANT for m in data.members) > 1:
        errors["members"] = "Ett hushåll kan ha högst en medsökande."
    for attr, label, limit in (
        ("street_address", "Adressen", 200),
        ("postal_code", "Postnumret", 10),
        ("city", "Orten", 100),
        ("note", "Anteckningen", 4000),
    ):
        try:
            clean_text(
                getattr(data, attr),
                field=attr,
                label=label,
                max_length=limit,
                multiline=attr == "note",
            )
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
    if data.housing_type and not code_lists.is_valid(code_lists.HOUSING_TYPE, data.housing_type):
        errors["housing_type"] = "Välj en boendeform i listan."
    if not code_lists.is_valid(code_lists.APPLICATION_CHANNEL, data.channel):
        errors["channel"] = "Välj hur ansökan kom in."
    if data.period_start and data.period_end and data.period_end < data.period_start:
        errors["period_end"] = "Periodens slut kan inte ligga före dess början."
    if data.received_at and data.received_at > clock.now():
        errors["received_at"] = "Ansökan kan inte ha kommit in i framtiden."
    return errors


def _digits_or_none(text: str) -> str | None:
    try:
        return parse_identity_number(text).digits
    except InvalidIdentityNumber:
        return None


def find_or_create_person(session: Session, actor: Actor, data: PersonInput) -> Person:
    number = parse_identity_number(data.personal_number)
    person = session.scalar(select(Person).where(Person.personal_number == number.digits))
    if person is not None:
        return person
    first = clean_text(
        data.first_name, field="first_name", label="Förnamn", max_length=100, required=True
    )
    last = clean_text(
        data.last_name, field="last_name", label="Efternamn", max_length=100, required=True
    )
    person = Person(
        personal_number=number.digits,
        is_coordination_number=number.is_coordination_number,
        first_name=first,
        last_name=last,
        first_name_key=search_key(first),
        last_name_key=search_key(last),
        birth_date=number.birth_date,
        sex=number.sex,
        protected_identity=data.protected_identity,
        phone=clean_text(data.phone, field="phone", label="Telefon", max_length=50),
        updated_by=actor.id,
    )
    session.add(person)
    session.flush()
    audit.record(
        session, actor, audit.Action.CREATE, "person", entity_id=person.id, person_id=person.id
    )
    return person


def open_case_number_for(session: Session, person: Person) -> str | None:
    """The case number of an open case where the person is sökande or medsökande."""
    found = open_case_for(session, person)
    return found[1] if found else None


def open_case_for(session: Session, person: Person) -> tuple[uuid.UUID, str] | None:
    """Id and case number of an open case where the person is sökande or medsökande."""
    found = session.execute(
        select(Case.id, Case.case_number)
        .join(HouseholdMember, HouseholdMember.household_id == Case.household_id)
        .where(HouseholdMember.person_id == person.id)
        .where(HouseholdMember.role.in_([MemberRole.APPLICANT, MemberRole.CO_APPLICANT]))
        .where(HouseholdMember.member_until.is_(None))
        .where(Case.status != CaseStatus.CLOSED)
        .limit(1)
    ).first()
    return (found.id, found.case_number) if found else None


def create_case(session: Session, actor: Actor, data: NewCase) -> Case:
    """Register a new ärende: applicant, household, first application (aktualisering)."""
    if actor.role is Role.ADMINISTRATOR or actor.unit_id is None:
        raise AccessDenied("Bara handläggare och chefer på en enhet kan registrera ärenden.")
    errors = validate_new_case(data)
    if errors:
        raise ValidationFailed(errors)
    # Checked before anything is written, so a refusal leaves the session clean.
    responsible_id = data.responsible_user_id or (
        actor.id if actor.role is Role.CASEWORKER else None
    )
    if responsible_id is not None:
        responsible = session.get(User, responsible_id)
        if responsible is None or responsible.unit_id != actor.unit_id:
            raise ValidationFailed({"responsible": "Ansvarig handläggare måste höra till enheten."})
    today = clock.today()
    applicant = find_or_create_person(session, actor, data.applicant)
    existing = open_case_number_for(session, applicant)
    if existing:
        raise ValidationFailed(
            {
                "applicant.personal_number": f"Personen är redan sökande i det öppna ärendet "
                f"{existing}. Registrera ansökan i det ärendet i stället."
            }
        )
    household = Household(
        street_address=data.street_address.strip(),
        postal_code=data.postal_code.strip(),
        city=data.city.strip(),
        housing_type=data.housing_type,
        updated_by=actor.id,
    )
    household.members.append(
        HouseholdMember(
            person=applicant,
            role=MemberRole.APPLICANT,
            member_from=today,
            sort_order=0,
            updated_by=actor.id,
        )
    )
    for index, member_data in enumerate(data.members, start=1):
        person = find_or_create_person(session, actor, member_data)
        household.members.append(
            HouseholdMember(
                person=person,
                role=member_data.role,
                visiting_child=member_data.visiting_child,
                member_from=today,
                sort_order=index,
                updated_by=actor.id,
            )
        )
    session.add(household)
    case = Case(
        case_number=next_case_number(session, today.year),
        unit_id=actor.unit_id,
        household=household,
        responsible_user_id=responsible_id,
        status=CaseStatus.REGISTERED,
        opened_on=today,
        updated_by=actor.id,
    )
    session.add(case)
    received_at = data.received_at or clock.now()
    period_start = data.period_start or month_start(today)
    session.add(
        Application(
            case=case,
            received_at=received_at,
            channel=data.channel,
            period_start=period_start,
            period_end=data.period_end or month_end(period_start),
            kind=data.kind,
            note=data.note.strip(),
            updated_by=actor.id,
        )
    )
    session.flush()
    _record_status(session, actor, case, None, CaseStatus.REGISTERED, None)
    audit.record(
        session,
        actor,
        audit.Action.CREATE,
        "case",
        entity_id=case.id,
        case_id=case.id,
        person_id=applicant.id,
        detail=case.case_number,
    )
    return case


def _record_status(
    session: Session,
    actor: Actor,
    case: Case,
    old: CaseStatus | None,
    new: CaseStatus,
    reason: str | None,
) -> None:
    session.add(
        CaseStatusChange(
            case_id=case.id,
            from_status=old,
            to_status=new,
            reason=reason,
            changed_on=clock.today(),
            changed_at=clock.now(),
            changed_by=actor.id,
        )
    )


def load_case(session: Session, case_id: uuid.UUID) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("Ärendet finns inte.")
    return case


def change_status(
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    new: CaseStatus,
    *,
    closing_reason: str | None = None,
    expected_version: int | None = None,
) -> Case:
    case = load_case(session, case_id)
    access.require_write(session, actor, case)
    if expected_version is not None and case.version != expected_version:
        raise StaleRecordError("Ärendet har ändrats av någon annan. Läs in det på nytt.")
    if new not in ALLOWED_TRANSITIONS[case.status]:
        raise ServiceError(
            f"Ett ärende med status {case.status.label.lower()} kan inte få status "
            f"{new.label.lower()}."
        )
    if new is CaseStatus.CLOSED:
        if not closing_reason or not code_lists.is_valid(code_lists.CLOSING_REASON, closing_reason):
            raise ValidationFailed({"closing_reason": "Välj en avslutsorsak."})
        case.closed_on = clock.today()
        case.closing_reason = closing_reason
    elif case.status is CaseStatus.CLOSED:
        case.closed_on = None
        case.closing_reason = None
    old = case.status
    case.status = new
    case.updated_by = actor.id
    _record_status(session, actor, case, old, new, closing_reason)
    audit.record(
        session,
        actor,
        audit.Action.STATUS,
        "case",
        entity_id=case.id,
        case_id=case.id,
        detail=f"{old.label} → {new.label}",
    )
    session.flush()
    return case


@dataclass(frozen=True)
class KnownPerson:
    first_name: str
    last_name: str
    protected_identity: bool
    open_case_number: str | None
    open_case_id: uuid.UUID | None = None


def lookup_person(session: Session, actor: Actor, personal_number: str) -> KnownPerson | None:
    """A person already in the register, for pre-filling the wizard. Logged as a search."""
    number = parse_identity_number(personal_number)
    person = session.scalar(select(Person).where(Person.personal_number == number.digits))
    audit.record(
        session,
        actor,
        audit.Action.SEARCH,
        "person",
        person_id=person.id if person else None,
        detail="uppslag i nytt ärende",
    )
    if person is None:
        return None
    open_case = open_case_for(session, person)
    return KnownPerson(
        person.first_name,
        person.last_name,
        person.protected_identity,
        open_case[1] if open_case else None,
        open_case[0] if open_case else None,
    )


def unit_caseworkers(session: Session, actor: Actor) -> list[tuple[uuid.UUID, str]]:
    """Active handläggare of the actor's unit, for choosing who is responsible."""
    return [
        (user.id, user.full_name)
        for user in session.scalars(
            select(User)
            .where(
                User.unit_id == actor.unit_id, User.active.is_(True), User.role == Role.CASEWORKER
            )
            .order_by(User.full_name)
        )
    ]
