"""A proposed decision from an e-ansökan and the registers' answers (issue 24): what the
decision editor opens pre-filled with, for the handläggare to judge. The program never signs
on its own and nothing is saved until she saves.

- The application is the parsed document of a received (or taken) delivery of the case's
  unit whose sökande is the case's sökande (intake_deliveries.applicant_digits) and whose
  month has no decision in the case.
- Norm year: the riksnorm of the period's year (app.norms.applicable_table); when that year's
  norms are not in the database the proposal says so and leaves the year unset, never
  another year.
- Costs as applied for: each kostnad with its amount and description (an unknown slag goes
  to "Övrigt" with its own word kept in the text).
- Incomes from the registers (app.registers.register_answers) for the period's month, per
  person: each item's amount less the tax withheld, since the calculation counts net
  income ("avdrag för alla nettoinkomster det vill säga inkomst efter avdrag för preliminär
  skatt": Högsby kommun, Försörjningsstödets storlek, hogsby.se; a municipality's guidance,
  not checked against Socialstyrelsen's handbook), plus the incomes the applicant stated
  that the registers do not show (or that no register was asked about).
- Differences: for every person and kind of income, what the applicant stated beside what
  the registers say (stated only, register only, amounts differ), with both amounts and the
  source. Persons whose registers were not asked are not compared, and the proposal says
  so.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.case_register import load_case
from app.common.errors import NotFound
from app.common.formatting import money
from app.common.identity_number import format_identity_number
from app.common.periods import month_end, month_start
from app.intake import application_format
from app.models import (
    Case,
    Decision,
    DecisionKind,
    DeliveryStatus,
    IntakeDelivery,
    MemberRole,
)
from app.norms import applicable_table
from app.norms.cost_types import COST_TYPES, INCOME_TYPES
from app.norms.norm_calculation import CostInput
from app.registers import register_answers
from app.registers.register_service import ItemKind, RegisterItem
from app.security import access, audit
from app.security.actor import Actor

HOUSEHOLD = ""
"""The income row's person when it is not a sökande's or medsökande's (the editor's
"Hushållet")."""

REGISTER_INCOME_TYPES: dict[ItemKind, str] = {
    ItemKind.SALARY: "lon",
    ItemKind.ACTIVITY_SUPPORT: "aktivitetsstod",
    ItemKind.UNEMPLOYMENT_BENEFIT: "a_kassa",
    ItemKind.CHILD_ALLOWANCE: "barnbidrag",
    ItemKind.MAINTENANCE_SUPPORT: "underhallsstod",
    ItemKind.HOUSING_ALLOWANCE: "bostadsbidrag",
    ItemKind.SICKNESS_BENEFIT: "sjukpenning",
    ItemKind.PARENTAL_BENEFIT: "foraldrapenning",
    ItemKind.STUDY_GRANT: "ovrigt",
    ItemKind.STUDY_LOAN: "ovrigt",
    ItemKind.PENSION: "pension",
}
"""Each kind of register item as the calculation's income type (studiemedel as "Övrig
inkomst": the calculation has no type of its own for it)."""


class DifferenceKind(StrEnum):
    STATED_ONLY = "bara_ansokan"
    REGISTER_ONLY = "bara_register"
    AMOUNTS_DIFFER = "olika_belopp"


@dataclass(frozen=True)
class ProposedIncome:
    income_type: str
    person_id: str
    """A sökande's or medsökande's person id (text), or HOUSEHOLD."""
    amount: Decimal
    """Per month, as the calculation counts it (after tax)."""
    origin: str
    """Where the amount comes from, in Swedish ("Skatteverket", "ansökan")."""
    note: str = ""
    person_digits: str = ""


@dataclass(frozen=True)
class Difference:
    kind: DifferenceKind
    person_name: str
    income_type: str
    stated: Decimal | None
    register: Decimal | None
    sources: str
    """The register sources behind `register` ("Försäkringskassan"), or ""."""
    person_digits: str = ""

    @property
    def text(self) -> str:
        what = f"{INCOME_TYPES[self.income_type]}, {self.person_name}"
        stated = "uppges inte i ansökan" if self.stated is None else f"ansökan {money(self.stated)}"
        if self.register is None:
            register = "finns inte i registren"
        else:
            register = f"registren {money(self.register)} ({self.sources})"
        return f"{what}: {stated}; {register}."


@dataclass
class Proposal:
    delivery_id: uuid.UUID
    application_id: str
    kind: DecisionKind
    period_start: date
    period_end: date
    norm_year: int | None
    costs: list[CostInput]
    incomes: list[ProposedIncome]
    differences: list[Difference]
    notes: list[str] = field(default_factory=list)
    """What the handläggare should know (a missing norm year, registers not asked, an
    unknown cost slag), in Swedish."""

    def differs(self, income: ProposedIncome) -> Difference | None:
        """The difference an income row stands for, if any."""
        for difference in self.differences:
            if (
                difference.income_type == income.income_type
                and difference.person_digits == income.person_digits
            ):
                return difference
        return None


# --- finding the application -------------------------------------------------------------
@dataclass(frozen=True)
class PendingApplication:
    delivery_id: uuid.UUID
    period_start: date
    application_id: str


def _applicant_digits(session: Session, case_id: uuid.UUID) -> tuple[Case, str | None]:
    case = load_case(session, case_id)
    for member in case.household.members:
        if member.role is MemberRole.APPLICANT:
            return case, member.person.personal_number
    return case, None


def pending_applications(
    session: Session, actor: Actor, case_id: uuid.UUID
) -> list[PendingApplication]:
    """The e-ansökningar of the case's sökande, delivered to the case's unit, for a month
    without a decision in the case (newest month first). Logged as a read of the inbox."""
    case, digits = _applicant_digits(session, case_id)
    access.require_read(session, actor, case)
    if digits is None:
        return []
    deliveries = session.scalars(
        select(IntakeDelivery)
        .where(
            IntakeDelivery.applicant_digits == digits,
            IntakeDelivery.unit_id == case.unit_id,
            IntakeDelivery.status.in_((DeliveryStatus.RECEIVED, DeliveryStatus.TAKEN)),
        )
        .order_by(IntakeDelivery.received_at)
    ).all()
    if not deliveries:
        return []  # nothing of the inbox was read
    decided = set(
        session.scalars(select(Decision.period_start).where(Decision.case_id == case_id)).all()
    )
    decided_months = {month_start(day) for day in decided}
    found: dict[date, PendingApplication] = {}
    for delivery in deliveries:
        document, problems = application_format.parse(delivery.raw)
        if problems or not isinstance(document, dict):
            continue
        first = date.fromisoformat(document["period"]["from"])
        if first in decided_months:
            continue
        # a later delivery for the same month (a corrected application) is the one used
        found[first] = PendingApplication(delivery.id, first, document["ansokan_id"])
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "intake_delivery",
        case_id=case_id,
        detail=f"e-ansökningar utan beslut: {len(found)}",
    )
    return sorted(found.values(), key=lambda p: p.period_start, reverse=True)


# --- the proposal --------------------------------------------------------------------------
def propose(session: Session, actor: Actor, case_id: uuid.UUID, delivery_id: uuid.UUID) -> Proposal:
    """The proposed decision for the e-ansökan `delivery_id` in the case (rules above).
    Logged as reads of the application and of the register answers."""
    case, digits = _applicant_digits(session, case_id)
    access.require_read(session, actor, case)
    delivery = session.get(IntakeDelivery, delivery_id)
    if (
        delivery is None
        or delivery.applicant_digits != digits
        or delivery.unit_id != case.unit_id
        or delivery.status is DeliveryStatus.QUARANTINED
    ):
        raise NotFound("E-ansökan hör inte till ärendet.")
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "intake_delivery",
        entity_id=delivery.id,
        case_id=case_id,
        detail="förslag till beslut",
    )
    document, _problems = application_format.parse(delivery.raw)
    return _proposal_from(session, actor, case, delivery.id, document)


def _proposal_from(
    session: Session, actor: Actor, case: Case, delivery_id: uuid.UUID, document: dict
) -> Proposal:
    first = month_start(date.fromisoformat(document["period"]["from"]))
    last = month_end(first)
    notes: list[str] = []
    norm_year: int | None
    try:
        norm_year = applicable_table.table_for_period(session, first, last).year
    except applicable_table.MissingNormYear as missing:
        norm_year = None
        notes.append(
            f"Riksnormen för {missing.year} finns inte i programmet, så förslaget har inget "
            f"normår och ingen beräkning. {' '.join(missing.field_errors.values())}"
        )
    costs = [_cost(cost, notes) for cost in document.get("kostnader", [])]

    # the case's household: who is who, by personnummer
    members = {m.person.personal_number: m for m in case.household.members}
    adults = {
        digits
        for digits, m in members.items()
        if m.role in (MemberRole.APPLICANT, MemberRole.CO_APPLICANT)
    }
    names = {digits: m.person.full_name for digits, m in members.items()}
    for person in document["hushall"]["personer"]:
        names.setdefault(person["personnummer"], f"{person['fornamn']} {person['efternamn']}")

    def person_id(digits: str) -> str:
        return str(members[digits].person_id) if digits in adults else HOUSEHOLD

    # what the registers say, per person and income type (after tax)
    answers = register_answers.answers_for_month(session, actor, case.id, first)
    asked = {str(a.person_id) for a in answers}
    asked_digits = {d for d, m in members.items() if str(m.person_id) in asked}
    registered: dict[tuple[str, str], list[RegisterItem]] = defaultdict(list)
    digits_of = {m.person_id: digits for digits, m in members.items()}
    for answer in answers:
        digits = digits_of.get(answer.person_id, "")
        for item in answer.items:
            if item.period_start <= last and item.period_end >= first:
                registered[(digits, REGISTER_INCOME_TYPES[item.kind])].append(item)
    stated: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for income in document.get("inkomster", []):
        stated[(income["personnummer"], income["slag"])] += Decimal(income["belopp"])

    incomes: list[ProposedIncome] = []
    differences: list[Difference] = []
    for key in sorted(set(registered) | set(stated), key=_income_order):
        digits, income_type = key
        items = registered.get(key, [])
        net = sum((i.amount - i.tax_withheld for i in items), Decimal("0"))
        sources = ", ".join(dict.fromkeys(i.source.label for i in items))
        if items:
            withheld = sum((i.tax_withheld for i in items), Decimal("0"))
            note = (
                f"Före skatt {money(net + withheld)}, avdragen skatt {money(withheld)}: "
                f"{money(net)} räknas."
                if withheld
                else ""
            )
            incomes.append(
                ProposedIncome(income_type, person_id(digits), net, sources, note, digits)
            )
        else:
            incomes.append(
                ProposedIncome(income_type, person_id(digits), stated[key], "ansökan", "", digits)
            )
        if digits not in asked_digits:
            continue
        said = stated.get(key)
        if said is None:
            kind = DifferenceKind.REGISTER_ONLY
        elif not items:
            kind = DifferenceKind.STATED_ONLY
        elif said != net:
            kind = DifferenceKind.AMOUNTS_DIFFER
        else:
            continue
        differences.append(
            Difference(
                kind,
                names.get(digits, "Hushållet"),
                income_type,
                said,
                net if items else None,
                sources,
                digits,
            )
        )
    not_asked = [
        f"{names[d]} ({format_identity_number(d)})" for d in sorted(adults) if d not in asked_digits
    ]
    if not_asked:
        notes.append(
            "Registren har inte frågats om "
            + " och ".join(not_asked)
            + f" för {first:%Y-%m}: de inkomster som uppges i ansökan är inte jämförda. "
            "Hämta registeruppgifter i journalen om de behövs."
        )
    return Proposal(
        delivery_id=delivery_id,
        application_id=document["ansokan_id"],
        kind=DecisionKind.SUPPORT,
        period_start=first,
        period_end=last,
        norm_year=norm_year,
        costs=costs,
        incomes=incomes,
        differences=differences,
        notes=notes,
    )


def _income_order(key: tuple[str, str]) -> tuple[str, int]:
    digits, income_type = key
    return digits, list(INCOME_TYPES).index(income_type)


def _cost(cost: dict, notes: list[str]) -> CostInput:
    slag = str(cost["slag"])
    description = str(cost.get("beskrivning", ""))
    if slag in COST_TYPES:
        return CostInput(slag, Decimal(cost["belopp"]), None, description)
    notes.append(
        f'Kostnaden "{slag}" ({money(Decimal(cost["belopp"]))}) har inget motsvarande slag i '
        "beräkningen; den står under Övrigt med sitt namn. Bedöm den."
    )
    text = f"{slag}: {description}" if description else slag
    return CostInput("ovrigt", Decimal(cost["belopp"]), None, text)
