"""Riksnormen as data: one table per year in resources/norms/<year>.json.

The amounts are set yearly in socialtjänstförordningen (2001:937). Every amount carries a
`verified` flag: False means it has not been checked against the primary source (an estimate),
and the calculation says so wherever such an amount is used.

`parse_norm_table` takes any dict of the file schema, so the same validation serves the bundled
files and tables an administrator enters or imports; `norm_table_to_json` gives the dict back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from app.common.errors import ValidationFailed
from app.common.formatting import number
from app.common.resources import resource_path

CHILD_MIN_AGE = 0
CHILD_MAX_AGE = 20
"""Children's bands cover 0–20 år (19–20 år: children still in school)."""

WITHOUT_LUNCH_MAX_AGE = 6
"""The lower amounts 'utan lunch' cover 0–6 år (lunch in förskola five days a week)."""

COMMON_COSTS_LISTED_PERSONS = 7
"""Gemensamma hushållskostnader are listed for 1–7 persons, then a sum per extra person."""

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_NORM_AMOUNT = Decimal("100000")

_NORMS_FOLDER = "norms"
_FILE_NAME = re.compile(r"^(\d{4})\.json$")


@dataclass(frozen=True)
class NormValue:
    """One amount of the table in whole kronor, and whether it is checked against the source."""

    amount: Decimal
    verified: bool
    description: str = field(default="", compare=False)
    """Swedish name of the item, e.g. 'Barn 4–6 år' (not part of equality)."""


@dataclass(frozen=True)
class AgeBand:
    from_age: int
    to_age: int
    value: NormValue

    @property
    def label(self) -> str:
        return age_band_label(self.from_age, self.to_age)

    def covers(self, age: int) -> bool:
        return self.from_age <= age <= self.to_age


@dataclass(frozen=True)
class NormTable:
    year: int
    source: str
    note: str
    children: tuple[AgeBand, ...]
    children_without_lunch: tuple[AgeBand, ...]
    single_adult_value: NormValue
    cohabiting_adults_value: NormValue
    common_costs_values: tuple[NormValue, ...]
    """Index 0 is one person, index 6 seven persons."""
    common_costs_per_extra_person: NormValue

    @property
    def single_adult(self) -> NormValue:
        """Personal costs for an adult who is not sambo (ensamstående)."""
        return self.single_adult_value

    @property
    def cohabiting_adults(self) -> NormValue:
        """Personal costs for a sambo/married pair together (one amount for both)."""
        return self.cohabiting_adults_value

    @property
    def is_fully_verified(self) -> bool:
        return not self.unverified_items()

    def child_band(self, age: int, without_lunch: bool = False) -> AgeBand:
        """The age band for a child; `without_lunch` only applies where the table has a band
        for that age (0–6 år) and is otherwise ignored."""
        if isinstance(age, bool) or not isinstance(age, int):
            raise ValidationFailed({"age": "Barnets ålder måste vara ett heltal."})
        if without_lunch:
            for band in self.children_without_lunch:
                if band.covers(age):
                    return band
        for band in self.children:
            if band.covers(age):
                return band
        raise ValidationFailed(
            {
                "age": f"Det finns inget normbelopp för barn som är {age} år "
                f"(riksnormen gäller barn {CHILD_MIN_AGE}–{CHILD_MAX_AGE} år)."
            }
        )

    def child_amount(self, age: int, without_lunch: bool = False) -> NormValue:
        return self.child_band(age, without_lunch).value

    def without_lunch_applies(self, age: int) -> bool:
        return any(band.covers(age) for band in self.children_without_lunch)

    def common_costs(self, persons: int) -> NormValue:
        """Gemensamma hushållskostnader for a household of `persons` persons; above seven the
        seven-person amount plus the amount per extra person for each one."""
        if isinstance(persons, bool) or not isinstance(persons, int) or persons < 1:
            raise ValidationFailed({"persons": "Antalet personer i hushållet måste vara minst 1."})
        if persons <= COMMON_COSTS_LISTED_PERSONS:
            return self.common_costs_values[persons - 1]
        base = self.common_costs_values[COMMON_COSTS_LISTED_PERSONS - 1]
        extra = self.common_costs_per_extra_person
        return NormValue(
            base.amount + extra.amount * (persons - COMMON_COSTS_LISTED_PERSONS),
            base.verified and extra.verified,
            f"Gemensamma hushållskostnader, {persons} personer",
        )

    def all_values(self) -> list[NormValue]:
        return [
            *(band.value for band in self.children),
            *(band.value for band in self.children_without_lunch),
            self.single_adult_value,
            self.cohabiting_adults_value,
            *self.common_costs_values,
            self.common_costs_per_extra_person,
        ]

    def unverified_items(self) -> list[str]:
        """Swedish descriptions of the amounts not checked against the primary source,
        e.g. 'Barn 4–6 år: 3 035 kr'."""
        return [describe(value) for value in self.all_values() if not value.verified]


def describe(value: NormValue) -> str:
    return f"{value.description}: {number(value.amount)} kr"


def age_band_label(from_age: int, to_age: int) -> str:
    return f"{from_age} år" if from_age == to_age else f"{from_age}–{to_age} år"


def _child_description(from_age: int, to_age: int, without_lunch: bool) -> str:
    text = f"Barn {age_band_label(from_age, to_age)}"
    return text + " (utan lunch)" if without_lunch else text


def _common_description(persons: int) -> str:
    return f"Gemensamma hushållskostnader, {persons} {'person' if persons == 1 else 'personer'}"


SINGLE_ADULT_DESCRIPTION = "Ensamstående vuxen"
COHABITING_DESCRIPTION = "Sambor (två vuxna tillsammans)"
EXTRA_PERSON_DESCRIPTION = "Gemensamma hushållskostnader, per person utöver sju"


# --- parsing and validation -------------------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, message)


def _parse_int(raw: Any, key: str, label: str, errors: _Errors) -> int | None:
    if isinstance(raw, bool):
        errors.add(key, f"{label} måste vara ett heltal.")
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and re.fullmatch(r"\s*\d{1,4}\s*", raw):
        return int(raw)
    errors.add(key, f"{label} måste vara ett heltal.")
    return None


def _parse_value(raw: Any, key: str, description: str, errors: _Errors) -> NormValue | None:
    if not isinstance(raw, Mapping):
        errors.add(key, f"{description}: belopp saknas.")
        return None
    amount_raw = raw.get("amount")
    amount: Decimal | None = None
    if isinstance(amount_raw, bool) or amount_raw is None or isinstance(amount_raw, float):
        amount = None
    elif isinstance(amount_raw, int):
        amount = Decimal(amount_raw)
    elif isinstance(amount_raw, Decimal):
        amount = amount_raw
    elif isinstance(amount_raw, str):
        try:
            amount = Decimal(amount_raw.strip().replace(" ", "").replace("\xa0", ""))
        except InvalidOperation:
            amount = None
    ok = True
    if amount is None or not amount.is_finite():
        errors.add(f"{key}.amount", f"{description}: beloppet måste anges i hela kronor.")
        ok = False
    elif amount <= 0:
        errors.add(f"{key}.amount", f"{description}: beloppet måste vara större än noll.")
        ok = False
    elif amount != amount.to_integral_value():
        errors.add(f"{key}.amount", f"{description}: beloppet måste vara i hela kronor.")
        ok = False
    elif amount > MAX_NORM_AMOUNT:
        errors.add(
            f"{key}.amount", f"{description}: orimligt högt belopp ({amount} kr) – kontrollera."
        )
        ok = False
    verified = raw.get("verified", False)
    if not isinstance(verified, bool):
        errors.add(f"{key}.verified", f"{description}: 'verified' måste vara true eller false.")
        ok = False
    if not ok or amount is None:
        return None
    return NormValue(Decimal(int(amount)), verified, description)


def _parse_bands(
    raw: Any, key: str, label: str, last_age: int, without_lunch: bool, errors: _Errors
) -> tuple[AgeBand, ...]:
    if not isinstance(raw, list) or not raw:
        errors.add(key, f"{label}: åldersgrupperna saknas.")
        return ()
    bands: list[AgeBand] = []
    ok = True
    for index, item in enumerate(raw):
        item_key = f"{key}.{index}"
        if not isinstance(item, Mapping):
            errors.add(item_key, f"{label}: åldersgrupp {index + 1} är felaktig.")
            ok = False
            continue
        from_age = _parse_int(item.get("from_age"), f"{item_key}.from_age", "Från ålder", errors)
        to_age = _parse_int(item.get("to_age"), f"{item_key}.to_age", "Till ålder", errors)
        if from_age is None or to_age is None:
            ok = False
            continue
        if from_age > to_age:
            errors.add(
                f"{item_key}.to_age",
                f"{label}: åldersgruppen {from_age}–{to_age} år slutar före den börjar.",
            )
            ok = False
            continue
        value = _parse_value(
            item, item_key, _child_description(from_age, to_age, without_lunch), errors
        )
        if value is None:
            ok = False
            continue
        bands.append(AgeBand(from_age, to_age, value))
    if not ok:
        return ()
    bands.sort(key=lambda band: band.from_age)
    expected = CHILD_MIN_AGE
    for band in bands:
        if band.from_age > expected:
            errors.add(
                key,
                f"{label}: ålder {age_band_label(expected, band.from_age - 1)} saknas "
                f"(åldersgrupperna ska täcka {CHILD_MIN_AGE}–{last_age} år utan luckor).",
            )
            return ()
        if band.from_age < expected:
            errors.add(
                key,
                f"{label}: åldersgrupperna överlappar vid {band.from_age} år.",
            )
            return ()
        expected = band.to_age + 1
    if expected - 1 != last_age:
        if expected - 1 < last_age:
            message = f"{label}: ålder {age_band_label(expected, last_age)} saknas"
        else:
            message = f"{label}: åldersgrupperna går över {last_age} år"
        errors.add(key, f"{message} (de ska täcka {CHILD_MIN_AGE}–{last_age} år).")
        return ()
    return tuple(bands)


def _parse_common_costs(raw: Any, errors: _Errors) -> tuple[NormValue, ...]:
    key = "common_costs"
    label = "Gemensamma hushållskostnader"
    if not isinstance(raw, list) or not raw:
        errors.add(key, f"{label}: beloppen för 1–{COMMON_COSTS_LISTED_PERSONS} personer saknas.")
        return ()
    by_persons: dict[int, NormValue] = {}
    ok = True
    for index, item in enumerate(raw):
        item_key = f"{key}.{index}"
        if not isinstance(item, Mapping):
            errors.add(item_key, f"{label}: rad {index + 1} är felaktig.")
            ok = False
            continue
        persons = _parse_int(item.get("persons"), f"{item_key}.persons", "Antal personer", errors)
        if persons is None:
            ok = False
            continue
        if not 1 <= persons <= COMMON_COSTS_LISTED_PERSONS:
            errors.add(
                f"{item_key}.persons",
                f"{label}: antal personer ska vara 1–{COMMON_COSTS_LISTED_PERSONS}, "
                f"inte {persons}.",
            )
            ok = False
            continue
        if persons in by_persons:
            errors.add(f"{item_key}.persons", f"{label}: {persons} personer finns två gånger.")
            ok = False
            continue
        value = _parse_value(item, item_key, _common_description(persons), errors)
        if value is None:
            ok = False
            continue
        by_persons[persons] = value
    if not ok:
        return ()
    missing = [n for n in range(1, COMMON_COSTS_LISTED_PERSONS + 1) if n not in by_persons]
    if missing:
        errors.add(
            key,
            f"{label}: belopp saknas för " + ", ".join(str(n) for n in missing) + " personer.",
        )
        return ()
    return tuple(by_persons[n] for n in range(1, COMMON_COSTS_LISTED_PERSONS + 1))


def parse_norm_table(data: Mapping[str, Any]) -> NormTable:
    """Check a norm table in the file schema and build a `NormTable`.

    Raises ValidationFailed with every problem found, keyed by its place in the schema
    (e.g. 'children.2.amount', 'common_costs'), each with a Swedish message.
    """
    if not isinstance(data, Mapping):
        raise ValidationFailed({"table": "Normtabellen har fel format."})
    errors = _Errors()
    year = _parse_int(data.get("year"), "year", "Året", errors)
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        errors.add("year", f"Året måste vara mellan {MIN_YEAR} och {MAX_YEAR}.")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        errors.add("source", "Ange källan för normbeloppen (t.ex. socialtjänstförordningen).")
    note = data.get("note", "")
    if note is None:
        note = ""
    if not isinstance(note, str):
        errors.add("note", "Anteckningen måste vara text.")
    children = _parse_bands(data.get("children"), "children", "Barn", CHILD_MAX_AGE, False, errors)
    without_lunch = _parse_bands(
        data.get("children_without_lunch"),
        "children_without_lunch",
        "Barn utan lunch",
        WITHOUT_LUNCH_MAX_AGE,
        True,
        errors,
    )
    single = _parse_value(
        data.get("single_adult"), "single_adult", SINGLE_ADULT_DESCRIPTION, errors
    )
    cohabiting = _parse_value(
        data.get("cohabiting_adults"), "cohabiting_adults", COHABITING_DESCRIPTION, errors
    )
    common = _parse_common_costs(data.get("common_costs"), errors)
    extra = _parse_value(
        data.get("common_costs_per_extra_person"),
        "common_costs_per_extra_person",
        EXTRA_PERSON_DESCRIPTION,
        errors,
    )
    if errors.errors:
        raise ValidationFailed(errors.errors)
    assert year is not None and single and cohabiting and extra and isinstance(source, str)
    return NormTable(
        year=year,
        source=source.strip(),
        note=str(note).strip(),
        children=children,
        children_without_lunch=without_lunch,
        single_adult_value=single,
        cohabiting_adults_value=cohabiting,
        common_costs_values=common,
        common_costs_per_extra_person=extra,
    )


def _value_json(value: NormValue) -> dict[str, Any]:
    return {"amount": str(value.amount), "verified": value.verified}


def _band_json(band: AgeBand) -> dict[str, Any]:
    return {"from_age": band.from_age, "to_age": band.to_age, **_value_json(band.value)}


def norm_table_to_json(table: NormTable) -> dict[str, Any]:
    """The table as a dict of the file schema (amounts as strings of whole kronor)."""
    return {
        "year": table.year,
        "source": table.source,
        "note": table.note,
        "children": [_band_json(band) for band in table.children],
        "children_without_lunch": [_band_json(band) for band in table.children_without_lunch],
        "single_adult": _value_json(table.single_adult_value),
        "cohabiting_adults": _value_json(table.cohabiting_adults_value),
        "common_costs": [
            {"persons": persons, **_value_json(value)}
            for persons, value in enumerate(table.common_costs_values, start=1)
        ],
        "common_costs_per_extra_person": _value_json(table.common_costs_per_extra_person),
    }


# --- the bundled tables ---------------------------------------------------------------------


def available_years() -> list[int]:
    """Years with a bundled norm table, ascending."""
    folder = resource_path(_NORMS_FOLDER)
    if not folder.is_dir():
        return []
    years = []
    for path in folder.iterdir():
        match = _FILE_NAME.match(path.name)
        if match and path.is_file():
            years.append(int(match.group(1)))
    return sorted(years)


def load_norm_table(year: int) -> NormTable:
    """The bundled table for `year`; ValidationFailed (key 'year') when there is none."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValidationFailed({"year": "Året måste vara ett heltal, t.ex. 2026."})
    if year not in available_years():
        raise ValidationFailed({"year": f"Det finns ingen riksnorm för år {year}."})
    return _load_bundled(year)


@cache
def _load_bundled(year: int) -> NormTable:
    path = resource_path(_NORMS_FOLDER, f"{year}.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValidationFailed(
            {"year": f"Riksnormen för år {year} kunde inte läsas ({error})."}
        ) from error
    table = parse_norm_table(data)
    if table.year != year:
        raise ValidationFailed({"year": f"Filen för riksnormen {year} innehåller år {table.year}."})
    return table
