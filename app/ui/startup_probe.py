"""For measuring start-up (benchmarks/cold_start.py): with ARENDESTOD_EXIT_WHEN_READY set,
the first window to be drawn prints `ready <title>` on standard output, and the program
then closes its windows and ends as if the user had cancelled."""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

ENV_VAR = "ARENDESTOD_EXIT_WHEN_READY"


class _FirstPaint(QObject):
    def __init__(self, app: QApplication):
        super().__init__(app)
        self._app = app
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            not self._done
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.isWindow()
        ):
            self._done = True
            # once the paint is through and the event loop idle again: usable
            QTimer.singleShot(0, lambda: self._ready(watched))
        return False

    def _ready(self, window: QWidget) -> None:
        print(f"ready {window.windowTitle()}", flush=True)
        self._app.removeEventFilter(self)
        QApplication.closeAllWindows()


def arm(app: QApplication) -> None:
    if os.environ.get(ENV_VAR):
        app.installEventFilter(_FirstPaint(app))
