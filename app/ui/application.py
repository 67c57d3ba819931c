"""Starting the GUI: Qt application, database, first run, login, main window.

The login dialog is the first window, and what it does not need is imported after it (the
main window, the first-run dialog with its PDF letters, the offline replica's SQLCipher):
a cold start reaches a usable window sooner (benchmarks/cold_start.py).
"""

from __future__ import annotations

import sys
from typing import cast

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app import __version__
from app.common.resources import resource_path
from app.security import accounts, server_login
from app.storage import (
    Database,
    DatabaseMissing,
    PassphraseNeeded,
    default_replica_path,
    open_database,
    resolve_database_url,
    start_new_database,
)
from app.ui import crash_dialog
from app.ui.context import AppContext
from app.ui.security.login_dialog import LoginDialog
from app.ui.startup_probe import arm as arm_startup_probe
from app.ui.widgets.messages import user_message


def make_application(argv: list[str] | None = None) -> QApplication:
    # instance() is typed QCoreApplication; this program only ever makes a QApplication
    app = cast(QApplication, QApplication.instance() or QApplication(argv or sys.argv))
    app.setApplicationName("Ärendestöd")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Ärendestöd")
    app.setDesktopFileName("arendestod")  # matches the installed arendestod.desktop
    app.setWindowIcon(QIcon(str(resource_path("icons", "arendestod.svg"))))
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
    arm_startup_probe(app)
    return app


def show_startup_error(message: str) -> int:
    """A start that cannot go on (a broken configuration file, say), told in a window."""
    make_application()
    QMessageBox.critical(None, "Ärendestöd", "Ärendestöd kan inte starta.\n\n" + message)
    return 2


def run_gui(db_url: str | None, *, offline: bool = False) -> int:
    app = make_application()
    crash_dialog.install()  # an uncaught error: logged and shown, the program goes on
    crash_dialog.install_qt_log()
    if offline:
        return _run_offline(app)
    url = resolve_database_url(db_url)
    if server_login.is_shared_server(url):
        return _run_on_server(app, url)
    database = _open_local(url)
    if database is None:
        return 1
    context = AppContext(database)
    with database.sessions() as session:
        first_run = not accounts.has_users(session)
    login_hint, username = "", ""
    if first_run:
        from app.ui.first_run_dialog import FirstRunDialog

        dialog = FirstRunDialog(context)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        if dialog.demo_loaded:
            from app.demo.demo_data import DEMO_PASSWORD

            login_hint = (
                "Demodata är inlagd. Logga in som handläggare (sara.nilsson) eller "
                f"chef (eva.lind) med lösenordet {DEMO_PASSWORD} – eller som administratör."
            )
            username = "sara.nilsson"
        else:
            username = dialog.username.text()
    while True:
        login = LoginDialog(context, username=username, hint=login_hint)
        if login.exec() != QDialog.DialogCode.Accepted:
            return 0
        from app.ui.main_window import MainWindow

        window = MainWindow(context)
        window.show()
        app.exec()
        if not window.logged_out:
            return 0
        context.actor = None
        username, login_hint = "", ""


def _open_local(url: str) -> Database | None:
    """The local database, opened and checked; None when the start cannot go on (the user
    was told why) or the user cancels. The passphrase of an encrypted local file is asked
    for where there is no keyring (again after a wrong one); a missing or emptied file is
    replaced only if the user says so."""
    from app.ui import database_problems

    passphrase: str | None = None
    question: PassphraseNeeded | None = None
    start_new = False
    while True:
        try:
            opener = start_new_database if start_new else open_database
            database = opener(url, passphrase=passphrase)
            break
        except DatabaseMissing as missing:
            if not database_problems.ask_start_new(str(missing)):
                return None
            start_new = True
            continue
        except PassphraseNeeded as asked:
            question = asked
        except Exception as exc:
            if passphrase is None or question is None:
                QMessageBox.critical(
                    None, "Ärendestöd", "Databasen kunde inte öppnas.\n\n" + user_message(exc)
                )
                return None
            QMessageBox.warning(None, "Ärendestöd", user_message(exc))
        from app.ui.offline.passphrase_prompt import ask_passphrase

        passphrase = ask_passphrase(None, question, "Ärendestöd")
        if passphrase is None:
            return None
    database_problems.check_in_background(database)
    return database


def _run_on_server(app: QApplication, url: str) -> int:
    """Shared mode: every login connects with the user's own database role; the
    administrator has set the server up (`arendestod db init-server`)."""
    username = ""
    while True:
        login = LoginDialog(None, username=username, server_url=url)
        if login.exec() != QDialog.DialogCode.Accepted:
            return 0
        from app.ui.main_window import MainWindow

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
    the key in the keyring or the passphrase the user chose, then shown only after the
    user's offline password (chosen at check-out)."""
    from app.offline import offline_replica
    from app.ui.main_window import MainWindow
    from app.ui.offline.offline_login_dialog import OfflineLoginDialog
    from app.ui.offline.passphrase_prompt import ask_passphrase

    path = default_replica_path()
    passphrase: str | None = None
    while True:
        try:
            locked = offline_replica.unlock_for_login(path, passphrase)
            break
        except offline_replica.PassphraseNeeded as question:
            passphrase = ask_passphrase(None, question, "Ärendestöd offline")
            if passphrase is None:
                return 0
        except offline_replica.ReplicaLocked as error:
            QMessageBox.warning(None, "Ärendestöd offline", str(error))
            passphrase = None
            if not path.exists():
                return 1
        except Exception as error:
            QMessageBox.critical(None, "Ärendestöd offline", user_message(error))
            return 1
    database = locked.database
    login = OfflineLoginDialog(locked)
    if login.exec() != QDialog.DialogCode.Accepted or login.start is None:
        if login.expired_message:
            QMessageBox.information(None, "Ärendestöd offline", login.expired_message)
        database.dispose()
        return 0
    context = AppContext(database, actor=login.start.actor, replica_path=path)
    window = MainWindow(context)
    window.show()
    if login.start.expired:
        QMessageBox.information(window, "Ärendestöd offline", login.start.expired_message)
    app.exec()
    database.dispose()
    return 0
