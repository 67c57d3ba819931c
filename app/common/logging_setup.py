"""The program's log file: what happened, for a support technician after a crash.

One rotating file (1 MB, five old ones kept) in the platform's log folder (platformdirs'
user_log_dir: `~/.local/state/arendestod/log` on Linux, `%LOCALAPPDATA%\\arendestod\\Logs`
on Windows, `~/Library/Logs/arendestod` on macOS), readable by the user only (0600 in a
0700 folder). Set up once at start, by the window and the command line alike; the windowed
Windows build has no stderr, so this file is where a crash leaves its trace.

What is logged: the start (version, platform), warnings and errors with their tracebacks,
Qt's own messages. Never personal data: the engines hide query parameters
(app.db.engine), and as a safety net every line is masked before it is written: anything
shaped like a personnummer or samordningsnummer (10 or 12 digits, with or without a dash
or plus) becomes `[dolt]`.
"""

from __future__ import annotations

import logging
import os
import platform
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

from platformdirs import user_log_dir

APP_NAME = "arendestod"
ENV_VAR = "ARENDESTOD_LOG_DIR"
"""Another folder for the log (the tests keep their own)."""
FILE_NAME = "arendestod.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
MASK = "[dolt]"

IDENTITY_NUMBER = re.compile(
    r"(?<![0-9])(?:[0-9]{2})?[0-9]{6}[-+\u2010-\u2015\u2212]?[0-9]{4}(?![0-9])"
)
"""A personnummer or samordningsnummer in any of its written forms (ÅÅMMDD-NNNN,
ÅÅÅÅMMDDNNNN, with a plus or a dash of any kind). Other long digit runs are masked too: a
lost figure in a log costs less than a leaked number."""

_handler: logging.Handler | None = None


def mask_personal_data(text: str) -> str:
    return IDENTITY_NUMBER.sub(MASK, text)


class MaskingFormatter(logging.Formatter):
    """Formats the whole record (message, arguments, traceback) and masks the result: a
    personnummer cannot slip through an argument or an exception's text."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal_data(super().format(record))


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A RotatingFileHandler whose files only their owner may read (0600)."""

    def _open(self):
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.chmod(self.baseFilename, 0o600)  # also a file made earlier with other rights
        return open(descriptor, "a", encoding=self.encoding, errors=self.errors)


def log_dir() -> Path:
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return Path(user_log_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    return log_dir() / FILE_NAME


def setup_logging(version: str = "") -> Path | None:
    """Send the program's log records to the log file (once per process). Returns the
    file, or None when its folder cannot be written: the program then runs without one."""
    global _handler
    if _handler is not None:
        return Path(_handler.baseFilename) if isinstance(_handler, RotatingFileHandler) else None
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        handler = PrivateRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(
        MaskingFormatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    _handler = handler
    logging.getLogger("arendestod").info(
        "Ärendestöd %s startar: Python %s, %s",
        version or "?",
        platform.python_version(),
        platform.platform(),
    )
    return path


def stop_logging() -> None:
    """Remove the handler (tests; the program keeps it until it ends)."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
