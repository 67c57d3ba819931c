"""SIP and hembesök counted from kept totals (issue 21, migration 0035): the event facts keep
the household's sex, the year's last month and whether the household has other cases, and
the database keeps them summed per unit, type, month and those keys
(statistics_event_totals, app.statistics.kept_totals). After random sequences of the changes
that move them – journal entries, members, sex, birth dates, cases moved between units, a
second case in a household, a case moved to another household – the kept rows equal a
recomputation and the statistics equal those of the definition counted from the journal;
on SQLite and PostgreSQL. On the server nobody's own role writes the totals, and a chef
reads only her unit's."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime

import psycopg
import pytest
from sqlalchemy import select, update

from app.common.periods import month_index
from app.db.database import open_database
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import (
    Case,
    CaseStatus,
    JournalEntry,
    Role,
    StatisticsEventFact,
    StatisticsEventTotal,
    Unit,
    User,
)
from app.statistics import event_facts, fact_upkeep, facts, household_type, kept_totals
from app.statistics.statistics import as_json_dict, month_statistics, year_statistics
from tests.core.security.test_server_access_control import connect, on_postgresql
from tests.core.statistics.test_kept_facts import RandomChanges, generated  # noqa: F401

DENIED = psycopg.errors.InsufficientPrivilege
KINDS = ("sip", "hembesok")


class HouseholdChanges(RandomChanges):
    """The kept changes, and those that make or end a household's other cases."""

    def open_second_case(self) -> None:
        """A second case of an existing household (the program makes one household per
        case; a sync or a hand may make more)."""
        household = self._case().household_id
        self.serial += 1
        self.session.add(
            Case(
                case_number=f"EB-2031-{self.serial:06d}",
                unit_id=self.rng.choice(self.units),
                household_id=household,
                status=CaseStatus.ACTIVE,
                opened_on=date(2024, 1, 1),
            )
        )

    def move_to_household(self) -> None:
        case, other = self._case(), self._case()
        case.household_id = other.household_id

    ACTIONS: tuple[str, ...] = (
        "write_journal_entry",
        "write_journal_entry",
        "write_journal_entry",
        "change_journal_entry",
        "sign_decision",
        "add_member",
        "remove_member",
        "end_membership",
        "change_birth_date",
        "change_sex",
        "change_sex",
        "move_case",
        "open_second_case",
        "move_to_household",
    )


def _by_definition(session, year: int, unit_id) -> dict:
    """The year's SIP/hembesök counted straight from the journal and the memberships, by
    the module docstring's definitions: per month the entries and the households by their
    sex that month; the year each household once, with its sex in its last month."""
    rows = session.execute(
        select(JournalEntry.entry_type, JournalEntry.entry_date, Case.household_id, Case.unit_id)
        .join(Case, Case.id == JournalEntry.case_id)
        .where(JournalEntry.entry_type.in_(KINDS), JournalEntry.signed_at.is_not(None))
        .where(JournalEntry.entry_date >= date(year, 1, 1))
        .where(JournalEntry.entry_date <= date(year, 12, 31))
    ).all()
    rows = [r for r in rows if unit_id is None or r.unit_id == unit_id]
    members = household_type.memberships_of(session, list({r.household_id for r in rows}))
    events: Counter = Counter()
    months: dict[tuple, set[int]] = defaultdict(set)  # (kind, household) -> months
    for kind, day, household_id, _unit in rows:
        events[(str(kind), day.month)] += 1
        months[(str(kind), household_id)].add(day.month)
    found: dict = {}
    for kind in KINDS:
        monthly = []
        for m in range(1, 13):
            sexes: Counter = Counter(
                household_type.sex_in_month(members.get(h, []), date(year, m, 1))
                for (k, h), seen in months.items()
                if k == kind and m in seen
            )
            monthly.append((events[(kind, m)], sexes["K"], sexes["M"]))
        yearly: Counter = Counter(
            household_type.sex_in_month(members.get(h, []), date(year, max(seen), 1))
            for (k, h), seen in months.items()
            if k == kind
        )
        found[kind] = (monthly, (sum(e for e, _k, _m in monthly), yearly["K"], yearly["M"]))
    return found


def _as_read(stats) -> dict:
    def counts(c) -> tuple:
        return (c.events, c.households.women, c.households.men)

    return {
        "sip": ([counts(m.sip) for m in stats.months], counts(stats.sip)),
        "hembesok": ([counts(m.home_visits) for m in stats.months], counts(stats.home_visits)),
    }


def _figures(session, admin) -> list:
    units = [None, *session.scalars(select(Unit.id).order_by(Unit.id))]
    found = []
    for unit_id in units:
        for year in (2025, 2026):
            found.append(as_json_dict(year_statistics(session, admin, year, unit_id=unit_id)))
        march = month_statistics(session, admin, date(2026, 3, 1), unit_id=unit_id)
        found.append(as_json_dict(march))
    return found


@pytest.mark.parametrize("seed", [3, 4])
def test_kept_sip_totals_equal_a_recomputation_after_random_changes(generated, staff, seed):  # noqa: F811
    session = generated
    HouseholdChanges(session, seed).run(160)
    fact_upkeep.refresh(session)
    assert event_facts.differing_cases(session) == set()
    assert kept_totals.differences(session, event_facts.TOTALS) == []
    session.commit()
    shared = session.scalar(
        select(StatisticsEventFact.case_id).where(StatisticsEventFact.shared == 1)
    )
    assert shared is not None, "the changes made no shared household: nothing was compared"
    for unit_id in [None, *session.scalars(select(Unit.id))]:
        for year in (2025, 2026):
            read = year_statistics(session, staff.admin, year, unit_id=unit_id)
            assert _as_read(read) == _by_definition(session, year, unit_id), (unit_id, year)
    kept = _figures(session, staff.admin)
    facts.rebuild(session)
    assert _figures(session, staff.admin) == kept
    assert facts.differences(session) == []


def test_a_month_reads_the_same_households_as_the_year(generated, staff):  # noqa: F811
    session = generated
    HouseholdChanges(session, 5).run(80)
    session.commit()
    year = year_statistics(session, staff.admin, 2026)
    for i in range(12):
        month = month_statistics(session, staff.admin, date(2026, i + 1, 1))
        assert month.sip == year.months[i].sip
        assert month.home_visits == year.months[i].home_visits


def test_a_totals_group_changed_by_hand_is_found_by_the_check(generated):  # noqa: F811
    session = generated
    entry = session.scalars(select(JournalEntry).where(JournalEntry.entry_type == "sip")).first()
    if entry is None or entry.signed_at is None:
        session.add(
            JournalEntry(
                case_id=session.scalar(select(Case.id).limit(1)),
                entry_date=date(2026, 2, 3),
                entry_type="sip",
                title="SIP-möte",
                author_id=RandomChanges(session, 1).author,
                signed_at=datetime(2026, 2, 3, 15, tzinfo=UTC),
            )
        )
        session.commit()
    totals = StatisticsEventTotal.__table__
    fact = session.execute(select(StatisticsEventFact).limit(1)).scalar_one()
    session.execute(
        totals.update()
        .where(totals.c.unit_id == fact.unit_id, totals.c.month == fact.month)
        .where(totals.c.kind == fact.kind, totals.c.sex == fact.sex)
        .where(totals.c.last_in_year == fact.last_in_year, totals.c.shared == fact.shared)
        .values(entries=totals.c.entries + 5)
    )
    assert fact.case_id in facts.differences(session)
    facts.rebuild(session)
    assert facts.differences(session) == []


# --- on the shared server ----------------------------------------------------------------------
def _sip(session, case_id, day: date) -> None:
    author = session.scalar(select(Case.responsible_user_id).where(Case.id == case_id))
    session.add(
        JournalEntry(
            case_id=case_id,
            entry_date=day,
            entry_type="sip",
            title="SIP-möte",
            author_id=author,
            signed_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
        )
    )


def _units(conn: psycopg.Connection) -> set:
    return {row[0] for row in conn.execute("SELECT DISTINCT unit_id FROM statistics_event_totals")}


@on_postgresql
def test_nobody_writes_the_totals_and_a_chef_reads_only_her_unit(session, cases, login_roles):
    _sip(session, cases.own, date(2026, 11, 3))
    _sip(session, cases.other_unit, date(2026, 11, 4))
    # Karin: the other unit's chef
    session.execute(
        update(User).where(User.username.endswith("karin.holm")).values(role=Role.MANAGER)
    )
    session.commit()
    own_unit = session.scalar(select(Case.unit_id).where(Case.id == cases.own))
    other_unit = session.scalar(select(Case.unit_id).where(Case.id == cases.other_unit))
    writes = (
        "UPDATE statistics_event_totals SET entries = entries + 1",
        "DELETE FROM statistics_event_totals",
        "INSERT INTO statistics_event_totals (unit_id, kind, month, sex, last_in_year, shared, "
        f"entries, fact_rows) VALUES ('{own_unit}', 'sip', 1, 'K', 1, 0, 9, 9)",
    )
    for user in ("sara.nilsson", "eva.lind", "karin.holm", "ada.admin"):
        for statement in writes:
            with connect(login_roles, user) as conn, pytest.raises(DENIED):
                conn.execute(statement)
    with connect(login_roles, "sara.nilsson") as conn:  # a handläggare reads no statistics
        assert _units(conn) == set()
    with connect(login_roles, "eva.lind") as conn:
        assert _units(conn) == {own_unit}
    with connect(login_roles, "karin.holm") as conn:
        assert _units(conn) == {other_unit}
    with connect(login_roles, "ada.admin") as conn:
        assert _units(conn) == {own_unit, other_unit}


@on_postgresql
def test_a_sip_signed_under_the_servers_rules_moves_the_totals(cases, login_roles, staff):
    """Sara's own role writes the facts of her case; the owner's trigger moves the totals,
    which chef Eva's statistics read."""
    query = "SELECT sum(entries) FROM statistics_event_totals WHERE kind = 'sip' AND month = %s"
    with connect(login_roles, "eva.lind") as conn:
        before = conn.execute(query, (month_index(date(2026, 11, 1)),)).fetchone()[0] or 0
    database = open_database(login_roles["sara.nilsson"])
    try:
        with database.sessions.begin() as s:
            draft = JournalDraft(date(2026, 11, 23), "sip", "SIP-möte", "Möte.")
            entry = journal.create_entry(s, staff.caseworker, cases.own, draft)
            journal.sign_entry(s, staff.caseworker, entry.id)
    finally:
        database.dispose()
    with connect(login_roles, "eva.lind") as conn:
        after = conn.execute(query, (month_index(date(2026, 11, 1)),)).fetchone()[0]
    assert after == before + 1
    eva = open_database(login_roles["eva.lind"])
    try:
        with eva.sessions.begin() as s:
            november = month_statistics(s, staff.manager, date(2026, 11, 1))
    finally:
        eva.dispose()
    assert november.sip.events == after
    assert november.sip.households.total >= 1
