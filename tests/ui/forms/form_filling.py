"""Filling a generated form through its widgets, as a user would (helper for form tests)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit

from app.forms.definition import FieldType
from app.ui.forms.form_editor import FormEditor
from app.ui.widgets.date_field import DateField


def answer_for(path: str) -> str:
    return f"Svar {path} – åäö"


def fill_everything(editor: FormEditor, *, choice_index: int = 1) -> dict[str, str]:
    """Give every editable field a value through its widget; returns what was entered.

    Yes/no questions get "Nej" (index 2) so conditional fields stay optional unless a
    test wants otherwise."""
    entered: dict[str, str] = {}
    for path, field_input in list(editor.inputs.items()):
        widget, kind = field_input.widget, field_input.field.type
        if kind is FieldType.COMPUTED:
            continue
        if isinstance(widget, DateField):  # before QLineEdit: a date field is one
            from datetime import date

            widget.set_value(date(2026, 12, 15))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(answer_for(path))
        elif isinstance(widget, QLineEdit):
            text = "EB-2026-000001" if path.endswith(".arende") else answer_for(path)[:40]
            widget.setText(text)
        elif isinstance(widget, QComboBox):
            index = 2 if kind in (FieldType.YES_NO, FieldType.YES_NO_UNKNOWN) else choice_index
            widget.setCurrentIndex(min(index, widget.count() - 1))
        entered[path] = str(field_input.value())
    return entered
