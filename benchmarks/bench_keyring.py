"""A keyring for a program the benchmark starts (`arendestod stats …`): it holds the key of
the encrypted benchmark file ($ARENDESTOD_BENCH_KEY) where the program looks for its local
database's key, as the operating system's keyring holds a user's. Nothing else is kept.

    PYTHON_KEYRING_BACKEND=benchmarks.bench_keyring.BenchKeyring
"""

from __future__ import annotations

import os

from keyring.backend import KeyringBackend
from keyring.errors import PasswordSetError

from benchmarks.bench_database import KEY_VARIABLE

LOCAL_KEY_PREFIX = "local-db-key:"
"""The account app.security.credentials keeps a local database's key under."""


class BenchKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        if username.startswith(LOCAL_KEY_PREFIX):
            return os.environ.get(KEY_VARIABLE)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("the benchmark's keyring keeps nothing")

    def delete_password(self, service: str, username: str) -> None:
        return None
