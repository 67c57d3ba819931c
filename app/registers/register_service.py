"""The register service (SSBTEK): one interface for asking for a person's incomes and
benefits over a period of months, whatever answers it (the simulator, or the real service
when it is connected; docs/registeruppgifter.md).

The answer comes per source (Försäkringskassan, Arbetsförmedlingen, a-kassan, CSN,
Pensionsmyndigheten, Skatteverket); each item carries its kind, the amount paid out before
tax, the tax withheld, the period it is for and the source's own name for it. A fault is a
`RegisterFault`, a ServiceError whose message tells the handläggare what to do.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from app.common import formatting
from app.common.errors import ServiceError
from app.common.periods import month_end, month_start, months, months_between

MAX_MONTHS = 12
"""The longest period one look-up asks for: a year (an application is about a month; a
review of paid bistånd goes back further)."""


class Source(enum.StrEnum):
    """The authorities the register service answers for."""

    FORSAKRINGSKASSAN = "forsakringskassan"
    ARBETSFORMEDLINGEN = "arbetsformedlingen"
    A_KASSA = "a_kassa"
    CSN = "csn"
    PENSIONSMYNDIGHETEN = "pensionsmyndigheten"
    SKATTEVERKET = "skatteverket"

    @property
    def label(self) -> str:
        return SOURCE_LABELS[self]


SOURCE_LABELS = {
    Source.FORSAKRINGSKASSAN: "Försäkringskassan",
    Source.ARBETSFORMEDLINGEN: "Arbetsförmedlingen",
    Source.A_KASSA: "a-kassan",
    Source.CSN: "CSN",
    Source.PENSIONSMYNDIGHETEN: "Pensionsmyndigheten",
    Source.SKATTEVERKET: "Skatteverket",
}


class ItemKind(enum.StrEnum):
    """What an amount is, in the program's words (the source's own name is kept beside)."""

    SALARY = "lon"
    ACTIVITY_SUPPORT = "aktivitetsstod"
    UNEMPLOYMENT_BENEFIT = "arbetsloshetsersattning"
    CHILD_ALLOWANCE = "barnbidrag"
    MAINTENANCE_SUPPORT = "underhallsstod"
    HOUSING_ALLOWANCE = "bostadsbidrag"
    SICKNESS_BENEFIT = "sjukpenning"
    PARENTAL_BENEFIT = "foraldrapenning"
    STUDY_GRANT = "studiebidrag"
    STUDY_LOAN = "studielan"
    PENSION = "pension"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    ItemKind.SALARY: "Lön",
    ItemKind.ACTIVITY_SUPPORT: "Aktivitetsstöd",
    ItemKind.UNEMPLOYMENT_BENEFIT: "Arbetslöshetsersättning",
    ItemKind.CHILD_ALLOWANCE: "Barnbidrag",
    ItemKind.MAINTENANCE_SUPPORT: "Underhållsstöd",
    ItemKind.HOUSING_ALLOWANCE: "Bostadsbidrag",
    ItemKind.SICKNESS_BENEFIT: "Sjukpenning",
    ItemKind.PARENTAL_BENEFIT: "Föräldrapenning",
    ItemKind.STUDY_GRANT: "Studiebidrag",
    ItemKind.STUDY_LOAN: "Studielån",
    ItemKind.PENSION: "Pension",
}


@dataclass(frozen=True)
class MonthRange:
    """Whole calendar months, `first` to `last` (both the first day of their month)."""

    first: date
    last: date

    @classmethod
    def of(cls, first: date, last: date | None = None) -> MonthRange:
        return cls(month_start(first), month_start(last or first))

    def months(self) -> list[date]:
        return list(months(self.first, self.last))

    @property
    def end(self) -> date:
        return month_end(self.last)

    @property
    def text(self) -> str:
        """'november 2026' or 'september 2026 – november 2026'."""
        if self.first == self.last:
            return formatting.month_name(self.first)
        return f"{formatting.month_name(self.first)} – {formatting.month_name(self.last)}"

    def problem(self, today: date) -> str | None:
        """Why the registers cannot be asked for this period, in Swedish, or None."""
        if self.last < self.first:
            return "Periodens sista månad ligger före den första."
        if months_between(self.first, self.last) >= MAX_MONTHS:
            return f"Fråga om högst {MAX_MONTHS} månader åt gången."
        if self.first > month_start(today):
            return "Registren har inga uppgifter om månader som inte har börjat."
        if self.last > month_start(today):
            return "Periodens sista månad har inte börjat än."
        return None


@dataclass(frozen=True)
class RegisterItem:
    source: Source
    kind: ItemKind
    source_name: str
    """What the source itself calls it ("Aktivitetsstöd", "Kontant bruttolön m.m.")."""
    amount: Decimal
    """Paid out (or, from Skatteverket, reported) before tax, in kronor."""
    period_start: date
    period_end: date
    tax_withheld: Decimal = Decimal("0")
    payer: str = ""
    """Who paid it, where the source says (an employer in Skatteverket's answer)."""

    @property
    def period_text(self) -> str:
        return formatting.period_text(self.period_start, self.period_end)


@dataclass(frozen=True)
class SourceAnswer:
    source: Source
    items: tuple[RegisterItem, ...]


@dataclass(frozen=True)
class RegisterRequest:
    """What the service is asked, and on whose behalf (the real service logs it too)."""

    personal_number: str
    """12 digits, ÅÅÅÅMMDDNNNN."""
    period: MonthRange
    purpose: str
    """A code of the "registerandamal" list."""
    asked_by: str
    """The handläggare's username."""
    case_number: str


@dataclass(frozen=True)
class RegisterAnswer:
    request: RegisterRequest
    answers: tuple[SourceAnswer, ...]
    """One per source asked, every source answered."""
    reference: str
    """The service's own id of the answer (to quote to its support)."""

    @property
    def items(self) -> list[RegisterItem]:
        return [item for answer in self.answers for item in answer.items]


class RegisterService(Protocol):
    """The register service as the program asks it (the simulator or the real one)."""

    name: str
    """Shown in the journal entry: where the answer came from."""

    def incomes_and_benefits(self, request: RegisterRequest) -> RegisterAnswer:
        """Every source's answer for the person and period, or a RegisterFault."""
        ...


class RegisterFault(ServiceError):
    """The register service could not answer: `str(error)` says what to do."""


class RegisterTimeout(RegisterFault):
    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(
            f"Registertjänsten svarade inte inom {seconds} sekunder. Försök igen om en stund; "
            "händer det flera gånger, kontakta IT-supporten. Ingenting sparades i ärendet."
        )


class UnknownPerson(RegisterFault):
    def __init__(self, personal_number: str) -> None:
        self.personal_number = personal_number
        super().__init__(
            f"Registren känner inte till personnumret {_display(personal_number)}. Kontrollera "
            "numret mot sökandens id-handling; har personen ett samordningsnummer eller ett nytt "
            "personnummer, ändra det i ärendet och fråga igen."
        )


class PartialAnswer(RegisterFault):
    """Some sources answered, others did not: nothing is stored (an incomplete picture of
    the incomes would mislead the decision); the look-up can be asked again."""

    def __init__(self, failed: Sequence[Source], answered: Sequence[Source]) -> None:
        self.failed = tuple(failed)
        self.answered = tuple(answered)
        names = _names(self.failed)
        super().__init__(
            f"Svar saknas från {names}. Uppgifterna blev därför inte kompletta och sparades "
            "inte i ärendet. Fråga igen om en stund, eller be sökanden om underlag från "
            f"{names}."
        )


class ServiceUnavailable(RegisterFault):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "Registertjänsten går inte att nå just nu (den kan ha driftstörning eller "
            "underhåll). Försök igen senare; behövs uppgifterna i dag, be sökanden om underlag. "
            "Ingenting sparades i ärendet."
        )


def _display(digits: str) -> str:
    return f"{digits[:8]}-{digits[8:]}" if len(digits) == 12 else digits


def _names(sources: Sequence[Source]) -> str:
    labels = [source.label for source in sources]
    if len(labels) <= 1:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} och {labels[-1]}"
