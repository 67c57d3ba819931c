"""Loggranskning through the window: the chef opens a case, then reads in the log that she
did; from a case, "Vem har läst?" lists who has looked at the person; export to CSV."""

from __future__ import annotations

import csv
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from app.models import Case, CaseStatus, Unit, User
from app.ui.main_window import MainWindow
from app.ui.security.audit_review_view import AuditReviewView
from tests.helpers import type_text

LEFT = Qt.MouseButton.LeftButton


def _actions(window: MainWindow) -> dict:
    return {a.text(): a for menu in window.menuBar().actions() for a in menu.menu().actions()}


def _a_case_of_the_unit(database, username: str) -> Case:
    with database.sessions() as session:
        unit_id = session.scalar(select(User.unit_id).where(User.username == username))
        assert session.get(Unit, unit_id) is not None
        return session.scalars(
            select(Case)
            .where(Case.unit_id == unit_id, Case.status != CaseStatus.CLOSED)
            .order_by(Case.case_number)
        ).first()


def _open_review(qtbot, window: MainWindow) -> AuditReviewView:
    _actions(window)["Logggrans&kning …"].trigger()
    view = window.tabs.currentWidget()
    assert isinstance(view, AuditReviewView)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Logggranskning"
    return view


def _wait(qtbot, view: AuditReviewView) -> None:
    qtbot.waitUntil(lambda: not view.busy, timeout=10_000)


def _shown(view: AuditReviewView) -> list[list[str]]:
    model = view.table.model()
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_the_chef_finds_her_own_reading_in_the_log(qtbot, chef_window, demo_database) -> None:
    case = _a_case_of_the_unit(demo_database, "eva.lind")
    chef_window.open_case(case.id)
    view = _open_review(qtbot, chef_window)
    assert view.since.value() == date(2026, 10, 24) and view.until.value() == date(2026, 11, 23)
    view.user.setCurrentIndex(view.user.findText("Eva Lind"))
    qtbot.mouseClick(view.show_button, LEFT)
    _wait(qtbot, view)
    rows = _shown(view)
    assert ["Eva Lind", "Öppnade", "ärende", case.case_number] in [r[1:5] for r in rows]
    assert ["Eva Lind", "Loggade in", "användare"] in [r[1:4] for r in rows]
    assert view.status_label.text() == f"{len(rows)} rader."
    assert all(r[0].startswith("2026-11-23") for r in rows)


def test_a_bad_personnummer_is_explained_and_kept(qtbot, chef_window) -> None:
    view = _open_review(qtbot, chef_window)
    type_text(view.person, "19850312-1230")
    qtbot.keyClick(view.person, Qt.Key.Key_Return)
    _wait(qtbot, view)
    assert "Kontrollsiffran stämmer inte" in view.errors["personal_number"].text()
    assert view.person.text() == "19850312-1230"
    view.person.clear()
    type_text(view.person, "'; DELETE FROM audit_log; --")
    qtbot.mouseClick(view.show_button, LEFT)
    _wait(qtbot, view)
    assert "bara innehålla siffror" in view.errors["personal_number"].text()
    view.until.set_value(date(2026, 1, 1))
    view.person.clear()
    qtbot.mouseClick(view.show_button, LEFT)
    _wait(qtbot, view)
    assert view.errors["personal_number"].text() == ""
    assert "före startdatumet" in view.errors["until"].text()


def test_who_has_looked_at_the_person_from_the_case(
    qtbot, chef_window, demo_database, tmp_path, monkeypatch
) -> None:
    case = _a_case_of_the_unit(demo_database, "eva.lind")
    case_view = chef_window.open_case(case.id)
    applicant = case_view.overview.applicant
    button = case_view.overview_tab.access_log_button
    assert button.isVisible()
    qtbot.mouseClick(button, LEFT)
    view = chef_window.tabs.currentWidget()
    assert isinstance(view, AuditReviewView)
    _wait(qtbot, view)
    assert view.person.text() == applicant.personal_number
    assert applicant.name in view.status_label.text()
    rows = _shown(view)
    assert ["Eva Lind", "Öppnade", "ärende", case.case_number] in [r[1:5] for r in rows]
    assert {r[4] for r in rows if r[4]} == {case.case_number}  # only her case
    target = tmp_path / "logg"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    qtbot.mouseClick(view.export_button, LEFT)
    saved = tmp_path / "logg.csv"
    qtbot.waitUntil(lambda: "sparades" in chef_window.statusBar().currentMessage(), timeout=10_000)
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle, delimiter=";"))
    assert lines[0][:3] == ["Tid", "Användare", "Åtgärd"]
    assert ["Eva Lind", "Öppnade", "ärende", case.case_number] in [r[1:5] for r in lines]
    assert chef_window.statusBar().currentMessage() == f"{len(lines) - 1} rader sparades i {saved}."
    assert applicant.name in view.status_label.text()  # what is shown is still told


def test_a_caseworker_has_no_log_review(main_window, demo_database) -> None:
    assert "Logggrans&kning …" not in _actions(main_window)
    case = _a_case_of_the_unit(demo_database, "sara.nilsson")
    case_view = main_window.open_case(case.id)
    assert not case_view.overview_tab.access_log_button.isVisible()


def test_an_administrator_checks_the_audit_chain(qtbot, demo_database, chef_window) -> None:
    """Issue 20: the chain of the log checked from Logggranskning; rows deleted by hand in
    the file (plain SQL, as with sqlite3) are found. A chef does not get the button."""
    from sqlalchemy import delete

    from app.models import AuditEntry
    from tests.ui.conftest import _shown_window
    from tests.ui.forms.test_form_versions import login_admin

    assert not _open_review(qtbot, chef_window).chain_button.isVisible()
    window = _shown_window(qtbot, login_admin(demo_database))
    view = _open_review(qtbot, window)
    assert view.chain_button.isVisible()
    qtbot.mouseClick(view.chain_button, LEFT)
    _wait(qtbot, view)
    assert view.status_label.text().startswith("Loggkedjan stämmer: ")
    with demo_database.sessions() as session:
        rows = session.scalars(select(AuditEntry.id).order_by(AuditEntry.seq)).all()
    assert len(rows) >= 3
    with demo_database.engine.begin() as connection:
        connection.execute(delete(AuditEntry).where(AuditEntry.id == rows[1]))
    qtbot.mouseClick(view.chain_button, LEFT)
    _wait(qtbot, view)
    shown = view.status_label.text()
    assert "Loggkedjan stämmer inte</b> från rad 2: 1 rad saknas" in shown
    view.grab().save("/tmp/C-audit-chain.png")
