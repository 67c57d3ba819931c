"""Starting on a missing, emptied or damaged local database: the window names the file,
the problem and the backup, and never shows the first-run dialog over lost data."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from app import cli
from app.db import migrate
from app.db.database import open_database
from app.ui import database_problems
from app.ui.database_problems import MissingDatabaseDialog
from tests.ui.test_installation import start_program

pytestmark = pytest.mark.gui


@pytest.fixture
def made(tmp_path: Path) -> Path:
    """A local database that has been used (and so is remembered), closed."""
    path = tmp_path / "data" / "arendestod.sqlite3"
    database = open_database(f"sqlite:///{path}")
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


def test_an_emptied_database_stops_the_start_instead_of_a_first_run(made, tmp_path) -> None:
    """The real program: before, a 0-byte file opened as a new database ("Välkommen")."""
    made.write_bytes(b"")
    started = start_program(["--db", f"sqlite:///{made}"], tmp_path)
    assert started.stdout.splitlines()[0] == f"ready {database_problems.MISSING_TITLE}"
    assert started.returncode == 1
    assert made.stat().st_size == 0


def test_the_message_names_the_file_and_the_backup(made, dialogs, monkeypatch) -> None:
    backup = migrate.backup_sqlite_file(made)
    made.unlink()
    shown: list[str] = []

    def answer_quit(dialog: MissingDatabaseDialog) -> int:
        shown.append(dialog.text())
        dialog.quit_button.click()
        return 0

    monkeypatch.setattr(MissingDatabaseDialog, "exec", answer_quit)
    assert cli.main(["--db", f"sqlite:///{made}"]) == 1
    assert len(shown) == 1
    assert str(made) in shown[0] and "finns inte" in shown[0] and str(backup) in shown[0]
    assert dialogs == []  # no first-run dialog, no other question
    assert not made.exists()


def test_a_new_database_needs_a_second_yes(qtbot, made, monkeypatch) -> None:
    made.write_bytes(b"")
    dialog = MissingDatabaseDialog("Databasfilen saknas.")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.start_new_button, Qt.MouseButton.LeftButton)
    assert dialog.wants_new_database()
    asked: list[str] = []

    def answer(_parent, _title, question, *_args):
        asked.append(question)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer))
    assert not database_problems.confirm_new_database(dialog)
    assert "ny, tom databas" in asked[0]


def test_a_file_that_is_no_database_is_named_not_an_unexpected_error(tmp_path, dialogs) -> None:
    path = tmp_path / "arendestod.sqlite3"
    path.write_bytes(b"\x00\x13garbage" * 1000)
    assert cli.main(["--db", f"sqlite:///{path}"]) == 1
    assert len(dialogs) == 1
    assert dialogs[0].startswith(f"Databasen kunde inte öppnas.\n\nDatabasfilen {path} är skadad")
    assert "oväntat fel" not in dialogs[0]


def test_the_background_check_names_a_damaged_page(qtbot, made, dialogs) -> None:
    database = open_database(f"sqlite:///{made}")
    with database.engine.connect() as connection:
        root = connection.scalar(text("SELECT rootpage FROM sqlite_master WHERE name = 'users'"))
        page_size = connection.scalar(text("PRAGMA page_size"))
    database.dispose()
    with made.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xa5" * page_size)
    database_problems.check_in_background(database, delay_ms=0)
    qtbot.waitUntil(lambda: bool(dialogs), timeout=10_000)
    assert str(made) in dialogs[0] and "sidor i filen går inte att läsa" in dialogs[0]
