"""A keyring in a JSON file, for a program a test starts as a process of its own: it sees the
secrets of the test's in-memory keyring (`memory_keyring`, the `db` fixture's SQLite key)
as a real program sees the operating system's keyring."""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend

FILE_VARIABLE = "ARENDESTOD_TEST_KEYRING_FILE"


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _load(self) -> dict[str, str]:
        return json.loads(Path(os.environ[FILE_VARIABLE]).read_text(encoding="utf-8"))

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        secrets = self._load()
        secrets[f"{service}\n{username}"] = password
        Path(os.environ[FILE_VARIABLE]).write_text(json.dumps(secrets), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        secrets = self._load()
        secrets.pop(f"{service}\n{username}", None)
        Path(os.environ[FILE_VARIABLE]).write_text(json.dumps(secrets), encoding="utf-8")


def shared_with_process(env: dict[str, str], folder: Path) -> dict[str, str]:
    """`env` for a child process whose keyring holds this test's in-memory keyring's secrets."""
    secrets = getattr(keyring.get_keyring(), "secrets", {})
    path = folder / "test-keyring.json"
    path.write_text(
        json.dumps({f"{service}\n{user}": secret for (service, user), secret in secrets.items()}),
        encoding="utf-8",
    )
    return dict(env, PYTHON_KEYRING_BACKEND=f"{__name__}.FileKeyring", **{FILE_VARIABLE: str(path)})
