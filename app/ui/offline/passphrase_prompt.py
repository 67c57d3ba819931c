"""Asking for an encrypted file's passphrase on computers without a keyring: the local
database's before login, the offline replica's when it is opened."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from app.storage import PassphraseNeeded


def ask_passphrase(
    parent: QWidget | None, question: PassphraseNeeded, title: str = "Lösenfras"
) -> str | None:
    """The passphrase the user types (a new one twice, to catch a typing error), or None
    when the user cancels or the two differ."""
    first, ok = QInputDialog.getText(parent, title, str(question), QLineEdit.EchoMode.Password)
    if not ok:
        return None
    if question.new:
        again, ok = QInputDialog.getText(
            parent, title, "Skriv lösenfrasen en gång till.", QLineEdit.EchoMode.Password
        )
        if not ok:
            return None
        if again != first:
            QMessageBox.warning(parent, title, "Lösenfraserna är inte lika.")
            return None
    return first
