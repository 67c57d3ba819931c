"""The children's audit kept on the shared server (migration 0034): attacks straight to
PostgreSQL as the users' own login roles (psycopg, never through the program).

The totals (statistics_child_totals) are read under a policy of their own – an
administrator all units, a chef her own, a handläggare nothing – and written only by the
owner's trigger on the facts: no user role can insert, change or delete them. The per-case
facts go with their case, as statistics_month_facts (migration 0028)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import psycopg
import pytest
from sqlalchemy import select

from app.common.text_input import search_key
from app.models import (
    Case,
    Decision,
    DecisionKind,
    HouseholdMember,
    MemberRole,
    Outcome,
    Person,
    User,
)
from tests.core.security.test_server_access_control import connect, on_postgresql

DENIED = psycopg.errors.InsufficientPrivilege
TOTALS = "statistics_child_totals"


def _refusal_with_a_child(session, case_id: uuid.UUID, serial: int) -> uuid.UUID:
    """A child in the case's household and a signed refusal for it; returns the unit."""
    case = session.get_one(Case, case_id)
    author = session.scalar(select(User.id).order_by(User.username).limit(1))
    child = Person(
        personal_number=f"2016010{serial}9{serial:03d}"[:12],
        first_name=f"Barn{serial}",
        last_name="Testsson",
        first_name_key=search_key(f"Barn{serial}"),
        last_name_key="testsson",
        birth_date=date(2016, 1, serial),
        sex="K",
    )
    session.add(
        HouseholdMember(
            household_id=case.household_id, person=child, role=MemberRole.CHILD, sort_order=9
        )
    )
    session.add(
        Decision(
            case_id=case_id,
            kind=DecisionKind.SUPPORT,
            outcome=Outcome.REFUSED,
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 30),
            author_id=author,
            decided_by=author,
            signed_at=datetime(2026, 11, 5, 12, tzinfo=UTC),
            decided_on=date(2026, 11, 5),
        )
    )
    session.commit()
    return case.unit_id


def _units_seen(conn: psycopg.Connection) -> set:
    return {row[0] for row in conn.execute(f"SELECT unit_id FROM {TOTALS} WHERE fact_rows > 0")}


@on_postgresql
def test_totals_are_read_by_chefs_of_their_unit_and_written_by_nobody(
    session, cases, login_roles
) -> None:
    own_unit = _refusal_with_a_child(session, cases.own, 1)
    other_unit = _refusal_with_a_child(session, cases.other_unit, 2)
    with connect(login_roles, "eva.lind") as conn:  # the chef: her unit's, not the other's
        assert _units_seen(conn) == {own_unit}
    with connect(login_roles, "ada.admin") as conn:
        assert {own_unit, other_unit} <= _units_seen(conn)
    for caseworker in ("sara.nilsson", "karin.holm"):  # handläggare read none, own unit's too
        with connect(login_roles, caseworker) as conn:
            assert _units_seen(conn) == set()
    for user in ("sara.nilsson", "karin.holm", "eva.lind", "ada.admin"):
        for statement in (
            f"UPDATE {TOTALS} SET children = children + 5",
            f"DELETE FROM {TOTALS}",
            f"INSERT INTO {TOTALS} (unit_id, month, sex, named, with_bka, bka_situation, "
            "bka_needs, bka_consequences, children, decisions, decisions_all_named, fact_rows) "
            f"VALUES ('{own_unit}', 1, 'K', 1, 0, 0, 0, 0, 99, 0, 0, 1)",
        ):
            with connect(login_roles, user) as conn, pytest.raises(DENIED):
                conn.execute(statement)


@on_postgresql
def test_child_facts_go_with_their_case(session, cases, login_roles) -> None:
    _refusal_with_a_child(session, cases.other_unit, 3)
    query = "SELECT count(*) FROM statistics_child_facts WHERE case_id = %s"
    with connect(login_roles, "karin.holm") as conn:
        assert conn.execute(query, (cases.other_unit,)).fetchone()[0] > 0
    with connect(login_roles, "sara.nilsson") as conn:
        assert conn.execute(query, (cases.other_unit,)).fetchone() == (0,)
        changed = conn.execute(
            "UPDATE statistics_child_facts SET children = children + 1 WHERE case_id = %s",
            (cases.other_unit,),
        )
        assert changed.rowcount == 0


@on_postgresql
def test_facts_a_handlaggare_writes_move_the_totals_through_the_owners_trigger(
    session, cases, login_roles
) -> None:
    """The upkeep writes facts as the user's own role; the trigger (the owner's) moves the
    totals she cannot write herself – and a fact she writes by hand over psql is found by
    `stats rebuild --check` (test_kept_facts_access)."""
    own_unit = _refusal_with_a_child(session, cases.own, 4)
    query = f"SELECT sum(children) FROM {TOTALS} WHERE month = 1 AND fact_rows > 0"
    with connect(login_roles, "sara.nilsson") as conn:
        conn.execute(
            "INSERT INTO statistics_child_facts (case_id, month, sex, named, with_bka, "
            "bka_situation, bka_needs, bka_consequences, unit_id, children, decisions, "
            "decisions_all_named) VALUES (%s, 1, 'M', 0, 0, 0, 0, 0, %s, 3, 0, 0)",
            (cases.own, own_unit),
        )
    with connect(login_roles, "eva.lind") as conn:
        assert conn.execute(query).fetchone() == (3,)
