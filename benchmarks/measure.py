"""What every benchmark shares: a measurement with its target, calls made as the UI makes
them, the raw-SQL floor of an operation, and the table the results are printed in."""

from __future__ import annotations

import argparse
import math
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from app.common.gc_tuning import tune_garbage_collector
from app.db import server_roles
from app.db.database import Database
from app.db.location import sqlite_file
from app.security.actor import Actor
from benchmarks.bench_database import open_bench_database

T = TypeVar("T")

RATIO_TARGET = 3.0
"""The app path may take at most this many times its own SQL run raw (issue 9)..."""
RATIO_JUDGED_FROM_RAW_MS = 1.0
"""... judged where the raw SQL takes at least this long. Below it the database's share is
negligible: key lookups of 0.02–0.3 ms against the fixed cost of any UI call (a session, a
transaction, its audit row, the commit) and of building each statement in SQLAlchemy
(~0.3–0.6 ms a statement); the ratio is shown, not judged."""


@dataclass
class Measurement:
    """Timings of one operation (milliseconds, or `unit`), and optionally the same
    operation's SQL replayed raw (`raw_ms`), for the ratio."""

    operation: str
    target: float | None
    values: list[float]
    note: str = ""
    raw_ms: list[float] | None = None
    """The operation's reads replayed raw (`raw_sql_times`) ..."""
    warm_ms: list[float] | None = None
    """... and the app path timed right before each replay, on the same warm cache."""
    unit: str = "ms"
    key: str = ""
    """The operation across database sizes, for the growth column (the name may carry the
    size: "unit of 47 633 households"); empty: the name."""
    growth: float | None = None
    """Median here / median of the same operation on the smallest database of the run."""
    growth_target: float | None = None
    """The largest growth allowed (the review status should be flat), or None: not judged."""

    @property
    def ident(self) -> str:
        return self.key or self.operation

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def p95(self) -> float:
        ordered = sorted(self.values)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def max(self) -> float:
        return max(self.values)

    @property
    def raw_median(self) -> float | None:
        return statistics.median(self.raw_ms) if self.raw_ms else None

    @property
    def ratio(self) -> float | None:
        raw = self.raw_median
        return statistics.median(self.warm_ms) / raw if raw and self.warm_ms else None

    @property
    def verdict(self) -> str:
        misses = []
        if self.target is not None and self.median >= self.target:
            misses.append("time")
        ratio, raw = self.ratio, self.raw_median
        if ratio is not None and ratio > RATIO_TARGET and raw >= RATIO_JUDGED_FROM_RAW_MS:
            misses.append("ratio")
        growth, allowed = self.growth, self.growth_target
        if growth is not None and allowed is not None and growth > allowed:
            misses.append("growth")
        if self.target is None and self.ratio is None and allowed is None:
            return "-"
        return "FAIL " + "+".join(misses) if misses else "pass"


def timed(calls: Sequence[Callable[[], Any]], warmup: int) -> tuple[list[float], list[Any]]:
    """Run the first `warmup` calls untimed, then time each of the rest (ms) and keep results."""
    for call in calls[:warmup]:
        call()
    times, results = [], []
    for call in calls[warmup:]:
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
        results.append(result)
    return times, results


def run_as(
    database: Database, actor: Actor, work: Callable[[Session, Actor], T], *, own_role: bool = True
) -> T:
    """One service call as the UI makes it (app.ui.context.AppContext.call). On PostgreSQL
    as in shared mode: as the user's own database role, under the server's row-level
    security (the owner that built the data would bypass it). `own_role` False: the command
    line run by IT with the URL's role (the statistics of all units)."""
    username = actor.username if own_role else None
    with database.sessions.begin() as session:
        if database.engine.dialect.name == "postgresql" and username is not None:
            role = database.engine.dialect.identifier_preparer.quote(username)
            session.execute(text(f"SET LOCAL SESSION AUTHORIZATION {role}"))
        return work(session, actor)


def ui_call(
    database: Database, actor: Actor, work: Callable[[Session, Actor], T], *, own_role: bool = True
) -> Callable[[], T]:
    """`work` as a call the UI would make: own session and transaction, then commit."""
    return lambda: run_as(database, actor, work, own_role=own_role)


def ensure_user_roles(database: Database, actors: Sequence[Actor]) -> int:
    """PostgreSQL: a role per benchmark user, named as the user and member of the app's
    group role, as `arendestod db create-login` makes them (without a login: the benchmark
    switches to them with SET SESSION AUTHORIZATION as the owner). Returns roles made."""
    if database.engine.dialect.name != "postgresql":
        return 0
    quote = database.engine.dialect.identifier_preparer.quote
    made = 0
    with database.engine.begin() as connection:
        existing = set(connection.scalars(text("SELECT rolname FROM pg_roles")))
        for actor in actors:
            if actor.username not in existing:
                connection.execute(
                    text(f"CREATE ROLE {quote(actor.username)} IN ROLE {server_roles.APP_ROLE}")
                )
                made += 1
    return made


@contextmanager
def captured_sql(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Collect every (statement, parameters) the engine executes inside the block; for an
    executemany the parameters are a list of the rows' parameters."""
    statements: list[tuple[str, Any]] = []

    def listener(_conn, _cursor, statement, parameters, _context, executemany) -> None:
        statements.append((statement, list(parameters) if executemany else parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def raw_sql_times(
    database: Database, calls: Sequence[Callable[[], Any]], warmup: int
) -> tuple[list[float], list[float]]:
    """The floor for the app path: each call is run once while its SQL is captured (which
    also brings its pages into the cache), then timed again through the app, then its SQL –
    its SELECTs, the INSERT of its audit rows, the role switch on PostgreSQL – is replayed on
    a bare driver cursor, fetched and rolled back: no ORM, no Python assembling, no commit.
    Both timings see the same warm cache, so their ratio is the app's own cost.
    Returns (app ms, raw ms)."""
    connection = database.engine.raw_connection()
    app_ms, raw_ms = [], []
    try:
        for index, call in enumerate(calls):
            with captured_sql(database.engine) as statements:
                call()
            reads = [(sql, parameters) for sql, parameters in statements if _is_replayed(sql)]
            started = time.perf_counter()
            call()
            app = (time.perf_counter() - started) * 1000
            cursor = connection.cursor()
            for sql, parameters in reads:  # the captured run's audit rows make way, untimed
                if sql.startswith("INSERT"):
                    ids = _inserted_ids(sql, parameters)
                    if not ids:
                        continue
                    mark = "?" if database.engine.dialect.paramstyle == "qmark" else "%s"
                    marks = ", ".join([mark] * len(ids))
                    cursor.execute(f"DELETE FROM audit_log WHERE id IN ({marks})", ids)
            started = time.perf_counter()
            for sql, parameters in reads:
                if isinstance(parameters, list):
                    cursor.executemany(sql, parameters)
                    continue
                cursor.execute(sql, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            raw = (time.perf_counter() - started) * 1000
            cursor.close()
            connection.rollback()
            if index >= warmup:
                app_ms.append(app)
                raw_ms.append(raw)
        return app_ms, raw_ms
    finally:
        connection.close()


def _inserted_ids(sql: str, parameters: Any) -> list:
    """The `id` values of a captured INSERT (one or many rows), in the driver's form."""
    if isinstance(parameters, list):  # an executemany: one parameter set per row
        return [i for row in parameters for i in _inserted_ids(sql, row)]
    if isinstance(parameters, dict):  # psycopg: named, id or id__0, id__1, … for many rows
        if isinstance(parameters.get("ids"), list):  # INSERT … SELECT … FROM unnest(ids, …)
            return list(parameters["ids"])
        return [v for k, v in parameters.items() if k == "id" or k.startswith("id__")]
    columns = [c.strip() for c in sql[sql.index("(") + 1 : sql.index(")")].split(",")]
    position = columns.index("id")
    return list(parameters[position :: len(columns)])


def _is_replayed(sql: str) -> bool:
    """Reads, the audit rows' inserts (rolled back after the replay) and the role switch."""
    words = sql.split(None, 2)
    first = words[0].upper() if words else ""
    if first == "INSERT":
        return len(words) > 2 and words[2].startswith("audit_log")
    return first in ("SELECT", "WITH") or (first == "SET" and words[1].upper() == "LOCAL")


RAW_SAMPLE = 50
"""Calls per operation whose SQL is also replayed raw, for the app/raw ratio."""


def measured(
    database: Database,
    name: str,
    target: float,
    calls: Sequence[Callable[[], Any]],
    warmup: int,
    note: Callable[[list[Any]], str] = lambda _results: "",
    *,
    raw_sample: int = RAW_SAMPLE,
) -> Measurement:
    """Time `calls` as the UI makes them (the first `warmup` untimed), then replay the SQL of
    the first `raw_sample` raw (`raw_sql_times`; each call warms itself); printed as it is
    done. `note` is made from the timed calls' results."""
    times, results = timed(calls, warmup)
    warm, raw = raw_sql_times(database, calls[:raw_sample], 0)
    return reported(Measurement(name, target, times, note(results), raw_ms=raw, warm_ms=warm))


# --- reporting ----------------------------------------------------------------------------

COLUMNS = ("operation", "n", "median", "p95", "max", "target", "raw SQL", "app/raw", "growth",
           "result", "notes")  # fmt: skip
_NUMERIC = {1, 2, 3, 4, 5, 6, 7, 8}


def _cells(m: Measurement) -> list[str]:
    digits = 0 if m.median >= 100 else 2
    unit = "" if m.unit == "ms" else f" {m.unit}"
    return [
        m.operation,
        str(m.n),
        f"{m.median:,.{digits}f}{unit}",
        f"{m.p95:,.{digits}f}",
        f"{m.max:,.{digits}f}",
        f"< {m.target:,.0f}{unit}" if m.target is not None else "-",
        f"{m.raw_median:,.2f}" if m.raw_median is not None else "",
        f"{m.ratio:.1f}×" if m.ratio is not None else "",
        _growth_cell(m),
        m.verdict,
        m.note,
    ]


def _growth_cell(m: Measurement) -> str:
    if m.growth is None:
        return ""
    allowed = f" (≤ {m.growth_target:.1f}×)" if m.growth_target is not None else ""
    return f"{m.growth:.1f}×{allowed}"


def set_growth(smallest: list[Measurement], largest: list[Measurement]) -> None:
    """The growth column of `largest`: each operation's median over its median in `smallest`
    (the same operation on the smallest database of the run, matched by `ident`)."""
    base = {m.ident: m.median for m in smallest}
    for m in largest:
        if base.get(m.ident):
            m.growth = m.median / base[m.ident]


def growth_table(sizes: list[int], runs: list[list[Measurement]]) -> list[list[str]]:
    """Rows of operation, its median at each size and the factor largest / smallest, for
    the operations measured at every size; the order of the largest run."""
    by_size = [{m.ident: m for m in run} for run in runs]
    header = ["operation", *(f"median at {n:,}".replace(",", " ") for n in sizes), "growth"]
    rows = [header]
    for m in runs[-1]:
        found = [each.get(m.ident) for each in by_size]
        if any(x is None for x in found):
            continue
        cells = [f"{x.median:,.{0 if x.median >= 100 else 2}f} {x.unit}" for x in found if x]
        rows.append([m.ident, *cells, _growth_cell(m)])
    return rows


def format_rows(rows: list[list[str]], *, markdown: bool) -> str:
    """A table of already formatted cells, the first row its header; numbers to the right."""
    if markdown:
        lines = ["| " + " | ".join(rows[0]) + " |", "|---|" + "--:|" * (len(rows[0]) - 1)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows[1:]])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def text_table(measurements: list[Measurement]) -> str:
    rows = [list(COLUMNS), *(_cells(m) for m in measurements)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = []
    for number, row in enumerate(rows):
        lines.append(
            "  ".join(
                cell.rjust(widths[i]) if i in _NUMERIC else cell.ljust(widths[i])
                for i, cell in enumerate(row)
            ).rstrip()
        )
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(measurements: list[Measurement]) -> str:
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|---|" + "--:|" * len(_NUMERIC) + ":-:|---|",
    ]
    lines += ["| " + " | ".join(_cells(m)) + " |" for m in measurements]
    return "\n".join(lines)


def machine_info() -> dict[str, str]:
    """What the figures were measured on."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": str(cores),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
    }


def print_results(url: str, households: int, measurements: list[Measurement]) -> int:
    """The database, the machine and the table on stdout; the exit status (1: a miss)."""
    info = machine_info()
    print(f"database: {url} ({households:,} households)")
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print()
    print(text_table(measurements))
    return 0 if all(not m.verdict.startswith("FAIL") for m in measurements) else 1


def reported(measurement: Measurement) -> Measurement:
    """Prints a measurement's median as progress (stderr) and returns it."""
    print(
        f"  {measurement.operation:<52} median {measurement.median:10.2f} {measurement.unit}",
        file=sys.stderr,
        flush=True,
    )
    return measurement


# --- a part run on its own ----------------------------------------------------------------


def warm_up(url: str) -> str:
    """Reads the whole database once, so that every part is timed on a warm OS page cache
    (as on a server that has been up), not on whatever a previous run left: SQLite's file
    read through; on PostgreSQL a VACUUM (ANALYZE) first, then its tables and indexes read
    with pg_prewarm where it can be loaded."""
    started = time.perf_counter()
    path = sqlite_file(url)
    if path is not None:
        with path.open("rb") as file:
            while file.read(16 * 2**20):
                pass
        took = time.perf_counter() - started
        return f"read {path.stat().st_size / 2**30:.1f} GiB in {took:.0f} s"
    database = open_bench_database(url, upgrade=False)
    try:
        # The runs' own clean-up (audit rows, drafts, sync changes) leaves dead rows that
        # autovacuum would clear on a server in use; left, they slow index-only scans by
        # 30–50 % in the next run. VACUUM cannot run in a transaction: autocommit.
        with database.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM (ANALYZE)")
            )
        with database.engine.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
            blocks = connection.scalar(
                text(
                    "SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')"
                )
            )
    except Exception as error:  # no pg_prewarm or no right to load it: timed as it is
        return f"not warmed ({type(error).__name__})"
    finally:
        database.dispose()
    took = time.perf_counter() - started
    return f"VACUUM (ANALYZE), pg_prewarm read {blocks * 8 / 2**20:.1f} GiB in {took:.0f} s"


def with_database(url: str, work: Callable[[Database], T]) -> T:
    """`work` on the database at `url`, opened for it and closed after."""
    database = open_bench_database(url)
    try:
        return work(database)
    finally:
        database.dispose()


def part_parser(prog: str, description: str | None, repeat: int) -> argparse.ArgumentParser:
    """The options every part takes when run on its own: the database and the repetitions."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--households", type=int, default=100_000, metavar="N")
    parser.add_argument("--db", metavar="URL", help="database URL (default: benchmarks/data/)")
    parser.add_argument("--repeat", type=int, default=repeat, help="timed runs per operation")
    return parser


def run_part(args: argparse.Namespace, work: Callable[[str], list[Measurement]]) -> int:
    """A part on its own (`python -m benchmarks.chef` …): the database built or reused and
    warmed up as for the whole run, the garbage collector tuned as the app does at start, the
    table printed; the exit status."""
    from benchmarks.chef import prepare
    from benchmarks.generate import ensure_database

    bench = ensure_database(args.households, args.db)
    with_database(bench.url, prepare)  # before the part draws its samples
    print(f"warm-up: {warm_up(bench.url)}", file=sys.stderr, flush=True)
    tune_garbage_collector()
    measurements = work(bench.url)
    return print_results(bench.url, bench.meta.get("households", args.households), measurements)
