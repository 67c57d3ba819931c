"""The local database files this user's program has created, kept outside the databases.

A database file that is gone or empty is a loss only if it once held something: the first
start on a computer finds no file either. So the program notes, in a small JSON file in
the user's settings folder (platformdirs' user_config_dir, beside the configuration file),
each SQLite file it has created or opened with content, and when the whole database was
last checked (PRAGMA quick_check, which reads every page: once a day, not on every start).
The file holds paths and times only, no personal data.

    {"databases": {"/home/anna/.local/share/arendestod/arendestod.sqlite3":
                   {"created_at": "2026-12-06T15:00:00+00:00", "checked_at": "…"}}}
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_config_dir

from app.settings.configuration import APP_NAME

ENV_VAR = "ARENDESTOD_KNOWN_DATABASES"
"""Another path for the file (the tests keep their own)."""
FILE_NAME = "databaser.json"
MAX_ENTRIES = 50
"""A user works with one or two files; old entries (trials, moved files) are dropped first."""


def known_databases_path() -> Path:
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return Path(user_config_dir(APP_NAME, appauthor=False)) / FILE_NAME


def _key(path: Path) -> str:
    return str(path.expanduser().resolve())


def _read() -> dict[str, dict[str, str]]:
    try:
        data = json.loads(known_databases_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = data.get("databases") if isinstance(data, dict) else None
    return entries if isinstance(entries, dict) else {}


def _write(entries: dict[str, dict[str, str]]) -> None:
    """Written whole to a temporary file and renamed over the old one: a crash or a full
    disk leaves the old list, never half of one."""
    target = known_databases_path()
    kept = dict(list(entries.items())[-MAX_ENTRIES:])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_text(json.dumps({"databases": kept}, indent=1), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        pass  # a settings folder that cannot be written loses the memory, not the work


def was_created(path: Path) -> bool:
    """Whether this program has had a database with content at `path`."""
    return _key(path) in _read()


def remember(path: Path, *, at: datetime | None = None) -> None:
    entries = _read()
    if _key(path) in entries:
        return
    entries[_key(path)] = {"created_at": (at or datetime.now(UTC)).isoformat()}
    _write(entries)


def forget(path: Path) -> None:
    """After the user chose to start anew at `path`: its next start is a first run."""
    entries = _read()
    if entries.pop(_key(path), None) is not None:
        _write(entries)


def last_checked(path: Path) -> datetime | None:
    value = _read().get(_key(path), {}).get("checked_at")
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def mark_checked(path: Path, *, at: datetime | None = None) -> None:
    entries = _read()
    entry = entries.setdefault(_key(path), {"created_at": (at or datetime.now(UTC)).isoformat()})
    entry["checked_at"] = (at or datetime.now(UTC)).isoformat()
    _write(entries)
