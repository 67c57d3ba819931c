"""An appeal at the courts (issue 23): överlämnande to förvaltningsrätten with its signed
cover letter, the rulings of förvaltningsrätten, kammarrätten and Högsta
förvaltningsdomstolen, the follow-up a ruling asks of the nämnd, and the nämnd's own appeal
of a ruling it lost.

The days come from app.deadlines.appeal_deadlines (rules "forwarding", "ruling_enforced",
"board_appeal_period" of resources/after_decision.json); the bevakningar they make are read
by app.deadlines.deadlines. Everything here is the case's content: read with the case,
written with write access to it (not while it is checked out to a laptop), audited.
Nothing is deleted.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.appeals import appeal_register
from app.cases.case_register import load_case
from app.cases.letterhead import Letterhead, letterhead_for
from app.common import clock
from app.common.errors import (
    AccessDenied,
    NotFound,
    ServiceError,
    StaleRecordError,
    ValidationFailed,
)
from app.common.formatting import long_date, period_text
from app.deadlines import after_decision_rules as rules
from app.deadlines import appeal_deadlines
from app.decisions import letters
from app.models import (
    Appeal,
    AppealRuling,
    Case,
    CourtInstance,
    Decision,
    Letter,
    LetterKind,
    MemberRole,
    Party,
    Reconsideration,
    RulingOutcome,
    Timeliness,
)
from app.security import access, audit
from app.security.actor import Actor
from app.settings import configuration

FORWARDABLE = (Timeliness.IN_TIME, Timeliness.LATE_EXCUSED, Timeliness.UNKNOWN)
"""An appeal that is not dismissed as late is överlämnat (FPL 6 b § tredje stycket)."""

TO_CARRY_OUT = (RulingOutcome.GRANTED, RulingOutcome.PARTLY_GRANTED, RulingOutcome.REMITTED)
"""Outcomes the nämnd must carry out (when the applicant brought the appeal)."""

INSTANCE_ORDER = (
    CourtInstance.ADMINISTRATIVE_COURT,
    CourtInstance.COURT_OF_APPEAL,
    CourtInstance.SUPREME_COURT,
)

DEFAULT_DOCUMENTS = (
    "Överklagandet",
    "Det överklagade beslutet",
    "Utredningen i ärendet (journalanteckningar i urval)",
    "Ansökan med underlag",
    "Nämndens omprövning",
)
"""The documents proposed for an överlämnande; the handläggare ticks and edits them."""

DOCUMENT_LIMIT = 30
DOCUMENT_LENGTH = 200
COURT_LENGTH = 300
"""As the setting appeal.administrative_court and appeals.court."""
POSITION_LENGTH = 500
NOTE_LENGTH = 4_000
CASE_NUMBER_LENGTH = 40


# --- reading ------------------------------------------------------------------------------


def _appeal(session: Session, actor: Actor, appeal_id: uuid.UUID, *, write: bool) -> Appeal:
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound("Överklagandet finns inte.")
    case = load_case(session, appeal.case_id)
    (access.require_write if write else access.require_read)(session, actor, case)
    return appeal


def _ruling(session: Session, actor: Actor, ruling_id: uuid.UUID) -> AppealRuling:
    ruling = session.get(AppealRuling, ruling_id)
    if ruling is None:
        raise NotFound("Domen finns inte.")
    _appeal(session, actor, ruling.appeal_id, write=True)
    return ruling


def forwarding_problem(appeal: Appeal) -> str | None:
    """Why the appeal cannot be överlämnat now (Swedish), or None."""
    if appeal.forwarded_on is not None:
        return f"Överklagandet överlämnades till domstolen {long_date(appeal.forwarded_on)}."
    if appeal.withdrawn_on is not None:
        return "Överklagandet är återkallat och ska inte överlämnas."
    if appeal.timeliness is None:
        return "Gör rättidsprövningen först: det är inte bestämt om överklagandet kom in i tid."
    if appeal.timeliness not in FORWARDABLE:
        return "Överklagandet kom in för sent och ska avvisas, inte överlämnas."
    # A decision changed as the appellant asks does not end the appeal: the new decision is
    # överlämnat with it (förvaltningslagen 46 § andra stycket, rule "reconsideration"; the
    # old law's 28 §, under which it lapsed, is gone).
    return None


def board_lost(ruling: AppealRuling) -> bool:
    """The nämnd lost at this instance: the applicant's appeal was granted (fully or partly),
    or the nämnd's own appeal was not."""
    if ruling.appealed_by is Party.APPLICANT:
        return ruling.outcome in (RulingOutcome.GRANTED, RulingOutcome.PARTLY_GRANTED)
    return ruling.outcome in (
        RulingOutcome.REFUSED,
        RulingOutcome.LEAVE_REFUSED,
        RulingOutcome.DISMISSED,
    )


def to_carry_out(instance: CourtInstance, outcome: RulingOutcome, appealed_by: Party) -> bool:
    """A ruling the nämnd must carry out: återförvisning, or bifall (fully or partly) of
    the applicant's appeal."""
    del instance
    if outcome is RulingOutcome.REMITTED:
        return True
    return appealed_by is Party.APPLICANT and outcome in TO_CARRY_OUT


def board_may_appeal(ruling: AppealRuling) -> bool:
    """The nämnd's own appeal is a bevakning: it lost, below Högsta förvaltningsdomstolen,
    and has recorded neither an appeal nor that it does not appeal."""
    return (
        ruling.instance is not CourtInstance.SUPREME_COURT
        and board_lost(ruling)
        and ruling.board_appeal_sent_on is None
        and ruling.board_appeal_decided_not_on is None
    )


@dataclass(frozen=True)
class RulingRow:
    id: uuid.UUID
    version: int
    instance: CourtInstance
    ruled_on: date
    outcome: RulingOutcome
    appealed_by: Party
    court_case_number: str
    note: str
    follow_up_due: date | None
    follow_up_done_on: date | None
    follow_up_decision: str
    """The carrying-out decision, as a label ("" when none)."""
    board_lost: bool
    board_appeal_last_day: date | None
    """Shown where the nämnd lost below HFD."""
    board_appeal_sent_on: date | None
    board_appeal_decided_not_on: date | None

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_due is not None and self.follow_up_done_on is None

    @property
    def board_appeal_open(self) -> bool:
        return (
            self.board_appeal_last_day is not None
            and self.board_appeal_sent_on is None
            and self.board_appeal_decided_not_on is None
        )

    @property
    def follow_up_text(self) -> str:
        if self.follow_up_due is None:
            return "–"
        if self.follow_up_done_on is not None:
            done = f"Verkställd {long_date(self.follow_up_done_on)}"
            return f"{done} ({self.follow_up_decision})" if self.follow_up_decision else done
        return f"Verkställ senast {long_date(self.follow_up_due)}"

    @property
    def board_appeal_text(self) -> str:
        if self.board_appeal_sent_on is not None:
            return f"Överklagat den {long_date(self.board_appeal_sent_on)}"
        if self.board_appeal_decided_not_on is not None:
            return f"Nämnden överklagar inte ({long_date(self.board_appeal_decided_not_on)})"
        if self.board_appeal_last_day is not None:
            return f"Sista dag {long_date(self.board_appeal_last_day)}"
        return "–"


@dataclass(frozen=True)
class CourtHistory:
    appeal_id: uuid.UUID
    case_id: uuid.UUID
    version: int
    received_on: date
    decision_label: str
    forwarding_due: date
    forwarding_problem: str | None
    forwarded_on: date | None
    court: str
    documents: tuple[str, ...]
    letter_id: uuid.UUID | None
    """The signed cover letter of the överlämnande."""
    rulings: tuple[RulingRow, ...]
    position: str
    """The nämnd's position proposed for the cover letter (`default_position`)."""
    edit_refusal: str
    """Why the actor may read but not change the appeal here (checked out to a laptop),
    or ""."""

    @property
    def next_instance(self) -> CourtInstance | None:
        done = {r.instance for r in self.rulings}
        for instance in INSTANCE_ORDER:
            if instance not in done:
                return instance
        return None


def decision_label(decision: Decision) -> str:
    decided = decision.decided_on or (decision.signed_at.date() if decision.signed_at else None)
    return (
        f"Beslut {long_date(decided)} om {decision.kind.label.lower()} "
        f"({period_text(decision.period_start, decision.period_end)})"
    )


def court_history(session: Session, actor: Actor, appeal_id: uuid.UUID) -> CourtHistory:
    """The appeal's överlämnande and its rulings, for the court panel (a logged read)."""
    appeal = _appeal(session, actor, appeal_id, write=False)
    decision = session.get(Decision, appeal.decision_id)
    rows = session.scalars(select(AppealRuling).where(AppealRuling.appeal_id == appeal.id)).all()
    rows = sorted(rows, key=lambda r: INSTANCE_ORDER.index(r.instance))
    letter_id = session.scalar(
        select(Letter.id).where(
            Letter.appeal_id == appeal.id,
            Letter.kind == LetterKind.APPEAL_FORWARDING,
            Letter.signed_at.is_not(None),
        )
    )
    rulings = []
    for r in rows:
        follow_decision = (
            session.get(Decision, r.follow_up_decision_id) if r.follow_up_decision_id else None
        )
        lost = board_lost(r)
        rulings.append(
            RulingRow(
                r.id,
                r.version,
                r.instance,
                r.ruled_on,
                r.outcome,
                r.appealed_by,
                r.court_case_number,
                r.note,
                r.follow_up_due,
                r.follow_up_done_on,
                decision_label(follow_decision) if follow_decision else "",
                lost,
                appeal_deadlines.board_appeal_last_day(r.ruled_on)
                if lost and r.instance is not CourtInstance.SUPREME_COURT
                else None,
                r.board_appeal_sent_on,
                r.board_appeal_decided_not_on,
            )
        )
    try:
        access.require_write(session, actor, load_case(session, appeal.case_id))
        refusal = ""
    except AccessDenied as denied:
        refusal = str(denied)
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "appeal_court",
        entity_id=appeal.id,
        case_id=appeal.case_id,
    )
    return CourtHistory(
        appeal.id,
        appeal.case_id,
        appeal.version,
        appeal.received_on,
        decision_label(decision) if decision else "",
        appeal_deadlines.forwarding_due(appeal.received_on),
        forwarding_problem(appeal),
        appeal.forwarded_on,
        appeal.court,
        tuple(json.loads(appeal.forwarded_documents or "[]")),
        letter_id,
        tuple(rulings),
        default_position(appeal),
        refusal,
    )


def default_court() -> str:
    """The unit's förvaltningsrätt from IT's configuration file (appeal.administrative_court),
    or "" when it is not set."""
    return configuration.current().appeal.administrative_court


def default_position(appeal: Appeal) -> str:
    """The nämnd's position in one line, by the omprövning."""
    if appeal.reconsideration is Reconsideration.PARTLY_CHANGED:
        return (
            "Nämnden har omprövat beslutet och ändrat det delvis. I övrigt står nämnden fast "
            "vid beslutet."
        )
    if appeal.reconsideration is Reconsideration.CHANGED:
        return (
            "Nämnden har omprövat beslutet och ändrat det så som klaganden begär. Det nya "
            "beslutet lämnas över tillsammans med överklagandet."
        )
    if appeal.reconsideration is Reconsideration.NOT_CHANGED:
        return "Nämnden har omprövat beslutet utan att ändra det och står fast vid beslutet."
    return "Nämnden står fast vid beslutet."


def signed_decisions(
    session: Session, actor: Actor, case_id: uuid.UUID
) -> list[tuple[uuid.UUID, str]]:
    """The case's signed decisions (id, label), latest first: the choices for the decision
    that carries out a ruling. Logged as a read."""
    case = load_case(session, case_id)
    access.require_read(session, actor, case)
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "decisions",
        case_id=case_id,
        detail="beslut som verkställer en dom",
    )
    found = session.scalars(
        select(Decision)
        .where(Decision.case_id == case_id, Decision.signed_at.is_not(None))
        .order_by(Decision.signed_at.desc())
    ).all()
    return [(d.id, decision_label(d)) for d in found]


# --- överlämnande -------------------------------------------------------------------------


@dataclass(frozen=True)
class ForwardingInput:
    forwarded_on: date
    court: str
    documents: tuple[str, ...]
    position: str


@dataclass(frozen=True)
class ForwardingLetter:
    """What the cover letter prints (app.printing.forwarding_letter)."""

    letterhead: Letterhead
    court: str
    case_number: str
    applicant_lines: tuple[str, ...]
    """Name and personnummer; the address only when the household is not protected."""
    address_protected: bool
    decision: str
    received_on: date
    forwarded_on: date
    position: str
    documents: tuple[str, ...]
    rule_text: str
    rule_paragraph: str
    signer: str
    signer_title: str
    unit_name: str
    unit_phone: str
    unit_address: str
    is_preview: bool


def _validated(appeal: Appeal, given: ForwardingInput) -> ForwardingInput:
    errors: dict[str, str] = {}
    court = " ".join(given.court.split())
    documents = tuple(d.strip() for d in given.documents if d.strip())
    position = " ".join(given.position.split())
    today = clock.today()
    if given.forwarded_on > today:
        errors["forwarded_on"] = "Dagen för överlämnandet kan inte vara senare än i dag."
    elif given.forwarded_on < appeal.received_on:
        errors["forwarded_on"] = (
            "Överklagandet kan inte överlämnas före den dag det kom in "
            f"({long_date(appeal.received_on)})."
        )
    if not court:
        errors["court"] = "Skriv vilken förvaltningsrätt överklagandet skickas till."
    elif len(court) > COURT_LENGTH:
        errors["court"] = f"Domstolens namn får vara högst {COURT_LENGTH} tecken."
    if not documents:
        errors["documents"] = "Välj minst en handling som skickas med (överklagandet)."
    elif len(documents) > DOCUMENT_LIMIT:
        errors["documents"] = f"Högst {DOCUMENT_LIMIT} handlingar kan listas."
    elif any(len(d) > DOCUMENT_LENGTH for d in documents):
        errors["documents"] = f"Varje handling får beskrivas med högst {DOCUMENT_LENGTH} tecken."
    if not position:
        errors["position"] = "Skriv nämndens inställning på en rad."
    elif len(position) > POSITION_LENGTH:
        errors["position"] = f"Nämndens inställning får vara högst {POSITION_LENGTH} tecken."
    if any("\x00" in t for t in (court, position, *documents)):
        errors["documents"] = "Texten innehåller ett otillåtet tecken (NUL)."
    if errors:
        raise ValidationFailed(errors)
    return ForwardingInput(given.forwarded_on, court, documents, position)


def _applicant(case: Case) -> tuple[tuple[str, ...], bool]:
    members = [
        m
        for m in case.household.members
        if m.role in (MemberRole.APPLICANT, MemberRole.CO_APPLICANT)
        and (m.member_until is None or m.member_until >= clock.today())
    ] or [m for m in case.household.members if m.role is MemberRole.APPLICANT]
    protected = any(m.person.protected_identity for m in case.household.members)
    lines = [f"{m.person.full_name}, {m.person.display_number}" for m in members]
    household = case.household
    if protected:
        lines.append(
            "Skyddade personuppgifter: adressen lämnas inte ut. Kontakta nämnden för delgivning."
        )
    else:
        lines += [
            line
            for line in (
                household.street_address,
                f"{household.postal_code} {household.city}".strip(),
            )
            if line
        ]
    return tuple(lines), protected


def _letter_data(
    session: Session,
    actor: Actor,
    appeal: Appeal,
    given: ForwardingInput,
    *,
    preview: bool,
) -> ForwardingLetter:
    case = load_case(session, appeal.case_id)
    decision = session.get(Decision, appeal.decision_id)
    applicant, protected = _applicant(case)
    rule = rules.rule(rules.FORWARDING)
    unit = case.unit
    return ForwardingLetter(
        letterhead=letterhead_for(case, actor, "Överlämnande av överklagande"),
        court=given.court,
        case_number=case.case_number,
        applicant_lines=applicant,
        address_protected=protected,
        decision=decision_label(decision) if decision else "",
        received_on=appeal.received_on,
        forwarded_on=given.forwarded_on,
        position=given.position,
        documents=given.documents,
        rule_text=rule.text,
        rule_paragraph=rule.paragraph,
        signer=actor.full_name,
        signer_title=actor.title,
        unit_name=unit.name,
        unit_phone=unit.phone or "",
        unit_address=unit.postal_address or "",
        is_preview=preview,
    )


def forwarding_preview(
    session: Session, actor: Actor, appeal_id: uuid.UUID, given: ForwardingInput
) -> ForwardingLetter:
    """What the cover letter would print if signed now, marked as a draft; nothing is saved
    (render it with app.printing.forwarding_letter). Logged as a print of the appeal."""
    appeal = _appeal(session, actor, appeal_id, write=True)
    problem = forwarding_problem(appeal)
    if problem:
        raise ServiceError(problem)
    checked = _validated(appeal, given)
    audit.record(
        session,
        actor,
        audit.Action.PRINT,
        "appeal",
        entity_id=appeal.id,
        case_id=appeal.case_id,
        detail="följebrev till domstolen (utkast)",
    )
    return _letter_data(session, actor, appeal, checked, preview=True)


def preview_forwarding(
    session: Session,
    actor: Actor,
    appeal_id: uuid.UUID,
    given: ForwardingInput,
    render: Callable[[ForwardingLetter], bytes],
) -> bytes:
    """The draft cover letter rendered (`forwarding_preview`)."""
    return render(forwarding_preview(session, actor, appeal_id, given))


def forward(
    session: Session,
    actor: Actor,
    appeal_id: uuid.UUID,
    given: ForwardingInput,
    render: Callable[[ForwardingLetter], bytes],
    *,
    expected_version: int | None = None,
) -> Letter:
    """Record the överlämnande (day, court, documents) and sign its cover letter, archived
    as a PDF: one transaction. Whoever may write the case signs it."""
    appeal = _appeal(session, actor, appeal_id, write=True)
    if expected_version is not None and appeal.version != expected_version:
        raise StaleRecordError("Överklagandet har ändrats av någon annan. Läs in det igen.")
    problem = forwarding_problem(appeal)
    if problem:
        raise ServiceError(problem)
    checked = _validated(appeal, given)
    data = _letter_data(session, actor, appeal, checked, preview=False)
    case = load_case(session, appeal.case_id)
    letter = letters.draft_letter(
        session,
        actor,
        kind=LetterKind.APPEAL_FORWARDING,
        unit_id=case.unit_id,
        case_id=case.id,
        appeal_id=appeal.id,
        recipient=checked.court,
        body=checked.position,
        content={
            "documents": list(checked.documents),
            "forwarded_on": checked.forwarded_on.isoformat(),
            "decision": data.decision,
            "received_on": appeal.received_on.isoformat(),
            "applicant": list(data.applicant_lines),
            "rule": rules.FORWARDING,
            "rule_text": data.rule_text,
            "rule_paragraph": data.rule_paragraph,
        },
    )
    letters.sign_letter(
        session,
        actor,
        letter,
        lambda _signed: render(data),
        rules=[rules.FORWARDING],
    )
    appeal.forwarded_on = checked.forwarded_on
    appeal.court = checked.court
    appeal.forwarded_documents = json.dumps(list(checked.documents), ensure_ascii=False)
    appeal_register.record_change(
        session,
        actor,
        appeal,
        f"Överlämnat till {checked.court} {checked.forwarded_on.isoformat()}",
    )
    return letter


def forwarding_letter_pdf(session: Session, actor: Actor, appeal_id: uuid.UUID) -> bytes:
    """The signed cover letter exactly as archived (logged as an export)."""
    appeal = _appeal(session, actor, appeal_id, write=False)
    letter = session.scalar(
        select(Letter).where(
            Letter.appeal_id == appeal.id,
            Letter.kind == LetterKind.APPEAL_FORWARDING,
            Letter.signed_at.is_not(None),
        )
    )
    if letter is None:
        raise NotFound("Överklagandet är inte överlämnat; det finns inget följebrev.")
    return letters.archived_pdf(session, actor, letter)


# --- rulings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RulingInput:
    instance: CourtInstance
    ruled_on: date
    outcome: RulingOutcome
    appealed_by: Party = Party.APPLICANT
    court_case_number: str = ""
    note: str = ""
    follow_up_due: date | None = None
    """For a ruling to carry out; None proposes the ruling's day (rule "ruling_enforced")."""


def proposed_follow_up(ruled_on: date) -> date:
    """The day a ruling is to be carried out by: it is enforced at once (rule
    "ruling_enforced"), so the ruling's own day; the handläggare may set another."""
    assert rules.rule(rules.RULING_ENFORCED).confirmed
    return ruled_on


def register_ruling(
    session: Session, actor: Actor, appeal_id: uuid.UUID, given: RulingInput
) -> AppealRuling:
    """A court's ruling in the appeal, in the order of the instances."""
    appeal = _appeal(session, actor, appeal_id, write=True)
    existing = {
        r.instance: r
        for r in session.scalars(select(AppealRuling).where(AppealRuling.appeal_id == appeal.id))
    }
    errors: dict[str, str] = {}
    instance = given.instance
    index = INSTANCE_ORDER.index(instance)
    lower = existing.get(INSTANCE_ORDER[index - 1]) if index else None
    if instance in existing:
        errors["instance"] = f"Det finns redan en dom från {instance.label.lower()}."
    elif index and lower is None:
        errors["instance"] = (
            f"Registrera domen från {INSTANCE_ORDER[index - 1].label.lower()} först: "
            f"{instance.label.lower()} prövar en dom från den."
        )
    elif not index and appeal.forwarded_on is None:
        errors["instance"] = "Registrera överlämnandet till förvaltningsrätten först."
    if given.outcome is RulingOutcome.LEAVE_REFUSED and not instance.needs_leave:
        errors["outcome"] = (
            "Prövningstillstånd behövs inte i förvaltningsrätten; välj ett annat utfall."
        )
    if instance is CourtInstance.ADMINISTRATIVE_COURT and given.appealed_by is Party.BOARD:
        errors["appealed_by"] = (
            "I förvaltningsrätten är det den enskilde som har överklagat nämndens beslut."
        )
    if lower is not None and given.appealed_by is Party.BOARD and not lower.board_appeal_sent_on:
        errors["appealed_by"] = (
            "Registrera först när nämnden överklagade domen från "
            f"{lower.instance.label.lower()} (Nämndens överklagande)."
        )
    if given.ruled_on > clock.today():
        errors["ruled_on"] = "Domen kan inte ha meddelats senare än i dag."
    elif lower is not None and given.ruled_on < lower.ruled_on:
        errors["ruled_on"] = (
            f"Domen kan inte ha meddelats före domen från {lower.instance.label.lower()} "
            f"({long_date(lower.ruled_on)})."
        )
    elif not index and appeal.forwarded_on and given.ruled_on < appeal.forwarded_on:
        errors["ruled_on"] = (
            f"Domen kan inte ha meddelats före överlämnandet ({long_date(appeal.forwarded_on)})."
        )
    number = given.court_case_number.strip()
    if len(number) > CASE_NUMBER_LENGTH:
        errors["court_case_number"] = f"Målnumret får vara högst {CASE_NUMBER_LENGTH} tecken."
    if len(given.note) > NOTE_LENGTH:
        errors["note"] = f"Anteckningen får vara högst {NOTE_LENGTH} tecken."
    if "\x00" in number or "\x00" in given.note:
        errors["note"] = "Texten innehåller ett otillåtet tecken (NUL)."
    carry_out = to_carry_out(instance, given.outcome, given.appealed_by)
    follow_up = None
    if carry_out:
        follow_up = given.follow_up_due or proposed_follow_up(given.ruled_on)
        if follow_up < given.ruled_on:
            errors["follow_up_due"] = "Bevakningen kan inte infalla före domens dag."
    if errors:
        raise ValidationFailed(errors)
    ruling = AppealRuling(
        case_id=appeal.case_id,
        appeal_id=appeal.id,
        instance=instance,
        appealed_by=given.appealed_by,
        ruled_on=given.ruled_on,
        outcome=given.outcome,
        court_case_number=number,
        note=given.note.strip(),
        follow_up_due=follow_up,
        recorded_by=actor.id,
        updated_by=actor.id,
    )
    session.add(ruling)
    if not index and not appeal.court_case_number and number:
        appeal.court_case_number = number
        appeal.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.CREATE,
        "appeal_ruling",
        entity_id=ruling.id,
        case_id=appeal.case_id,
        detail=f"{instance.label}: {given.outcome.label} {given.ruled_on.isoformat()}",
    )
    return ruling


def record_board_appeal(
    session: Session,
    actor: Actor,
    ruling_id: uuid.UUID,
    *,
    appealed_on: date | None = None,
    not_appealed_on: date | None = None,
    expected_version: int | None = None,
) -> AppealRuling:
    """The nämnd's own appeal of a ruling it lost: "överklagat den …" or "nämnden
    överklagar inte" (one of them), which ends the bevakning."""
    ruling = _ruling(session, actor, ruling_id)
    if expected_version is not None and ruling.version != expected_version:
        raise StaleRecordError("Domen har ändrats av någon annan. Läs in den igen.")
    if not board_lost(ruling) or ruling.instance is CourtInstance.SUPREME_COURT:
        raise ServiceError("Nämnden har inte förlorat i den här domen och kan inte överklaga den.")
    if ruling.board_appeal_sent_on or ruling.board_appeal_decided_not_on:
        raise ServiceError("Nämndens ställningstagande till domen är redan registrerat.")
    if (appealed_on is None) == (not_appealed_on is None):
        raise ValidationFailed(
            {"choice": "Ange antingen när nämnden överklagade eller att nämnden inte överklagar."}
        )
    day = appealed_on or not_appealed_on
    assert day is not None
    if day > clock.today():
        raise ValidationFailed({"day": "Dagen kan inte vara senare än i dag."})
    if day < ruling.ruled_on:
        raise ValidationFailed(
            {"day": f"Dagen kan inte vara före domens dag ({long_date(ruling.ruled_on)})."}
        )
    last = appeal_deadlines.board_appeal_last_day(ruling.ruled_on)
    if appealed_on is not None and appealed_on > last:
        raise ValidationFailed(
            {
                "day": f"Sista dagen att överklaga var {long_date(last)}. Ett senare överklagande "
                "avvisas av domstolen; registrera i så fall att nämnden inte överklagar."
            }
        )
    ruling.board_appeal_sent_on = appealed_on
    ruling.board_appeal_decided_not_on = not_appealed_on
    ruling.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "appeal_ruling",
        entity_id=ruling.id,
        case_id=ruling.case_id,
        detail=(
            f"Nämnden överklagar {day.isoformat()}"
            if appealed_on
            else f"Nämnden överklagar inte {day.isoformat()}"
        ),
    )
    return ruling


def record_carried_out(
    session: Session,
    actor: Actor,
    ruling_id: uuid.UUID,
    *,
    decision_id: uuid.UUID | None = None,
    done_on: date | None = None,
    expected_version: int | None = None,
) -> AppealRuling:
    """The ruling is carried out: by a signed decision of the case (its day), or marked done
    on a day. Ends the bevakning."""
    ruling = _ruling(session, actor, ruling_id)
    if expected_version is not None and ruling.version != expected_version:
        raise StaleRecordError("Domen har ändrats av någon annan. Läs in den igen.")
    if ruling.follow_up_due is None:
        raise ServiceError("Domen kräver inget beslut av nämnden.")
    if ruling.follow_up_done_on is not None:
        raise ServiceError("Domen är redan registrerad som verkställd.")
    if decision_id is not None:
        decision = session.get(Decision, decision_id)
        if decision is None or decision.case_id != ruling.case_id or decision.signed_at is None:
            raise ValidationFailed({"decision": "Välj ett signerat beslut i ärendet."})
        done_on = done_on or decision.decided_on or decision.signed_at.date()
    if done_on is None:
        raise ValidationFailed(
            {"decision": "Välj beslutet som verkställer domen, eller ange dagen den verkställdes."}
        )
    if done_on > clock.today():
        raise ValidationFailed({"done_on": "Dagen kan inte vara senare än i dag."})
    if done_on < ruling.ruled_on:
        raise ValidationFailed(
            {"done_on": f"Dagen kan inte vara före domens dag ({long_date(ruling.ruled_on)})."}
        )
    ruling.follow_up_decision_id = decision_id
    ruling.follow_up_done_on = done_on
    ruling.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "appeal_ruling",
        entity_id=ruling.id,
        case_id=ruling.case_id,
        detail=f"Verkställd {done_on.isoformat()}",
    )
    return ruling
