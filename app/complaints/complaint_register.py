"""Synpunkter och klagomål (issue 23): the register, the chef's handling, measures, lex Sarah.

"Alla klagomål ska betraktas som en gåva": anyone of the unit (handläggare or chef) registers
what a resident says about the unit's work — on the form at the desk, by letter, e-mail,
telephone or a visit — with its themes (the code list "klagomalstema", Norrköpings
riktlinjer för klagomålshantering 2005-05-13). The unit's chef handles it: contacts the
person, agrees measures (each a bevakning until done), answers in writing when the sender
wants an answer and can be reached (app.complaints.complaint_answer) and closes it.

A complaint can be a lex Sarah rapport (missförhållande or påtaglig risk): the rule
(resources/after_decision.json, "lex_sarah") says it is reported at once, so it is a
bevakning due the day it is marked, routed to the designated function (the office setting
`lex_sarah_function`), until the chef records the day it was handed over.

Access (the same on every database; PostgreSQL enforces it too, migration 0045):
- registered by a handläggare or a chef, for her own unit, at the office (not on a laptop's
  replica: the number series is the office's); `registered_by` is the writer;
- read by the unit's chef (all of the unit's) and by a handläggare only for those she
  registered, those about her, and those linked to a case she is responsible for — and
  never one linked to a case she may not read (skyddade personuppgifter);
- handled (contact, measures, lex Sarah reported, answer, closing) only by a chef of the
  complaint's unit; never deleted.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, false, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.common import clock, code_lists
from app.common.errors import AccessDenied, NotFound, StaleRecordError, ValidationFailed
from app.deadlines import after_decision_rules
from app.decisions import legal_texts
from app.models import (
    Case,
    Complaint,
    ComplaintMeasure,
    ComplaintNumberSeries,
    FeedbackKind,
    LetterKind,
    LexSarah,
    ReceivedVia,
    Role,
    User,
)
from app.models.letter import Letter
from app.security import access, audit
from app.security.actor import Actor
from app.settings import registry, stored_settings

DESCRIPTION_LIMIT = 10_000
"""Characters of what the person said: four printed pages; more is refused, not cut."""
NOTE_LIMIT = 4_000
NAME_LIMIT = 200
ADDRESS_LIMIT = 1_000
OLD_SOCIAL_SERVICES_ACT = "2001:453"
CHEF = "Enhetens chef"
"""Responsible for a measure when nobody else is named."""


# --- registering -----------------------------------------------------------------------------
@dataclass
class NewComplaint:
    kind: FeedbackKind
    received_on: date
    received_via: ReceivedVia
    themes: list[str]
    description: str
    case_number: str = ""
    """The case it is linked to, if any (EB-ÅÅÅÅ-NNNNNN): one the registrant may read."""
    concerns_user_id: uuid.UUID | None = None
    """The handläggare it is about, if any."""
    sender_name: str = ""
    """Empty: anonymous."""
    sender_address: str = ""
    wants_answer: bool = True
    lex_sarah: LexSarah | None = None


def format_number(year: int, number: int) -> str:
    return f"SYN-{year}-{number:04d}"


def next_number(session: Session, year: int) -> str:
    """The year's next number, counted up in the database in one statement (`UPDATE … SET
    last_number = last_number + 1 … RETURNING`): whoever registers at the same moment waits
    for the row (PostgreSQL's row lock; SQLite's one writer) and gets the next number. Read
    first and written back, the second took the number the first had just taken on SQLite
    (its read is outside the write transaction). Two starting a new year at once: the
    second's insert fails on the key, and she counts up the row the first made."""
    take = (
        update(ComplaintNumberSeries)
        .where(ComplaintNumberSeries.year == year)
        .values(last_number=ComplaintNumberSeries.last_number + 1)
        .returning(ComplaintNumberSeries.last_number)
    )
    for _attempt in range(3):
        taken = session.execute(take).scalar_one_or_none()
        if taken is not None:
            return format_number(year, taken)
        try:
            with session.begin_nested():
                session.add(ComplaintNumberSeries(year=year, last_number=1))
            return format_number(year, 1)
        except IntegrityError:
            continue
    raise StaleRecordError("Numret kunde inte tas just nu. Försök igen.")


def register(session: Session, actor: Actor, data: NewComplaint) -> Complaint:
    """Register a synpunkt for the actor's own unit. Bad input: ValidationFailed with a
    Swedish message per field, nothing saved."""
    if actor.role not in (Role.CASEWORKER, Role.MANAGER) or actor.unit_id is None:
        raise AccessDenied("Synpunkter registreras av handläggare och chefer på en enhet.")
    if actor.replica_id is not None:
        # the numbers are the office's series: a laptop's copy would give the same twice
        raise AccessDenied(
            "Synpunkter registreras i kontorets databas, inte offline. Registrera den när "
            "du är tillbaka, med den dag den kom in."
        )
    errors: dict[str, str] = {}
    today = clock.today()
    if data.received_on > today:
        errors["received_on"] = "Datumet då synpunkten kom in kan inte vara i framtiden."
    if not data.themes:
        errors["themes"] = "Välj minst ett tema."
    elif any(not code_lists.is_valid(code_lists.COMPLAINT_THEME, t) for t in data.themes):
        errors["themes"] = "Välj teman i listan."
    _check_text(errors, "description", data.description, DESCRIPTION_LIMIT, required=True)
    _check_text(errors, "sender_name", data.sender_name, NAME_LIMIT)
    _check_text(errors, "sender_address", data.sender_address, ADDRESS_LIMIT)
    if data.wants_answer and not data.sender_name.strip():
        errors["wants_answer"] = (
            "En anonym synpunkt kan inte besvaras. Fyll i namn och adress, eller markera att "
            "personen inte vill ha svar."
        )
    elif data.wants_answer and not data.sender_address.strip():
        errors["sender_address"] = "Fyll i adressen som svaret ska skickas till."
    case = _linked_case(session, actor, data.case_number, errors)
    if data.concerns_user_id is not None:
        user = session.get(User, data.concerns_user_id)
        if user is None or user.unit_id != actor.unit_id or user.role is Role.ADMINISTRATOR:
            errors["concerns_user_id"] = "Välj en handläggare eller chef på enheten."
    if errors:
        raise ValidationFailed(errors)
    complaint = Complaint(
        number=next_number(session, today.year),
        unit_id=actor.unit_id,
        case_id=case.id if case is not None else None,
        concerns_user_id=data.concerns_user_id,
        kind=data.kind,
        received_on=data.received_on,
        received_via=data.received_via,
        themes=json.dumps(list(dict.fromkeys(data.themes))),
        sender_name=data.sender_name.strip(),
        sender_address=data.sender_address.strip(),
        wants_answer=data.wants_answer,
        description=data.description.strip(),
        lex_sarah=data.lex_sarah,
        lex_sarah_marked_on=today if data.lex_sarah is not None else None,
        registered_by=actor.id,
        updated_by=actor.id,
    )
    session.add(complaint)
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.CREATE,
        "complaint",
        entity_id=complaint.id,
        case_id=complaint.case_id,
        detail=complaint.number,
    )
    return complaint


def _check_text(
    errors: dict[str, str], name: str, text: str, limit: int, *, required: bool = False
) -> None:
    if required and not text.strip():
        errors[name] = "Skriv vad personen framförde."
    elif len(text) > limit:
        errors[name] = (
            f"Texten är {len(text):,} tecken; högst {limit:,} får plats. Korta den, eller "
            "spara resten som en handling i ärendet."
        ).replace(",", "\u00a0")
    elif "\x00" in text:
        errors[name] = "Texten innehåller ett otillåtet tecken (NUL). Ta bort det."


def _linked_case(
    session: Session, actor: Actor, number: str, errors: dict[str, str]
) -> Case | None:
    number = number.strip().upper()
    if not number:
        return None
    case = session.scalar(select(Case).where(Case.case_number == number))
    if case is None or not access.can_read_case(session, actor, case):
        # the same message either way: whether a case you may not read exists is not told
        errors["case_number"] = (
            f"Det finns inget ärende {number} som du kan läsa. Kontrollera numret, eller "
            "registrera synpunkten utan ärende."
        )
        return None
    return case


# --- who may see and handle ------------------------------------------------------------------
def can_read(session: Session, actor: Actor, complaint: Complaint) -> bool:
    if actor.role is Role.ADMINISTRATOR or actor.unit_id != complaint.unit_id:
        return False
    if actor.role is Role.MANAGER:
        return True
    case = session.get(Case, complaint.case_id) if complaint.case_id is not None else None
    if case is not None and not access.can_read_case(session, actor, case):
        return False  # a case she may not read (skyddade personuppgifter) is not told of
    if actor.id in (complaint.registered_by, complaint.concerns_user_id):
        return True
    return case is not None and case.responsible_user_id == actor.id


def readable(actor: Actor) -> ColumnElement[bool]:
    """`can_read` as a condition on Complaint, for lists."""
    if actor.role is Role.ADMINISTRATOR or actor.unit_id is None:
        return false()
    same_unit = Complaint.unit_id == actor.unit_id
    if actor.role is Role.MANAGER:
        return same_unit
    responsible = Complaint.case_id.in_(select(Case.id).where(Case.responsible_user_id == actor.id))
    case_readable = Complaint.case_id.is_(None) | Complaint.case_id.in_(
        select(Case.id).where(access.readable_cases(actor))
    )
    return (
        same_unit
        & case_readable
        & or_(
            Complaint.registered_by == actor.id,
            Complaint.concerns_user_id == actor.id,
            responsible,
        )
    )


def is_handler(actor: Actor, complaint: Complaint) -> bool:
    """A chef of the complaint's unit: she handles, answers and closes it."""
    return actor.role is Role.MANAGER and actor.unit_id == complaint.unit_id


def load(session: Session, actor: Actor, complaint_id: uuid.UUID) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or not can_read(session, actor, complaint):
        raise AccessDenied("Du har inte behörighet att läsa den här synpunkten.")
    return complaint


def load_for_handling(
    session: Session, actor: Actor, complaint_id: uuid.UUID, expected_version: int | None = None
) -> Complaint:
    complaint = load(session, actor, complaint_id)
    if not is_handler(actor, complaint):
        raise AccessDenied("Bara enhetens chef kan handlägga, besvara och avsluta en synpunkt.")
    if expected_version is not None and complaint.version != expected_version:
        raise StaleRecordError("Synpunkten har ändrats av någon annan. Läs in den igen.")
    return complaint


# --- what the screen shows -------------------------------------------------------------------
@dataclass(frozen=True)
class MeasureView:
    id: uuid.UUID
    description: str
    due_on: date
    responsible: str
    done_on: date | None
    done_note: str
    version: int

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.due_on < clock.today()


@dataclass(frozen=True)
class LexSarahRouting:
    """Where a lex Sarah rapport goes, and by when (the rule with its source)."""

    kind: LexSarah
    marked_on: date
    due_on: date
    reported_on: date | None
    function: str
    """The designated function (office setting); empty when not set."""
    rule_text: str
    paragraph: str
    """The paragraph of the law the rapport falls under (socialtjänstlagen (2001:453) before
    1 July 2025, (2025:400) from then), empty where after_decision.json does not have it
    confirmed against the statute's text: never guessed."""

    @property
    def overdue(self) -> bool:
        return self.reported_on is None and self.due_on < clock.today()

    def routing_text(self) -> str:
        where = self.function or (
            "den funktion som nämnden har utsett (ingen är angiven i programmet: be "
            "administratören fylla i den under Arkiv → Inställningar)"
        )
        rule = f"{self.rule_text} ({self.paragraph})" if self.paragraph else self.rule_text
        return f"Rapporten ska lämnas samma dag till {where}. {rule}"


@dataclass(frozen=True)
class ComplaintView:
    id: uuid.UUID
    version: int
    number: str
    kind: FeedbackKind
    received_on: date
    received_via: ReceivedVia
    themes: list[str]
    description: str
    case_number: str
    concerns: str
    sender_name: str
    sender_address: str
    wants_answer: bool
    contact_on: date | None
    contact_note: str
    lex_sarah: LexSarahRouting | None
    closed_on: date | None
    registered_by: str
    unit_id: uuid.UUID
    measures: list[MeasureView] = field(default_factory=list)
    answer_id: uuid.UUID | None = None
    answer_signed: bool = False
    answer_body: str = ""
    answer_recipient: str = ""
    answer_version: int | None = None
    may_handle: bool = False

    @property
    def anonymous(self) -> bool:
        return not self.sender_name

    @property
    def needs_letter(self) -> bool:
        return self.wants_answer and not self.anonymous

    @property
    def theme_labels(self) -> str:
        return ", ".join(code_lists.label(code_lists.COMPLAINT_THEME, t) for t in self.themes)


def _names(session: Session, ids: set[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.full_name).where(User.id.in_(wanted))).all())


def lex_sarah_routing(session: Session, complaint: Complaint) -> LexSarahRouting | None:
    if complaint.lex_sarah is None:
        return None
    marked = complaint.lex_sarah_marked_on or complaint.received_on
    old_law = legal_texts.law_for_decision(marked).sfs == OLD_SOCIAL_SERVICES_ACT
    rule = after_decision_rules.rule(
        after_decision_rules.LEX_SARAH if old_law else after_decision_rules.LEX_SARAH_2025
    )
    return LexSarahRouting(
        kind=complaint.lex_sarah,
        marked_on=marked,
        due_on=marked,  # "genast": the same day
        reported_on=complaint.lex_sarah_reported_on,
        function=stored_settings.get_text(session, registry.LEX_SARAH_FUNCTION),
        # the law's own rule; its paragraph only where it is confirmed (never guessed)
        rule_text=rule.text,
        paragraph=rule.paragraph if rule.confirmed else "",
    )


def view(session: Session, actor: Actor, complaint_id: uuid.UUID) -> ComplaintView:
    """One complaint as its reader sees it. Logged as an opening."""
    complaint = load(session, actor, complaint_id)
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "complaint",
        entity_id=complaint.id,
        case_id=complaint.case_id,
        detail=complaint.number,
    )
    return _view(session, actor, complaint)


def _view(session: Session, actor: Actor, complaint: Complaint) -> ComplaintView:
    measures = list(
        session.scalars(
            select(ComplaintMeasure)
            .where(ComplaintMeasure.complaint_id == complaint.id)
            .order_by(ComplaintMeasure.due_on, ComplaintMeasure.created_at)
        )
    )
    names = _names(
        session,
        {complaint.concerns_user_id, complaint.registered_by}
        | {m.responsible_user_id for m in measures},
    )
    case_number: str | None = None
    if complaint.case_id is not None:
        case_number = session.scalar(select(Case.case_number).where(Case.id == complaint.case_id))
    answer = answer_letter(session, complaint)
    return ComplaintView(
        id=complaint.id,
        version=complaint.version,
        number=complaint.number,
        kind=complaint.kind,
        received_on=complaint.received_on,
        received_via=complaint.received_via,
        themes=list(json.loads(complaint.themes or "[]")),
        description=complaint.description,
        case_number=case_number or "",
        concerns=names.get(complaint.concerns_user_id, "") if complaint.concerns_user_id else "",
        sender_name=complaint.sender_name,
        sender_address=complaint.sender_address,
        wants_answer=complaint.wants_answer,
        contact_on=complaint.contact_on,
        contact_note=complaint.contact_note,
        lex_sarah=lex_sarah_routing(session, complaint),
        closed_on=complaint.closed_on,
        registered_by=names.get(complaint.registered_by, ""),
        unit_id=complaint.unit_id,
        measures=[
            MeasureView(
                m.id,
                m.description,
                m.due_on,
                names.get(m.responsible_user_id, "") if m.responsible_user_id else CHEF,
                m.done_on,
                m.done_note,
                m.version,
            )
            for m in measures
        ],
        answer_id=answer.id if answer is not None else None,
        answer_signed=answer is not None and answer.is_signed,
        answer_body=answer.body if answer is not None else "",
        answer_recipient=answer.recipient if answer is not None else "",
        answer_version=answer.version if answer is not None else None,
        may_handle=is_handler(actor, complaint),
    )


def answer_letter(session: Session, complaint: Complaint) -> Letter | None:
    """The complaint's answer letter (the latest, if a draft was made more than once)."""
    return session.scalar(
        select(Letter)
        .where(Letter.complaint_id == complaint.id, Letter.kind == LetterKind.COMPLAINT_ANSWER)
        .order_by(Letter.created_at.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class ComplaintRow:
    id: uuid.UUID
    number: str
    received_on: date
    kind: FeedbackKind
    themes: str
    summary: str
    concerns: str
    closed_on: date | None
    overdue_measures: int
    open_measures: int
    lex_sarah_pending: bool

    @property
    def status(self) -> str:
        if self.closed_on is not None:
            return "Avslutad"
        return "Öppen"

    @property
    def attention(self) -> str:
        """What the chef must see first: a lex Sarah rapport not handed over, measures late."""
        parts = []
        if self.lex_sarah_pending:
            parts.append("Lex Sarah ej rapporterad")
        if self.overdue_measures == 1:
            parts.append("1 åtgärd försenad")
        elif self.overdue_measures:
            parts.append(f"{self.overdue_measures} åtgärder försenade")
        return "; ".join(parts)


def complaint_list(
    session: Session,
    actor: Actor,
    *,
    only_open: bool = True,
    kind: FeedbackKind | None = None,
    theme: str = "",
) -> list[ComplaintRow]:
    """The register as `actor` may see it: the chef her unit's, a handläggare hers (see the
    module docstring), newest first. Logged as a search."""
    stmt = select(Complaint).where(readable(actor)).order_by(Complaint.received_on.desc())
    if only_open:
        stmt = stmt.where(Complaint.closed_on.is_(None))
    if kind is not None:
        stmt = stmt.where(Complaint.kind == kind)
    complaints = list(session.scalars(stmt))
    if theme:
        complaints = [c for c in complaints if theme in json.loads(c.themes or "[]")]
    ids = [c.id for c in complaints]
    today = clock.today()
    open_measures: dict[uuid.UUID, list[date]] = {}
    if ids:
        for complaint_id, due in session.execute(
            select(ComplaintMeasure.complaint_id, ComplaintMeasure.due_on).where(
                ComplaintMeasure.complaint_id.in_(ids), ComplaintMeasure.done_on.is_(None)
            )
        ):
            open_measures.setdefault(complaint_id, []).append(due)
    names = _names(session, {c.concerns_user_id for c in complaints})
    audit.record(
        session,
        actor,
        audit.Action.SEARCH,
        "complaints",
        detail=f"{'öppna' if only_open else 'alla'}; {len(complaints)} visade",
    )
    return [
        ComplaintRow(
            c.id,
            c.number,
            c.received_on,
            c.kind,
            ", ".join(
                code_lists.label(code_lists.COMPLAINT_THEME, t)
                for t in json.loads(c.themes or "[]")
            ),
            " ".join(c.description.split())[:120],
            names.get(c.concerns_user_id, "") if c.concerns_user_id else "",
            c.closed_on,
            sum(1 for due in open_measures.get(c.id, []) if due < today),
            len(open_measures.get(c.id, [])),
            c.lex_sarah is not None and c.lex_sarah_reported_on is None,
        )
        for c in complaints
    ]


@dataclass(frozen=True)
class Watch:
    """A bevakning from the complaint register: a measure not done or a lex Sarah rapport
    not handed over."""

    complaint_id: uuid.UUID
    number: str
    what: str
    due_on: date
    responsible: str

    @property
    def overdue(self) -> bool:
        return self.due_on < clock.today()


def watches(session: Session, actor: Actor) -> list[Watch]:
    """The chef: every open measure and unreported lex Sarah rapport of her unit's
    complaints. A handläggare: the measures she is responsible for (she may not read the
    complaint itself), and those of the complaints she may read. Earliest due first.
    Logged as a search."""
    found = _watches(session, actor)
    audit.record(
        session,
        actor,
        audit.Action.SEARCH,
        "complaints",
        detail=f"bevakningar; {len(found)} visade",
    )
    return found


def _watches(session: Session, actor: Actor) -> list[Watch]:
    if actor.role is Role.ADMINISTRATOR or actor.unit_id is None:
        return []
    result: list[Watch] = []
    mine = ComplaintMeasure.responsible_user_id == actor.id
    # an outer join: on PostgreSQL the server shows her a measure she is responsible for
    # but not the complaint she may not read (migration 0045), so its number stays unknown
    measures = session.execute(
        select(ComplaintMeasure, Complaint.number)
        .outerjoin(Complaint, Complaint.id == ComplaintMeasure.complaint_id)
        .where(
            ComplaintMeasure.done_on.is_(None),
            or_(mine, Complaint.id.is_not(None) & readable(actor)),
        )
    ).all()
    names = _names(session, {m.responsible_user_id for m, _ in measures})
    for measure, number in measures:
        result.append(
            Watch(
                measure.complaint_id,
                number or "–",
                f"Åtgärd: {' '.join(measure.description.split())[:100]}",
                measure.due_on,
                names.get(measure.responsible_user_id, "") if measure.responsible_user_id else CHEF,
            )
        )
    if actor.role is Role.MANAGER:
        for complaint in session.scalars(
            select(Complaint).where(
                readable(actor),
                Complaint.lex_sarah.is_not(None),
                Complaint.lex_sarah_reported_on.is_(None),
            )
        ):
            routing = lex_sarah_routing(session, complaint)
            assert routing is not None
            result.append(
                Watch(
                    complaint.id,
                    complaint.number,
                    f"Lex Sarah-rapport till {routing.function or 'utsedd funktion'}",
                    routing.due_on,
                    actor.full_name,
                )
            )
    return sorted(result, key=lambda w: (w.due_on, w.number))


def overdue_count(session: Session, actor: Actor) -> int:
    """For the chef's Översikt: measures past due and lex Sarah rapporter not handed over."""
    return sum(1 for w in _watches(session, actor) if w.overdue or w.what.startswith("Lex"))


# --- the chef's handling ---------------------------------------------------------------------
def _changed(session: Session, actor: Actor, complaint: Complaint, detail: str) -> None:
    complaint.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "complaint",
        entity_id=complaint.id,
        case_id=complaint.case_id,
        detail=f"{complaint.number}: {detail}",
    )


def _require_open(complaint: Complaint) -> None:
    if complaint.closed_on is not None:
        raise ValidationFailed({"closed_on": "Synpunkten är avslutad och kan inte ändras."})


def _check_date(errors: dict[str, str], name: str, day: date | None, after: date) -> None:
    if day is None:
        errors[name] = "Fyll i datumet."
    elif day > clock.today():
        errors[name] = "Datumet kan inte vara i framtiden."
    elif day < after:
        errors[name] = "Datumet kan inte vara före den dag synpunkten kom in."


def record_contact(
    session: Session,
    actor: Actor,
    complaint_id: uuid.UUID,
    contact_on: date | None,
    note: str,
    *,
    expected_version: int | None = None,
) -> Complaint:
    """The chef's contact with the person (date and a note)."""
    complaint = load_for_handling(session, actor, complaint_id, expected_version)
    _require_open(complaint)
    errors: dict[str, str] = {}
    _check_date(errors, "contact_on", contact_on, complaint.received_on)
    _check_text(errors, "contact_note", note, NOTE_LIMIT)
    if errors:
        raise ValidationFailed(errors)
    complaint.contact_on = contact_on
    complaint.contact_note = note.strip()
    _changed(session, actor, complaint, "kontakt")
    return complaint


def mark_lex_sarah(
    session: Session,
    actor: Actor,
    complaint_id: uuid.UUID,
    kind: LexSarah,
    *,
    expected_version: int | None = None,
) -> Complaint:
    """The chef marks a complaint as a lex Sarah rapport: a bevakning due today."""
    complaint = load_for_handling(session, actor, complaint_id, expected_version)
    if complaint.lex_sarah_reported_on is not None:
        raise ValidationFailed({"lex_sarah": "Rapporten är redan lämnad och kan inte ändras."})
    complaint.lex_sarah = kind
    complaint.lex_sarah_marked_on = complaint.lex_sarah_marked_on or clock.today()
    _changed(session, actor, complaint, f"lex Sarah: {kind.label}")
    return complaint


def record_lex_sarah_reported(
    session: Session,
    actor: Actor,
    complaint_id: uuid.UUID,
    reported_on: date | None,
    *,
    expected_version: int | None = None,
) -> Complaint:
    """The day the rapport was handed to the designated function: ends its bevakning."""
    complaint = load_for_handling(session, actor, complaint_id, expected_version)
    if complaint.lex_sarah is None:
        raise ValidationFailed({"lex_sarah": "Synpunkten är inte markerad som lex Sarah-rapport."})
    if complaint.lex_sarah_reported_on is not None:
        raise ValidationFailed({"lex_sarah": "Rapporten är redan registrerad som lämnad."})
    errors: dict[str, str] = {}
    _check_date(errors, "lex_sarah_reported_on", reported_on, complaint.received_on)
    if errors:
        raise ValidationFailed(errors)
    complaint.lex_sarah_reported_on = reported_on
    _changed(session, actor, complaint, f"lex Sarah-rapport lämnad {reported_on}")
    return complaint


def add_measure(
    session: Session,
    actor: Actor,
    complaint_id: uuid.UUID,
    description: str,
    due_on: date | None,
    responsible_user_id: uuid.UUID | None = None,
) -> ComplaintMeasure:
    """A measure agreed: a bevakning until it is done."""
    complaint = load_for_handling(session, actor, complaint_id)
    _require_open(complaint)
    errors: dict[str, str] = {}
    if not description.strip():
        errors["measure"] = "Beskriv åtgärden."
    else:
        _check_text(errors, "measure", description, NOTE_LIMIT)
    if due_on is None:
        errors["due_on"] = "Fyll i när åtgärden ska vara klar."
    elif due_on < complaint.received_on:
        errors["due_on"] = "Datumet kan inte vara före den dag synpunkten kom in."
    if responsible_user_id is not None:
        user = session.get(User, responsible_user_id)
        if user is None or user.unit_id != complaint.unit_id or not user.active:
            errors["responsible"] = "Välj en ansvarig på enheten."
    if errors:
        raise ValidationFailed(errors)
    assert due_on is not None
    measure = ComplaintMeasure(
        complaint_id=complaint.id,
        description=description.strip(),
        due_on=due_on,
        responsible_user_id=responsible_user_id,
        updated_by=actor.id,
    )
    session.add(measure)
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.CREATE,
        "complaint_measure",
        entity_id=measure.id,
        case_id=complaint.case_id,
        detail=complaint.number,
    )
    return measure


def complete_measure(
    session: Session,
    actor: Actor,
    measure_id: uuid.UUID,
    done_on: date | None,
    note: str = "",
    *,
    expected_version: int | None = None,
) -> ComplaintMeasure:
    """The measure is done: its bevakning ends."""
    measure = session.get(ComplaintMeasure, measure_id)
    if measure is None:
        raise NotFound("Åtgärden finns inte.")
    complaint = load_for_handling(session, actor, measure.complaint_id)
    if expected_version is not None and measure.version != expected_version:
        raise StaleRecordError("Åtgärden har ändrats av någon annan. Läs in den igen.")
    if measure.done_on is not None:
        raise ValidationFailed({"done_on": "Åtgärden är redan klar."})
    errors: dict[str, str] = {}
    _check_date(errors, "done_on", done_on, complaint.received_on)
    _check_text(errors, "done_note", note, NOTE_LIMIT)
    if errors:
        raise ValidationFailed(errors)
    measure.done_on = done_on
    measure.done_note = note.strip()
    measure.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "complaint_measure",
        entity_id=measure.id,
        case_id=complaint.case_id,
        detail=f"{complaint.number}: klar {done_on}",
    )
    return measure


def close(
    session: Session,
    actor: Actor,
    complaint_id: uuid.UUID,
    closed_on: date | None,
    *,
    expected_version: int | None = None,
) -> Complaint:
    """The chef records that the complaint is handled. Refused while a lex Sarah rapport is
    not handed over, or while a sender who wants an answer has no signed answer. Measures
    still open stay bevakningar after closing."""
    complaint = load_for_handling(session, actor, complaint_id, expected_version)
    _require_open(complaint)
    errors: dict[str, str] = {}
    _check_date(errors, "closed_on", closed_on, complaint.received_on)
    if complaint.lex_sarah is not None and complaint.lex_sarah_reported_on is None:
        errors["lex_sarah"] = (
            "Lex Sarah-rapporten är inte registrerad som lämnad. Registrera när den lämnades "
            "innan synpunkten avslutas."
        )
    if complaint.wants_answer and complaint.sender_name:
        answer = answer_letter(session, complaint)
        if answer is None or not answer.is_signed:
            errors["answer"] = (
                "Personen vill ha svar. Skriv och signera svaret innan synpunkten avslutas."
            )
    if errors:
        raise ValidationFailed(errors)
    complaint.closed_on = closed_on
    _changed(session, actor, complaint, f"avslutad {closed_on}")
    return complaint


def unit_staff(session: Session, actor: Actor) -> list[tuple[uuid.UUID, str]]:
    """The unit's handläggare and chefs, for the "concerns" and "responsible" choices."""
    if actor.unit_id is None:
        return []
    return [
        (user_id, name)
        for user_id, name in session.execute(
            select(User.id, User.full_name)
            .where(
                User.unit_id == actor.unit_id,
                User.active.is_(True),
                User.role.in_([Role.CASEWORKER, Role.MANAGER]),
            )
            .order_by(User.full_name)
        )
    ]
