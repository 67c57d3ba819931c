"""The unsaved-changes question: go on only when the changes were saved or dropped."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui.widgets import messages
from app.ui.widgets.messages import ask_save_or_discard

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
