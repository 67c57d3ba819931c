"""The statistics' month, year and application totals kept by the database (migration 0032,
app/statistics/totals.py): after any sequence of changes the totals equal the facts (and
the applications) summed anew, the statistics read from them equal those read from the
per-case rows, and `stats rebuild` recounts them while `--check` finds totals changed by
hand. On SQLite and PostgreSQL (the `db` fixture runs both)."""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text

from app.common import clock
from app.models import (
    Application,
    Case,
    StatisticsApplicationTotal,
    StatisticsMonthFact,
    StatisticsYearFact,
)
from app.statistics import fact_upkeep, facts, statistics, totals
from tests.core.statistics.test_kept_facts import RandomChanges, _rebuild, generated

__all__ = ["generated"]  # the fixture, shared with test_kept_facts

MIGRATION = (
    Path(__file__).parents[3] / "app/db/migrations/versions/20261206_0032_statistics_totals.py"
)


class MoreChanges(RandomChanges):
    """RandomChanges and what moves the application totals besides a new application: an
    answer, a decision, an application removed, a case (and its facts) deleted."""

    def _application(self) -> Application | None:
        ids = list(self.session.scalars(select(Application.id).order_by(Application.id)))
        return self.session.get_one(Application, self.rng.choice(ids)) if ids else None

    def answer_application(self) -> None:
        found = self._application()
        if found is not None:
            found.first_response_at = found.received_at + timedelta(
                hours=self.rng.choice([2, 30, 80])
            )

    def decide_application(self) -> None:
        found = self._application()
        if found is not None:
            found.decided_on = found.received_at.date() + timedelta(days=self.rng.randint(0, 40))

    def remove_application(self) -> None:
        found = self._application()
        if found is not None:
            self.session.delete(found)

    def run(self, changes: int) -> None:
        extra = [
            self.receive_application,
            self.answer_application,
            self.decide_application,
            self.remove_application,
        ]
        for step in range(changes):
            if self.rng.random() < 0.4:
                self.rng.choice(extra)()
                if step % 5 == 0:
                    self.session.flush()
            else:
                super().run(1)
            if step % 25 == 24:
                self.session.commit()


def _grouped_facts(session, unit_id, first: int, last: int, year: int) -> tuple:
    """The month and year rows as main's statistics read them, straight from the facts."""
    m = StatisticsMonthFact.__table__.c
    keys = (m.month, m.sex, m.household_type, m.with_children, m.young, m.closing_reason)
    sums = (
        m.decision, m.support, m.new, m.closed, m.long12, m.long36, m.support_months,
        m.granted, m.granted_support, m.paid,
    )  # fmt: skip
    month = select(*keys, *(func.sum(c) for c in sums)).where(m.month.between(first, last))
    y = StatisticsYearFact.__table__.c
    ykeys = (y.grp, y.sex, y.household_type, y.with_children, y.young, y.closing_reason)
    yearly = select(*ykeys, func.count(), func.sum(y.support_months)).where(y.year == year)
    if unit_id is not None:
        month, yearly = month.where(m.unit_id == unit_id), yearly.where(y.unit_id == unit_id)
    return (
        sorted((tuple(r) for r in session.execute(month.group_by(*keys))), key=repr),
        sorted((tuple(r) for r in session.execute(yearly.group_by(*ykeys))), key=repr),
    )


def _read_totals(session, unit_id, months: list[date]) -> tuple:
    computation = statistics._Computation(session, months, unit_id)
    return (
        sorted((tuple(r) for r in computation._month_facts()), key=repr),
        sorted((tuple(r) for r in computation._year_facts()), key=repr),
    )


def _years(session) -> list[int]:
    first, last = session.execute(
        select(func.min(StatisticsMonthFact.month), func.max(StatisticsMonthFact.month))
    ).one()
    return list(range(first // 12, last // 12 + 1))


def _assert_totals_read_as_the_facts(session) -> None:
    units = [None, *session.scalars(select(Case.unit_id).distinct())]
    for year in _years(session):
        months = [date(year, m, 1) for m in range(1, 13)]
        for unit_id in units:
            expected = _grouped_facts(session, unit_id, year * 12, year * 12 + 11, year)
            assert _read_totals(session, unit_id, months) == expected, (year, unit_id)


def test_the_migration_keeps_the_definitions_the_statistics_read() -> None:
    spec = importlib.util.spec_from_file_location("migration_0032", MIGRATION)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.TOTALS == totals.ALL
    assert (migration.NO_TIME, migration.NO_UNIT) == (totals.NO_TIME, totals.NO_UNIT)


def test_generated_data_has_its_totals(generated) -> None:
    session = generated
    assert facts.total_differences(session) == {}
    assert session.scalar(select(func.count()).select_from(StatisticsApplicationTotal)) > 0
    _assert_totals_read_as_the_facts(session)


@pytest.mark.parametrize("seed", [3, 4])
def test_kept_totals_equal_a_recount_after_random_changes(generated, seed) -> None:
    session = generated
    MoreChanges(session, seed).run(150)
    fact_upkeep.refresh(session)  # as the statistics do before reading, in the session
    assert facts.total_differences(session) == {}
    _assert_totals_read_as_the_facts(session)
    session.commit()
    session.expire_all()
    assert facts.total_differences(session) == {}


def test_a_cases_facts_deleted_leave_its_groups_at_zero(generated) -> None:
    """Groups whose facts are all gone stay in the totals with zero sums and are not read."""
    session = generated
    case_id = session.scalar(
        select(Case.id)
        .where(~Case.id.in_(select(Application.case_id)))
        .join(StatisticsMonthFact, StatisticsMonthFact.case_id == Case.id)
        .limit(1)
    )
    session.execute(delete(StatisticsMonthFact).where(StatisticsMonthFact.case_id == case_id))
    session.execute(delete(StatisticsYearFact).where(StatisticsYearFact.case_id == case_id))
    assert facts.total_differences(session) == {}


def test_application_times_equal_those_read_from_the_applications(generated) -> None:
    """The first response and decision figures, from the totals, equal main's grouped read
    of the applications themselves, for every unit and all units."""
    session = generated
    MoreChanges(session, 7).run(60)
    fact_upkeep.refresh(session)
    today = clock.today()
    months = [date(today.year - 1, m, 1) for m in range(1, 13)]
    months += [date(today.year, m, 1) for m in range(1, 13)]
    units = [None, *session.scalars(select(Case.unit_id).distinct())]
    for unit_id in units:
        computation = statistics._Computation(session, months, unit_id)
        responses, _target, decisions = computation._application_times()
        expected_received = [0] * len(months)
        stmt = (
            select(Application.received_month, func.count())
            .where(Application.received_month.between(computation.first, computation.last))
            .group_by(Application.received_month)
        )
        if unit_id is not None:
            stmt = stmt.where(Application.unit_id == unit_id)
        for month, count in session.execute(stmt):
            expected_received[month - computation.first] = count
        assert [t[0] for t in responses] == expected_received
        assert [t[0] for t in decisions] == expected_received
        answered = select(func.count()).where(
            Application.received_month.between(computation.first, computation.last),
            Application.response_minutes.is_not(None),
        )
        if unit_id is not None:
            answered = answered.where(Application.unit_id == unit_id)
        assert sum(t[1] for t in responses) == session.scalar(answered)
        assert sum(t[1] for t in responses) > 0 or unit_id is not None


def test_rebuild_recounts_totals_and_check_finds_them_changed(db, generated, capsys, cli_as):
    """Totals written past the triggers (the owner, or a file edited by hand) are found by
    `stats rebuild --check` and set right by `stats rebuild`."""
    session = generated
    assert _rebuild(db, cli_as, capsys, "--check") == 0
    capsys.readouterr()
    session.execute(text("UPDATE statistics_month_totals SET granted = granted + 100"))
    session.execute(text("DELETE FROM statistics_application_totals"))
    session.commit()
    assert _rebuild(db, cli_as, capsys, "--check") == 1
    out = capsys.readouterr().out
    assert "statistics_month_totals skiljer sig för" in out
    assert "statistics_application_totals skiljer sig för" in out
    assert "statistics_year_totals" not in out
    assert _rebuild(db, cli_as, capsys) == 0
    assert _rebuild(db, cli_as, capsys, "--check") == 0
