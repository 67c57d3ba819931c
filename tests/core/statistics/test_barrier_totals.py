"""Försörjningshinder kept per registration with totals the database keeps
(app.statistics.barrier_facts, migration 0033), on SQLite and PostgreSQL: after seeded
random sequences of the changes that move them (a registration written, changed or
removed – also a person registered in cases of two units –, a case moved, an adult's sex
changed) the kept facts and totals equal a recomputation, and the statistics' figures
equal those counted from the registrations themselves, for a year and a month, each unit
and all units. A registration made offline arrives in the sync's bulk insert: counted too.
Attacks over psql: nobody but the owner's trigger writes the totals, a chef reads only her
unit's."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import psycopg
import pytest
from sqlalchemy import func, select, text, update

from app.cli import main
from app.demo import demo_data
from app.models import (
    Case,
    HouseholdMember,
    MemberRole,
    Person,
    StatisticsBarrierFact,
    SupportBarrier,
    Unit,
    User,
)
from app.statistics import barrier_facts, fact_upkeep, facts, kept_totals
from app.statistics.statistics import MEN, WOMEN, _Computation
from tests.core.offline.sync_helpers import run_sync, take_along
from tests.core.security.test_server_access_control import connect, on_postgresql
from tests.core.statistics.test_kept_facts import RandomChanges


@pytest.fixture
def generated(session):
    """Demo data of 24 households with their kept facts (as test_kept_facts')."""
    session.execute(update(User).where(User.username == "karin.holm").values(username="k.h"))
    demo_data.generate(session, 24, seed=5)
    session.commit()
    return session


CODES = ["arbetslos", "sjukskriven_lakarintyg", "sprakhinder", "annat", "utan"]


class BarrierChanges(RandomChanges):
    """The kinds of change that move the barrier facts, as the services (and the sync's
    apply) make them, through the ORM; among the others that move the month facts."""

    def _adults(self) -> list[tuple]:
        return list(
            self.session.execute(
                select(HouseholdMember.person_id, Case.id)
                .join(Case, Case.household_id == HouseholdMember.household_id)
                .where(HouseholdMember.role != MemberRole.CHILD)
                .order_by(Case.case_number, HouseholdMember.sort_order)
            )
        )

    def register_barrier(self) -> None:
        """A new registration or a changed code; now and then the adult registered in a
        case of another household (another unit's, perhaps): counted in both units."""
        person_id, case_id = self.rng.choice(self._adults())
        if self.rng.random() < 0.3:
            case_id = self._case().id
        month = date(2026, self.rng.randint(1, 12), 1)
        row = self.session.scalar(
            select(SupportBarrier).where(
                SupportBarrier.case_id == case_id,
                SupportBarrier.person_id == person_id,
                SupportBarrier.month == month,
            )
        )
        if row is None:
            self.session.add(
                SupportBarrier(
                    case_id=case_id,
                    person_id=person_id,
                    month=month,
                    code=self.rng.choice(CODES),
                    updated_by=self.author,
                )
            )
        else:
            row.code = self.rng.choice(CODES)

    def _barrier(self) -> SupportBarrier | None:
        ids = list(self.session.scalars(select(SupportBarrier.id).order_by(SupportBarrier.id)))
        return self.session.get_one(SupportBarrier, self.rng.choice(ids)) if ids else None

    def remove_barrier(self) -> None:
        row = self._barrier()
        if row is not None:
            self.session.delete(row)

    def change_registered_sex(self) -> None:
        row = self._barrier()
        if row is not None:
            person = self.session.get_one(Person, row.person_id)
            person.sex = "M" if person.sex == "K" else "K"

    ACTIONS: tuple[str, ...] = (
        "register_barrier",
        "register_barrier",
        "register_barrier",
        "remove_barrier",
        "change_registered_sex",
        "change_sex",
        "move_case",
        "sign_decision",
        "add_member",
    )


def _counted(session, months: list[date], unit_id) -> tuple[list[dict], dict]:
    """The figures counted from the registrations themselves (the statistics' way before
    migration 0033): per month the registrations, for the period the distinct adults."""
    b = SupportBarrier
    stmt = (
        select(b.month, b.code, Person.sex, b.person_id)
        .join(Person, Person.id == b.person_id)
        .join(Case, Case.id == b.case_id)
        .where(b.month >= months[0], b.month <= months[-1])
    )
    if unit_id is not None:
        stmt = stmt.where(Case.unit_id == unit_id)
    monthly: list[dict] = [defaultdict(Counter) for _ in months]
    adults: set[tuple] = set()
    for month, code, sex, person_id in session.execute(stmt):
        monthly[months.index(month)][code][sex] += 1
        adults.add((person_id, code, sex))
    yearly: dict = defaultdict(Counter)
    for _, code, sex in adults:
        yearly[code][sex] += 1

    def plain(table) -> dict:
        return {code: (c[WOMEN], c[MEN]) for code, c in table.items() if c[WOMEN] or c[MEN]}

    return [plain(m) for m in monthly], plain(yearly)


def _read(session, months: list[date], unit_id) -> tuple[list[dict], dict]:
    monthly, yearly = _Computation(session, months, unit_id)._barriers()

    def plain(counts) -> dict:
        return {code: (c.women, c.men) for code, c in counts.items() if c.women or c.men}

    return [plain(m) for m in monthly], plain(yearly)


def _assert_figures_equal(session) -> None:
    year = [date(2026, m, 1) for m in range(1, 13)]
    scopes = [None, *session.scalars(select(Unit.id).order_by(Unit.name))]
    some = 0
    for unit_id in scopes:
        for months in (year, [date(2026, 3, 1)], [date(2026, 11, 1)]):
            counted = _counted(session, months, unit_id)
            assert _read(session, months, unit_id) == counted, (unit_id, months[0])
            some += len(counted[1])
    assert some, "no registrations in the periods: nothing was compared"


@pytest.mark.parametrize("seed", [1, 2])
def test_kept_barrier_totals_equal_a_recomputation_after_random_changes(generated, seed):
    session = generated
    BarrierChanges(session, seed).run(150)
    fact_upkeep.refresh(session)  # as the statistics do before reading, in the session
    assert facts.differences(session) == []
    assert facts.total_differences(session) == {}
    _assert_figures_equal(session)
    session.commit()
    session.expire_all()
    assert facts.differences(session) == []
    assert facts.total_differences(session) == {}
    _assert_figures_equal(session)


def test_a_person_in_two_units_counts_once_in_each_and_once_in_all(generated):
    session = generated
    units = list(session.scalars(select(Unit.id).order_by(Unit.name)))
    first, second = (
        session.scalars(select(Case).where(Case.unit_id == unit).order_by(Case.case_number)).first()
        for unit in units[:2]
    )
    assert first is not None and second is not None
    person_id = session.scalar(
        select(HouseholdMember.person_id).where(HouseholdMember.household_id == first.household_id)
    )
    sex = session.get_one(Person, person_id).sex
    year = [date(2024, m, 1) for m in range(1, 13)]
    assert "sprakhinder" not in _read(session, year, None)[1]
    for case, month in ((first, 2), (first, 3), (second, 3)):
        session.add(
            SupportBarrier(
                case_id=case.id, person_id=person_id, month=date(2024, month, 1), code="sprakhinder"
            )
        )
    session.commit()
    one = (1, 0) if sex == WOMEN else (0, 1)
    two = (2, 0) if sex == WOMEN else (0, 2)
    monthly, yearly = _read(session, year, None)
    assert yearly["sprakhinder"] == one
    assert monthly[1]["sprakhinder"] == one and monthly[2]["sprakhinder"] == two
    assert _read(session, [date(2024, 3, 1)], None)[1]["sprakhinder"] == one
    for unit in units[:2]:
        assert _read(session, year, unit)[1]["sprakhinder"] == one
        assert _read(session, [date(2024, 3, 1)], unit)[1]["sprakhinder"] == one
    _assert_figures_equal(session)


def test_a_barrier_registered_offline_is_counted_at_the_office_after_sync(
    db, session, make_case, caseworker, laptops
):
    """New rows of a sync are inserted many at a time (app.db.bulk), past the ORM's flush:
    the kept barrier facts and totals follow them too."""
    case = make_case()
    session.commit()
    person_id = case.household.members[0].person_id
    laptop = laptops("sara", caseworker)
    take_along(db, laptop, caseworker, [case.id])
    with laptop.sessions.begin() as local:
        local.add(
            SupportBarrier(
                case_id=case.id,
                person_id=person_id,
                month=date(2026, 11, 1),
                code="arbetslos",
                updated_by=caseworker.id,
            )
        )
    kept = select(func.count()).where(StatisticsBarrierFact.case_id == case.id)
    assert session.scalar(kept) == 0
    report = run_sync(db, laptop, caseworker)
    assert report.pushed >= 1 and report.conflicts == 0
    with db.sessions() as server:
        assert server.scalar(kept) == 1
        assert facts.differences(server) == []
        assert facts.total_differences(server) == {}
        unit_id = server.scalar(select(Case.unit_id).where(Case.id == case.id))
        monthly, yearly = _read(server, [date(2026, 11, 1)], unit_id)
        assert sum(monthly[0]["arbetslos"]) == 1 and sum(yearly["arbetslos"]) == 1


def test_rebuild_check_finds_totals_changed_past_the_program(db, generated, capsys, cli_as):
    """A total changed by hand (only the owner can, on PostgreSQL) is found by
    `stats rebuild --check` and counted anew by `stats rebuild`."""
    session = generated
    if db.url.startswith("sqlite"):
        ada = cli_as("ada.admin")
        before, after = ada.before, ada.after
    else:
        before, after = ["--db", db.url], []
    table = barrier_facts.YEAR_ADULTS.table
    session.execute(text(f"UPDATE {table} SET fact_rows = fact_rows + 1"))
    session.commit()
    assert main([*before, "stats", "rebuild", "--check", *after]) == 1
    assert table in capsys.readouterr().out
    assert main([*before, "stats", "rebuild", *after]) == 0
    assert main([*before, "stats", "rebuild", "--check", *after]) == 0


# --- attacks over psql (PostgreSQL) ------------------------------------------------------
DENIED = psycopg.errors.InsufficientPrivilege


@pytest.fixture
def registered(session, cases, caseworker):
    """A barrier in the own unit's case and one in the other unit's."""
    for case_id in (cases.own, cases.other_unit):
        person_id = session.scalar(
            select(HouseholdMember.person_id)
            .join(Case, Case.household_id == HouseholdMember.household_id)
            .where(Case.id == case_id)
        )
        session.add(
            SupportBarrier(
                case_id=case_id, person_id=person_id, month=date(2026, 11, 1), code="arbetslos"
            )
        )
    session.commit()
    return cases


@on_postgresql
@pytest.mark.parametrize("username", ["sara.nilsson", "eva.lind"])
@pytest.mark.parametrize("totals", barrier_facts.TOTALS, ids=lambda t: t.table)
def test_nobody_but_the_owner_writes_the_totals(registered, login_roles, username, totals):
    table, columns = totals.table, totals.columns
    with connect(login_roles, username) as conn, pytest.raises(DENIED):
        conn.execute(f"UPDATE {table} SET fact_rows = fact_rows + 1")
    with connect(login_roles, username) as conn, pytest.raises(DENIED):
        conn.execute(f"DELETE FROM {table}")
    with connect(login_roles, username) as conn, pytest.raises(DENIED):
        conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table}")


@on_postgresql
def test_a_chef_reads_only_her_units_totals_and_a_handlaggare_none(
    registered, session, login_roles
):
    """eva.lind is the own unit's chef; sara.nilsson its handläggare, karin.holm the other
    unit's (in these fixtures); ada.admin the administrator."""
    own_unit = session.scalar(select(Case.unit_id).where(Case.id == registered.own))
    other_unit = session.scalar(select(Case.unit_id).where(Case.id == registered.other_unit))
    for totals in barrier_facts.TOTALS:
        if "unit_id" not in totals.keys:  # adults in any unit: administrators only
            query = f"SELECT count(*) FROM {totals.table} WHERE fact_rows > 0"
            for username in ("eva.lind", "sara.nilsson", "karin.holm"):
                with connect(login_roles, username) as conn:
                    assert conn.execute(query).fetchone() == (0,), (username, totals.table)
            with connect(login_roles, "ada.admin") as conn:
                assert conn.execute(query).fetchone()[0] > 0
            continue
        query = f"SELECT DISTINCT unit_id FROM {totals.table} WHERE fact_rows > 0"
        with connect(login_roles, "eva.lind") as conn:
            assert {row[0] for row in conn.execute(query)} == {own_unit}
        for handlaggare in ("sara.nilsson", "karin.holm"):
            with connect(login_roles, handlaggare) as conn:
                assert conn.execute(query).fetchall() == []
        with connect(login_roles, "ada.admin") as conn:
            assert {row[0] for row in conn.execute(query)} == {own_unit, other_unit}


@on_postgresql
def test_a_handlaggare_cannot_write_another_units_barrier_facts(registered, login_roles):
    with connect(login_roles, "sara.nilsson") as conn:
        seen = {r[0] for r in conn.execute("SELECT case_id FROM statistics_barrier_facts")}
        assert registered.own in seen and registered.other_unit not in seen
        changed = conn.execute(
            "UPDATE statistics_barrier_facts SET code = 'annat' WHERE case_id = %s",
            (registered.other_unit,),
        )
        assert changed.rowcount == 0
    with connect(login_roles, "sara.nilsson") as conn, pytest.raises(DENIED):
        conn.execute(
            "UPDATE statistics_barrier_facts SET unit_id = "
            "(SELECT unit_id FROM users WHERE username = 'karin.holm') WHERE case_id = %s",
            (registered.own,),
        )


@on_postgresql
def test_a_fact_written_by_a_handlaggare_moves_every_level_of_totals(
    registered, session, login_roles
):
    """The program writes the facts as the user's role; the owner's triggers move the
    totals, level after level (what a handläggare writes by hand the check finds)."""
    with connect(login_roles, "sara.nilsson") as conn:
        conn.execute(
            "INSERT INTO statistics_barrier_facts "
            "(case_id, person_id, month, year, unit_id, code, sex) "
            "SELECT case_id, person_id, month + 1, year, unit_id, 'sprakhinder', sex "
            "FROM statistics_barrier_facts WHERE case_id = %s",
            (registered.own,),
        )
    session.expire_all()
    for totals in barrier_facts.TOTALS:
        assert kept_totals.differences(session, totals) == [], totals.table
    counted = session.execute(
        text(
            "SELECT sum(present) FROM statistics_barrier_month_person_counts "
            "WHERE code = 'sprakhinder' AND month = :month"
        ),
        {"month": 2026 * 12 + 11},
    ).scalar()
    assert counted == 1
