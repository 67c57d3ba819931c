"""Chef views on the benchmark database: the ärendegenomgång caseload and a year of statistics.

Targets (issue 5): the unit caseload view with indicators for 2 000 cases < 500 ms; one year
of statistics < 2 s. Both are timed as the UI calls them (`AppContext.call`: own session and
transaction, the service call with its audit row, the commit).

The generated municipality has two large units (about 50 000 households each). A unit of the
size the target names is made by moving handläggare, with their open cases, from the first
unit to a benchmark unit "Enhet 2000" until it holds 2 000 open cases, and giving it a chef;
this is done once and kept (the data is fictional and the other benchmarks sample any unit).

    uv run python -m benchmarks.chef                  # 100 000 households
    uv run python -m benchmarks.chef --households 10000 --repeat 5
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select, update

from app.cases import caseload_review
from app.common import clock
from app.db.database import Database
from app.models import AuditEntry, Case, CaseStatus, Role, Unit, User
from app.security.accounts import hash_password
from app.security.actor import Actor
from app.statistics import statistics as statistics_service
from benchmarks.measure import (
    Measurement,
    ensure_user_roles,
    measured,
    part_parser,
    run_part,
    ui_call,
    with_database,
)

BENCH_UNIT = "Enhet 2000"
BENCH_UNIT_CASES = 2000
BENCH_CHEF = "chef.enhet2000"


def ensure_bench_unit(database: Database) -> Actor:
    """The chef of a unit with BENCH_UNIT_CASES open cases, made from the first unit."""
    with database.sessions.begin() as session:
        chef = session.scalar(select(User).where(User.username == BENCH_CHEF))
        if chef is not None:
            return Actor.of(chef)
        source = session.scalars(select(Unit).order_by(Unit.name)).first()
        assert source is not None, "the database has no units"
        unit = Unit(name=BENCH_UNIT, municipality=source.municipality, board_name=source.board_name)
        session.add(unit)
        session.flush()
        open_per_caseworker = session.execute(
            select(Case.responsible_user_id, func.count())
            .join(User, User.id == Case.responsible_user_id)
            .where(Case.unit_id == source.id, Case.status != CaseStatus.CLOSED)
            .where(User.role == Role.CASEWORKER)
            .group_by(Case.responsible_user_id)
            .order_by(Case.responsible_user_id)
        ).all()
        moved = 0
        moved_caseworkers = []
        for user_id, open_cases in open_per_caseworker:
            if moved + open_cases > BENCH_UNIT_CASES:
                continue
            moved_caseworkers.append(user_id)
            session.execute(update(User).where(User.id == user_id).values(unit_id=unit.id))
            session.execute(
                update(Case).where(Case.responsible_user_id == user_id).values(unit_id=unit.id)
            )
            moved += open_cases
            if moved == BENCH_UNIT_CASES:
                break
        # Top up with single cases of the source unit, handed over to a handläggare who moved
        # (a case's handläggare works in its unit: otherwise she could not open her own case,
        # and the search benchmark, drawing cases with their handläggare, was refused one)
        if moved < BENCH_UNIT_CASES:
            extra = session.scalars(
                select(Case.id)
                .where(Case.unit_id == source.id, Case.status != CaseStatus.CLOSED)
                .limit(BENCH_UNIT_CASES - moved)
            ).all()
            handed_to = {"responsible_user_id": moved_caseworkers[-1]} if moved_caseworkers else {}
            session.execute(
                update(Case).where(Case.id.in_(extra)).values(unit_id=unit.id, **handed_to)
            )
        chef = User(
            username=BENCH_CHEF,
            full_name="Chef Enhet 2000",
            role=Role.MANAGER,
            unit=unit,
            password_hash=hash_password("bench-only"),
        )
        session.add(chef)
        session.flush()
        return Actor.of(chef)


def _measure(
    database: Database,
    name: str,
    target: float,
    call: Callable[[], Any],
    repeat: int,
    warmup: int,
    note: Callable[[Any], str] = lambda _result: "",
    raw_repeat: int = 10,
) -> Measurement:
    """`call` timed `repeat` times after `warmup`; its SQL replayed raw as often (at most
    `raw_repeat`: a year's statistics replays seconds of SQL)."""
    return measured(
        database,
        name,
        target,
        [call] * (repeat + warmup),
        warmup,
        lambda results: note(results[-1]),
        raw_sample=min(repeat, raw_repeat),
    )


CASELOAD_TARGET_MS = 500.0
STATISTICS_TARGET_MS = 2000.0


def run(database: Database, repeat: int, warmup: int, year: int) -> list[Measurement]:
    chef = ensure_bench_unit(database)
    with database.sessions() as session:
        audit_before = session.scalar(select(func.max(AuditEntry.at)))
        big_unit = session.scalars(
            select(Unit).where(Unit.name != BENCH_UNIT).order_by(Unit.name)
        ).first()
        big_chef = session.scalar(
            select(User).where(User.unit_id == big_unit.id, User.role == Role.MANAGER)
        )
        big_actor = Actor.of(big_chef)
        big_households = session.scalar(
            select(func.count(func.distinct(Case.household_id))).where(Case.unit_id == big_unit.id)
        )
        all_households = session.scalar(select(func.count(func.distinct(Case.household_id))))
        busiest = session.execute(
            select(Case.responsible_user_id, func.count())
            .where(Case.unit_id == chef.unit_id, Case.status != CaseStatus.CLOSED)
            .group_by(Case.responsible_user_id)
            .order_by(func.count().desc())
        ).first()
    ensure_user_roles(database, [chef, big_actor])

    def flagged(rows) -> str:
        count = sum(1 for r in rows if r.overdue or r.lacks_plan or r.lacks_bka)
        return f"{len(rows):,} open cases, {count:,} flagged"

    def households(result) -> str:
        return (
            f"{result.support_households.total.total:,} bidragshushåll, "
            f"{result.decision_households.total.total:,} beslutshushåll"
        )

    def a_year(session, actor):
        return statistics_service.year_statistics(session, actor, year)

    def october(session, actor):
        return statistics_service.month_statistics(session, actor, date(year, 10, 1))

    def caseload_of(caseworker_id=None):
        return lambda s, a: caseload_review.caseload(s, a, caseworker_id=caseworker_id)

    views = [  # (operation, actor, call, note)
        (f"caseload, unit of {BENCH_UNIT_CASES:,} open cases", chef, caseload_of(), flagged),
        ("caseload, one handläggare", chef, caseload_of(busiest[0]), flagged),
        ("review status per handläggare", chef, caseload_review.review_status, lambda _r: ""),
    ]
    statistics = [  # a few runs each: seconds apiece for the big ones
        (f"year statistics {year}, unit of {BENCH_UNIT_CASES:,} cases", chef, a_year),
        (f"year statistics {year}, unit of {big_households:,} households", big_actor, a_year),
        (
            f"year statistics {year}, all {all_households:,} households (command line)",
            statistics_service.COMMAND_LINE,
            a_year,
        ),
        (f"month statistics {year}-10, unit of {big_households:,} households", big_actor, october),
    ]
    few = max(1, repeat // 3)
    try:
        return [
            *(
                _measure(
                    database,
                    name,
                    CASELOAD_TARGET_MS,
                    ui_call(database, actor, work),
                    repeat,
                    warmup,
                    note,
                )
                for name, actor, work, note in views
            ),
            *(
                _measure(
                    database,
                    name,
                    STATISTICS_TARGET_MS,
                    ui_call(database, actor, work),
                    few,
                    1,
                    households,
                    raw_repeat=1,
                )
                for name, actor, work in statistics
            ),
        ]
    finally:
        with database.sessions.begin() as session:
            if audit_before is not None:
                session.execute(AuditEntry.__table__.delete().where(AuditEntry.at > audit_before))


def main(argv: list[str] | None = None) -> int:
    parser = part_parser("python -m benchmarks.chef", __doc__, repeat=10)
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first")
    parser.add_argument("--year", type=int, default=None, help="statistics year (default: now)")
    args = parser.parse_args(argv)
    year = args.year or clock.today().year
    return run_part(
        args, lambda url: with_database(url, lambda db: run(db, args.repeat, args.warmup, year))
    )


if __name__ == "__main__":
    sys.exit(main())
