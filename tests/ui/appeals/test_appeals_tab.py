"""Delgivning on the decisions tab, and the Överklaganden tab through what a handläggare
does: register an appeal one day late, see it flagged with why, record the rättidsprövning,
preview, sign and reopen the avvisning (its PDF read back), all by typing and clicking."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import select

from app.deadlines import appeal_deadlines
from app.models import Appeal, DecisionDelivery, DeliveryMethod, Letter
from app.ui.appeals.appeal_dialogs import (
    DismissalDialog,
    RegisterAppealDialog,
    TimelinessDialog,
)
from app.ui.appeals.delivery_dialog import DeliveryDialog
from app.ui.widgets.pdf_preview import PdfPreviewDialog
from tests.helpers import type_text

LEFT = Qt.MouseButton.LeftButton
TODAY = date(2026, 11, 23)


def pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\xa0", " ").split())


def _select_decision(tab, decision_id) -> None:
    assert tab.view.select_where(lambda row: row.id == decision_id)


def _column(model, title: str) -> int:
    return next(
        i
        for i in range(model.columnCount())
        if model.headerData(i, Qt.Orientation.Horizontal) == title
    )


def _record_delivery(qtbot, monkeypatch, view, decision_id, delivered_on: date) -> list[str]:
    tab = view.decisions_tab
    view.tabs.setCurrentWidget(tab)
    _select_decision(tab, decision_id)
    shown: list[str] = []

    def fill(dialog: DeliveryDialog) -> int:
        dialog.method.setFocus()
        dialog.method.setCurrentIndex(dialog.method.findData(DeliveryMethod.HANDED_OVER))
        shown.append(dialog.last_day.text())
        dialog.delivered_on.setFocus()
        type_text(dialog.delivered_on, (TODAY + timedelta(days=1)).isoformat())
        dialog.save()
        shown.append(dialog.errors["delivered_on"].text())
        dialog.delivered_on.clear()
        type_text(dialog.delivered_on, delivered_on.isoformat())
        shown.append(dialog.last_day.text())
        shown.append(dialog.rule.text())
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(DeliveryDialog, "exec", fill)
    qtbot.mouseClick(tab.delivery_button, LEFT)
    return shown


def test_delivery_is_recorded_with_the_last_day_shown_as_it_is_typed(
    qtbot, main_window, caseworker, signed, monkeypatch
) -> None:
    view, decision_id, decided_on = signed
    tab = view.decisions_tab
    view.tabs.setCurrentWidget(tab)
    last_column = _column(tab.model, "Sista dag att överklaga")
    row = next(i for i, r in enumerate(tab.model.rows) if r.id == decision_id)
    assert tab.model.index(row, last_column).data() == "okänd"
    assert "Ingen delgivning är registrerad" in tab.model.index(row, last_column).data(
        Qt.ItemDataRole.ToolTipRole
    )
    shown = _record_delivery(qtbot, monkeypatch, view, decision_id, decided_on)
    last = appeal_deadlines.appeal_last_day(decided_on)
    assert "Ange dagen ovan" in shown[0]
    assert (
        shown[1]
        == "Dagen då sökanden fick del av beslutet kan inte vara ett datum som inte har varit ännu."
    )
    assert "Sista dag att överklaga: " in shown[2] and str(last.year) in shown[2]
    assert "Beslutet lämnades personligen" in shown[3] and "2010:1932" in shown[3]
    row = next(i for i, r in enumerate(tab.model.rows) if r.id == decision_id)
    assert tab.model.index(row, last_column).data() == last.isoformat()
    assert (
        tab.model.index(row, _column(tab.model, "Delgiven"))
        .data()
        .startswith(decided_on.isoformat())
    )
    with caseworker.database.sessions() as session:
        stored = session.scalars(
            select(DecisionDelivery).where(DecisionDelivery.decision_id == decision_id)
        ).one()
        assert (stored.method, stored.delivered_on) == (DeliveryMethod.HANDED_OVER, decided_on)


def _preview_shown(qtbot) -> PdfPreviewDialog:
    found: list[PdfPreviewDialog] = []

    def shown() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, PdfPreviewDialog) and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(shown, timeout=10_000)
    qtbot.addWidget(found[0])
    return found[0]


def test_an_appeal_one_day_late_is_flagged_and_dismissed_with_its_letter(
    qtbot, main_window, caseworker, signed, monkeypatch
) -> None:
    view, decision_id, decided_on = signed
    _record_delivery(qtbot, monkeypatch, view, decision_id, decided_on)
    last = appeal_deadlines.appeal_last_day(decided_on)
    received = last + timedelta(days=1)
    assert received <= TODAY
    tab = view.appeals_tab
    main_window.tabs.setCurrentWidget(view)
    view.tabs.setCurrentWidget(tab)
    assert tab.empty.isVisible() and not tab.timeliness_button.isEnabled()
    seen: list[object] = []
    tab.selection_changed.connect(seen.append)

    def register(dialog: RegisterAppealDialog) -> int:
        dialog.decision.setCurrentIndex(dialog.decision.findData(str(decision_id)))
        assert dialog.decision.currentIndex() >= 0
        dialog.received_on.clear()
        type_text(dialog.received_on, received.isoformat())
        dialog.save()  # nothing asked for: refused, dialog stays
        assert dialog.errors["claims"].text() == "Vad klaganden begär måste fyllas i."
        type_text(dialog.claims, "Jag vill att beslutet ändras; hyran är rätt’; DROP TABLE x;--")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(RegisterAppealDialog, "exec", register)
    qtbot.mouseClick(tab.register_button, LEFT)
    [row] = tab.model.rows
    assert row.status == "Rättidsprövning återstår" and seen[-1] == row.id
    assert row.claims.endswith("DROP TABLE x;--")
    explained: list[str] = []

    def decide(dialog: TimelinessDialog) -> int:
        explained.append(dialog.findChild(QLabel, "timelinessProposal").text())
        assert dialog.decided.currentData() == "for_sent"  # the proposal is preselected
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(TimelinessDialog, "exec", decide)
    qtbot.mouseClick(tab.timeliness_button, LEFT)
    assert f"sista dag {_long(last)}, inkom {_long(received)}: en dag för sent." in explained[-1]
    [row] = tab.model.rows
    assert row.status == "Ska avvisas"
    first = tab.model.index(0, 0)
    assert "kommit in för sent" in first.data(Qt.ItemDataRole.ToolTipRole)
    assert tab.dismiss_button.isEnabled() and not tab.reconsider_button.isEnabled()
    letter_texts: list[str] = []
    with caseworker.database.sessions() as session:
        letters_before = len(session.scalars(select(Letter.id)).all())

    def dismiss(dialog: DismissalDialog) -> int:
        assert "en dag för sent" in dialog.motivation.toPlainText()
        assert dialog.sign_button.isEnabled()
        with caseworker.database.sessions() as session:
            # opening writes nothing
            assert len(session.scalars(select(Letter.id)).all()) == letters_before
        dialog.motivation.clear()
        dialog.preview_button.click()
        assert dialog.errors["body"].text() == "Skriv skälen för beslutet."
        type_text(dialog.motivation, "Överklagandet kom in en dag för sent (2 december).")
        dialog.preview_button.click()
        preview = _preview_shown(qtbot)
        letter_texts.append(preview.windowTitle())
        preview.close()
        dialog.sign_button.click()
        assert dialog.open_button.isEnabled() and not dialog.sign_button.isEnabled()
        assert "signerades" in dialog.status.text()
        return dialog.result()

    monkeypatch.setattr(DismissalDialog, "exec", dismiss)
    qtbot.mouseClick(tab.dismiss_button, LEFT)
    assert letter_texts == ["Avvisningsbeslut (utkast)"]
    [row] = tab.model.rows
    assert row.status == "Avvisat 2026-11-23"
    with caseworker.database.sessions() as session:
        [appeal_id] = session.scalars(select(Appeal.id).where(Appeal.decision_id == decision_id))
        assert len(session.scalars(select(Letter.id)).all()) == letters_before + 1
        letter = session.scalars(select(Letter).where(Letter.appeal_id == appeal_id)).one()
        assert letter.is_signed
        text = pdf_text(letter.letter_pdf)
    for expected in (
        "Beslut om avvisning av överklagande",
        "Överklagandet kom in en dag för sent (2 december).",
        f"Sista dag att överklaga {_long(last)}",
        f"Överklagandet kom in {_long(received)}",
        "45 § förvaltningslagen (2017:900)",
        "Så överklagar du beslutet att avvisa ditt överklagande",
    ):
        assert expected in text, expected


def _long(day: date) -> str:
    from app.common.formatting import long_date

    return long_date(day)


def test_a_changed_decision_is_made_in_the_editor_and_linked_to_the_appeal(
    qtbot, main_window, caseworker, signed, monkeypatch
) -> None:
    from app.appeals import appeal_register
    from app.appeals.appeal_register import AppealInput
    from app.models import Reconsideration, Timeliness
    from app.ui.appeals.appeal_dialogs import ReconsiderationDialog
    from app.ui.decisions.decision_editor import DecisionEditor

    view, decision_id, decided_on = signed
    caseworker.call(
        lambda s, a: appeal_register.record_timeliness(
            s,
            a,
            appeal_register.register_appeal(
                s, a, view.case_id, AppealInput(decision_id, decided_on, claims="Ändra.")
            ).id,
            Timeliness.UNKNOWN,
        )
    )
    tab = view.appeals_tab
    main_window.tabs.setCurrentWidget(view)
    view.tabs.setCurrentWidget(tab)
    assert tab.reconsider_button.isEnabled()
    monkeypatch.setattr(
        ReconsiderationDialog, "exec", lambda dialog: dialog.new_decision.click() or 0
    )
    qtbot.mouseClick(tab.reconsider_button, LEFT)
    editor = main_window.tabs.currentWidget()
    assert isinstance(editor, DecisionEditor) and editor.replaces_id == decision_id
    row = editor.add_cost("boende")
    editor.costs.item(row, 2).setText("9 000")
    qtbot.mouseClick(editor.calculate_button, LEFT)
    for edit in editor.considerations.values():
        edit.setPlainText("Barnet påverkas inte.")
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.signed_decision, editor.problems.text()
    main_window.tabs.setCurrentWidget(view)
    saved: list[str] = []

    def link(dialog: ReconsiderationDialog) -> int:
        assert dialog.replacing.count() == 2  # "Inget nytt beslut" and the one just signed
        dialog.outcome.setCurrentIndex(dialog.outcome.findData(Reconsideration.CHANGED))
        dialog.replacing.setCurrentIndex(dialog.replacing.findData(str(editor.decision_id)))
        type_text(dialog.note, "Ändrat: hyran räknades fel.")
        dialog.save()
        saved.append(dialog.general_error.text())
        return dialog.result()

    monkeypatch.setattr(ReconsiderationDialog, "exec", link)
    qtbot.mouseClick(tab.reconsider_button, LEFT)
    assert saved == [""]
    [row_] = tab.model.rows
    assert row_.replacing_decision_id == editor.decision_id
    assert row_.status == "Ändrat som klaganden begär"


def test_a_withdrawn_appeal_is_recorded_and_its_buttons_close(
    qtbot, main_window, caseworker, signed, monkeypatch
) -> None:
    from app.ui.appeals.appeal_dialogs import WithdrawalDialog

    view, decision_id, decided_on = signed
    _record_delivery(qtbot, monkeypatch, view, decision_id, decided_on)
    tab = view.appeals_tab
    main_window.tabs.setCurrentWidget(view)
    view.tabs.setCurrentWidget(tab)

    def register(dialog: RegisterAppealDialog) -> int:
        dialog.decision.setCurrentIndex(dialog.decision.findData(str(decision_id)))
        dialog.received_on.clear()
        type_text(dialog.received_on, decided_on.isoformat())
        type_text(dialog.claims, "Jag vill ha bistånd.")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(RegisterAppealDialog, "exec", register)
    qtbot.mouseClick(tab.register_button, LEFT)
    assert tab.withdraw_button.isEnabled()
    errors: list[str] = []

    def withdraw(dialog: WithdrawalDialog) -> int:
        dialog.withdrawn_on.clear()
        type_text(dialog.withdrawn_on, (TODAY + timedelta(days=1)).isoformat())
        dialog.save()  # a day that has not come: refused under the field, dialog stays
        errors.append(dialog.errors["withdrawn_on"].text())
        dialog.withdrawn_on.clear()
        type_text(dialog.withdrawn_on, TODAY.isoformat())
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(WithdrawalDialog, "exec", withdraw)
    tab.view.setFocus()
    qtbot.keyClick(tab.withdraw_button, Qt.Key.Key_Space)
    assert errors == ["Dagen kan inte vara ett datum som inte har varit ännu."]
    [row] = tab.model.rows
    assert row.status == f"Återkallat {TODAY.isoformat()}"
    assert not tab.withdraw_button.isEnabled() and not tab.timeliness_button.isEnabled()
    assert not tab.court_panel.forward_button.isEnabled()
