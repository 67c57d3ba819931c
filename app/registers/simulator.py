"""A register service that makes up its answers: fictional but realistic incomes and benefits
for the demo and the tests, the same every time for the same personnummer and period.

Each person gets a situation from her personnummer (out of work with aktivitetsstöd or
a-kassa, on sick leave, studying with studiemedel, working part time, retired, on parental
leave) and children to draw barnbidrag and bostadsbidrag for; each month's amounts vary a
little, seeded by the personnummer and the month. The amounts are of the right size, not
the authorities' rules: nothing here may be read as what a person is entitled to.

Faults come from the configuration (`SimulatorConfig`, for the demo and tests) or from the
personnummer asked about (`FAULT_NUMBERS`: fictional numbers born 1 January 1900).
"""

from __future__ import annotations

import enum
import hashlib
import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.common.identity_number import with_check_digit
from app.common.periods import month_end
from app.registers.register_service import (
    ItemKind,
    PartialAnswer,
    RegisterAnswer,
    RegisterItem,
    RegisterRequest,
    RegisterTimeout,
    ServiceUnavailable,
    Source,
    SourceAnswer,
    UnknownPerson,
)

TIMEOUT_SECONDS = 30


class Fault(enum.Enum):
    TIMEOUT = "timeout"
    UNKNOWN_PERSON = "okand_person"
    PARTIAL = "ofullstandigt"
    UNAVAILABLE = "ej_tillganglig"


FAULT_NUMBERS = {
    with_check_digit("19000101001"): Fault.TIMEOUT,
    with_check_digit("19000101002"): Fault.UNKNOWN_PERSON,
    with_check_digit("19000101003"): Fault.PARTIAL,
    with_check_digit("19000101004"): Fault.UNAVAILABLE,
}
"""Personnummer that make the simulator fail (12 digits): 19000101-0016, -0024, -0032 and
-0040 (docs/registeruppgifter.md)."""

PARTIAL_FAILED = (Source.FORSAKRINGSKASSAN, Source.CSN)
"""The sources that do not answer in a partial answer, unless configured otherwise."""


@dataclass(frozen=True)
class SimulatorConfig:
    fault: Fault | None = None
    """Every look-up fails so (the demo's or a test's choice)."""
    failing_sources: tuple[Source, ...] = field(default=PARTIAL_FAILED)
    """Who does not answer in a partial answer."""


class Situation(enum.Enum):
    UNEMPLOYED_ACTIVITY = "aktivitetsstod"
    UNEMPLOYED_INSURED = "a_kassa"
    SICK = "sjukskriven"
    STUDENT = "studerande"
    PART_TIME = "deltid"
    PARENTAL_LEAVE = "foraldraledig"
    NO_INCOME = "utan_inkomst"


EMPLOYERS = ("Exempelbolaget AB", "Städservice i Exempelstad AB", "Kommunens hemtjänst")
"""Fictional employers (Skatteverket's answer names the payer)."""


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _kr(value: float) -> Decimal:
    return Decimal(round(value)).quantize(Decimal("1.00"))


def _weekdays(month: date) -> int:
    return sum(
        1 for day in range(1, month_end(month).day + 1) if month.replace(day=day).weekday() < 5
    )


class Simulator:
    """The simulated register service (`RegisterService`)."""

    name = "Simulerad registertjänst (fiktiva uppgifter)"

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()

    def incomes_and_benefits(self, request: RegisterRequest) -> RegisterAnswer:
        fault = FAULT_NUMBERS.get(request.personal_number) or self.config.fault
        if fault is Fault.TIMEOUT:
            raise RegisterTimeout(TIMEOUT_SECONDS)
        if fault is Fault.UNKNOWN_PERSON:
            raise UnknownPerson(request.personal_number)
        if fault is Fault.UNAVAILABLE:
            raise ServiceUnavailable()
        if fault is Fault.PARTIAL:
            failed = self.config.failing_sources
            raise PartialAnswer(failed, [s for s in Source if s not in failed])
        items: dict[Source, list[RegisterItem]] = {source: [] for source in Source}
        for month in request.period.months():
            for item in self._month(request.personal_number, month):
                items[item.source].append(item)
        reference = hashlib.sha256(
            f"{request.personal_number}|{request.period.first}|{request.period.last}".encode()
        ).hexdigest()[:12]
        return RegisterAnswer(
            request,
            tuple(SourceAnswer(source, tuple(items[source])) for source in Source),
            f"SIM-{reference.upper()}",
        )

    def situation(self, personal_number: str) -> tuple[Situation, int]:
        """The person's situation and number of children (from her personnummer alone)."""
        rng = _rng("person", personal_number)
        birth_year = int(personal_number[:4])
        children = rng.choice((0, 0, 0, 1, 1, 2, 3))
        if birth_year <= 1960:
            return Situation.NO_INCOME, 0  # pension, below
        return rng.choice(list(Situation)), children

    def _month(self, personal_number: str, month: date) -> list[RegisterItem]:
        situation, children = self.situation(personal_number)
        rng = _rng("month", personal_number, month.isoformat())
        end = month_end(month)
        found: list[RegisterItem] = []

        def add(source, kind, name, amount, tax_share=0.0, payer="") -> None:
            found.append(
                RegisterItem(
                    source,
                    kind,
                    name,
                    _kr(amount),
                    month,
                    end,
                    _kr(amount * tax_share),
                    payer,
                )
            )

        fk, csn = Source.FORSAKRINGSKASSAN, Source.CSN
        if int(personal_number[:4]) <= 1960:
            add(
                Source.PENSIONSMYNDIGHETEN,
                ItemKind.PENSION,
                "Allmän pension och garantipension",
                rng.uniform(9_500, 12_500),
                0.18,
            )
        elif situation is Situation.UNEMPLOYED_ACTIVITY:
            days = _weekdays(month) - rng.randint(0, 2)
            add(fk, ItemKind.ACTIVITY_SUPPORT, "Aktivitetsstöd", 223 * days, 0.25)
        elif situation is Situation.UNEMPLOYED_INSURED:
            days = _weekdays(month) - rng.randint(0, 3)
            add(
                Source.A_KASSA,
                ItemKind.UNEMPLOYMENT_BENEFIT,
                "Inkomstrelaterad ersättning",
                rng.choice((510, 640, 780)) * days,
                0.3,
            )
        elif situation is Situation.SICK:
            add(fk, ItemKind.SICKNESS_BENEFIT, "Sjukpenning", rng.uniform(380, 620) * end.day, 0.3)
        elif situation is Situation.STUDENT:
            add(csn, ItemKind.STUDY_GRANT, "Studiebidrag", 3_628)
            if rng.random() < 0.7:
                add(csn, ItemKind.STUDY_LOAN, "Studielån", 8_824)
        elif situation is Situation.PART_TIME:
            add(
                Source.SKATTEVERKET,
                ItemKind.SALARY,
                "Kontant bruttolön m.m., ruta 011 i arbetsgivardeklarationen",
                rng.uniform(9_000, 16_000),
                0.3,
                EMPLOYERS[int(personal_number[-2]) % len(EMPLOYERS)],
            )
        elif situation is Situation.PARENTAL_LEAVE:
            add(fk, ItemKind.PARENTAL_BENEFIT, "Föräldrapenning", 250 * end.day, 0.25)
        if children:
            extra = {1: 0, 2: 150, 3: 730}[children]
            add(
                fk,
                ItemKind.CHILD_ALLOWANCE,
                "Barnbidrag och flerbarnstillägg" if children > 1 else "Barnbidrag",
                1_250 * children + extra,
            )
            add(
                fk,
                ItemKind.HOUSING_ALLOWANCE,
                "Bostadsbidrag till barnfamiljer",
                rng.choice((1_500, 2_100, 2_600, 3_400)),
            )
        return [item for item in found if item.amount > 0]
