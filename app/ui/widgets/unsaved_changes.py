"""The one way a tab guards input that is not saved: the main window asks every tab that
implements `UnsavedChangesGuard` before it closes the tab or the program."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTextEdit,
    QWidget,
)


@runtime_checkable
class UnsavedChangesGuard(Protocol):
    def has_unsaved_changes(self) -> bool:
        """True while the tab holds input that is not saved."""
        ...

    def confirm_close(self) -> bool:
        """Ask Spara / Stäng utan att spara / Avbryt when there are unsaved changes; True
        when the tab may close (saved, dropped, or nothing to lose)."""
        ...


def input_snapshot(root: QWidget) -> list[object]:
    """What the user can have typed or chosen anywhere under `root`, in a fixed order: two
    snapshots differ exactly when some input changed. Editors take one after loading or
    saving and compare with it, instead of tracking each field's signal."""
    values: list[object] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit):
            values.append(widget.text())
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            values.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            values.append((widget.currentIndex(), widget.currentText()))
        elif isinstance(widget, QAbstractSpinBox):
            values.append(widget.text())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            values.append(widget.isChecked())
        elif isinstance(widget, QTableWidget):
            values.append(
                [
                    item.text() if (item := widget.item(row, column)) else ""
                    for row in range(widget.rowCount())
                    for column in range(widget.columnCount())
                ]
            )
    return values
