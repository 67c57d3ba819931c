"""The e-service's application format, version 1 (resources/schemas/ansokan/v1.schema.json).

`validate(document, files)` returns Swedish messages, each naming the field path, for what is
wrong with a document; an empty list means it is a well-formed application. The JSON Schema
states the shape (fields, types, code lists, patterns); the checks below state what a schema
cannot: personnummer check digits, that the period is one whole calendar month, that the
household has one applicant, that incomes and the signature refer to household members, and
that the attached files are the ones the document describes (size and SHA-256).
The field meanings and the versioning rules are in docs/e-ansokan.md.
"""

from __future__ import annotations

import calendar
import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from app.common import municipality_code
from app.common.identity_number import InvalidIdentityNumber, parse_identity_number
from app.common.resources import resource_path

SCHEMA_ID = "urn:arendestod:schema:ansokan:v1"
MAJOR_VERSION = 1
_INSTANT_EXAMPLE = "t.ex. 2026-11-23T10:15:00+01:00"


@cache
def schema() -> dict[str, Any]:
    with open(resource_path("schemas", "ansokan", "v1.schema.json"), encoding="utf-8") as file:
        loaded: dict[str, Any] = json.load(file)
    return loaded


@cache
def _validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(schema())
    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def parse(raw: bytes) -> tuple[Any, list[str]]:
    """The JSON document in `raw` (UTF-8), or None and why it cannot be read."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, ["Filen är inte text i UTF-8."]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as error:
        return None, [f"Filen är inte giltig JSON (rad {error.lineno}, kolumn {error.colno})."]


def validate(document: Any, files: Mapping[str, bytes] | None = None) -> list[str]:
    """Swedish messages for every fault found; [] when the document is a valid application.

    `files` maps an attachment's filename to its bytes; when given, every attachment the
    document lists must be there with the stated size and SHA-256, and no other file."""
    if not isinstance(document, dict):
        return ["Ansökan ska vara ett JSON-objekt."]
    version = document.get("version")
    if isinstance(version, str) and version.split(".")[0] != str(MAJOR_VERSION):
        return [f"version: formatversion {version} stöds inte (bara {MAJOR_VERSION}.x)."]
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    messages = [_message(error) for error in errors]
    if messages:
        return list(dict.fromkeys(messages))
    return _semantic_checks(document, files)


def field_path(path: Any) -> str:
    """["hushall", "personer", 1, "roll"] -> "hushall.personer[1].roll"."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(hela ansökan)"


_TYPES = {
    "object": "ett objekt",
    "array": "en lista",
    "string": "en text",
    "integer": "ett heltal",
    "number": "ett tal",
    "boolean": "true eller false",
}


def _message(error: ValidationError) -> str:
    where = field_path(error.absolute_path)
    kind = error.validator
    value: Any = error.validator_value
    part: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return f"{field_path([*error.absolute_path, missing])}: fältet saknas."
    if kind == "additionalProperties":
        instance: Any = error.instance
        extra = sorted(set(instance) - set(part.get("properties", {})))
        return f"{where}: okänt fält {', '.join(extra)}."
    if kind == "type":
        return f"{where}: ska vara {_TYPES.get(str(value), str(value))}."
    if kind in ("enum", "const"):
        allowed = value if kind == "enum" else [value]
        return f"{where}: ogiltigt värde; tillåtna värden är {', '.join(map(str, allowed))}."
    if kind == "format":
        expected = "ett datum ÅÅÅÅ-MM-DD" if value == "date" else "en tidpunkt med tidszon"
        return f"{where}: ska vara {expected}."
    if kind == "pattern":
        hint = _PATTERN_HINTS.get(part.get("description", ""), "har fel form")
        return f"{where}: {hint}."
    if kind == "minItems":
        return f"{where}: listan får inte vara tom."
    if kind in ("maxItems", "maxLength"):
        return f"{where}: för lång (högst {value})."
    if kind == "minLength":
        return f"{where}: får inte vara tom."
    if kind in ("minimum", "maximum"):
        bound = "minst" if kind == "minimum" else "högst"
        return f"{where}: ska vara {bound} {value}."
    if kind == "uniqueItems":
        return f"{where}: samma värde står flera gånger."
    return f"{where}: uppfyller inte formatet ({kind})."


_PATTERN_HINTS = {
    "Personnummer eller samordningsnummer med tolv siffror, utan bindestreck (ÅÅÅÅMMDDNNNN).": (
        "ska vara tolv siffror utan bindestreck (ÅÅÅÅMMDDNNNN)"
    ),
    "Kronor per månad, som text med högst två decimaler och punkt som decimaltecken "
    "(inga flyttal).": 'ska vara kronor som text, t.ex. "6450" eller "6450.50"',
}


def _parse_instant(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _semantic_checks(document: dict[str, Any], files: Mapping[str, bytes] | None) -> list[str]:
    messages: list[str] = []
    persons = document["hushall"]["personer"]
    members: set[str] = set()
    for index, person in enumerate(persons):
        where = f"hushall.personer[{index}].personnummer"
        digits = person["personnummer"]
        try:
            parse_identity_number(digits)
        except InvalidIdentityNumber as error:
            messages.append(f"{where}: {error}")
        if digits in members:
            messages.append(f"{where}: personen står två gånger i hushållet.")
        members.add(digits)
    applicants = [p for p in persons if p["roll"] == "sokande"]
    if len(applicants) != 1:
        messages.append("hushall.personer: hushållet ska ha exakt en person med roll sokande.")
    if sum(p["roll"] == "medsokande" for p in persons) > 1:
        messages.append("hushall.personer: högst en person kan vara medsokande.")

    county_problem = municipality_code.problem(document["mottagare"]["kommunkod"])
    if county_problem:
        messages.append(f"mottagare.kommunkod: {county_problem}")

    start = date.fromisoformat(document["period"]["from"])
    end = date.fromisoformat(document["period"]["tom"])
    first, last = (
        start.replace(day=1),
        start.replace(day=calendar.monthrange(*start.timetuple()[:2])[1]),
    )
    if start != first or end != last:
        messages.append(
            "period: ska vara en hel kalendermånad, från den första till den sista dagen "
            f"(t.ex. {first.isoformat()} till {last.isoformat()})."
        )

    for index, income in enumerate(document["inkomster"]):
        if income["personnummer"] not in members:
            messages.append(f"inkomster[{index}].personnummer: personen finns inte i hushållet.")

    signing = document["signering"]
    signers = {p["personnummer"] for p in persons if p["roll"] in ("sokande", "medsokande")}
    if signing["personnummer"] not in signers:
        messages.append(
            "signering.personnummer: ansökan ska vara signerad av den sökande eller medsökande."
        )
    instants = [("signering.signerad", signing["signerad"])]
    if "skapad" in document:
        instants.append(("skapad", document["skapad"]))
    for path, text in instants:
        if _parse_instant(text) is None:
            messages.append(f"{path}: ska vara en tidpunkt med tidszon, {_INSTANT_EXAMPLE}.")

    attachments = document["bilagor"]
    ids = [a["id"] for a in attachments]
    names = [a["filnamn"] for a in attachments]
    for index, attachment in enumerate(attachments):
        if ids.index(attachment["id"]) != index:
            messages.append(f"bilagor[{index}].id: samma id står på flera bilagor.")
        if names.index(attachment["filnamn"]) != index:
            messages.append(f"bilagor[{index}].filnamn: samma filnamn står på flera bilagor.")
    for index, cost in enumerate(document["kostnader"]):
        for reference in cost.get("bilagor", []):
            if reference not in ids:
                messages.append(f"kostnader[{index}].bilagor: bilagan {reference} finns inte.")
    if files is not None:
        messages += _check_files(attachments, files)
    return messages


def _check_files(attachments: list[dict[str, Any]], files: Mapping[str, bytes]) -> list[str]:
    messages: list[str] = []
    for index, attachment in enumerate(attachments):
        where = f"bilagor[{index}]"
        content = files.get(attachment["filnamn"])
        if content is None:
            messages.append(f"{where}.filnamn: filen {attachment['filnamn']} saknas i leveransen.")
            continue
        if len(content) != attachment["storlek"]:
            messages.append(
                f"{where}.storlek: filen är {len(content)} byte, inte {attachment['storlek']}."
            )
        if hashlib.sha256(content).hexdigest() != attachment["sha256"]:
            messages.append(
                f"{where}.sha256: filens kontrollsumma stämmer inte; filen är ändrad eller skadad."
            )
    listed = {a["filnamn"] for a in attachments}
    for name in sorted(set(files) - listed):
        messages.append(f"bilagor: filen {name} finns i leveransen men inte i ansökan.")
    return messages


# --- reading a document (also one that is not valid: a quarantined delivery) -------------


def persons(document: Any) -> list[dict[str, Any]]:
    """The household's persons as the document lists them; [] when it lists none."""
    try:
        found = document["hushall"]["personer"]
    except (KeyError, TypeError):
        return []
    return [p for p in found if isinstance(p, dict)] if isinstance(found, list) else []


def items(document: Any, key: str) -> list[dict[str, Any]]:
    """The objects of the list `key` ("inkomster", "kostnader", "bilagor"); [] if none."""
    found = document.get(key) if isinstance(document, dict) else None
    return [i for i in found if isinstance(i, dict)] if isinstance(found, list) else []


def amount(value: Any) -> Decimal | None:
    """A `belopp` as a Decimal, or None when it is not a number."""
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def period(document: Any) -> tuple[date | None, date | None]:
    """The period's first and last day, or None for what cannot be read."""
    try:
        return (
            date.fromisoformat(document["period"]["from"]),
            date.fromisoformat(document["period"]["tom"]),
        )
    except (KeyError, TypeError, ValueError):
        return None, None


def summary(document: Any, applicant_digits: str | None) -> dict[str, Any]:
    """What the inbox lists of a delivery, kept on its row when it is taken in
    (app.models.IntakeDelivery): the applicant's name, the period, the costs applied for
    summed, the number of attachments; None for what the document does not say."""
    name = next(
        (
            f"{p.get('fornamn', '')} {p.get('efternamn', '')}".strip()[:201]
            for p in persons(document)
            if applicant_digits and p.get("personnummer") == applicant_digits
        ),
        None,
    )
    start, end = period(document)
    amounts = [amount(cost.get("belopp")) for cost in items(document, "kostnader")]
    costs = None
    if isinstance(document, dict) and None not in amounts:
        costs = sum((a for a in amounts if a is not None), Decimal(0))
        costs = costs if costs < Decimal("1e10") else None
    return {
        "applicant_name": name,
        "period_start": start,
        "period_end": end,
        "costs": costs,
        "attachment_count": len(items(document, "bilagor")) if isinstance(document, dict) else None,
    }
