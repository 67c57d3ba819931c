"""The children's documentation audit (seed 004) kept per case and month
(statistics_child_facts, migration 0034), and its totals per unit (statistics_child_totals,
kept by database triggers, app.statistics.kept_totals): the statistics read a few rows per
unit and month instead of every audited decision's children and texts.

The definition (statistics.py's module docstring): decisions signed, not replaced by a later
signed decision, not full bifall, decided (decided_on) in the month, in a household that had
children (role barn, umgängesbarn included) during the decision's period. Per child and
decision: the child's sex; named when the decision has a consideration for the child or
refers to a signed BKA of its own case with a section for the child; whether it has such a
section (with_bka) and whether the section's situation, behov and hur_paverkas are filled in.
Per month the decisions and those naming every child: a row with `sex` '' and the flags 0.

Computed here from the raw rows, one definition for the upkeep (fact_upkeep through
facts.replace: decisions signed or replaced, BKA forms signed, memberships, persons' sex,
the case's unit or household), `arendestod stats rebuild` and `--check`.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, delete, or_, select
from sqlalchemy.orm import Session, aliased

from app.common.periods import month_index
from app.db.batches import in_batches
from app.db.bulk import insert_rows
from app.forms.answers import is_filled
from app.models import (
    Case,
    Decision,
    FormInstance,
    FormKey,
    HouseholdMember,
    MemberRole,
    Outcome,
    Person,
    StatisticsChildFact,
    StatisticsChildTotal,
)
from app.models.statistics_fact import CHILD_FLAGS, CHILD_KEYS, CHILD_SUMS, DECISIONS_SEX
from app.statistics.kept_totals import KeptTotals

BATCH = 2000
"""Cases per read: their decisions' children fit in memory at any register size."""

FACTS: Table = StatisticsChildFact.__table__  # type: ignore[assignment]
TOTALS: Table = StatisticsChildTotal.__table__  # type: ignore[assignment]
NAMES = ("case_id", *CHILD_KEYS, "unit_id", *CHILD_SUMS)
KEPT = KeptTotals(
    table="statistics_child_totals",
    facts="statistics_child_facts",
    keys=("unit_id", *CHILD_KEYS),
    sums=CHILD_SUMS,
)
"""The totals the statistics read (migration 0034 makes the database keep them)."""
UNNAMED = (False, False, False, False, False)


def _audited_children(session: Session, case_ids: list[uuid.UUID]) -> list[Any]:
    """(decision, case, unit, decided_on, consideration, BKA form, child, child's sex) of
    every audited decision of these cases and each child in its household in its period (a
    child with two memberships in the period twice, as the statistics always counted)."""
    d, child = Decision, HouseholdMember
    replacer = aliased(Decision)
    replaced = (
        select(replacer.id)
        .where(replacer.replaces_id == d.id)
        .where(replacer.signed_at.is_not(None))
        .exists()
    )
    stmt = (
        select(
            d.id,
            d.case_id,
            Case.unit_id,
            d.decided_on,
            d.child_consideration,
            d.bka_form_id,
            child.person_id,
            Person.sex,
        )
        .select_from(d)
        .join(Case, Case.id == d.case_id)
        .join(child, child.household_id == Case.household_id)
        .join(Person, Person.id == child.person_id)
        .where(d.case_id.in_(case_ids))
        .where(d.signed_at.is_not(None))
        .where(d.outcome != Outcome.GRANTED)
        .where(d.decided_on.is_not(None))
        .where(child.role == MemberRole.CHILD)
        .where(or_(child.member_from.is_(None), child.member_from <= d.period_end))
        .where(or_(child.member_until.is_(None), child.member_until >= d.period_start))
        .where(~replaced)
        .order_by(d.case_id, d.id, child.sort_order)
    )
    return list(session.execute(stmt))


def _signed_bka(session: Session, form_ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple]:
    """Form id -> (its case, child person id as text -> its section) of the signed BKA."""
    found: dict[uuid.UUID, tuple] = {}
    for chunk in in_batches(sorted(form_ids, key=str)):
        for form_id, case_id, answers in session.execute(
            select(FormInstance.id, FormInstance.case_id, FormInstance.answers_json)
            .where(FormInstance.id.in_(chunk))
            .where(FormInstance.form_key == FormKey.CHILD_IMPACT.value)
            .where(FormInstance.signed_at.is_not(None))
        ):
            groups = json.loads(answers or "{}").get("barn") or []
            found[form_id] = (
                case_id,
                {str(g.get("_item")): g for g in groups if isinstance(g, dict)},
            )
    return found


def _computed(session: Session, case_ids: list[uuid.UUID]) -> list[dict]:
    """The rows as they should be, of these cases."""
    rows = _audited_children(session, case_ids)
    bka_forms = _signed_bka(session, {r.bka_form_id for r in rows if r.bka_form_id is not None})
    children: dict[tuple, int] = defaultdict(int)  # (case, month, sex, flags) -> children
    texts_of: dict[uuid.UUID, dict] = {}
    decision_named: dict[uuid.UUID, bool] = {}
    decision_at: dict[uuid.UUID, tuple] = {}  # decision -> (case, month)
    unit_of: dict[uuid.UUID, uuid.UUID] = {}
    for decision_id, case_id, unit_id, decided_on, consideration, bka_form_id, person, sex in rows:
        month = month_index(decided_on)
        unit_of[case_id] = unit_id
        texts = texts_of.get(decision_id)
        if texts is None:
            texts = texts_of[decision_id] = (
                json.loads(consideration) if consideration not in ("", "{}") else {}
            )
            decision_named[decision_id] = True
            decision_at[decision_id] = (case_id, month)
        bka = bka_forms.get(bka_form_id) if bka_form_id is not None else None
        if texts or bka:
            section = bka[1].get(str(person)) if bka and bka[0] == case_id else None
            named = bool(str(texts.get(str(person), "")).strip()) or section is not None
            flags = (
                named,
                section is not None,
                section is not None and is_filled(section.get("situation")),
                section is not None and is_filled(section.get("behov")),
                section is not None and is_filled(section.get("hur_paverkas")),
            )
        else:
            named, flags = False, UNNAMED
        children[(case_id, month, sex, flags)] += 1
        decision_named[decision_id] = decision_named[decision_id] and named
    decisions: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])  # (case, month)
    for decision_id, at in decision_at.items():
        decisions[at][0] += 1
        decisions[at][1] += int(decision_named[decision_id])
    found = [
        _row(case_id, month, sex, flags, unit_of[case_id], n, 0, 0)
        for (case_id, month, sex, flags), n in children.items()
    ]
    found += [
        _row(case_id, month, DECISIONS_SEX, UNNAMED, unit_of[case_id], 0, n, all_named)
        for (case_id, month), (n, all_named) in decisions.items()
    ]
    return found


def _row(
    case_id: uuid.UUID,
    month: int,
    sex: str,
    flags: tuple[bool, ...],
    unit_id: uuid.UUID,
    children: int,
    decisions: int,
    all_named: int,
) -> dict:
    return {
        "case_id": case_id,
        "month": month,
        "sex": sex,
        **{name: int(flag) for name, flag in zip(CHILD_FLAGS, flags, strict=True)},
        "unit_id": unit_id,
        "children": children,
        "decisions": decisions,
        "decisions_all_named": all_named,
    }


def replace(session: Session, case_ids: Iterable[uuid.UUID]) -> None:
    """Compute these cases' rows anew in place of the kept ones (a case that no longer
    exists keeps none)."""
    for chunk in in_batches(sorted(set(case_ids), key=str), BATCH):
        session.execute(delete(FACTS).where(FACTS.c.case_id.in_(chunk)))
        insert_rows(session, FACTS, _computed(session, chunk))


def rebuild(session: Session) -> None:
    """Every case's rows anew (facts.rebuild then counts the totals anew). On PostgreSQL as
    the owner, as `stats rebuild` runs."""
    session.execute(delete(FACTS))
    case_ids = sorted(session.scalars(select(Case.id)), key=str)
    for chunk in in_batches(case_ids, BATCH):
        insert_rows(session, FACTS, _computed(session, chunk))


def differing_cases(session: Session) -> set[uuid.UUID]:
    """Cases whose kept rows differ from a recomputation (`stats rebuild --check`)."""
    differing: set[uuid.UUID] = set()
    kept_cases = set(session.scalars(select(FACTS.c.case_id).distinct()))
    case_ids = sorted(session.scalars(select(Case.id)), key=str)
    differing |= kept_cases - set(case_ids)
    for chunk in in_batches(case_ids, BATCH):
        kept = {
            tuple(row)
            for row in session.execute(
                select(*(FACTS.c[n] for n in NAMES)).where(FACTS.c.case_id.in_(chunk))
            )
        }
        expected = {tuple(row[n] for n in NAMES) for row in _computed(session, chunk)}
        differing |= {row[0] for row in kept ^ expected}
    return differing
