"""The user's password for the shared server in the operating system's keyring (Windows
Credential Manager, macOS Keychain, Secret Service on Linux), only when the user asks for
it. Never written anywhere else: without a usable keyring the password is asked for at
every login."""

from __future__ import annotations

from contextlib import suppress

import keyring
from keyring.backends import fail, null
from keyring.errors import KeyringError

SERVICE = "Ärendestöd"


def keyring_available() -> bool:
    """A keyring that stores secrets (the fail and null backends only pretend)."""
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration must not stop the login
        return False
    return not isinstance(backend, fail.Keyring | null.Keyring) and backend.priority > 0


def _account(server: str, username: str) -> str:
    return f"{username}@{server}"


def saved_password(server: str, username: str) -> str | None:
    if not username or not keyring_available():
        return None
    try:
        return keyring.get_password(SERVICE, _account(server, username))
    except KeyringError:
        return None


def save_password(server: str, username: str, password: str) -> bool:
    """True if the keyring took it."""
    if not keyring_available():
        return False
    try:
        keyring.set_password(SERVICE, _account(server, username), password)
    except KeyringError:
        return False
    return True


def forget_password(server: str, username: str) -> None:
    if not keyring_available():
        return
    with suppress(KeyringError):  # PasswordDeleteError: nothing was saved
        keyring.delete_password(SERVICE, _account(server, username))
