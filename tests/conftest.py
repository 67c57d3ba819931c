"""Shared test setup: Qt runs offscreen; helpers for a database with fictional demo data."""

from __future__ import annotations

import os
from collections.abc import Iterator

import keyring
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

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
