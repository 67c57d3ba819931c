"""What the window says when the local database is missing, emptied or damaged.

A missing or empty file the program once had content in is never replaced without the
user's say: the start stops with the file, the newest backup and what to do, and a new,
empty database is made only after a second, explicit yes. The whole-file check
(app.storage.check_whole_database) runs in the background a few seconds after the start,
at most once a day, and names any damage it finds.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from app import storage
from app.ui.widgets.background import run_in_background

MISSING_TITLE = "Databasen saknas – Ärendestöd"
DAMAGED_TITLE = "Databasen är skadad – Ärendestöd"
CHECK_DELAY_MS = 5000
"""The check reads the whole file: not while the first window is being drawn."""


class MissingDatabaseDialog(QMessageBox):
    """The file, the backup and what to do; "Avsluta" is the default and Escape."""

    def __init__(self, message: str, parent: QWidget | None = None):
        super().__init__(QMessageBox.Icon.Critical, MISSING_TITLE, message, parent=parent)
        self.quit_button = self.addButton("Avsluta", QMessageBox.ButtonRole.RejectRole)
        self.start_new_button = self.addButton(
            "Starta en ny, tom databas …", QMessageBox.ButtonRole.DestructiveRole
        )
        self.setDefaultButton(self.quit_button)
        self.setEscapeButton(self.quit_button)
        self.setStyleSheet(
            "QLabel#qt_msgbox_label { min-width: 460px; }"
        )  # a long path reads on few lines

    def wants_new_database(self) -> bool:
        return self.clickedButton() is self.start_new_button


def confirm_new_database(parent: QWidget | None) -> bool:
    """The second question: nothing is made on one click."""
    answer = QMessageBox.question(
        parent,
        "Ny, tom databas",
        "Vill du verkligen börja om med en ny, tom databas? Ärenden, journaler och beslut "
        "i den gamla filen kommer inte tillbaka av sig själva; de kan bara återställas "
        "från en säkerhetskopia. Svara Nej om du är osäker och kontakta IT först.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_start_new(message: str) -> bool:
    """Whether the user chose, and confirmed, a new empty database instead of stopping."""
    dialog = MissingDatabaseDialog(message)
    dialog.exec()
    return dialog.wants_new_database() and confirm_new_database(None)


def check_in_background(database: storage.Database, *, delay_ms: int = CHECK_DELAY_MS) -> None:
    """The whole-file check, quietly off the GUI thread; a message only if damaged."""

    def start() -> None:
        run_in_background(
            None,
            lambda _report: storage.check_whole_database(database),
            on_done=_tell_damage,
            on_error=lambda _error: None,  # the check itself failed: the next start tries
            label="Databasen kontrolleras",
            quiet=True,
        )

    QTimer.singleShot(delay_ms, start)


def _tell_damage(damage: storage.DatabaseDamaged | None) -> None:
    if damage is not None:
        QMessageBox.critical(None, DAMAGED_TITLE, str(damage))
