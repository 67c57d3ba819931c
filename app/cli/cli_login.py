"""Who runs a command: commands that read personal data or change data need a user.

`--user NAMN` names the user; the password is asked for (getpass), or read as one line of
standard input with `--password-stdin` (scripts). On a local database the password is
checked by `accounts.attempt_login` (throttled and audited there, as in the window). On a shared
PostgreSQL server the user is the connection's database role: `--user` logs in with that
role and the password (`server_login.log_in`), without `--user` the role and password of
the URL ($PGPASSWORD, ~/.pgpass) are used, as by `arendestod sync`. Either way the actor's
role and unit rights apply as in the window, and the audit rows carry that user.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.common.errors import AccessDenied, ServiceError

if TYPE_CHECKING:  # the parser is built at every start, the window's too: load these late
    from app.db.database import Database
    from app.security.actor import Actor

USER_MISSING = (
    "Ange användaren med --user ANVÄNDARNAMN: kommandot läser personuppgifter eller ändrar "
    "data och loggas med den som kör det."
)


class LoginRequired(ServiceError):
    """No user, a refused password or an inactivated user (a Swedish sentence)."""


def add_user_options(parser: argparse.ArgumentParser) -> None:
    """`--user` and `--password-stdin` on a sub-command that needs a user."""
    group = parser.add_argument_group("inloggning")
    group.add_argument(
        "--user",
        metavar="ANVÄNDARNAMN",
        help="den som kör kommandot (lösenordet frågas efter); på en delad server: "
        "databasrollen (annars rollen i --db-adressen)",
    )
    group.add_argument(
        "--password-stdin",
        action="store_true",
        help="läs lösenordet som första raden på standard in (för skript)",
    )


@dataclass
class LoggedIn:
    """An open database and the user working in it. `dispose()` when done."""

    database: Database
    actor: Actor

    def dispose(self) -> None:
        self.database.dispose()


def read_password(username: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return getpass.getpass(f"Lösenord för {username}: ")


def open_as_user(
    args: argparse.Namespace,
    *,
    page_cache_kib: int | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> LoggedIn:
    """Open the database of `--db` and log in the user of `--user` (see the module text).
    Raises LoginRequired (a ServiceError) with the reason; nothing is read before that.
    `page_cache_kib`: a local file's page cache (local_database.open_for_command).
    `meanwhile`: the command's own preparation that reads nothing (its imports), made on a
    local file while the password's check runs (app.security.early_password_check)."""
    from app.cli.local_database import open_for_command
    from app.db.location import resolve_database_url
    from app.security import server_login

    url = resolve_database_url(args.db)
    username = (getattr(args, "user", None) or "").strip()
    from_stdin = bool(getattr(args, "password_stdin", False))
    if server_login.is_shared_server(url):
        if username:
            session = server_login.log_in(url, username, read_password(username, from_stdin))
            return LoggedIn(session.database, session.actor)
        database = open_for_command(args, upgrade=False)
        try:
            from app.security import accounts

            with database.sessions.begin() as db_session:
                actor = accounts.login_connected(db_session)
        except BaseException:
            database.dispose()
            raise
        if actor is None:
            database.dispose()
            raise LoginRequired(
                "Databasrollen i adressen hör inte till någon aktiv användare i Ärendestöd. "
                "Ange din egen roll med --user."
            )
        return LoggedIn(database, actor)
    if not username:
        raise LoginRequired(USER_MISSING)
    # the passphrase first, where one is asked for
    database = open_for_command(args, page_cache_kib=page_cache_kib)
    try:
        password = read_password(username, from_stdin)
        # scrypt in a thread while the models are imported and the login reads its rows
        from app.security import early_password_check

        check = early_password_check.start(database.engine, username, password)
        from app.common.gc_tuning import imports_uncollected

        with imports_uncollected():  # the models' mappings: long-lived, frozen (gc_tuning)
            if meanwhile is not None:
                meanwhile()
            from app.security import accounts

        with database.sessions.begin() as db_session:  # commits the failed attempt's audit row
            attempt = accounts.attempt_login(db_session, username, password, password_check=check)
    except BaseException:
        database.dispose()
        raise
    if attempt.actor is None:
        database.dispose()
        raise LoginRequired(attempt.message)
    return LoggedIn(database, attempt.actor)


def require_administrator(actor: Actor, what: str) -> None:
    if not actor.is_administrator:
        raise AccessDenied(f"Bara en administratör får {what}.")
