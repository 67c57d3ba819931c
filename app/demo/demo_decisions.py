"""Fictional decisions for the demo data: every kind and outcome, avslag in families too.

Amounts come from the real calculation with the riksnorm table of each decision period's
year (never another year's; a month whose year has no table gets no decision), so demo letters
and statistics are plausible. The snapshot keeps the amounts without a source as the program
would. A separate random generator keeps the rest of the
demo data identical for a given seed whether or not decisions are made.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache

from app.common.formatting import money, month_name
from app.common.periods import month_end
from app.decisions import legal_texts
from app.decisions.decisions import content_hash
from app.models import Decision, DecisionItem, DecisionKind, Outcome
from app.norms import decision_norm
from app.norms.norm_calculation import (
    AdultInput,
    ChildInput,
    CostInput,
    HouseholdComposition,
    IncomeInput,
    calculate,
)
from app.norms.norm_table import NormTable, available_years, load_norm_table

GRANTED_CONSIDERATION = (
    "Beslutet har prövats mot barnets bästa. Barnets behov ingår i det som beviljas."
)
ADVERSE_CONSIDERATION = (
    "Beslutet har prövats mot barnets bästa. Det som inte beviljas gäller inte barnets "
    "boende, skola eller fritid."
)
NOT_TANGIBLE = (
    "Beslutet får inga påtagliga konsekvenser för barnen: boende, hälsa, fritid och umgänge "
    "påverkas inte."
)
"""Every decision documents each child (seed 002 L80); an adverse one says why no
barnkonsekvensanalys is needed. Never "hela normen" when it is not granted (issue 19)."""


_DEMO_PHRASES = {
    (DecisionKind.SUPPORT, Outcome.PARTLY): "boende_over_skalig",
    (DecisionKind.SUPPORT, Outcome.REFUSED): "avslag_ej_arbetssokande",
    (DecisionKind.OTHER_LIVING, Outcome.PARTLY): "tandvard_akut",
    (DecisionKind.OTHER_LIVING, Outcome.REFUSED): "avslag_behovs_inte",
    (DecisionKind.BEYOND_RIGHT, Outcome.REFUSED): "utover_avslag",
    **{(kind, Outcome.DISMISSED): "avvisning_annan_kommun" for kind in DecisionKind},
}
"""The phrase each demo decision's motivation starts from; none fits a partly granted
bistånd beyond the right, which gets its own sentence."""


def _demo_references(kind: DecisionKind, outcome: Outcome, decided_on: date) -> list[str]:
    """The lagrum of the law in force the day the decision was made that fit the kind and
    outcome (issue 19, point 4); an avvisning for a wrong municipality rests on the rules of
    the responsible kommun (2 a kap. SoL 2001:453, 29 kap. SoL 2025:400)."""
    codes = legal_texts.default_references(kind, decided_on)
    if outcome is Outcome.DISMISSED:
        codes = [
            r.code
            for r in legal_texts.references_for(decided_on, kind, outcome)
            if r.code in ("sol_old_2a_1", "sol_old_2a_3", "sol_29_1", "sol_29_4")
        ]
    return codes + (["fl_32"] if outcome is not Outcome.GRANTED else [])


@cache
def _table_for(year: int) -> NormTable | None:
    """The shipped table of the period's year, or None: never another year's (issue 19)."""
    return load_norm_table(year) if year in available_years() else None


@dataclass
class DemoPerson:
    id: uuid.UUID
    name: str
    age: int
    is_child: bool
    visiting: bool = False
    """Umgängesbarn: not in the norm, but the decision's consequences for them count."""


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def decisions_for_case(
    rng: random.Random,
    case_id: uuid.UUID,
    people: Sequence[DemoPerson],
    decided: Sequence[tuple[date, date]],
    decider_id: uuid.UUID,
    now: datetime,
) -> tuple[list[dict], list[dict]]:
    """Rows for `decisions` and `decision_items`: one decision per decided month, plus now and
    then a livsföring-i-övrigt or beyond-the-right decision."""
    adults = [p for p in people if not p.is_child]
    children = [p for p in people if p.is_child]
    couple = len(adults) == 2
    composition = HouseholdComposition(
        adults=[AdultInput(p.name, couple) for p in adults],
        children=[ChildInput(p.name, min(p.age, 20)) for p in children if not p.visiting],
    )
    rent = Decimal(rng.randrange(45, 110) * 100)
    income = Decimal(rng.choice([0, 0, 1250, 2500, 4000])) * (1 if children else 0)
    decision_rows: list[dict] = []
    item_rows: list[dict] = []
    for month, decided_on in decided:
        draw = rng.random()
        kind = DecisionKind.SUPPORT
        if draw > 0.97:
            kind = DecisionKind.BEYOND_RIGHT
        elif draw > 0.90:
            kind = DecisionKind.OTHER_LIVING
        outcome_draw = rng.random()
        outcome = (
            Outcome.GRANTED
            if outcome_draw < 0.80
            else Outcome.PARTLY
            if outcome_draw < 0.90
            else Outcome.REFUSED
            if outcome_draw < 0.99
            else Outcome.DISMISSED
        )
        decision_id = _uuid(rng)
        signed_at = min(now, datetime.combine(decided_on, time(13, 0), tzinfo=UTC))
        items: list[tuple[str, str, Decimal, Decimal, Decimal, str]] = []
        calculation_rows: list[dict] = []
        income_counted = Decimal("0")
        year = month.year
        table = _table_for(year)
        if kind is DecisionKind.SUPPORT and table is None:
            continue  # no riksnorm for the year: the program would not compute it either
        calculation_json = json.dumps({"year": year, "rows": []}, ensure_ascii=False)
        if kind is DecisionKind.SUPPORT:
            assert table is not None
            calc = calculate(
                table,
                composition,
                [CostInput("boende", rent), CostInput("hushallsel", Decimal(350))],
                [IncomeInput("barnbidrag", "Hushållet", income)] if income else [],
            )
            income_counted = calc.income_counted_total
            year = calc.year
            calculation_rows = [
                {"section": r.section, "label": r.label, "amount": str(r.amount), "note": r.note}
                for r in calc.rows
            ]
            calculation_json = json.dumps(
                {**decision_norm.snapshot_fields(calc), "rows": calculation_rows},
                ensure_ascii=False,
            )
            granted_rent = rent if outcome is Outcome.GRANTED else (rent * Decimal("0.8"))
            items = [
                ("riksnorm", "Riksnorm", calc.norm_total, calc.norm_total, calc.norm_total, ""),
                (
                    "boende",
                    "Boende",
                    rent,
                    rent,
                    granted_rent if outcome is not Outcome.REFUSED else Decimal(0),
                    ""
                    if outcome is Outcome.GRANTED
                    else "Hyran är högre än vad en låginkomsttagare på orten kan ha.",
                ),
                ("hushallsel", "Hushållsel", Decimal(350), Decimal(350), Decimal(350), ""),
            ]
            if outcome is Outcome.REFUSED:
                items = [(t, label, a, p, Decimal(0), "") for t, label, a, p, _g, _m in items]
        else:
            label = "Tandvård" if kind is DecisionKind.OTHER_LIVING else "Körkort"
            applied = Decimal(rng.randrange(20, 90) * 100)
            granted = {Outcome.GRANTED: applied, Outcome.PARTLY: applied / 2}.get(
                outcome, Decimal(0)
            )
            items = [
                (
                    "lakarvard_medicin" if kind is DecisionKind.OTHER_LIVING else "ovrigt",
                    label,
                    applied,
                    applied,
                    granted,
                    ""
                    if outcome is Outcome.GRANTED
                    else "Kostnaden behövs inte för en skälig levnadsnivå just nu.",
                )
            ]
        granted_total = max(Decimal(0), sum((i[4] for i in items), Decimal(0)) - income_counted)
        if outcome is Outcome.DISMISSED:
            granted_total = Decimal(0)
        elif granted_total == 0:
            outcome = Outcome.REFUSED
        if outcome is Outcome.DISMISSED:
            # an avvisning examines nothing and grants nothing (issue 19, point 3)
            items = [(t, label, a, p, Decimal(0), "") for t, label, a, p, _g, _m in items]
        # a phrase that fits the kind of bistånd and the outcome (issue 19, point 5): an
        # avslag of försörjningsstöd is about not standing at the labour market's disposal
        # ("income covers the norm" would contradict the calculation shown in the letter)
        phrase_key = _DEMO_PHRASES.get((kind, outcome))
        what = "tandvård" if kind is DecisionKind.OTHER_LIVING else "körkort"
        motivation = (
            ""
            if outcome is Outcome.GRANTED
            else "Du får bistånd till en del av kostnaden för körkortet. Resten av kostnaden "
            "finns det inte skäl att ge bistånd till."
            if phrase_key is None
            else legal_texts.fill(
                legal_texts.phrase(phrase_key).text,
                {
                    "period": month_name(month),
                    "belopp": money(
                        rent * Decimal("0.8")
                        if kind is DecisionKind.SUPPORT
                        else sum((i[4] for i in items), Decimal(0))
                    ),
                    "vad": what,
                },
            )
        )
        consideration = (
            GRANTED_CONSIDERATION if outcome is Outcome.GRANTED else ADVERSE_CONSIDERATION
        )
        considerations = {str(c.id): consideration for c in children}
        decision_rows.append(
            {
                "id": decision_id,
                "case_id": case_id,
                "kind": kind,
                "outcome": outcome,
                "period_start": month,
                "period_end": month_end(month),
                "norm_year": year if kind is DecisionKind.SUPPORT else None,
                "calculation_json": calculation_json,
                "income_counted": income_counted,
                "granted_total": granted_total,
                "motivation": motivation,
                "legal_references": json.dumps(_demo_references(kind, outcome, decided_on)),
                "include_appeal": outcome is not Outcome.GRANTED,
                "child_consideration": json.dumps(considerations, ensure_ascii=False),
                "bka_form_id": None,
                "bka_not_needed_reason": NOT_TANGIBLE
                if children and outcome is not Outcome.GRANTED
                else "",
                "child_summary": "\n".join(
                    f"{c.name} ({c.age} år): {consideration}" for c in children
                ),
                "author_id": decider_id,
                "decided_by": decider_id,
                "signed_at": signed_at,
                "signed_recorded_at": signed_at,
                "decided_on": decided_on,
                "content_hash": None,
                "letter_pdf": None,
                "letter_sha256": None,
                "replaces_id": None,
                "executed_on": decided_on if granted_total else None,
                "version": 1,
                "created_at": signed_at,
                "updated_at": signed_at,
                "updated_by": decider_id,
            }
        )
        for order, (item_type, label, applied, proposed, granted, why) in enumerate(items):
            item_rows.append(
                {
                    "id": _uuid(rng),
                    "decision_id": decision_id,
                    "item_type": item_type,
                    "label": label,
                    "applied": applied,
                    "proposed": proposed,
                    "granted": granted,
                    "motivation": why,
                    "sort_order": order,
                    "version": 1,
                    "created_at": signed_at,
                    "updated_at": signed_at,
                    "updated_by": decider_id,
                }
            )
    for row in decision_rows:
        row["content_hash"] = _signed_hash(
            row, [i for i in item_rows if i["decision_id"] == row["id"]]
        )
    return decision_rows, item_rows


CENT = Decimal("0.01")


def _as_stored(values: dict) -> dict:
    """Money as the database returns it (Numeric(12, 2)), which the hash is later checked
    against."""
    return {k: v.quantize(CENT) if isinstance(v, Decimal) else v for k, v in values.items()}


def _signed_hash(row: dict, items: list[dict]) -> str:
    """The content hash signing stores (decisions.content_hash), computed on a transient
    decision: the rows are inserted already signed, and a signed row is never updated
    (migration 0008), so the hash goes in with them (issue 20: `db verify` checks it)."""
    decision = Decision(**_as_stored(row))
    decision.items = [DecisionItem(**_as_stored(item)) for item in items]
    return content_hash(decision)
