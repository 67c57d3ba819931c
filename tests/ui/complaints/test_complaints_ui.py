"""Synpunkter och klagomål as the users work with them: a handläggare registers one from the
menu (a missing theme is told, nothing typed is lost), the chef opens the register, handles
it (lex Sarah routed and reported, a measure), writes, previews and signs the answer, and
closes it; a colleague sees none of it."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu

from app.common import clock
from app.complaints import complaint_answer, complaint_register
from app.complaints.complaint_register import NewComplaint
from app.models import ComplaintNumberSeries, FeedbackKind, LexSarah, ReceivedVia
from app.ui.complaints.complaint_dialog import ComplaintDialog
from app.ui.complaints.complaint_register_view import ComplaintRegisterView
from app.ui.complaints.register_dialog import RegisterComplaintDialog
from app.ui.main_window import MainWindow
from tests.helpers import login, shown_pdf_preview, type_text
from tests.ui.accessibility import unnamed

ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list:
    """Dialogs shown instead of run modally, so the test can type in them."""
    dialogs: list = []

    def show(dialog) -> int:
        dialogs.append(dialog)
        dialog.show()
        return 0

    monkeypatch.setattr(RegisterComplaintDialog, "exec", show)
    monkeypatch.setattr(ComplaintDialog, "exec", show)
    return dialogs


def pdf_text(pdf: bytes) -> str:
    raw = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    return " ".join(raw.replace("\xa0", " ").split())


def register_as(context, **fields) -> str:
    data = NewComplaint(
        kind=fields.pop("kind", FeedbackKind.COMPLAINT),
        received_on=fields.pop("received_on", None) or __import__("datetime").date(2026, 11, 23),
        received_via=ReceivedVia.PHONE,
        themes=fields.pop("themes", ["tillganglighet"]),
        description=fields.pop("description", "Jag kommer inte fram på telefon."),
        sender_name=fields.pop("sender_name", "Maja Svensson"),
        sender_address=fields.pop("sender_address", "Storgatan 1\n123 45 Exempelstad"),
        **fields,
    )
    return context.call(lambda s, a: complaint_register.register(s, a, data).number)


def next_number(context) -> str:
    """The number the next synpunkt of this year gets: one after the last the series (the
    demo's synpunkter among them) has handed out, or the year's first."""
    year = clock.today().year
    with context.database.sessions() as session:
        series = session.get(ComplaintNumberSeries, year)
        last = series.last_number if series is not None else 0
    return complaint_register.format_number(year, last + 1)


def numbers(context, *, only_open: bool = True) -> set[str]:
    """The numbers `context`'s user sees in the register now."""
    rows = context.call(lambda s, a: complaint_register.complaint_list(s, a, only_open=only_open))
    return {row.number for row in rows}


def lex_sarah_pending(n: int) -> str:
    return f"{n} lex Sarah-rapport{'er inte lämnade' if n > 1 else ' inte lämnad'}"


@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")  # the menu
def test_a_caseworker_registers_from_the_menu_and_a_missing_theme_is_told(
    qtbot, main_window: MainWindow, opened
) -> None:
    expected = next_number(main_window.context)
    before = numbers(main_window.context)
    assert expected not in before
    qtbot.keyClick(main_window, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert "R&egistrera synpunkt …" in [a.text() for a in menu.actions()]
    qtbot.keyClick(menu, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: bool(opened))
    dialog: RegisterComplaintDialog = opened[-1]
    qtbot.addWidget(dialog)
    assert unnamed(dialog) == []
    said = "Handläggaren var otrevlig mot mig i telefon; ’”<b>' OR 1=1 --"
    dialog.description.setFocus()
    type_text(dialog.description, said)
    dialog.sender_name.setText("Ågot Öberg")
    dialog.sender_address.setPlainText("Box 12\n601 00 Norrköping")
    dialog.register_button.click()
    assert dialog.errors["themes"].text() == "Välj minst ett tema."
    assert dialog.errors["themes"].isVisible()
    assert dialog.description.toPlainText() == said  # nothing lost
    dialog.themes["bemotande"].setChecked(True)
    dialog.register_button.click()
    assert dialog.registered_number == expected
    assert dialog.result() == dialog.DialogCode.Accepted
    view = main_window.show_complaints()
    new = [row for row in view.model.rows if row.number not in before]
    assert [(row.number, row.themes) for row in new] == [(expected, "Bemötande")]
    assert new[0].summary.startswith("Handläggaren var otrevlig")
    assert len(view.model.rows) == len(before) + 1


def test_the_chef_handles_answers_signs_and_closes(
    qtbot, demo_database, chef_window: MainWindow, opened, dialogs
) -> None:
    caseworker = login(demo_database, "sara.nilsson")
    chef = chef_window.context
    before = numbers(chef)
    lex_before = sum(
        1 for w in chef.call(complaint_register.watches) if w.what.startswith("Lex Sarah")
    )
    number = register_as(caseworker, lex_sarah=LexSarah.RISK)
    view = chef_window.show_complaints()
    assert isinstance(view, ComplaintRegisterView)
    assert [row.number for row in view.model.rows if row.number not in before] == [number]
    assert len(view.model.rows) == len(before) + 1
    assert lex_sarah_pending(lex_before + 1) in view.summary.text()
    [row] = [row for row in view.model.rows if row.number == number]
    assert row.attention == "Lex Sarah ej rapporterad"

    assert view.table.select_where(lambda row: row.number == number)
    view.open_button.click()
    dialog: ComplaintDialog = opened[-1]
    qtbot.addWidget(dialog)
    assert unnamed(dialog) == []
    assert dialog.lex_sarah_banner.isVisible()
    banner = dialog.lex_sarah_banner.text()
    assert "Ska lämnas i dag" in banner and "ingen är angiven" in banner
    assert "27 kap. 2 § socialtjänstlagen (2025:400)" in banner  # the rule as read in the law

    dialog.close_button.click()  # not yet: lex Sarah and the answer are outstanding
    assert "Lex Sarah-rapporten är inte registrerad" in dialog.closing_errors.text()
    assert "signera svaret" in dialog.closing_errors.text()
    dialog.reported_button.click()
    assert "Rapporten lämnades" in dialog.lex_sarah_banner.text()

    dialog.tabs.setCurrentIndex(2)
    dialog.measure_text.setText("Se över telefontiderna")
    dialog.add_measure_button.click()
    assert dialog.errors["due_on"].text() == "Fyll i när åtgärden ska vara klar."
    assert dialog.measure_text.text() == "Se över telefontiderna"
    dialog.measure_due.setText("2026-12-15")
    dialog.measure_due.commit()
    dialog.add_measure_button.click()
    assert [m.description for m in dialog.view.measures] == ["Se över telefontiderna"]

    dialog.tabs.setCurrentIndex(3)
    assert dialog.answer_body.toPlainText().startswith("Hej Maja!")
    dialog.sign_button.click()  # only the offered opening and closing: refused
    assert "Skriv ditt svar" in dialog.errors["body"].text()
    text = dialog.answer_body.toPlainText().replace(
        "bli bättre.\n\n\n\n", "bli bättre.\n\nVi har förlängt telefontiden.\n\n"
    )
    dialog.answer_body.setPlainText(text)
    dialog.preview_button.click()  # saves the draft, then shows it
    preview = shown_pdf_preview(qtbot, dialog)
    assert "UTKAST" in pdf_text(preview.pdf) and "förlängt telefontiden" in pdf_text(preview.pdf)
    preview.close()
    dialog.sign_button.click()
    assert dialog.view.answer_signed
    assert dialog.answer_body.isReadOnly() and not dialog.sign_button.isVisibleTo(dialog)
    assert dialog.open_signed.isVisibleTo(dialog)
    letter_id = dialog.view.answer_id
    pdf = chef_window.context.call(lambda s, a: complaint_answer.archived(s, a, letter_id))
    printed = pdf_text(pdf)
    assert "Vi har förlängt telefontiden." in printed
    assert "Eva Lind" in printed and number in printed

    dialog.tabs.setCurrentIndex(1)
    dialog.close_button.click()
    assert dialog.view.closed_on is not None
    dialog.reject()
    view.reload()
    # "Öppna" shows the open ones: the closed one has left, the demo's are as they were
    assert {row.number for row in view.model.rows} == before
    view.show_which.setCurrentIndex(1)
    assert [r.status for r in view.model.rows if r.number == number] == ["Avslutad"]
    assert [w.what for w in view.watch_model.rows if w.number == number] == [
        "Åtgärd: Se över telefontiderna"
    ]


def test_a_colleague_sees_neither_the_complaint_nor_its_handling(
    qtbot, demo_database, opened
) -> None:
    number = register_as(login(demo_database, "sara.nilsson"))
    colleague = login(demo_database, "omar.haddad")
    window = MainWindow(colleague)
    qtbot.addWidget(window)
    view = window.show_complaints()
    assert number not in [row.number for row in view.model.rows]
    own = register_as(colleague, sender_name="", sender_address="", wants_answer=False)
    view.reload()
    assert [row.number for row in view.model.rows] == [own]
    view.table.selectRow(0)
    view.open_button.click()
    dialog: ComplaintDialog = opened[-1]
    qtbot.addWidget(dialog)
    assert dialog.tabs.count() == 1  # no handling, no answer for a handläggare
    assert "Anonym" in dialog.facts.text()


def test_the_chefs_overview_counts_what_waits_and_opens_the_register(
    qtbot, demo_database, chef_window: MainWindow
) -> None:
    page = chef_window.overview
    page.reload()
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    waiting = chef_window.context.call(complaint_register.overdue_count)
    assert page.complaints_button.text() == f"Synpunkter att åtgärda nu: {waiting}"
    register_as(login(demo_database, "sara.nilsson"), lex_sarah=LexSarah.IMPROPRIETY)
    page.reload()
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    assert page.complaints_button.text() == f"Synpunkter att åtgärda nu: {waiting + 1}"
    page.complaints_button.setFocus()
    qtbot.keyClick(page.complaints_button, Qt.Key.Key_Return)
    assert isinstance(chef_window.tabs.currentWidget(), ComplaintRegisterView)


def test_from_a_case_the_case_is_filled_in(qtbot, main_window: MainWindow, opened) -> None:
    expected = next_number(main_window.context)
    view = main_window.open_case(main_window.my_cases_model.rows[0].case_id)
    view.complaint_button.click()
    dialog: RegisterComplaintDialog = opened[-1]
    qtbot.addWidget(dialog)
    assert dialog.case_number.text() == view.overview.case_number
    dialog.themes["rattssakerhet"].setChecked(True)
    dialog.description.setPlainText("Beslutet kom för sent.")
    dialog.sender_name.setText("Den sökande själv")
    dialog.sender_address.setPlainText("Storgatan 2")
    dialog.register_button.click()
    assert dialog.registered_number == expected
    [found] = [
        row.id
        for row in main_window.context.call(complaint_register.complaint_list)
        if row.number == expected
    ]
    shown = main_window.context.call(lambda s, a: complaint_register.view(s, a, found))
    assert shown.case_number == view.overview.case_number


def test_a_very_long_text_is_refused_and_kept(qtbot, caseworker) -> None:
    dialog = RegisterComplaintDialog(caseworker)
    qtbot.addWidget(dialog)
    dialog.show()
    long_text = "Det här är för långt. " * 500  # 11 000 characters
    dialog.description.setPlainText(long_text)
    dialog.themes["annat"].setChecked(True)
    dialog.lex_sarah.setCurrentIndex(1)
    assert dialog.lex_sarah_hint.isVisible()
    assert "Rapporten ska lämnas i dag till den funktion" in dialog.lex_sarah_hint.text()
    dialog.register_button.click()
    assert "högst 10\u00a0000" in dialog.errors["description"].text()
    assert dialog.description.toPlainText() == long_text
    assert dialog.registered_number == ""
