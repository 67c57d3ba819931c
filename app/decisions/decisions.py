"""Decisions (beslut): drafting from a calculation, the child-perspective gate, delegation,
signing with an archived letter, and replacing a signed decision with a new one.

Rules: motivering for everything not fully granted (FL 32 §); lagrum and besvärshänvisning
(FL 33 §); in a household with children every decision documents the consequences for each
child, and an adverse one refers to a signed barnkonsekvensanalys or says why the
consequences are not tangible (seed 002 L80, resources/barnets_basta.json), and no text about
the children contradicts the amounts; an adverse decision resting on others' information
needs kommunicering (app.decisions.kommunicering); only a user with delegation for the kind,
the outcome (granting, refusing) and the amount may sign; a signed decision never changes.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.cases import jobbstimulans
from app.cases.case_register import load_case
from app.cases.letterhead import Letterhead, sent_letterhead
from app.common import clock
from app.common.content_hash import ALTERED_AFTER_SIGNING, signed_content_hash
from app.common.errors import (
    AccessDenied,
    NotFound,
    SignedRecordError,
    StaleRecordError,
    ValidationFailed,
)
from app.common.formatting import long_date, money, period_text
from app.common.identity_number import age_on
from app.common.periods import month_end, month_start, next_month_start
from app.common.resources import resource_path
from app.common.text_input import clean_text
from app.decisions import kommunicering, legal_texts
from app.forms.filled_forms import computed_value
from app.forms.form_definitions import definition_of
from app.models import (
    Application,
    Case,
    Decision,
    DecisionItem,
    DecisionKind,
    Delegation,
    DelegationScope,
    FormInstance,
    FormKey,
    HouseholdMember,
    MemberRole,
    Outcome,
    User,
)
from app.norms import decision_norm
from app.norms.norm_calculation import (
    COST_TYPES,
    AdultInput,
    Calculation,
    ChildInput,
    CostInput,
    HouseholdComposition,
    IncomeInput,
)
from app.security import access, audit
from app.security.actor import Actor
from app.settings import configuration

CENT = Decimal("0.01")
MAX_ITEM_AMOUNT = Decimal("200000")
"""A single item above this per decision is almost surely a typing error."""


@dataclass
class ItemInput:
    item_type: str
    label: str
    applied: Decimal
    proposed: Decimal
    granted: Decimal
    motivation: str = ""


@dataclass
class DecisionDraft:
    kind: DecisionKind
    period_start: date
    period_end: date
    items: list[ItemInput]
    income_counted: Decimal = Decimal("0")
    calculation: dict = field(default_factory=dict)
    norm_year: int | None = None
    motivation: str = ""
    legal_references: list[str] = field(default_factory=list)
    include_appeal: bool = True
    child_consideration: dict[str, str] = field(default_factory=dict)
    bka_form_id: uuid.UUID | None = None
    dismissed: bool = False
    """Avvisning: the application is not examined (e.g. wrong municipality)."""
    bka_not_needed_reason: str = ""
    """Why an adverse decision has no tangible consequences for the children, when no
    barnkonsekvensanalys is referred to."""
    others_information: bool = False
    """The decision rests on information from others than the applicant (FL 25 §)."""
    communication_exception: str = ""
    """A code of kommunicering.exceptions(): why no kommunicering is needed."""
    communication_exception_reason: str = ""
    from_delivery_id: uuid.UUID | None = None
    """The e-ansökan the decision was proposed from (app.decisions.proposal)."""
    proposal: dict | None = None
    """What the program proposed (`proposal_snapshot` of the pre-filled calculation): kept
    with a new decision, compared at signing."""
    proposal_notes: list[str] = field(default_factory=list)
    """The differences between the application and the registers, and the proposal's notes,
    as the handläggare saw them: shown again when the draft is opened."""


def proposal_snapshot(draft: DecisionDraft) -> dict:
    """The parts of a drafted decision that tell whether it is what the program proposed:
    the norm year, each item as applied and granted, each income row as counted."""
    return {
        "norm_year": draft.norm_year,
        "items": [
            [i.item_type, str(_cents(i.applied)), str(_cents(i.granted))] for i in draft.items
        ],
        "incomes": [
            [row["label"], str(_cents(Decimal(row["amount"])))]
            for row in draft.calculation.get("rows", [])
            if row.get("section") == "inkomst"
        ],
        "income_counted": str(_cents(draft.income_counted)),
    }


def _cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, ROUND_HALF_UP)


def _signed_as_proposed(decision: Decision) -> bool:
    """The decision as it is signed equals the proposal it started from."""
    proposed = json.loads(decision.proposal_json or "{}").get("proposed")
    signed = proposal_snapshot(
        DecisionDraft(
            kind=decision.kind,
            period_start=decision.period_start,
            period_end=decision.period_end,
            items=[
                ItemInput(i.item_type, i.label, i.applied, i.proposed, i.granted)
                for i in decision.items
            ],
            income_counted=decision.income_counted,
            calculation=json.loads(decision.calculation_json or "{}"),
            norm_year=decision.norm_year,
        )
    )
    return signed == proposed


def derive_outcome(items: list[ItemInput], income: Decimal, dismissed: bool) -> Outcome:
    if dismissed:
        return Outcome.DISMISSED
    if granted_total(items, income) <= 0:
        return Outcome.REFUSED
    if all(i.granted >= i.applied for i in items):
        return Outcome.GRANTED
    return Outcome.PARTLY


def granted_total(items: list[ItemInput], income: Decimal) -> Decimal:
    """What is paid: granted items less counted income, never below zero."""
    total = sum((i.granted for i in items), Decimal("0")) - income
    return max(total, Decimal("0")).quantize(CENT, ROUND_HALF_UP)


def _validate(draft: DecisionDraft) -> dict[str, str]:
    errors: dict[str, str] = {}
    if draft.period_end < draft.period_start:
        errors["period_end"] = "Periodens slut kan inte ligga före dess början."
    if not draft.items and not draft.dismissed:
        errors["items"] = "Beslutet behöver minst en post."
    for index, item in enumerate(draft.items):
        for name, label in (
            ("applied", "Ansökt"),
            ("proposed", "Föreslaget"),
            ("granted", "Beviljat"),
        ):
            amount = getattr(item, name)
            if amount < 0:
                errors[f"item.{index}.{name}"] = f"{label} belopp kan inte vara negativt."
            elif amount > MAX_ITEM_AMOUNT:
                errors[f"item.{index}.{name}"] = (
                    f"{label} belopp {money(amount)} är orimligt högt – kontrollera."
                )
        if item.granted > item.applied and item.item_type != "riksnorm":
            errors[f"item.{index}.granted"] = "Beviljat belopp kan inte vara högre än ansökt."
        _check_text(errors, item.motivation, f"item.{index}.motivation", "Motiveringen", 4000)
    if draft.income_counted < 0:
        errors["income_counted"] = "Inkomsten kan inte vara negativ."
    _check_text(errors, draft.bka_not_needed_reason, "bka_not_needed_reason", "Skälet", 4000)
    errors.update(
        kommunicering.validate_exception(
            draft.communication_exception, draft.communication_exception_reason
        )
    )
    unknown = [c for c in draft.legal_references if legal_texts.reference(c) is None]
    if unknown:
        errors["legal_references"] = "Okänt lagrum: " + ", ".join(unknown)
    _check_text(errors, draft.motivation, "motivation", "Motiveringen", 20_000)
    return errors


def _check_text(errors: dict[str, str], text: str, field: str, label: str, limit: int) -> None:
    """clean_text's message for a free text of the draft, kept under `field`."""
    try:
        clean_text(text, field=field, label=label, max_length=limit, multiline=True)
    except ValidationFailed as exc:
        errors[field] = exc.field_errors[field]


def _load(session: Session, decision_id: uuid.UUID) -> Decision:
    decision = session.get(Decision, decision_id, options=[selectinload(Decision.items)])
    if decision is None:
        raise NotFound("Beslutet finns inte.")
    return decision


def _readable(session: Session, actor: Actor, decision_id: uuid.UUID) -> Decision:
    """The decision, if the actor may read its case (the caller logs the read)."""
    decision = _load(session, decision_id)
    access.require_read(session, actor, load_case(session, decision.case_id))
    return decision


def save_draft(
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    draft: DecisionDraft,
    *,
    decision_id: uuid.UUID | None = None,
    expected_version: int | None = None,
    replaces_id: uuid.UUID | None = None,
) -> Decision:
    """Create or update a decision draft. Bad amounts are refused; missing motivation etc. is
    checked at signing."""
    case = load_case(session, case_id)
    access.require_write(session, actor, case)
    errors = _validate(draft)
    if errors:
        raise ValidationFailed(errors)
    if decision_id is None:
        if replaces_id is not None:
            old = session.get(Decision, replaces_id)
            if old is None or old.case_id != case_id or not old.is_signed:
                raise ValidationFailed(
                    {
                        "replaces": "Ett nytt beslut kan bara ersätta ett "
                        "signerat beslut i samma ärende."
                    }
                )
        decision = Decision(
            case_id=case_id,
            author_id=actor.id,
            replaces_id=replaces_id,
            kind=draft.kind,
            outcome=Outcome.GRANTED,
            period_start=draft.period_start,
            period_end=draft.period_end,
            from_delivery_id=draft.from_delivery_id,
            proposal_json=None
            if draft.proposal is None
            else json.dumps(
                {"proposed": draft.proposal, "notes": draft.proposal_notes}, ensure_ascii=False
            ),
        )
        session.add(decision)
        action = audit.Action.CREATE
    else:
        decision = _load(session, decision_id)
        if decision.case_id != case_id:
            raise NotFound("Beslutet hör inte till ärendet.")
        _require_editable(decision, expected_version)
        action = audit.Action.UPDATE
    decision.kind = draft.kind
    decision.period_start, decision.period_end = draft.period_start, draft.period_end
    decision.outcome = derive_outcome(draft.items, draft.income_counted, draft.dismissed)
    decision.income_counted = draft.income_counted.quantize(CENT, ROUND_HALF_UP)
    decision.granted_total = (
        Decimal("0") if draft.dismissed else granted_total(draft.items, draft.income_counted)
    )
    decision.calculation_json = json.dumps(draft.calculation, ensure_ascii=False, default=str)
    decision.norm_year = draft.norm_year
    decision.motivation = draft.motivation.strip()
    decision.legal_references = json.dumps(draft.legal_references)
    decision.include_appeal = draft.include_appeal or decision.outcome is not Outcome.GRANTED
    decision.child_consideration = json.dumps(draft.child_consideration, ensure_ascii=False)
    decision.bka_form_id = draft.bka_form_id
    decision.bka_not_needed_reason = draft.bka_not_needed_reason.strip()
    decision.others_information = draft.others_information
    decision.communication_exception = draft.communication_exception
    decision.communication_exception_reason = draft.communication_exception_reason.strip()
    decision.updated_by = actor.id
    decision.items.clear()
    session.flush()
    for order, item in enumerate(draft.items):
        decision.items.append(
            DecisionItem(
                item_type=item.item_type,
                label=item.label,
                applied=item.applied.quantize(CENT, ROUND_HALF_UP),
                proposed=item.proposed.quantize(CENT, ROUND_HALF_UP),
                granted=item.granted.quantize(CENT, ROUND_HALF_UP),
                motivation=item.motivation.strip(),
                sort_order=order,
                updated_by=actor.id,
            )
        )
    session.flush()
    audit.record(
        session,
        actor,
        action,
        "decision",
        entity_id=decision.id,
        case_id=case_id,
        detail=f"{decision.kind.label}: {decision.outcome.label.lower()}",
    )
    return decision


def _require_editable(decision: Decision, expected_version: int | None) -> None:
    if decision.is_signed:
        raise SignedRecordError(
            "Beslutet är signerat och kan inte ändras. Fatta ett nytt beslut som ersätter det."
        )
    _require_version(decision, expected_version)


def _require_version(decision: Decision, expected_version: int | None) -> None:
    if expected_version is not None and decision.version != expected_version:
        raise StaleRecordError("Beslutet har ändrats i ett annat fönster. Läs in det på nytt.")


# --- children -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChildRef:
    person_id: str
    name: str
    age: int


def _in_period(member: HouseholdMember, start: date, end: date) -> bool:
    """A member of the household on some day of the period (not only its first day)."""
    return (member.member_from is None or member.member_from <= end) and (
        member.member_until is None or start <= member.member_until
    )


def children_of(
    session: Session, case: Case, on: date, until: date | None = None
) -> list[ChildRef]:
    """The children of the household on `on`, or on any day from `on` to `until`."""
    members = session.scalars(
        select(HouseholdMember)
        .where(
            HouseholdMember.household_id == case.household_id,
            HouseholdMember.role == MemberRole.CHILD,
        )
        .order_by(HouseholdMember.sort_order)
    )
    return [
        ChildRef(str(m.person.id), m.person.full_name, age_on(m.person.birth_date, on))
        for m in members
        if _in_period(m, on, until or on)
    ]


def _child_summary(session: Session, decision: Decision, children: list[ChildRef]) -> str:
    """The barnets bästa text the letter quotes: the BKA's summary, or the considerations."""
    if decision.bka_form_id is not None:
        form = session.get_one(FormInstance, decision.bka_form_id)
        definition = definition_of(form.definition)
        return computed_value(
            definition,
            json.loads(form.answers_json),
            definition.summary_field or "sammanfattning.kort_sammanfattning",
        )
    considerations = json.loads(decision.child_consideration or "{}")
    return "\n".join(
        f"{c.name} ({c.age} år): {considerations[c.person_id]}"
        for c in children
        if considerations.get(c.person_id, "").strip()
    )


CHILDREN_MISSING = (
    "Hushållet har barn: dokumentera för varje barn hur beslutet påverkar barnet, eller "
    "hänvisa till en signerad barnkonsekvensanalys. Saknas för: "
)
NO_BKA_OR_REASON = (
    "Beslutet går hushållet emot och hushållet har barn: hänvisa till en signerad "
    "barnkonsekvensanalys eller skriv varför beslutet inte får påtagliga konsekvenser för "
    "barnen."
)
BKA_UNSIGNED = "Barnkonsekvensanalysen som beslutet hänvisar till är inte signerad."
FULL_NORM = (
    "Texten om barnets bästa säger att hushållet får hela normen, men {why}. Ändra texten så "
    "att den stämmer med beslutet."
)


@cache
def child_rules() -> dict:
    """What the documentation of the children must hold, with sources
    (resources/barnets_basta.json)."""
    return json.loads(resource_path("barnets_basta.json").read_text(encoding="utf-8"))


def _claims_full_norm(text: str) -> bool:
    lowered = text.lower()
    return any(claim in lowered for claim in child_rules()["full_norm_claims"])


def child_problems(session: Session, decision: Decision) -> list[str]:
    """Why the decision may not be signed yet for the children's sake, in order; [] if it may.

    Every child in the household on some day of the period needs a documented consideration,
    whatever the outcome, unless the decision refers to a signed barnkonsekvensanalys of the
    case; an adverse decision without one needs a reason why the consequences are not
    tangible; and no text about the children may claim the full norm when the decision
    grants 0 kr or the riksnorm below what was applied for (the letter's "Barnets bästa"
    would contradict its amounts). The server holds the same rule (migration 0022), reading
    the analysis' stored answers for the claim, as this does."""
    case = load_case(session, decision.case_id)
    children = children_of(session, case, decision.period_start, decision.period_end)
    if not children:
        return []
    problems = []
    if decision.bka_form_id is not None:
        form = session.get(FormInstance, decision.bka_form_id)
        if (
            form is None
            or form.case_id != decision.case_id
            or form.form_key != FormKey.CHILD_IMPACT
            or not form.is_signed
        ):
            problems.append(BKA_UNSIGNED)
            claims = ""
        else:
            claims = form.answers_json or ""
    else:
        considerations = json.loads(decision.child_consideration or "{}")
        missing = [
            c.name
            for c in children
            if not (
                isinstance(considerations.get(c.person_id), str)
                and considerations[c.person_id].strip()
            )
        ]
        if missing:
            problems.append(CHILDREN_MISSING + ", ".join(missing) + ".")
        if decision.outcome is not Outcome.GRANTED and not decision.bka_not_needed_reason.strip():
            problems.append(NO_BKA_OR_REASON)
        claims = (decision.child_consideration or "") + " " + decision.bka_not_needed_reason
    if _claims_full_norm(claims):
        if decision.granted_total <= 0:
            problems.append(FULL_NORM.format(why="beslutet beviljar 0 kr"))
        elif any(i.item_type == "riksnorm" and i.granted < i.applied for i in decision.items):
            problems.append(FULL_NORM.format(why="riksnormen beviljas inte fullt ut"))
    return problems


def child_gate(session: Session, decision: Decision) -> str:
    """child_problems as one text, "" if the decision may be signed for the children's
    sake."""
    return " ".join(child_problems(session, decision))


# --- delegation and signing ------------------------------------------------------------------
def has_delegation(
    session: Session,
    actor: Actor,
    kind: DecisionKind,
    amount: Decimal,
    scope: DelegationScope = DelegationScope.GRANT,
) -> bool:
    """Whether the actor may grant (or, with REFUSE, refuse an application of) `amount` in a
    decision of `kind`. The server's arendestod_has_delegation is the same rule."""
    delegation = session.scalar(
        select(Delegation).where(
            Delegation.user_id == actor.id, Delegation.kind == kind, Delegation.scope == scope
        )
    )
    return delegation is not None and (
        delegation.max_amount is None or amount <= delegation.max_amount
    )


def applied_total(items: list[ItemInput] | list[DecisionItem], income: Decimal) -> Decimal:
    """What was applied for, in money: the items' applied amounts less the income counted,
    never below zero (the sum a refusal is checked against)."""
    total = sum((i.applied for i in items), Decimal("0")) - income
    return max(total, Decimal("0")).quantize(CENT, ROUND_HALF_UP)


def delegation_needs(decision: Decision) -> list[tuple[DelegationScope, Decimal]]:
    """What the decision asks of its signer's delegation: the grant right for the granted
    total when it grants something, the refusal right for what was applied for when it
    refuses something (a delvis bifall both)."""
    needs = []
    if decision.outcome in (Outcome.GRANTED, Outcome.PARTLY):
        needs.append((DelegationScope.GRANT, decision.granted_total))
    if decision.outcome is not Outcome.GRANTED:
        needs.append(
            (DelegationScope.REFUSE, applied_total(decision.items, decision.income_counted))
        )
    return needs


def _delegation_problems(
    session: Session, actor: Actor, decision: Decision
) -> list[SigningProblem]:
    problems = []
    what = decision.kind.label.lower()
    for scope, amount in delegation_needs(decision):
        if has_delegation(session, actor, decision.kind, amount, scope):
            continue
        message = (
            f"Du har inte delegation att fatta beslut om {what} på {money(amount)}."
            if scope is DelegationScope.GRANT
            else f"Du har inte delegation att avslå eller avvisa en ansökan om {what} på "
            f"{money(amount)} (det sökta beloppet)."
        )
        problems.append(SigningProblem(SigningProblemKind.NO_DELEGATION, message))
    return problems


class SigningProblemKind(StrEnum):
    """Why a decision cannot be signed yet. Missing delegation is a matter of who signs
    (the user cannot fix it in the draft); every other kind is something to fix in the draft."""

    NO_DELEGATION = "no_delegation"
    NO_MOTIVATION = "no_motivation"
    NO_ITEM_MOTIVATION = "no_item_motivation"
    NO_LEGAL_REFERENCE = "no_legal_reference"
    CHILD_PERSPECTIVE = "child_perspective"
    JOBBSTIMULANS = "jobbstimulans"
    """The calculation's jobbstimulans is not what the case's decisions give (program only)."""
    NORM_YEAR = decision_norm.NORM_YEAR
    """The calculation uses another year's riksnorm than the period's (issue 19)."""
    UNSOURCED_NORM = decision_norm.UNSOURCED_NORM
    """The calculation uses riksnorm amounts without a source (issue 19)."""
    PHRASE_MISMATCH = "phrase_mismatch"
    """A phrase from the bank that does not fit the kind, outcome, items or amounts."""
    LEGAL_REFERENCE_MISMATCH = "legal_reference_mismatch"
    """Lagrum of the other socialtjänstlag than the one in force the day the decision is
    made, or of another kind of bistånd or outcome."""
    LEGAL_REFERENCE_UNCONFIRMED = "legal_reference_unconfirmed"
    """A paragraph number not confirmed against the law text (resources/legal_references)."""
    DISMISSAL_WITH_AMOUNTS = "dismissal_with_amounts"
    """An avvisning examines nothing and so grants nothing."""
    NO_COMMUNICATION = "no_communication"


@dataclass(frozen=True)
class SigningProblem:
    kind: SigningProblemKind
    message: str
    """A Swedish sentence for the user."""


def _signing_problems(session: Session, actor: Actor, decision: Decision) -> list[SigningProblem]:
    """Everything that stops signing, in the order the user should fix it, each with its kind."""
    problems = _delegation_problems(session, actor, decision)
    if decision.outcome is not Outcome.GRANTED and not decision.motivation.strip():
        problems.append(
            SigningProblem(
                SigningProblemKind.NO_MOTIVATION,
                "Skriv en motivering: beslutet är inte fullt bifall (32 § förvaltningslagen).",
            )
        )
    for item in decision.items:
        if (
            item.granted < item.applied
            and not item.motivation.strip()
            and not decision.motivation.strip()
        ):
            problems.append(
                SigningProblem(
                    SigningProblemKind.NO_ITEM_MOTIVATION,
                    f"Motivera varför {item.label.lower()} inte beviljas fullt ut.",
                )
            )
    problems += _phrase_problems(decision)
    if not json.loads(decision.legal_references or "[]"):
        problems.append(SigningProblem(SigningProblemKind.NO_LEGAL_REFERENCE, "Ange lagrum."))
    problems += _legal_reference_problems(decision)
    if decision.outcome is Outcome.DISMISSED and any(i.granted > 0 for i in decision.items):
        problems.append(
            SigningProblem(
                SigningProblemKind.DISMISSAL_WITH_AMOUNTS,
                "En avvisning prövar inte ansökan och beviljar därför inget: sätt beviljat "
                "belopp till 0 kr för varje post eller ta bort posterna.",
            )
        )
    problems += [
        SigningProblem(SigningProblemKind.CHILD_PERSPECTIVE, text)
        for text in child_problems(session, decision)
    ]
    mismatch = _jobbstimulans_problem(session, decision)
    if mismatch:
        problems.append(SigningProblem(SigningProblemKind.JOBBSTIMULANS, mismatch))
    if decision.outcome is not Outcome.DISMISSED:  # an avvisning computes nothing
        for kind, message in decision_norm.signing_problems(
            decision.period_start,
            decision.period_end,
            json.loads(decision.calculation_json or "{}"),
        ):
            problems.append(SigningProblem(SigningProblemKind(kind), message))
    communication = kommunicering.communication_problem(decision, clock.today())
    if communication:
        problems.append(SigningProblem(SigningProblemKind.NO_COMMUNICATION, communication))
    return problems


def decision_facts(decision: Decision) -> legal_texts.DecisionFacts:
    """The decision as its items make it, for checking what phrases claim."""
    return _facts(
        decision.kind, decision.outcome, decision.items, decision.income_counted,
        decision.granted_total,
    )  # fmt: skip


def draft_facts(draft: DecisionDraft) -> legal_texts.DecisionFacts:
    """The same for a draft in the editor, before it is saved."""
    outcome = derive_outcome(draft.items, draft.income_counted, draft.dismissed)
    total = Decimal("0") if draft.dismissed else granted_total(draft.items, draft.income_counted)
    return _facts(draft.kind, outcome, draft.items, draft.income_counted, total)


def _facts(
    kind: DecisionKind,
    outcome: Outcome,
    items: list[DecisionItem] | list[ItemInput],
    income: Decimal,
    total: Decimal,
) -> legal_texts.DecisionFacts:
    norm = [i for i in items if i.item_type == "riksnorm"]
    paid = outcome in (Outcome.GRANTED, Outcome.PARTLY) and total > 0
    return legal_texts.DecisionFacts(
        kind=kind,
        outcome=outcome,
        item_types=frozenset(i.item_type for i in items),
        reduced_types=frozenset(i.item_type for i in items if i.granted < i.applied),
        child_norm_granted=paid and bool(norm) and all(i.granted >= i.applied for i in norm),
        income_covers_need=income >= sum((i.proposed for i in items), Decimal("0")),
    )


def _phrase_problems(decision: Decision) -> list[SigningProblem]:
    """Phrases of the bank that contradict the decision (förvaltningslagen 32 §: the
    motivering must be the decision's own reasons): tagged data, see decision_phrases.json.
    What the children's texts claim is `child_problems`' (any wording claiming the full
    norm, phrase or not), so that one contradiction is reported once."""
    considerations = json.loads(decision.child_consideration or "{}")
    return [
        SigningProblem(SigningProblemKind.PHRASE_MISMATCH, message)
        for message in legal_texts.phrase_problems(
            decision_facts(decision),
            decision.motivation,
            [(i.item_type, i.label, i.motivation) for i in decision.items if i.motivation],
            [text for text in considerations.values() if isinstance(text, str)],
        )
    ]


def _reference_codes(decision: Decision) -> list[str]:
    """The decision's lagrum codes (a value that is not a list of codes counts as none)."""
    try:
        codes = json.loads(decision.legal_references or "[]")
    except ValueError:
        return []
    return [c for c in codes if isinstance(c, str)] if isinstance(codes, list) else []


def _legal_reference_problems(decision: Decision) -> list[SigningProblem]:
    """Lagrum by the law in force the day the decision is made (today, when it is being
    signed), the kind and the outcome; unconfirmed paragraphs are never signed. These stay in
    the program: the server has no copy of the lagrum data."""
    codes = _reference_codes(decision)
    problems = [
        SigningProblem(SigningProblemKind.LEGAL_REFERENCE_MISMATCH, message)
        for message in legal_texts.reference_problems(
            codes, decision.kind, decision.outcome, decision.decided_on or clock.today()
        )
    ]
    problems += [
        SigningProblem(
            SigningProblemKind.LEGAL_REFERENCE_UNCONFIRMED,
            f"{r.text} är inte kontrollerat mot lagtexten (SFS {r.law}) och kan inte stå i ett "
            "signerat beslut. Systemförvaltaren kontrollerar paragrafen och markerar den som "
            "kontrollerad i lagrumslistan.",
        )
        for r in legal_texts.unconfirmed_references(codes)
    ]
    return problems


def signing_problems(session: Session, actor: Actor, decision: Decision) -> list[str]:
    """Everything that stops signing, in the order the user should fix it, as the sentences
    the editor shows."""
    return [p.message for p in _signing_problems(session, actor, decision)]


def content_hash(decision: Decision) -> str:
    """The hash of what was signed. The parts added by issue 19 (the reason why no
    barnkonsekvensanalys, kommunicering) are in it only when the decision has them, so the
    hashes of decisions signed before stay as they were."""
    extra: dict[str, object] = {}
    if decision.bka_not_needed_reason:
        extra["children_reason"] = decision.bka_not_needed_reason
    if decision.others_information:
        extra["others_information"] = [
            decision.communication_sent_on.isoformat() if decision.communication_sent_on else "",
            decision.communication_method,
            decision.communication_sources,
            decision.communication_material,
            decision.communication_answer_by.isoformat()
            if decision.communication_answer_by
            else "",
            decision.communication_answer_on.isoformat()
            if decision.communication_answer_on
            else "",
            decision.communication_answer,
            decision.communication_exception,
            decision.communication_exception_reason,
        ]
    return signed_content_hash(
        {
            **extra,
            "id": str(decision.id),
            "case": str(decision.case_id),
            "kind": decision.kind.value,
            "outcome": decision.outcome.value,
            "period": [decision.period_start.isoformat(), decision.period_end.isoformat()],
            "items": [
                [
                    i.item_type,
                    i.label,
                    str(i.applied),
                    str(i.proposed),
                    str(i.granted),
                    i.motivation,
                ]
                for i in decision.items
            ],
            "income": str(decision.income_counted),
            "granted": str(decision.granted_total),
            "motivation": decision.motivation,
            "references": decision.legal_references,
            "children": decision.child_summary,
            "calculation": decision.calculation_json,
        }
    )


ALTERED_LETTER = (
    f"{ALTERED_AFTER_SIGNING}: beslutet har ändrats i databasen efter att det signerades, "
    "så beslutsbrevet skrivs inte ut. Kontakta systemförvaltaren."
)
"""Why the letter of such a decision is refused rather than printed with a mark: a letter
goes to the household and would carry a signature that is not there."""


def require_signature_holds(decision: Decision) -> None:
    if not signature_holds(decision):
        raise ValidationFailed({"letter": ALTERED_LETTER})


def signature_holds(decision: Decision) -> bool:
    """False for a signed decision whose stored content (its items included) no longer
    matches the hash stored at signing (changed by hand after signing, issue 20); True for
    a draft."""
    return not decision.is_signed or decision.content_hash == content_hash(decision)


def sign_decision(
    session: Session,
    actor: Actor,
    decision_id: uuid.UUID,
    render_letter: Callable[[DecisionLetter], bytes],
    *,
    expected_version: int | None = None,
) -> Decision:
    """Sign and archive: the letter PDF is rendered once, stored with its SHA-256, and is
    from then on the decision as sent."""
    decision = _load(session, decision_id)
    case = load_case(session, decision.case_id)
    access.require_write(session, actor, case)
    _require_editable(decision, expected_version)
    problems = _signing_problems(session, actor, decision)
    if problems:
        text = " ".join(p.message for p in problems)
        if any(p.kind is SigningProblemKind.NO_DELEGATION for p in problems):
            raise AccessDenied(text)
        raise ValidationFailed({"decision": text})
    decision.child_summary = _child_summary(
        session, decision, children_of(session, case, decision.period_start, decision.period_end)
    )
    decision.signed_at = decision.signed_recorded_at = clock.now()
    decision.decided_on = clock.today()
    decision.decided_by = actor.id
    decision.updated_by = actor.id
    if decision.proposal_json is not None:
        decision.proposal_unchanged = _signed_as_proposed(decision)
    decision.content_hash = content_hash(decision)
    session.flush()
    pdf = render_letter(letter_data(session, actor, decision))
    decision.letter_pdf = pdf
    decision.letter_sha256 = hashlib.sha256(pdf).hexdigest()
    for application in session.scalars(
        select(Application).where(
            Application.case_id == decision.case_id,
            Application.decided_on.is_(None),
            Application.kind == decision.kind,
            Application.period_start <= decision.period_end,
            Application.period_end >= decision.period_start,
        )
    ):
        application.decided_on = decision.decided_on
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.SIGN,
        "decision",
        entity_id=decision.id,
        case_id=decision.case_id,
        detail=f"{decision.outcome.label}, beviljat {money(decision.granted_total)}",
    )
    return decision


def record_execution(
    session: Session,
    actor: Actor,
    decision_id: uuid.UUID,
    executed_on: date,
    *,
    expected_version: int | None = None,
) -> Decision:
    """Record that a signed decision granting money has been carried out (verkställt, e.g.
    paid out). Not part of the decision's content: the signed letter and its hash stay as
    they are. Without it the decision is reported as ej verkställt after three months."""
    decision = _load(session, decision_id)
    access.require_write(session, actor, load_case(session, decision.case_id))
    _require_version(decision, expected_version)
    problems = {}
    if decision.signed_at is None or decision.decided_on is None:
        problems["executed_on"] = "Bara ett beslutat (signerat) beslut kan verkställas."
    elif decision.granted_total <= 0:
        problems["executed_on"] = "Beslutet beviljar inget belopp och behöver inte verkställas."
    elif decision.executed_on is not None:
        problems["executed_on"] = f"Beslutet är redan verkställt {long_date(decision.executed_on)}."
    elif executed_on < decision.decided_on:
        problems["executed_on"] = "Verkställighetsdagen kan inte vara före beslutsdagen."
    elif executed_on > clock.today():
        problems["executed_on"] = "Verkställighetsdagen kan inte ligga i framtiden."
    if problems:
        raise ValidationFailed(problems)
    decision.executed_on = executed_on
    decision.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "decision",
        entity_id=decision.id,
        case_id=decision.case_id,
        detail=f"verkställt {executed_on.isoformat()}",
    )
    return decision


# --- reading -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class DecisionRow:
    id: uuid.UUID
    version: int
    kind: DecisionKind
    outcome: Outcome
    period_start: date
    period_end: date
    granted_total: Decimal
    decided_on: date | None
    decided_by_name: str
    replaces_id: uuid.UUID | None
    executed_on: date | None = None
    signature_holds: bool = True
    """False when the signed decision no longer matches its hash (`signature_holds`)."""

    @property
    def is_signed(self) -> bool:
        return self.decided_on is not None

    @property
    def awaits_execution(self) -> bool:
        return self.is_signed and self.granted_total > 0 and self.executed_on is None


def list_decisions(session: Session, actor: Actor, case_id: uuid.UUID) -> list[DecisionRow]:
    """The case's decisions, newest period first. Logged as a read."""
    access.require_read(session, actor, load_case(session, case_id))
    decisions = session.scalars(
        select(Decision)
        .where(Decision.case_id == case_id)
        .order_by(Decision.period_start.desc(), Decision.created_at.desc())
    ).all()
    names: dict[uuid.UUID | None, str] = (
        dict(session.execute(select(User.id, User.full_name)).all()) if decisions else {}
    )
    audit.record(session, actor, audit.Action.OPEN, "decisions", case_id=case_id)
    return [
        DecisionRow(
            d.id,
            d.version,
            d.kind,
            d.outcome,
            d.period_start,
            d.period_end,
            d.granted_total,
            d.decided_on,
            names.get(d.decided_by, ""),
            d.replaces_id,
            d.executed_on,
            signature_holds(d),
        )
        for d in decisions
    ]


@dataclass(frozen=True)
class DecisionDetail:
    id: uuid.UUID
    version: int
    case_id: uuid.UUID
    draft: DecisionDraft
    outcome: Outcome
    granted_total: Decimal
    signed: bool
    replaces_id: uuid.UUID | None
    problems: list[str]
    forwarding_instruction: str = ""
    """How to post the letter when someone in the household has skyddade personuppgifter
    (Skatteverket's förmedling), for the editor to show; "" otherwise."""
    communication: kommunicering.CommunicationStatus | None = None
    """The kommunicering recorded on the draft, if any."""
    decided_on: date | None = None
    """The day a signed decision was made (its law follows that day); None for a draft."""
    signature_holds: bool = True
    """False when the signed decision no longer matches its hash (`signature_holds`)."""
    proposal_notes: list[str] = field(default_factory=list)
    """A decision from a proposal: the differences and notes shown when it was proposed."""


def open_decision(session: Session, actor: Actor, decision_id: uuid.UUID) -> DecisionDetail:
    decision = _readable(session, actor, decision_id)
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "decision",
        entity_id=decision.id,
        case_id=decision.case_id,
    )
    draft = DecisionDraft(
        kind=decision.kind,
        period_start=decision.period_start,
        period_end=decision.period_end,
        items=[
            ItemInput(i.item_type, i.label, i.applied, i.proposed, i.granted, i.motivation)
            for i in decision.items
        ],
        income_counted=decision.income_counted,
        calculation=json.loads(decision.calculation_json or "{}"),
        norm_year=decision.norm_year,
        motivation=decision.motivation,
        legal_references=json.loads(decision.legal_references or "[]"),
        include_appeal=decision.include_appeal,
        child_consideration=json.loads(decision.child_consideration or "{}"),
        bka_form_id=decision.bka_form_id,
        dismissed=decision.outcome is Outcome.DISMISSED,
        bka_not_needed_reason=decision.bka_not_needed_reason,
        others_information=decision.others_information,
        communication_exception=decision.communication_exception,
        communication_exception_reason=decision.communication_exception_reason,
    )
    problems = [] if decision.is_signed else signing_problems(session, actor, decision)
    return DecisionDetail(
        decision.id,
        decision.version,
        decision.case_id,
        draft,
        decision.outcome,
        decision.granted_total,
        decision.is_signed,
        decision.replaces_id,
        problems,
        _forwarding_instruction(session, decision),
        kommunicering.status_of(decision),
        decision.decided_on,
        signature_holds(decision),
        json.loads(decision.proposal_json).get("notes", []) if decision.proposal_json else [],
    )


def _forwarding_instruction(session: Session, decision: Decision) -> str:
    case = load_case(session, decision.case_id)
    protected = any(
        m.person.protected_identity
        for m in case.household.members
        if _in_period(m, decision.period_start, decision.period_end)
    )
    return legal_texts.protected_forwarding().instruction if protected else ""


# --- the letter ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class LetterItem:
    label: str
    applied: Decimal
    proposed: Decimal
    granted: Decimal


@dataclass(frozen=True)
class DecisionLetter:
    letterhead: Letterhead
    recipient_lines: list[str]
    """What the envelope window shows. Name and postal address; for skyddade
    personuppgifter the name and personnummer only, the letter going through Skatteverket's
    förmedling (`forwarding`): nothing in the window reveals the protection."""
    address_protected: bool
    decided_on: date | None
    case_number: str
    title: str
    headline: str
    kind: DecisionKind
    outcome: Outcome
    period_text: str
    items: list[LetterItem]
    calculation_rows: list[dict]
    income_counted: Decimal
    granted_total: Decimal
    motivation: str
    item_motivations: list[tuple[str, str]]
    legal_references: list[str]
    child_summary: str
    decision_maker: str
    decision_maker_title: str
    appeal: legal_texts.AppealText | None
    unverified_norm: list[str]
    """Riksnorm amounts without a source. Never printed (an internal note, issue 19 defect 2):
    a decision with any cannot be signed, and the editor says why."""
    is_draft: bool
    replaces_text: str
    reconstructed: bool = False
    """A signed decision printed anew because no archived letter exists (imported history):
    the printout says so, so it is never taken for the letter that was sent."""
    norm_statement: str = ""
    """Which year's riksnorm the calculation used, and its source (issue 19)."""
    forwarding: legal_texts.Forwarding | None = None
    """For skyddade personuppgifter: how the letter is posted (outer envelope to
    Skatteverket). For whoever posts it; never printed in the letter."""
    examined: bool = True
    """False for an avvisning: the letter shows no calculation, amounts or norms."""


def _headline(decision: Decision, period: str) -> str:
    what = decision.kind.label.lower()
    applied = sum((i.applied for i in decision.items), Decimal("0")) - decision.income_counted
    return {
        Outcome.GRANTED: f"Du får {money(decision.granted_total)} i {what} för {period}.",
        Outcome.PARTLY: f"Du får {money(decision.granted_total)} i {what} för {period}. "
        f"Du hade sökt {money(max(applied, Decimal(0)))}. Resten av ansökan "
        "avslås.",
        Outcome.REFUSED: f"Du får inte {what} för {period}.",
        Outcome.DISMISSED: f"Vi prövar inte din ansökan om {what} för {period}.",
    }[decision.outcome]


def _title(decision: Decision) -> str:
    what = decision.kind.label.lower()
    if decision.outcome is Outcome.DISMISSED:
        return f"Beslut om avvisning av ansökan om {what}"
    return f"Beslut om {what}"


def appeal_values(unit) -> dict[str, str]:
    """The placeholders of a besvärshänvisning for `unit` (nämnd, address, telephone, the
    court): the decision letters' and the avvisning of an appeal's."""
    appeal = configuration.current().appeal
    return {
        "namnd": unit.board_name,
        "enhet": unit.name,
        "adress": unit.postal_address or unit.name,
        "telefon": unit.phone or "–",
        # kommunallagen 8 kap. 9 §: the anslagstavla is on the kommun's webbplats
        "anslagstavla": appeal.notice_board or "på kommunens webbplats",
        "forvaltningsratt": appeal.administrative_court
        or f"den förvaltningsrätt som kommunen hör till ({unit.name} kan berätta vilken)",
    }


def letter_data(session: Session, actor: Actor, decision: Decision) -> DecisionLetter:
    case = load_case(session, decision.case_id)
    members = [
        m
        for m in case.household.members
        if _in_period(m, decision.period_start, decision.period_end)
    ]
    adults = [
        m.person for m in members if m.role in (MemberRole.APPLICANT, MemberRole.CO_APPLICANT)
    ]
    protected = any(m.person.protected_identity for m in members)
    recipient, forwarding = legal_texts.recipient_lines(adults, case.household, protected)
    decider = session.get(User, decision.decided_by) if decision.decided_by else None
    unit = case.unit
    period = period_text(decision.period_start, decision.period_end)
    calculation = json.loads(decision.calculation_json or "{}")
    replaced = session.get(Decision, decision.replaces_id) if decision.replaces_id else None
    examined = decision.outcome is not Outcome.DISMISSED
    return DecisionLetter(
        letterhead=sent_letterhead(case, actor, "Beslut"),
        recipient_lines=recipient,
        address_protected=protected,
        decided_on=decision.decided_on,
        case_number=case.case_number,
        title=_title(decision),
        headline=_headline(decision, period),
        kind=decision.kind,
        outcome=decision.outcome,
        period_text=period,
        # an avvisning examines nothing: no calculation, no amounts (issue 19, point 3)
        items=[LetterItem(i.label, i.applied, i.proposed, i.granted) for i in decision.items]
        if examined
        else [],
        calculation_rows=decision_norm.letter_rows(calculation) if examined else [],
        income_counted=decision.income_counted if examined else Decimal("0"),
        granted_total=decision.granted_total if examined else Decimal("0"),
        motivation=decision.motivation,
        item_motivations=[(i.label, i.motivation) for i in decision.items if i.motivation]
        if examined
        else [],
        legal_references=[
            r.text for c in _reference_codes(decision) if (r := legal_texts.reference(c))
        ],
        child_summary=decision.child_summary
        or _child_summary(
            session,
            decision,
            children_of(session, case, decision.period_start, decision.period_end),
        ),
        decision_maker=decider.full_name if decider else actor.full_name,
        decision_maker_title=decider.title if decider else actor.title,
        # every decision signed here is made on delegation (decisions.has_delegation)
        appeal=legal_texts.appeal_text(
            decision.kind, appeal_values(unit), outcome=decision.outcome, delegated=True
        )
        if decision.include_appeal
        else None,
        unverified_norm=list(calculation.get("unverified", [])) if examined else [],
        norm_statement=decision_norm.norm_statement(calculation) if examined else "",
        is_draft=not decision.is_signed,
        replaces_text=(
            f"Beslutet ersätter beslutet den {long_date(replaced.decided_on)}."
            if replaced and replaced.decided_on
            else ""
        ),
        forwarding=forwarding,
        examined=examined,
    )


def letter_preview(session: Session, actor: Actor, decision_id: uuid.UUID) -> DecisionLetter:
    """Letter data for a draft (marked UTKAST) or a re-print. Logged as a print."""
    decision = _readable(session, actor, decision_id)
    require_signature_holds(decision)
    audit.record(
        session,
        actor,
        audit.Action.PRINT,
        "decision",
        entity_id=decision.id,
        case_id=decision.case_id,
    )
    return letter_data(session, actor, decision)


def archived_letter(session: Session, actor: Actor, decision_id: uuid.UUID) -> bytes:
    """The PDF exactly as archived when the decision was signed. Logged as an export."""
    decision = _readable(session, actor, decision_id)
    require_signature_holds(decision)
    if decision.letter_pdf is None:
        raise NotFound("Beslutet är inte signerat; det finns inget arkiverat beslutsbrev.")
    if hashlib.sha256(decision.letter_pdf).hexdigest() != decision.letter_sha256:
        raise ValidationFailed(
            {
                "letter": "Det arkiverade beslutsbrevet stämmer inte med sin "
                "kontrollsumma. Kontakta systemförvaltaren."
            }
        )
    audit.record(
        session,
        actor,
        audit.Action.EXPORT,
        "decision_letter",
        entity_id=decision.id,
        case_id=decision.case_id,
    )
    return decision.letter_pdf


# --- delegation administration ----------------------------------------------------------------
def set_delegation(
    session: Session,
    actor: Actor,
    user_id: uuid.UUID,
    kind: DecisionKind,
    max_amount: Decimal | None,
    *,
    granted: bool = True,
    scope: DelegationScope | None = None,
) -> None:
    """Administrator edits the delegationsordning: grant (with an optional amount limit) or
    withdraw one user's right to sign one kind of decision, for one scope (bevilja: up to
    the granted total; avslå: an application of up to the amount applied for), or with
    `scope` None for both alike (as migration 0022 made of the rows before it)."""
    if not actor.is_administrator:
        raise AccessDenied("Bara administratörer kan ändra delegationer.")
    if max_amount is not None and max_amount < 0:
        raise ValidationFailed({"max_amount": "Beloppsgränsen kan inte vara negativ."})
    for each in list(DelegationScope) if scope is None else [scope]:
        row = session.scalar(
            select(Delegation).where(
                Delegation.user_id == user_id, Delegation.kind == kind, Delegation.scope == each
            )
        )
        if not granted:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(
                Delegation(
                    user_id=user_id,
                    kind=kind,
                    scope=each,
                    max_amount=max_amount,
                    updated_by=actor.id,
                )
            )
        else:
            row.max_amount = max_amount
            row.updated_by = actor.id
        session.flush()
        audit.record(
            session,
            actor,
            audit.Action.UPDATE,
            "delegation",
            entity_id=user_id,
            detail=f"{kind.label}, {each.label.lower()}: "
            f"{'beviljad' if granted else 'återkallad'} "
            f"{money(max_amount) if max_amount is not None else 'utan gräns'}",
        )


@dataclass(frozen=True)
class DelegationRow:
    user_id: uuid.UUID
    user_name: str
    role_label: str
    rights: dict[tuple[DecisionKind, DelegationScope], Decimal | None]
    """(kind, scope) -> amount limit (None: no limit); a missing key: no right."""


def list_delegations(session: Session) -> list[DelegationRow]:
    users = session.scalars(
        select(User).where(User.active.is_(True)).order_by(User.full_name)
    ).all()
    rows = session.scalars(select(Delegation)).all()
    by_user: dict[uuid.UUID, dict[tuple[DecisionKind, DelegationScope], Decimal | None]] = {}
    for row in rows:
        by_user.setdefault(row.user_id, {})[(row.kind, row.scope)] = row.max_amount
    return [DelegationRow(u.id, u.full_name, u.role.label, by_user.get(u.id, {})) for u in users]


# --- from calculation to decision -------------------------------------------------------------
def household_for_calculation(
    session: Session, actor: Actor, case_id: uuid.UUID, month: date
) -> HouseholdComposition:
    """The case's household as the calculation needs it, ages as of the month's first day;
    anyone in the household on some day of the month counts (a case registered mid-month has
    its members from that day). Sökande and medsökande are treated as sambor; the
    handläggare can change that. Logged as a read of the household."""
    case = load_case(session, case_id)
    access.require_read(session, actor, case)
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "household",
        entity_id=case.household_id,
        case_id=case.id,
        detail=f"hushållet för beräkning {month:%Y-%m}",
    )
    members = [m for m in case.household.members if _in_period(m, month, month_end(month))]
    adults = [m for m in members if m.role in (MemberRole.APPLICANT, MemberRole.CO_APPLICANT)]
    couple = len(adults) == 2
    return HouseholdComposition(
        adults=[AdultInput(m.person.full_name, couple) for m in adults],
        children=[
            ChildInput(m.person.full_name, min(age_on(m.person.birth_date, month), 20))
            for m in members
            if m.role is MemberRole.CHILD and not m.visiting_child
        ],
    )


def jobbstimulans_for_calculation(
    session: Session, actor: Actor, case_id: uuid.UUID, month: date
) -> list[jobbstimulans.JobbstimulansStatus]:
    """Each sökande's and medsökande's jobbstimulans in `month`, derived from the case's
    signed decisions (app.cases.jobbstimulans): what the calculation applies to their income
    from employment. Logged as a read of the case's decisions (an entity the server's audit
    vocabulary, migration 0021, already takes)."""
    case = load_case(session, case_id)
    access.require_read(session, actor, case)
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "decisions",
        case_id=case.id,
        detail=f"jobbstimulans för beräkning {month:%Y-%m}",
    )
    return jobbstimulans.for_case(session, case.id, month)


def _jobbstimulans_used(incomes: Sequence[IncomeInput]) -> list[dict]:
    """Per person with income from employment: the jobbstimulans the calculation used."""
    used: dict[str, dict] = {}
    for income in incomes:
        status = income.jobbstimulans
        if not income.employment or status is None or status.person_id is None:
            continue
        period = status.period if status.applies else None
        used[str(status.person_id)] = {
            "person_id": str(status.person_id),
            "name": status.name,
            "month": status.month.isoformat(),
            "applies": status.applies,
            "first_month": period.first_month.isoformat() if period else None,
            "last_month": period.last_month.isoformat() if period else None,
            "lagrum": status.lagrum if status.applies else "",
        }
    return list(used.values())


def _jobbstimulans_problem(session: Session, decision: Decision) -> str:
    """Why the jobbstimulans in the decision's calculation is not the one the case's signed
    decisions give now (another decision was signed or replaced since, or the period changed),
    or "". Only the program checks this: the server does not derive jobbstimulans."""
    used = json.loads(decision.calculation_json or "{}").get("jobbstimulans") or []
    wrong: list[str] = []
    derived: dict[date, dict[str, jobbstimulans.JobbstimulansStatus]] = {}
    for entry in used:
        month = date.fromisoformat(entry["month"])
        if month not in derived:
            derived[month] = {
                str(s.person_id): s
                for s in jobbstimulans.for_case(session, decision.case_id, month)
            }
        now = derived[month].get(entry["person_id"])
        period = now.period if now is not None and now.applies else None
        same = (
            now is not None
            and month == month_start(decision.period_start)
            and now.applies == entry["applies"]
            and (period.first_month.isoformat() if period else None) == entry["first_month"]
            and (period.last_month.isoformat() if period else None) == entry["last_month"]
        )
        if not same:
            wrong.append(entry["name"])
    if not wrong:
        return ""
    return (
        "Jobbstimulansen i beräkningen stämmer inte längre med ärendets beslut om "
        f"försörjningsstöd eller med beslutets period ({', '.join(wrong)}). Gör om beräkningen."
    )


def draft_from_calculation(
    kind: DecisionKind,
    period_start: date,
    period_end: date,
    calculation: Calculation,
    costs: list[CostInput],
    incomes: Sequence[IncomeInput] = (),
) -> DecisionDraft:
    """The system's proposal: riksnorm and each cost as applied/proposed, granted = proposed.
    The handläggare then changes what is granted and writes the motivation. The jobbstimulans
    the calculation used for each income from employment (`incomes`) is kept with it, and
    checked against the case's decisions again at signing."""
    items = []
    if calculation.norm_total:
        items.append(
            ItemInput(
                "riksnorm",
                "Riksnorm",
                calculation.norm_total,
                calculation.norm_total,
                calculation.norm_total,
            )
        )
    for cost in costs:
        approved = cost.applied if cost.approved is None else cost.approved
        label = COST_TYPES.get(cost.cost_type, cost.cost_type)
        if cost.description:
            label += f" ({cost.description})"
        items.append(ItemInput(cost.cost_type, label, cost.applied, approved, approved))
    snapshot = {
        **decision_norm.snapshot_fields(calculation),
        "rows": [
            {"section": r.section, "label": r.label, "amount": str(r.amount), "note": r.note}
            for r in calculation.rows
        ],
        "norm_total": str(calculation.norm_total),
        "income_total": str(calculation.income_total),
        "income_counted_total": str(calculation.income_counted_total),
        "result": str(calculation.result),
    }
    used = _jobbstimulans_used(incomes)
    if used:
        snapshot["jobbstimulans"] = used
    return DecisionDraft(
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        items=items,
        income_counted=calculation.income_counted_total,
        calculation=snapshot,
        norm_year=calculation.year,
        legal_references=legal_texts.default_references(kind, clock.today()),
    )


@dataclass(frozen=True)
class NewDecisionDefaults:
    """What a new decision starts from."""

    kind: DecisionKind
    period_start: date
    period_end: date
    note: str
    """Which application (or replaced decision) the defaults come from, in Swedish; "" when
    there is none (next month, försörjningsstöd)."""


def new_decision_defaults(
    session: Session, actor: Actor, case_id: uuid.UUID, *, replaces_id: uuid.UUID | None = None
) -> NewDecisionDefaults:
    """The kind and period of a new decision: those of the decision it replaces, else those of
    the case's oldest undecided application (the one waiting longest), else försörjningsstöd
    for next month. Signing a decision of that kind for that period decides the application
    (sign_decision). Logged as a read of the case."""
    case = load_case(session, case_id)
    access.require_read(session, actor, case)
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "case",
        entity_id=case.id,
        case_id=case.id,
        detail="ansökan och period för ett nytt beslut",
    )
    if replaces_id is not None:
        old = session.get(Decision, replaces_id)
        if old is not None and old.case_id == case.id:
            replaced = f"den {old.decided_on.isoformat()}" if old.decided_on else "som ersätts"
            return NewDecisionDefaults(
                old.kind,
                old.period_start,
                old.period_end,
                f"Beslutet ersätter beslutet {replaced}.",
            )
    pending = session.scalars(
        select(Application)
        .where(Application.case_id == case.id, Application.decided_on.is_(None))
        .order_by(Application.received_at, Application.period_start)
        .limit(1)
    ).first()
    if pending is None:
        start = next_month_start(clock.today())
        return NewDecisionDefaults(DecisionKind.SUPPORT, start, month_end(start), "")
    received = pending.received_at.astimezone(clock.STOCKHOLM).date()
    return NewDecisionDefaults(
        pending.kind,
        pending.period_start,
        pending.period_end,
        f"Ansökan som kom in {received.isoformat()} om {pending.kind.label.lower()} för "
        f"{period_text(pending.period_start, pending.period_end)}.",
    )


def signed_bka_forms(session: Session, case_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """Signed barnkonsekvensanalyser of the case, newest first, for choosing in a decision."""
    forms = session.scalars(
        select(FormInstance)
        .where(
            FormInstance.case_id == case_id,
            FormInstance.form_key == FormKey.CHILD_IMPACT,
            FormInstance.signed_at.is_not(None),
        )
        .order_by(FormInstance.signed_at.desc())
    ).all()
    return [
        (f.id, f"Barnkonsekvensanalys signerad {long_date(f.signed_at.date())}")
        for f in forms
        if f.signed_at is not None  # all are: the query takes the signed ones
    ]


# --- command line (administrators, checks) ------------------------------------------------------
@dataclass(frozen=True)
class DecisionSummary:
    id: uuid.UUID
    case_number: str
    kind: DecisionKind
    outcome: Outcome
    period_start: date
    period_end: date
    granted_total: Decimal
    decided_on: date | None
    has_letter: bool


def list_all(
    session: Session, actor: Actor, *, case_number: str | None = None, limit: int = 1000
) -> list[DecisionSummary]:
    """Decisions across the cases the actor may read, for the command line. Logged as an
    export by the actor."""
    stmt = (
        select(Decision, Case.case_number)
        .join(Case, Case.id == Decision.case_id)
        .where(access.readable_cases(actor))
        # complete, so that every database lists the same decisions in the same order
        .order_by(
            Decision.decided_on.desc().nulls_last(),
            Case.case_number,
            Decision.period_start.desc(),
            Decision.created_at.desc(),
            Decision.id,
        )
        .limit(limit)
    )
    if case_number:
        stmt = stmt.where(Case.case_number == case_number.strip().upper())
    rows = session.execute(stmt).all()
    audit.record(
        session, actor, audit.Action.EXPORT, "decisions", detail=f"kommandorad: {len(rows)} beslut"
    )
    return [
        DecisionSummary(
            d.id,
            number,
            d.kind,
            d.outcome,
            d.period_start,
            d.period_end,
            d.granted_total,
            d.decided_on,
            d.letter_sha256 is not None,
        )
        for d, number in rows
    ]


def letter_for_export(
    session: Session,
    actor: Actor,
    decision_id: uuid.UUID,
    render_letter: Callable[[DecisionLetter], bytes],
) -> bytes:
    """The archived letter of a signed decision, or a draft preview rendered now, if the
    actor may read the case. Logged as the actor's export."""
    decision = _readable(session, actor, decision_id)
    require_signature_holds(decision)
    audit.record(
        session,
        actor,
        audit.Action.EXPORT,
        "decision_letter",
        entity_id=decision.id,
        case_id=decision.case_id,
        detail="kommandorad",
    )
    if decision.letter_pdf is not None:
        if hashlib.sha256(decision.letter_pdf).hexdigest() != decision.letter_sha256:
            raise ValidationFailed(
                {"letter": "Det arkiverade beslutsbrevet stämmer inte med sin kontrollsumma."}
            )
        return decision.letter_pdf
    decider = session.get_one(User, decision.decided_by or decision.author_id)
    letter = letter_data(session, Actor.of(decider), decision)
    return render_letter(replace(letter, reconstructed=decision.is_signed))
