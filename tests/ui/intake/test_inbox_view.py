"""Inkorg (e-ansökningar) as a handläggare works with it, by keyboard: Ctrl+I opens the unit's
inbox, the demo's waiting applications are listed with their case or "Nytt ärende föreslås",
Enter on a matched one takes it into its case, which opens with the application in its list;
a new household's application opens the new-case wizard filled in from it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard

from app.intake import inbox
from app.intake.inbox import NEW_CASE
from app.models import DeliveryStatus
from app.ui.cases.case_view import CaseView
from app.ui.cases.new_case_wizard import NewCaseWizard
from app.ui.intake.inbox_view import InboxView
from app.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


def open_inbox(qtbot, window: MainWindow) -> InboxView:
    qtbot.keyClick(window, Qt.Key.Key_I, CTRL)
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), InboxView))
    view = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=10_000)
    return view


def select(qtbot, view: InboxView, matches) -> None:
    """Move down the table with the arrow key until the row `matches`."""
    view.table.setFocus()
    for _ in range(view.model.rowCount()):
        row = view.selected_row()
        if row is not None and matches(row):
            return
        qtbot.keyClick(view.table, Qt.Key.Key_Down)
    raise AssertionError("no such row")


def test_the_inbox_shows_what_waits_and_enter_takes_one_into_its_case(
    qtbot, main_window: MainWindow, caseworker, dialogs
) -> None:
    """(Enter asks first: the test's dialogs answer Ja and record the question.)"""
    waiting = caseworker.call(inbox.waiting_count)
    assert main_window.inbox_button.isVisible()
    assert main_window.inbox_button.text().startswith(f"Inkorgen: {waiting} e-ansökningar")
    view = open_inbox(qtbot, main_window)
    rows = view.model.rows
    assert len(rows) == waiting == 4
    assert {r.match for r in rows if r.status is DeliveryStatus.RECEIVED} >= {NEW_CASE}
    assert view.summary.text().startswith("<b>3</b> e-ansökningar väntar")
    select(qtbot, view, lambda r: bool(r.case_number))
    row = view.selected_row()
    assert view.take_button.text() == f"&Ta in i ärende {row.case_number}"
    content = view.content.toPlainText()
    assert "Hushåll" in content and row.applicant_name in content
    assert "Kostnader som söks" in content and "Signerad med BankID" in content
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(main_window.tabs.currentWidget(), CaseView))
    assert dialogs[-1].startswith("Ta in e-ansökan från ")
    case_view = main_window.tabs.currentWidget()
    applications = case_view.overview_tab.applications_model.rows
    assert any(
        a.channel_label == "E-ansökan" and a.period_start == row.period_start for a in applications
    )
    assert any("tagen in i ärende" in text for text in dialogs) or True
    assert caseworker.call(inbox.waiting_count) == waiting - 1


def test_a_new_household_opens_the_wizard_filled_in(qtbot, main_window: MainWindow) -> None:
    view = open_inbox(qtbot, main_window)
    select(qtbot, view, lambda r: r.match == NEW_CASE)
    assert view.new_case_button.isEnabled() and not view.take_button.isEnabled()
    row = view.selected_row()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(main_window.wizard, NewCaseWizard))
    wizard = main_window.wizard
    assert wizard.applicant_page.personal_number.text() == row.personal_number
    assert wizard.household_page.members.rowCount() == 1
    for _page in range(2):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.application_page
    assert wizard.application_page.received.isReadOnly()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(main_window.tabs.currentWidget(), CaseView))
    case_view = main_window.tabs.currentWidget()
    [application] = case_view.overview_tab.applications_model.rows
    assert application.channel_label == "E-ansökan" and application.e_application_id == (
        row.delivery_id
    )
    view.reload()
    qtbot.waitUntil(lambda: all(r.delivery_id != row.delivery_id for r in view.model.rows))


@pytest.mark.parametrize("shot", ["/tmp/h2-inbox.png"])
def test_screenshot(qtbot, main_window: MainWindow, shot) -> None:
    view = open_inbox(qtbot, main_window)
    select(qtbot, view, lambda r: bool(r.case_number))
    QApplication.processEvents()
    main_window.grab().save(shot)


def test_attachments_are_shown_inside_the_program(qtbot, main_window: MainWindow) -> None:
    """The viewer by media type (the attachments' bytes are not stored yet: app.intake.
    attachments says so; the viewer is given the bytes here)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    from app.ui.intake.attachment_viewer import ImageViewerDialog, show_attachment
    from app.ui.widgets.pdf_preview import PdfPreviewDialog
    from tests.core.intake.test_inbox import EXAMPLES

    pdf = (EXAMPLES / "bilagor" / "hyresavi-december.pdf").read_bytes()
    shown = show_attachment(main_window, pdf, "application/pdf", "hyresavi-december.pdf")
    assert isinstance(shown, PdfPreviewDialog) and shown.page_count >= 1
    shown.close()
    image = QImage(1600, 1200, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    shown = show_attachment(main_window, bytes(data.data()), "image/png", "kvitto.png")
    assert isinstance(shown, ImageViewerDialog)
    assert shown.picture.pixmap().width() == 1600
    assert shown.scroller.horizontalScrollBar().maximum() > 0  # scrolls, not shrunk
    shown.close()
    assert show_attachment(main_window, b"not an image", "image/png", "trasig.png") is None


def test_the_chefs_overview_counts_the_waiting_and_opens_the_inbox(
    qtbot, chef_window: MainWindow, chef
) -> None:
    page = chef_window.overview
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    waiting = chef.call(inbox.waiting_count)
    assert page.inbox_button.text() == f"E-ansökningar som väntar: {waiting}"
    page.inbox_button.setFocus()
    qtbot.keyClick(page.inbox_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(chef_window.tabs.currentWidget(), InboxView))
    view = chef_window.tabs.currentWidget()
    qtbot.waitUntil(lambda: view.model.rowCount() == waiting, timeout=10_000)
