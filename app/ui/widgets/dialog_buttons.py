"""The Spara / Avbryt row of a dialog."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox


def save_cancel_buttons(
    dialog: QDialog, on_save: Callable[[], None] | None = None
) -> QDialogButtonBox:
    """&Spara runs `on_save` (which accepts the dialog itself when it succeeds), or accepts
    the dialog at once; Avbryt (and Esc) rejects it."""
    buttons = QDialogButtonBox()
    buttons.addButton("&Spara", QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton("Avbryt", QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(on_save or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
