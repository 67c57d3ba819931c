"""Shared test setup: Qt runs offscreen; helpers for a database with fictional demo data."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import keyring
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
# The machine's and the developer's own configuration files (app.settings.configuration) stay out of
# the tests; tests/test_configuration.py writes its own.
os.environ["ARENDESTOD_SYSTEM_CONFIG"] = os.devnull + ".arendestod-no-system-config.toml"
os.environ["ARENDESTOD_CONFIG"] = os.devnull + ".arendestod-no-user-config.toml"

from app.settings import configuration
from app.settings.configuration import Configuration

# PostgreSQL: the server fixtures (skipped without $ARENDESTOD_TEST_PG_URL, failing in CI).
from tests.helpers import MemoryKeyring
from tests.pg import pg_migrated_template, pg_server, skip_marker, uses_postgresql  # noqa: F401


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a server, mark the PostgreSQL tests skipped up front: `-ra` then sums them up
    per file instead of one line per test. (In CI there is no marker: they fail.)"""
    marker = skip_marker()
    if marker is None:
        return
    for item in items:
        if uses_postgresql(item):
            item.add_marker(marker)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """A keyring that stores secrets, in memory (the tests' default is the null backend)."""
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def configure(tmp_path, monkeypatch) -> Iterator[Callable[..., Configuration]]:
    """Makes configuration files this test's: `configure(system="…toml…", user=None)`
    writes them in tmp_path/config (None: no such file) and returns the configuration the
    app reads from them."""
    folder = tmp_path / "config"
    folder.mkdir()

    def write(system: str | None = None, user: str | None = None) -> Configuration:
        for variable, name, text in (
            (configuration.SYSTEM_ENV, "system.toml", system),
            (configuration.USER_ENV, "user.toml", user),
        ):
            path = folder / name
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(text, encoding="utf-8")
            monkeypatch.setenv(variable, str(path))
        return configuration.reload()

    yield write
    configuration.current.cache_clear()  # the next test reads its own environment's files
