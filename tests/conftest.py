"""Shared test setup: Qt runs offscreen; helpers for a database with fictional demo data."""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator

import keyring
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    # a 1920×1080 screen, not offscreen's 800×800: the main window is kept within its
    # screen (app/ui/widgets/screen_fit.py), and tests look at it at 1366×768 and 1920×1080
    _screen = os.path.join(os.path.dirname(__file__), "offscreen_screen.json")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
# The machine's and the developer's own configuration files (app.settings.configuration) stay out of
# the tests; tests/test_configuration.py writes its own.
os.environ["ARENDESTOD_SYSTEM_CONFIG"] = os.devnull + ".arendestod-no-system-config.toml"
os.environ["ARENDESTOD_CONFIG"] = os.devnull + ".arendestod-no-user-config.toml"

from app.security import password_hashing
from app.settings import configuration
from app.settings.configuration import Configuration

# PostgreSQL: the server fixtures ($ARENDESTOD_TEST_PG_URL, or a server the tests start).
from tests import pg
from tests.helpers import MemoryKeyring
from tests.pg import pg_migrated_template, pg_server  # noqa: F401

# The one test-only hook of the password hashes: scrypt at the production cost (N = 2¹⁷,
# ~0.5 s and 128 MiB a hash) would make the thousands of logins in the tests slow;
# tests/core/security/test_login_hardening.py checks the production cost itself, and
# tests/ui/security/test_password_checks_in_background.py that the windows answer during it.
password_hashing.use_cheap_cost_for_tests(password_hashing.ScryptCost(n=2**10, r=8, p=1))


@pytest.fixture
def production_cost() -> Iterator[None]:
    """The real scrypt cost for one test (hashes made in it are slow to check, too)."""
    before = password_hashing.current_cost()
    password_hashing.use_cheap_cost_for_tests(None)
    yield
    password_hashing.use_cheap_cost_for_tests(before)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Without a PostgreSQL server its tests are skipped with one line in the summary."""
    report = yield
    pg.one_summary_line(report, call)
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Which PostgreSQL the tests started, if they started one, and how long it took."""
    if pg.started is not None:
        terminalreporter.write_line(
            f"PostgreSQL för testerna: startad från {pg.started.bin} "
            f"på {pg.start_seconds:.1f} s ({pg.URL_VARIABLE} är inte satt)"
        )


@pytest.fixture(autouse=True, scope="session")
def _own_state_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The list of known database files (app.settings.known_databases) and the log folder
    (app.common.logging_setup) are the test run's own, not the developer's."""
    folder = tmp_path_factory.mktemp("state")
    os.environ["ARENDESTOD_KNOWN_DATABASES"] = str(folder / "databaser.json")
    os.environ["ARENDESTOD_LOG_DIR"] = str(folder / "logg")
    yield


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """A keyring that stores secrets, in memory (the tests' default is the null backend).
    One per test: the `db` fixture keeps its SQLite file's key in it too."""
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
