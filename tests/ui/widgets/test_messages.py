"""Messages to the user: the unsaved-changes question; field messages kept to their field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QWidget,
)

from app.ui.widgets import messages
from app.ui.widgets.messages import FieldError, add_field, ask_save_or_discard, spoken_name
from tests.helpers import type_text

Button = QMessageBox.StandardButton
REAL_QUESTION = messages.ask_unsaved_changes
"""Taken before tests/ui/conftest.py answers the question for every test."""


@pytest.mark.parametrize(
    ("answer", "saved", "goes_on", "save_called"),
    [
        (Button.Cancel, True, False, False),
        (Button.Discard, True, True, False),
        (Button.Save, True, True, True),
        (Button.Save, False, False, True),
    ],
)
def test_the_answer_and_the_save_decide_whether_to_go_on(
    monkeypatch: pytest.MonkeyPatch,
    answer: QMessageBox.StandardButton,
    saved: bool,
    goes_on: bool,
    save_called: bool,
) -> None:
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(
        messages,
        "ask_unsaved_changes",
        lambda _parent, title, text: asked.append((title, text)) or answer,
    )
    calls: list[None] = []

    def save() -> bool:
        calls.append(None)
        return saved

    assert ask_save_or_discard(None, "Osparad anteckning", "Spara?", save) is goes_on
    assert asked == [("Osparad anteckning", "Spara?")]
    assert bool(calls) is save_called


@pytest.mark.parametrize(
    ("label", "answer"),
    [("&Spara", Button.Save), ("Stäng &utan att spara", Button.Discard), ("Avbryt", Button.Cancel)],
)
def test_the_question_answers_in_swedish(qtbot, label: str, answer: Button) -> None:
    """The real box: its three buttons read Spara / Stäng utan att spara / Avbryt, and
    clicking one answers with it."""
    seen: list[list[str]] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(sorted(b.text() for b in box.buttons()))
        next(b for b in box.buttons() if b.text() == label).click()

    QTimer.singleShot(0, click)
    assert REAL_QUESTION(None, "Osparat beslut", "Spara?") == answer
    assert seen == [sorted(["&Spara", "Stäng &utan att spara", "Avbryt"])]


def test_a_field_with_its_message_keeps_its_name_and_hears_the_message(qtbot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    form = QFormLayout(holder)
    amount, error = QLineEdit(), FieldError()
    label = add_field(
        form, "Belopps&gräns per beslut:", amount, error, check=lambda: _number(amount)
    )
    holder.show()
    assert label.buddy() is amount  # Alt+G still reaches the field
    spoken = QAccessible.queryAccessibleInterface(amount)
    assert spoken.text(QAccessible.Text.Name) == "Beloppsgräns per beslut"
    type_text(amount, "x")
    assert not error.isVisible()  # nothing said while typing before the user goes on
    error.set_message(_number(amount))
    assert spoken.text(QAccessible.Text.Description) == "Ange ett belopp i kronor."
    type_text(amount, "y")  # still wrong: the message stays
    assert error.isVisible()
    amount.setText("250")  # set by the program counts as well
    assert not error.isVisible() and error.text() == ""
    assert spoken.text(QAccessible.Text.Description) == ""


def test_without_a_check_a_change_clears_the_message(qtbot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    form = QFormLayout(holder)
    choice, error = QComboBox(), FieldError()
    choice.addItems(["– välj –", "Ja", "Nej"])
    add_field(form, "&Svar:", choice, error)
    error.set_message("Välj ett svar.")
    assert error.isVisibleTo(holder)
    choice.setCurrentIndex(1)
    assert not error.isVisibleTo(holder)


def test_spoken_name_drops_mnemonic_colon_and_required_mark() -> None:
    assert spoken_name("&Förnamn:") == "Förnamn"
    assert spoken_name("Antal barn *") == "Antal barn"
    assert spoken_name("Hyra && el:") == "Hyra & el"


def _number(field: QLineEdit) -> str:
    return "" if field.text().isdigit() else "Ange ett belopp i kronor."


def test_ticking_a_box_in_a_list_clears_its_message(qtbot) -> None:
    """As 'Välj minst ett ärende att ta med.' under Ta med på hembesök's list."""
    holder = QWidget()
    qtbot.addWidget(holder)
    form = QFormLayout(holder)
    cases, error = QListWidget(), FieldError()
    for number in ("EB-2026-000001", "EB-2026-000002"):
        item = QListWidgetItem(number, cases)
        item.setCheckState(Qt.CheckState.Unchecked)
    add_field(form, "Ä&renden:", cases, error)
    error.set_message("Välj minst ett ärende att ta med.")
    cases.item(1).setCheckState(Qt.CheckState.Checked)
    assert error.text() == ""
