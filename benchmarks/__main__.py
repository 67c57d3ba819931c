"""`uv run python -m benchmarks`: every benchmark on the 100 000-household database, one table.

    uv run python -m benchmarks                                   # SQLite, built the first time
    uv run python -m benchmarks --db sqlite:///… --db postgresql://…/arendestod_bench
    uv run python -m benchmarks --parts search,chef               # some of them
    uv run python -m benchmarks --growth                          # 10 000 and 100 000: the factor
    uv run python -m benchmarks --households 10000,100000 --db 'sqlite:////data/bench-{n}.sqlite3' \
        --db 10000=postgresql://…/arendestod_bench_10000 --db 100000=postgresql://…/arendestod_bench
    uv run python -m benchmarks --generate-only | --explain | --rebuild

Parts: search (search, open case, Mina ärenden), chef (caseload, statistics), inbox (the unit's
inbox with 5 000 e-ansökningar waiting), pdf (decision
letter), forms (open, new draft, save), sync (check-out and check-in), memory (peak RSS of a
working day), gui (the real window offscreen: key press to painted), cli (`stats --year
--json` as a whole process), start (cold and warm start to the login window). The database
is read once first, so every part is timed on a warm page cache. Each row has its median,
p95 and target and, for reads, the same operation's SQL replayed raw with the app/raw ratio
(benchmarks/measure.py). With several sizes (`--households 10000,100000`, or `--growth`)
every database is measured at each, and the largest one's table gets a growth column:
median there / median at the smallest size, so what grows with the register stands out.
The tables go to stdout and, as Markdown with the machine and the data, to
benchmarks/results/latest.md. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.common import clock
from app.common.gc_tuning import tune_garbage_collector
from benchmarks.bench_database import open_bench_database
from benchmarks.generate import BenchDatabase, default_url, ensure_database
from benchmarks.measure import (
    Measurement,
    format_rows,
    growth_table,
    machine_info,
    markdown_table,
    set_growth,
    text_table,
    warm_up,
    with_database,
)

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PARTS = ("search", "chef", "inbox", "pdf", "forms", "sync", "memory", "gui", "cli", "start")
GROWTH_SIZES = "10000,100000"
"""In this order: `start` empties the OS page cache for its cold starts, so it comes last."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Every benchmark on the benchmark database; see benchmarks/README.md.",
    )
    parser.add_argument(
        "--households",
        default="100000",
        metavar="N[,N…]",
        help="households; several (10000,100000) measure each and add the growth column",
    )
    parser.add_argument(
        "--growth", action="store_true", help=f"the same as --households {GROWTH_SIZES}"
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        action="append",
        help="database URL, may be given more than once; {n} is replaced by the households, "
        "N=URL is the database for N households only (default: bench-N.sqlite3 in "
        "$ARENDESTOD_BENCH_DATA or benchmarks/data)",
    )
    parser.add_argument("--rebuild", action="store_true", help="generate the data anew")
    parser.add_argument("--parts", default=",".join(PARTS), help="comma-separated, of: " +
                        ", ".join(PARTS))  # fmt: skip
    parser.add_argument("--repeat", type=int, default=100, help="timed searches per kind")
    parser.add_argument(
        "--gui-repeat", type=int, default=20, help="timed runs per operation in the window"
    )
    parser.add_argument("--warmup", type=int, default=10, help="untimed runs first")
    parser.add_argument("--seed", type=int, default=42, help="seed for drawing queries")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN QUERY PLAN of the app's queries"
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="build or check the database, time nothing"
    )
    return parser


def database_lines(bench: BenchDatabase) -> list[str]:
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


def _parts(bench: BenchDatabase, args: argparse.Namespace) -> dict[str, Callable[[], list]]:
    """Each part's run; those on an open database get one of their own, closed after."""
    from benchmarks import (
        chef,
        cold_start,
        decision_pdf,
        forms,
        gui,
        inbox,
        memory,
        search,
        stats_command,
        sync,
    )

    def on_database(work: Callable[[Any], list[Measurement]]) -> Callable[[], list]:
        return lambda: with_database(bench.url, work)

    def memory_part() -> list[Measurement]:
        peak = memory.measure(bench.url)
        return [Measurement("memory: peak RSS of a working day", memory.TARGET_MB, [peak],
                            "handläggare + chef windows, big database open",
                            unit="MB")]  # fmt: skip

    return {
        "search": on_database(lambda db: search.run_all(db, args.repeat, args.warmup, args.seed)),
        "chef": on_database(lambda db: chef.run(db, 6, 2, clock.today().year)),
        "inbox": on_database(lambda db: inbox.run(db, 10, 2)),
        "pdf": on_database(lambda db: [decision_pdf.measure(db, 50, 5)]),
        "forms": on_database(lambda db: forms.measure(db, 50, 5)),
        "start": lambda: cold_start.measure(bench.url, "bundle", 10),
        "sync": lambda: sync.run(bench.url, 50, 200, 3),
        "memory": memory_part,
        "gui": lambda: gui.measure(bench.url, args.gui_repeat, 2, args.seed),
        "cli": lambda: stats_command.measure(bench.url, clock.today().year),
    }


def run(bench: BenchDatabase, args: argparse.Namespace, chosen: list[str]) -> list[Measurement]:
    from benchmarks import chef

    parts = _parts(bench, args)
    with_database(bench.url, chef.prepare)  # before any part draws its samples
    print(f"warm-up: {warm_up(bench.url)}", file=sys.stderr, flush=True)
    measurements: list[Measurement] = []
    for name in chosen:
        started = time.perf_counter()
        print(f"{name} …", file=sys.stderr, flush=True)
        measurements += parts[name]()
        print(f"  ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    return measurements


def write_results(
    sections: list[tuple[list[str], list[Measurement]]],
    growth: list[tuple[str, list[list[str]]]],
    took_s: float,
) -> Path:
    info = machine_info()
    lines = [f"# Benchmark results {info['date']}", ""]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    lines += [f"- whole run: {took_s / 60:.1f} min", ""]
    for header, measurements in sections:
        lines += [*(f"- {line}" for line in header), "", markdown_table(measurements), ""]
    for title, rows in growth:
        lines += [f"## {title}", "", format_rows(rows, markdown=True), ""]
    lines += [
        "Targets are on the median; times are wall-clock per call, each call in its own "
        "transaction as in the UI; raw SQL is the same call's reads replayed on a bare driver "
        "cursor (see benchmarks/README.md).",
        "",
    ]
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / "latest.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def parse_sizes(text: str) -> list[int]:
    """ "10000,100000" → [10000, 100000], smallest first; ValueError when not sizes."""
    sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise ValueError(text)
    return sizes


def database_urls(templates: list[str] | None, households: int) -> list[str]:
    """The databases to measure at `households`: each --db with {n} filled in, those given
    as N=URL only for their N; the default file when none is given."""
    if not templates:
        return [default_url(households)]
    urls = []
    for template in templates:
        size, equals, url = template.partition("=")
        if equals and size.isdigit() and "://" in url:
            if int(size) == households:
                urls.append(url)
        else:
            urls.append(template.replace("{n}", str(households)))
    return urls


def series_of(url: str, seen: dict[str, int]) -> str:
    """Which line of databases `url` belongs to across sizes: its kind (sqlite, postgresql)
    and its place among the databases of that kind given for one size."""
    kind = url.split(":", 1)[0].split("+", 1)[0]
    seen[kind] = seen.get(kind, 0) + 1
    return f"{kind} {seen[kind]}"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    chosen = [part.strip() for part in args.parts.split(",") if part.strip()]
    unknown = sorted(set(chosen) - set(PARTS))
    try:
        sizes = parse_sizes(GROWTH_SIZES if args.growth else args.households)
    except ValueError:
        sizes = []
    if not sizes or unknown:
        print(f"unknown parts {unknown}" if unknown else "--households: sizes of at least 1",
              file=sys.stderr)  # fmt: skip
        return 2
    started = time.perf_counter()
    benches: list[tuple[str, BenchDatabase]] = []
    for households in sizes:
        seen: dict[str, int] = {}
        for url in database_urls(args.db, households):
            bench = ensure_database(households, url, rebuild=args.rebuild)
            benches.append((series_of(url, seen), bench))
    if args.generate_only:
        for _series, bench in benches:
            print("\n".join(database_lines(bench)))
        return 0
    tune_garbage_collector()  # as the app does at start (app.cli)
    if args.explain:
        from benchmarks.search import explain, load_workload

        database = open_bench_database(benches[0][1].url)
        try:
            if database.engine.dialect.name != "sqlite":
                print("--explain supports SQLite only", file=sys.stderr)
                return 2
            print(explain(database, load_workload(database, 1, args.seed)))
        finally:
            database.dispose()
        return 0
    runs: list[tuple[str, BenchDatabase, list[Measurement]]] = []
    for series, bench in benches:
        measurements = run(bench, args, chosen)
        runs.append((series, bench, measurements))
        if len(sizes) == 1:  # else at the end, with the growth column
            print("\n".join(["", *database_lines(bench), "", text_table(measurements)]))
    growth = growth_sections(sizes, runs)
    if len(sizes) > 1:
        for _series, bench, measurements in runs:
            print("\n".join(["", *database_lines(bench), "", text_table(measurements)]))
    for title, rows in growth:
        print(f"\n{title}\n\n{format_rows(rows, markdown=False)}")
    sections = [(database_lines(bench), measurements) for _, bench, measurements in runs]
    took = time.perf_counter() - started
    info = machine_info()
    print("\nmachine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print(f"whole run: {took / 60:.1f} min; written to {write_results(sections, growth, took)}")
    failed = [m for _, _, ms in runs for m in ms if m.verdict.startswith("FAIL")]
    return 1 if failed else 0


def growth_sections(
    sizes: list[int], runs: list[tuple[str, BenchDatabase, list[Measurement]]]
) -> list[tuple[str, list[list[str]]]]:
    """For each line of databases measured at more than one size: the growth column set on
    its largest database's rows, and a table of the medians at each size with the factor."""
    sections = []
    for series in dict.fromkeys(series for series, _, _ in runs):
        mine = sorted(
            ((bench.households, ms) for s, bench, ms in runs if s == series), key=lambda x: x[0]
        )
        if len(mine) < 2:
            continue
        set_growth(mine[0][1], mine[-1][1])
        title = f"Growth, {series.split()[0]}: {mine[0][0]:,} → {mine[-1][0]:,} households"
        sections.append((title, growth_table([n for n, _ in mine], [ms for _, ms in mine])))
    return sections


if __name__ == "__main__":
    raise SystemExit(main())
