"""The appeal register up to the överlämnande: an appeal of a signed decision registered as
it came in, the rättidsprövning (förvaltningslagen 45 §) on the program's proposal, and the
omprövning (37–39 §§) with the new decision that replaces the appealed one.

Everything is read and written with the case (access.require_read / require_write), each
read shown and each write audited; nothing is deleted. The avvisning of a late appeal is in
app.appeals.dismissal; the överlämnande and the rulings in app.appeals.court_proceedings.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.appeals import delivery
from app.cases.case_register import load_case
from app.common import clock
from app.common.errors import NotFound, StaleRecordError, ValidationFailed
from app.common.formatting import long_date, period_text, short_date
from app.common.text_input import clean_text
from app.deadlines import appeal_deadlines
from app.models import (
    Appeal,
    Appellant,
    Decision,
    DecisionDelivery,
    Reconsideration,
    Timeliness,
)
from app.security import access, audit
from app.security.actor import Actor

CLAIMS_LIMIT = 10_000
REASON_LIMIT = 2_000
NAME_LIMIT = 200


@dataclass(frozen=True)
class AppealInput:
    decision_id: uuid.UUID | None
    received_on: date | None
    received_by_court_on: date | None = None
    appellant: Appellant = Appellant.APPLICANT
    appellant_name: str = ""
    claims: str = ""


@dataclass(frozen=True)
class DecisionChoice:
    """A signed decision of the case that can be appealed, as the register lists it."""

    id: uuid.UUID
    text: str


@dataclass(frozen=True)
class AppealRow:
    id: uuid.UUID
    version: int
    decision_id: uuid.UUID
    decision_text: str
    received_on: date
    received_by_court_on: date | None
    appellant: Appellant
    appellant_name: str
    claims: str
    timeliness: Timeliness | None
    timeliness_reason: str
    reconsidered_on: date | None
    reconsideration: Reconsideration | None
    reconsideration_note: str
    replacing_decision_id: uuid.UUID | None
    forwarded_on: date | None
    withdrawn_on: date | None
    dismissal_signed_on: date | None = None

    @property
    def status(self) -> str:
        if self.withdrawn_on is not None:
            return f"Återkallat {short_date(self.withdrawn_on)}"
        if self.dismissal_signed_on is not None:
            return f"Avvisat {short_date(self.dismissal_signed_on)}"
        if self.forwarded_on is not None:
            return f"Överlämnat {short_date(self.forwarded_on)}"
        if self.timeliness is None:
            return "Rättidsprövning återstår"
        if self.timeliness is Timeliness.LATE:
            return "Ska avvisas"
        if self.reconsideration is None:
            return "Omprövning återstår"
        if self.reconsideration is Reconsideration.CHANGED and self.replacing_decision_id:
            return "Ändrat som klaganden begär"
        return "Ska överlämnas"


@dataclass(frozen=True)
class TimelinessProposal:
    proposed: Timeliness
    delivered_on: date | None
    last_day: date | None
    received_on: date
    explanation: str


def decision_text(decision: Decision) -> str:
    """ "Beslut 23 november 2026 om försörjningsstöd för december 2026 (avslag)"."""
    return (
        f"Beslut {long_date(decision.decided_on)} om {decision.kind.label.lower()} för "
        f"{period_text(decision.period_start, decision.period_end)} "
        f"({decision.outcome.label.lower()})"
    )


def appealable_decisions(
    session: Session, actor: Actor, case_id: uuid.UUID
) -> list[DecisionChoice]:
    """The case's signed decisions, newest first. Logged as a read."""
    access.require_read(session, actor, load_case(session, case_id))
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "decisions",
        case_id=case_id,
        detail="beslut som kan överklagas",
    )
    return [
        DecisionChoice(d.id, decision_text(d))
        for d in session.scalars(
            select(Decision)
            .where(Decision.case_id == case_id, Decision.signed_at.is_not(None))
            .order_by(Decision.decided_on.desc(), Decision.period_start.desc())
        )
    ]


def _validated(data: AppealInput, decision: Decision | None) -> AppealInput:
    errors: dict[str, str] = {}
    if decision is None:
        errors["decision"] = "Välj det beslut som överklagas."
    claims = clean_text(
        data.claims,
        field="claims",
        label="Vad klaganden begär",
        max_length=CLAIMS_LIMIT,
        required=True,
        multiline=True,
    )
    name = clean_text(
        data.appellant_name, field="appellant_name", label="Ombudets namn", max_length=NAME_LIMIT
    )
    if data.appellant is Appellant.REPRESENTATIVE and not name:
        errors["appellant_name"] = "Skriv ombudets namn."
    if data.appellant is Appellant.APPLICANT:
        name = ""
    today = clock.today()
    for field, day, what in (
        ("received_on", data.received_on, "Dagen då överklagandet kom in"),
        ("received_by_court_on", data.received_by_court_on, "Dagen då det kom in till domstolen"),
    ):
        if day is None:
            if field == "received_on":
                errors[field] = "Ange dagen då överklagandet kom in till nämnden."
            continue
        if day > today:
            errors[field] = f"{what} kan inte vara ett datum som inte har varit ännu."
        elif decision is not None and decision.decided_on and day < decision.decided_on:
            errors[field] = (
                f"{what} kan inte vara före beslutsdagen ({long_date(decision.decided_on)})."
            )
    if errors:
        raise ValidationFailed(errors)
    return AppealInput(
        data.decision_id, data.received_on, data.received_by_court_on, data.appellant, name, claims
    )


def _load(session: Session, appeal_id: uuid.UUID) -> Appeal:
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound("Överklagandet finns inte.")
    return appeal


def writable_appeal(
    session: Session, actor: Actor, appeal_id: uuid.UUID, expected_version: int | None = None
) -> Appeal:
    """The appeal, if `actor` may write its case (and nobody saved it in between)."""
    appeal = _load(session, appeal_id)
    access.require_write(session, actor, load_case(session, appeal.case_id))
    if expected_version is not None and appeal.version != expected_version:
        raise StaleRecordError("Överklagandet har ändrats av någon annan. Läs in det igen.")
    return appeal


def readable_appeal(session: Session, actor: Actor, appeal_id: uuid.UUID) -> Appeal:
    appeal = _load(session, appeal_id)
    access.require_read(session, actor, load_case(session, appeal.case_id))
    return appeal


def _case_decision(
    session: Session, case_id: uuid.UUID, decision_id: uuid.UUID | None
) -> Decision | None:
    """A signed decision of the case, or None."""
    if decision_id is None:
        return None
    decision = session.get(Decision, decision_id)
    if decision is None or decision.case_id != case_id or not decision.is_signed:
        return None
    return decision


def register_appeal(
    session: Session, actor: Actor, case_id: uuid.UUID, data: AppealInput
) -> Appeal:
    """Register an appeal of a signed decision of the case, as it came in."""
    case = load_case(session, case_id)
    access.require_write(session, actor, case)
    decision = _case_decision(session, case_id, data.decision_id)
    if data.decision_id is not None and decision is None:
        raise ValidationFailed(
            {"decision": "Bara ett signerat beslut i det här ärendet kan överklagas här."}
        )
    clean = _validated(data, decision)
    assert decision is not None and clean.received_on is not None
    appeal = Appeal(
        case_id=case_id,
        decision_id=decision.id,
        received_on=clean.received_on,
        received_by_court_on=clean.received_by_court_on,
        appellant=clean.appellant,
        appellant_name=clean.appellant_name,
        claims=clean.claims,
        registered_by=actor.id,
        updated_by=actor.id,
    )
    session.add(appeal)
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.CREATE,
        "appeal",
        entity_id=appeal.id,
        case_id=case_id,
        detail=f"Överklagande inkommet {clean.received_on.isoformat()}",
    )
    return appeal


def _row(appeal: Appeal, decision: Decision | None, dismissed_on: date | None) -> AppealRow:
    return AppealRow(
        appeal.id,
        appeal.version,
        appeal.decision_id,
        decision_text(decision) if decision is not None else "",
        appeal.received_on,
        appeal.received_by_court_on,
        appeal.appellant,
        appeal.appellant_name,
        appeal.claims,
        appeal.timeliness,
        appeal.timeliness_reason,
        appeal.reconsidered_on,
        appeal.reconsideration,
        appeal.reconsideration_note,
        appeal.replacing_decision_id,
        appeal.forwarded_on,
        appeal.withdrawn_on,
        dismissed_on,
    )


def list_appeals(session: Session, actor: Actor, case_id: uuid.UUID) -> list[AppealRow]:
    """The case's appeals, latest received first. Logged as a read."""
    from app.appeals import dismissal  # the letters of the appeals listed

    access.require_read(session, actor, load_case(session, case_id))
    appeals = session.scalars(
        select(Appeal)
        .where(Appeal.case_id == case_id)
        .order_by(Appeal.received_on.desc(), Appeal.created_at.desc())
    ).all()
    decisions = {
        d.id: d
        for d in session.scalars(
            select(Decision).where(Decision.id.in_({a.decision_id for a in appeals}))
        )
    }
    signed = dismissal.signed_dismissals(session, case_id)
    audit.record(session, actor, audit.Action.OPEN, "appeals", case_id=case_id)
    return [_row(a, decisions.get(a.decision_id), signed.get(a.id)) for a in appeals]


def appeal_row(session: Session, actor: Actor, appeal_id: uuid.UUID) -> AppealRow:
    from app.appeals import dismissal

    appeal = readable_appeal(session, actor, appeal_id)
    audit.record(
        session, actor, audit.Action.OPEN, "appeal", entity_id=appeal.id, case_id=appeal.case_id
    )
    return _row(
        appeal,
        session.get(Decision, appeal.decision_id),
        dismissal.signed_dismissals(session, appeal.case_id).get(appeal.id),
    )


def _require_not_dismissed(session: Session, appeal: Appeal) -> None:
    """A signed avvisning ends the nämnd's handling of the appeal: its rättidsprövning and
    omprövning stand as the letter states them."""
    from app.appeals import dismissal

    if appeal.id in dismissal.signed_dismissals(session, appeal.case_id):
        raise ValidationFailed(
            {
                "timeliness": "Överklagandet är avvisat med ett signerat beslut och kan inte "
                "prövas på nytt här. Ett överklagande av avvisningen går till förvaltningsrätten."
            }
        )


def record_withdrawal(
    session: Session,
    actor: Actor,
    appeal_id: uuid.UUID,
    withdrawn_on: date | None,
    *,
    expected_version: int | None = None,
) -> Appeal:
    """The appellant återkallade the appeal (it is then neither prövat nor överlämnat, and
    its bevakningar end; the statistics count it as withdrawn). Once recorded it stands."""
    appeal = writable_appeal(session, actor, appeal_id, expected_version)
    _require_not_dismissed(session, appeal)
    if appeal.withdrawn_on is not None:
        raise ValidationFailed(
            {
                "withdrawn_on": "Överklagandet är redan återkallat "
                f"({long_date(appeal.withdrawn_on)})."
            }
        )
    if appeal.forwarded_on is not None:
        raise ValidationFailed(
            {
                "withdrawn_on": "Överklagandet är överlämnat till domstolen, som då avskriver "
                "målet: registrera domstolens beslut (avskrivning) i stället."
            }
        )
    if withdrawn_on is None:
        raise ValidationFailed({"withdrawn_on": "Ange dagen då överklagandet återkallades."})
    if withdrawn_on > clock.today():
        raise ValidationFailed(
            {"withdrawn_on": "Dagen kan inte vara ett datum som inte har varit ännu."}
        )
    if withdrawn_on < appeal.received_on:
        raise ValidationFailed(
            {
                "withdrawn_on": "Ett överklagande kan inte återkallas före dagen då det kom in "
                f"({long_date(appeal.received_on)})."
            }
        )
    appeal.withdrawn_on = withdrawn_on
    record_change(session, actor, appeal, f"Återkallat {withdrawn_on.isoformat()}")
    return appeal


# --- rättidsprövning ------------------------------------------------------------------------
def _days(n: int) -> str:
    return "en dag" if n == 1 else f"{n} dagar"


def proposal_of(session: Session, appeal: Appeal) -> TimelinessProposal:
    """The rättidsprövning's proposal from the recorded delgivning, for a caller that has
    checked access (timeliness_proposal for the screen, the avvisning's facts)."""
    row = session.scalar(
        select(DecisionDelivery).where(DecisionDelivery.decision_id == appeal.decision_id)
    )
    day, last = (
        delivery.outcome_of(delivery.DeliveryInput(row.method, row.sent_on, row.delivered_on))
        if row is not None
        else (None, None)
    )
    proposed = appeal_deadlines.timeliness(day, appeal.received_on, appeal.received_by_court_on)
    received = f"inkom {long_date(appeal.received_on)}"
    if day is None or last is None:
        explanation = (
            f"{delivery.unknown_reason(row.method if row else None)} Överklagandet {received}. "
            "Det kan inte avvisas som för sent."
        )
    else:
        facts = f"Delgiven {long_date(day)}, sista dag {long_date(last)}, {received}"
        late = (appeal.received_on - last).days
        if proposed is Timeliness.IN_TIME:
            explanation = f"{facts}: i tid."
        elif proposed is Timeliness.LATE_EXCUSED:
            assert appeal.received_by_court_on is not None
            explanation = (
                f"{facts}: {_days(late)} för sent, men det kom in till domstolen "
                f"{long_date(appeal.received_by_court_on)}, inom tiden. Det ska inte avvisas "
                "(45 § förvaltningslagen)."
            )
        else:
            explanation = f"{facts}: {_days(late)} för sent."
    return TimelinessProposal(proposed, day, last, appeal.received_on, explanation)


def timeliness_proposal(session: Session, actor: Actor, appeal_id: uuid.UUID) -> TimelinessProposal:
    """The program's proposal for the rättidsprövning, with why. Logged as a read."""
    appeal = readable_appeal(session, actor, appeal_id)
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "appeal",
        entity_id=appeal.id,
        case_id=appeal.case_id,
        detail="rättidsprövning",
    )
    return proposal_of(session, appeal)


def record_timeliness(
    session: Session,
    actor: Actor,
    appeal_id: uuid.UUID,
    decided: Timeliness | None,
    reason: str = "",
    *,
    expected_version: int | None = None,
) -> Appeal:
    """The handläggare's rättidsprövning. An appeal can be recorded as för sent only when
    the day of delgivning is known and the appeal came in after the last day; a decision
    other than the proposal, and a late appeal that is not dismissed, need a reason."""
    appeal = writable_appeal(session, actor, appeal_id, expected_version)
    if decided is None:
        raise ValidationFailed({"timeliness": "Välj vad rättidsprövningen kom fram till."})
    _require_not_dismissed(session, appeal)
    reason = clean_text(
        reason, field="reason", label="Skälet", max_length=REASON_LIMIT, multiline=True
    )
    proposal = proposal_of(session, appeal)
    if decided is Timeliness.LATE and proposal.delivered_on is None:
        raise ValidationFailed(
            {
                "timeliness": "Överklagandet kan inte avvisas som för sent: dagen då sökanden "
                "fick del av beslutet är inte känd. Registrera delgivningen om den kan visas."
            }
        )
    if decided is Timeliness.LATE and proposal.proposed is Timeliness.IN_TIME:
        raise ValidationFailed(
            {
                "timeliness": "Överklagandet kom in i tid "
                f"(sista dag {long_date(proposal.last_day)}) och kan inte avvisas som för sent."
            }
        )
    if decided is Timeliness.LATE_EXCUSED and proposal.proposed is Timeliness.IN_TIME:
        raise ValidationFailed({"timeliness": "Överklagandet kom in i tid; välj ”Inkommit i tid”."})
    if (decided is Timeliness.LATE_EXCUSED or decided is not proposal.proposed) and not reason:
        raise ValidationFailed(
            {
                "reason": "Skriv skälet: "
                + (
                    "varför överklagandet inte ska avvisas fast det kom in för sent."
                    if decided is Timeliness.LATE_EXCUSED
                    else "beslutet skiljer sig från programmets förslag."
                )
            }
        )
    before = appeal.timeliness
    appeal.timeliness = decided
    appeal.timeliness_reason = reason
    record_change(
        session,
        actor,
        appeal,
        f"Rättidsprövning: {before.label if before else '–'} → {decided.label}",
    )
    return appeal


# --- omprövning -----------------------------------------------------------------------------
def replacing_candidates(
    session: Session, actor: Actor, appeal_id: uuid.UUID
) -> list[DecisionChoice]:
    """The signed decisions of the case that replace the appealed one (made in the decision
    editor as a change of it). Logged as a read."""
    appeal = readable_appeal(session, actor, appeal_id)
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "decisions",
        case_id=appeal.case_id,
        detail="beslut som ersätter det överklagade",
    )
    return [
        DecisionChoice(d.id, decision_text(d))
        for d in session.scalars(
            select(Decision)
            .where(
                Decision.case_id == appeal.case_id,
                Decision.replaces_id == appeal.decision_id,
                Decision.signed_at.is_not(None),
            )
            .order_by(Decision.decided_on.desc())
        )
    ]


def record_reconsideration(
    session: Session,
    actor: Actor,
    appeal_id: uuid.UUID,
    outcome: Reconsideration | None,
    note: str = "",
    *,
    reconsidered_on: date | None = None,
    replacing_decision_id: uuid.UUID | None = None,
    expected_version: int | None = None,
) -> Appeal:
    """The omprövning's outcome with a note. A decision that is changed is changed by a new
    decision (replaces_id = the appealed one), linked here once it is signed."""
    appeal = writable_appeal(session, actor, appeal_id, expected_version)
    _require_not_dismissed(session, appeal)
    errors: dict[str, str] = {}
    if outcome is None:
        errors["outcome"] = "Välj vad omprövningen kom fram till."
    note = clean_text(
        note, field="note", label="Anteckningen", max_length=REASON_LIMIT, multiline=True
    )
    day = reconsidered_on or clock.today()
    if day > clock.today():
        errors["reconsidered_on"] = (
            "Dagen för omprövningen kan inte vara ett datum som inte har varit ännu."
        )
    elif day < appeal.received_on:
        errors["reconsidered_on"] = (
            "Omprövningen kan inte vara gjord före dagen då överklagandet kom in "
            f"({long_date(appeal.received_on)})."
        )
    if appeal.timeliness is Timeliness.LATE:
        errors["outcome"] = (
            "Överklagandet har kommit in för sent och ska avvisas; det omprövas inte."
        )
    elif appeal.forwarded_on is not None:
        # 39 § förvaltningslagen: an appealed decision is changed only until the appeal has
        # been överlämnat (rule "reconsideration", resources/after_decision.json)
        errors["outcome"] = (
            f"Överklagandet lämnades över till domstolen {long_date(appeal.forwarded_on)}. "
            "Efter det kan nämnden inte ompröva beslutet (39 § förvaltningslagen)."
        )
    if outcome is Reconsideration.NOT_CHANGED and replacing_decision_id is not None:
        errors["decision"] = "Ett beslut som inte ändras har inget nytt beslut."
    if replacing_decision_id is not None and "decision" not in errors:
        replacing = session.get(Decision, replacing_decision_id)
        if (
            replacing is None
            or replacing.case_id != appeal.case_id
            or replacing.replaces_id != appeal.decision_id
        ):
            errors["decision"] = (
                "Det nya beslutet måste ersätta det överklagade beslutet i samma ärende."
            )
        elif not replacing.is_signed:
            errors["decision"] = "Det nya beslutet är inte signerat ännu."
    if errors:
        raise ValidationFailed(errors)
    assert outcome is not None
    appeal.reconsideration = outcome
    appeal.reconsidered_on = day
    appeal.reconsideration_note = note
    appeal.replacing_decision_id = replacing_decision_id
    record_change(
        session,
        actor,
        appeal,
        f"Omprövning: {outcome.label}"
        + (" (nytt beslut kopplat)" if replacing_decision_id else ""),
    )
    return appeal


def record_change(session: Session, actor: Actor, appeal: Appeal, detail: str) -> None:
    """An appeal just changed by `actor` (the caller set the fields): who changed it last,
    written, and audited as an update of the appeal with `detail`."""
    appeal.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "appeal",
        entity_id=appeal.id,
        case_id=appeal.case_id,
        detail=detail,
    )
