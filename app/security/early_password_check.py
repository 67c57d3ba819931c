"""A command's local login: the password's check started as soon as the database is open.

Checking a password is scrypt at OWASP's cost (app.security.password_hashing): about half a
second of CPU, which hashlib spends with the GIL released. A command that logs in on the
local file (app.cli.cli_login) reads the user's stored hash the moment the file is open,
before the ORM's models are imported, and starts the check in a thread; meanwhile the
program imports the models and makes the login's own reads (`accounts.verify_login`), which
then takes the thread's result instead of computing it again. `arendestod stats --year
--json`: the models' import and mapping (~0.35 s) no longer wait for scrypt (issue 21).

Nothing of the login changes but when scrypt runs: `verify_login` decides as before, in the
same order (the user, inactivated or not, the throttle's wait, then the password), writes
the same audit rows, and uses the result only for the very password and stored hash it was
computed from (a hash changed in between is checked anew). During a throttle's wait the
result is computed but never used, so a guess then tells nothing, as before. The window
does not use this: its models are imported long before the user types.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine, column, select, table, true

from app.security.password_hashing import verify_password

_USERS = table("users", column("username"), column("active"), column("password_hash"))
"""The users' table as far as the check reads it, without the ORM's app.models.User."""


class EarlyPasswordCheck:
    """`verify_password(password, stored)`, computed in a thread of its own from now on."""

    def __init__(self, password: str, stored: str):
        self._inputs = (password, stored)
        self._result: bool | None = None
        # a daemon: a login refused without the result (a throttle's wait) need not wait
        self._thread = threading.Thread(target=self._check, name="password-check", daemon=True)
        self._thread.start()

    def _check(self) -> None:
        self._result = verify_password(*self._inputs)

    def verify(self, password: str, stored: str | None) -> bool:
        """`verify_password(password, stored)`: the thread's result when it was started for
        this password and this hash, else (or when the thread failed: its error is raised
        here) computed now."""
        if (password, stored) == self._inputs:
            self._thread.join()
            if self._result is not None:
                return self._result
        return verify_password(password, stored)


def start(engine: Engine, username: str, password: str) -> EarlyPasswordCheck | None:
    """The check of `password` against the stored hash of the active user `username`, named
    as `accounts.verify_login` finds them, started; None when there is no such user or hash
    (`verify_login` then refuses without a check, as before)."""
    with engine.connect() as connection:
        stored = connection.scalar(
            select(_USERS.c.password_hash)
            .where(_USERS.c.username == username.strip().casefold())
            .where(_USERS.c.active == true())
        )
    return EarlyPasswordCheck(password, stored) if stored else None
