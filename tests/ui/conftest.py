"""GUI test fixtures: a migrated SQLite file with demo data, a fixed clock, a logged-in user."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from app.common import clock
from app.db.database import Database, open_database
from app.demo import demo_data
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.widgets import messages
from tests.helpers import login

FIXED_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def fixed_clock() -> Iterator[datetime]:
    clock.set_now(lambda: FIXED_NOW)
    yield FIXED_NOW
    clock.set_now(None)


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database the GUI tests start from, migrated and generated once per test
    process (at FIXED_NOW, seed 11) and copied for each test: migrating and generating it
    for every test was ~3 s each, a quarter of the suite's time."""
    path = tmp_path_factory.mktemp("demo") / "gui.sqlite3"
    clock.set_now(lambda: FIXED_NOW)
    try:
        database = open_database(f"sqlite:///{path}", plain_sqlite_for_tests=True)
        try:
            with database.sessions.begin() as session:
                demo_data.generate(session, 40, seed=11)
            with database.engine.connect() as connection:
                connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        finally:
            database.dispose()
    finally:
        clock.set_now(None)
    return path


@pytest.fixture
def demo_database(
    tmp_path: Path, fixed_clock: datetime, _demo_template: Path
) -> Iterator[Database]:
    """A copy of the demo database of this test's own."""
    target = tmp_path / "gui.sqlite3"
    shutil.copy2(_demo_template, target)
    database = open_database(f"sqlite:///{target}", plain_sqlite_for_tests=True)
    yield database
    database.dispose()


@pytest.fixture
def caseworker(demo_database: Database) -> AppContext:
    return login(demo_database, "sara.nilsson")


def _shown_window(qtbot, context: AppContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)  # shortcuts only reach the active window
    return window


@pytest.fixture
def main_window(qtbot, caseworker: AppContext) -> MainWindow:
    return _shown_window(qtbot, caseworker)


@pytest.fixture
def chef(demo_database: Database) -> AppContext:
    return login(demo_database, "eva.lind")


@pytest.fixture
def chef_window(qtbot, chef: AppContext) -> MainWindow:
    return _shown_window(qtbot, chef)


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes are modal and would block a test: record their texts instead.

    Questions are answered 'Ja', unsaved changes 'Stäng utan att spara'; tests assert on
    what the user was told or asked."""
    shown: list[str] = []

    def record(answer):
        def box(_parent, _title, text, *args, **kwargs):
            shown.append(text)
            return answer

        return staticmethod(box)

    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, record(QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "about", record(None))
    monkeypatch.setattr(QMessageBox, "question", record(QMessageBox.StandardButton.Yes))
    # unsaved changes: dropped unless a test answers otherwise
    monkeypatch.setattr(
        messages,
        "ask_unsaved_changes",
        lambda _parent, _title, text: shown.append(text) or QMessageBox.StandardButton.Discard,
    )
    return shown
