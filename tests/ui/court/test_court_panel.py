"""The court panel on its own (issue 23): an appeal created in the test is överlämnat with
its cover letter, a ruling registered, the nämnd's stand taken and the ruling carried out,
by keyboard and clicks; the bevakningar follow; read-only while checked out elsewhere."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.appeals import court_proceedings as court
from app.appeals.court_proceedings import ForwardingInput, RulingInput
from app.common import clock
from app.deadlines.deadlines import DeadlineKind, deadlines_for_cases
from app.models import (
    Appeal,
    AppealRuling,
    Case,
    CourtInstance,
    Decision,
    RulingOutcome,
    Timeliness,
)
from app.offline import leases
from app.printing.forwarding_letter import render_forwarding_letter
from app.ui.appeals import court_dialogs
from app.ui.appeals.court_dialogs import (
    BoardAppealDialog,
    CarriedOutDialog,
    ForwardDialog,
    RulingDialog,
)
from app.ui.appeals.court_panel import CourtPanel
from app.ui.widgets.pdf_preview import PdfPreviewDialog
from tests.helpers import type_text
from tests.ui.accessibility import Walk, dialogs_walked

LEFT = Qt.MouseButton.LeftButton


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def appeal(caseworker) -> tuple[uuid.UUID, uuid.UUID]:
    """(case id, appeal id): an appeal, received Monday 16 November 2026 and found in time,
    of a signed decision in one of the handläggare's cases."""
    with caseworker.database.sessions.begin() as session:
        decision = session.scalars(
            select(Decision)
            .join(Case, Case.id == Decision.case_id)
            .where(
                Case.responsible_user_id == caseworker.actor.id,
                Decision.signed_at.is_not(None),
            )
            .limit(1)
        ).one()
        row = Appeal(
            case_id=decision.case_id,
            decision_id=decision.id,
            received_on=date(2026, 11, 16),
            timeliness=Timeliness.IN_TIME,
            claims="Jag vill ha bistånd till hyran.",
            registered_by=caseworker.actor.id,
            updated_by=caseworker.actor.id,
        )
        session.add(row)
        session.flush()
        return decision.case_id, row.id


@pytest.fixture
def panel(qtbot, caseworker, appeal) -> CourtPanel:
    case_id, appeal_id = appeal
    shown = CourtPanel(caseworker, case_id)
    qtbot.addWidget(shown)
    shown.resize(1100, 420)
    shown.show()
    shown.show_appeal(appeal_id)
    return shown


def _kinds(context, case_id) -> set[DeadlineKind]:
    return {
        d.kind
        for d in context.call(lambda s, a: deadlines_for_cases(s, [case_id])).get(case_id, [])
    }


def _space(widget) -> None:
    from PySide6.QtTest import QTest

    QTest.keyClick(widget, Qt.Key.Key_Space)


COURT = "Förvaltningsrätten i Exempelstad, Box 1, 123 45 Exempelstad"


def test_forward_rule_and_follow_up_by_keyboard(
    qtbot, caseworker, appeal, panel, monkeypatch, dialogs, configure
) -> None:
    configure(system=f'[appeal]\nadministrative_court = "{COURT}"\n')
    case_id, appeal_id = appeal
    assert "senast 23 november 2026" in panel.forwarding.text()
    assert panel.forward_button.isEnabled() and not panel.ruling_button.isEnabled()
    assert DeadlineKind.APPEAL_FORWARDING in _kinds(caseworker, case_id)
    attempts: list[str] = []

    def forward(dialog: ForwardDialog) -> int:
        dialog.show()
        assert dialog.court.text() == COURT  # the unit's förvaltningsrätt, from the setting
        dialog.court.clear()
        qtbot.mouseClick(dialog.sign_button, LEFT)  # no court: refused, nothing lost
        attempts.append(dialog.errors["court"].text())
        type_text(dialog.court, "Förvaltningsrätten i Linköping")
        # untick "Ansökan med underlag" with the keyboard, add a document of her own
        dialog.documents.setFocus()
        dialog.documents.setCurrentRow(3)
        _space(dialog.documents)
        type_text(dialog.new_document, "Läkarintyg 2026-10-12")
        from PySide6.QtTest import QTest

        QTest.keyClick(dialog.new_document, Qt.Key.Key_Return)
        assert dialog.chosen_documents()[-1] == "Läkarintyg 2026-10-12"
        assert "Ansökan med underlag" not in dialog.chosen_documents()
        qtbot.mouseClick(dialog.sign_button, LEFT)
        return dialog.result()

    monkeypatch.setattr(ForwardDialog, "exec", forward)
    qtbot.mouseClick(panel.forward_button, LEFT)
    assert attempts == ["Skriv vilken förvaltningsrätt överklagandet skickas till."]
    assert "Överlämnat till Förvaltningsrätten i Linköping den 23 november 2026" in (
        panel.forwarding.text()
    )
    assert not panel.forward_button.isEnabled() and panel.ruling_button.isEnabled()
    assert DeadlineKind.APPEAL_FORWARDING not in _kinds(caseworker, case_id)
    # the signed letter, opened again
    qtbot.mouseClick(panel.letter_button, LEFT)
    [preview] = [w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreviewDialog)]
    text = _text(preview.pdf)
    assert "Förvaltningsrätten i Linköping" in text and "Läkarintyg 2026-10-12" in text
    assert "Ansökan med underlag" not in text
    assert "6 b § tredje stycket förvaltningsprocesslagen (1971:291)" in text
    preview.close()

    refused: list[str] = []

    def rule(dialog: RulingDialog) -> int:
        dialog.show()
        assert dialog.instance.currentData() == "forvaltningsratten"
        texts = [dialog.outcome.itemText(i) for i in range(dialog.outcome.count())]
        assert "Prövningstillstånd meddelas inte" not in texts  # not at förvaltningsrätten
        dialog.instance.setCurrentIndex(1)  # kammarrätten before förvaltningsrätten
        dialog.outcome.setCurrentIndex(dialog.outcome.findText("Prövningstillstånd meddelas inte"))
        qtbot.mouseClick(dialog.save_button, LEFT)
        refused.append(dialog.errors["instance"].text())
        dialog.instance.setCurrentIndex(0)
        dialog.ruled_on.clear()
        type_text(dialog.ruled_on, "2026-11-23")
        dialog.outcome.setCurrentIndex(dialog.outcome.findText("Bifall"))
        assert dialog.follow_up.isEnabled() and dialog.follow_up.value() == date(2026, 11, 23)
        type_text(dialog.case_number, "1234-26")
        qtbot.mouseClick(dialog.save_button, LEFT)
        return dialog.result()

    monkeypatch.setattr(RulingDialog, "exec", rule)
    qtbot.mouseClick(panel.ruling_button, LEFT)
    assert refused == [
        "Registrera domen från förvaltningsrätten först: kammarrätten prövar en dom från den."
    ]
    assert panel.model.rowCount() == 1
    assert panel.model.index(0, 2).data() == "Bifall"
    assert panel.model.index(0, 5).data() == "Verkställ senast 23 november 2026"
    assert panel.model.index(0, 6).data() == "Sista dag 14 december 2026"
    assert {DeadlineKind.RULING_TO_CARRY_OUT, DeadlineKind.BOARD_APPEAL} <= _kinds(
        caseworker, case_id
    )
    panel.view.selectRow(0)
    assert panel.board_button.isEnabled() and panel.carried_out_button.isEnabled()

    def not_appealed(dialog: BoardAppealDialog) -> int:
        dialog.show()
        assert "senast 14 december 2026" in dialog.findChildren(court_dialogs.QLabel)[0].text()
        dialog.not_appealed.setChecked(True)
        qtbot.mouseClick(dialog.save_button, LEFT)
        return dialog.result()

    monkeypatch.setattr(BoardAppealDialog, "exec", not_appealed)
    qtbot.mouseClick(panel.board_button, LEFT)
    assert panel.model.index(0, 6).data() == "Nämnden överklagar inte (23 november 2026)"

    def carried_out(dialog: CarriedOutDialog) -> int:
        dialog.show()
        dialog.decision.setCurrentIndex(dialog.decision.count() - 1)  # no decision needed
        dialog.done_on.clear()
        qtbot.mouseClick(dialog.save_button, LEFT)  # no day: refused
        assert dialog.errors["decision"].isVisible()
        type_text(dialog.done_on, "2026-11-23")
        qtbot.mouseClick(dialog.save_button, LEFT)
        return dialog.result()

    panel.view.selectRow(0)
    monkeypatch.setattr(CarriedOutDialog, "exec", carried_out)
    qtbot.mouseClick(panel.carried_out_button, LEFT)
    assert panel.model.index(0, 5).data() == "Verkställd 23 november 2026"
    found = _kinds(caseworker, case_id)
    assert not found & {DeadlineKind.RULING_TO_CARRY_OUT, DeadlineKind.BOARD_APPEAL}
    with caseworker.database.sessions() as session:
        ruling = session.scalars(select(AppealRuling).where(AppealRuling.appeal_id == appeal_id))
        assert ruling.one().court_case_number == "1234-26"
    assert dialogs == []


def test_every_dialog_names_its_inputs(qtbot, caseworker, appeal, panel, monkeypatch) -> None:
    _case_id, appeal_id = appeal
    walk = Walk()
    walk.check(panel, "Domstolspanelen")
    with dialogs_walked(walk, monkeypatch, "Domstol") as seen:
        panel.forward_button.click()
    caseworker.call(
        lambda s, a: court.forward(
            s,
            a,
            appeal_id,
            ForwardingInput(date(2026, 11, 20), COURT, ("Överklagandet",), "Står fast."),
            render_forwarding_letter,
        )
    )
    caseworker.call(
        lambda s, a: court.register_ruling(
            s,
            a,
            appeal_id,
            RulingInput(
                CourtInstance.ADMINISTRATIVE_COURT, date(2026, 11, 20), RulingOutcome.GRANTED
            ),
        )
    )
    panel.reload()
    panel.view.selectRow(0)
    with dialogs_walked(walk, monkeypatch, "Domstol") as more:
        panel.ruling_button.click()
        panel.board_button.click()
        panel.carried_out_button.click()
    assert [type(d) for d in seen + more] == [
        ForwardDialog,
        RulingDialog,
        BoardAppealDialog,
        CarriedOutDialog,
    ]
    assert not walk.problems, walk.report()


def test_checked_out_elsewhere_the_panel_is_read_only(qtbot, caseworker, appeal) -> None:
    case_id, appeal_id = appeal
    caseworker.call(
        lambda s, a: leases.check_out(
            s, a, [case_id], due_on=clock.today() + timedelta(days=1), replica_id=uuid.uuid4()
        )
    )
    panel = CourtPanel(caseworker, case_id)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_appeal(appeal_id)
    assert panel.banner.isVisible() and "utcheckat" in panel.banner.text()
    assert not any(b.isEnabled() for b in panel.edit_buttons)
    assert "senast 23 november 2026" in panel.forwarding.text()  # still readable
