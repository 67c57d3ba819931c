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

import argparse
import statistics as stats
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select, update

from app.db.database import Database, open_database
from app.gc_tuning import tune_garbage_collector
from app.models import AuditEntry, Case, CaseStatus, Role, Unit, User
from app.services import caseload_review, clock
from app.services import statistics as statistics_service
from app.services.accounts import hash_password
from app.services.actor import Actor
from benchmarks.__main__ import print_results
from benchmarks.generate import ensure_database
from benchmarks.search import timed, ui_call

CASELOAD_TARGET_MS = 500.0
YEAR_STATISTICS_TARGET_MS = 2000.0
BENCH_UNIT = "Enhet 2000"
BENCH_UNIT_CASES = 2000
BENCH_CHEF = "chef.enhet2000"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chef", description=__doc__)
    parser.add_argument("--households", type=int, default=100_000, metavar="N")
    parser.add_argument("--db", metavar="URL", help="database URL (default: benchmarks/data/)")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per operation")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first")
    parser.add_argument("--year", type=int, default=None, help="statistics year (default: now)")
    return parser


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
        for user_id, open_cases in open_per_caseworker:
            if moved + open_cases > BENCH_UNIT_CASES:
                continue
            session.execute(update(User).where(User.id == user_id).values(unit_id=unit.id))
            session.execute(
                update(Case).where(Case.responsible_user_id == user_id).values(unit_id=unit.id)
            )
            moved += open_cases
            if moved == BENCH_UNIT_CASES:
                break
        # Top up with single cases of the last handläggare kept in the source unit.
        if moved < BENCH_UNIT_CASES:
            extra = session.scalars(
                select(Case.id)
                .where(Case.unit_id == source.id, Case.status != CaseStatus.CLOSED)
                .limit(BENCH_UNIT_CASES - moved)
            ).all()
            session.execute(update(Case).where(Case.id.in_(extra)).values(unit_id=unit.id))
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


def _timed(call: Callable[[], Any], repeat: int, warmup: int) -> tuple[list[float], Any]:
    """Times of `repeat` calls after `warmup` untimed ones, and the last result."""
    times, results = timed([call] * (warmup + repeat), warmup)
    return times, results[-1]


def _line(name: str, times: list[float], target: float, note: str) -> str:
    median = stats.median(times)
    verdict = "pass" if median < target else "FAIL"
    return (
        f"| {name} | {len(times)} | {median:,.0f} | {max(times):,.0f} | < {target:,.0f} "
        f"| {verdict} | {note} |"
    )


def run(database: Database, repeat: int, warmup: int, year: int) -> tuple[list[str], bool]:
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
    lines = [
        "| operation | n | median ms | max ms | target ms | verdict | note |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    ok = True
    try:
        times, rows = _timed(
            ui_call(database, chef, lambda s, a: caseload_review.caseload(s, a)),
            repeat,
            warmup,
        )
        ok &= stats.median(times) < CASELOAD_TARGET_MS
        flagged = sum(1 for r in rows if r.overdue or r.lacks_plan or r.lacks_bka)
        lines.append(
            _line(
                f"caseload, unit of {len(rows):,} open cases",
                times,
                CASELOAD_TARGET_MS,
                f"{flagged:,} flagged",
            )
        )
        times, rows = _timed(
            ui_call(
                database,
                chef,
                lambda s, a: caseload_review.caseload(s, a, caseworker_id=busiest[0]),
            ),
            repeat,
            warmup,
        )
        lines.append(
            _line(f"caseload, one handläggare ({len(rows)} cases)", times, CASELOAD_TARGET_MS, "")
        )
        times, _ = _timed(
            ui_call(database, chef, lambda s, a: caseload_review.review_status(s, a)),
            repeat,
            warmup,
        )
        lines.append(_line("review status per handläggare", times, CASELOAD_TARGET_MS, ""))
        for label, actor, unit_id in (
            (f"year statistics {year}, unit of 2 000 cases", chef, None),
            (
                f"year statistics {year}, unit {big_unit.name} ({big_households:,} households)",
                big_actor,
                None,
            ),
            (
                f"year statistics {year}, all units ({all_households:,} households, command line)",
                statistics_service.COMMAND_LINE,
                None,
            ),
        ):
            times, result = _timed(
                ui_call(
                    database,
                    actor,
                    lambda s, a, unit_id=unit_id: statistics_service.year_statistics(
                        s, a, year, unit_id=unit_id
                    ),
                ),
                max(1, repeat // 2),
                1,
            )
            ok &= stats.median(times) < YEAR_STATISTICS_TARGET_MS
            lines.append(
                _line(
                    label,
                    times,
                    YEAR_STATISTICS_TARGET_MS,
                    f"{result.support_households.total.total:,} bidragshushåll, "
                    f"{result.decision_households.total.total:,} beslutshushåll",
                )
            )
        times, result = _timed(
            ui_call(
                database,
                big_actor,
                lambda s, a: statistics_service.month_statistics(s, a, date(year, 10, 1)),
            ),
            repeat,
            warmup,
        )
        lines.append(
            _line(
                f"month statistics {year}-10, unit {big_unit.name}",
                times,
                YEAR_STATISTICS_TARGET_MS,
                f"{result.support_households.total.total:,} bidragshushåll",
            )
        )
    finally:
        with database.sessions.begin() as session:
            if audit_before is not None:
                session.execute(AuditEntry.__table__.delete().where(AuditEntry.at > audit_before))
    return lines, ok


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    bench = ensure_database(args.households, args.db)
    database = open_database(bench.url)
    tune_garbage_collector()  # as the app does at start (app.cli)
    year = args.year or clock.today().year
    try:
        lines, ok = run(database, args.repeat, args.warmup, year)
    finally:
        database.dispose()
    return print_results(bench.url, args.households, lines, ok)


if __name__ == "__main__":
    sys.exit(main())
