"""The row of buttons that ends a dialog: its action (Spara, Skapa, Logga in …) and Avbryt."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton


def action_cancel_buttons(
    dialog: QDialog, text: str, on_action: Callable[[], None] | None = None
) -> tuple[QDialogButtonBox, QPushButton]:
    """The action button `text` (with its mnemonic) runs `on_action` (which accepts the dialog
    itself when it succeeds), or accepts the dialog at once; Avbryt (and Esc) rejects it.
    Returns the row and its action button, for dialogs that disable it while the action runs."""
    buttons = QDialogButtonBox()
    action = buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton("Avbryt", QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(on_action or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, action


def save_cancel_buttons(
    dialog: QDialog, on_save: Callable[[], None] | None = None
) -> QDialogButtonBox:
    """The Spara / Avbryt row of a dialog that edits something."""
    buttons, _save = action_cancel_buttons(dialog, "&Spara", on_save)
    return buttons
