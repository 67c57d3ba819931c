"""What an installation shows: the About window's versions and configuration, the first run
with IT's unit details, the selftest, and a start of the real program to its first window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from sqlalchemy import select

from app import __version__
from app.cases import letterhead
from app.cli import selftest
from app.db import migrate
from app.db.database import open_database
from app.models import Unit
from app.ui.context import AppContext
from app.ui.first_run_dialog import FirstRunDialog
from app.ui.startup_probe import ENV_VAR as READY_VAR
from tests.file_keyring import shared_with_process
from tests.helpers import type_text
from tests.test_configuration import SYSTEM, write_logo

ROOT = Path(__file__).resolve().parents[2]


def menu_action(window, text: str) -> QAction:
    return next(action for action in window.findChildren(QAction) if action.text() == text)


def test_about_shows_version_schema_and_configuration_files(
    qtbot, configure, main_window, dialogs, tmp_path
) -> None:
    configure(system=SYSTEM)
    menu_action(main_window, "&Om Ärendestöd").trigger()
    about = dialogs[-1]
    assert f"Ärendestöd {__version__}" in about
    head = migrate.HEAD_REVISION
    assert f"Databasens schemaversion: {head} (programmets: {head})" in about
    assert "Databas: sqlite:///" in about
    assert str(tmp_path / "config" / "system.toml") in about

    configure()
    menu_action(main_window, "&Om Ärendestöd").trigger()
    assert "Inställningsfiler: inga (standardvärden)" in dialogs[-1]


def test_first_run_takes_the_unit_details_from_it(qtbot, configure, tmp_path) -> None:
    configure(system=SYSTEM)
    database = open_database(f"sqlite:///{tmp_path / 'first.sqlite3'}", plain_sqlite_for_tests=True)
    dialog = FirstRunDialog(AppContext(database))
    qtbot.addWidget(dialog)
    assert dialog.unit_name.text() == "Försörjningsstöd Norr"
    dialog.unit_name.clear()
    type_text(dialog.unit_name, "Enhet'; DROP TABLE units; --")
    type_text(dialog.full_name, "Ingrid Admin")
    type_text(dialog.password, "hemligt-lösen-12")
    type_text(dialog.password_again, "hemligt-lösen-12")
    dialog.empty.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    with database.sessions() as session:
        unit = session.scalars(select(Unit)).one()
        assert unit.name == "Enhet'; DROP TABLE units; --"
        assert (unit.board_name, unit.municipality) == (
            "Individ- och familjenämnden",
            "Exempelstads kommun",
        )
        assert (unit.phone, unit.postal_address) == ("010-123 45 00", "Box 100, 123 45 Exempelstad")
        assert unit.municipality_code == "0180"  # for Socialstyrelsen's statistics
        assert letterhead.organisation_of(unit) == (
            "Individ- och familjenämnden, Exempelstads kommun"
        )
    database.dispose()


def test_selftest_passes_with_a_letterhead_logo(qapp, configure, tmp_path, capsys) -> None:
    """The check IT runs after installing (CI runs it on the built bundle as well)."""
    write_logo(tmp_path / "config" / "logotyp.png")
    configure(system=SYSTEM + 'logo = "logotyp.png"\n')
    assert selftest.run_selftest() == 0
    said = capsys.readouterr().out
    assert f"inställningar ({tmp_path / 'config' / 'system.toml'})" in said
    assert "ok  beslutsbrev som PDF" in said
    assert "ok  fönster (Qt) (plattform offscreen, 1200×760 bildpunkter)" in said
    assert "Självtest OK" in said


def start_program(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    # the local database's key: kept in a keyring the program finds (tests/file_keyring.py)
    environment = shared_with_process(
        dict(os.environ, QT_QPA_PLATFORM="offscreen", **env), tmp_path
    )
    environment[READY_VAR] = "1"
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_the_program_starts_to_its_login_window(demo_database, tmp_path) -> None:
    started = start_program(["--db", demo_database.url], tmp_path)
    assert started.stdout.splitlines()[0] == "ready Logga in – Ärendestöd"
    assert started.returncode == 0


def test_a_broken_configuration_is_told_in_a_window(tmp_path) -> None:
    broken = tmp_path / "system.toml"
    broken.write_text('[letterhead]\nlogo = "saknas.png"\n', encoding="utf-8")
    started = start_program([], tmp_path, ARENDESTOD_SYSTEM_CONFIG=str(broken))
    assert started.stdout.splitlines()[0] == "ready Ärendestöd"  # the message box
    assert started.returncode == 2


def test_the_window_names_the_broken_file_and_the_mistake(configure, dialogs, tmp_path) -> None:
    configure()
    (tmp_path / "config" / "system.toml").write_text("[unit]\nkommun = 'Norrby'\n")
    from app import cli
    from app.settings import configuration

    configuration.current.cache_clear()
    assert cli.main([]) == 2
    assert dialogs == [
        "Ärendestöd kan inte starta.\n\nInställningsfilen "
        f"{tmp_path / 'config' / 'system.toml'}: okänd nyckel kommun i [unit]. Kända nycklar: "
        "name, board_name, municipality, municipality_code, phone, postal_address."
    ]
