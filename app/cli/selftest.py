"""`arendestod selftest`: a check, without showing a window, that an installation works.

Run by CI on the built bundle and by IT after installing: it reads the configuration,
creates and migrates a database in a temporary folder, fills it with fictional demo
households, searches, prints a decision letter and a journal, and builds the main window
offscreen, so a file missing from the bundle (a migration, a font, locale data, a Qt plugin
or translation) shows here rather than at a handläggare's desk.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from app import __version__
from app.settings import configuration


class SelftestFailed(Exception):
    pass


def run_selftest() -> int:
    started = time.perf_counter()
    steps: list[str] = []

    def step(label: str, check: Callable[[], str | None]) -> None:
        detail = check()
        steps.append(f"{label} ({detail})" if detail else label)
        print(f"  ok  {steps[-1]}", flush=True)

    print(f"Självtest av Ärendestöd {__version__}", flush=True)
    try:
        step("inställningar", _configuration)
        with tempfile.TemporaryDirectory(prefix="arendestod-selftest-") as folder:
            _run_with_database(Path(folder), step)
    except SelftestFailed as failure:
        print(f"Självtest misslyckades: {failure}", file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        print("Självtest misslyckades: oväntat fel (se ovan).", file=sys.stderr)
        return 1
    print(f"Självtest OK på {time.perf_counter() - started:.1f} s: {len(steps)} steg.")
    return 0


def _configuration() -> str:
    files = configuration.current().files
    return ", ".join(str(path) for path in files) if files else "inga inställningsfiler"


def _run_with_database(folder: Path, step: Callable[[str, Callable[[], str | None]], None]):
    from sqlalchemy import select

    from app.cases import case_search, my_cases
    from app.db import migrate
    from app.db.database import open_database
    from app.db.encrypted_file import FileKey, is_plain_sqlite
    from app.demo import demo_data
    from app.journal.journal_printout import journal_printout
    from app.models import Role, User
    from app.printing.decision_letter import render_decision_letter
    from app.printing.journal_printout import render_journal
    from app.security.actor import Actor

    # encrypted as every local database, with a key of its own (the file is thrown away)
    path = folder / "selftest.sqlite3"
    database = open_database(f"sqlite:///{path}", key=FileKey.new_random()[0])

    def encrypted() -> str:
        if is_plain_sqlite(path):
            raise SelftestFailed(f"databasen {path} är inte krypterad")
        with database.engine.connect() as connection:
            cipher = connection.exec_driver_sql("PRAGMA cipher_version").scalar()
        return f"SQLCipher {cipher}"

    try:
        step("databas skapad och migrerad", lambda: migrate.current_revision(database.engine))
        step("databasen är krypterad", encrypted)
        with database.sessions.begin() as session:
            demo_data.generate(session, 20, seed=1, render_letter=render_decision_letter)
        step("20 demohushåll med arkiverade beslutsbrev", lambda: None)
        with database.sessions.begin() as session:
            user = session.scalars(select(User).where(User.role == Role.CASEWORKER)).first()
            assert user is not None  # the demo data has handläggare
            actor = Actor.of(user)
            cases = my_cases.my_cases(session, actor, include_closed=True)
            if not cases:
                raise SelftestFailed("inga ärenden i Mina ärenden.")
            case = cases[0]

            def search() -> None:
                hits = case_search.search(session, actor, case.personal_number).hits
                if not any(hit.case_id == case.case_id for hit in hits):
                    raise SelftestFailed("sökning på personnummer hittade inte ärendet.")

            step("sökning på personnummer", search)
            step(
                "beslutsbrev som PDF",
                lambda: _decision_letter(session, actor, [c.case_id for c in cases]),
            )
            journal = journal_printout(session, actor, case.case_id)
            step("journal som PDF", lambda: _pdf_size(render_journal(journal)))
        step("fönster (Qt)", lambda: _main_window(database, actor))
    finally:
        database.dispose()


def _decision_letter(session, actor, case_ids) -> str:
    from app.decisions import decisions
    from app.printing.decision_letter import render_decision_letter

    for case_id in case_ids:
        rows = decisions.list_decisions(session, actor, case_id)
        if rows:
            letter = decisions.letter_preview(session, actor, rows[0].id)
            pdf = render_decision_letter(letter)
            if configuration.current().letterhead.logo and b"/Subtype /Image" not in pdf:
                raise SelftestFailed("logotypen kom inte med i beslutsbrevet.")
            return _pdf_size(pdf)
    raise SelftestFailed("inga beslut i demodatan.")


def _pdf_size(pdf: bytes) -> str:
    if not pdf.startswith(b"%PDF") or len(pdf) < 1000:
        raise SelftestFailed("PDF kunde inte skapas.")
    return f"{len(pdf):,} byte".replace(",", "\u00a0")


def _main_window(database, actor) -> str:
    """Qt loads, with its platform plugin and Swedish translation, and the main window can be
    built and drawn. Offscreen when there is no screen (a server, CI); the plugin that
    draws on the user's screen is then checked to be in place."""
    screenless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and screenless and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QCoreApplication, QLibraryInfo

    from app.ui.application import make_application
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    app = make_application([sys.argv[0]])
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    screen_plugin = {"win32": "qwindows", "darwin": "qcocoa"}.get(sys.platform, "qxcb")
    if not any(p.name.startswith(f"lib{screen_plugin}") or p.stem == screen_plugin
               for p in plugins.glob("*")):  # fmt: skip
        raise SelftestFailed(f"Qt:s plattformstillägg {screen_plugin} saknas i {plugins}.")
    if QCoreApplication.translate("QPlatformTheme", "Cancel") != "Avbryt":
        raise SelftestFailed("Qt:s svenska översättning (qtbase_sv.qm) saknas.")
    window = MainWindow(AppContext(database, actor=actor))
    try:
        image = window.grab()
        if image.isNull() or image.width() < 400:
            raise SelftestFailed("huvudfönstret kunde inte ritas.")
        if window.my_cases_model.rowCount() == 0:
            raise SelftestFailed("Mina ärenden i huvudfönstret är tom.")
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
    return f"plattform {app.platformName()}, {image.width()}×{image.height()} bildpunkter"
