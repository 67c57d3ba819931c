"""Which database to open: --db, then $ARENDESTOD_DB, then the configuration files'
database.url (app.settings.configuration), then the local SQLite file."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from app.settings import configuration
from app.settings.configuration import APP_NAME

ENV_VAR = "ARENDESTOD_DB"


def default_sqlite_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "arendestod.sqlite3"


def resolve_database_url(cli_url: str | None = None) -> str:
    if cli_url:
        return cli_url
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR]
    return configuration.current().database_url or f"sqlite:///{default_sqlite_path()}"


def default_replica_path() -> Path:
    """The laptop's encrypted offline replica (app.db.replica)."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "offline-replika.sqlcipher"


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)
