"""Kommunicering (issue 19, defect 8; förvaltningslagen (2017:900) 25 §): what was sent to
the applicant, when, and the time to answer, recorded on the decision draft with a printable
letter; an adverse decision resting on information from others than the applicant is signed
only after the answer came or the time to answer has passed, or with a documented exception
of 25 § (resources/kommunicering.json)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.common.errors import SignedRecordError, ValidationFailed
from app.decisions import decisions, kommunicering
from app.decisions.kommunicering import SentCommunication
from app.models import AuditEntry
from app.printing.communication_letter import render_communication_letter
from tests.core.decisions.test_decisions import (
    TODAY,
    avslag,
    bifall,
    partly,
    plain,
)

NOT_COMMUNICATED = (
    "Beslutet går sökanden emot och grundar sig på uppgifter från annan än sökanden: "
    "låt sökanden yttra sig över uppgifterna först (kommunicering), eller ange varför det "
    "inte behövs (25 § förvaltningslagen)."
)
NO_EXCEPTION_REASON = (
    "Skriv varför kommunicering inte behövs i det här ärendet (25 § förvaltningslagen)."
)

SENT = SentCommunication(
    sent_on=date(2026, 11, 20),
    method="brev",
    sources="Försäkringskassan och hyresvärden",
    material="Försäkringskassan har betalat ut 4 200 kr i bostadsbidrag för december. "
    "Hyresvärden uppger att du har flyttat den 1 november.",
    answer_by=date(2026, 12, 4),
)


def waiting(answer_by: date) -> str:
    return (
        f"Tiden för sökanden att yttra sig går ut {answer_by.isoformat()}: vänta på svaret "
        "eller tills tiden har gått ut."
    )


def communication_problems(session, actor, decision) -> list[str]:
    return [
        p
        for p in decisions.signing_problems(session, actor, decision)
        if "kommunicering" in p or "yttra sig" in p
    ]


@pytest.fixture
def refusal(session, caseworker, case, delegated):
    """An avslag for december resting on what Försäkringskassan and the landlord said."""
    return decisions.save_draft(session, caseworker, case.id, avslag(others_information=True))


class TestTheRule:
    def test_an_adverse_decision_on_others_information_needs_it(
        self, session, caseworker, refusal, render
    ) -> None:
        """Defect 8: no kommunicering before an adverse decision resting on information
        the applicant has not seen."""
        assert communication_problems(session, caseworker, refusal) == [NOT_COMMUNICATED]
        with pytest.raises(ValidationFailed, match="kommunicering"):
            decisions.sign_decision(session, caseworker, refusal.id, render)

    @pytest.mark.parametrize(
        "draft",
        [
            pytest.param(lambda: avslag(), id="avslag on the applicant's own information"),
            pytest.param(lambda: bifall(others_information=True), id="bifall"),
        ],
    )
    def test_not_needed(self, session, caseworker, case, delegated, draft) -> None:
        decision = decisions.save_draft(session, caseworker, case.id, draft())
        assert communication_problems(session, caseworker, decision) == []

    @pytest.mark.parametrize(
        "draft",
        [
            pytest.param(lambda: partly(others_information=True), id="delvis bifall"),
            pytest.param(lambda: avslag(others_information=True, dismissed=True), id="avvisning"),
        ],
    )
    def test_every_adverse_outcome(self, session, caseworker, case, delegated, draft) -> None:
        decision = decisions.save_draft(session, caseworker, case.id, draft())
        assert communication_problems(session, caseworker, decision) == [NOT_COMMUNICATED]

    def test_sent_but_the_time_to_answer_runs(
        self, session, caseworker, refusal, set_clock
    ) -> None:
        kommunicering.record_sent(session, caseworker, refusal.id, SENT)
        assert communication_problems(session, caseworker, refusal) == [waiting(SENT.answer_by)]
        set_clock(datetime(2026, 12, 4, 15, tzinfo=UTC))  # the last day to answer
        assert communication_problems(session, caseworker, refusal) == [waiting(SENT.answer_by)]
        set_clock(datetime(2026, 12, 5, 8, tzinfo=UTC))
        assert communication_problems(session, caseworker, refusal) == []

    def test_an_answer_ends_the_wait(self, session, caseworker, refusal, render) -> None:
        kommunicering.record_sent(session, caseworker, refusal.id, SENT)
        kommunicering.record_answer(
            session, caseworker, refusal.id, TODAY, "Jag har inte flyttat; jag bor kvar."
        )
        assert communication_problems(session, caseworker, refusal) == []
        signed = decisions.sign_decision(session, caseworker, refusal.id, render)
        assert signed.is_signed and signed.communication_answer_on == TODAY

    def test_an_exception_with_its_reason(self, session, caseworker, case, delegated) -> None:
        draft = avslag(
            others_information=True,
            communication_exception="kan_inte_skjutas_upp",
            communication_exception_reason="Hushållet saknar mat i dag; beslutet kan inte vänta.",
        )
        decision = decisions.save_draft(session, caseworker, case.id, draft)
        assert communication_problems(session, caseworker, decision) == []
        decision = decisions.save_draft(
            session,
            caseworker,
            case.id,
            avslag(others_information=True, communication_exception="uppenbart_obehovligt"),
            decision_id=decision.id,
        )
        assert communication_problems(session, caseworker, decision) == [NO_EXCEPTION_REASON]

    @pytest.mark.parametrize("code", ["påhittat", "anstallning"])
    def test_only_the_exceptions_of_25_that_fit_bistand(
        self, session, caseworker, case, code
    ) -> None:
        with pytest.raises(ValidationFailed) as refused:
            decisions.save_draft(
                session,
                caseworker,
                case.id,
                avslag(others_information=True, communication_exception=code),
            )
        assert list(refused.value.field_errors) == ["communication_exception"]

    def test_the_exceptions_are_data_with_their_source(self) -> None:
        codes = [e.code for e in kommunicering.exceptions()]
        assert codes == ["uppenbart_obehovligt", "forsvarar_genomforandet", "kan_inte_skjutas_upp"]
        assert all("25 §" in e.paragraph and e.source for e in kommunicering.exceptions())
        assert kommunicering.rule_source().startswith("Förvaltningslag (2017:900) 25 §")


class TestRecording:
    def test_what_was_sent_is_kept_and_audited(self, session, caseworker, refusal) -> None:
        kommunicering.record_sent(session, caseworker, refusal.id, SENT)
        session.expire_all()
        detail = decisions.open_decision(session, caseworker, refusal.id)
        assert detail.communication == kommunicering.CommunicationStatus(
            sent=SENT, answer_on=None, answer=""
        )
        details = session.scalars(
            select(AuditEntry.detail).where(
                AuditEntry.entity == "decision", AuditEntry.entity_id == refusal.id
            )
        ).all()
        assert "kommunicering skickad 2026-11-20, svar senast 2026-12-04" in details

    def test_saving_the_draft_keeps_it(self, session, caseworker, case, refusal) -> None:
        kommunicering.record_sent(session, caseworker, refusal.id, SENT)
        decisions.save_draft(
            session,
            caseworker,
            case.id,
            avslag(others_information=True, motivation="Ny motivering."),
            decision_id=refusal.id,
        )
        assert refusal.communication_material == SENT.material
        assert refusal.communication_answer_by == SENT.answer_by

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"material": "  "}, "material", "Skriv vilka uppgifter"),
            ({"sources": ""}, "sources", "Skriv varifrån uppgifterna kommer"),
            ({"method": "brevduva"}, "method", "Okänt sätt"),
            ({"sent_on": date(2026, 11, 24)}, "sent_on", "kan inte ligga i framtiden"),
            ({"answer_by": date(2026, 11, 20)}, "answer_by", "efter den dag"),
        ],
    )
    def test_bad_input_is_refused(
        self, session, caseworker, refusal, changes, field, message
    ) -> None:
        from dataclasses import replace

        with pytest.raises(ValidationFailed) as refused:
            kommunicering.record_sent(session, caseworker, refusal.id, replace(SENT, **changes))
        assert field in refused.value.field_errors
        assert message in refused.value.field_errors[field]
        assert refusal.communication_sent_on is None

    def test_once_sent_it_stays_as_sent(self, session, caseworker, refusal) -> None:
        kommunicering.record_sent(session, caseworker, refusal.id, SENT)
        with pytest.raises(ValidationFailed, match="redan registrerad"):
            kommunicering.record_sent(session, caseworker, refusal.id, SENT)

    def test_the_answer_is_checked(self, session, caseworker, refusal) -> None:
        with pytest.raises(ValidationFailed, match="Registrera först"):
            kommunicering.record_answer(session, caseworker, refusal.id, TODAY, "Svar.")
        kommunicering.record_sent(session, caseworker, refusal.id, SENT)
        for day in (date(2026, 11, 19), date(2026, 11, 24)):
            with pytest.raises(ValidationFailed):
                kommunicering.record_answer(session, caseworker, refusal.id, day, "Svar.")
        assert refusal.communication_answer_on is None

    def test_not_on_a_signed_decision(self, session, caseworker, case, sign) -> None:
        decision = sign(case, bifall())
        with pytest.raises(SignedRecordError):
            kommunicering.record_sent(session, caseworker, decision.id, SENT)

    def test_another_unit_may_not(self, session, other_unit_caseworker, refusal) -> None:
        from app.common.errors import AccessDenied

        with pytest.raises(AccessDenied):
            kommunicering.record_sent(session, other_unit_caseworker, refusal.id, SENT)

    def test_the_content_hash_covers_it(self, session, caseworker, refusal, render) -> None:
        kommunicering.record_sent(session, caseworker, refusal.id, SENT)
        kommunicering.record_answer(session, caseworker, refusal.id, TODAY, "Jag bor kvar.")
        signed = decisions.sign_decision(session, caseworker, refusal.id, render)
        original = signed.content_hash
        signed.communication_material = "Något annat."
        assert decisions.content_hash(signed) != original
        session.rollback()


def _text(pdf: bytes) -> str:
    return plain(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))


class TestLetter:
    def test_the_letter_says_what_when_and_until_when(
        self, session, caseworker, refusal, case
    ) -> None:
        kommunicering.record_sent(session, caseworker, refusal.id, SENT)
        letter = kommunicering.letter_data(session, caseworker, refusal.id)
        text = _text(render_communication_letter(letter))
        assert "Anna Andersson" in text and "Storgatan 1" in text
        assert case.case_number in text
        assert "Vi vill att du får yttra dig innan vi beslutar" in text
        assert "försörjningsstöd för december 2026" in text
        assert "Försäkringskassan och hyresvärden" in text
        assert "4 200 kr i bostadsbidrag" in text and "flyttat den 1 november" in text
        assert "senast den 4 december 2026" in text
        assert "25 § förvaltningslagen (2017:900)" in text
        assert "0123-45 67 00" in text and "Sara Nilsson" in text
        assert "20 november 2026" in text

    def test_a_preview_before_it_is_sent(self, session, caseworker, refusal) -> None:
        letter = kommunicering.letter_data(session, caseworker, refusal.id, SENT)
        assert letter.is_preview
        text = _text(render_communication_letter(letter))
        assert "UTKAST" in text and "4 200 kr i bostadsbidrag" in text
        assert refusal.communication_sent_on is None
        prints = session.scalars(
            select(AuditEntry.detail).where(
                AuditEntry.action == "print", AuditEntry.entity_id == refusal.id
            )
        ).all()
        assert prints == ["kommuniceringsbrev"]

    def test_no_letter_without_kommunicering(self, session, caseworker, refusal) -> None:
        from app.common.errors import NotFound

        with pytest.raises(NotFound):
            kommunicering.letter_data(session, caseworker, refusal.id)

    def test_skyddade_personuppgifter_print_no_address(
        self, session, caseworker, case, refusal
    ) -> None:
        applicant = case.household.members[0].person
        applicant.protected_identity = True
        session.flush()
        letter = kommunicering.letter_data(session, caseworker, refusal.id, SENT)
        text = _text(render_communication_letter(letter))
        assert "Storgatan" not in text
        # as the decision letter (issue 19, point 10): what Skatteverket forwards by, name
        # and full personnummer, and no word of the protection
        assert letter.recipient_lines == ["Anna Andersson", applicant.display_number]
        assert "Skydd" not in text and "skydd" not in text
