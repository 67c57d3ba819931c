"""Shared office mode on PostgreSQL: setting up the server and the users' login roles.

The rules the server enforces (row-level security, signed rows, audit) are created by
migration 0008 with the schema; this module is what an administrator runs around them
(`arendestod db init-server`, `arendestod db create-login`). Every user connects with a
login role of their own, named as their username and member of `APP_ROLE`; the server
maps the role back to the user (`arendestod_user_id()` in the migration).
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql
from sqlalchemy import Engine, select, text

from app.db import migrate
from app.models import User

APP_ROLE = "arendestod_app"
"""Group role holding the table privileges; the row-level policies apply to it."""


class ServerSetupError(Exception):
    """Something an administrator must fix first; the message says what, in Swedish."""


@dataclass(frozen=True)
class ServerReport:
    schema_version: str
    protected_tables: list[str]
    """Tables with row-level security enabled."""
    login_roles: int
    """Login roles that are members of `APP_ROLE`."""


def require_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise ServerSetupError(
            "Kommandot gäller en delad PostgreSQL-server, t.ex. "
            "--db postgresql://admin@server/arendestod."
        )


def init_server(engine: Engine) -> ServerReport:
    """Create or upgrade the schema with its roles and policies, and report what is in force.

    Run by the schema owner (an administrator's role with CREATEROLE): the owner is not
    subject to row-level security, everyone else is."""
    require_postgresql(engine)
    migrate.upgrade(engine)
    configure_database(engine)
    return server_report(engine)


DATABASE_SETTINGS = {"random_page_cost": "1.1"}
"""Planner settings for the database (new connections get them). PostgreSQL's default
random_page_cost (4.0) prices a random read as on a spinning disk; on the SSD storage of a
server today a name search then reads all persons sequentially (27 ms) instead of probing
600 ids in the primary key (3 ms). A DBA may override them per database later."""


def configure_database(engine: Engine) -> None:
    require_postgresql(engine)
    with engine.begin() as connection:
        name = connection.scalar(text("SELECT current_database()"))
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor:
            for setting, value in DATABASE_SETTINGS.items():
                cursor.execute(
                    sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                        sql.Identifier(name), sql.Identifier(setting), sql.Literal(value)
                    )
                )


def server_report(engine: Engine) -> ServerReport:
    require_postgresql(engine)
    with engine.connect() as connection:
        tables = connection.scalars(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relrowsecurity "
                "ORDER BY c.relname"
            )
        ).all()
        logins = connection.scalar(
            text(
                "SELECT count(*) FROM pg_auth_members m "
                "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member "
                "WHERE g.rolname = :group AND r.rolcanlogin"
            ),
            {"group": APP_ROLE},
        )
    return ServerReport(migrate.current_revision(engine) or "", list(tables), int(logins or 0))


def create_login(engine: Engine, username: str, password: str) -> None:
    """A login role for the active user `username` (or a new password for an existing one),
    member of `APP_ROLE`. The password goes to the server only, as a quoted literal."""
    require_postgresql(engine)
    if len(password) < 12:
        raise ServerSetupError("Lösenordet måste ha minst 12 tecken.")
    with engine.begin() as connection:
        active = connection.scalar(select(User.active).where(User.username == username))
        if active is None:
            raise ServerSetupError(f"Det finns ingen användare {username!r} i Ärendestöd.")
        if not active:
            raise ServerSetupError(f"Användaren {username!r} är inaktiverad.")
        exists = connection.scalar(
            text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": username}
        )
        statement = sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
            sql.SQL("ALTER" if exists else "CREATE"),
            sql.Identifier(username),
            sql.Literal(password),
        )
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor:
            cursor.execute(statement)
            cursor.execute(
                sql.SQL("GRANT {} TO {}").format(sql.Identifier(APP_ROLE), sql.Identifier(username))
            )
