"""Starting the GUI: Qt application, database, first run, login, main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app import __version__
from app.db.database import open_database
from app.services import accounts
from app.ui.context import AppContext
from app.ui.first_run_dialog import FirstRunDialog
from app.ui.login_dialog import LoginDialog
from app.ui.messages import user_message


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


def run_gui(db_url: str | None) -> int:
    app = make_application()
    try:
        database = open_database(db_url)
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
