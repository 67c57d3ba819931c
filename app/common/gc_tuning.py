"""Garbage-collector settings for a program that reads tens of thousands of rows at once.

A chef's caseload or a year of statistics creates hundreds of thousands of short-lived
tuples, dates and UUIDs. With CPython's default threshold (700 allocations) the cyclic
collector runs thousands of times during such a read and re-scans every long-lived object
each time: measured on the 100 000-household benchmark database, the unit caseload of 2 000
cases took about 100 ms longer (20 %). Reference counting still frees almost everything at
once; only garbage in reference cycles waits a little longer.

Start-up is the same story: importing SQLAlchemy and the ORM mappings makes a few hundred
thousand objects that live as long as the process and almost no garbage. With the default
threshold the collector ran ~180 times during the imports of `arendestod stats`, two of them
full collections, and `tune_garbage_collector` began with one more full collection
(`gc.collect()`, finding ~700 objects): 0.15–0.3 s of a 2 s command on the 2-core benchmark
machine (issue 21). So the package's own imports run with the collector off and are then
frozen (app/__init__.py), and the tuning freezes what is there without collecting first.

And the end: at exit CPython runs full collections (before and while it tears the modules
down) over every object not frozen, the ORM's configured mappings and the command's caches
among them: 0.25–0.35 s of `arendestod stats --json` on the loaded benchmark machine, 0.05
s once they were frozen (`freeze_at_exit`).
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager

GENERATION0_THRESHOLD = 50_000


@contextmanager
def imports_uncollected() -> Iterator[None]:
    """Imports without the cyclic collector: what they make (modules, classes, the ORM
    mappings) lives as long as the process, so the collector would scan it again and again
    for nothing. Afterwards it is frozen (`gc.freeze`: never scanned again) and the
    collector is on as before, so an importer (a test, a tool) keeps its own settings."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def tune_garbage_collector() -> None:
    """Call once at start-up, before the program's work: the objects created so far
    (modules, classes, the ORM mappings) are moved out of the collector's way, and
    young-generation collections run after 50 000 allocations instead of 700.

    No `gc.collect()` first: the little cyclic garbage of the imports (~700 objects) is
    frozen with them, which costs less memory than the full collection costs time."""
    gc.freeze()
    _, generation1, generation2 = gc.get_threshold()
    gc.set_threshold(GENERATION0_THRESHOLD, generation1, generation2)


def freeze_at_exit() -> None:
    """For a process that ends with its command: at exit, freeze every object before CPython
    tears the interpreter down, so its collections at exit scan nothing (see the module text).

    Everything else of a normal exit still happens: the other exit handlers (the log file's
    `logging.shutdown` among them), the flush of standard output and error, and the modules
    torn down, which frees every object not kept alive by a reference cycle (its file or
    connection closed). What is not done is looking for cyclic garbage: an object only a
    cycle keeps is not finalized, its memory going back to the operating system with the
    process's. Nothing the program must finish is left to that: commands close their
    databases (`Database.dispose`) and files before they return, and SQLite's WAL keeps a
    committed transaction whether or not the connection was closed. Unlike `os._exit`, which
    skips all of the above. Not for the window: Qt objects are left to their usual teardown."""
    atexit.register(gc.freeze)
