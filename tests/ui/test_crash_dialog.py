"""An error nobody caught, in a slot or in another thread: logged with its traceback, shown
in a window whose details (version, platform, traceback) can be copied for support and
carry no personnummer and no query parameter; the program goes on."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer, qInstallMessageHandler, qWarning
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel
from sqlalchemy.exc import IntegrityError

from app import __version__
from app.common import logging_setup
from app.db.database import open_database
from app.db.encrypted_file import FileKey
from app.models import Setting
from app.ui import crash_dialog

pytestmark = [pytest.mark.gui, pytest.mark.qt_no_exception_capture]

NUMBER = "19121212-1212"


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Python's own hooks to start from (restored after), a log file of the test's own."""
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    monkeypatch.setattr(threading, "excepthook", threading.__excepthook__)
    monkeypatch.setattr(crash_dialog, "_reporter", None)
    monkeypatch.setenv(logging_setup.ENV_VAR, str(tmp_path / "logg"))
    logging_setup.stop_logging()
    logging_setup.setup_logging(__version__)
    crash_dialog.install()
    yield tmp_path / "logg" / "arendestod.log"
    dialog = crash_dialog.current_dialog()
    if dialog is not None:
        dialog.close()
    logging_setup.stop_logging()


def _logged(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def _shown(qtbot) -> crash_dialog.CrashDialog:
    qtbot.waitUntil(
        lambda: (
            crash_dialog.current_dialog() is not None and crash_dialog.current_dialog().isVisible()
        ),
        timeout=5000,
    )
    dialog = crash_dialog.current_dialog()
    assert dialog is not None
    return dialog


def test_an_error_in_a_slot_is_logged_shown_and_copied(qtbot, hooks: Path) -> None:
    def fails() -> None:
        raise ValueError(f"Ogiltigt personnummer {NUMBER}")

    QTimer.singleShot(0, fails)
    dialog = _shown(qtbot)
    assert dialog.windowTitle() == "Ett fel i Ärendestöd"
    assert (
        "Ärendestöd stötte på ett fel som inte borde hända" in dialog.findChildren(QLabel)[0].text()
    )
    assert str(hooks) in dialog.findChildren(QLabel)[1].text()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"Ärendestöd {__version__}\nPython ")
    assert "Traceback" in copied and "in fails" in copied
    assert "ValueError: Ogiltigt personnummer [dolt]" in copied
    assert NUMBER not in copied
    logged = _logged(hooks)
    assert "Ett fel som inte fångades" in logged and "in fails" in logged
    assert NUMBER not in logged
    # the program goes on: the event loop still runs timers
    went_on: list[bool] = []
    QTimer.singleShot(0, lambda: went_on.append(True))
    qtbot.waitUntil(lambda: went_on == [True])


def test_an_error_in_another_thread_is_shown_by_the_window(qtbot, hooks: Path) -> None:
    def fails() -> None:
        raise RuntimeError("i bakgrunden")

    worker = threading.Thread(target=fails, name="bakgrund")
    worker.start()
    worker.join()
    dialog = _shown(qtbot)
    assert "RuntimeError: i bakgrunden" in dialog.details
    assert "[bakgrund]" in _logged(hooks)


def test_a_database_error_shows_no_parameter(qtbot, hooks: Path, tmp_path: Path) -> None:
    # the encrypted file a user has (SQLCipher), with a key of its own
    database = open_database(f"sqlite:///{tmp_path / 'crash.sqlite3'}", key=FileKey.new_random()[0])
    with database.sessions.begin() as session:
        session.add(Setting(key=NUMBER, value=f"Åsa Öberg {NUMBER}"))

    def fails() -> None:
        with database.sessions.begin() as session:
            session.add(Setting(key=NUMBER, value=f"Åsa Öberg {NUMBER}"))

    QTimer.singleShot(0, fails)
    dialog = _shown(qtbot)
    database.dispose()
    assert "IntegrityError" in dialog.details
    assert "SQL parameters hidden" in dialog.details
    assert "Åsa Öberg" not in dialog.details and "19121212" not in dialog.details
    assert "Åsa Öberg" not in _logged(hooks)
    assert IntegrityError.__name__ in _logged(hooks)


def test_qt_messages_go_to_the_log(hooks: Path) -> None:
    before = crash_dialog.install_qt_log()
    try:
        qWarning("Ett varningsmeddelande från Qt")
    finally:
        qInstallMessageHandler(before)
    assert "WARNING qt [MainThread] Ett varningsmeddelande från Qt" in _logged(hooks)


def test_a_hook_someone_else_set_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def theirs(*_args) -> None:
        pass

    monkeypatch.setattr(sys, "excepthook", theirs)
    crash_dialog.install()
    assert sys.excepthook is theirs
