"""The garbage collector at start and at exit (app.common.gc_tuning, issue 21): imports
without it, frozen; a command's process freezes everything at exit instead of collecting."""

from __future__ import annotations

import gc
import subprocess
import sys

from app.common import gc_tuning

CYCLE_AT_EXIT = """
import os
{setup}

class Cycle:
    def __del__(self):
        os.write(1, b"finalized\\n")

cycle = Cycle()
cycle.itself = cycle
del cycle
print("end of the program")
"""


def _run(setup: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", CYCLE_AT_EXIT.format(setup=setup)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_a_process_that_freezes_at_exit_leaves_cyclic_garbage_unfinalized() -> None:
    assert _run("") == "end of the program\nfinalized\n"  # CPython's collection at exit
    frozen = _run("from app.common.gc_tuning import freeze_at_exit\nfreeze_at_exit()")
    assert frozen == "end of the program\n"


def test_imports_uncollected_freeze_what_they_made_and_keep_the_setting() -> None:
    kept: list[list[list[int]]] = []
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            before = gc.get_freeze_count()
            with gc_tuning.imports_uncollected():
                assert not gc.isenabled()
                kept.append([[index] for index in range(1000)])
            assert gc.isenabled() is enabled
            assert gc.get_freeze_count() >= before + 1000
    finally:
        gc.enable()
