"""Read-only shown before the user acts: a banner with the reason, inputs that cannot be
changed but stay readable (setReadOnly keeps the text black; where a widget has no
read-only state and must be disabled, its text keeps the normal colour), and edit buttons
held disabled while the reason lasts. For signed decisions, forms and journal entries and
for a case checked out to someone else."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

BANNER_STYLE = "background: #fff4ce; border: 1px solid #c19c00; padding: 6px; color: #000;"


class ReadOnlyBanner(QLabel):
    """Why what is shown cannot be changed here; hidden while there is no reason."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("readOnlyBanner")
        self.setWordWrap(True)
        self.setStyleSheet(BANNER_STYLE)
        self.hide()

    def set_reason(self, reason: str) -> None:
        self.setText(reason)
        self.setAccessibleDescription(reason)
        self.setVisible(bool(reason))


def keep_text_readable(widget: QWidget) -> None:
    """A disabled widget's text in the normal colour instead of the washed-out grey."""
    palette = widget.palette()
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(
            QPalette.ColorGroup.Disabled,
            role,
            palette.color(QPalette.ColorGroup.Active, role),
        )
    widget.setPalette(palette)


def make_read_only(root: QWidget, keep: Iterable[QWidget] = ()) -> None:
    """Every input under `root` read-only for good (a signed record does not become a draft
    again): text fields and spin boxes by setReadOnly, tables by taking their editing away,
    choices disabled with their text kept readable, action buttons (except `keep`)
    disabled."""
    kept = set(keep)
    for widget in root.findChildren(QWidget):
        if widget in kept:
            continue
        if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox):
            widget.setReadOnly(True)
        elif isinstance(widget, QAbstractItemView):
            widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        elif isinstance(widget, QComboBox) or (
            isinstance(widget, QAbstractButton) and widget.isCheckable()
        ):
            # a choice made is content: read at full contrast
            widget.setEnabled(False)
            keep_text_readable(widget)
        elif isinstance(widget, QAbstractButton) and not isinstance(widget.parent(), QTabBar):
            widget.setEnabled(False)  # an action: looks unavailable, as it is


class EditLock(QObject):
    """Holds edit buttons disabled while `reason` is set, whatever the code that owns them
    does meanwhile (it enables them as rows are picked); the reason is their tooltip. When
    the reason goes, each button gets back the state its owner last gave it. Inputs have
    no such hold (no event tells when their owner makes one read-only that already is):
    their owner follows `reason_changed` and makes them read-only itself."""

    reason_changed = Signal(str)
    """The new reason, after the buttons were held or given back."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.reason = ""
        self._wanted: dict[QWidget, bool] = {}
        self._tooltips: dict[QWidget, str] = {}

    def add(self, *widgets: QWidget) -> None:
        for widget in widgets:
            if widget in self._wanted:
                continue
            self._wanted[widget] = widget.isEnabled()
            self._tooltips[widget] = widget.toolTip()
            widget.installEventFilter(self)
            widget.destroyed.connect(lambda *_, w=widget: self._forget(w))
            if self.reason:
                self._hold(widget)

    def _forget(self, widget: QWidget) -> None:
        self._wanted.pop(widget, None)
        self._tooltips.pop(widget, None)

    def set_reason(self, reason: str) -> None:
        was = self.reason
        self.reason = reason
        for widget, wanted in list(self._wanted.items()):
            if reason:
                self._hold(widget)
            elif was:
                self.reason = ""
                widget.setEnabled(wanted)
                widget.setToolTip(self._tooltips[widget])
        if reason != was:
            self.reason_changed.emit(reason)

    def _hold(self, widget: QWidget) -> None:
        if widget.isEnabled():
            self._wanted[widget] = True
            widget.setEnabled(False)
        widget.setToolTip(self.reason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self.reason
            and event.type() == QEvent.Type.EnabledChange
            and isinstance(watched, QWidget)
            and watched.isEnabled()
            and watched in self._wanted
        ):
            self._wanted[watched] = True
            watched.setEnabled(False)
        return False
