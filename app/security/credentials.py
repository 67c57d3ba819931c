"""Secrets in the operating system's keyring (Windows Credential Manager, macOS Keychain,
Secret Service on Linux): the user's password for the shared server, only when the user
asks for it, and the keys of the encrypted local database and of the laptop's replica.
Never written anywhere else: without a usable keyring the password is asked for at every
login and the database files are locked with a passphrase the user types instead."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

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
    if not username:
        return None
    return _read(_account(server, username))


def save_password(server: str, username: str, password: str) -> bool:
    """True if the keyring took it."""
    return _write(_account(server, username), password)


def forget_password(server: str, username: str) -> None:
    _delete(_account(server, username))


def _replica_account(path: Path) -> str:
    return f"replica-key:{path.resolve()}"


def saved_replica_key(path: Path) -> str | None:
    return _read(_replica_account(path))


def save_replica_key(path: Path, key: str) -> bool:
    """True if the keyring took it."""
    return _write(_replica_account(path), key)


def forget_replica_key(path: Path) -> None:
    _delete(_replica_account(path))


def _local_key_account(path: Path) -> str:
    return f"local-db-key:{path.resolve()}"


def saved_local_key(path: Path) -> str | None:
    """The key of the local (SQLCipher) database file at `path` (app.security.local_key)."""
    return _read(_local_key_account(path))


def save_local_key(path: Path, key: str) -> bool:
    """True if the keyring took it."""
    return _write(_local_key_account(path), key)


def forget_local_key(path: Path) -> None:
    _delete(_local_key_account(path))


def _read(account: str) -> str | None:
    if not keyring_available():
        return None
    try:
        return keyring.get_password(SERVICE, account)
    except KeyringError:
        return None


def _write(account: str, secret: str) -> bool:
    if not keyring_available():
        return False
    try:
        keyring.set_password(SERVICE, account, secret)
    except KeyringError:
        return False
    return True


def _delete(account: str) -> None:
    if not keyring_available():
        return
    with suppress(KeyringError):  # PasswordDeleteError: nothing was saved
        keyring.delete_password(SERVICE, account)
