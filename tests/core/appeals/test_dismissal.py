"""Avvisning of a late appeal: the letter drafted from the facts, signed only with a
delegation to avslå, its PDF (the dates, the paragraphs, the besvärshänvisning) archived and
read back (both engines)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from app.appeals import appeal_register, dismissal
from app.common.errors import AccessDenied, ValidationFailed
from app.decisions import decisions
from app.models import DecisionKind, DelegationScope, Timeliness
from app.printing.appeal_dismissal_letter import render_dismissal_letter
from tests.core.appeals.test_appeal_register import deliver, register


def pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\xa0", " ").split())


@pytest.fixture
def late(session, caseworker, appealed):
    """Delgiven 10 November, last day 1 December, received 2 December: one day late."""
    deliver(session, caseworker, appealed)
    appeal = register(session, caseworker, appealed)
    appeal_register.record_timeliness(session, caseworker, appeal.id, Timeliness.LATE)
    return appeal


def test_a_one_day_late_appeal_is_dismissed_by_a_signed_letter(session, caseworker, late) -> None:
    letter = dismissal.draft_dismissal(session, caseworker, late.id)
    assert "en dag för sent" in letter.body
    preview = pdf_text(
        render_dismissal_letter(dismissal.dismissal_preview(session, caseworker, letter.id))
    )
    assert "UTKAST" in preview
    signed = dismissal.sign_dismissal(session, caseworker, letter.id, render_dismissal_letter)
    assert signed.is_signed and signed.signed_by == caseworker.id
    text = pdf_text(dismissal.archived_dismissal(session, caseworker, letter.id))
    assert "UTKAST" not in text
    for expected in (
        "Beslut om avvisning av överklagande",
        "Individ- och familjenämnden avvisar ditt överklagande av beslutet den 10 november 2026",
        "Du fick del av beslutet 10 november 2026",
        "Sista dag att överklaga 1 december 2026",
        "Överklagandet kom in 2 december 2026",
        "en dag för sent",
        "45 § förvaltningslagen (2017:900); 6 b § förvaltningsprocesslagen (1971:291)",
        "(44 § förvaltningslagen (2017:900))",
        "2 § lagen (1930:173) om beräkning av lagstadgad tid",
        "Beslutet att avvisa ett överklagande kan överklagas till förvaltningsrätten",
        "Så överklagar du beslutet att avvisa ditt överklagande",
        "Box 12, 123 45 Norrby",
        "Anna Andersson",
        "Storgatan 1",
    ):
        assert expected in text, expected
    [row] = appeal_register.list_appeals(session, caseworker, late.case_id)
    assert row.status == "Avvisat 2026-12-07"
    with pytest.raises(ValidationFailed, match="redan avvisat"):
        dismissal.draft_dismissal(session, caseworker, late.id)
    with pytest.raises(ValidationFailed, match="avvisat med ett signerat beslut"):
        appeal_register.record_timeliness(session, caseworker, late.id, Timeliness.IN_TIME, "x")


def test_signing_is_refused_without_a_delegation_to_refuse(
    session, admin, caseworker, colleague, late
) -> None:
    letter = dismissal.draft_dismissal(session, colleague, late.id, "Egen motivering.")
    with pytest.raises(AccessDenied, match="inte delegation att avslå"):
        dismissal.sign_dismissal(session, colleague, letter.id, render_dismissal_letter)
    # a delegation to grant is not enough
    decisions.set_delegation(
        session, admin, colleague.id, DecisionKind.SUPPORT, None, scope=DelegationScope.GRANT
    )
    with pytest.raises(AccessDenied):
        dismissal.sign_dismissal(session, colleague, letter.id, render_dismissal_letter)
    assert not letter.is_signed and letter.letter_pdf is None
    decisions.set_delegation(
        session, admin, colleague.id, DecisionKind.SUPPORT, None, scope=DelegationScope.REFUSE
    )
    dismissal.sign_dismissal(session, colleague, letter.id, render_dismissal_letter)
    assert letter.signed_by == colleague.id and letter.body == "Egen motivering."


def test_only_an_appeal_found_late_is_dismissed(session, caseworker, appealed) -> None:
    deliver(session, caseworker, appealed)
    appeal = register(session, caseworker, appealed, date(2026, 12, 1))
    with pytest.raises(ValidationFailed, match="rättidsprövningen har kommit fram"):
        dismissal.draft_dismissal(session, caseworker, appeal.id)
    appeal_register.record_timeliness(session, caseworker, appeal.id, Timeliness.IN_TIME)
    with pytest.raises(ValidationFailed):
        dismissal.draft_dismissal(session, caseworker, appeal.id)


def test_a_protected_household_gets_no_address_in_the_window(
    session, caseworker, make_case, unit, sign, set_clock
) -> None:
    from datetime import UTC, datetime

    from tests.core.decisions.test_decisions import ADDRESS, DEC_START, avslag

    case = make_case(period_start=DEC_START, protected=True, **ADDRESS)
    set_clock(datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
    decision = sign(case, avslag())
    set_clock(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    deliver(session, caseworker, decision)
    appeal = register(session, caseworker, decision)
    appeal_register.record_timeliness(session, caseworker, appeal.id, Timeliness.LATE)
    letter = dismissal.draft_dismissal(session, caseworker, appeal.id)
    text = pdf_text(
        render_dismissal_letter(dismissal.dismissal_preview(session, caseworker, letter.id))
    )
    assert "Storgatan" not in text and "903 25" not in text


def test_an_empty_motivering_is_refused_and_proposing_one_writes_nothing(
    session, caseworker, late, count_rows
) -> None:
    from app.models import Letter

    text = dismissal.proposed_motivation(session, caseworker, late.id)
    assert "Beslutet lämnades till dig personligen den 10 november 2026." in text
    assert count_rows(Letter) == 0
    with pytest.raises(ValidationFailed) as refused:
        dismissal.draft_dismissal(session, caseworker, late.id, "   ")
    assert refused.value.field_errors == {"body": "Skriv skälen för beslutet."}
    assert count_rows(Letter) == 0


def test_a_day_of_delgivning_from_an_unconfirmed_rule_is_not_signed(
    session, caseworker, appealed, set_clock
) -> None:
    """Förenklad delgivning's two weeks are not read in the statute here (the paragraph
    among delgivningslagen 22–26 §§ is unconfirmed): the avvisning may be previewed, but a
    signed decision cannot state the day it gives."""
    from app.appeals import delivery
    from app.appeals.delivery import DeliveryInput
    from app.models import DeliveryMethod

    delivery.record_delivery(
        session,
        caseworker,
        appealed.id,
        DeliveryInput(DeliveryMethod.SIMPLIFIED, sent_on=date(2026, 11, 10)),
    )  # delgiven 24 November, last day Tuesday 15 December
    set_clock(datetime(2026, 12, 17, 9, 0, tzinfo=UTC))
    appeal = register(session, caseworker, appealed, date(2026, 12, 16))
    appeal_register.record_timeliness(session, caseworker, appeal.id, Timeliness.LATE)
    letter = dismissal.draft_dismissal(session, caseworker, appeal.id)
    assert "UTKAST" in pdf_text(
        render_dismissal_letter(dismissal.dismissal_preview(session, caseworker, letter.id))
    )
    with pytest.raises(ValidationFailed, match=r"förenklad delgivning.*inte kontrollerad"):
        dismissal.sign_dismissal(session, caseworker, letter.id, render_dismissal_letter)
    assert not letter.is_signed
