"""The children's documentation audit kept per case (app.statistics.child_facts) and its
totals kept by the database (statistics_child_totals, migration 0034), on SQLite and
PostgreSQL: after seeded random sequences of the changes that move the audit (decisions
signed with considerations or a BKA, replaced, BKA forms signed, children added or leaving,
a child's sex, the case's unit), the kept facts equal a recomputation and the kept totals
equal the recomputed facts summed."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select, text

from app.common.periods import month_end
from app.forms.form_definitions import latest_record
from app.models import (
    Case,
    Decision,
    DecisionKind,
    FormInstance,
    HouseholdMember,
    MemberRole,
    Outcome,
    Person,
)
from app.models.statistics_fact import CHILD_KEYS, CHILD_SUMS
from app.statistics import child_facts, fact_upkeep, facts, kept_totals
from tests.core.statistics.test_kept_facts import RandomChanges, generated  # noqa: F401

FILLED = ["", "Text.", "  "]


class ChildChanges(RandomChanges):
    """RandomChanges with the changes that move the children's audit made often."""

    def _children(self, case: Case) -> list[HouseholdMember]:
        return list(
            self.session.scalars(
                select(HouseholdMember)
                .where(HouseholdMember.household_id == case.household_id)
                .where(HouseholdMember.role == MemberRole.CHILD)
                .order_by(HouseholdMember.sort_order)
            )
        )

    def write_bka(self, case: Case | None = None) -> FormInstance:
        """A BKA with sections for some of the case's children, signed or a draft."""
        case = case or self._case()
        record = latest_record(self.session, "bka")
        sections = [
            {
                "_item": str(m.person_id),
                "situation": self.rng.choice(FILLED),
                "behov": self.rng.choice(FILLED),
                "hur_paverkas": self.rng.choice(FILLED),
            }
            for m in self._children(case)
            if self.rng.random() < 0.7
        ]
        day = self._month()
        form = FormInstance(
            definition_id=record.id,
            form_key="bka",
            form_version=record.version,
            unit_id=case.unit_id,
            case_id=case.id,
            author_id=self.author,
            answers_json=json.dumps({"barn": sections}),
            signed_at=self.rng.choice([None, datetime.combine(day, time(10), tzinfo=UTC)]),
            signed_by=self.author,
        )
        self.session.add(form)
        self.session.flush()
        return form

    def sign_bka(self) -> None:
        """A draft BKA signed: the decisions referring to it now name its children."""
        ids = list(
            self.session.scalars(
                select(FormInstance.id)
                .where(FormInstance.form_key == "bka", FormInstance.signed_at.is_(None))
                .order_by(FormInstance.id)
            )
        )
        if ids:
            form = self.session.get_one(FormInstance, self.rng.choice(ids))
            form.signed_at = datetime(2026, 1, 2, 12, tzinfo=UTC)

    def sign_audited_decision(self, replaces: Decision | None = None) -> None:
        """A refusal or partial decision with considerations for some children, a BKA (of
        its own case, now and then of another case's) or neither."""
        if replaces is None:
            case = next(
                (c for c in (self._case() for _ in range(5)) if self._children(c)), self._case()
            )
        else:
            case = self.session.get_one(Case, replaces.case_id)
        start = self._month() if replaces is None else replaces.period_start
        end = month_end(start + timedelta(days=31 * self.rng.choice([0, 0, 1])))
        how = self.rng.choice(["none", "texts", "texts", "bka", "bka", "other bka"])
        texts = {}
        bka = None
        if how == "texts":
            texts = {
                str(m.person_id): self.rng.choice(["Barnets bästa beaktat.", "", " "])
                for m in self._children(case)
                if self.rng.random() < 0.8
            }
        elif how == "bka":
            bka = self.write_bka(case)
        elif how == "other bka":
            bka = self.write_bka()
        decided = start + timedelta(days=self.rng.randint(0, 40))
        self.session.add(
            Decision(
                case_id=case.id,
                kind=self.rng.choice(list(DecisionKind)),
                outcome=self.rng.choice([Outcome.REFUSED, Outcome.PARTLY, Outcome.GRANTED]),
                period_start=start,
                period_end=end,
                granted_total=0,
                author_id=self.author,
                decided_by=self.author,
                signed_at=datetime.combine(decided, time(12), tzinfo=UTC),
                decided_on=decided,
                child_consideration=json.dumps(texts) if texts else self.rng.choice(["", "{}"]),
                bka_form_id=bka.id if bka else None,
                replaces_id=replaces.id if replaces else None,
            )
        )

    def replace_audited_decision(self) -> None:
        signed = self._signed_decisions(self._case())
        if signed:
            self.sign_audited_decision(replaces=self.rng.choice(signed))

    def change_child_sex(self) -> None:
        children = self._children(self._case())
        if children:
            person = self.session.get_one(Person, self.rng.choice(children).person_id)
            person.sex = "M" if person.sex == "K" else "K"

    def run(self, changes: int) -> None:
        actions = [
            self.sign_audited_decision,
            self.sign_audited_decision,
            self.sign_audited_decision,
            self.replace_audited_decision,
            self.write_bka,
            self.sign_bka,
            self.add_member,
            self.add_member,
            self.remove_member,
            self.end_membership,
            self.change_child_sex,
            self.move_case,
            self.sign_decision,
        ]
        for step in range(changes):
            self.rng.choice(actions)()
            if step % 5 == 0:
                self.session.flush()
            if step % 20 == 19:
                self.session.commit()


def _recomputed_totals(session) -> Counter:
    """The facts computed anew from the raw rows, summed per unit and keys."""
    found: Counter = Counter()
    case_ids = list(session.scalars(select(Case.id)))
    for row in child_facts._computed(session, case_ids):
        key = (str(row["unit_id"]), *(row[k] for k in CHILD_KEYS))
        for position, name in enumerate((*CHILD_SUMS, "fact_rows")):
            found[(*key, position)] += row[name] if name != "fact_rows" else 1
    return found


def _kept_totals(session) -> Counter:
    columns = ", ".join(("unit_id", *CHILD_KEYS, *CHILD_SUMS, "fact_rows"))
    found: Counter = Counter()
    width = 1 + len(CHILD_KEYS)
    for row in session.execute(text(f"SELECT {columns} FROM statistics_child_totals")):
        key = (str(uuid.UUID(str(row[0]))), *row[1:width])
        for position, value in enumerate(row[width:]):
            if value:
                found[(*key, position)] += int(value)
    return found


def _check(session) -> None:
    assert child_facts.differing_cases(session) == set()
    assert kept_totals.differences(session, child_facts.KEPT) == []
    assert _kept_totals(session) == _recomputed_totals(session)


@pytest.mark.parametrize("seed", [3, 4])
def test_kept_child_totals_equal_a_recomputation_after_random_changes(generated, seed):  # noqa: F811
    session = generated
    assert session.scalar(select(text("count(*)")).select_from(text("statistics_child_totals")))
    ChildChanges(session, seed).run(160)
    fact_upkeep.refresh(session)  # as the statistics do before reading, in the session
    _check(session)
    kept = _kept_totals(session)
    # the changes reached children named by a text and children with a BKA section
    assert any(k[3] and not k[4] for k in kept) and any(k[4] for k in kept)
    session.commit()
    session.expire_all()
    _check(session)


def test_a_bka_signed_later_names_its_children(generated):  # noqa: F811
    """The decision was signed referring to a BKA still a draft: its children are named
    from the moment the BKA is signed (the form's signing alone moves the audit)."""
    session = generated
    changes = ChildChanges(session, 7)
    case = next(
        c for c in session.scalars(select(Case).order_by(Case.case_number)) if changes._children(c)
    )
    record = latest_record(session, "bka")
    sections = [{"_item": str(m.person_id), "situation": "S"} for m in changes._children(case)]
    bka = FormInstance(
        definition_id=record.id,
        form_key="bka",
        form_version=record.version,
        unit_id=case.unit_id,
        case_id=case.id,
        author_id=changes.author,
        answers_json=json.dumps({"barn": sections}),
    )
    session.add(bka)
    session.flush()
    day = date(2026, 3, 10)
    session.add(
        Decision(
            case_id=case.id,
            kind=DecisionKind.SUPPORT,
            outcome=Outcome.REFUSED,
            period_start=date(2020, 1, 1),
            period_end=date(2030, 12, 31),
            author_id=changes.author,
            decided_by=changes.author,
            signed_at=datetime.combine(day, time(12), tzinfo=UTC),
            decided_on=day,
            bka_form_id=bka.id,
        )
    )
    session.commit()
    before = _kept_totals(session)
    bka.signed_at = datetime(2026, 3, 9, tzinfo=UTC)
    session.commit()
    after = _kept_totals(session)
    assert before != after
    _check(session)


def test_rebuild_check_finds_totals_changed_past_the_triggers(generated):  # noqa: F811
    """Totals written by hand (only the owner can, on the server) are named by `stats
    rebuild --check`; the rebuild counts them anew."""
    session = generated
    assert facts.total_differences(session) == {}
    session.execute(text("UPDATE statistics_child_totals SET children = children + 1"))
    assert list(facts.total_differences(session)) == ["statistics_child_totals"]
    facts.rebuild(session)
    assert facts.total_differences(session) == {}
    _check(session)
