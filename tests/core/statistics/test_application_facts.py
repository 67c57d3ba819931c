"""The values kept on each application for the statistics (app/deadlines/application_facts.py,
migration 0029): set when the application is received, answered and decided through the
program; on PostgreSQL computed by the server from the row, so that a handläggare writing
over psql cannot store a false response time, and the server's computation is the program's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, text

from app.common.clock import STOCKHOLM
from app.common.codes import JournalType
from app.deadlines import working_days
from app.deadlines.application_facts import FACT_COLUMNS, facts
from app.deadlines.deadlines import add_weekday_hours
from app.decisions import decisions
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import Application, DecisionKind, MemberRole
from app.printing.decision_letter import render_decision_letter
from tests.core.decisions.test_decision_from_application import draft
from tests.core.security.test_server_access_control import connect, on_postgresql
from tests.core.statistics.test_statistics import Builder, local

NOV = date(2026, 11, 1)


def kept(session, application_id) -> dict:
    """The kept values as the database holds them (not the session's objects)."""
    session.flush()
    session.expire_all()
    columns = [getattr(Application, name) for name in FACT_COLUMNS]
    row = session.execute(select(*columns).where(Application.id == application_id)).one()
    return dict(zip(FACT_COLUMNS, row, strict=True))


def test_kept_when_received_answered_and_decided(
    session, admin, caseworker, make_case, fixed_clock
) -> None:
    """Received Friday 20 November at 15:30, answered Monday at 10:00 (the fixed clock):
    in time, the deadline being Monday 15:30; decided the same Monday, 3 days after."""
    received = local(2026, 11, 20, 15, 30)
    case = make_case(period_start=NOV, received_at=received)
    [application] = case.applications
    assert kept(session, application.id) == {
        "received_on": date(2026, 11, 20),
        "received_month": 2026 * 12 + 10,
        "response_due_at": local(2026, 11, 23, 15, 30),
        "response_minutes": None,
        "responded_in_time": None,
        "decision_days": None,
    }
    entry = journal.create_entry(
        session,
        caseworker,
        case.id,
        JournalDraft(date(2026, 11, 23), JournalType.FIRST_RESPONSE, "Återkoppling", "Ringt."),
    )
    journal.sign_entry(session, caseworker, entry.id)
    answered = kept(session, application.id)
    assert answered["response_minutes"] == (fixed_clock - received) // timedelta(minutes=1)
    assert answered["responded_in_time"] is True
    for kind in DecisionKind:
        decisions.set_delegation(session, admin, caseworker.id, kind, None)
    decision = decisions.save_draft(session, caseworker, case.id, draft(DecisionKind.SUPPORT, NOV))
    decisions.sign_decision(session, caseworker, decision.id, render_decision_letter)
    assert kept(session, application.id)["decision_days"] == 3


def _tricky_receipts() -> list[tuple[datetime, datetime | None, date | None]]:
    """Receipts around midnight, Friday 00:00, weekends, holidays and the changes to and
    from summer time, answered before, at and after the deadline or not at all."""
    found: list[tuple[datetime, datetime | None, date | None]] = []
    days = [
        date(2026, 3, 27),  # the Friday before summer time
        date(2026, 3, 28),
        date(2026, 4, 2),  # skärtorsdagen, before långfredagen
        date(2026, 5, 13),  # before Kristi himmelsfärd
        date(2026, 6, 18),  # before midsommarafton
        date(2026, 10, 23),  # the Friday before winter time
        date(2026, 10, 25),  # the Sunday it changes
        date(2026, 12, 23),
        date(2026, 12, 30),
    ]
    for day in days:
        for hour, minute, micro in ((0, 0, 0), (1, 30, 0), (9, 15, 500_000), (23, 59, 0)):
            received = datetime(day.year, day.month, day.day, hour, minute, 0, micro)
            received = received.replace(tzinfo=STOCKHOLM).astimezone(UTC)
            due = add_weekday_hours(received, 24)
            for answered in (None, due - timedelta(minutes=1), due, due + timedelta(seconds=1)):
                decided = None if answered is None else day + timedelta(days=len(found) % 30)
                found.append((received, answered, decided))
    return found


def test_the_database_keeps_what_the_program_computes(session, staff) -> None:
    """On SQLite the program's values; on PostgreSQL the server's trigger's (whatever the
    program sent): the same."""
    b = Builder(session, staff)
    b.household(1, [("Test", "K", date(1980, 1, 1), MemberRole.APPLICANT, None, False)])
    receipts = _tricky_receipts()
    for received, answered, decided in receipts:
        b.application(1, received, answered, decided)
    session.flush()
    session.expire_all()
    columns = [getattr(Application, name) for name in FACT_COLUMNS]
    rows = session.execute(
        select(Application.received_at, Application.first_response_at, Application.decided_on)
        .add_columns(*columns)
        .where(Application.case_id == b.data.cases[1].id)
    ).all()
    assert len(rows) == len(receipts)
    for received, answered, decided, *values in rows:
        assert dict(zip(FACT_COLUMNS, values, strict=True)) == facts(received, answered, decided)


def test_the_deadline_kept_is_add_weekday_hours() -> None:
    """Every 53 minutes through 2026 and 2027 (holidays, summer time, weekends)."""
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    while moment.year < 2028:
        assert facts(moment, None, None)["response_due_at"] == add_weekday_hours(moment, 24)
        moment += timedelta(minutes=53)


@on_postgresql
def test_the_servers_working_days_are_the_programs(session) -> None:
    """arendestod_is_working_day against app.deadlines.working_days, day by day."""
    first, last = date(2005, 1, 1), date(2100, 12, 31)
    on_server = set(
        session.scalars(
            text(
                "SELECT d::date FROM generate_series(CAST(:a AS date), CAST(:b AS date), "
                "interval '1 day') AS d WHERE NOT arendestod_is_working_day(d::date)"
            ),
            {"a": first, "b": last},
        )
    )
    in_program = {
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if not working_days.is_working_day(first + timedelta(days=n))
    }
    assert on_server == in_program


@on_postgresql
def test_a_caseworker_cannot_store_a_false_response_time_over_psql(
    session, cases, login_roles
) -> None:
    """Sara answers late and writes over psql that it was in time within a minute: the
    server keeps what the row says."""
    [application_id] = session.scalars(
        select(Application.id).where(Application.case_id == cases.own)
    )
    late = local(2026, 11, 30, 12)
    with connect(login_roles, "sara.nilsson") as sara:
        sara.execute(
            "UPDATE applications SET first_response_at = %s, response_minutes = 1, "
            "responded_in_time = true, received_month = 0, decision_days = 0, "
            "response_due_at = %s WHERE id = %s",
            (late, late, application_id),
        )
        sara.execute(
            "UPDATE applications SET responded_in_time = true, response_minutes = 1 WHERE id = %s",
            (application_id,),
        )
    session.rollback()
    row = kept(session, application_id)
    received = session.scalar(
        select(Application.received_at).where(Application.id == application_id)
    )
    assert row == facts(received, late, None)
    assert row["responded_in_time"] is False
    assert row["response_minutes"] > 60
