"""An error nobody caught: logged with its traceback, and told in a window that lets the
user copy the details for support. The program goes on where it can (Qt returns to its
event loop after a slot fails).

Installed at the start of the window program (`install`) as sys.excepthook and
threading.excepthook; an error in another thread is shown by the GUI thread. Qt's own
messages go to the log too (`install_qt_log`).
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from datetime import UTC, datetime
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QtMsgType, Signal, qInstallMessageHandler, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.common.logging_setup import log_file, mask_personal_data

log = logging.getLogger("arendestod.crash")
qt_log = logging.getLogger("qt")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]

INTRODUCTION = (
    "Ärendestöd stötte på ett fel som inte borde hända. Programmet fortsätter om det går, "
    "men kontrollera att det du senast gjorde blev sparat och gör om det annars."
)


def details_text(error: ExcInfo) -> str:
    """Version, platform, time and traceback: what support needs, masked like the log.
    The engines hide query parameters, so a database error's text names the statement,
    never the values."""
    lines = [
        f"Ärendestöd {__version__}",
        f"Python {platform.python_version()}, Qt {qVersion()}, {platform.platform()}",
        f"Tid: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M:%S')} UTC",
        "",
        "".join(traceback.format_exception(*error)).rstrip(),
    ]
    return mask_personal_data("\n".join(lines))


class CrashDialog(QDialog):
    def __init__(self, details: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Ett fel i Ärendestöd")
        self.details = details
        layout = QVBoxLayout(self)
        introduction = QLabel(INTRODUCTION)
        introduction.setWordWrap(True)
        layout.addWidget(introduction)
        support = QLabel(
            "Kommer felet tillbaka: tryck på Kopiera detaljer och klistra in dem i ett "
            "meddelande till IT eller supporten. Detaljerna innehåller inga personuppgifter. "
            f"Loggfilen finns här:\n{log_file()}"
        )
        support.setWordWrap(True)
        support.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(support)
        self.details_view = QPlainTextEdit(details)
        self.details_view.setReadOnly(True)
        self.details_view.setAccessibleName("Detaljer om felet")
        self.details_view.setMinimumHeight(160)
        layout.addWidget(self.details_view)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("&Kopiera detaljer")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton("&Stäng", QDialogButtonBox.ButtonRole.RejectRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 420)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText("Kopierat")


class _Reporter(QObject):
    """Carries an error from any thread to the GUI thread, where the dialog is shown."""

    error = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.dialog: CrashDialog | None = None
        self.error.connect(self.show)

    def show(self, error: ExcInfo) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            return  # one window at a time; the log has every error
        self.dialog = CrashDialog(details_text(error))
        self.dialog.show()
        self.dialog.raise_()


_reporter: _Reporter | None = None


def report(error: ExcInfo) -> None:
    """Log the error and show it (from the GUI thread, whichever thread it came from)."""
    log.critical("Ett fel som inte fångades", exc_info=error)
    if _reporter is None or QApplication.instance() is None:
        return
    try:
        _reporter.error.emit(error)
    except Exception:  # the report must never raise in its turn
        log.exception("Felrutan kunde inte visas")


def _excepthook(
    kind: type[BaseException], value: BaseException, trace: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, trace)
        return
    report((kind, value, trace))


def _thread_excepthook(arguments: threading.ExceptHookArgs) -> None:
    if arguments.exc_value is None or issubclass(arguments.exc_type, SystemExit):
        return
    report((arguments.exc_type, arguments.exc_value, arguments.exc_traceback))


def current_dialog() -> CrashDialog | None:
    return _reporter.dialog if _reporter is not None else None


def install() -> None:
    """Take over the hooks Python calls for uncaught errors; a hook someone else set (a
    debugger, a test runner) is left alone."""
    global _reporter
    if _reporter is None:
        _reporter = _Reporter()
    if sys.excepthook is sys.__excepthook__:
        sys.excepthook = _excepthook
    if threading.excepthook is threading.__excepthook__:
        threading.excepthook = _thread_excepthook


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, context, message: str) -> None:
    category = getattr(context, "category", None)
    where = f" ({category})" if category and category != "default" else ""
    qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s%s", message, where)


def install_qt_log() -> object:
    """Qt's own messages (missing fonts, plugins, painting warnings) into the log file
    instead of a console the windowed build does not have. Returns the handler before."""
    return qInstallMessageHandler(_qt_message)
