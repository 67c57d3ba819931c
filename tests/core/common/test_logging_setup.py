"""The log file: in its own folder, readable by the user only, rotating, and never holding a
personnummer or a query parameter, whatever a log call or an exception's text carries."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from app import cli
from app.common import logging_setup
from app.db.database import Database
from app.models import Setting

NUMBERS = [
    "19121212-1212",
    "191212121212",
    "121212-1212",
    "121212+1212",
    "121212\u20131212",  # an en dash, pasted from a document
    "19701063-2391",  # a samordningsnummer (day + 60)
]


@pytest.fixture
def log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "logg"
    monkeypatch.setenv(logging_setup.ENV_VAR, str(folder))
    logging_setup.stop_logging()
    yield folder
    logging_setup.stop_logging()


def _written(folder: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return (folder / logging_setup.FILE_NAME).read_text(encoding="utf-8")


def test_the_log_file_is_private_and_rotates(log_folder: Path) -> None:
    path = logging_setup.setup_logging("1.2.3")
    assert path == log_folder / "arendestod.log"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_folder.stat().st_mode) == 0o700
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler))
    assert (handler.maxBytes, handler.backupCount) == (1_000_000, 5)
    assert "Ärendestöd 1.2.3 startar" in _written(log_folder)
    assert logging_setup.setup_logging("1.2.3") == path  # once per process
    assert sum(isinstance(h, RotatingFileHandler) for h in logging.getLogger().handlers) == 1
    for _ in range(3):
        logging.getLogger("test").warning("x" * 600_000)
    assert (log_folder / "arendestod.log.1").exists()
    assert stat.S_IMODE((log_folder / "arendestod.log").stat().st_mode) == 0o600


@pytest.mark.parametrize("number", NUMBERS)
def test_a_personnummer_is_masked_in_messages_arguments_and_tracebacks(
    log_folder: Path, number: str
) -> None:
    logging_setup.setup_logging()
    log = logging.getLogger("test")
    log.warning("Sökte på %s", number)
    log.warning(f"Sökte på {number} i texten")
    try:
        raise ValueError(f"Ogiltigt nummer {number}")
    except ValueError:
        log.exception("Fel")
    written = _written(log_folder)
    assert number not in written
    assert number.replace("-", "").replace("+", "") not in written
    assert written.count("[dolt]") == 3
    assert "ValueError: Ogiltigt nummer [dolt]" in written


def test_ordinary_figures_survive(log_folder: Path) -> None:
    logging_setup.setup_logging()
    logging.getLogger("test").warning("3 hushåll, 12 500 kr, år 2026, 2026-12-06 15:00")
    assert "3 hushåll, 12 500 kr, år 2026, 2026-12-06 15:00" in _written(log_folder)


def test_a_database_error_in_the_log_holds_no_parameter(log_folder: Path, db: Database) -> None:
    logging_setup.setup_logging()
    secret = "Åsa Öberg, 19121212-1212"
    with db.sessions.begin() as session:
        session.add(Setting(key="test.person", value=secret))
    try:
        with db.sessions.begin() as session:
            session.add(Setting(key="test.person", value=secret))
    except IntegrityError:
        logging.getLogger("test").exception("Kunde inte spara")
    written = _written(log_folder)
    assert "Kunde inte spara" in written and "IntegrityError" in written
    assert "Åsa Öberg" not in written and "19121212" not in written


def test_config_prints_where_the_log_is(log_folder: Path, capsys) -> None:
    assert cli.main(["config"]) == 0
    assert f"Loggfil: {log_folder / 'arendestod.log'}" in capsys.readouterr().out
