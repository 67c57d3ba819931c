"""Showing errors to the user in Swedish, and next to the field where possible."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import SignalInstance
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
from app.ui.widgets.date_field import TypedField

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


_CHANGE_SIGNALS = (
    "textChanged",
    "dateChanged",
    "dateTimeChanged",
    "valueChanged",
    "currentIndexChanged",
    "toggled",
    "itemChanged",
)
"""The signals, in order, by which an input says its value changed (QLineEdit,
QPlainTextEdit, DateField/QDateEdit, spin boxes, QComboBox, check boxes, a list of
check boxes): each input has one of them, and setting the value from the program emits
it as typing does."""


def spoken_name(label_text: str) -> str:
    """A label's text as a screen reader should say it: no mnemonic "&", no trailing ":"
    or required-mark "*" ("Belopps&gräns per beslut:" -> "Beloppsgräns per beslut")."""
    text = label_text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.strip().rstrip("*").strip().rstrip(":").strip()


def name_field(widget: QWidget, label_text: str) -> None:
    """Give `widget` the accessible name of its label. Qt finds a buddy label only among
    the widget's siblings, so a field put in a box with its error message (or a hint)
    loses its name to a screen reader unless it is set."""
    name = spoken_name(label_text)
    widget.setAccessibleName(name)
    proxy = widget.focusProxy()
    if proxy is not None and not proxy.accessibleName():
        proxy.setAccessibleName(name)


class FieldError(QLabel):
    """A red message shown under a field; hidden while empty.

    Once it `follow`s its field, the message is also the field's accessible description
    (what a screen reader says after the name) and it goes as soon as the field is valid:
    on each change of the field it asks `check` again, or, without a check, clears itself
    (the message spoke of a value that is gone; saving checks the new one). Under a date
    field it also shows why a typed text is no date, and keeps its message until the text
    is a date."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setStyleSheet("color: #b00020;")
        self.setWordWrap(True)
        self.hide()
        self._field: QWidget | None = None
        self._description = ""
        self._check: Callable[[], str] | None = None

    def follow(self, field: QWidget, check: Callable[[], str] | None = None) -> None:
        """Tie the message to `field` (see the class)."""
        self._field = field
        self._description = field.accessibleDescription()
        self._check = check
        if isinstance(field, TypedField):
            field.errors_shown_below = True
            field.errorChanged.connect(self.set_message)
            self._check = lambda: self.text() if field.text_error() else (check() if check else "")
        for name in _CHANGE_SIGNALS:
            signal = getattr(field, name, None)
            if isinstance(signal, SignalInstance):
                signal.connect(self._field_changed)
                break

    def set_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))
        if self._field is not None:
            self._field.setAccessibleDescription(message or self._description)

    def _field_changed(self, *_value: object) -> None:
        if not self.text():
            return  # no message yet: the field is checked when the user goes on, not per key
        self.set_message(self._check() if self._check is not None else "")


def add_field(
    form: QFormLayout,
    text: str,
    widget: QWidget,
    error: FieldError | None = None,
    *,
    buddy: QWidget | None = None,
    check: Callable[[], str] | None = None,
) -> QLabel:
    """Add a labelled field whose mnemonic (Alt+letter) focuses the field itself, with its
    error message directly under it (taking no space while there is no error). The field
    (`buddy` if given) gets the label's text as its accessible name and the message as its
    description; the message goes when the field changes and `check` finds no problem."""
    label = QLabel(text)
    field = buddy or widget
    label.setBuddy(field)
    name_field(field, text)
    if error is None:
        form.addRow(label, widget)
        return label
    error.follow(field, check)
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    column.addWidget(error)
    form.addRow(label, box)
    return label
