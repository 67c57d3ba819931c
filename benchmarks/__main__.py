"""`uv run python -m benchmarks [--households N] [--db URL] [--rebuild]`: build, time, report."""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy

from app.db.database import open_database
from app.db.location import sqlite_file
from app.gc_tuning import tune_garbage_collector
from benchmarks.generate import BenchDatabase, ensure_database
from benchmarks.search import Measurement, explain, load_workload, run_all

RESULTS_DIR = Path(__file__).resolve().parent / "results"
COLUMNS = ("operation", "n", "median ms", "p95 ms", "max ms", "target", "result", "notes")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Search and case-list benchmarks."
    )
    parser.add_argument("--households", type=int, default=100_000, metavar="N")
    parser.add_argument("--db", metavar="URL", help="database URL (default: benchmarks/data/)")
    parser.add_argument("--rebuild", action="store_true", help="generate the data anew")
    parser.add_argument("--repeat", type=int, default=200, help="timed runs per operation")
    parser.add_argument("--warmup", type=int, default=20, help="untimed runs first")
    parser.add_argument("--seed", type=int, default=42, help="seed for drawing queries")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN QUERY PLAN of the app's queries"
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="build or check the database, time nothing"
    )
    return parser


def print_results(url: str, households: int, lines: list[str], ok: bool) -> int:
    """The database, the machine and a benchmark's table on stdout; the exit status."""
    info = machine_info()
    print(f"database: {url} ({households:,} households)")
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print("\n".join(lines))
    return 0 if ok else 1


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


def _cells(m: Measurement) -> list[str]:
    target = f"< {m.target_ms:.0f}" if m.target_ms is not None else "-"
    return [
        m.operation,
        str(m.n),
        f"{m.median:.2f}",
        f"{m.p95:.2f}",
        f"{m.max:.2f}",
        target,
        m.verdict,
        m.note,
    ]


def text_table(measurements: list[Measurement]) -> str:
    rows = [list(COLUMNS), *(_cells(m) for m in measurements)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    numeric = {1, 2, 3, 4}
    lines = []
    for number, row in enumerate(rows):
        lines.append(
            "  ".join(
                cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
                for i, cell in enumerate(row)
            ).rstrip()
        )
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(measurements: list[Measurement]) -> str:
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join(["---", "--:", "--:", "--:", "--:", "--:", ":-:", "---"]) + "|",
    ]
    lines += ["| " + " | ".join(_cells(m)) + " |" for m in measurements]
    return "\n".join(lines)


def _ratio(measurements: list[Measurement]) -> str:
    by_name = {m.operation: m for m in measurements}
    app = by_name.get("search: personnummer 12 digits")
    raw = by_name.get("raw SQL: personnummer lookup")
    if app is None or raw is None or raw.median <= 0:
        return ""
    return (
        f"App path / raw SQL, personnummer lookup (median): {app.median:.2f} ms / "
        f"{raw.median:.2f} ms = {app.median / raw.median:.1f}x "
        "(the app path adds ORM loading, the protected-identity check, audit rows and commit)."
    )


def _database_lines(bench: BenchDatabase) -> list[str]:
    meta: dict[str, Any] = bench.meta
    lines = [f"database: {bench.url}"]
    if not meta:
        return lines
    counts = ", ".join(
        f"{meta[key]:,} {label}"
        for key, label in (
            ("households", "households"),
            ("persons", "persons"),
            ("journal_entries", "journal entries"),
            ("applications", "applications"),
            ("decisions", "decisions"),
            ("staff", "staff"),
        )
        if meta.get(key) is not None
    )
    lines.append(f"data: {counts} (seed {meta.get('seed')})")
    parts = [f"generate {meta.get('generate_s')} s wall"]
    if meta.get("generate_cpu_s") is not None:
        parts.append(f"{meta['generate_cpu_s']} s CPU")
    parts.append(f"ANALYZE {meta.get('analyze_s')} s")
    size = meta.get("file_bytes")
    lines.append(
        f"built {meta.get('built_at')} in {meta.get('total_s')} s ({', '.join(parts)})"
        + (f", file {size / 2**20:,.0f} MiB" if size else "")
        + ("" if bench.built_now else " [reused]")
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.households < 1:
        print("--households must be at least 1", file=sys.stderr)
        return 2
    bench = ensure_database(args.households, args.db, rebuild=args.rebuild)
    if args.generate_only:
        print("\n".join(_database_lines(bench)))
        return 0
    database = open_database(bench.url)
    tune_garbage_collector()  # as the app does at start (app.cli)
    try:
        if args.explain:
            if database.engine.dialect.name != "sqlite":
                print("--explain supports SQLite only", file=sys.stderr)
                return 2
            print(explain(database, load_workload(database, 1, args.seed)))
            return 0
        print(f"Timing {args.repeat} runs per operation ...", file=sys.stderr)
        measurements = run_all(database, args.repeat, args.warmup, args.seed)
    finally:
        database.dispose()
    info = machine_info()
    info_line = ", ".join(f"{key} {value}" for key, value in info.items())
    ratio = _ratio(measurements)
    header = _database_lines(bench)
    print("\n".join([*header, f"machine: {info_line}", "", text_table(measurements), "", ratio]))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = sqlite_file(bench.url)
    markdown = "\n".join(
        [
            f"# Benchmark results {info['date']}",
            "",
            *(f"- {line}" for line in header),
            *(f"- {key}: {value}" for key, value in info.items()),
            "",
            markdown_table(measurements),
            "",
            ratio,
            "",
            "Targets are on the median; all times are wall-clock per call, each call in its "
            "own transaction as in the UI (see benchmarks/README.md).",
            "",
        ]
    )
    (RESULTS_DIR / "latest.md").write_text(markdown, encoding="utf-8")
    print(f"\nWritten to {RESULTS_DIR / 'latest.md'}" + (f" (data: {path})" if path else ""))
    return 0 if all(m.verdict != "FAIL" for m in measurements) else 1


if __name__ == "__main__":
    raise SystemExit(main())
