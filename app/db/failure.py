"""What kind of failure a database error is, for SQLite (and SQLCipher) and PostgreSQL alike.

The drivers say it in codes: SQLite's result code (`sqlite_errorcode` on the driver's
exception; its low byte is the primary code, the rest the extended one) and PostgreSQL's
SQLSTATE. Each kind gets its own Swedish message (app.storage.error_message), because each
asks something different of the user: free disk space, ask IT for write access, wait for
the colleague holding the lock, restore a backup, or wait for the network.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy.exc import DBAPIError, OperationalError


class Failure(Enum):
    DISK_FULL = "disk_full"
    READ_ONLY = "read_only"
    LOCKED = "locked"
    CORRUPT = "corrupt"
    CONNECTION_LOST = "connection_lost"


# SQLite's primary result codes (https://www.sqlite.org/rescode.html)
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

_SQLITE: dict[int, Failure] = {
    SQLITE_FULL: Failure.DISK_FULL,
    SQLITE_READONLY: Failure.READ_ONLY,
    SQLITE_BUSY: Failure.LOCKED,
    SQLITE_LOCKED: Failure.LOCKED,
    SQLITE_CORRUPT: Failure.CORRUPT,
    SQLITE_NOTADB: Failure.CORRUPT,
    SQLITE_IOERR: Failure.CONNECTION_LOST,  # the file went away under us (a network share)
    SQLITE_CANTOPEN: Failure.CONNECTION_LOST,
}

_POSTGRESQL: dict[str, Failure] = {
    "53100": Failure.DISK_FULL,  # disk_full
    "25006": Failure.READ_ONLY,  # read_only_sql_transaction (a standby, or set so)
    "55P03": Failure.LOCKED,  # lock_not_available (lock_timeout, NOWAIT)
    "40P01": Failure.LOCKED,  # deadlock_detected: one of the two is rolled back
    "XX001": Failure.CORRUPT,  # data_corrupted
    "XX002": Failure.CORRUPT,  # index_corrupted
}


def classify(error: BaseException) -> Failure | None:
    """The kind of failure `error` is, or None when it is not one of these (a rule the
    database enforced, a bug). A PostgreSQL OperationalError without a known SQLSTATE is
    a lost connection, as before."""
    if not isinstance(error, DBAPIError):
        return None
    original = error.orig
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int):
        if error.connection_invalidated:
            return Failure.CONNECTION_LOST
        return _SQLITE.get(code & 0xFF)
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate in _POSTGRESQL:
        return _POSTGRESQL[sqlstate]
    if error.connection_invalidated or isinstance(error, OperationalError):
        # PostgreSQL: the server went away, refused the connection, or shut down
        return Failure.CONNECTION_LOST
    return None
