"""Starting the program on a local database (`run_gui`): the file it makes or opens is
encrypted, with the key in the keyring or, without a keyring, a passphrase the user chooses
in a dialog before the first-run or login window and types at every start."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import keyring
import pytest
import sqlcipher3
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QLineEdit

from app.ui.application import run_gui
from tests.helpers import type_text

PASSPHRASE = "hembesök i Norrby 2026"
SQLITE_HEADER = b"SQLite format 3\x00"


def assert_encrypted(path: Path) -> None:
    assert path.read_bytes()[:16] != SQLITE_HEADER
    with pytest.raises(sqlite3.DatabaseError), closing(sqlite3.connect(path)) as connection:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchall()


def count_with(path: Path, key: str, table: str) -> int:
    with closing(sqlcipher3.dbapi2.connect(str(path))) as connection:
        connection.execute(f"PRAGMA key = {key}")
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def run_answering(url: str, typed: list[str]) -> list[str]:
    """Start the program and act as the user: type each of `typed` into the passphrase
    dialogs as they come, close the first window after them (first run or login). Returns
    what each window asked (its label or title)."""
    seen: list[str] = []

    def step() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QInputDialog):
            seen.append(widget.labelText())
            field = widget.findChild(QLineEdit)
            assert field is not None and field.echoMode() == QLineEdit.EchoMode.Password
            type_text(field, typed.pop(0) + "\n")
        elif isinstance(widget, QDialog):
            seen.append(widget.windowTitle())
            widget.reject()

    timer = QTimer()
    timer.timeout.connect(step)
    timer.start(20)
    try:
        assert run_gui(url) == 0
    finally:
        timer.stop()
    assert typed == [], "every passphrase was asked for"
    return seen


def test_without_a_keyring_the_user_chooses_a_passphrase_and_types_it_at_each_start(
    qapp, tmp_path, dialogs
) -> None:
    path = tmp_path / "arendestod.sqlite3"
    url = f"sqlite:///{path}"
    asked = run_answering(url, [PASSPHRASE, PASSPHRASE])
    assert asked[0].startswith("Välj en lösenfras för databasen (minst 12 tecken).")
    assert asked[0].endswith(f"Databasen: {path}")
    assert asked[1:] == ["Skriv lösenfrasen en gång till.", "Välkommen till Ärendestöd"]
    assert_encrypted(path)
    passphrase_key = "'" + PASSPHRASE.replace("'", "''") + "'"
    assert count_with(path, passphrase_key, "users") == 0  # the first run was cancelled

    asked = run_answering(url, ["fel lösenfras, inte rätt", PASSPHRASE])
    assert asked == [f"Skriv lösenfrasen för databasen {path}."] * 2 + ["Välkommen till Ärendestöd"]
    assert "fel nyckel eller lösenfras" in dialogs[-1]


def test_with_a_keyring_the_key_is_kept_there_and_nothing_is_asked(
    qapp, tmp_path, memory_keyring
) -> None:
    path = tmp_path / "arendestod.sqlite3"
    assert run_answering(f"sqlite:///{path}", []) == ["Välkommen till Ärendestöd"]
    assert_encrypted(path)
    stored = keyring.get_password("Ärendestöd", f"local-db-key:{path.resolve()}")
    assert stored is not None and len(stored) == 64
    assert count_with(path, f"\"x'{stored}'\"", "users") == 0


def test_a_plain_database_of_an_older_version_is_encrypted_at_the_start(
    qapp, demo_database, memory_keyring
) -> None:
    path = Path(demo_database.engine.url.database or "")
    assert path.read_bytes()[:16] == SQLITE_HEADER  # made plain, as before this version
    demo_database.dispose()
    assert run_answering(demo_database.url, []) == ["Logga in – Ärendestöd"]
    assert_encrypted(path)
    stored = keyring.get_password("Ärendestöd", f"local-db-key:{path.resolve()}")
    assert count_with(path, f"\"x'{stored}'\"", "households") == 40
