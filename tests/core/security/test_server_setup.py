"""Setting up a shared server as the README's owner: a role with CREATEROLE that owns the
database, not a superuser (issue 18, point 9). Everything but the server's read log
(pgaudit, which only a superuser turns on) must work, and say what it could not do."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from app import cli
from tests.pg import PgServer

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
            yield pg_server.url.set(
                database=name, username=owner, password=OWNER_PASSWORD
            ).render_as_string(hide_password=False)
    finally:
        pg_server.drop_role(owner)


def test_init_server_works_for_an_owner_who_is_not_superuser(
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
    finally:
        pg_server.drop_role(admin)
