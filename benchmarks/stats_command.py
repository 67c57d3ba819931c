"""`arendestod stats --year ÅÅÅÅ --json` for all units, as IT runs it: the whole process.

Issue 21: for 100 000 households < 1.5 s including start-up, under 200 MB. The command is
started as a user starts it (`python -m app --db URL stats --year … --json --user …
--password-stdin`, the password on standard input, the output to a file), and measured from
before spawning it to its exit: wall time, and its peak resident set size (VmHWM, the
high-water mark of the program's own memory, read from /proc as it exits: the kernel's
`ru_maxrss` of a child also counts what the benchmark's process held when it forked – at
100 000 households it reported 543 MB for a command whose own peak was 197 MB). The user
is the benchmark's administrator (`chef.ensure_bench_admin`). An encrypted SQLite file's key
reaches the program through a keyring of the benchmark's own (`benchmarks.bench_keyring`),
where the program looks for it.

PostgreSQL is not measured here: the program logs in there with the user's own login role,
and the benchmark's users have none.

    uv run python -m benchmarks.stats_command --db sqlite:////…/bench-100000.sqlite3
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.common import clock
from app.db.location import sqlite_file
from benchmarks.bench_database import KEY_VARIABLE
from benchmarks.measure import Measurement, part_parser, reported, run_part

TARGET_MS = 1500.0
TARGET_MB = 200.0
ROOT = Path(__file__).resolve().parent.parent
PEAK_VARIABLE = "ARENDESTOD_BENCH_PEAK_FILE"
PEAK_REPORTING_START = f"""
import atexit, os, runpy, sys

def _peak():
    status = open("/proc/self/status").read().split(chr(10))
    peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    open(os.environ["{PEAK_VARIABLE}"], "w").write(peak)

atexit.register(_peak)
sys.argv[0] = "app"
runpy.run_module("app", run_name="__main__", alter_sys=True)
"""
"""`python -m app …`, and at its exit its own peak (kB) written to $ARENDESTOD_BENCH_PEAK_FILE."""


def run_once(url: str, year: int, output: Path) -> tuple[float, float]:
    """(wall ms, peak RSS MB) of one run; its JSON in `output`."""
    from benchmarks.chef import BENCH_ADMIN, BENCH_PASSWORD

    env = dict(os.environ, PYTHON_KEYRING_BACKEND="benchmarks.bench_keyring.BenchKeyring")
    # as on a user's machine: .pyc files are kept (the untimed first run writes them); without
    # them every run compiled ~300 modules: ~1.8 s of each run here (as cold_start.py)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    peak_file = output.with_suffix(".peak")
    env[PEAK_VARIABLE] = str(peak_file)
    command = [sys.executable, "-c", PEAK_REPORTING_START, "--db", url, "stats", "--year"]
    command += [str(year), "--json", "--user", BENCH_ADMIN, "--password-stdin"]
    with output.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=out, env=env, cwd=ROOT, text=True
        )
        assert process.stdin is not None
        process.stdin.write(BENCH_PASSWORD + "\n")
        process.stdin.close()
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = (time.perf_counter() - started) * 1000
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"arendestod stats ended with exit status {process.returncode}")
    del usage
    return elapsed, int(peak_file.read_text().split()[0]) / 1024  # VmHWM in kB


def measure(url: str, year: int, repeat: int = 3) -> list[Measurement]:
    """The command `repeat` times after one untimed run (the page cache, the .pyc files)."""
    if sqlite_file(url) is None:
        print("  (stats --json: PostgreSQL not measured, see the module)", file=sys.stderr)
        return []
    if not os.environ.get(KEY_VARIABLE):
        # the program opens a local database only encrypted, with its key in the keyring
        print(f"  (stats --json: needs ${KEY_VARIABLE}, the file's key)", file=sys.stderr)
        return []
    from benchmarks.chef import ensure_bench_admin
    from benchmarks.measure import with_database

    with_database(url, ensure_bench_admin)
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "stats.json"
        runs = [run_once(url, year, output) for _ in range(repeat + 1)][1:]
        households = json.loads(output.read_text(encoding="utf-8"))["support_households"]
    note = f"{households['total']['totalt']:,} bidragshushåll; output to a file"
    name = f"stats --year {year} --json, all units (whole process)"
    wall = Measurement(name, TARGET_MS, [ms for ms, _ in runs], note, key="stats json wall")
    peak = Measurement(
        name.replace("whole process", "peak RSS"),
        TARGET_MB,
        [mb for _, mb in runs],
        unit="MB",
        key="stats json peak RSS",
    )
    return [reported(wall), reported(peak)]


def main(argv: list[str] | None = None) -> int:
    parser = part_parser("python -m benchmarks.stats_command", __doc__, repeat=3)
    parser.add_argument("--year", type=int, default=None)
    args = parser.parse_args(argv)
    year = args.year or clock.today().year
    return run_part(args, lambda url: measure(url, year, args.repeat))


if __name__ == "__main__":
    sys.exit(main())
