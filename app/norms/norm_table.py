"""Riksnormen as data: one table per year in resources/norms/<year>.json.

The amounts are set yearly by the government, each year by an ändringsförordning (SFS
year:number): in socialtjänstförordningen (2001:937) 2 kap. 1 § until 30 June 2025, and from
1 July 2025 in the new socialtjänstförordningen (2025:468) 12 kap. 2–3 §§ (2026: in the wording
of SFS 2025:1046). Socialstyrelsen publishes the table.
A table names its `sources` (SFS number and/or publication, URL, date) and every amount names
the source it was checked against. An amount without a source (an estimate) is marked so: a
calculation may show it, but a decision computed with it cannot be signed
(app/norms/decision_norm.py). A `known_total` is a sum the source states (the government's
"5 220 kr för en ensamstående") when the single amounts are not known.

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
from app.common.formatting import money
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
class NormSource:
    """Where a table's amounts come from: an ändringsförordning, Socialstyrelsen's table or
    the government's decision. Shown to administrators; `citation` is the text a decision
    letter quotes ("Riksnorm för 2021 enligt …")."""

    id: str
    reference: str
    """Short reference, e.g. 'SFS 2020:1013'."""
    citation: str
    """For the letter, e.g. 'socialtjänstförordningen (2001:937) i lydelse enligt SFS 2020:1013'."""
    title: str = ""
    url: str = ""
    date: str = ""
    """When it was issued or published (ISO date, or a month when that is what is known)."""
    covers: str = ""
    """What in the table it is the source of, for the administrator."""


@dataclass(frozen=True)
class NormValue:
    """One amount of the table in whole kronor, and whether it has a source."""

    amount: Decimal
    verified: bool
    """True when the amount is checked against the source named in `source`; False for an
    amount without a source (an estimate): never used in a signed decision."""
    description: str = field(default="", compare=False)
    """Swedish name of the item, e.g. 'Barn 4–6 år' (not part of equality)."""
    source: str | None = field(default=None, compare=False)
    """Id of the table's NormSource the amount is checked against."""


@dataclass(frozen=True)
class KnownTotal:
    """A riksnorm total for a household without children that a source states, e.g. the
    government's 'Riksnormen 2026 blir 5 220 kr för en ensamstående person'. A calculation for
    such a household whose norm equals the total is sourced by it even where the single
    amounts (personal and common costs) are not."""

    adults: int
    """1 = ensamstående, 2 = sambor."""
    amount: Decimal
    source: str
    description: str


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
    sources: tuple[NormSource, ...]
    note: str
    """The administrator's note (how the table was made, what is uncertain). Never printed in
    a letter."""
    children: tuple[AgeBand, ...]
    children_without_lunch: tuple[AgeBand, ...]
    single_adult_value: NormValue
    cohabiting_adults_value: NormValue
    common_costs_values: tuple[NormValue, ...]
    """Index 0 is one person, index 6 seven persons."""
    common_costs_per_extra_person: NormValue
    known_totals: tuple[KnownTotal, ...] = ()

    @property
    def source(self) -> str:
        """The sources in short, e.g. 'SFS 2020:1013'."""
        return "; ".join(source.reference for source in self.sources)

    def source_by_id(self, source_id: str | None) -> NormSource | None:
        return next((s for s in self.sources if s.id == source_id), None)

    def known_total(self, adults: int) -> KnownTotal | None:
        return next((t for t in self.known_totals if t.adults == adults), None)

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
        both = base.verified and extra.verified
        return NormValue(
            base.amount + extra.amount * (persons - COMMON_COSTS_LISTED_PERSONS),
            both,
            f"Gemensamma hushållskostnader, {persons} personer",
            (base.source if base.source == extra.source else extra.source) if both else None,
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
        """Swedish descriptions of the amounts without a source, e.g. 'Barn 4–6 år:
        3 035,00 kr' (formatting.money, as every amount the user reads)."""
        return [describe(value) for value in self.all_values() if not value.verified]

    def citation_of(self, values: list[NormValue]) -> str:
        """The letter's text for the sources of `values` ('' when one has no source)."""
        citations: list[str] = []
        for value in values:
            source = self.source_by_id(value.source) if value.verified else None
            if source is None:
                return ""
            if source.citation not in citations:
                citations.append(source.citation)
        return " och ".join(citations)


def describe(value: NormValue) -> str:
    return f"{value.description}: {money(value.amount)}"


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
        self.source_ids: set[str] = set()
        self.default_source: str | None = None
        """The source a legacy `"verified": true` means (the table's first)."""

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
            f"{key}.amount", f"{description}: orimligt högt belopp ({money(amount)}) – kontrollera."
        )
        ok = False
    source: str | None = None
    if "source" in raw:
        source = raw.get("source")
        if source is not None and (not isinstance(source, str) or not source.strip()):
            errors.add(f"{key}.source", f"{description}: källan ska anges med sitt id eller null.")
            ok = False
        elif source is not None and source.strip() not in errors.source_ids:
            errors.add(
                f"{key}.source",
                f"{description}: källan '{source}' finns inte bland tabellens källor.",
            )
            ok = False
        source = source.strip() if isinstance(source, str) else None
    else:  # the older format: a flag checked against the table's source
        verified = raw.get("verified", False)
        if not isinstance(verified, bool):
            errors.add(f"{key}.verified", f"{description}: 'verified' måste vara true eller false.")
            ok = False
        elif verified:
            source = errors.default_source
    if not ok or amount is None:
        return None
    return NormValue(Decimal(int(amount)), source is not None, description, source)


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
    sources = _parse_sources(data, errors)
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
    totals = _parse_known_totals(data.get("known_totals", []), errors)
    if errors.errors:
        raise ValidationFailed(errors.errors)
    assert year is not None and single and cohabiting and extra
    table = NormTable(
        year=year,
        sources=sources,
        note=str(note).strip(),
        children=children,
        children_without_lunch=without_lunch,
        single_adult_value=single,
        cohabiting_adults_value=cohabiting,
        common_costs_values=common,
        common_costs_per_extra_person=extra,
        known_totals=totals,
    )
    _check_known_totals(table)
    return table


def _text(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _parse_sources(data: Mapping[str, Any], errors: _Errors) -> tuple[NormSource, ...]:
    """The table's `sources`; the older format's one `source` text becomes a source too."""
    raw = data.get("sources")
    if raw is None and isinstance(data.get("source"), str) and data["source"].strip():
        text = data["source"].strip()
        raw = [{"id": "kalla", "reference": text, "citation": text}]
    if not isinstance(raw, list) or not raw:
        errors.add(
            "sources",
            "Ange källan för normbeloppen: ändringsförordningens SFS-nummer eller "
            "Socialstyrelsens tabell, med adress och datum.",
        )
        return ()
    sources: list[NormSource] = []
    for index, item in enumerate(raw):
        key = f"sources.{index}"
        if not isinstance(item, Mapping):
            errors.add(key, f"Källa {index + 1} har fel format.")
            continue
        source_id, reference = _text(item, "id"), _text(item, "reference")
        if not source_id or not reference:
            errors.add(key, f"Källa {index + 1}: ange id och referens (t.ex. SFS 2020:1013).")
            continue
        if source_id in errors.source_ids:
            errors.add(key, f"Källan '{source_id}' finns två gånger.")
            continue
        errors.source_ids.add(source_id)
        sources.append(
            NormSource(
                id=source_id,
                reference=reference,
                citation=_text(item, "citation") or reference,
                title=_text(item, "title"),
                url=_text(item, "url"),
                date=_text(item, "date"),
                covers=_text(item, "covers"),
            )
        )
    if sources:
        errors.default_source = sources[0].id
    return tuple(sources)


def _parse_known_totals(raw: Any, errors: _Errors) -> tuple[KnownTotal, ...]:
    if not isinstance(raw, list):
        errors.add("known_totals", "Kända summor ska vara en lista.")
        return ()
    totals: list[KnownTotal] = []
    for index, item in enumerate(raw):
        key = f"known_totals.{index}"
        adults = item.get("adults") if isinstance(item, Mapping) else None
        if adults not in (1, 2) or isinstance(adults, bool):
            errors.add(key, "En känd summa gäller 1 vuxen (ensamstående) eller 2 (sambor).")
            continue
        label = "Ensamstående, summa" if adults == 1 else "Sambor, summa"
        value = _parse_value(item, key, label, errors)
        if value is None:
            continue
        if value.source is None:
            errors.add(f"{key}.source", f"{label}: en känd summa måste ha en källa.")
            continue
        totals.append(KnownTotal(adults, value.amount, value.source, label))
    return tuple(totals)


def _check_known_totals(table: NormTable) -> None:
    """The single amounts of a table must add up to the totals its sources state: a typo in
    an entered table is caught here."""
    errors: dict[str, str] = {}
    for total in table.known_totals:
        personal = table.single_adult if total.adults == 1 else table.cohabiting_adults
        common = table.common_costs(total.adults)
        if personal.amount + common.amount != total.amount:
            who = "en ensamstående" if total.adults == 1 else "sambor"
            errors[f"known_totals.{total.adults}"] = (
                f"Personliga kostnader ({money(personal.amount)}) och gemensamma "
                f"hushållskostnader ({money(common.amount)}) för {who} blir "
                f"{money(personal.amount + common.amount)}, men källan anger "
                f"{money(total.amount)}."
            )
    if errors:
        raise ValidationFailed(errors)


def _value_json(value: NormValue) -> dict[str, Any]:
    return {"amount": str(value.amount), "source": value.source if value.verified else None}


def _source_json(source: NormSource) -> dict[str, Any]:
    data = {
        "id": source.id,
        "reference": source.reference,
        "citation": source.citation,
        "title": source.title,
        "url": source.url,
        "date": source.date,
        "covers": source.covers,
    }
    return {key: value for key, value in data.items() if value}


def _band_json(band: AgeBand) -> dict[str, Any]:
    return {"from_age": band.from_age, "to_age": band.to_age, **_value_json(band.value)}


def norm_table_to_json(table: NormTable) -> dict[str, Any]:
    """The table as a dict of the file schema (amounts as strings of whole kronor)."""
    data: dict[str, Any] = {
        "year": table.year,
        "sources": [_source_json(source) for source in table.sources],
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
    if table.known_totals:
        data["known_totals"] = [
            {"adults": t.adults, "amount": str(t.amount), "source": t.source}
            for t in table.known_totals
        ]
    return data


# --- the bundled tables ---------------------------------------------------------------------


def missing_year_message(year: int) -> str:
    """Why nothing can be computed for `year`, and who adds the table."""
    return (
        f"Det finns ingen godkänd riksnorm för {year}. En administratör lägger in {year} års "
        "riksnorm med källa (ändringsförordningens SFS-nummer) under Arkiv → Riksnormen, och "
        f"en annan administratör godkänner den. Till dess kan inget beräknas för {year}."
    )


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
        raise ValidationFailed({"year": missing_year_message(year)})
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
