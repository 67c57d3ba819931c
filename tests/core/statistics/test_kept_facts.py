"""The statistics' kept facts (app.statistics.facts, fact_upkeep) against a full
recomputation, after seeded random sequences of changes on generated data, on SQLite and
PostgreSQL; and the refusal, the rebuild and its check from the command line."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import delete, select, update

from app.cli import main
from app.common.codes import JournalType
from app.common.periods import month_end
from app.common.text_input import search_key
from app.decisions import decisions
from app.demo import demo_data
from app.models import (
    Application,
    Case,
    CaseStatus,
    CaseStatusChange,
    Decision,
    DecisionKind,
    HouseholdMember,
    JournalEntry,
    MemberRole,
    Outcome,
    Person,
    StatisticsEventFact,
    StatisticsFactState,
    StatisticsMonthFact,
    Unit,
    User,
)
from app.offline import sync
from app.statistics import fact_upkeep, facts, statistics
from tests.core.offline.sync_helpers import offline, run_sync, take_along

REASONS = ["arbete", "studier", "flyttat", "annat", None]


class RandomChanges:
    """Changes as the services make them, through the ORM (the path every service, the CLI
    and the sync's apply on the server take)."""

    def __init__(self, session, seed: int):
        self.session = session
        self.rng = random.Random(seed)
        self.author = session.scalar(select(User.id).where(User.unit_id.is_not(None)))
        self.units = list(session.scalars(select(Unit.id)))
        self.serial = 0

    def _case(self) -> Case:
        ids = list(self.session.scalars(select(Case.id).order_by(Case.case_number)))
        return self.session.get_one(Case, self.rng.choice(ids))

    def _month(self) -> date:
        return date(self.rng.choice([2023, 2024, 2025, 2026]), self.rng.randint(1, 12), 1)

    def _signed_decisions(self, case: Case) -> list[Decision]:
        return list(
            self.session.scalars(
                select(Decision)
                .where(Decision.case_id == case.id, Decision.signed_at.is_not(None))
                .order_by(Decision.period_start, Decision.id)
            )
        )

    def sign_decision(self, replaces: Decision | None = None) -> None:
        case = self._case() if replaces is None else self.session.get_one(Case, replaces.case_id)
        start = self._month() if replaces is None else replaces.period_start
        end = month_end(start + timedelta(days=31 * self.rng.choice([0, 0, 0, 1, 2])))
        granted = self.rng.choice([0, 0, 1234, 5678.5, 9000, 12345.67])
        at = datetime.combine(start, time(12), tzinfo=UTC)
        self.session.add(
            Decision(
                case_id=case.id,
                kind=self.rng.choice(list(DecisionKind)),
                outcome=Outcome.GRANTED if granted else Outcome.REFUSED,
                period_start=start,
                period_end=end,
                granted_total=granted,
                author_id=self.author,
                decided_by=self.author,
                signed_at=at,
                decided_on=start,
                replaces_id=replaces.id if replaces else None,
            )
        )

    def replace_decision(self) -> None:
        signed = self._signed_decisions(self._case())
        if signed:
            self.sign_decision(replaces=self.rng.choice(signed))

    def record_execution(self) -> None:
        signed = [d for d in self._signed_decisions(self._case()) if d.executed_on is None]
        if signed:
            decision = self.rng.choice(signed)
            decision.executed_on = decision.period_start

    def change_status(self) -> None:
        case = self._case()
        new = CaseStatus.ACTIVE if case.status is CaseStatus.CLOSED else CaseStatus.CLOSED
        on = self._month() + timedelta(days=self.rng.randint(0, 27))
        reason = self.rng.choice(REASONS) if new is CaseStatus.CLOSED else None
        self.session.add(
            CaseStatusChange(
                case_id=case.id,
                from_status=case.status,
                to_status=new,
                reason=reason,
                changed_on=on,
                changed_at=datetime.combine(on, time(9), tzinfo=UTC),
                changed_by=self.author,
            )
        )
        case.status = new
        case.closing_reason = reason if new is CaseStatus.CLOSED else case.closing_reason

    def add_member(self) -> None:
        case = self._case()
        self.serial += 1
        born = date(self.rng.randint(1960, 2024), self.rng.randint(1, 12), self.rng.randint(1, 28))
        person = Person(
            personal_number=f"{born:%Y%m%d}{9000 + self.serial:04d}"[:12],
            first_name=f"Fiktiv{self.serial}",
            last_name="Testsson",
            first_name_key=search_key(f"Fiktiv{self.serial}"),
            last_name_key="testsson",
            birth_date=born,
            sex=self.rng.choice("KM"),
        )
        role = self.rng.choice([MemberRole.CHILD, MemberRole.CO_APPLICANT, MemberRole.CHILD])
        self.session.add(
            HouseholdMember(
                household_id=case.household_id,
                person=person,
                role=role,
                visiting_child=role is MemberRole.CHILD and self.rng.random() < 0.3,
                member_from=self._month(),
                sort_order=10 + self.serial,
            )
        )

    def _members(self) -> list[HouseholdMember]:
        case = self._case()
        return list(
            self.session.scalars(
                select(HouseholdMember)
                .where(HouseholdMember.household_id == case.household_id)
                .order_by(HouseholdMember.sort_order)
            )
        )

    def remove_member(self) -> None:
        members = self._members()
        if len(members) > 1:
            self.session.delete(self.rng.choice(members[1:]))

    def end_membership(self) -> None:
        members = self._members()
        if members:
            self.rng.choice(members).member_until = month_end(self._month())

    def change_birth_date(self) -> None:
        members = self._members()
        if members:
            person = self.session.get_one(Person, self.rng.choice(members).person_id)
            person.birth_date = date(self.rng.randint(1990, 2012), self.rng.randint(1, 12), 1)

    def change_sex(self) -> None:
        members = self._members()
        if members:
            person = self.session.get_one(Person, members[0].person_id)
            person.sex = "M" if person.sex == "K" else "K"

    def move_case(self) -> None:
        case = self._case()
        case.unit_id = self.rng.choice([u for u in self.units if u != case.unit_id])
        case.responsible_user_id = None

    def receive_application(self) -> None:
        case = self._case()
        start = self._month()
        received = datetime.combine(start, time(self.rng.randint(6, 20)), tzinfo=UTC)
        answered = self.rng.choice([None, received + timedelta(hours=self.rng.randint(1, 60))])
        self.session.add(
            Application(
                case_id=case.id,
                received_at=received,
                channel="papper",
                period_start=start,
                period_end=month_end(start),
                first_response_at=answered,
                decided_on=self.rng.choice([None, start + timedelta(days=12)]),
            )
        )

    def write_journal_entry(self) -> None:
        """A SIP, hembesök or other entry, signed or a draft."""
        day = self._month() + timedelta(days=self.rng.randint(0, 27))
        self.session.add(
            JournalEntry(
                case_id=self._case().id,
                entry_date=day,
                entry_type=self.rng.choice(["sip", "sip", "hembesok", "anteckning"]),
                title="Möte",
                author_id=self.author,
                signed_at=self.rng.choice([None, datetime.combine(day, time(15), tzinfo=UTC)]),
            )
        )

    def change_journal_entry(self) -> None:
        """A draft's date or type changed, or the draft signed (a signed entry never
        changes)."""
        ids = list(
            self.session.scalars(
                select(JournalEntry.id)
                .where(JournalEntry.signed_at.is_(None))
                .order_by(JournalEntry.id)
            )
        )
        if not ids:
            return
        entry = self.session.get_one(JournalEntry, self.rng.choice(ids))
        what = self.rng.choice(["sign", "sign", "date", "type"])
        if what == "sign":
            entry.signed_at = datetime.combine(entry.entry_date, time(16), tzinfo=UTC)
        elif what == "date":
            entry.entry_date = self._month()
        else:
            entry.entry_type = self.rng.choice(["sip", "hembesok", "anteckning"])

    ACTIONS: tuple[str, ...] = (
        "write_journal_entry",
        "write_journal_entry",
        "change_journal_entry",
        "receive_application",
        "sign_decision",
        "sign_decision",
        "replace_decision",
        "record_execution",
        "change_status",
        "add_member",
        "remove_member",
        "end_membership",
        "change_birth_date",
        "change_sex",
        "move_case",
    )
    """The changes `run` draws from (a name twice: drawn twice as often)."""

    def run(self, changes: int) -> None:
        actions = [getattr(self, name) for name in self.ACTIONS]
        for step in range(changes):
            self.rng.choice(actions)()
            if step % 7 == 0:
                self.session.flush()
            if step % 25 == 24:
                self.session.commit()


@pytest.fixture
def generated(session):
    # the demo's Karin Holm is a chef; the test staff's a handläggare of another unit
    session.execute(update(User).where(User.username == "karin.holm").values(username="k.h"))
    demo_data.generate(session, 24, seed=5)
    session.commit()
    return session


def test_generated_data_has_its_facts_built(generated):
    assert generated.scalar(select(StatisticsMonthFact.case_id).limit(1)) is not None
    assert facts.differences(generated) == []


@pytest.mark.parametrize("seed", [1, 2])
def test_kept_facts_equal_a_recomputation_after_random_changes(generated, seed):
    session = generated
    RandomChanges(session, seed).run(150)
    fact_upkeep.refresh(session)  # as the statistics do before reading, in the session
    assert facts.differences(session) == []
    session.commit()
    session.expire_all()
    assert facts.differences(session) == []


def test_statistics_of_the_session_see_its_own_changes(generated, staff):
    """A change not yet committed is counted by statistics read in the same session."""
    session = generated
    admin = staff.admin
    before = statistics.month_statistics(session, admin, date(2022, 3, 1))
    case_id = session.scalar(select(Case.id).order_by(Case.case_number))
    session.add(
        Decision(
            case_id=case_id,
            kind=DecisionKind.SUPPORT,
            outcome=Outcome.GRANTED,
            period_start=date(2022, 3, 1),
            period_end=date(2022, 3, 31),
            granted_total=1000,
            author_id=staff.caseworker.id,
            decided_by=staff.caseworker.id,
            signed_at=datetime(2022, 3, 1, 12, tzinfo=UTC),
            decided_on=date(2022, 3, 1),
        )
    )
    after = statistics.month_statistics(session, admin, date(2022, 3, 1))
    assert after.support_households.total.total == before.support_households.total.total + 1
    assert after.amount_granted == before.amount_granted + 1000


def test_statistics_refuse_until_rebuilt(db, generated, staff, capsys, cli_as):
    session = generated
    session.execute(delete(StatisticsFactState))
    session.commit()
    with pytest.raises(facts.FactsNotBuilt, match="arendestod stats rebuild"):
        statistics.year_statistics(session, staff.admin, 2026)
    session.rollback()
    assert _rebuild(db, cli_as, capsys) == 0
    assert "byggdes om: 24 ärenden" in capsys.readouterr().out
    session.expire_all()
    assert statistics.year_statistics(session, staff.admin, 2026).year == 2026


def test_rebuild_check_finds_facts_changed_past_the_program(db, generated, capsys, cli_as):
    session = generated
    assert _rebuild(db, cli_as, capsys, "--check") == 0
    capsys.readouterr()
    case_id, number = session.execute(
        select(Case.id, Case.case_number)
        .join(StatisticsMonthFact, StatisticsMonthFact.case_id == Case.id)
        .order_by(Case.case_number)
        .limit(1)
    ).one()
    session.execute(
        update(StatisticsMonthFact)
        .where(StatisticsMonthFact.case_id == case_id)
        .values(granted=StatisticsMonthFact.granted + 100)
    )
    session.commit()
    assert _rebuild(db, cli_as, capsys, "--check") == 1
    out = capsys.readouterr().out
    assert "skiljer sig för 1 ärenden" in out and number in out
    assert _rebuild(db, cli_as, capsys) == 0
    assert _rebuild(db, cli_as, capsys, "--check") == 0


def test_applications_keep_their_case_unit_when_the_case_moves(generated):
    """A unit's applications are read by the unit kept on each (migration 0031)."""
    session = generated
    changes = RandomChanges(session, 3)
    case = session.get_one(
        Case, session.scalar(select(Application.case_id).order_by(Application.received_at))
    )
    changes.receive_application()
    session.flush()
    changes.move_case()  # some case: then this one
    case.unit_id = next(u for u in changes.units if u != case.unit_id)
    session.commit()
    session.expire_all()
    assert set(
        session.scalars(select(Application.unit_id).where(Application.case_id == case.id))
    ) == {case.unit_id}
    assert None not in set(session.scalars(select(Application.unit_id)))


def test_rebuild_check_finds_an_application_kept_in_another_unit(db, generated, capsys, cli_as):
    """Past the program: on PostgreSQL the server keeps the case's unit whatever was sent;
    on SQLite the check finds the difference and the rebuild mends it."""
    session = generated
    case_id, unit_id, number = session.execute(
        select(Case.id, Case.unit_id, Case.case_number)
        .join(Application, Application.case_id == Case.id)
        .order_by(Case.case_number)
        .limit(1)
    ).one()
    other = session.scalar(select(Unit.id).where(Unit.id != unit_id).limit(1))
    session.execute(
        update(Application.__table__)
        .where(Application.__table__.c.case_id == case_id)
        .values(unit_id=other)
    )
    session.commit()
    kept = set(session.scalars(select(Application.unit_id).where(Application.case_id == case_id)))
    if not db.url.startswith("sqlite"):
        assert kept == {unit_id}
        assert _rebuild(db, cli_as, capsys, "--check") == 0
        return
    assert kept == {other}
    assert _rebuild(db, cli_as, capsys, "--check") == 1
    assert number in capsys.readouterr().out
    assert _rebuild(db, cli_as, capsys) == 0
    assert _rebuild(db, cli_as, capsys, "--check") == 0
    session.expire_all()
    kept = set(session.scalars(select(Application.unit_id).where(Application.case_id == case_id)))
    assert kept == {unit_id}


def test_rebuild_check_finds_sip_counts_changed_past_the_program(db, generated, capsys, cli_as):
    """The SIP and hembesök counts are kept per case and month (statistics_event_facts):
    a signed SIP is counted at once, a count changed by hand is found and mended."""
    session = generated
    case_id, number = session.execute(
        select(Case.id, Case.case_number).order_by(Case.case_number).limit(1)
    ).one()
    author = session.scalar(select(User.id).where(User.unit_id.is_not(None)))
    session.add(
        JournalEntry(
            case_id=case_id,
            entry_date=date(2026, 3, 4),
            entry_type="sip",
            title="SIP-möte",
            author_id=author,
            signed_at=datetime(2026, 3, 4, 15, tzinfo=UTC),
        )
    )
    session.commit()
    kept = StatisticsEventFact.__table__.c
    counted = select(kept.entries).where(kept.case_id == case_id, kept.kind == "sip")
    assert session.scalar(counted.where(kept.month == 2026 * 12 + 2)) >= 1
    session.execute(
        update(StatisticsEventFact.__table__)
        .where(kept.case_id == case_id)
        .values(entries=kept.entries + 5)
    )
    session.commit()
    assert _rebuild(db, cli_as, capsys, "--check") == 1
    assert number in capsys.readouterr().out
    assert _rebuild(db, cli_as, capsys) == 0
    assert _rebuild(db, cli_as, capsys, "--check") == 0


def test_only_an_administrator_rebuilds_a_local_database(db, generated, capsys, cli_as):
    if not db.url.startswith("sqlite"):
        pytest.skip("on the shared server the owner rebuilds (test_kept_facts_access)")
    eva = cli_as("eva.lind")
    assert main([*eva.before, "stats", "rebuild", *eva.after]) == 2
    assert "Bara en administratör" in capsys.readouterr().err


def _rebuild(db, cli_as, capsys, *options: str) -> int:
    """`stats rebuild` as an administrator (SQLite) or as the database's owner (PostgreSQL:
    the test role owns the schema)."""
    if db.url.startswith("sqlite"):
        ada = cli_as("ada.admin")
        return main([*ada.before, "stats", "rebuild", *options, *ada.after])
    return main(["--db", db.url, "stats", "rebuild", *options])


def test_a_payment_recorded_offline_is_counted_at_the_office_after_check_in(
    db, session, make_case, caseworker, laptops
):
    """The sync's apply on the server goes through the ORM: the kept facts follow it."""
    case = make_case()
    decision = Decision(
        case_id=case.id,
        kind=DecisionKind.SUPPORT,
        outcome=Outcome.GRANTED,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        granted_total=4321,
        author_id=caseworker.id,
        decided_by=caseworker.id,
        signed_at=datetime(2026, 10, 1, 12, tzinfo=UTC),
        decided_on=date(2026, 10, 1),
    )
    session.add(decision)
    session.commit()
    month = StatisticsMonthFact.month == 2026 * 12 + 9
    paid = select(StatisticsMonthFact.paid).where(StatisticsMonthFact.case_id == case.id, month)
    assert session.scalar(paid) == 0
    laptop = laptops("sara", caseworker)
    take_along(db, laptop, caseworker, [case.id])
    me = offline(laptop, caseworker)
    with laptop.sessions.begin() as local:
        decisions.record_execution(local, me, decision.id, date(2026, 10, 2))
    with db.sessions() as server, laptop.sessions() as local:
        report = sync.check_in(server, local, caseworker, [case.id])
        assert report.pushed >= 1 and report.conflicts == 0
    with db.sessions() as server:
        assert server.scalar(paid) == 432100
        assert facts.differences(server) == []


def test_a_decision_written_offline_is_counted_at_the_office_after_sync(
    db, session, make_case, caseworker, laptops
):
    """New rows of a sync are inserted many at a time (app.db.bulk), past the ORM's flush:
    the kept facts follow them too."""
    case = make_case()
    session.commit()
    laptop = laptops("sara", caseworker)
    take_along(db, laptop, caseworker, [case.id])
    with laptop.sessions.begin() as local:
        local.add(
            Decision(
                case_id=case.id,
                kind=DecisionKind.SUPPORT,
                outcome=Outcome.GRANTED,
                period_start=date(2026, 11, 1),
                period_end=date(2026, 11, 30),
                granted_total=2500,
                author_id=caseworker.id,
                decided_by=caseworker.id,
                signed_at=datetime(2026, 11, 20, 12, tzinfo=UTC),
                decided_on=date(2026, 11, 20),
            )
        )
    month = StatisticsMonthFact.month == 2026 * 12 + 10
    granted = select(StatisticsMonthFact.granted).where(
        StatisticsMonthFact.case_id == case.id, month
    )
    assert session.scalar(granted) == 0  # new in November, no decision yet
    report = run_sync(db, laptop, caseworker)
    assert report.pushed >= 1 and report.conflicts == 0
    with db.sessions() as server:
        assert server.scalar(granted) == 250000
        assert facts.differences(server) == []


def test_a_home_visit_signed_offline_is_counted_at_the_office_after_sync(
    db, session, make_case, caseworker, laptops
):
    """A journal entry made on the laptop arrives in the sync's bulk insert (app.db.bulk),
    past the ORM's flush: the kept SIP/hembesök counts follow it too."""
    case = make_case()
    session.commit()
    laptop = laptops("sara", caseworker)
    take_along(db, laptop, caseworker, [case.id])
    signed = datetime(2026, 11, 20, 12, tzinfo=UTC)
    with laptop.sessions.begin() as local:
        local.add(
            JournalEntry(
                case_id=case.id,
                entry_date=date(2026, 11, 20),
                entry_type=JournalType.HOME_VISIT,
                title="Hembesök",
                text="Besök i hemmet.",
                author_id=caseworker.id,
                signed_at=signed,
                signed_by=caseworker.id,
                signed_recorded_at=signed,
            )
        )
    entries = select(StatisticsEventFact.entries).where(
        StatisticsEventFact.case_id == case.id,
        StatisticsEventFact.month == 2026 * 12 + 10,
        StatisticsEventFact.kind == JournalType.HOME_VISIT,
    )
    report = run_sync(db, laptop, caseworker)
    assert report.pushed >= 1 and report.conflicts == 0
    with db.sessions() as server:
        assert server.scalar(entries) == 1
        assert facts.differences(server) == []
