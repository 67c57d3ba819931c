"""Synpunkter och klagomål: registering, who sees what, the chef's handling, measures and
lex Sarah as bevakningar, the signed answer (both engines)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.common.errors import AccessDenied, SignedRecordError, StaleRecordError, ValidationFailed
from app.complaints import complaint_answer, complaint_register
from app.complaints.complaint_register import NewComplaint
from app.models import (
    AuditEntry,
    Complaint,
    ComplaintMeasure,
    FeedbackKind,
    Letter,
    LexSarah,
    ReceivedVia,
)
from app.printing.complaint_answer_letter import render_complaint_answer
from app.security import office_settings
from app.settings import registry

TODAY = date(2026, 11, 23)


def new(**fields) -> NewComplaint:
    data = {
        "kind": FeedbackKind.COMPLAINT,
        "received_on": TODAY,
        "received_via": ReceivedVia.FORM,
        "themes": ["bemotande"],
        "description": "Jag blev illa bemött i receptionen.",
        "sender_name": "Maja Svensson",
        "sender_address": "Storgatan 1\n123 45 Exempelstad",
    }
    data.update(fields)
    return NewComplaint(**data)


def pdf_text(pdf: bytes) -> str:
    raw = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    return " ".join(raw.replace("\xa0", " ").replace("\u202f", " ").split())


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"themes": []}, "themes", "Välj minst ett tema"),
        ({"themes": ["hittepa"]}, "themes", "Välj teman i listan"),
        ({"description": "   "}, "description", "Skriv vad personen framförde"),
        ({"description": "x" * 10_001}, "description", "högst 10\u00a0000"),
        ({"description": "a\x00b"}, "description", "NUL"),
        ({"received_on": TODAY + timedelta(days=1)}, "received_on", "framtiden"),
        ({"sender_name": ""}, "wants_answer", "anonym synpunkt kan inte besvaras"),
        ({"sender_address": ""}, "sender_address", "adressen"),
        ({"case_number": "EB-2026-999999"}, "case_number", "inget ärende EB-2026-999999"),
    ],
)
def test_bad_input_is_refused_in_swedish_and_nothing_is_saved(
    session, caseworker, count_rows, fields, field, message
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        complaint_register.register(session, caseworker, new(**fields))
    assert message in refused.value.field_errors[field]
    assert count_rows(Complaint) == 0


def test_odd_text_is_kept_exactly_and_numbers_follow_per_year(session, caseworker, manager) -> None:
    odd = "Zoë’s 👍 ‮RTL‬ ʻokina '; DROP TABLE complaints; -- <b>fet</b>"
    first = complaint_register.register(
        session, caseworker, new(description=odd, sender_name="Ågot Öberg-Ünal")
    )
    second = complaint_register.register(
        session, manager, new(kind=FeedbackKind.PRAISE, themes=["berom", "bemotande"])
    )
    session.commit()
    assert (first.number, second.number) == ("SYN-2026-0001", "SYN-2026-0002")
    assert session.get(Complaint, first.id).description == odd
    assert json.loads(second.themes) == ["berom", "bemotande"]
    assert first.registered_by == caseworker.id and first.unit_id == caseworker.unit_id
    audit = session.scalars(select(AuditEntry.detail).where(AuditEntry.entity == "complaint")).all()
    assert "SYN-2026-0001" in audit


def test_a_new_year_starts_at_one(session, caseworker, set_clock) -> None:
    complaint_register.register(session, caseworker, new())
    set_clock(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
    later = complaint_register.register(session, caseworker, new(received_on=date(2027, 1, 4)))
    assert later.number == "SYN-2027-0001"


def test_two_registering_at_once_get_two_numbers(db, staff) -> None:
    """The second waits for the first's series row (FOR UPDATE on PostgreSQL; SQLite has one
    writer at a time) and gets the next number, not the same one."""
    with db.sessions() as first:
        complaint_register.register(first, staff.caseworker, new())
        first.commit()
    numbers: list[str] = []

    def register_in_thread() -> None:
        with db.sessions() as other:
            numbers.append(complaint_register.register(other, staff.colleague, new()).number)
            other.commit()

    with db.sessions() as holding:
        numbers.append(complaint_register.register(holding, staff.caseworker, new()).number)
        thread = threading.Thread(target=register_in_thread)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting for the series row
        holding.commit()
    thread.join(10)
    assert sorted(numbers) == ["SYN-2026-0002", "SYN-2026-0003"]


def test_a_caseworker_sees_only_hers(
    session, caseworker, colleague, manager, other_unit_caseworker, make_case, pnr
) -> None:
    hers = complaint_register.register(session, caseworker, new())
    about_her = complaint_register.register(session, colleague, new(concerns_user_id=caseworker.id))
    case = make_case(pnr("19800101", 111), "Kim", "Karlsson")  # Sara is responsible
    on_her_case = complaint_register.register(session, manager, new(case_number=case.case_number))
    colleagues = complaint_register.register(session, colleague, new())
    other_unit = complaint_register.register(session, other_unit_caseworker, new())

    seen = {row.number for row in complaint_register.complaint_list(session, caseworker)}
    assert seen == {hers.number, about_her.number, on_her_case.number}
    with pytest.raises(AccessDenied):
        complaint_register.view(session, caseworker, colleagues.id)
    chef_sees = {row.number for row in complaint_register.complaint_list(session, manager)}
    assert chef_sees == {hers.number, about_her.number, on_her_case.number, colleagues.number}
    with pytest.raises(AccessDenied):
        complaint_register.view(session, manager, other_unit.id)


def test_a_case_of_another_unit_cannot_be_linked(session, caseworker, cases) -> None:
    from app.models import Case

    number = session.get(Case, cases.other_unit).case_number
    with pytest.raises(ValidationFailed) as refused:
        complaint_register.register(session, caseworker, new(case_number=number))
    assert "som du kan läsa" in refused.value.field_errors["case_number"]


def test_the_chef_answers_signs_and_the_letter_never_changes(
    session, caseworker, manager, make_case, pnr
) -> None:
    case = make_case(pnr("19800101", 111), "Kim", "Karlsson")
    complaint = complaint_register.register(session, caseworker, new(case_number=case.case_number))
    text = "Vi har pratat med personalen i receptionen om hur vi bemöter besökare."
    with pytest.raises(AccessDenied):
        complaint_answer.draft_answer(session, caseworker, complaint.id, text)
    letter = complaint_answer.draft_answer(session, manager, complaint.id, text)
    assert letter.recipient == "Maja Svensson\nStorgatan 1\n123 45 Exempelstad"
    assert letter.case_id is None and letter.complaint_id == complaint.id  # not case content
    with pytest.raises(AccessDenied):
        complaint_answer.sign_answer(session, caseworker, letter.id, render_complaint_answer)
    preview = pdf_text(
        complaint_answer.preview(session, manager, letter.id, render_complaint_answer)
    )
    assert "UTKAST" in preview

    complaint_answer.sign_answer(session, manager, letter.id, render_complaint_answer)
    session.commit()
    assert letter.signed_by == manager.id
    printed = pdf_text(complaint_answer.archived(session, manager, letter.id))
    assert text in printed
    assert "Eva Lind" in printed and "SYN-2026-0001" in printed
    assert "UTKAST" not in printed
    # nothing from the case: the sender may not be the person it is about
    assert case.case_number not in printed and "Karlsson" not in printed
    with pytest.raises(SignedRecordError):
        complaint_answer.update_answer(session, manager, letter.id, "Annat", letter.recipient)
    with pytest.raises(SignedRecordError):
        complaint_answer.sign_answer(session, manager, letter.id, render_complaint_answer)
    # the one who registered it reads the answer too
    assert pdf_text(complaint_answer.archived(session, caseworker, letter.id)) == printed


def test_an_anonymous_complaint_has_no_letter_and_is_closed_as_handled(
    session, caseworker, manager, count_rows
) -> None:
    anonymous = complaint_register.register(
        session, caseworker, new(sender_name="", sender_address="", wants_answer=False)
    )
    with pytest.raises(ValidationFailed) as refused:
        complaint_answer.draft_answer(session, manager, anonymous.id, "Tack")
    assert "anonym" in refused.value.field_errors["answer"]
    assert count_rows(Letter) == 0
    with pytest.raises(AccessDenied):
        complaint_register.close(session, caseworker, anonymous.id, TODAY)
    complaint_register.close(session, manager, anonymous.id, TODAY)
    assert anonymous.closed_on == TODAY


def test_closing_waits_for_the_signed_answer(session, caseworker, manager) -> None:
    complaint = complaint_register.register(session, caseworker, new())
    with pytest.raises(ValidationFailed) as refused:
        complaint_register.close(session, manager, complaint.id, TODAY)
    assert "signera svaret" in refused.value.field_errors["answer"]
    letter = complaint_answer.draft_answer(session, manager, complaint.id, "Tack för det.")
    complaint_answer.sign_answer(session, manager, letter.id, render_complaint_answer)
    complaint_register.close(session, manager, complaint.id, TODAY)
    assert complaint_register.complaint_list(session, manager) == []
    assert len(complaint_register.complaint_list(session, manager, only_open=False)) == 1


def test_lex_sarah_is_due_the_same_day_and_ends_when_handed_over(
    session, admin, caseworker, manager, set_clock
) -> None:
    office_settings.change_setting(
        session, admin, registry.LEX_SARAH_FUNCTION.key, "Kvalitetsenheten, lex Sarah-funktionen"
    )
    complaint = complaint_register.register(
        session, caseworker, new(lex_sarah=LexSarah.IMPROPRIETY)
    )
    shown = complaint_register.view(session, manager, complaint.id).lex_sarah
    assert shown is not None and shown.due_on == TODAY
    routing = shown.routing_text()
    assert "samma dag till Kvalitetsenheten, lex Sarah-funktionen." in routing
    # 2026: socialtjänstlagen (2025:400), its paragraph confirmed against the statute
    assert "genast" in routing and "(27 kap. 2 § socialtjänstlagen (2025:400))" in routing
    watches = complaint_register.watches(session, manager)
    assert [(w.number, w.due_on) for w in watches] == [(complaint.number, TODAY)]
    assert complaint_register.overdue_count(session, manager) == 1
    assert complaint_register.complaint_list(session, manager)[0].lex_sarah_pending

    set_clock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    assert complaint_register.view(session, manager, complaint.id).lex_sarah.overdue
    with pytest.raises(AccessDenied):
        complaint_register.record_lex_sarah_reported(session, caseworker, complaint.id, TODAY)
    with pytest.raises(ValidationFailed):
        complaint_register.close(session, manager, complaint.id, date(2026, 11, 24))
    complaint_register.record_lex_sarah_reported(session, manager, complaint.id, TODAY)
    assert complaint_register.watches(session, manager) == []
    assert not complaint_register.complaint_list(session, manager)[0].lex_sarah_pending


def test_before_july_2025_the_old_law_applies_and_its_unconfirmed_paragraph_is_not_shown(
    session, manager, set_clock
) -> None:
    set_clock(datetime(2025, 3, 10, 9, 0, tzinfo=UTC))
    complaint = complaint_register.register(
        session, manager, new(received_on=date(2025, 3, 10), lex_sarah=LexSarah.RISK)
    )
    routing = complaint_register.view(session, manager, complaint.id).lex_sarah
    assert routing is not None
    text = routing.routing_text()
    # 14 kap. 3 § of the old law could not be read here (after_decision.json "lex_sarah")
    assert "genast" in text and "§" not in text and "2025:400" not in text
    assert "ingen är angiven" in text


def test_measures_are_bevakningar_until_done(
    session, caseworker, colleague, manager, set_clock
) -> None:
    complaint = complaint_register.register(session, caseworker, new())
    with pytest.raises(AccessDenied):
        complaint_register.add_measure(session, caseworker, complaint.id, "Prata", TODAY)
    with pytest.raises(ValidationFailed) as refused:
        complaint_register.add_measure(session, manager, complaint.id, " ", None)
    assert set(refused.value.field_errors) == {"measure", "due_on"}
    measure = complaint_register.add_measure(
        session,
        manager,
        complaint.id,
        "Gå igenom bemötandet på arbetsplatsträffen",
        date(2026, 12, 1),
        colleague.id,
    )
    assert [w.due_on for w in complaint_register.watches(session, manager)] == [date(2026, 12, 1)]
    # the responsible colleague sees her bevakning, not the complaint
    assert [w.number for w in complaint_register.watches(session, colleague)] == [complaint.number]
    with pytest.raises(AccessDenied):
        complaint_register.view(session, colleague, complaint.id)
    assert complaint_register.overdue_count(session, manager) == 0

    set_clock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    assert complaint_register.overdue_count(session, manager) == 1
    assert complaint_register.complaint_list(session, manager)[0].overdue_measures == 1
    complaint_register.complete_measure(
        session, manager, measure.id, date(2026, 12, 2), "Genomgånget på APT."
    )
    assert session.get(ComplaintMeasure, measure.id).done_on == date(2026, 12, 2)
    assert complaint_register.watches(session, manager) == []
    assert complaint_register.overdue_count(session, manager) == 0


def test_the_chef_records_contact_and_marks_lex_sarah_while_handling(
    session, caseworker, manager
) -> None:
    complaint = complaint_register.register(session, caseworker, new())
    version = complaint.version
    with pytest.raises(AccessDenied):
        complaint_register.record_contact(session, caseworker, complaint.id, TODAY, "Ringde")
    with pytest.raises(ValidationFailed) as refused:
        complaint_register.record_contact(session, manager, complaint.id, None, "Ringde")
    assert refused.value.field_errors == {"contact_on": "Fyll i datumet."}
    complaint_register.record_contact(
        session, manager, complaint.id, TODAY, "Ringde Maja, bad om ursäkt.",
        expected_version=version,
    )  # fmt: skip
    with pytest.raises(StaleRecordError):
        complaint_register.record_contact(
            session, manager, complaint.id, TODAY, "Igen", expected_version=version
        )
    complaint_register.mark_lex_sarah(session, manager, complaint.id, LexSarah.RISK)
    shown = complaint_register.view(session, manager, complaint.id)
    assert shown.contact_note == "Ringde Maja, bad om ursäkt."
    assert shown.lex_sarah is not None and shown.lex_sarah.due_on == TODAY
    assert shown.lex_sarah.kind is LexSarah.RISK


def test_a_closed_complaint_does_not_change(session, caseworker, manager) -> None:
    complaint = complaint_register.register(
        session, caseworker, new(sender_name="", sender_address="", wants_answer=False)
    )
    complaint_register.close(session, manager, complaint.id, TODAY)
    with pytest.raises(ValidationFailed):
        complaint_register.record_contact(session, manager, complaint.id, TODAY, "Sent")
    with pytest.raises(ValidationFailed):
        complaint_register.add_measure(session, manager, complaint.id, "Sent", TODAY)
    with pytest.raises(ValidationFailed):
        complaint_register.close(session, manager, complaint.id, TODAY)


def test_a_complaint_on_a_case_she_may_not_read_is_not_shown(
    session, caseworker, colleague, manager, cases
) -> None:
    """About Omar, but linked to a case with skyddade personuppgifter that only Sara (its
    handläggare) and the chef may read: Omar is not told of it (as the server's policy)."""
    from app.models import Case

    number = session.get(Case, cases.protected).case_number
    complaint = complaint_register.register(
        session, caseworker, new(case_number=number, concerns_user_id=colleague.id)
    )
    assert complaint_register.complaint_list(session, colleague) == []
    with pytest.raises(AccessDenied):
        complaint_register.view(session, colleague, complaint.id)
    assert [r.id for r in complaint_register.complaint_list(session, manager)] == [complaint.id]
    assert [r.id for r in complaint_register.complaint_list(session, caseworker)] == [complaint.id]


def test_a_laptops_copy_does_not_register(session, caseworker, count_rows) -> None:
    import uuid

    with pytest.raises(AccessDenied) as refused:
        complaint_register.register(session, caseworker.on_replica(uuid.uuid4()), new())
    assert "inte offline" in str(refused.value)
    assert count_rows(Complaint) == 0
