"""`arendestod norm`: a norm calculation from the command line (checks, support, scripts).

Example: arendestod norm --year 2026 --adult --adult --child 4 --child 12 \\
             --cost boende=7500 --income lon=3000 \\
             --support-months 2026-01..2026-06 --month 2026-07 --json

The year's shipped table is used, never another year's: a year without one is refused with
the message that says who adds it. Amounts without a source are listed.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal
from typing import Any

from app.common.errors import ValidationFailed
from app.common.formatting import money

_HELP_COST = "kostnad TYP=BELOPP eller TYP=ANSÖKT:GODKÄNT, t.ex. boende=7500 (typer: {types})"
_HELP_INCOME = "inkomst TYP=BELOPP, t.ex. lon=3000 (typer: {types})"


def add_norm_parser(subparsers: Any) -> argparse.ArgumentParser:
    from app.norms.cost_types import COST_TYPES, INCOME_TYPES

    norm = subparsers.add_parser(
        "norm",
        help="normberäkning för försörjningsstöd",
        description="Beräkna riksnorm, godkända kostnader och inkomster för ett hushåll. "
        "Två --adult räknas som sambor om inte --not-cohabiting anges.",
    )
    norm.add_argument("--year", required=True, metavar="ÅR", help="normens år, t.ex. 2026")
    norm.add_argument(
        "--adult", action="count", default=0, help="en vuxen i hushållet (upprepa för fler)"
    )
    norm.add_argument(
        "--child",
        action="append",
        default=[],
        metavar="ÅLDER",
        help="ett barn med ålder i år (upprepa för fler)",
    )
    norm.add_argument(
        "--no-lunch",
        action="append",
        default=[],
        metavar="BARN",
        help="barnet (nummer i ordningen, 1 = första --child) äter lunch i förskolan "
        "fem dagar i veckan: lägre belopp för 0–6 år",
    )
    pairing = norm.add_mutually_exclusive_group()
    pairing.add_argument(
        "--cohabiting",
        action="store_true",
        help="de två första vuxna är sambor (standard när det finns exakt två vuxna)",
    )
    pairing.add_argument("--not-cohabiting", action="store_true", help="ingen av de vuxna är sambo")
    norm.add_argument(
        "--shared-household",
        default="0",
        metavar="N",
        help="hushållsgemenskap utan att vara sambo: antal personer som delar bostaden",
    )
    norm.add_argument(
        "--cost",
        action="append",
        default=[],
        metavar="TYP=BELOPP",
        help=_HELP_COST.format(types=", ".join(COST_TYPES)),
    )
    norm.add_argument(
        "--income",
        action="append",
        default=[],
        metavar="TYP=BELOPP",
        help=_HELP_INCOME.format(types=", ".join(INCOME_TYPES)),
    )
    norm.add_argument(
        "--support-months",
        default="",
        metavar="MÅNADER",
        help="månader med beviljat försörjningsstöd för den första vuxna, t.ex. "
        "2026-01..2026-06,2026-09: jobbstimulansen för lön räknas fram ur dem (som i "
        "programmet ur ärendets beslut); kräver --month",
    )
    norm.add_argument(
        "--month", default="", metavar="ÅÅÅÅ-MM", help="månaden som beräknas (för jobbstimulans)"
    )
    norm.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    return norm


def _whole_number(text: str, field: str, label: str) -> int:
    cleaned = str(text).strip()
    if not cleaned.isdecimal() or not cleaned.isascii():
        raise ValidationFailed({field: f"{label} måste vara ett heltal (angivet: {text!r})."})
    return int(cleaned)


def _pair(text: str, field: str, what: str) -> tuple[str, str]:
    kind, sep, value = text.partition("=")
    if not sep or not kind.strip():
        raise ValidationFailed(
            {field: f"Ange {what} som TYP=BELOPP, t.ex. boende=7500 (angivet: {text!r})."}
        )
    return kind.strip().lower(), value


def _build(args: argparse.Namespace):
    from app.norms.norm_calculation import (
        AdultInput,
        ChildInput,
        CostInput,
        HouseholdComposition,
        IncomeInput,
        parse_amount,
    )
    from app.norms.norm_table import load_norm_table

    table = load_norm_table(_whole_number(args.year, "year", "Året"))
    cohabiting_pair = args.cohabiting or (args.adult == 2 and not args.not_cohabiting)
    if args.cohabiting and args.adult < 2:
        raise ValidationFailed({"adults": "Sambor kräver två vuxna (--adult --adult)."})
    adults = [AdultInput(f"Vuxen {n + 1}", cohabiting_pair and n < 2) for n in range(args.adult)]
    no_lunch: set[int] = set()
    for text in args.no_lunch:
        number = _whole_number(text, "no_lunch", "Barnets nummer för --no-lunch")
        if not 1 <= number <= len(args.child):
            raise ValidationFailed(
                {
                    "no_lunch": f"--no-lunch {number}: det finns inget barn nummer {number} "
                    f"(barnen numreras 1–{len(args.child)} i den ordning --child anges)."
                }
            )
        no_lunch.add(number - 1)
    children = [
        ChildInput(
            f"Barn {n + 1}",
            _whole_number(age, f"child.{n}.age", "Barnets ålder"),
            without_lunch=n in no_lunch,
        )
        for n, age in enumerate(args.child)
    ]
    household = HouseholdComposition(
        adults,
        children,
        _whole_number(args.shared_household, "shared_household_persons", "--shared-household"),
    )
    costs = []
    for n, text in enumerate(args.cost):
        kind, value = _pair(text, f"cost.{n}", "kostnaden")
        applied_text, sep, approved_text = value.partition(":")
        if sep and approved_text.strip() in ("", "-"):  # '7500:-' is a way of writing kronor
            applied_text, sep = value, ""
        applied = parse_amount(applied_text, f"cost.{n}.applied", "Ansökt belopp")
        approved = (
            parse_amount(approved_text, f"cost.{n}.approved", "Godkänt belopp") if sep else None
        )
        costs.append(CostInput(kind, applied, approved))
    first_adult = adults[0].name if adults else ""
    status = _jobbstimulans(args, first_adult)
    incomes = []
    for n, text in enumerate(args.income):
        kind, value = _pair(text, f"income.{n}", "inkomsten")
        amount = parse_amount(value, f"income.{n}.amount", "Inkomsten")
        incomes.append(
            IncomeInput(kind, first_adult, amount, employment=kind == "lon", jobbstimulans=status)
        )
    return table, household, costs, incomes


def _month(text: str, field: str, label: str) -> date:
    try:
        return date.fromisoformat(f"{text.strip()}-01")
    except ValueError as error:
        raise ValidationFailed(
            {field: f"{label} ska vara en månad ÅÅÅÅ-MM, t.ex. 2026-07 (angivet: {text!r})."}
        ) from error


def _jobbstimulans(args: argparse.Namespace, name: str):
    """The first adult's jobbstimulans in --month from --support-months, or None."""
    from app.cases import jobbstimulans
    from app.common.periods import months

    if not args.support_months.strip():
        return None
    if not args.month.strip():
        raise ValidationFailed(
            {"month": "Ange --month ÅÅÅÅ-MM, månaden som beräknas, med --support-months."}
        )
    history: list[date] = []
    for part in args.support_months.split(","):
        first, sep, last = part.partition("..")
        start = _month(first, "support_months", "--support-months")
        end = _month(last, "support_months", "--support-months") if sep else start
        history.extend(months(start, end))
    return jobbstimulans.status_in(_month(args.month, "month", "--month"), name, None, history)


def _plain(value: Decimal) -> str:
    return format(value, "f")


def _as_json(calculation) -> dict[str, Any]:
    return {
        "year": calculation.year,
        "rows": [
            {
                "section": row.section,
                "label": row.label,
                "amount": _plain(row.amount),
                "note": row.note,
            }
            for row in calculation.rows
        ],
        "norm_total": _plain(calculation.norm_total),
        "costs_applied_total": _plain(calculation.costs_applied_total),
        "costs_approved_total": _plain(calculation.costs_approved_total),
        "income_total": _plain(calculation.income_total),
        "income_counted_total": _plain(calculation.income_counted_total),
        "result": _plain(calculation.result),
        "uses_unverified": calculation.uses_unverified,
        "unverified": list(calculation.unverified),
        "norm_source": calculation.norm_source,
    }


_SECTION_TITLES = {
    "norm": "Riksnorm",
    "kostnad": "Skäliga kostnader (godkänt belopp)",
    "inkomst": "Inkomster (räknat belopp)",
}


def _as_text(calculation) -> str:
    rows = calculation.rows
    width = max([len(row.label) for row in rows] + [40])
    lines = [f"Normberäkning, riksnormen {calculation.year}", ""]

    def line(label: str, amount: Decimal) -> str:
        return f"  {label:<{width}}  {money(amount):>16}"

    totals = {
        "norm": ("Summa riksnorm", calculation.norm_total),
        "kostnad": ("Summa godkända kostnader", calculation.costs_approved_total),
        "inkomst": ("Summa räknade inkomster", calculation.income_counted_total),
    }
    for section, title in _SECTION_TITLES.items():
        section_rows = [row for row in rows if row.section == section]
        if not section_rows and section != "norm":
            continue
        lines.append(title)
        for row in section_rows:
            lines.append(line(row.label, row.amount))
            if row.note:
                lines.append(f"      {row.note}")
        label, amount = totals[section]
        lines.append(line(label, amount))
        lines.append("")
    if calculation.costs_applied_total != calculation.costs_approved_total:
        lines.append(line("Ansökta kostnader", calculation.costs_applied_total))
    if calculation.income_total != calculation.income_counted_total:
        lines.append(line("Inkomster före jobbstimulans", calculation.income_total))
    if calculation.result >= 0:
        lines.append(line("Underskott (försörjningsstöd)", calculation.result))
    else:
        lines.append(line("Överskott", -calculation.result))
    lines.append("")
    if calculation.uses_unverified:
        lines += [
            f"OBS! Riksnormen för {calculation.year} har belopp utan källa. De kan inte "
            "användas i ett beslut som undertecknas:"
        ]
        lines += [f"  - {item}" for item in calculation.unverified]
    else:
        lines.append(f"Riksnorm för {calculation.year} enligt {calculation.norm_source}.")
    return "\n".join(lines)


def run_norm(args: argparse.Namespace) -> int:
    from app.norms.norm_calculation import calculate

    try:
        table, household, costs, incomes = _build(args)
        calculation = calculate(table, household, costs, incomes)
    except ValidationFailed as error:
        for key, message in error.field_errors.items():
            print(f"Fel ({key}): {message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_as_json(calculation), ensure_ascii=False, indent=2))
    else:
        print(_as_text(calculation))
    return 0
