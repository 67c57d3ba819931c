"""Norm calculation for försörjningsstöd: pure functions over Decimal.

Bistånd = riksnorm (personal costs for each member + gemensamma hushållskostnader by household
size) + skäliga kostnader (approved amounts) − the household's counted income. A positive result
is a deficit (the amount that can be granted); a negative result is a surplus.

Rules in short:
- An adult who is not sambo gets the ensamstående amount; two sambo adults get the sambo amount
  once, together.
- Children get the amount of their age band; children 0–6 år with lunch in förskola five days a
  week get the lower 'utan lunch' amount; 19–20 år applies to children still in school.
- Gemensamma hushållskostnader for the number of persons in the household. In hushållsgemenskap
  without being sambo (sharing a home with others outside the household) the household gets its
  share: common_costs(persons in the home) × household persons / persons in the home.
- Jobbstimulans (särskild beräkningsregel, 4 kap. 1 b § SoL 2001:453 / 12 kap. 8 § SoL
  2025:400): 25 % of a person's income from employment is not counted in a month covered by
  the person's period. The period is derived from the case's signed decisions
  (app.cases.jobbstimulans) and handed in with the income; it is never typed in.
- Every computed amount is rounded to öre, half up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from app.cases.jobbstimulans import JobbstimulansStatus
from app.common.errors import ValidationFailed
from app.common.formatting import money, number
from app.common.text_input import clean_text
from app.norms.cost_types import COST_TYPES, INCOME_TYPES
from app.norms.norm_table import (
    CHILD_MAX_AGE,
    CHILD_MIN_AGE,
    KnownTotal,
    NormTable,
    NormValue,
    describe,
)

ORE = Decimal("0.01")
MAX_ROW_AMOUNT = Decimal("200000")
"""Amounts above this per row and month are refused as implausible (likely a typo)."""

MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 500
MAX_SHARED_HOUSEHOLD_PERSONS = 30

Section = Literal["norm", "kostnad", "inkomst"]

LEGACY_INTERNAL_NOTE = "Beloppet är inte kontrollerat mot socialtjänstförordningen."
"""An internal note older versions put in a calculation row (issue 19, defect 2). Rows carry
no such note any more; `public_note` takes it out of rows saved before."""


def public_note(note: str) -> str:
    """A row's note as a letter may print it: internal notes removed."""
    return " ".join(note.replace(LEGACY_INTERNAL_NOTE, "").split())


# --- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdultInput:
    name: str
    cohabiting: bool


@dataclass(frozen=True)
class ChildInput:
    name: str
    age: int
    without_lunch: bool = False
    """Lunch in förskola five days a week: the lower amount for 0–6 år."""


@dataclass(frozen=True)
class HouseholdComposition:
    adults: list[AdultInput]
    children: list[ChildInput]
    shared_household_persons: int = 0
    """Hushållsgemenskap without being sambo: the number of persons sharing the home (0 = the
    household lives on its own)."""

    @property
    def persons(self) -> int:
        return len(self.adults) + len(self.children)


@dataclass(frozen=True)
class CostInput:
    cost_type: str
    applied: Decimal
    approved: Decimal | None = None
    """None: the applied amount is approved."""
    description: str = ""


@dataclass(frozen=True)
class IncomeInput:
    income_type: str
    person: str
    amount: Decimal
    employment: bool = False
    """Income from employment (lön): jobbstimulans may apply."""
    jobbstimulans: JobbstimulansStatus | None = None
    """The person's jobbstimulans in the month calculated, derived from the case's signed
    decisions (app.cases.jobbstimulans.for_case); None when not derived: the whole income
    counts."""


# --- output ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalculationRow:
    section: Section
    label: str
    amount: Decimal
    note: str = ""


@dataclass(frozen=True)
class Calculation:
    year: int
    rows: list[CalculationRow]
    norm_total: Decimal
    costs_applied_total: Decimal
    costs_approved_total: Decimal
    income_total: Decimal
    income_counted_total: Decimal
    result: Decimal
    """norm + approved costs − counted income: positive = deficit (bistånd), negative = surplus."""
    uses_unverified: bool = False
    unverified: list[str] = field(default_factory=list)
    """The norm amounts used that have no source ('Barn 4–6 år: 3 035,00 kr'): a decision
    computed with them cannot be signed. Never printed in a letter."""
    norm_source: str = ""
    """The letter's text for the sources of the norm amounts used ('' when one has none)."""

    @property
    def deficit(self) -> Decimal:
        """The amount that can be granted (0 when there is a surplus)."""
        return max(self.result, Decimal("0.00"))

    @property
    def surplus(self) -> Decimal:
        return max(-self.result, Decimal("0.00"))

    def section(self, section: Section) -> list[CalculationRow]:
        return [row for row in self.rows if row.section == section]


# --- amounts --------------------------------------------------------------------------------


def round_ore(value: Decimal) -> Decimal:
    return value.quantize(ORE, rounding=ROUND_HALF_UP)


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_SUFFIX = re.compile(r"(?:kr\.?|kronor|sek|:-)$", re.IGNORECASE)
_NUMBER = re.compile(r"^(\d{1,3}(?: \d{3})+|\d+)(?:[.,](\d+))?$")
_AMOUNT_HINT = "Skriv beloppet med siffror, t.ex. 7 500 eller 7 500,50."


def parse_amount(text: str | None, field: str, label: str) -> Decimal:
    """Swedish money input to Decimal: '7 500', '7500,50', '1 234,5 kr', '7 500:-', '7500.50'.

    Refuses letters, exponents ('1e5'), NaN, negative amounts and more than two decimals,
    raising ValidationFailed({field: Swedish message}).
    """
    raw = "" if text is None else str(text)
    cleaned = _SPACES.sub(" ", raw).strip()
    cleaned = _SUFFIX.sub("", cleaned).strip()
    if not cleaned:
        raise ValidationFailed({field: f"{label} måste fyllas i."})
    if cleaned[0] in "-−–":
        raise ValidationFailed({field: f"{label} får inte vara negativt."})
    if cleaned[0] == "+":
        cleaned = cleaned[1:].strip()
    match = _NUMBER.match(cleaned)
    if not match:
        raise ValidationFailed({field: f"{label} är inte ett belopp. {_AMOUNT_HINT}"})
    whole, decimals = match.group(1).replace(" ", ""), match.group(2)
    if decimals is not None and len(decimals) > 2:
        raise ValidationFailed({field: f"{label} får ha högst två decimaler (öre)."})
    if len(whole.lstrip("0")) > 12:
        raise ValidationFailed({field: f"{label}: orimligt högt belopp – kontrollera."})
    try:
        value = Decimal(f"{whole}.{decimals}" if decimals else whole)
    except InvalidOperation as error:  # pragma: no cover - the pattern only lets digits through
        raise ValidationFailed({field: f"{label} är inte ett belopp. {_AMOUNT_HINT}"}) from error
    return round_ore(value)


def _amount_error(value: object, label: str) -> str | None:
    """Swedish message when `value` is not an acceptable amount for one row and month."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        return f"{label} måste vara ett belopp i kronor."
    amount = Decimal(value)
    if not amount.is_finite():
        return f"{label} måste vara ett belopp i kronor."
    if amount < 0:
        return f"{label} får inte vara negativt."
    if amount != amount.quantize(ORE, rounding=ROUND_HALF_UP):
        return f"{label} får ha högst två decimaler (öre)."
    if amount > MAX_ROW_AMOUNT:
        return f"{label}: orimligt högt belopp – kontrollera (över {money(MAX_ROW_AMOUNT)})."
    return None


def _int_error(value: object, label: str, low: int, high: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{label} måste vara ett heltal."
    if not low <= value <= high:
        return f"{label} måste vara mellan {low} och {high}."
    return None


# --- validation -----------------------------------------------------------------------------


def validate(
    table: NormTable,
    household: HouseholdComposition,
    costs: Sequence[CostInput],
    incomes: Sequence[IncomeInput],
) -> None:
    """Raise ValidationFailed with every problem, keyed like 'cost.0.applied', 'child.1.age'."""
    errors: dict[str, str] = {}

    def add(key: str, message: str | None) -> None:
        if message:
            errors.setdefault(key, message)

    def text(value: object, key: str, label: str, max_length: int) -> None:
        if not isinstance(value, str):
            add(key, f"{label} måste vara text.")
            return
        try:
            clean_text(value, field=key, label=label, max_length=max_length)
        except ValidationFailed as error:
            errors.update({k: v for k, v in error.field_errors.items() if k not in errors})

    if not household.adults:
        add("adults", "Hushållet måste ha minst en vuxen.")
    cohabiting = []
    for index, adult in enumerate(household.adults):
        text(adult.name, f"adult.{index}.name", "Namnet", MAX_NAME_LENGTH)
        if not isinstance(adult.cohabiting, bool):
            add(f"adult.{index}.cohabiting", "Ange om den vuxna är sambo (ja eller nej).")
        elif adult.cohabiting:
            cohabiting.append(index)
    if len(cohabiting) == 1:
        add(
            f"adult.{cohabiting[0]}.cohabiting",
            "En sambo måste ha sin sambo med i hushållet (två vuxna som är sambor).",
        )
    elif len(cohabiting) > 2:
        add(
            f"adult.{cohabiting[2]}.cohabiting",
            "Högst två vuxna i hushållet kan vara sambor med varandra.",
        )

    lunch_max = max((band.to_age for band in table.children_without_lunch), default=-1)
    for index, child in enumerate(household.children):
        text(child.name, f"child.{index}.name", "Namnet", MAX_NAME_LENGTH)
        age_error = None
        if isinstance(child.age, bool) or not isinstance(child.age, int):
            age_error = "Barnets ålder måste anges i hela år."
        elif not CHILD_MIN_AGE <= child.age <= CHILD_MAX_AGE:
            age_error = (
                f"Barnets ålder måste vara {CHILD_MIN_AGE}–{CHILD_MAX_AGE} år "
                f"(angivet: {child.age} år). Den som är äldre räknas som vuxen."
            )
        add(f"child.{index}.age", age_error)
        if not isinstance(child.without_lunch, bool):
            add(f"child.{index}.without_lunch", "Ange om barnet äter lunch i förskolan.")
        elif child.without_lunch and not age_error and not table.without_lunch_applies(child.age):
            add(
                f"child.{index}.without_lunch",
                f"Det lägre beloppet utan lunch gäller bara barn 0–{lunch_max} år "
                f"(barnet är {child.age} år).",
            )

    shared = household.shared_household_persons
    shared_error = _int_error(
        shared, "Antalet personer i bostaden", 0, MAX_SHARED_HOUSEHOLD_PERSONS
    )
    if shared_error:
        add("shared_household_persons", shared_error)
    elif shared and household.persons and shared <= household.persons:
        add(
            "shared_household_persons",
            f"Antalet personer i bostaden ({shared}) måste vara fler än hushållets "
            f"{household.persons} {'person' if household.persons == 1 else 'personer'} "
            "vid hushållsgemenskap. Ange 0 om hushållet bor för sig.",
        )

    for index, cost in enumerate(costs):
        key = f"cost.{index}"
        if cost.cost_type not in COST_TYPES:
            add(f"{key}.cost_type", f"Okänd kostnadstyp: {cost.cost_type!r}.")
        label = COST_TYPES.get(cost.cost_type, "Kostnaden")
        add(f"{key}.applied", _amount_error(cost.applied, f"{label}, ansökt belopp"))
        if cost.approved is not None:
            add(f"{key}.approved", _amount_error(cost.approved, f"{label}, godkänt belopp"))
        text(cost.description, f"{key}.description", "Beskrivningen", MAX_DESCRIPTION_LENGTH)

    for index, income in enumerate(incomes):
        key = f"income.{index}"
        if income.income_type not in INCOME_TYPES:
            add(f"{key}.income_type", f"Okänd inkomsttyp: {income.income_type!r}.")
        label = INCOME_TYPES.get(income.income_type, "Inkomsten")
        add(f"{key}.amount", _amount_error(income.amount, label))
        text(income.person, f"{key}.person", "Personen", MAX_NAME_LENGTH)
        if not isinstance(income.employment, bool):
            add(f"{key}.employment", "Ange om inkomsten kommer från anställning.")
        if income.jobbstimulans is not None and not isinstance(
            income.jobbstimulans, JobbstimulansStatus
        ):
            add(
                f"{key}.jobbstimulans",
                "Jobbstimulansen räknas fram ur ärendets beslut och kan inte anges för hand.",
            )

    if errors:
        raise ValidationFailed(errors)


# --- the calculation ------------------------------------------------------------------------


def counted_income(income: IncomeInput) -> tuple[Decimal, str]:
    """The part of an income that is counted, and a note explaining jobbstimulans."""
    amount = round_ore(Decimal(income.amount))
    if not income.employment:
        return amount, ""
    status = income.jobbstimulans
    if status is None:
        return amount, "Hela inkomsten räknas: ingen jobbstimulans har räknats fram."
    if not status.applies:
        return amount, f"Hela inkomsten räknas: {status.explanation()}."
    assert status.period is not None  # applies
    disregarded = round_ore(amount * status.share)
    percent = number(status.share * 100)
    return (
        amount - disregarded,
        f"Jobbstimulans {status.period.text} enligt {status.lagrum}: {percent} % av "
        f"{money(amount)} räknas inte ({money(disregarded)}).",
    )


def _name(name: str, fallback: str) -> str:
    return " ".join(name.split()) or fallback


def calculate(
    table: NormTable,
    household: HouseholdComposition,
    costs: Sequence[CostInput] = (),
    incomes: Sequence[IncomeInput] = (),
) -> Calculation:
    validate(table, household, costs, incomes)
    rows: list[CalculationRow] = []
    used_values: list[NormValue] = []

    def norm_row(label: str, value: NormValue, note: str = "", amount: Decimal | None = None):
        used_values.append(value)
        rows.append(
            CalculationRow(
                "norm", label, round_ore(value.amount if amount is None else amount), note
            )
        )

    # Personal costs.
    adult_names = [
        _name(adult.name, f"Vuxen {index + 1}") for index, adult in enumerate(household.adults)
    ]
    pair = [index for index, adult in enumerate(household.adults) if adult.cohabiting]
    if pair:
        norm_row(
            f"Personliga kostnader, sambor: {adult_names[pair[0]]} och {adult_names[pair[1]]}",
            table.cohabiting_adults,
            "Gemensamt belopp för två vuxna som är sambor.",
        )
    for index, adult in enumerate(household.adults):
        if not adult.cohabiting:
            norm_row(
                f"Personliga kostnader, ensamstående vuxen: {adult_names[index]}",
                table.single_adult,
            )
    for index, child in enumerate(household.children):
        band = table.child_band(child.age, child.without_lunch)
        note = f"Åldersgrupp {band.label}"
        if child.without_lunch:
            note += ", utan lunch (äter lunch i förskolan fem dagar i veckan)"
        if band.from_age >= 19:
            note += ", gäller barn som fortfarande går i skolan"
        norm_row(
            f"Personliga kostnader, barn {child.age} år: {_name(child.name, f'Barn {index + 1}')}",
            band.value,
            note + ".",
        )

    # Gemensamma hushållskostnader.
    persons = household.persons
    shared = household.shared_household_persons
    if shared:
        common = table.common_costs(shared)
        share = round_ore(common.amount * persons / shared)
        norm_row(
            f"Gemensamma hushållskostnader, andel {persons} av {shared} personer",
            common,
            f"Hushållsgemenskap: {number(common.amount)} kr för {shared} personer, "
            f"hushållets andel {persons}/{shared}.",
            amount=share,
        )
    else:
        norm_row(
            f"Gemensamma hushållskostnader, {persons} {'person' if persons == 1 else 'personer'}",
            table.common_costs(persons),
        )
    norm_total = sum((row.amount for row in rows), Decimal("0.00"))
    used_unverified: list[str] = []
    for value in used_values:
        if not value.verified and describe(value) not in used_unverified:
            used_unverified.append(describe(value))
    norm_source = table.citation_of(used_values)
    total = _known_total(table, household, norm_total)
    if total is not None and used_unverified:
        # the source states this household's whole norm: the sum is sourced
        used_unverified = []
        source = table.source_by_id(total.source)
        norm_source = source.citation if source else ""

    # Skäliga kostnader.
    costs_applied_total = Decimal("0.00")
    costs_approved_total = Decimal("0.00")
    for cost in costs:
        applied = round_ore(Decimal(cost.applied))
        approved = applied if cost.approved is None else round_ore(Decimal(cost.approved))
        costs_applied_total += applied
        costs_approved_total += approved
        label = COST_TYPES[cost.cost_type]
        description = " ".join(cost.description.split())
        if description:
            label = f"{label}: {description}"
        note = "" if approved == applied else f"Ansökt {money(applied)}, godkänt {money(approved)}."
        rows.append(CalculationRow("kostnad", label, approved, note))

    # Inkomster.
    income_total = Decimal("0.00")
    income_counted_total = Decimal("0.00")
    for income in incomes:
        counted, note = counted_income(income)
        income_total += round_ore(Decimal(income.amount))
        income_counted_total += counted
        label = INCOME_TYPES[income.income_type]
        person = " ".join(income.person.split())
        if person:
            label = f"{label} ({person})"
        rows.append(CalculationRow("inkomst", label, counted, note))

    result = round_ore(norm_total + costs_approved_total - income_counted_total)
    return Calculation(
        year=table.year,
        rows=rows,
        norm_total=round_ore(norm_total),
        costs_applied_total=round_ore(costs_applied_total),
        costs_approved_total=round_ore(costs_approved_total),
        income_total=round_ore(income_total),
        income_counted_total=round_ore(income_counted_total),
        result=result,
        uses_unverified=bool(used_unverified),
        unverified=used_unverified,
        norm_source=norm_source,
    )


def _known_total(
    table: NormTable, household: HouseholdComposition, norm_total: Decimal
) -> KnownTotal | None:
    """The table's known total for this household, when it is one the source states (an
    ensamstående or a sambo pair without children, in a home of their own) and the
    calculation arrives at it."""
    if household.children or household.shared_household_persons:
        return None
    adults = household.adults
    if len(adults) == 1 and not adults[0].cohabiting:
        total = table.known_total(1)
    elif len(adults) == 2 and all(adult.cohabiting for adult in adults):
        total = table.known_total(2)
    else:
        return None
    return total if total is not None and total.amount == norm_total else None
