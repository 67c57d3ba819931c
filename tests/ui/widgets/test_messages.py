"""The unsaved-changes question: go on only when the changes were saved or dropped."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from app.ui.widgets.messages import ask_save_or_discard

Button = QMessageBox.StandardButton


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
        QMessageBox,
        "question",
        staticmethod(lambda _parent, title, text, _buttons: asked.append((title, text)) or answer),
    )
    calls: list[None] = []

    def save() -> bool:
        calls.append(None)
        return saved

    assert ask_save_or_discard(None, "Osparad anteckning", "Spara?", save) is goes_on
    assert asked == [("Osparad anteckning", "Spara?")]
    assert bool(calls) is save_called
