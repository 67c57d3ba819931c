"""Every Tab stop in every window has a name a screen reader can say.

The test does what the users do (a handläggare, a chef, an administrator): opens every
kind of tab and every dialog the menus and the case's buttons lead to, and asks Qt's
accessibility interface for each focusable widget's name (tests/ui/accessibility.py).
It knows no widget by name: whatever is added to these windows is checked too."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QStackedWidget, QTabWidget, QWidget, QWizard
from sqlalchemy import select

from app.common.identity_number import with_check_digit
from app.db.database import open_database
from app.models import Decision
from app.offline.offline_replica import LockedReplica
from app.ui.context import AppContext
from app.ui.crash_dialog import CrashDialog
from app.ui.decisions.execution_dialog import ExecutionDialog
from app.ui.first_run_dialog import FirstRunDialog
from app.ui.forms.forms_tab import CASE_FORMS
from app.ui.main_window import MainWindow
from app.ui.offline.checkout_dialog import CheckOutDialog
from app.ui.offline.offline_login_dialog import OfflineLoginDialog
from app.ui.security.login_dialog import LoginDialog
from tests.helpers import type_text
from tests.ui.accessibility import Walk, dialogs_walked, spoken_name, unnamed
from tests.ui.forms.test_form_versions import login_admin

APPLICANT = with_check_digit("19870312122")  # fictional, as in test_new_case_wizard
STAYING_IN_THE_SESSION = {"Lås nu", "Logga ut", "Avsluta", "Stäng flik"}
"""Menu items the walk leaves alone: they end the session or close what is being walked."""


@pytest.fixture
def walk() -> Walk:
    return Walk()


def _plain(text: str) -> str:
    return text.replace("&", "").replace("…", "").strip()


def walk_every_tab(walk: Walk, window: QWidget, where: str) -> None:
    """Walk `window`, then each page of each tab widget in it (nested ones too)."""
    walk.check(window, where)
    _walk_pages(walk, window, where, set())


def _walk_pages(walk: Walk, within: QWidget, where: str, seen: set[int]) -> None:
    """Each page of each tab widget, and of each page stack a list or the program switches
    (Statistik's sections, the lock screen), one after the other."""
    for pages in within.findChildren(QTabWidget) + within.findChildren(QStackedWidget):
        if not pages.isVisible() or id(pages) in seen or _inside_tabs_or_wizard(pages):
            continue
        seen.add(id(pages))
        shown = pages.currentIndex()
        for index in range(pages.count()):
            pages.setCurrentIndex(index)
            page = pages.widget(index)
            place = f"{where} › " + (
                _plain(pages.tabText(index))
                if isinstance(pages, QTabWidget)
                else page.objectName() or f"sida {index + 1}"
            )
            walk.check(page, place)
            _walk_pages(walk, page, place, seen)
        pages.setCurrentIndex(shown)


def _inside_tabs_or_wizard(pages: QWidget) -> bool:
    """A tab widget's own stack (walked as the tab widget), a wizard's (walked page by
    page as the user fills it in)."""
    return isinstance(pages, QStackedWidget) and isinstance(
        pages.parentWidget(), QTabWidget | QWizard
    )


def trigger_every_menu_item(walk: Walk, window: MainWindow, monkeypatch, where: str) -> None:
    """Each menu item, its dialogs walked (and cancelled) as it opens them."""
    with dialogs_walked(walk, monkeypatch, where):
        for menu_action in window.menuBar().actions():
            for action in menu_action.menu().actions():
                text = _plain(action.text())
                if action.isSeparator() or text in STAYING_IN_THE_SESSION:
                    continue
                action.trigger()
                if window.wizard is not None:
                    walk_wizard(walk, window.wizard, where)


def walk_wizard(walk: Walk, wizard: QWizard, where: str) -> None:
    """Every page of the Nytt ärende wizard, filled in as far as it needs to go on."""
    page = wizard.applicant_page
    walk.check(wizard, f"{where}: Nytt ärende, sökande")
    type_text(page.personal_number, APPLICANT)
    type_text(page.first_name, "Åsa")
    type_text(page.last_name, "Öberg")
    wizard.next()
    assert wizard.currentPage() is wizard.household_page
    wizard.household_page.add_member()
    walk.check(wizard, f"{where}: Nytt ärende, hushåll")
    wizard.household_page.members.removeRow(0)
    wizard.next()
    assert wizard.currentPage() is wizard.application_page
    walk.check(wizard, f"{where}: Nytt ärende, ansökan")
    wizard.reject()


def test_the_caseworkers_windows_name_every_tab_stop(
    qtbot, main_window, caseworker, walk, monkeypatch
) -> None:
    window = main_window
    where = "Handläggare"
    type_text(window.search_field, "Nilsson")
    window.run_search()
    view = window.open_case(window.my_cases_model.rows[0].case_id)
    assert view is not None
    for key, _text in CASE_FORMS:
        view.forms_tab.new_form(key)
    window.open_decision(view, None)
    walk_every_tab(walk, window, where)
    # the dialogs behind the case's buttons
    with dialogs_walked(walk, monkeypatch, f"{where}, ärendet") as seen:
        window.tabs.setCurrentWidget(view)
        view.change_status()
        view.tabs.setCurrentWidget(view.plan_tab)
        view.plan_tab.new_plan()
        view.tabs.setCurrentWidget(view.overview_tab)
        view.overview_tab.register_barrier()
    assert len(seen) == 3
    # Registrera verkställighet: a signed decision not yet carried out (the demo data's are
    # all paid out: one is made to wait)
    case_ids = [case.case_id for case in window.my_cases_model.rows]
    with caseworker.database.sessions.begin() as session:
        decision = session.scalars(
            select(Decision)
            .where(
                Decision.case_id.in_(case_ids),
                Decision.signed_at.is_not(None),
                Decision.granted_total > 0,
            )
            .limit(1)
        ).one()
        decision.executed_on = None
        case_id = decision.case_id
    signed = window.open_case(case_id)
    assert signed is not None
    signed.tabs.setCurrentWidget(signed.decisions_tab)
    assert signed.decisions_tab.view.select_where(lambda row: row.awaits_execution)
    with dialogs_walked(walk, monkeypatch, f"{where}, beslut") as seen:
        signed.decisions_tab.execute_button.click()
    assert [type(dialog) for dialog in seen] == [ExecutionDialog]
    checkout = CheckOutDialog(caseworker, window.my_cases_model.rows, set())
    qtbot.addWidget(checkout)
    checkout.show()
    walk.check(checkout, f"{where}: Ta med på hembesök")
    trigger_every_menu_item(walk, window, monkeypatch, where)
    assert walk.stops > 100  # the walk reached the windows' widgets
    assert not walk.problems, "Utan namn för skärmläsare:\n" + walk.report()


def test_the_chefs_windows_name_every_tab_stop(qtbot, chef_window, walk, monkeypatch) -> None:
    where = "Chef"
    trigger_every_menu_item(walk, chef_window, monkeypatch, where)
    walk_every_tab(walk, chef_window, where)
    assert any("Statistik" in place for place in walk.walked)
    assert not walk.problems, "Utan namn för skärmläsare:\n" + walk.report()


def test_the_administrators_windows_name_every_tab_stop(
    qtbot, demo_database, walk, monkeypatch
) -> None:
    admin = login_admin(demo_database)
    window = MainWindow(admin)
    qtbot.addWidget(window)
    window.show()
    where = "Administratör"
    trigger_every_menu_item(walk, window, monkeypatch, where)
    walk_every_tab(walk, window, where)
    assert any("UsersDialog" in place for place in walk.walked)
    assert not walk.problems, "Utan namn för skärmläsare:\n" + walk.report()


def test_the_dialogs_before_the_main_window_name_every_tab_stop(
    qtbot, tmp_path: Path, demo_database, fixed_clock, walk
) -> None:
    login = LoginDialog(AppContext(demo_database), username="sara.nilsson")
    first = FirstRunDialog(
        AppContext(
            open_database(f"sqlite:///{tmp_path / 'new.sqlite3'}", plain_sqlite_for_tests=True)
        )
    )
    crash = CrashDialog("Traceback: ett påhittat fel")
    offline = OfflineLoginDialog(
        LockedReplica(demo_database, tmp_path / "replica.sqlite3", "sara.nilsson", "Sara Nilsson")
    )
    for dialog, where in (
        (login, "Inloggning"),
        (first, "Första start"),
        (crash, "Fel"),
        (offline, "Inloggning offline"),
    ):
        qtbot.addWidget(dialog)
        dialog.show()
        walk.check(dialog, where)
    assert not walk.problems, "Utan namn för skärmläsare:\n" + walk.report()


def test_the_walk_finds_a_field_without_a_name(qtbot) -> None:
    from PySide6.QtWidgets import QFormLayout, QLineEdit, QVBoxLayout

    holder = QWidget()
    qtbot.addWidget(holder)
    form = QFormLayout(holder)
    named = QLineEdit()
    form.addRow("&Rubrik:", named)  # Qt takes the name from the buddy label beside it
    box = QWidget()
    QVBoxLayout(box).addWidget(unnamed_field := QLineEdit())
    unnamed_field.setObjectName("lostItsLabel")
    form.addRow("&Text:", box)  # the label's buddy is the box, not the field in it
    holder.show()
    assert spoken_name(named) == "Rubrik:"
    assert unnamed(holder) == ["QLineEdit#lostItsLabel in QWidget < QWidget"]
