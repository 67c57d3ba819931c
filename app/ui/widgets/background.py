"""The one background-work helper: run a function off the GUI thread, show progress when it
takes more than half a second, and deliver the result (or the error) back on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

PROGRESS_DELAY_MS = 500


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(int)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Callable[[int], None]], Any], signals: _Signals):
        super().__init__()
        self._work = work
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._work(self._signals.progress.emit)
        except Exception as exc:  # delivered to the GUI thread, shown to the user there
            self._signals.failed.emit(exc)
        else:
            self._signals.finished.emit(result)


_running: set[_Signals] = set()


def run_in_background(
    parent: QWidget | None,
    work: Callable[[Callable[[int], None]], Any],
    *,
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    label: str,
    maximum: int = 0,
    quiet: bool = False,
) -> _Signals:
    """`work(report)` runs in a worker thread; `report(n)` moves the progress bar
    (0..maximum; maximum 0 shows a busy indicator). If `parent` is deleted before the work
    ends, the result is dropped (the work itself still completes, e.g. a file is written).
    `quiet`: no progress dialog, for work the user did not ask for (polling)."""
    signals = _Signals()
    _running.add(signals)
    dialog = None if quiet else _progress_dialog(parent, label, maximum)

    def finish() -> bool:
        """Close the progress dialog; False if the widget that asked for the work is gone
        (its tab was closed meanwhile): then nobody is left to show the result to."""
        _running.discard(signals)
        if dialog is not None and isValid(dialog):
            dialog.close()
            dialog.deleteLater()
        return parent is None or isValid(parent)

    def done(result: Any) -> None:
        if finish():
            on_done(result)

    def failed(exc: Exception) -> None:
        if finish():
            on_error(exc)

    signals.finished.connect(done)
    signals.failed.connect(failed)
    if dialog is not None:
        signals.progress.connect(dialog.setValue)
    QThreadPool.globalInstance().start(_Job(work, signals))
    return signals


def _progress_dialog(parent: QWidget | None, label: str, maximum: int) -> QProgressDialog:
    dialog = QProgressDialog(label, "", 0, maximum, parent)
    dialog.setWindowTitle("Arbetar …")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(PROGRESS_DELAY_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)
    return dialog
