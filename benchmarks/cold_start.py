"""Start-up: from starting the program to its first usable window (issue 8: < 2 s cold).

The program is started as a user starts it, on the benchmark database, with
ARENDESTOD_EXIT_WHEN_READY set (app/ui/startup_probe.py): once the login window has been
drawn and the event loop is idle again it prints `ready …` and closes. The time is taken
here, from before the process is spawned to that line, so it includes the loader, Python,
the imports, Qt, opening and checking the database, and the first paint.

"Cold" empties the OS page cache before each start (Linux, as root): every library and
the database file come from disk, as after a reboot. "Warm" starts follow each other.

    uv run python -m benchmarks.cold_start                      # the built bundle
    uv run python -m benchmarks.cold_start --program source     # python -m app from the venv
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.measure import (
    Measurement,
    part_parser,
    reported,
    run_part,
)

ROOT = Path(__file__).resolve().parent.parent
BUNDLE_PROGRAM = ROOT / "build" / "dist" / "arendestod" / "arendestod"
TARGET_MS = 2000.0
DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def can_drop_caches() -> bool:
    return sys.platform.startswith("linux") and os.access(DROP_CACHES, os.W_OK)


def drop_caches() -> None:
    os.sync()
    DROP_CACHES.write_text("3\n")


def start_once(command: list[str], env: dict[str, str]) -> float:
    """Milliseconds from spawning `command` to its `ready` line."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = (time.perf_counter() - started) * 1000
    process.wait(timeout=60)
    if not line.startswith("ready"):
        raise SystemExit(f"{command[0]} ended without a window (exit {process.returncode}).")
    return elapsed


def measure(url: str, program: str = "bundle", repeat: int = 10) -> list[Measurement]:
    """Cold starts (when the page cache can be emptied here) and warm starts of `program`:
    "bundle" (the built bundle, or the venv's when none is built) or "source"."""
    if program == "bundle" and not BUNDLE_PROGRAM.exists():
        print("  (no bundle built: measuring python -m app instead)", file=sys.stderr)
        program = "source"
    command = [str(BUNDLE_PROGRAM)] if program == "bundle" else [sys.executable, "-m", "app"]
    command += ["--db", url]
    env = dict(os.environ, ARENDESTOD_EXIT_WHEN_READY="1")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: .pyc files are kept
    start_once(command, env)  # a first start may write .pyc files; not timed
    measurements = []
    if can_drop_caches():
        cold = []
        for _ in range(repeat):
            drop_caches()
            cold.append(start_once(command, env))
        label = f"cold start to login window ({program})"
        note = "page cache emptied before each start"
        measurements.append(reported(Measurement(label, TARGET_MS, cold, note)))
    else:
        print("  (cold starts need Linux and root to empty the page cache)", file=sys.stderr)
    warm = [start_once(command, env) for _ in range(repeat)]
    label = f"warm start to login window ({program})"
    measurements.append(reported(Measurement(label, TARGET_MS, warm)))
    return measurements


def main(argv: list[str] | None = None) -> int:
    parser = part_parser("python -m benchmarks.cold_start", __doc__, repeat=10)
    parser.add_argument(
        "--program",
        choices=("bundle", "source"),
        default="bundle",
        help="the PyInstaller bundle (installer/build.py) or `python -m app` from the venv",
    )
    args = parser.parse_args(argv)
    if args.program == "bundle" and not BUNDLE_PROGRAM.exists():
        print("Build the bundle first: uv run --group bundle python installer/build.py")
        return 2
    return run_part(args, lambda url: measure(url, args.program, args.repeat))


if __name__ == "__main__":
    sys.exit(main())
