"""Starting on a missing, emptied or damaged local database: the window names the file,
the problem and the backup, and never shows the first-run dialog over lost data."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox
from sqlalchemy import text

from app import cli
from app.db import migrate
from app.db.encrypted_file import FileKey
from app.security import credentials
from app.security.local_key import open_for_user
from app.ui import database_problems
from app.ui.database_problems import MissingDatabaseDialog
from tests.ui.test_installation import start_program

pytestmark = pytest.mark.gui

PASSPHRASE = "en lång lösenfras för testet"


class Prompts(list[str]):
    """The passphrase prompts' texts; `answers` are typed into them in turn, and a prompt
    with no answer left is cancelled."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[str] = []


@pytest.fixture(autouse=True)
def passphrase_prompts(monkeypatch: pytest.MonkeyPatch) -> Prompts:
    """The passphrase prompt (app.ui.offline.passphrase_prompt) is modal: recorded and
    answered from the list, as `dialogs` does for message boxes."""
    asked = Prompts()

    def get_text(_parent, _title, label, *_args, **_kwargs):
        asked.append(label)
        return (asked.answers.pop(0), True) if asked.answers else ("", False)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    return asked


@pytest.fixture
def made(tmp_path: Path, memory_keyring) -> Path:
    """A local database that has been used (and so is remembered), closed; its key is in
    the keyring."""
    path = tmp_path / "data" / "arendestod.sqlite3"
    database = open_for_user(f"sqlite:///{path}")
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


def test_the_message_names_the_file_and_the_backup(
    made, dialogs, passphrase_prompts, monkeypatch
) -> None:
    database = open_for_user(f"sqlite:///{made}")
    try:
        backup = migrate.backup_sqlite_file(database.engine, made)
    finally:
        database.dispose()
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
    assert dialogs == [] and passphrase_prompts == []  # no first-run dialog, no question
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


def _garbage(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00\x13garbage" * 1000)


def test_a_file_that_is_no_database_is_named_not_an_unexpected_error(
    tmp_path, dialogs, passphrase_prompts, memory_keyring
) -> None:
    """The keyring's key, made for this file, does not open it: the file is damaged (the
    key cannot have been mistyped), named with its newest backup; no passphrase asked."""
    path = tmp_path / "arendestod.sqlite3"
    _garbage(path)
    credentials.save_local_key(path, FileKey.new_random()[1])
    backup = tmp_path / "arendestod.backup-20261201T080000Z.sqlite3"
    backup.write_bytes(b"en krypterad kopia")
    assert cli.main(["--db", f"sqlite:///{path}"]) == 1
    assert len(dialogs) == 1
    assert dialogs[0].startswith(f"Databasen kunde inte öppnas.\n\nDatabasfilen {path} är skadad")
    assert str(backup) in dialogs[0]
    assert "oväntat fel" not in dialogs[0] and "lösenfras" not in dialogs[0]
    assert passphrase_prompts == []


def test_a_typed_passphrase_that_does_not_open_the_file_is_asked_again(
    tmp_path, dialogs, passphrase_prompts
) -> None:
    """No keyring: the passphrase the user typed may be mistyped, so that is what is said,
    and the prompt comes back (cancelled here)."""
    path = tmp_path / "arendestod.sqlite3"
    _garbage(path)
    passphrase_prompts.answers.append(PASSPHRASE)
    assert cli.main(["--db", f"sqlite:///{path}"]) == 1
    assert passphrase_prompts == [f"Skriv lösenfrasen för databasen {path}."] * 2
    assert len(dialogs) == 1 and "fel nyckel eller lösenfras" in dialogs[0]
    assert "skadad" not in dialogs[0]


def test_the_background_check_names_a_damaged_page(qtbot, made, dialogs) -> None:
    database = open_for_user(f"sqlite:///{made}")
    with database.engine.connect() as connection:
        root = connection.scalar(text("SELECT rootpage FROM sqlite_master WHERE name = 'users'"))
        page_size = int(connection.scalar(text("PRAGMA page_size")))  # SQLCipher: text
    database.dispose()
    with made.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xa5" * page_size)
    database_problems.check_in_background(database, delay_ms=0)
    qtbot.waitUntil(lambda: bool(dialogs), timeout=10_000)
    assert str(made) in dialogs[0] and "sidor i filen går inte att läsa" in dialogs[0]
