"""The passphrase question for an encrypted file on a computer without a keyring."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox

from app.storage import PassphraseNeeded
from app.ui.offline.passphrase_prompt import ask_passphrase


def test_a_new_passphrase_typed_differently_is_asked_again(monkeypatch) -> None:
    """A typing error in the second field must not end the start: the user types both again."""
    typed = iter(
        ["en lång lösenfras", "en lång lösenfraz", "en lång lösenfras", "en lång lösenfras"]
    )
    labels: list[str] = []
    warnings: list[str] = []

    def answer(_parent, _title, label, *_args):
        labels.append(label)
        return next(typed), True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: warnings.append(text))
    question = PassphraseNeeded("Välj en lösenfras för databasen.", new=True)
    assert ask_passphrase(None, question) == "en lång lösenfras"
    assert warnings == ["Lösenfraserna är inte lika. Skriv dem igen."]
    assert labels == [str(question), "Skriv lösenfrasen en gång till."] * 2


def test_cancel_ends_the_question(monkeypatch) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a: ("", False))
    assert ask_passphrase(None, PassphraseNeeded("Skriv lösenfrasen.", new=False)) is None
