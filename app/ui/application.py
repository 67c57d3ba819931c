"""Starting the GUI: Qt application, database, first run, login, main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app import __version__
from app.db.database import open_database
from app.db.location import resolve_database_url
from app.db.replica import ReplicaLocked, default_replica_path
from app.services import accounts, offline_replica, server_login
from app.ui.context import AppContext
from app.ui.first_run_dialog import FirstRunDialog
from app.ui.login_dialog import LoginDialog
from app.ui.messages import user_message
from app.ui.passphrase_prompt import ask_passphrase


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv)
    app.setApplicationName("Ärendestöd")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Ärendestöd")
    app.setStyle("Fusion")
    QLocale.setDefault(QLocale(QLocale.Language.Swedish, QLocale.Country.Sweden))
    translator = QTranslator(app)
    if translator.load(
        QLocale(QLocale.Language.Swedish),
        "qtbase",
        "_",
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
    ):
        app.installTranslator(translator)
    return app


def run_gui(db_url: str | None, *, offline: bool = False) -> int:
    app = make_application()
    if offline:
        return _run_offline(app)
    url = resolve_database_url(db_url)
    if server_login.is_shared_server(url):
        return _run_on_server(app, url)
    try:
        database = open_database(url)
    except Exception as exc:
        QMessageBox.critical(
            None, "Ärendestöd", "Databasen kunde inte öppnas.\n\n" + user_message(exc)
        )
        return 1
    context = AppContext(database)
    with database.sessions() as session:
        first_run = not accounts.has_users(session)
    login_hint, username = "", ""
    if first_run:
        dialog = FirstRunDialog(context)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        if dialog.demo_loaded:
            login_hint = (
                "Demodata är inlagd. Logga in som handläggare (sara.nilsson) eller "
                "chef (eva.lind) med lösenordet demo1234 – eller som administratör."
            )
            username = "sara.nilsson"
        else:
            username = dialog.username.text()
    from app.ui.main_window import MainWindow

    while True:
        login = LoginDialog(context, username=username, hint=login_hint)
        if login.exec() != QDialog.DialogCode.Accepted:
            return 0
        window = MainWindow(context)
        window.show()
        app.exec()
        if not window.logged_out:
            return 0
        context.actor = None
        username, login_hint = "", ""


def _run_on_server(app: QApplication, url: str) -> int:
    """Shared mode: every login connects with the user's own database role; the
    administrator has set the server up (`arendestod db init-server`)."""
    from app.ui.main_window import MainWindow

    username = ""
    while True:
        login = LoginDialog(None, username=username, server_url=url)
        if login.exec() != QDialog.DialogCode.Accepted:
            return 0
        context = login.context
        assert context is not None
        window = MainWindow(context)
        window.show()
        app.exec()
        context.database.dispose()
        if not window.logged_out:
            return 0
        username = context.actor.username if context.actor else ""


def _run_offline(app: QApplication) -> int:
    """Offline on the laptop: the encrypted replica with the cases taken along, unlocked with
    the key in the keyring or the passphrase the user chose."""
    from app.ui.main_window import MainWindow

    path = default_replica_path()
    passphrase: str | None = None
    while True:
        try:
            database, actor = offline_replica.open_offline(path, passphrase)
            break
        except offline_replica.PassphraseNeeded as question:
            passphrase = ask_passphrase(None, question, "Ärendestöd offline")
            if passphrase is None:
                return 0
        except ReplicaLocked as error:
            QMessageBox.warning(None, "Ärendestöd offline", str(error))
            passphrase = None
            if not path.exists():
                return 1
        except Exception as error:
            QMessageBox.critical(None, "Ärendestöd offline", user_message(error))
            return 1
    context = AppContext(database, actor=actor, replica_path=path)
    window = MainWindow(context)
    window.show()
    app.exec()
    database.dispose()
    return 0
