"""The date field: one Tab stop, dates typed the Swedish ways, a calendar from the keyboard,
and a text that is no date kept with the reason shown."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from app.ui.widgets.date_field import DateField, DateTimeField

TAB = Qt.Key.Key_Tab


def _form(qtbot, field: QWidget) -> tuple[QWidget, QLineEdit, QLineEdit]:
    window = QWidget()
    column = QVBoxLayout(window)
    before, after = QLineEdit(), QLineEdit()
    for widget in (before, field, after):
        column.addWidget(widget)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    before.setFocus()
    qtbot.waitUntil(before.hasFocus)
    return window, before, after


@pytest.mark.parametrize("make", [lambda: DateField(date(2026, 11, 23)), DateTimeField])
def test_a_date_field_is_one_tab_stop(qtbot, fixed_clock, make) -> None:
    field = make()
    _window, before, after = _form(qtbot, field)
    qtbot.keyClick(before, TAB)
    assert field.hasFocus()
    qtbot.keyClick(field, TAB)
    assert after.hasFocus()


@pytest.mark.parametrize("typed", ["2026-12-07", "20261207", "261207", "7/12 2026", "7 dec 2026"])
def test_typed_dates_are_taken_on_leaving_the_field(qtbot, fixed_clock, typed: str) -> None:
    field = DateField(date(2026, 11, 23))
    _window, before, _after = _form(qtbot, field)
    changes: list = []
    field.dateChanged.connect(changes.append)
    qtbot.keyClick(before, TAB)
    field.selectAll()
    qtbot.keyClicks(field, typed)
    qtbot.keyClick(field, TAB)
    assert field.value() == date(2026, 12, 7)
    assert field.text() == "2026-12-07" and not field.error
    assert [c.toPython() for c in changes] == [date(2026, 12, 7)]


def test_a_text_that_is_no_date_stays_with_the_reason(qtbot, fixed_clock) -> None:
    field = DateField(date(2026, 11, 23))
    _window, before, _after = _form(qtbot, field)
    qtbot.keyClick(before, TAB)
    field.selectAll()
    qtbot.keyClicks(field, "31/4 2026")
    qtbot.keyClick(field, TAB)
    assert field.text() == "31/4 2026"  # kept, to be corrected
    assert "det finns ingen 31 april 2026" in field.error
    assert field.toolTip() == field.error and "b00020" in field.styleSheet()
    assert field.value() == date(2026, 11, 23)  # the last good date
    field.setText("30/4 2026")
    assert field.value() == date(2026, 4, 30) and not field.error and not field.styleSheet()


def test_optional_field_may_be_emptied(qtbot, fixed_clock) -> None:
    field = DateField(None, optional=True)
    _window, _before, _after = _form(qtbot, field)
    assert field.value() is None and field.placeholderText() == "ej angivet"
    field.set_value(date(2026, 12, 1))
    field.clear()
    assert field.value() is None


def test_a_date_outside_the_allowed_range_is_refused(qtbot, fixed_clock) -> None:
    field = DateField(date(2026, 11, 24))
    field.setMinimumDate(field.date())
    field.setText("2026-11-20")
    assert field.value() == date(2026, 11, 24)
    assert "2026-11-24 eller senare" in field.error


@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")
def test_calendar_and_arrow_keys(qtbot, fixed_clock) -> None:
    field = DateField(date(2026, 11, 23))
    _window, before, _after = _form(qtbot, field)
    qtbot.keyClick(before, TAB)
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.value() == date(2026, 11, 24)
    qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = field.calendar
    assert calendar is not None and calendar.isVisible()
    assert calendar.selectedDate().toPython() == date(2026, 11, 24)
    calendar.setSelectedDate(calendar.selectedDate().addDays(3))
    calendar.activated.emit(calendar.selectedDate())
    assert field.value() == date(2026, 11, 27) and field.calendar is None


def test_read_only_field_keeps_black_text_and_no_calendar(qtbot, fixed_clock) -> None:
    field = DateField(date(2026, 11, 23))
    _window, _before, _after = _form(qtbot, field)
    field.setReadOnly(True)
    assert field.isEnabled() and field.isReadOnly()
    assert not field.calendar_action.isVisible()
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.value() == date(2026, 11, 23)


def test_date_and_time_in_one_field(qtbot, fixed_clock) -> None:
    field = DateTimeField(datetime(2026, 11, 23, 9, 0))
    _window, before, _after = _form(qtbot, field)
    assert field.text() == "2026-11-23 09:00"
    qtbot.keyClick(before, TAB)
    field.selectAll()
    qtbot.keyClicks(field, "7/12 2026 14:30")
    qtbot.keyClick(field, TAB)
    assert field.value() == datetime(2026, 12, 7, 14, 30)
    assert field.text() == "2026-12-07 14:30"
