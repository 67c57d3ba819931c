"""Which driver a URL gets, and how PostgreSQL connections are set up."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.db.engine import database_url, make_engine
from tests.pg import PgServer


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://sara@db.kommun.se/arende", "postgresql+psycopg"),
        ("postgres://sara@db.kommun.se/arende", "postgresql+psycopg"),
        ("postgresql+psycopg://sara@db.kommun.se/arende", "postgresql+psycopg"),
        ("postgresql+psycopg2://sara@db.kommun.se/arende", "postgresql+psycopg2"),
        ("sqlite:///arende.sqlite3", "sqlite"),
    ],
)
def test_postgresql_urls_get_psycopg_3(given: str, driver: str) -> None:
    assert database_url(given).drivername == driver


def test_url_keeps_user_password_host_and_database() -> None:
    url = database_url("postgresql://sara:hemligt@db.kommun.se:5433/arende?sslmode=require")
    assert url.render_as_string(hide_password=False) == (
        "postgresql+psycopg://sara:hemligt@db.kommun.se:5433/arende?sslmode=require"
    )


def test_postgresql_engine_pings_and_works_in_utc(pg_server: PgServer) -> None:
    engine = make_engine(pg_server.url_string(pg_server.url.database or "postgres"))
    try:
        assert engine.dialect.driver == "psycopg"
        assert engine.pool._pre_ping
        with engine.connect() as connection:
            assert connection.scalar(text("SHOW TIME ZONE")) == "UTC"
            connection.rollback()
            # still UTC after a rollback: the setting is not part of a transaction
            assert connection.scalar(text("SHOW TIME ZONE")) == "UTC"
    finally:
        engine.dispose()
