"""Reviewing the audit log (loggranskning): who did what, when, to which case and person.

Municipalities review access logs regularly (Lag 2001:454; DOMAIN.md). Chefs review the
staff of their own unit; administrators everyone. The review itself is logged. Rows the
PostgreSQL server writes itself in shared mode (db_insert …) are shown beside the app's
own, marked as the server's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from app.common.clock import STOCKHOLM
from app.common.errors import AccessDenied, ValidationFailed
from app.common.excel_csv import write_excel_csv
from app.common.formatting import local_datetime
from app.common.identity_number import (
    InvalidIdentityNumber,
    format_identity_number,
    parse_identity_number,
)
from app.models import AuditEntry, Case, FormDefinitionRecord, HouseholdMember, Person, Role, User
from app.security import audit
from app.security.actor import Actor

ROW_LIMIT = 5000
"""Rows shown at most; narrow the period or pick a user or person for more."""

MAX_DAYS = 366

ACTION_LABELS = {
    audit.Action.OPEN: "Öppnade",
    audit.Action.SEARCH: "Sökte",
    audit.Action.CREATE: "Skapade",
    audit.Action.UPDATE: "Ändrade",
    audit.Action.SIGN: "Signerade",
    audit.Action.PRINT: "Skrev ut",
    audit.Action.EXPORT: "Exporterade",
    audit.Action.LOGIN: "Loggade in",
    audit.Action.LOGIN_FAILED: "Misslyckad inloggning",
    audit.Action.STATUS: "Ändrade status",
    audit.Action.CHECK_OUT: "Tog med på hembesök",
    audit.Action.CHECK_IN: "Checkade in",
    audit.Action.REVOKE: "Återkallade utcheckning",
    "db_insert": "Ny rad (servern)",
    "db_update": "Ändrad rad (servern)",
    "db_delete": "Borttagen rad (servern)",
}

ENTITY_LABELS = {
    "case": "ärende",
    "cases": "ärende",
    "case_list": "ärendelista",
    "caseload": "ärendegenomgång",
    "search": "sökning",
    "case_lease": "utcheckning",
    "case_leases": "utcheckning",
    "person": "person",
    "persons": "person",
    "household": "hushåll",
    "households": "hushåll",
    "household_members": "hushållsmedlem",
    "journal": "journal",
    "journal_entry": "journalanteckning",
    "journal_entries": "journalanteckning",
    "decision": "beslut",
    "decisions": "beslut",
    "decision_letter": "beslutsbrev",
    "plan": "plan",
    "plans": "plan",
    "forms": "blankett",
    "form": "blankett",
    "user": "användare",
    "users": "användare",
    "support_barrier": "försörjningshinder",
    "support_barriers": "försörjningshinder",
    "register_lookup": "registerförfrågan (inkomster och ersättningar)",
    "register_answer": "registersvar (inkomster och ersättningar)",
    "register_answers": "registersvar (inkomster och ersättningar)",
    "applications": "ansökan",
    "audit_log": "logggranskning",
    "statistics": "statistik",
    # reference data: the program's own rows and the server's (migration 0017)
    "delegation": "delegation",
    "delegations": "delegation",
    "norm_table": "riksnorm",
    "norm_tables": "riksnorm",
    "setting": "inställning",
    "settings": "inställning",
    "units": "enhet",
    "form_definition": "formulärversion",
    "form_definitions": "formulärversion",
    "case_number_series": "diarienummerserie",
    "session": "inloggning",
    "sos_export": "rapport till Socialstyrelsen",
    "sync_conflict": "synkroniseringskonflikt",
    # after the decision (issue 23)
    "decision_delivery": "delgivning",
    "decision_deliveries": "delgivning",
    "appeal": "överklagande",
    "appeals": "överklagande",
    "appeal_court": "överklagande i domstol",
    "appeal_ruling": "dom i överklagande",
    "appeal_rulings": "dom i överklagande",
    "complaint": "synpunkt",
    "complaints": "synpunkt",
    "complaint_measure": "åtgärd efter synpunkt",
    "complaint_measures": "åtgärd efter synpunkt",
    "intake_delivery": "ansökan från e-tjänsten",
    "intake_deliveries": "ansökan från e-tjänsten",
    "intake_submission": "ansökan hämtad från e-tjänstens inlämning",
    "intake_submissions": "inlämning från e-tjänsten",
    "intake_attachment": "bilaga till ansökan från e-tjänsten",
    "intake_attachments": "bilaga till ansökan från e-tjänsten",
    "complaint_number_series": "nummerserie för synpunkter",
    "letter": "brev",
    "letters": "brev",
    "sync_conflicts": "synkroniseringskonflikt",
    # the tables whose rows the server logs itself (migrations 0008, 0014)
    "case_status_changes": "statusändring",
    "follow_up_tasks": "bevakning",
    "plan_items": "planens steg",
    "decision_items": "beslutspost",
}
"""What a row is about ("entity"): the program's own words (the audit.record calls) and the
server's table names. A published form's rows are "form:<key>": see `entity_label`."""

FORM_ENTITY_PREFIX = "form:"


def entity_label(entity: str, form_titles: dict[str, str]) -> str:
    """The Swedish name of what an audit row is about: 'form:arendegenomgang' ->
    'blankett Ärendegenomgång' (the title of the form's definition)."""
    if entity.startswith(FORM_ENTITY_PREFIX):
        title = form_titles.get(entity.removeprefix(FORM_ENTITY_PREFIX))
        return f"blankett {title}" if title else "blankett"
    return ENTITY_LABELS.get(entity, entity)


def form_titles(session: Session) -> dict[str, str]:
    """Each form's title by key, the newest published version's."""
    rows = session.execute(
        select(FormDefinitionRecord.key, FormDefinitionRecord.title).order_by(
            FormDefinitionRecord.version
        )
    )
    return {key: title for key, title in rows}


@dataclass(frozen=True)
class ReviewFilter:
    since: date
    until: date
    user_id: uuid.UUID | None = None
    personal_number: str = ""
    """Rows about the person, and about every case of a household they belong to."""
    action: str | None = None


@dataclass(frozen=True)
class ReviewRow:
    at: datetime
    user_name: str
    action: str
    action_label: str
    entity_label: str
    case_number: str
    person: str
    """Name and personnummer of the person the row is about, if any."""
    detail: str


@dataclass(frozen=True)
class Review:
    rows: list[ReviewRow]
    truncated: bool
    person_name: str = ""
    """The person filtered on, as found."""


def reviewable_users(session: Session, actor: Actor) -> list[tuple[uuid.UUID, str]]:
    """The users whose rows the actor may review, by name."""
    _require_reviewer(actor)
    stmt = select(User.id, User.full_name).order_by(User.full_name)
    if actor.role is Role.MANAGER:
        stmt = stmt.where(User.unit_id == actor.unit_id)
    return [(row.id, row.full_name) for row in session.execute(stmt)]


def review(session: Session, actor: Actor, wanted: ReviewFilter) -> Review:
    """The log rows matching `wanted`, newest first, at most ROW_LIMIT."""
    _require_reviewer(actor)
    problems = _problems(wanted)
    if problems:
        raise ValidationFailed(problems)
    start = datetime.combine(wanted.since, time.min, STOCKHOLM)
    end = datetime.combine(wanted.until + timedelta(days=1), time.min, STOCKHOLM)
    who = aliased(User)
    about = aliased(Person)
    stmt = (
        select(
            AuditEntry.at,
            who.full_name,
            AuditEntry.action,
            AuditEntry.entity,
            Case.case_number,
            about.first_name,
            about.last_name,
            about.personal_number,
            AuditEntry.detail,
        )
        .outerjoin(who, who.id == AuditEntry.user_id)
        .outerjoin(Case, Case.id == AuditEntry.case_id)
        .outerjoin(about, about.id == AuditEntry.person_id)
        .where(AuditEntry.at >= start, AuditEntry.at < end)
        .order_by(AuditEntry.at.desc(), AuditEntry.id)
        .limit(ROW_LIMIT + 1)
    )
    if actor.role is Role.MANAGER:
        staff = select(User.id).where(User.unit_id == actor.unit_id)
        stmt = stmt.where(AuditEntry.user_id.in_(staff))
    if wanted.user_id is not None:
        stmt = stmt.where(AuditEntry.user_id == wanted.user_id)
    if wanted.action:
        stmt = stmt.where(AuditEntry.action == wanted.action)
    person_name = ""
    if wanted.personal_number.strip():
        digits = parse_identity_number(wanted.personal_number).digits
        person = session.scalar(select(Person).where(Person.personal_number == digits))
        if person is None:
            raise ValidationFailed({"personal_number": "Ingen person med det personnumret."})
        person_name = f"{person.first_name} {person.last_name}"
        their_cases = (
            select(Case.id)
            .join(HouseholdMember, HouseholdMember.household_id == Case.household_id)
            .where(HouseholdMember.person_id == person.id)
        )
        stmt = stmt.where(
            or_(AuditEntry.person_id == person.id, AuditEntry.case_id.in_(their_cases))
        )
    titles = form_titles(session)
    rows = [
        ReviewRow(
            at=r.at,
            user_name=r.full_name or "(ingen användare)",
            action=r.action,
            action_label=ACTION_LABELS.get(r.action, r.action),
            entity_label=entity_label(r.entity, titles),
            case_number=r.case_number or "",
            person=_person(r.first_name, r.last_name, r.personal_number),
            detail=r.detail,
        )
        for r in session.execute(stmt)
    ]
    truncated = len(rows) > ROW_LIMIT
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "audit_log",
        detail=_describe(wanted, person_name, len(rows[:ROW_LIMIT])),
    )
    return Review(rows[:ROW_LIMIT], truncated, person_name)


def export_csv(session: Session, actor: Actor, wanted: ReviewFilter, path: str | Path) -> int:
    """The review as a CSV file for Excel, logged as an export; returns the rows written."""
    result = review(session, actor, wanted)
    header = ["Tid", "Användare", "Åtgärd", "Gäller", "Ärende", "Person", "Detalj"]
    write_excel_csv(
        path,
        [
            header,
            *(
                [
                    local_datetime(row.at),
                    row.user_name,
                    row.action_label,
                    row.entity_label,
                    row.case_number,
                    row.person,
                    row.detail,
                ]
                for row in result.rows
            ),
        ],
    )
    audit.record(
        session,
        actor,
        audit.Action.EXPORT,
        "audit_log",
        detail=_describe(wanted, result.person_name, len(result.rows)),
    )
    return len(result.rows)


def _require_reviewer(actor: Actor) -> None:
    if actor.role not in (Role.MANAGER, Role.ADMINISTRATOR):
        raise AccessDenied("Bara chefer och systemförvaltare kan granska loggen.")


def _problems(wanted: ReviewFilter) -> dict[str, str]:
    if wanted.until < wanted.since:
        return {"until": "Slutdatumet kan inte vara före startdatumet."}
    if (wanted.until - wanted.since).days >= MAX_DAYS:
        return {"until": "Välj en period på högst ett år."}
    if wanted.personal_number.strip():
        try:
            parse_identity_number(wanted.personal_number)
        except InvalidIdentityNumber as error:
            return {"personal_number": str(error)}
    return {}


def _person(first: str | None, last: str | None, number: str | None) -> str:
    if first is None:
        return ""
    shown = f"{first} {last}"
    return f"{shown} ({format_identity_number(number)})" if number else shown


def _describe(wanted: ReviewFilter, person_name: str, count: int) -> str:
    parts = [f"{wanted.since.isoformat()}–{wanted.until.isoformat()}"]
    if wanted.user_id is not None:
        parts.append(f"användare {wanted.user_id}")
    if person_name:
        parts.append(f"person {person_name}")
    if wanted.action:
        parts.append(f"åtgärd {wanted.action}")
    return f"Logggranskning {', '.join(parts)}: {count} rader"
