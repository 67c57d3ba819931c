"""Issue 24: 5 000 e-ansökningar taken in "in one morning", on SQLite and on PostgreSQL.

Two ways in, each on a new database of its own (migrated to head, one unit, one handläggare):

- **files** (`arendestod intake FIL…`'s path): 5 000 application files, each with the two
  attachments of docs/examples beside it, read, checked (schema, personnummer, attachments'
  size and SHA-256) and stored in one transaction per application, as the command does;
- **server** (`arendestod intake --from-server`): 5 000 deliveries (the JSON and its two
  attachments under one key) dropped in intake_submissions, then collected: taken in and
  deleted in one transaction each.

Reported: time per application (median, p95) and the total. The applications are
docs/examples/ansokan-barnfamilj.json with a new ansokan_id and a new sökande each
(fictional personnummer with a valid check digit, born 1940–1999, as the demo data makes
them). On PostgreSQL the handläggare works through her own login role (row-level security
on, as in the office); the database is made and dropped by the benchmark.

    uv run python -m benchmarks.intake [--count 5000] [--pg postgresql://admin@host/postgres]

Figures: benchmarks/README.md, "Issue 24".

Without --pg, $ARENDESTOD_TEST_PG_URL is used when set (the test cluster), else only SQLite.
The SQLite file is plain (`$ARENDESTOD_BENCH_KEY`: encrypted, as benchmarks.bench_database).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, make_url, text

from app.common.identity_number import with_check_digit
from app.db import server_roles
from app.db.database import Database
from app.intake.intake import named_attachments, take_in
from app.intake.server_intake import collect_from_server
from app.models import IntakeSubmission, Role, Unit
from app.security.accounts import create_user
from app.security.actor import Actor
from benchmarks.bench_database import open_bench_database

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
TEMPLATE = (EXAMPLES / "ansokan-barnfamilj.json").read_text(encoding="utf-8")
APPLICANT = "198507122383"
ATTACHED = {p.name: p.read_bytes() for p in sorted((EXAMPLES / "bilagor").iterdir())}
USERNAME = "bench.intake"
PASSWORD = "bänk-intake-lösen-1"


def applications(count: int, seed: int = 24) -> list[tuple[str, bytes]]:
    """(file name, bytes) of `count` valid applications, each of its own sökande."""
    rng = random.Random(seed)
    used: set[str] = set()
    made = []
    for number in range(count):
        while True:
            birth = date(1940, 1, 1) + timedelta(days=rng.randrange(60 * 365))
            digits = with_check_digit(f"{birth:%Y%m%d}{rng.randrange(1000):03d}")
            if digits not in used and digits != APPLICANT:
                used.add(digits)
                break
        document = TEMPLATE.replace(APPLICANT, digits).replace(
            "EA-2026-000123", f"EA-2026-{number + 1:06d}"
        )
        made.append((f"ansokan-{number + 1:06d}.json", document.encode()))
    return made


def _staff(database: Database) -> Actor:
    with database.sessions.begin() as session:
        unit = Unit(name="Mottagningen", municipality_code="0180")
        session.add(unit)
        user = create_user(
            session,
            None,
            username=USERNAME,
            full_name="Bänk Mottagning",
            role=Role.CASEWORKER,
            unit=unit,
            password=PASSWORD,
        )
        session.flush()
        return Actor.of(user)


@contextmanager
def sqlite_database(folder: Path) -> Iterator[tuple[Database, Database, Actor]]:
    """(the owner's database, the handläggare's, the handläggare): one file, twice."""
    database = open_bench_database(f"sqlite:///{folder / 'intake.sqlite3'}")
    try:
        yield database, database, _staff(database)
    finally:
        database.dispose()


@contextmanager
def pg_database(admin_url: str) -> Iterator[tuple[Database, Database, Actor]]:
    """A new PostgreSQL database, dropped after; the handläggare through her login role."""
    url = make_url(admin_url).set(drivername="postgresql+psycopg")
    name = f"arendestod_bench_intake_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    owner = None
    user_db = None
    try:
        owner = open_bench_database(url.set(database=name).render_as_string(False))
        actor = _staff(owner)
        server_roles.configure_settings(owner.engine)
        server_roles.create_login(owner.engine, USERNAME, PASSWORD)
        user_url = url.set(database=name, username=USERNAME, password=PASSWORD)
        user_db = open_bench_database(user_url.render_as_string(False), upgrade=False)
        yield owner, user_db, actor
    finally:
        for database in (user_db, owner):
            if database is not None:
                database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{USERNAME}"'))
        admin.dispose()


def by_files(database: Database, actor: Actor, folder: Path, count: int) -> list[float]:
    """Seconds per application through the command's path (files on disk)."""
    for name, content in ATTACHED.items():
        (folder / name).write_bytes(content)
    paths = []
    for name, raw in applications(count):
        (folder / name).write_bytes(raw)
        paths.append(folder / name)
    times = []
    for path in paths:
        started = time.perf_counter()
        raw = path.read_bytes()
        files = {n: (path.parent / n).read_bytes() for n in named_attachments(raw)}
        with database.sessions.begin() as session:
            result = take_in(session, actor, raw, filename=path.name, files=files)
        times.append(time.perf_counter() - started)
        assert result.summary == "mottagen", result.summary
    return times


def by_server(owner: Database, database: Database, actor: Actor, count: int) -> list[float]:
    """Seconds per delivery collected from intake_submissions (delivered by the owner here:
    the e-service's inserts are not what is measured)."""
    rows = []
    for name, raw in applications(count, seed=2024):
        key = name.removesuffix(".json")
        rows.append({"delivery_key": key, "filename": name, "content": raw})
        rows += [{"delivery_key": key, "filename": n, "content": c} for n, c in ATTACHED.items()]
    with owner.sessions.begin() as session:
        for start in range(0, len(rows), 1000):
            session.execute(insert(IntakeSubmission), rows[start : start + 1000])
        if owner.engine.dialect.name == "sqlite":  # no server default there
            session.execute(text("UPDATE intake_submissions SET arrived_at = CURRENT_TIMESTAMP"))
    times = []
    last = time.perf_counter()

    def each(collected) -> None:
        nonlocal last
        now = time.perf_counter()
        times.append(now - last)
        last = now
        assert collected.summary == "mottagen", collected.summary

    last = time.perf_counter()
    collect_from_server(database.sessions, actor, on_each=each)
    return times


def report(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"| {label} | {len(times)} | {statistics.median(times) * 1000:.1f} ms "
        f"| {p95 * 1000:.1f} ms | {sum(times):.1f} s |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--pg", default=os.environ.get("ARENDESTOD_TEST_PG_URL"))
    args = parser.parse_args(argv)
    engines: list[tuple[str, str | None]] = [("SQLite", None)]
    if args.pg:
        engines.append(("PostgreSQL", args.pg))
    lines = ["| intake | n | median | p95 | total |", "|---|---|---|---|---|"]
    for engine, pg in engines:
        for part in ("files", "server"):
            with tempfile.TemporaryDirectory() as temporary:
                folder = Path(temporary)
                opened = pg_database(pg) if pg else sqlite_database(folder)
                with opened as (owner, database, actor):
                    print(f"{engine}, {part}: {args.count} ansökningar …", file=sys.stderr)
                    if part == "files":
                        times = by_files(database, actor, folder, args.count)
                    else:
                        times = by_server(owner, database, actor, args.count)
            lines.append(report(f"{engine}: {part}", times))
            print(lines[-1], file=sys.stderr)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
