"""Asking for an encrypted file's passphrase on computers without a keyring: the local
database's before login, the offline replica's when it is opened."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from app.storage import PassphraseNeeded


def ask_passphrase(
    parent: QWidget | None, question: PassphraseNeeded, title: str = "Lösenfras"
) -> str | None:
    """The passphrase the user types (a new one twice, to catch a typing error; asked again
    when the two differ), or None when the user cancels."""
    while True:
        first, ok = QInputDialog.getText(parent, title, str(question), QLineEdit.EchoMode.Password)
        if not ok:
            return None
        if not question.new:
            return first
        again, ok = QInputDialog.getText(
            parent, title, "Skriv lösenfrasen en gång till.", QLineEdit.EchoMode.Password
        )
        if not ok:
            return None
        if again == first:
            return first
        QMessageBox.warning(parent, title, "Lösenfraserna är inte lika. Skriv dem igen.")
