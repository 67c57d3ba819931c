"""Överlämnande, court rulings, the follow-up they ask and the nämnd's own appeal (issue 23),
on both engines: the days from hand-built dates, the cover letter's PDF text, the order of
the instances, and the bevakningar they make and end."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.appeals import court_proceedings as court
from app.appeals.court_proceedings import ForwardingInput, RulingInput
from app.cases import caseload_review
from app.cases.case_overview import open_case
from app.cases.my_cases import my_cases
from app.common.errors import AccessDenied, ServiceError, ValidationFailed
from app.deadlines import appeal_deadlines
from app.deadlines.deadlines import DeadlineKind, deadlines_for_cases
from app.models import (
    Appeal,
    AuditEntry,
    Case,
    CourtInstance,
    Letter,
    Party,
    Reconsideration,
    RulingOutcome,
    Timeliness,
)
from app.printing.forwarding_letter import render_forwarding_letter

COURT = "Förvaltningsrätten i Linköping, Box 406, 581 04 Linköping"
DOCUMENTS = (
    "Överklagandet",
    "Det överklagade beslutet",
    "Journalanteckningar 2026-10-01–2026-11-16",
)


def _text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def _kinds(session, case_id) -> dict[DeadlineKind, list]:
    found: dict[DeadlineKind, list] = {}
    for d in deadlines_for_cases(session, [case_id]).get(case_id, []):
        found.setdefault(d.kind, []).append(d)
    return found


def _forward(session, actor, appeal, on=date(2026, 11, 20), documents=DOCUMENTS):
    given = ForwardingInput(on, COURT, documents, court.default_position(appeal))
    return court.forward(session, actor, appeal.id, given, render_forwarding_letter)


# --- the days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 11, 16), date(2026, 11, 23)),  # Monday: a week on, a Monday
        (date(2026, 11, 14), date(2026, 11, 20)),  # Saturday: the week ends on a Saturday
        (date(2026, 12, 17), date(2026, 12, 23)),  # the week ends on julafton
        (date(2026, 12, 25), date(2026, 12, 30)),  # nyårsdagen, and nyårsafton before it
    ],
)
def test_the_forwarding_bevakning_falls_on_the_working_day_before(
    session, make_appeal, received, due
) -> None:
    appeal = make_appeal(received_on=received)
    assert appeal_deadlines.forwarding_due(received) == due
    [deadline] = _kinds(session, appeal.case_id)[DeadlineKind.APPEAL_FORWARDING]
    assert deadline.due == due
    assert deadline.label == "Överlämna överklagandet till förvaltningsrätten"


def test_an_appeal_without_rattidsprovning_is_a_bevakning_until_it_is_made(
    session, make_appeal
) -> None:
    appeal = make_appeal(timeliness=None)
    found = _kinds(session, appeal.case_id)
    [deadline] = found[DeadlineKind.APPEAL_TIMELINESS]
    assert deadline.due == date(2026, 11, 23)
    assert DeadlineKind.APPEAL_FORWARDING not in found
    appeal.timeliness = Timeliness.LATE
    session.flush()
    found = _kinds(session, appeal.case_id)
    assert DeadlineKind.APPEAL_TIMELINESS not in found
    assert DeadlineKind.APPEAL_FORWARDING not in found  # dismissed, not forwarded


# --- överlämnande ------------------------------------------------------------------------


def test_forwarding_signs_and_archives_the_cover_letter(
    session, caseworker, make_appeal, count_rows
) -> None:
    appeal = make_appeal(
        reconsidered_on=date(2026, 11, 17), reconsideration=Reconsideration.NOT_CHANGED
    )
    letter = _forward(session, caseworker, appeal)
    assert letter.is_signed and letter.signed_by == caseworker.id
    assert appeal.forwarded_on == date(2026, 11, 20) and appeal.court == COURT
    assert json.loads(appeal.forwarded_documents) == list(DOCUMENTS)
    text = _text(court.forwarding_letter_pdf(session, caseworker, appeal.id))
    assert "Förvaltningsrätten i Linköping" in text
    assert "Överlämnande av överklagande" in text
    for document in ("Överklagandet", "Det överklagade beslutet", "Journalanteckningar"):
        assert document in text
    assert "6 b § tredje stycket förvaltningsprocesslagen (1971:291)" in text
    assert "omprövat beslutet utan att ändra det" in text
    assert "Anna Andersson" in text
    assert "UTKAST" not in text
    assert DeadlineKind.APPEAL_FORWARDING not in _kinds(session, appeal.case_id)
    history = court.court_history(session, caseworker, appeal.id)
    assert history.letter_id == letter.id and history.documents == DOCUMENTS
    assert "överlämnades" in (history.forwarding_problem or "")
    with pytest.raises(ServiceError, match="överlämnades"):
        _forward(session, caseworker, appeal)
    assert count_rows(Letter) == 1
    actions = session.scalars(
        select(AuditEntry.entity).where(AuditEntry.case_id == appeal.case_id)
    ).all()
    assert {"letter", "appeal", "appeal_court"} <= set(actions)


def test_the_preview_saves_nothing_and_says_it_is_a_draft(
    session, caseworker, make_appeal, count_rows
) -> None:
    appeal = make_appeal()
    given = ForwardingInput(date(2026, 11, 20), COURT, DOCUMENTS, "Nämnden står fast.")
    pdf = court.preview_forwarding(session, caseworker, appeal.id, given, render_forwarding_letter)
    assert "UTKAST" in _text(pdf)
    assert count_rows(Letter) == 0 and appeal.forwarded_on is None


def test_a_protected_applicants_address_is_not_in_the_letter(
    session, caseworker, make_case, make_appeal
) -> None:
    case = make_case(protected=True, street_address="Hemliga gatan 1", postal_code="123 45")
    appeal = make_appeal(case)
    _forward(session, caseworker, appeal)
    text = _text(court.forwarding_letter_pdf(session, caseworker, appeal.id))
    assert "Hemliga gatan" not in text and "123 45" not in text
    assert "Skyddade personuppgifter" in text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"timeliness": None}, "rättidsprövningen"),
        ({"timeliness": Timeliness.LATE}, "avvisas"),
        ({"withdrawn_on": date(2026, 11, 18)}, "återkallat"),
    ],
)
def test_an_appeal_that_is_not_to_be_forwarded_is_refused(
    session, caseworker, make_appeal, fields, message
) -> None:
    appeal = make_appeal(**fields)
    with pytest.raises(ServiceError, match=message):
        _forward(session, caseworker, appeal)
    assert appeal.forwarded_on is None


def test_an_appeal_whose_decision_was_changed_as_asked_is_still_forwarded(
    session, caseworker, make_appeal
) -> None:
    """Förvaltningslagen 46 § andra stycket: the new decision goes to the court with the
    appeal (the old law's rule that the appeal lapsed is gone)."""
    appeal = make_appeal(reconsideration=Reconsideration.CHANGED)
    assert court.forwarding_problem(appeal) is None
    _forward(session, caseworker, appeal)
    assert appeal.forwarded_on is not None
    assert "ändrat det så som klaganden begär" in court.default_position(appeal)


def test_bad_forwarding_input_gets_a_message_per_field(session, caseworker, make_appeal) -> None:
    appeal = make_appeal()
    given = ForwardingInput(date(2026, 11, 24), "  ", (" ",), "")
    with pytest.raises(ValidationFailed) as refused:
        court.forward(session, caseworker, appeal.id, given, render_forwarding_letter)
    assert set(refused.value.field_errors) == {"forwarded_on", "court", "documents", "position"}
    early = ForwardingInput(date(2026, 11, 15), COURT, DOCUMENTS, "Står fast.")
    with pytest.raises(ValidationFailed, match="före den dag det kom in"):
        court.forward(session, caseworker, appeal.id, early, render_forwarding_letter)
    assert appeal.forwarded_on is None


def test_another_units_handlaggare_may_not_forward(
    session, other_unit_caseworker, make_appeal
) -> None:
    appeal = make_appeal()
    with pytest.raises(AccessDenied):
        _forward(session, other_unit_caseworker, appeal)
    with pytest.raises(AccessDenied):
        court.court_history(session, other_unit_caseworker, appeal.id)


# --- rulings ------------------------------------------------------------------------------


@pytest.fixture
def forwarded(session, caseworker, make_appeal) -> Appeal:
    appeal = make_appeal(received_on=date(2026, 9, 1))
    _forward(session, caseworker, appeal, on=date(2026, 9, 4))
    return appeal


def test_rulings_come_in_the_order_of_the_instances(session, caseworker, make_appeal) -> None:
    appeal = make_appeal(received_on=date(2026, 9, 1))
    fr = RulingInput(CourtInstance.ADMINISTRATIVE_COURT, date(2026, 10, 5), RulingOutcome.REFUSED)
    with pytest.raises(ValidationFailed, match="överlämnandet"):
        court.register_ruling(session, caseworker, appeal.id, fr)
    _forward(session, caseworker, appeal, on=date(2026, 9, 4))
    kr = RulingInput(CourtInstance.COURT_OF_APPEAL, date(2026, 11, 2), RulingOutcome.LEAVE_REFUSED)
    with pytest.raises(ValidationFailed, match="förvaltningsrätten först"):
        court.register_ruling(session, caseworker, appeal.id, kr)
    hfd = RulingInput(CourtInstance.SUPREME_COURT, date(2026, 11, 10), RulingOutcome.REFUSED)
    with pytest.raises(ValidationFailed, match="kammarrätten först"):
        court.register_ruling(session, caseworker, appeal.id, hfd)
    court.register_ruling(session, caseworker, appeal.id, fr)
    with pytest.raises(ValidationFailed, match="redan en dom"):
        court.register_ruling(session, caseworker, appeal.id, fr)
    early = RulingInput(CourtInstance.COURT_OF_APPEAL, date(2026, 10, 1), RulingOutcome.REFUSED)
    with pytest.raises(ValidationFailed, match="före domen från förvaltningsrätten"):
        court.register_ruling(session, caseworker, appeal.id, early)
    court.register_ruling(session, caseworker, appeal.id, kr)
    history = court.court_history(session, caseworker, appeal.id)
    assert [r.instance for r in history.rulings] == [
        CourtInstance.ADMINISTRATIVE_COURT,
        CourtInstance.COURT_OF_APPEAL,
    ]
    assert history.next_instance is CourtInstance.SUPREME_COURT


def test_leave_to_appeal_only_above_forvaltningsratten(session, caseworker, forwarded) -> None:
    pt = RulingInput(
        CourtInstance.ADMINISTRATIVE_COURT, date(2026, 10, 5), RulingOutcome.LEAVE_REFUSED
    )
    with pytest.raises(ValidationFailed, match="Prövningstillstånd behövs inte") as refused:
        court.register_ruling(session, caseworker, forwarded.id, pt)
    assert set(refused.value.field_errors) == {"outcome"}
    board = RulingInput(
        CourtInstance.ADMINISTRATIVE_COURT,
        date(2026, 12, 5),
        RulingOutcome.REFUSED,
        appealed_by=Party.BOARD,
    )
    with pytest.raises(ValidationFailed) as refused:
        court.register_ruling(session, caseworker, forwarded.id, board)
    assert set(refused.value.field_errors) == {"appealed_by", "ruled_on"}


def test_a_ruling_to_carry_out_is_a_bevakning_until_the_decision_is_linked(
    session, caseworker, forwarded, signed_decision
) -> None:
    ruling = court.register_ruling(
        session,
        caseworker,
        forwarded.id,
        RulingInput(
            CourtInstance.ADMINISTRATIVE_COURT,
            date(2026, 11, 9),
            RulingOutcome.GRANTED,
            court_case_number="1234-26",
        ),
    )
    assert ruling.follow_up_due == date(2026, 11, 9)  # carried out at once: the ruling's day
    assert forwarded.court_case_number == "1234-26"
    found = _kinds(session, forwarded.case_id)
    [carry] = found[DeadlineKind.RULING_TO_CARRY_OUT]
    assert (
        carry.due == date(2026, 11, 9) and carry.label == "Verkställ domen från förvaltningsrätten"
    )
    with pytest.raises(ValidationFailed, match="signerat beslut"):
        court.record_carried_out(session, caseworker, ruling.id, decision_id=forwarded.id)
    case = session.get(Case, forwarded.case_id)
    new = signed_decision(case, month=date(2026, 11, 1), granted="1200")
    court.record_carried_out(session, caseworker, ruling.id, decision_id=new.id)
    assert ruling.follow_up_done_on == date(2026, 11, 23)
    assert DeadlineKind.RULING_TO_CARRY_OUT not in _kinds(session, forwarded.case_id)
    [row] = court.court_history(session, caseworker, forwarded.id).rulings
    assert row.follow_up_text.startswith("Verkställd 23 november 2026 (Beslut")


def test_a_follow_up_day_may_be_set_and_marked_done(session, caseworker, forwarded) -> None:
    ruling = court.register_ruling(
        session,
        caseworker,
        forwarded.id,
        RulingInput(
            CourtInstance.ADMINISTRATIVE_COURT,
            date(2026, 11, 9),
            RulingOutcome.REMITTED,
            follow_up_due=date(2026, 11, 30),
        ),
    )
    [carry] = _kinds(session, forwarded.case_id)[DeadlineKind.RULING_TO_CARRY_OUT]
    assert carry.due == date(2026, 11, 30)
    with pytest.raises(ValidationFailed, match="före domens dag"):
        court.record_carried_out(session, caseworker, ruling.id, done_on=date(2026, 11, 1))
    court.record_carried_out(session, caseworker, ruling.id, done_on=date(2026, 11, 20))
    assert DeadlineKind.RULING_TO_CARRY_OUT not in _kinds(session, forwarded.case_id)
    # återförvisning is not a loss the nämnd appeals
    assert DeadlineKind.BOARD_APPEAL not in _kinds(session, forwarded.case_id)


def test_a_ruling_the_namnd_lost_gives_its_own_time_to_appeal(
    session, caseworker, forwarded
) -> None:
    # meddelad Monday 2 November 2026: three weeks is Monday 23 November
    ruling = court.register_ruling(
        session,
        caseworker,
        forwarded.id,
        RulingInput(
            CourtInstance.ADMINISTRATIVE_COURT, date(2026, 11, 2), RulingOutcome.PARTLY_GRANTED
        ),
    )
    [board] = _kinds(session, forwarded.case_id)[DeadlineKind.BOARD_APPEAL]
    assert board.due == date(2026, 11, 23)
    assert board.due == appeal_deadlines.board_appeal_last_day(date(2026, 11, 2))
    [row] = court.court_history(session, caseworker, forwarded.id).rulings
    assert row.board_appeal_text == "Sista dag 23 november 2026"
    with pytest.raises(ValidationFailed, match="antingen"):
        court.record_board_appeal(session, caseworker, ruling.id)
    court.record_board_appeal(session, caseworker, ruling.id, not_appealed_on=date(2026, 11, 20))
    assert DeadlineKind.BOARD_APPEAL not in _kinds(session, forwarded.case_id)
    [row] = court.court_history(session, caseworker, forwarded.id).rulings
    assert row.board_appeal_text == "Nämnden överklagar inte (20 november 2026)"
    with pytest.raises(ServiceError, match="redan registrerat"):
        court.record_board_appeal(session, caseworker, ruling.id, appealed_on=date(2026, 11, 20))


def test_the_namnds_appeal_to_kammarratten(session, caseworker, forwarded) -> None:
    fr = court.register_ruling(
        session,
        caseworker,
        forwarded.id,
        RulingInput(CourtInstance.ADMINISTRATIVE_COURT, date(2026, 10, 1), RulingOutcome.GRANTED),
    )
    kr = RulingInput(
        CourtInstance.COURT_OF_APPEAL,
        date(2026, 11, 19),
        RulingOutcome.LEAVE_REFUSED,
        appealed_by=Party.BOARD,
    )
    with pytest.raises(ValidationFailed, match="när nämnden överklagade"):
        court.register_ruling(session, caseworker, forwarded.id, kr)
    # the last day was 22 October (three weeks from 1 October)
    with pytest.raises(ValidationFailed, match="Sista dagen att överklaga var 22 oktober"):
        court.record_board_appeal(session, caseworker, fr.id, appealed_on=date(2026, 10, 23))
    court.record_board_appeal(session, caseworker, fr.id, appealed_on=date(2026, 10, 20))
    court.register_ruling(session, caseworker, forwarded.id, kr)
    found = _kinds(session, forwarded.case_id)
    # kammarrätten refused the nämnd leave: it lost again, and may go on to HFD
    [board] = found[DeadlineKind.BOARD_APPEAL]
    assert board.label == "Nämndens överklagandetid: dom från kammarrätten"
    assert board.due == date(2026, 12, 10)


# --- the chef's ärendegenomgång -----------------------------------------------------------


def test_the_chefs_kept_review_follows_appeals_and_rulings(
    session, manager, caseworker, make_appeal
) -> None:
    """The review's kept facts are cleared by the appeals' and rulings' own triggers: an
    overdue överlämnande shows, and goes when it is done; a ruling's follow-up shows."""
    appeal = make_appeal(received_on=date(2026, 11, 9))  # to be överlämnat by 16 November

    def shown() -> tuple[int, str]:
        [row] = [
            r for r in caseload_review.caseload(session, manager) if r.case_id == appeal.case_id
        ]
        return row.overdue_count, row.earliest_overdue_label

    assert shown() == (1, "Överlämna överklagandet till förvaltningsrätten")
    assert shown() == (1, "Överlämna överklagandet till förvaltningsrätten")  # kept
    _forward(session, caseworker, appeal, on=date(2026, 11, 16))
    assert shown() == (0, "")
    court.register_ruling(
        session,
        caseworker,
        appeal.id,
        RulingInput(CourtInstance.ADMINISTRATIVE_COURT, date(2026, 11, 20), RulingOutcome.GRANTED),
    )
    assert shown() == (1, "Verkställ domen från förvaltningsrätten")


def test_the_bevakningar_show_in_mina_arenden_and_the_case_overview(
    session, caseworker, make_appeal
) -> None:
    appeal = make_appeal(received_on=date(2026, 11, 9), timeliness=None)
    [row] = [r for r in my_cases(session, caseworker) if r.case_id == appeal.case_id]
    assert row.next_deadline is not None
    assert row.next_deadline.label == "Rättidspröva överklagandet"
    assert row.next_deadline.due == date(2026, 11, 16)
    overview = open_case(session, caseworker, appeal.case_id)
    assert overview.deadlines[0].label == "Rättidspröva överklagandet"  # the earliest
