"""Showing errors to the user in Swedish, and next to the field where possible."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app import storage
from app.common.errors import ServiceError

log = logging.getLogger(__name__)


def user_message(exc: BaseException) -> str:
    if isinstance(exc, ServiceError):
        return str(exc)
    message = storage.error_message(exc)
    if message is not None:
        return message
    log.exception("Oväntat fel", exc_info=exc)
    return f"Ett oväntat fel inträffade: {exc.__class__.__name__}. Ingenting har sparats."


def show_error(parent: QWidget | None, exc: BaseException, title: str = "Det gick inte") -> None:
    QMessageBox.warning(parent, title, user_message(exc))


def show_done(widget: QWidget, message: str, timeout_ms: int = 8000) -> None:
    """What went well ("Brevet sparades som …") goes to the window's status bar, never to a
    red label: red is for what stops the user."""
    window = widget.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, timeout_ms)


def unsaved_changes_box(parent: QWidget | None, title: str, question: str) -> QMessageBox:
    """The question about unsaved changes, with its answers in Swedish whatever Qt's own
    translation says; Esc means Avbryt."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        question,
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        parent,
    )
    for button, text in (
        (QMessageBox.StandardButton.Save, "&Spara"),
        (QMessageBox.StandardButton.Discard, "Stäng &utan att spara"),
        (QMessageBox.StandardButton.Cancel, "Avbryt"),
    ):
        box.button(button).setText(text)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    return box


def ask_unsaved_changes(
    parent: QWidget | None, title: str, question: str
) -> QMessageBox.StandardButton:
    """Save, Discard or Cancel (tests replace this function to answer it)."""
    return QMessageBox.StandardButton(unsaved_changes_box(parent, title, question).exec())


def ask_save_or_discard(
    parent: QWidget | None, title: str, question: str, save: Callable[[], bool]
) -> bool:
    """Spara / Stäng utan att spara / Avbryt for unsaved changes. True when the caller may
    go on: the changes were saved (`save` returned True) or the user chose to drop them."""
    answer = ask_unsaved_changes(parent, title, question)
    if answer == QMessageBox.StandardButton.Cancel:
        return False
    if answer == QMessageBox.StandardButton.Save:
        return save()
    return True


class FieldError(QLabel):
    """A red message shown under a field; hidden while empty."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setStyleSheet("color: #b00020;")
        self.setWordWrap(True)
        self.hide()

    def set_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))


def add_field(
    form: QFormLayout,
    text: str,
    widget: QWidget,
    error: FieldError | None = None,
    *,
    buddy: QWidget | None = None,
) -> QLabel:
    """Add a labelled field whose mnemonic (Alt+letter) focuses the field itself, with its
    error message directly under it (taking no space while there is no error)."""
    label = QLabel(text)
    label.setBuddy(buddy or widget)
    if error is None:
        form.addRow(label, widget)
        return label
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    column.addWidget(error)
    form.addRow(label, box)
    return label
