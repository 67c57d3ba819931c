"""Memory: the app's peak resident set size with the big database open (target < 400 MB).

A fresh process does what a working day does in one window: the busiest handläggare's
Mina ärenden, a common-prefix search ("an", the most hits), ten of her cases opened in tabs;
then the chef of the 2 000-case unit opens the ärendegenomgång and the year's statistics
with charts. The peak (VmHWM) is read from /proc (Linux).

    uv run python -m benchmarks.memory            # run as its own process by the benchmark
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

TARGET_MB = 400.0


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _working_day(url: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication
    from sqlalchemy import func, select

    from app.models import Case, CaseStatus, Role, User
    from app.security.actor import Actor
    from app.ui.application import make_application
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from benchmarks.bench_database import open_bench_database
    from benchmarks.chef import BENCH_CHEF

    app = make_application([sys.argv[0]])
    database = open_bench_database(url)
    with database.sessions() as session:
        busiest = session.execute(
            select(Case.responsible_user_id, func.count())
            .where(Case.status != CaseStatus.CLOSED, Case.responsible_user_id.is_not(None))
            .group_by(Case.responsible_user_id)
            .order_by(func.count().desc())
        ).first()
        caseworker = Actor.of(session.get(User, busiest[0]))
        chef_user = session.scalar(select(User).where(User.username == BENCH_CHEF))
        if chef_user is None:
            chef_user = session.scalars(select(User).where(User.role == Role.MANAGER)).first()
        chef = Actor.of(chef_user)
    window = MainWindow(AppContext(database, actor=caseworker))
    window.show()
    app.processEvents()
    window.search_field.setText("an")
    window.run_search()
    for row in window.my_cases_model.rows[:10]:
        window.open_case(row.case_id)
        app.processEvents()
    chef_window = MainWindow(AppContext(database, actor=chef))
    chef_window.show()
    review = chef_window.show_caseload_review()
    statistics = chef_window.show_statistics()
    statistics.show_statistics()
    deadline = 120_000
    # `building`: every section's page of the figures made, not only the one shown first
    while (
        review.loading or statistics.busy or statistics.building or statistics.stats is None
    ) and deadline > 0:
        QCoreApplication.processEvents()
        app.thread().msleep(20)
        deadline -= 20
    app.processEvents()
    print(f"rss_mb {_status_mb('VmRSS'):.1f} peak_mb {_status_mb('VmHWM'):.1f}", flush=True)
    for each in (window, chef_window):
        each.close()
    database.dispose()


def measure(url: str) -> float:
    """The peak resident set size in MB of the working day in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", "--db", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("rss_mb"))
    return float(line.split()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("--db", metavar="URL", required=True)
    _working_day(parser.parse_args(argv).db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
