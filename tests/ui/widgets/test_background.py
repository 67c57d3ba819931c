"""Background work: results reach the GUI thread; a closed window does not break anything."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget

from app.ui.widgets import background
from app.ui.widgets.background import run_in_background


def test_result_and_error_reach_the_callbacks(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    results: list[object] = []
    run_in_background(
        parent, lambda report: 6 * 7, on_done=results.append, on_error=results.append, label="…"
    )
    qtbot.waitUntil(lambda: results == [42])

    def fail(_report):
        raise ValueError("trasig fil")

    run_in_background(parent, fail, on_done=results.append, on_error=results.append, label="…")
    qtbot.waitUntil(lambda: len(results) == 2)
    assert isinstance(results[1], ValueError) and str(results[1]) == "trasig fil"


def test_closing_the_widget_while_working_drops_the_result_quietly(qtbot) -> None:
    parent = QWidget()
    release = threading.Event()
    finished: list[str] = []
    delivered: list[object] = []

    def work(_report):
        release.wait(5)
        finished.append("klar")
        return "resultat"

    run_in_background(
        parent, work, on_done=delivered.append, on_error=delivered.append, label="Arbetar …"
    )
    parent.deleteLater()
    qtbot.wait(10)  # the widget and its progress dialog are gone
    release.set()
    qtbot.waitUntil(lambda: finished == ["klar"] and not background._running)
    qtbot.wait(10)
    assert delivered == []
