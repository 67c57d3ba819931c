"""The statistics' totals on the shared server (migration 0032), as the users' own login
roles: an administrator's statistics of all units now count (row-level security hid the
per-case facts from her, and her figures came out empty), a chef's equal the owner's for
her unit; over SQL nobody but the owner's triggers writes the totals, a chef reads only her
unit's, a handläggare none."""

from __future__ import annotations

import os
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import func, select

from app.common import clock
from app.common.periods import month_start
from app.db.database import open_database
from app.models import Application, Case, Role, User
from app.security.actor import Actor
from app.statistics import statistics, totals
from tests.core.security.test_server_access_control import connect, on_postgresql
from tests.core.statistics.test_kept_facts import generated

__all__ = ["generated"]  # the fixture, shared with test_kept_facts

DENIED = psycopg.errors.InsufficientPrivilege
TABLES = tuple(t.table for t in totals.ALL)


def _open_application(session, case_id) -> None:
    """Received an hour ago, not answered or decided: open and within its deadlines."""
    received = clock.now() - timedelta(hours=1)
    session.add(
        Application(
            case_id=case_id,
            received_at=received,
            channel="telefon",
            period_start=received.date(),
            period_end=received.date() + timedelta(days=27),
        )
    )


def _as_login(url: str, work):
    database = open_database(url, upgrade=False)
    try:
        with database.sessions.begin() as session:
            return work(session)
    finally:
        database.dispose()


def _figures(session, actor: Actor, unit_id=None) -> list:
    """The figures of last year, this year and this month: every part of them comes from
    totals the database keeps (month, year, applications, försörjningshinder, the children's
    documentation, SIP and hembesök)."""
    today = clock.today()
    found = [
        statistics.as_json_dict(statistics.year_statistics(session, actor, year, unit_id=unit_id))
        for year in (today.year - 1, today.year)
    ] + [
        statistics.as_json_dict(
            statistics.month_statistics(session, actor, month_start(today), unit_id=unit_id)
        )
    ]
    return found


@on_postgresql
def test_an_administrators_all_units_statistics_count_on_the_server(
    generated, staff, login_roles
) -> None:
    session = generated
    for case_id in session.scalars(select(Case.id).order_by(Case.case_number).limit(3)):
        _open_application(session, case_id)
    session.commit()
    expected = _figures(session, staff.admin)  # the owner: no row-level security
    assert sum(expected[1]["support_households"]["total"].values()) > 0
    assert expected[2]["first_response"]["open_in_time"] > 0
    assert expected[1]["sip"]["events"] > 0 and expected[1]["support_barriers"]
    seen = _as_login(login_roles["ada.admin"], lambda s: _figures(s, staff.admin))
    assert seen == expected


@on_postgresql
def test_a_chefs_unit_statistics_equal_the_owners_on_the_server(
    generated, staff, login_roles
) -> None:
    session = generated
    chef = session.scalars(
        select(User)
        .where(User.role == Role.MANAGER, User.unit_id.in_(select(Case.unit_id)))
        .order_by(User.username)
    ).first()
    assert chef is not None
    name, unit_id, actor = chef.username, chef.unit_id, Actor.of(chef)
    for case_id in session.scalars(
        select(Case.id).where(Case.unit_id == unit_id).order_by(Case.case_number).limit(2)
    ):
        _open_application(session, case_id)
    session.commit()
    expected = _figures(session, actor, unit_id)
    assert expected[2]["first_response"]["open_in_time"] > 0
    login = login_roles[name.removeprefix(f"t{os.getpid()}_")]  # the fixture's prefix
    assert _as_login(login, lambda s: _figures(s, actor, unit_id)) == expected


def _units_read(conn: psycopg.Connection, table: str) -> set:
    return {row[0] for row in conn.execute(f"SELECT DISTINCT unit_id FROM {table}")}


@on_postgresql
def test_totals_are_read_by_unit_and_written_only_by_the_triggers(
    session, cases, staff, login_roles
) -> None:
    _open_application(session, cases.own)
    _open_application(session, cases.other_unit)
    session.commit()
    own, other = staff.unit.id, staff.other_unit.id
    with connect(login_roles, "ada.admin") as conn:
        for table in TABLES:
            if table != "statistics_year_totals":  # the cases are new: no year facts yet
                assert {own, other} <= _units_read(conn, table), table
    with connect(login_roles, "eva.lind") as conn:  # the chef of Norr
        for table in TABLES:
            assert _units_read(conn, table) <= {own}, table
        assert _units_read(conn, "statistics_month_totals") == {own}
    with connect(login_roles, "sara.nilsson") as conn:  # a handläggare
        for table in TABLES:
            assert _units_read(conn, table) == set(), table
    for user in ("sara.nilsson", "eva.lind"):
        for table in TABLES:
            with connect(login_roles, user) as conn, pytest.raises(DENIED):
                conn.execute(f"UPDATE {table} SET fact_rows = fact_rows + 1")
            with connect(login_roles, user) as conn, pytest.raises(DENIED):
                conn.execute(f"DELETE FROM {table}")
            with connect(login_roles, user) as conn, pytest.raises(DENIED):
                conn.execute(
                    f"INSERT INTO {table} SELECT * FROM {table} LIMIT 1 ON CONFLICT DO NOTHING"
                )
        with connect(login_roles, user) as conn, pytest.raises(DENIED):
            conn.execute(f"TRUNCATE {TABLES[0]}")


@on_postgresql
def test_open_applications_are_counted_by_the_server_for_administrators_and_own_chefs(
    session, cases, staff, login_roles
) -> None:
    """The server counts (never shows) the still-open applications: for an administrator
    any unit's or all, for a chef her own unit's, for nobody else anything."""
    _open_application(session, cases.own)
    _open_application(session, cases.other_unit)
    session.commit()
    month = clock.today().year * 12 + clock.today().month - 1
    call = (
        "SELECT coalesce(sum(response_open), 0) FROM public.arendestod_open_applications"
        "(%s, %s, %s, %s, %s)"
    )
    since = (clock.now() - timedelta(minutes=5), clock.today() - timedelta(days=30))
    own, other = staff.unit.id, staff.other_unit.id

    def counted(user: str, unit) -> int:
        with connect(login_roles, user) as conn:
            return conn.execute(call, (month, month, unit, *since)).fetchone()[0]

    expected = select(func.count()).where(
        Application.received_month == month,
        Application.response_minutes.is_(None),
        Application.response_due_at >= since[0],
    )
    in_own = session.scalar(expected.where(Application.unit_id == own))
    in_other = session.scalar(expected.where(Application.unit_id == other))
    assert in_own >= 1 and in_other >= 1
    assert counted("ada.admin", None) == session.scalar(expected)
    assert counted("ada.admin", other) == in_other
    assert counted("eva.lind", own) == in_own  # the chef of Norr
    for user, unit in [
        ("eva.lind", other),
        ("eva.lind", None),
        ("sara.nilsson", own),
        ("sara.nilsson", None),
        ("karin.holm", other),
    ]:
        assert counted(user, unit) == 0, (user, unit)
    with connect(login_roles, "ada.admin") as conn:
        assert conn.execute("SELECT count(*) FROM applications").fetchone()[0] == 0
