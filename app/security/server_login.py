"""Logging in on a shared PostgreSQL server: the user's own database role and password.

The server checks the password; the app then maps the role to its user (`accounts.
login_connected`) and refuses to work on a schema other than its own (the administrator
upgrades the server with `arendestod db init-server`, the app never does it for them).

`accounts` (and with it the ORM's models) is imported where a login needs it: a command on
the local file asks `is_shared_server` first and logs in without this module
(app.security.early_password_check).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from app.common.errors import ServiceError
from app.db import migrate
from app.db.database import Database, open_database
from app.db.engine import database_url

if TYPE_CHECKING:
    from app.security.actor import Actor

_REFUSED_STATES = {"28P01", "28000"}
"""invalid_password, invalid_authorization_specification (no such role, pg_hba refuses)."""
_REFUSED_TEXTS = ("password authentication failed", "does not exist", "no password supplied")


class LoginRefused(ServiceError):
    pass


class ServerUnavailable(ServiceError):
    pass


@dataclass(frozen=True)
class ServerSession:
    database: Database
    actor: Actor


def is_shared_server(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def server_label(url: str) -> str:
    """host:port/database, as the user and the keyring know the server."""
    parsed = make_url(url)
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


def username_in(url: str) -> str | None:
    """The user name written into the server's URL, if any (the login dialog offers it)."""
    return make_url(url).username


def with_credentials(url: str, username: str, password: str) -> str:
    return (
        make_url(url)
        .set(username=username, password=password)
        .render_as_string(hide_password=False)
    )


def log_in(url: str, username: str, password: str) -> ServerSession:
    """Connect as `username`; raises LoginRefused or ServerUnavailable with a message for
    the user, and never says which of username and password was wrong."""
    from app.security import accounts

    username = username.strip().casefold()
    if not username or not password:
        raise LoginRefused(accounts.LOGIN_FAILED_MESSAGE)
    database = open_database(with_credentials(url, username, password), upgrade=False)
    try:  # the engine connects on first use: here
        problem = _schema_problem(database)
        if problem:
            raise ServerUnavailable(problem)
        with database.sessions.begin() as session:
            actor = accounts.login_connected(session)
    except DBAPIError as error:
        database.dispose()
        raise _login_error(error) from error
    except ServiceError:
        database.dispose()
        raise
    if actor is None:
        database.dispose()
        raise LoginRefused(
            "Din databasinloggning hör inte till någon aktiv användare i Ärendestöd. "
            "Kontakta systemförvaltaren."
        )
    return ServerSession(database, actor)


def _schema_problem(database: Database) -> str | None:
    current = migrate.current_revision(database.engine)
    head = migrate.HEAD_REVISION
    if current == head:
        return None
    if current is None or current < head:  # revisions are numbered 0001, 0002, …
        return (
            f"Servern har en äldre databasversion ({current or 'tom'}) än programmet ({head}). "
            "Be systemförvaltaren uppgradera servern med arendestod db init-server."
        )
    return (
        f"Servern har en nyare databasversion ({current}) än programmet ({head}). "
        "Installera den senaste versionen av Ärendestöd."
    )


def _login_error(error: DBAPIError) -> ServiceError:
    from app.security import accounts

    original = error.orig
    state = getattr(original, "sqlstate", None)
    text = str(original).lower()
    if state in _REFUSED_STATES or any(part in text for part in _REFUSED_TEXTS):
        return LoginRefused(accounts.LOGIN_FAILED_MESSAGE)
    return ServerUnavailable(
        "Servern svarar inte. Kontrollera nätverksanslutningen och försök igen om en stund."
    )


def check_password(url: str, username: str, password: str) -> None:
    """The server checks the role's password on a connection of its own, closed at once:
    unlocking an idle-locked window re-authenticates without touching the open session.
    Raises LoginRefused or ServerUnavailable as `log_in` does (the server's own auth_delay
    and pg_hba apply, as to every login)."""
    from app.security import accounts

    if not password:
        raise LoginRefused(accounts.LOGIN_FAILED_MESSAGE)
    engine = create_engine(
        database_url(with_credentials(url, username, password)), poolclass=NullPool
    )
    try:
        with engine.connect():
            pass
    except DBAPIError as error:
        raise _login_error(error) from error
    finally:
        engine.dispose()
