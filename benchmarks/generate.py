"""Build (or reuse) the benchmark database: N fictional households from `demo_data.generate`.

The default database is the SQLite file `benchmarks/data/bench-<N>.sqlite3` (gitignored) with
`bench-<N>.json` beside it recording how and when it was built. A database is reused when that
metadata says the build finished and the file really holds N households; `--rebuild` forces a
new one; a reused database is migrated to the current schema.

The schema comes from the app's own migrations (`open_database`), the data from a single
`demo_data.generate(session, N, seed, progress)` call, which writes in chunks of 20 000 rows
per table and reports progress every 500 households. One call rather than several smaller
ones because generate() sizes the staff to the households of the call: one handläggare per
~70 households, as in a real municipality, so Mina ärenden has a realistic length. The load
runs with bulk-load pragmas (no journal, no fsync, a 1 GiB page cache) and the cyclic garbage
collector paused, then ANALYZE gives the query planner its statistics.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import platform
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from app.cases import name_index
from app.db import migrate, server_roles
from app.db.location import sqlite_file
from app.demo import demo_data
from app.models import Household
from app.statistics import facts
from benchmarks.bench_database import bench_engine, open_bench_database

DATA_VARIABLE = "ARENDESTOD_BENCH_DATA"
DATA_DIR = Path(os.environ.get(DATA_VARIABLE) or Path(__file__).resolve().parent / "data")
"""Where the default files bench-<N>.sqlite3 are: $ARENDESTOD_BENCH_DATA or benchmarks/data."""
SEED = 1
META_VERSION = 1


@dataclass
class BenchDatabase:
    """The database a benchmark runs against, with what is known about its build."""

    url: str
    households: int
    built_now: bool
    meta: dict[str, Any] = field(default_factory=dict)


def default_url(households: int) -> str:
    """SQLite URL of the standard benchmark file for `households` households."""
    return f"sqlite:///{DATA_DIR / f'bench-{households}.sqlite3'}"


def meta_file(db_file: Path) -> Path:
    """The JSON metadata file kept beside a benchmark SQLite file."""
    return db_file.with_suffix(".json")


def _log(message: str, *, end: str = "\n") -> None:
    print(message, end=end, file=sys.stderr, flush=True)


def _read_meta(db_file: Path | None) -> dict[str, Any]:
    if db_file is None or not meta_file(db_file).exists():
        return {}
    try:
        return json.loads(meta_file(db_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _household_count(url: str) -> int | None:
    """Households in the database at `url`, or None if it is not a database of the app."""
    path = sqlite_file(url)
    if path is not None and not path.exists():
        return None
    database = open_bench_database(url, upgrade=False)
    try:
        if migrate.current_revision(database.engine) is None:
            return None
        with database.sessions() as session:
            return session.scalar(select(func.count()).select_from(Household))
    except Exception:
        return None
    finally:
        database.dispose()


def _upgrade_in_place(url: str) -> str | None:
    """Migrate a reused database to the app's head revision, without the backup copy the app
    makes of user databases (the benchmark data can always be rebuilt); on PostgreSQL also
    give it the current server settings, as `db init-server` does. Returns
    the revision it had, or None if it was up to date."""
    engine = bench_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            server_roles.configure_settings(engine)
        current = migrate.current_revision(engine)
        if current != migrate.HEAD_REVISION:
            config = migrate.alembic_config(url)
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            migrate.refresh_planner_statistics(engine)
        _build_statistics_facts(engine)
        return None if current == migrate.HEAD_REVISION else current
    finally:
        engine.dispose()


def _build_statistics_facts(engine) -> None:
    """The statistics' kept facts of a reused database that has none yet (migration 0028
    leaves them to `arendestod stats rebuild`): built here, as the owner."""
    with Session(engine) as session:
        try:
            facts.require_built(session)
            return
        except facts.FactsNotBuilt:
            pass
        started = time.perf_counter()
        _log("  building the statistics' kept facts ...")
        facts.rebuild(session)
        session.commit()
        _log(f"  built in {time.perf_counter() - started:.0f} s.")


def generator_fingerprint() -> str:
    """SHA-256 of demo_data.py: tells whether the data could differ from a fresh build."""
    return hashlib.sha256(Path(demo_data.__file__).read_bytes()).hexdigest()[:16]


def _remove_sqlite(path: Path) -> None:
    for name in (path.name, path.name + "-wal", path.name + "-shm", meta_file(path).name):
        (path.parent / name).unlink(missing_ok=True)


def ensure_database(
    households: int, url: str | None = None, *, rebuild: bool = False, seed: int = SEED
) -> BenchDatabase:
    """Return a database with `households` demo households, building it if needed.

    A database that already holds exactly `households` households (and, for the default
    SQLite file, whose metadata says its build finished) is reused; it is migrated to the
    current schema if needed. `rebuild` always builds anew.
    """
    url = url or default_url(households)
    path = sqlite_file(url)
    meta = _read_meta(path)
    if not rebuild:
        complete = path is None or (meta.get("complete") and meta.get("households") == households)
        if complete and _household_count(url) == households:
            _log(f"Reusing {url} ({households:,} households, built {meta.get('built_at', '?')}).")
            old_revision = _upgrade_in_place(url)
            if old_revision is not None:
                _log(f"  migrated from schema {old_revision} to {migrate.HEAD_REVISION}.")
                meta["migrated_from"] = old_revision
            if meta.get("generator") not in (None, generator_fingerprint()):
                _log("  note: demo_data.py changed since this build; --rebuild for fresh data.")
            return BenchDatabase(url, households, False, meta)
    if path is not None:
        if path.exists() and not meta_file(path).exists():
            # a file the benchmark did not make (a copy, a user's database): never replaced
            raise SystemExit(
                f"{path} is not a benchmark database (no {meta_file(path).name} beside it); "
                "give another --db, or remove the file yourself if it may go."
            )
        _remove_sqlite(path)
    elif (_household_count(url) or 0) != 0:
        raise SystemExit(
            f"{url} holds data but not {households:,} households; "
            "give an empty database (only SQLite files are rebuilt automatically)."
        )
    meta = build(url, households, seed)
    return BenchDatabase(url, households, True, meta)


def _progress(total: int, started: float) -> Callable[[int], None]:
    """A progress callback for generate(): households done, rate and time left, on stderr."""

    def report(done: int) -> None:
        elapsed = time.perf_counter() - started
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate > 0 else 0.0
        _log(
            f"\r  {done:>9,} / {total:,} households  {rate:7,.0f}/s  ~{left:4.0f} s left ",
            end="",
        )

    return report


def _redo_what_triggers_keep(connection: Connection) -> None:
    """PostgreSQL, after the load with triggers off: what the server's triggers keep, made
    from the tables. The name index (migration 0036), and the protected households the
    cases policy reads (0012): without them the generated protected persons' cases were
    visible to the whole unit while the persons themselves were not."""
    name_index.rebuild(connection)
    connection.exec_driver_sql("DELETE FROM protected_households")
    connection.exec_driver_sql(
        "INSERT INTO protected_households (household_id) SELECT DISTINCT m.household_id "
        "FROM persons p JOIN household_members m ON m.person_id = p.id "
        "WHERE p.protected_identity"
    )


def build(url: str, households: int, seed: int = SEED) -> dict[str, Any]:
    """Migrate an empty database at `url`, fill it and ANALYZE it; return its metadata."""
    _log(f"Building {url} with {households:,} households (seed {seed}) ...")
    started = time.perf_counter()
    path = sqlite_file(url)
    if path is not None:  # marks the file as ours while it is filled (ensure_database)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta_file(path).write_text(
            json.dumps({"meta_version": META_VERSION, "complete": False}) + "\n",
            encoding="utf-8",
        )
    database = open_bench_database(url)
    is_sqlite = database.engine.dialect.name == "sqlite"
    timings: dict[str, float] = {}
    try:
        with database.engine.connect() as connection:
            if is_sqlite:
                # A fresh file needs no crash safety while it is filled (an unfinished build's
                # metadata says incomplete, and it is rebuilt): no journal, no fsync, a large
                # page cache.
                # The app's own connections switch back to WAL.
                for pragma in (
                    "journal_mode=OFF",
                    "synchronous=OFF",
                    "cache_size=-1048576",
                    "temp_store=MEMORY",
                ):
                    connection.exec_driver_sql(f"PRAGMA {pragma}")
                connection.commit()
            else:
                # PostgreSQL: no triggers while the generated rows go in (needs a superuser):
                # the server's audit trigger would log each of the millions of inserts
                # (migration 0008) and the foreign-key checks add nothing to generated data.
                connection.exec_driver_sql("SET session_replication_role = replica")
            phase, phase_cpu = time.perf_counter(), time.process_time()
            # Millions of short-lived row dicts and no reference cycles: the cyclic garbage
            # collector only costs time here (about 10 %).
            gc.disable()
            try:
                with Session(bind=connection) as session:
                    summary = demo_data.generate(
                        session, households, seed, _progress(households, phase)
                    )
                    session.commit()
            finally:
                gc.enable()
            timings["generate_s"] = time.perf_counter() - phase
            # CPU time of this process: what the wall time would be on an idle machine
            timings["generate_cpu_s"] = time.process_time() - phase_cpu
            _log("")
            phase = time.perf_counter()
            if not is_sqlite:
                connection.exec_driver_sql("SET session_replication_role = DEFAULT")
                _redo_what_triggers_keep(connection)
                connection.commit()
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
            timings["analyze_s"] = time.perf_counter() - phase
            if is_sqlite:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        if not is_sqlite:
            server_roles.configure_settings(database.engine)  # as db init-server
    finally:
        database.dispose()
    timings["total_s"] = time.perf_counter() - started
    meta: dict[str, Any] = {
        "meta_version": META_VERSION,
        "complete": True,
        "households": households,
        "seed": seed,
        "persons": summary.persons,
        "cases": summary.cases,
        "journal_entries": summary.journal_entries,
        "applications": summary.applications,
        "decisions": getattr(summary, "decisions", None),
        "staff": len(summary.usernames),
        "schema_revision": migrate.HEAD_REVISION,
        "generator": generator_fingerprint(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "file_bytes": path.stat().st_size if path is not None else None,
        **{key: round(value, 2) for key, value in timings.items()},
    }
    if path is not None:
        meta_file(path).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    _log(
        f"Built in {timings['total_s']:.1f} s (generate {timings['generate_s']:.1f} s, "
        f"{timings['generate_cpu_s']:.1f} s CPU, "
        f"ANALYZE {timings['analyze_s']:.1f} s): "
        f"{summary.persons:,} persons, {summary.journal_entries:,} journal entries, "
        f"{summary.applications:,} applications."
    )
    return meta
