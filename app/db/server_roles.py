"""Shared office mode on PostgreSQL: setting up the server and the users' login roles.

The rules the server enforces (row-level security, signed rows, audit) are created by
migration 0008 with the schema; this module is what an administrator runs around them
(`arendestod db init-server`, `arendestod db create-login`). Every user connects with a
login role of their own, named as their username and member of `APP_ROLE`; the server
maps the role back to the user (`arendestod_user_id()` in the migration).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Connection, Engine, select, text

from app.db import migrate
from app.models import User

APP_ROLE = "arendestod_app"
"""Group role holding the table privileges; the row-level policies apply to it."""

ESERVICE_ROLE = "arendestod_eservice"
"""Group role of the e-service's login roles: INSERT (delivery_key, filename, content) on
intake_submissions and nothing else (migration 0048, which creates it)."""


class ServerSetupError(Exception):
    """Something an administrator must fix first; the message says what, in Swedish."""


@dataclass(frozen=True)
class ServerReport:
    schema_version: str
    protected_tables: list[str]
    """Tables with row-level security enabled."""
    login_roles: int
    """Login roles that are members of `APP_ROLE`."""
    eservice_logins: int
    """Login roles that are members of `ESERVICE_ROLE` (the e-service's)."""
    read_log: str
    """Whether the server logs reads itself (pgaudit), in Swedish: on, or what is missing."""
    user_objects: str
    """Whether the users can create objects of their own (temporary tables, tables or
    functions in the schema), in Swedish: "nej", or what they can and how to take it away."""


def _driver_connection(connection: Connection) -> psycopg.Connection[Any]:
    """psycopg's own connection under SQLAlchemy's: role and grant statements take
    identifiers, which only psycopg's `sql` composes safely."""
    raw = connection.connection.driver_connection
    assert raw is not None  # None only once the connection is closed
    return raw


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
    configure_settings(engine)
    return server_report(engine)


def configure_settings(engine: Engine) -> None:
    """The users' privileges on the database, its planner settings and the server's own read
    log (where it can)."""
    secure_database(engine)
    configure_database(engine)
    configure_read_log(engine)


def secure_database(engine: Engine) -> None:
    """Users create no objects of their own: no temporary tables (TEMPORARY is granted to
    PUBLIC by default) and nothing in the schema (CREATE on public was PUBLIC's before
    PostgreSQL 15).

    A user's own table or function in front of the schema's could stand in for the ones the
    server's policies and triggers read (issue 18: a temporary `users` table made a
    handläggare a chef of another unit while the functions searched pg_temp first; migration
    0015). The app needs neither. Granted to PUBLIC, so revoked from PUBLIC: a role that is
    not the database's or the schema's owner can revoke nothing here (PostgreSQL only
    warns), and `server_report` then says what remains."""
    require_postgresql(engine)
    with engine.begin() as connection:
        name = connection.scalar(text("SELECT current_database()"))
        schema = connection.scalar(text("SELECT current_schema()"))
        raw = _driver_connection(connection)
        with raw.cursor() as cursor:
            cursor.execute(
                sql.SQL("REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC").format(sql.Identifier(name))
            )
            cursor.execute(
                sql.SQL("REVOKE CREATE ON SCHEMA {} FROM PUBLIC").format(sql.Identifier(schema))
            )


_USER_OBJECTS = text(
    "SELECT has_database_privilege(:role, current_database(), 'TEMPORARY'), "
    "has_schema_privilege(:role, current_schema(), 'CREATE')"
)
"""Whether a member of the app role (through the role itself or PUBLIC) may create
temporary tables, and objects in the schema."""


def _user_objects(connection) -> str:
    temporary, create = connection.execute(_USER_OBJECTS, {"role": APP_ROLE}).one()
    allowed = [
        what
        for what, granted in (
            ("tillfälliga tabeller", temporary),
            ("tabeller och funktioner i schemat", create),
        )
        if granted
    ]
    if not allowed:
        return "nej"
    return (
        f"ja: {' och '.join(allowed)} (kör db init-server som databasens ägare, "
        "eller REVOKE TEMPORARY ON DATABASE / REVOKE CREATE ON SCHEMA … FROM PUBLIC)"
    )


READ_LOG_ROLE = "arendestod_read_log"
"""pgaudit's audit role: every statement reading a table this role may SELECT from is
written to the server's log with the user's role, the statement and its parameters."""

READ_LOG_SETTINGS = {
    "pgaudit.role": READ_LOG_ROLE,
    "pgaudit.log_parameter": "on",
    "pgaudit.log_statement_once": "on",
}
"""The statement and its parameters are written with the first table a statement reads, and
the entries for its other tables (the joins, the row-level-security checks) refer to it by
its statement number: a chef's caseload, whose statements carry 2 000 case ids, wrote
2.7 MB of log per view before, 0.8 MB now."""

_READ_LOGGED_TABLES = (
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relrowsecurity "
    "AND c.relname <> 'users' ORDER BY c.relname"
)
"""Every table under row-level security but the staff list: case content and the audit log."""


def configure_read_log(engine: Engine) -> None:
    """Make the server log every read of case content itself, so that a modified client
    cannot read unseen (the application's audit rows are written by the client).

    Triggers only see writes; reads are logged by the pgaudit extension, object audit mode.
    It needs the server to load it (shared_preload_libraries) and a superuser to turn it
    on; without either this does nothing and `server_report` says what is missing."""
    require_postgresql(engine)
    if _read_log_missing(engine):
        return
    with engine.begin() as connection:
        name = connection.scalar(text("SELECT current_database()"))
        tables = connection.scalars(text(_READ_LOGGED_TABLES)).all()
        raw = _driver_connection(connection)
        with raw.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pgaudit")
            cursor.execute(
                sql.SQL(
                    "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {}) "
                    "THEN CREATE ROLE {} NOLOGIN; END IF; END $$"
                ).format(sql.Literal(READ_LOG_ROLE), sql.Identifier(READ_LOG_ROLE))
            )
            for table in tables:
                cursor.execute(
                    sql.SQL("GRANT SELECT ON {} TO {}").format(
                        sql.Identifier(table), sql.Identifier(READ_LOG_ROLE)
                    )
                )
            _set_for_database(cursor, name, READ_LOG_SETTINGS)


def _read_log_missing(engine: Engine) -> str:
    """Why the server cannot log reads, in Swedish; empty when it can.

    Only a superuser (or pg_read_all_settings) may read shared_preload_libraries: for the
    README's owner, a role with CREATEROLE, the answer is that a superuser must do it."""
    with engine.connect() as connection:
        available = connection.scalar(
            text("SELECT 1 FROM pg_available_extensions WHERE name = 'pgaudit'")
        )
        superuser = connection.scalar(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        )
        loaded = superuser and "pgaudit" in (
            connection.scalar(text("SELECT current_setting('shared_preload_libraries')")) or ""
        )
    if not available:
        return "tillägget pgaudit är inte installerat på servern"
    if not superuser:
        return "pgaudit slås på av en superanvändare (kör db init-server som en sådan)"
    if not loaded:
        return "pgaudit är inte laddat (shared_preload_libraries = 'pgaudit', omstart)"
    return ""


DATABASE_SETTINGS = {"random_page_cost": "1.1", "jit": "off"}
"""Planner settings for the database (new connections get them); a DBA may override them
per database later.
- random_page_cost: PostgreSQL's default (4.0) prices a random read as on a spinning disk;
  on the SSD storage of a server today a name search then reads all persons sequentially
  (27 ms) instead of probing 600 ids in the primary key (3 ms).
- jit: the app's statements are short index reads, but a list of 1 000 case ids makes the
  planner's cost estimate pass jit_above_cost, and compiling the plan to machine code then
  took 20–24 ms of a 45 ms statement (the chef's caseload: ten such statements)."""


def configure_database(engine: Engine) -> None:
    require_postgresql(engine)
    with engine.begin() as connection:
        name = connection.scalar(text("SELECT current_database()"))
        raw = _driver_connection(connection)
        with raw.cursor() as cursor:
            _set_for_database(cursor, name, DATABASE_SETTINGS)


def _set_for_database(cursor, database: str, settings: dict[str, str]) -> None:
    """Settings every new connection to `database` gets (`ALTER DATABASE … SET`)."""
    for setting, value in settings.items():
        cursor.execute(
            sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                sql.Identifier(database),
                sql.Identifier(*setting.split(".")),  # "pgaudit.role": two identifiers
                sql.Literal(value),
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
        members = text(
            "SELECT count(*) FROM pg_auth_members m "
            "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member "
            "WHERE g.rolname = :group AND r.rolcanlogin"
        )
        logins = connection.scalar(members, {"group": APP_ROLE})
        eservice_logins = connection.scalar(members, {"group": ESERVICE_ROLE})
        read_log_on = connection.scalar(
            text(
                "SELECT 1 FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
                "WHERE d.datname = current_database() AND s.setrole = 0 "
                "AND :setting = ANY (s.setconfig)"
            ),
            {"setting": f"pgaudit.role={READ_LOG_ROLE}"},
        )
        user_objects = _user_objects(connection)
    missing = _read_log_missing(engine)
    if read_log_on and not missing:
        read_log = "på (pgaudit: varje läsning av ärendetabellerna skrivs i serverns logg)"
    else:
        read_log = f"av: {missing or 'kör db init-server som superanvändare'}"
    return ServerReport(
        migrate.current_revision(engine) or "",
        list(tables),
        int(logins or 0),
        int(eservice_logins or 0),
        read_log,
        user_objects,
    )


def create_login(engine: Engine, username: str, password: str) -> None:
    """A login role for the active user `username` (or a new password for an existing one),
    member of `APP_ROLE`.

    The password never leaves this computer: libpq computes its SCRAM-SHA-256 verifier here
    (PQencryptPasswordConn) and the server stores that as it is, so a statement log
    (`log_statement = ddl`) or pg_stat_statements shows no password (issue 18, point 8)."""
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
        owner = connection.scalar(text("SELECT current_user"))
        raw = _driver_connection(connection)
        verifier = raw.pgconn.encrypt_password(
            password.encode(), username.encode(), b"scram-sha-256"
        ).decode()
        statement = sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
            sql.SQL("ALTER" if exists else "CREATE"),
            sql.Identifier(username),
            sql.Literal(verifier),
        )
        with raw.cursor() as cursor:
            cursor.execute(statement)
            try:
                cursor.execute(
                    sql.SQL("GRANT {} TO {}").format(
                        sql.Identifier(APP_ROLE), sql.Identifier(username)
                    )
                )
            except psycopg.errors.InsufficientPrivilege as exc:
                # PostgreSQL 16: CREATEROLE grants only roles one holds WITH ADMIN OPTION
                # (the creator of a role gets it; the owner may not have made APP_ROLE)
                raise ServerSetupError(
                    f"Du får inte ge rollen {APP_ROLE} till andra. En superanvändare ger dig "
                    f"rätten med: GRANT {APP_ROLE} TO {owner} WITH ADMIN OPTION"
                ) from exc


def create_eservice_login(engine: Engine, name: str, password: str) -> None:
    """A login role `name` for the e-service (or a new password for it), member of
    `ESERVICE_ROLE` only: it can deliver applications into intake_submissions and do nothing
    else. Not for a user of the program: a role that is one, or is in `APP_ROLE`, is refused.
    The password is sent as a SCRAM verifier computed here, as in `create_login`."""
    require_postgresql(engine)
    if len(password) < 12:
        raise ServerSetupError("Lösenordet måste ha minst 12 tecken.")
    with engine.begin() as connection:
        if connection.scalar(select(User.id).where(User.username == name)) is not None:
            raise ServerSetupError(
                f"{name!r} är en användare i Ärendestöd; e-tjänsten behöver en egen roll."
            )
        exists = connection.scalar(
            text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name}
        )
        in_app = (
            connection.scalar(
                text("SELECT pg_has_role(:name, :group, 'MEMBER')"),
                {"name": name, "group": APP_ROLE},
            )
            if exists
            else False
        )
        if in_app:
            raise ServerSetupError(
                f"Rollen {name!r} hör till {APP_ROLE} (programmets användare); e-tjänsten "
                "behöver en egen roll."
            )
        raw = _driver_connection(connection)
        verifier = raw.pgconn.encrypt_password(
            password.encode(), name.encode(), b"scram-sha-256"
        ).decode()
        with raw.cursor() as cursor:
            cursor.execute(
                sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
                    sql.SQL("ALTER" if exists else "CREATE"),
                    sql.Identifier(name),
                    sql.Literal(verifier),
                )
            )
            try:
                cursor.execute(
                    sql.SQL("GRANT {} TO {}").format(
                        sql.Identifier(ESERVICE_ROLE), sql.Identifier(name)
                    )
                )
            except psycopg.errors.InsufficientPrivilege as exc:
                owner = connection.scalar(text("SELECT current_user"))
                raise ServerSetupError(
                    f"Du får inte ge rollen {ESERVICE_ROLE} till andra. En superanvändare ger "
                    f"dig rätten med: GRANT {ESERVICE_ROLE} TO {owner} WITH ADMIN OPTION"
                ) from exc
