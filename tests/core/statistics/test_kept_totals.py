"""Totals kept by the database (app/statistics/kept_totals.py) on a small fact table of the
test's own, on SQLite and PostgreSQL: every insert, update and delete – one row or many in
one statement – moves the totals to what a GROUP BY over the facts gives."""

from __future__ import annotations

import random

from sqlalchemy import text

from app.statistics import kept_totals
from app.statistics.kept_totals import KeptTotals

TOTALS = KeptTotals(
    table="test_totals",
    facts="test_facts",
    keys=("unit_id", "month", "reason"),
    sums=("n", "amount"),
    null_as=(("reason", "''"),),
)
U1, U2 = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"
UNITS = (U1, U2)
REASONS = (None, "flytt", "arbete")


def _create(connection) -> None:
    unit = "UUID" if connection.dialect.name == "postgresql" else "VARCHAR(36)"
    connection.execute(
        text(
            "CREATE TABLE test_facts (case_id INTEGER NOT NULL, month INTEGER NOT NULL, "
            f"unit_id {unit} NOT NULL, reason VARCHAR(20), n INTEGER NOT NULL, "
            "amount BIGINT NOT NULL, PRIMARY KEY (case_id, month))"
        )
    )
    connection.execute(
        text(
            f"CREATE TABLE test_totals (unit_id {unit} NOT NULL, month INTEGER NOT NULL, "
            "reason VARCHAR(20) NOT NULL DEFAULT '', n INTEGER NOT NULL, "
            "amount BIGINT NOT NULL, fact_rows INTEGER NOT NULL, "
            "PRIMARY KEY (unit_id, month, reason))"
        )
    )
    for statement in kept_totals.upgrade_sql(TOTALS, connection.dialect.name):
        connection.execute(text(statement))


def _kept(connection) -> dict:
    rows = connection.execute(
        text(
            "SELECT unit_id, month, reason, sum(n), sum(amount), sum(fact_rows) "
            "FROM test_totals GROUP BY unit_id, month, reason HAVING sum(fact_rows) > 0"
        )
    )
    return {(str(u), m, r or None): (int(n), int(a), int(c)) for u, m, r, n, a, c in rows}


def _counted(connection) -> dict:
    rows = connection.execute(
        text(
            "SELECT unit_id, month, reason, sum(n), sum(amount), count(*) "
            "FROM test_facts GROUP BY unit_id, month, reason"
        )
    )
    return {(str(u), m, r): (int(n), int(a), int(c)) for u, m, r, n, a, c in rows}


def test_random_changes_keep_the_totals_equal_to_the_facts(db) -> None:
    draw = random.Random(21)
    with db.engine.begin() as connection:
        _create(connection)
        for step in range(300):
            case_id, month = draw.randrange(40), draw.randrange(3)
            values = {
                "case_id": case_id,
                "month": month,
                "unit_id": draw.choice(UNITS),
                "reason": draw.choice(REASONS),
                "n": draw.randrange(4),
                "amount": draw.randrange(10**9),
            }
            action = draw.random()
            if action < 0.5:
                connection.execute(
                    text("DELETE FROM test_facts WHERE case_id = :case_id AND month = :month"),
                    values,
                )
                connection.execute(
                    text(
                        "INSERT INTO test_facts VALUES "
                        "(:case_id, :month, :unit_id, :reason, :n, :amount)"
                    ),
                    values,
                )
            elif action < 0.7:  # a case moved to another unit: many rows in one statement
                connection.execute(
                    text("UPDATE test_facts SET unit_id = :unit_id, reason = :reason "
                         "WHERE case_id = :case_id"),
                    values,
                )  # fmt: skip
            elif action < 0.85:
                connection.execute(text("DELETE FROM test_facts WHERE case_id = :case_id"), values)
            else:  # the rebuild's way: many rows in one statement
                connection.execute(text("DELETE FROM test_facts WHERE month = :month"), values)
                connection.execute(
                    text(
                        "INSERT INTO test_facts (case_id, month, unit_id, reason, n, amount) "
                        "VALUES (:a, :month, :u1, NULL, 1, 5), (:b, :month, :u2, 'flytt', 2, 7)"
                    ),
                    {"a": 100 + step, "b": 200 + step, "month": month, "u1": U1, "u2": U2},
                )
            if step % 50 == 0:
                assert _kept(connection) == _counted(connection)
        assert _counted(connection), "the sequence left no facts: nothing was compared"
        assert _kept(connection) == _counted(connection)
        assert kept_totals.differences(connection, TOTALS) == []


def test_recount_and_differences_find_totals_changed_by_hand(db) -> None:
    with db.engine.begin() as connection:
        _create(connection)
        connection.execute(
            text(
                "INSERT INTO test_facts VALUES (1, 0, :u1, NULL, 1, 100), "
                "(2, 0, :u1, NULL, 1, 50), (3, 1, :u2, 'flytt', 2, 10)"
            ),
            {"u1": U1, "u2": U2},
        )
        assert kept_totals.differences(connection, TOTALS) == []
        connection.execute(
            text("UPDATE test_totals SET amount = amount + 1 WHERE unit_id = :u2"), {"u2": U2}
        )
        connection.execute(
            text("INSERT INTO test_totals VALUES (:u2, 7, 'arbete', 1, 1, 1)"), {"u2": U2}
        )
        assert kept_totals.differences(connection, TOTALS) == [
            (U2, "1", "flytt"),
            (U2, "7", "arbete"),
        ]
        kept_totals.recount(connection, TOTALS)
        assert kept_totals.differences(connection, TOTALS) == []
        assert _kept(connection) == {
            (U1, 0, None): (2, 150, 2),
            (U2, 1, "flytt"): (2, 10, 1),
        }
        for statement in kept_totals.downgrade_sql(TOTALS, connection.dialect.name):
            connection.execute(text(statement))
        connection.execute(text("DELETE FROM test_facts"))
        assert _kept(connection), "the triggers are gone: the totals stay as they were"
