"""Issue 19, defect 1: the demo's decisions for 2025 periods were computed with 2019's
riksnorm (the nearest year at or below, else the first). Each demo decision is now computed
with the table of its period's year, and keeps the amounts without a source as the program
would."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.database import Database, open_database
from app.demo import demo_data
from app.models import Decision, DecisionKind
from app.norms.norm_table import load_norm_table


@pytest.fixture
def session(tmp_path) -> Iterator[Session]:
    """Overrides the shared `session`: the demo is made for an empty database of its own."""
    database: Database = open_database(
        f"sqlite:///{tmp_path / 'demo.sqlite3'}", plain_sqlite_for_tests=True
    )
    with database.sessions() as s:
        demo_data.generate(s, 30, seed=3)
        s.flush()
        yield s
        s.rollback()
    database.dispose()


def test_each_demo_decision_uses_its_periods_years_table(session) -> None:
    support = session.scalars(select(Decision).where(Decision.kind == DecisionKind.SUPPORT)).all()
    years = Counter(d.period_start.year for d in support)
    assert years[2025] and years[2026]  # the demo spans both
    for decision in support:
        snapshot = json.loads(decision.calculation_json)
        year = decision.period_start.year
        assert decision.norm_year == snapshot["year"] == year
        table = load_norm_table(year)
        amounts = {value.amount for value in table.all_values()}
        for row in snapshot["rows"]:
            if row["section"] == "norm":
                assert Decimal(row["amount"]) in amounts, (year, row)
        flagged = set(snapshot["unverified"])
        # the amounts without a source are kept, unless the government's total covers them
        assert flagged <= set(table.unverified_items())
        assert not any("kontroller" in row["note"] for row in snapshot["rows"])


def test_no_2025_decision_has_2019s_amounts(session) -> None:
    """The issue's symptom: 2019's 3 090 kr for an adult (5 570 kr for sambor) in 2025."""
    t2019, t2025 = load_norm_table(2019), load_norm_table(2025)
    expected = {
        "ensamstående": (t2019.single_adult.amount, t2025.single_adult.amount),
        "sambor": (t2019.cohabiting_adults.amount, t2025.cohabiting_adults.amount),
    }
    seen = 0
    for decision in session.scalars(select(Decision).where(Decision.norm_year == 2025)):
        for row in json.loads(decision.calculation_json)["rows"]:
            for word, (old, new) in expected.items():
                if row["label"].startswith(f"Personliga kostnader, {word}"):
                    seen += 1
                    assert Decimal(row["amount"]) == new != old
    assert seen
