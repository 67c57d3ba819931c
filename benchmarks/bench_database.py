"""Opening a benchmark database: PostgreSQL as it is; a SQLite file encrypted as the app's
local database is (SQLCipher) when $ARENDESTOD_BENCH_KEY holds its key (64 hex digits, as
the keyring keeps it), else plain. A plain file opened with the key set is converted first,
as the app converts a user's plain database (app.db.plain_conversion): that is how the
encrypted benchmark file is made from the plain one (benchmarks/README.md, "Krypterad
lokal databas")."""

from __future__ import annotations

import os

from sqlalchemy import Engine

from app.db.database import Database, open_database
from app.db.encrypted_file import FileKey
from app.db.location import sqlite_file

KEY_VARIABLE = "ARENDESTOD_BENCH_KEY"


def open_bench_database(url: str, *, upgrade: bool = True) -> Database:
    if sqlite_file(url) is None:
        return open_database(url, upgrade=upgrade)
    stored = os.environ.get(KEY_VARIABLE)
    if stored:
        return open_database(url, upgrade=upgrade, key=FileKey.from_stored(stored))
    return open_database(url, upgrade=upgrade, plain_sqlite_for_tests=True)


def bench_engine(url: str) -> Engine:
    """An engine without migrations (for the benchmark's own upgrade of a reused file)."""
    if sqlite_file(url) is None:
        from app.db.engine import make_engine

        return make_engine(url)
    return open_bench_database(url, upgrade=False).engine
