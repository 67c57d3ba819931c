"""A date field that is one Tab stop: typed in any of the usual Swedish forms (2026-12-07,
20261207, 261207, 7/12 2026, 7 dec 2026, 7.12.2026), shown as ÅÅÅÅ-MM-DD, with a calendar
that opens from its button (not a Tab stop) or Alt+Ned/F4; Upp/Ned step a day. A
QDateEdit stopped at each of its three sections, so Tab took three to five presses."""

from __future__ import annotations

from abc import abstractmethod
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, QPoint, Qt, QTime, Signal
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QStyle, QToolTip, QWidget

from app.common import clock
from app.common.date_input import (
    DateInputError,
    date_text,
    datetime_text,
    parse_date,
    parse_datetime,
)

Day = date
"""`date` where DateField's own `date()` method hides the type."""

_ERROR_STYLE = "QLineEdit { border: 2px solid #b00020; }"


def _qdate(value: date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value else QDate()


class TypedField(QLineEdit):
    """What the date and the date-time field share: the text is parsed when the user
    leaves the field (or the value is asked for); a text that is no date stays, marked,
    with the reason shown, and the last good value is kept. The reason is shown by the
    FieldError under the field where there is one (`errorChanged`), else in the tooltip;
    the mark goes as soon as the text is a date again."""

    errorChanged = Signal(str)
    """Why the text is not a date, or "" once it is one."""
    _hint = ""
    _widest = "30 september 2026"

    def __init__(self, parent: QWidget | None, optional: bool):
        super().__init__(parent)
        self._optional = optional
        self.error = ""
        """Why the text is not a date, or ""."""
        self.errors_shown_below = False
        """A FieldError under the field shows `error` (set by FieldError.follow); else the
        tooltip does."""
        self.setToolTip(self._hint)
        icon = QIcon.fromTheme("x-office-calendar")
        if icon.isNull():
            icon = self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown)
        self.calendar_action = self.addAction(icon, QLineEdit.ActionPosition.TrailingPosition)
        self.calendar_action.setToolTip("Välj i kalendern (Alt+Ned)")
        self.calendar_action.triggered.connect(self.show_calendar)
        self.calendar: QCalendarWidget | None = None
        self.editingFinished.connect(self.commit)
        self.textChanged.connect(self._text_changed)
        # as wide as a date written out, its calendar button next to it, not a screen away
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance(self._widest) + 56)

    # What each kind of field (DateField, DateTimeField) defines: how a value is parsed,
    # shown and compared. Abstract for mypy, which checks it without ABCMeta (that metaclass
    # conflicts with Qt's): instantiating TypedField itself is a type error.
    @abstractmethod
    def _parse(self, text: str) -> object: ...

    @abstractmethod
    def _show(self, value: object) -> str: ...

    @abstractmethod
    def _current(self) -> object: ...

    @abstractmethod
    def _store(self, value: object) -> None: ...

    @abstractmethod
    def _day(self) -> date | None: ...

    @abstractmethod
    def _set_day(self, day: date) -> None: ...

    def commit(self) -> None:
        """Take the typed text as the value if it is one, else mark the field."""
        current = self._current()
        shown = "" if current is None else self._show(current)
        text = self.text().strip()
        if text == shown:
            self._set_error("")
            return
        if not text and self._optional:
            self._set_error("")
            self._store(None)
            return
        try:
            value = self._parse(text)
        except DateInputError as exc:
            self._set_error(str(exc))
            return
        self._set_error("")
        self._store(value)

    def text_error(self) -> str:
        """Why the text as it stands is no date (or none allowed here), or "": checked
        without taking it as the value."""
        current = self._current()
        text = self.text().strip()
        if (current is not None and text == self._show(current)) or (not text and self._optional):
            return ""
        try:
            self._parse(text)
        except DateInputError as exc:
            return str(exc)
        return ""

    def _text_changed(self, _text: str) -> None:
        if self.error and not self.text_error():
            self._set_error("")  # a date again: the mark goes now, the value when she leaves

    def _set_error(self, message: str) -> None:
        if message == self.error:
            return
        self.error = message
        self.setStyleSheet(_ERROR_STYLE if message else "")
        self.setAccessibleDescription(message)
        self.errorChanged.emit(message)
        if self.errors_shown_below:
            return
        self.setToolTip(message or self._hint)
        if message and self.isVisible():
            QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), message, self)

    def setReadOnly(self, read_only: bool) -> None:
        super().setReadOnly(read_only)
        self.calendar_action.setVisible(not read_only)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, alt = event.key(), event.modifiers() & Qt.KeyboardModifier.AltModifier
        if not self.isReadOnly() and (key == Qt.Key.Key_F4 or (alt and key == Qt.Key.Key_Down)):
            self.show_calendar()
            return
        if not self.isReadOnly() and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.commit()
            day = self._day() or clock.today()
            self._set_day(day + timedelta(days=1 if key == Qt.Key.Key_Up else -1))
            return
        super().keyPressEvent(event)

    def show_calendar(self) -> None:
        if self.isReadOnly() or not self.isEnabled():
            return
        self.commit()
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        calendar.setGridVisible(True)
        calendar.setSelectedDate(_qdate(self._day() or clock.today()))
        calendar.clicked.connect(lambda chosen: self._picked(calendar, chosen))
        calendar.activated.connect(lambda chosen: self._picked(calendar, chosen))
        calendar.adjustSize()
        calendar.move(self.mapToGlobal(QPoint(0, self.height())))
        self.calendar = calendar
        calendar.show()
        calendar.setFocus()

    def _picked(self, calendar: QCalendarWidget, chosen: QDate) -> None:
        self._set_day(date(chosen.year(), chosen.month(), chosen.day()))
        calendar.close()
        calendar.deleteLater()
        self.calendar = None
        self.setFocus()


class DateField(TypedField):
    """`value()`/`set_value()` in `date`; `date()`/`setDate()`/`dateChanged` in QDate as
    a QDateEdit had. An optional field may be empty ("ej angivet")."""

    dateChanged = Signal(QDate)
    _hint = "Skriv datumet, t.ex. 2026-12-07, 7/12 2026 eller 7 dec 2026 (Alt+Ned: kalender)"

    def __init__(
        self, value: Day | None = None, parent: QWidget | None = None, *, optional: bool = False
    ):
        super().__init__(parent, optional)
        self._value: Day | None = None
        self.minimum: Day | None = None
        self.maximum: Day | None = None
        self.setPlaceholderText("ej angivet" if optional else "ÅÅÅÅ-MM-DD")
        self.set_value(value)

    def setMinimumDate(self, value: QDate) -> None:
        self.minimum = Day(value.year(), value.month(), value.day())

    def setMaximumDate(self, value: QDate) -> None:
        self.maximum = Day(value.year(), value.month(), value.day())

    def value(self) -> Day | None:
        self.commit()
        return self._value

    def set_value(self, value: Day | None) -> None:
        if value is None and not self._optional:
            value = clock.today()
        self._store(value)

    def date(self) -> QDate:
        return _qdate(self.value())

    def setDate(self, value: QDate) -> None:
        self.set_value(Day(value.year(), value.month(), value.day()) if value.isValid() else None)

    def _parse(self, text: str) -> Day:
        day = parse_date(text, clock.today())
        if (self.minimum and day < self.minimum) or (self.maximum and day > self.maximum):
            first = date_text(self.minimum) if self.minimum else ""
            last = date_text(self.maximum) if self.maximum else ""
            raise DateInputError(
                f"Välj ett datum från {first} till {last}."
                if first and last
                else (f"Välj {first} eller senare." if first else f"Välj {last} eller tidigare.")
            )
        return day

    def _show(self, value: object) -> str:
        assert isinstance(value, Day)
        return date_text(value)

    def _current(self) -> Day | None:
        return self._value

    def _store(self, value: object) -> None:
        assert value is None or isinstance(value, Day)
        changed = value != self._value
        self._value = value
        self.setText("" if value is None else date_text(value))
        self._set_error("")
        if changed:
            self.dateChanged.emit(_qdate(value))

    def _day(self) -> Day | None:
        return self._value

    def _set_day(self, day: Day) -> None:
        self._store(day)


class DateTimeField(TypedField):
    """A date and a time of day in one field ("2026-12-07 14:30"), local time."""

    dateTimeChanged = Signal(QDateTime)
    _hint = "Skriv datum och tid, t.ex. 2026-12-07 14:30 (Alt+Ned: kalender)"
    _widest = "30 september 2026 kl. 14:30"

    def __init__(self, value: datetime | None = None, parent: QWidget | None = None):
        super().__init__(parent, False)
        self._value: datetime = value or datetime.combine(clock.today(), datetime.min.time())
        self.setPlaceholderText("ÅÅÅÅ-MM-DD TT:MM")
        self.setText(datetime_text(self._value))

    def value(self) -> datetime:
        self.commit()
        return self._value

    def set_value(self, value: datetime) -> None:
        self._store(value)

    def dateTime(self) -> QDateTime:
        value = self.value()
        return QDateTime(_qdate(value.date()), QTime(value.hour, value.minute))

    def _parse(self, text: str) -> datetime:
        return parse_datetime(text, clock.today())

    def _show(self, value: object) -> str:
        assert isinstance(value, datetime)
        return datetime_text(value)

    def _current(self) -> datetime:
        return self._value

    def _store(self, value: object) -> None:
        assert isinstance(value, datetime)
        changed = value != self._value
        self._value = value
        self.setText(datetime_text(value))
        self._set_error("")
        if changed:
            self.dateTimeChanged.emit(self.dateTime())

    def _day(self) -> date:
        return self._value.date()

    def _set_day(self, day: date) -> None:
        self._store(datetime.combine(day, self._value.time()))
