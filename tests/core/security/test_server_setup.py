"""Setting up a shared server as the README's owner: a role with CREATEROLE that owns the
database, not a superuser (issue 18, point 9). Everything but the server's read log
(pgaudit, which only a superuser turns on) must work, and say what it could not do."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import text, update

from app import cli
from app.db import server_roles
from app.models import User
from tests.core.security.test_server_access_control import _log_lines_with, on_postgresql
from tests.pg import LOG_VARIABLE, PgServer

OWNER_PASSWORD = "ägarens-långa-lösenord"


@pytest.fixture
def owned_database(pg_server: PgServer) -> Iterator[str]:
    """URL of an empty database owned by a role with CREATEROLE, logging in as that role."""
    owner = f"t{os.getpid()}_agare"
    with pg_server.admin.connect() as connection:
        connection.execute(
            text(
                f"CREATE ROLE {pg_server._quote(owner)} LOGIN CREATEROLE "
                f"PASSWORD {pg_server._literal(OWNER_PASSWORD)}"
            )
        )
    try:
        with pg_server.database(kind="owned") as name:
            with pg_server.admin.connect() as connection:
                connection.execute(
                    text(
                        f"ALTER DATABASE {pg_server._quote(name)} "
                        f"OWNER TO {pg_server._quote(owner)}"
                    )
                )
                # the app's group role belongs to the whole server and other tests' databases
                # made it already; PostgreSQL 16 lets a CREATEROLE owner grant it only WITH
                # ADMIN OPTION (which the role's creator gets: on a new server, the owner)
                connection.execute(
                    text(
                        f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = "
                        f"'{server_roles.APP_ROLE}') THEN GRANT {server_roles.APP_ROLE} TO "
                        f"{pg_server._quote(owner)} WITH ADMIN OPTION; END IF; END $$"
                    )
                )
            yield pg_server.url.set(
                database=name, username=owner, password=OWNER_PASSWORD
            ).render_as_string(hide_password=False)
    finally:
        pg_server.drop_role(owner)


def test_init_server_and_demo_work_for_an_owner_who_is_not_superuser(
    pg_server, owned_database, capsys, monkeypatch
) -> None:
    admin = f"t{os.getpid()}_forsta.admin"
    monkeypatch.setattr("sys.stdin", io.StringIO("ett-långt-lösenord\n"))
    try:
        code = cli.main(
            [
                "--db", owned_database, "db", "init-server", "--first-admin", admin,
                "--full-name", "Första Admin", "--password-stdin",
            ]
        )  # fmt: skip
        said = capsys.readouterr()
        assert code == 0, said.err
        assert "Serverns logg över läsningar: av: " in said.out
        assert "Användarna kan skapa egna objekt: nej." in said.out
        # demo data on the initialised server: every decision signed as the server allows
        code = cli.main(["--db", owned_database, "demo", "--households", "6"])
        said = capsys.readouterr()
        assert code == 0, said.err
    finally:
        pg_server.drop_role(admin)


@on_postgresql
def test_create_login_sends_no_password_to_the_server(db, staff, pg_server) -> None:
    """With every DDL statement in the server's log, the password is not in it: the server
    gets a SCRAM verifier computed on the client."""
    log_path = pg_server.log
    if log_path is None or not os.access(log_path, os.R_OK):
        pytest.skip(f"{LOG_VARIABLE} (serverns loggfil) är inte satt (.ci/postgres.sh)")
    name = db.engine.url.database
    with db.engine.begin() as connection:
        connection.execute(text(f"ALTER DATABASE \"{name}\" SET log_statement = 'ddl'"))
    db.engine.dispose()
    role = f"t{os.getpid()}_loggprov"
    password = f"hemligt-{uuid.uuid4().hex}"
    with db.sessions.begin() as session:
        session.execute(update(User).where(User.id == staff.caseworker.id).values(username=role))
    try:
        with open(log_path, "rb") as log:
            log.seek(0, os.SEEK_END)
            server_roles.create_login(db.engine, role, password)
            lines = _log_lines_with(log, role)
        created = [line for line in lines if "ROLE" in line and "PASSWORD" in line]
        assert created, lines
        assert "SCRAM-SHA-256$" in created[0]
        assert not any(password in line for line in lines)
        login = pg_server.url.set(database=name, username=role, password=password)
        with psycopg.connect(
            login.render_as_string(hide_password=False).replace("+psycopg", "")
        ) as conn:
            assert conn.execute("SELECT arendestod_user_role()").fetchone() == ("handlaggare",)
    finally:
        db.engine.dispose()
        pg_server.drop_role(role)
