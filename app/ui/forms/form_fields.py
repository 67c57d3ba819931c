"""One input widget per field type, built from the definition (never per form)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.forms.answers import FormContext
from app.forms.definition import Field, FieldType
from app.ui.widgets.date_field import DateField
from app.ui.widgets.messages import name_field


class FieldInput:
    """Wraps the Qt widget for one field: get/set the JSON value, read-only, change signal."""

    def __init__(self, field: Field, context: FormContext, on_change: Callable[[], None]):
        self.field = field
        self.widget = self._build(field, context)
        # the label sits beside the field's box (with its help and error), not beside the
        # field, so Qt cannot find it for a screen reader: the name is given here
        name_field(self.widget, field.label)
        self.widget.setAccessibleDescription(field.help or "")
        self._connect(on_change)

    def _build(self, field: Field, context: FormContext) -> QWidget:
        kind = field.type
        if kind is FieldType.LONG_TEXT:
            widget = QPlainTextEdit()
            widget.setTabChangesFocus(True)
            widget.setFixedHeight(96)  # scrolls inside; keeps the form overview compact
            return widget
        if kind is FieldType.DATE:
            return DateField(None, optional=True)
        if kind is FieldType.COMPUTED:
            label = QLabel()
            label.setWordWrap(True)
            label.setStyleSheet("background: #f3f3f3; padding: 4px;")
            return label
        if kind in (FieldType.CHOICE, FieldType.YES_NO, FieldType.YES_NO_UNKNOWN, FieldType.PERSON):
            combo = QComboBox()
            combo.addItem("– välj –", "")
            if kind is FieldType.PERSON:
                for person in context.members:
                    combo.addItem(f"{person.name} ({person.age} år)", person.id)
            else:
                for option in field.choices():
                    combo.addItem(option.label, option.key)
            return combo
        line = QLineEdit()
        line.setMaxLength(max(field.max_length + 1, 1))  # one over, so the message shows
        return line

    def _connect(self, on_change: Callable[[], None]) -> None:
        widget = self.widget

        def notify(*_signal_args: object) -> None:  # signals pass the new value; not needed
            on_change()

        if isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(notify)
        elif isinstance(widget, DateField):
            widget.dateChanged.connect(notify)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(notify)
        elif isinstance(widget, QLineEdit):
            widget.textChanged.connect(notify)

    def value(self) -> Any:
        widget = self.widget
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, DateField):
            chosen = widget.value()
            return chosen.isoformat() if chosen else ""
        if isinstance(widget, QComboBox):
            return widget.currentData() or ""
        if isinstance(widget, QLineEdit):
            return widget.text()
        return None  # computed: not stored

    def set_value(self, value: Any) -> None:
        widget = self.widget
        text = "" if value is None else str(value)
        widget.blockSignals(True)
        try:
            if isinstance(widget, QPlainTextEdit):
                widget.setPlainText(text)
            elif isinstance(widget, DateField):
                try:
                    widget.set_value(date.fromisoformat(text) if text else None)
                except ValueError:
                    widget.set_value(None)
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(text)))
            elif isinstance(widget, QLineEdit | QLabel):
                widget.setText(text)
        finally:
            widget.blockSignals(False)

    def set_read_only(self, read_only: bool) -> None:
        widget = self.widget
        if isinstance(widget, QPlainTextEdit | QLineEdit):
            widget.setReadOnly(read_only)
        elif isinstance(widget, QComboBox | DateField):
            widget.setEnabled(not read_only)
