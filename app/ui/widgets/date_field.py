"""A date field in Swedish form (ÅÅÅÅ-MM-DD) with a calendar popup, optionally empty."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget

from app.common import clock

_EMPTY = QDate(2000, 1, 1)


class DateField(QDateEdit):
    def __init__(
        self, value: date | None = None, parent: QWidget | None = None, *, optional: bool = False
    ):
        super().__init__(parent)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setCalendarPopup(True)
        self._optional = optional
        if optional:
            self.setMinimumDate(_EMPTY)
            self.setSpecialValueText("ej angivet")
        self.set_value(value)

    def value(self) -> date | None:
        current = self.date()
        if self._optional and current == _EMPTY:
            return None
        return date(current.year(), current.month(), current.day())

    def set_value(self, value: date | None) -> None:
        if value is None:
            today = clock.today()
            self.setDate(_EMPTY if self._optional else QDate(today.year, today.month, today.day))
        else:
            self.setDate(QDate(value.year, value.month, value.day))
