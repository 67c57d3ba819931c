"""The decision letter PDF, built from the letter data the decision service makes and read
back with pypdf: headline, amounts, motivation, barnets bästa, lagrum, besvärshänvisning."""

# The service fixtures are imported below; using them as test arguments "redefines" them.
# ruff: noqa: F811

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from app.cases.case_register import PersonInput
from app.decisions import decisions, legal_texts
from app.models import DecisionKind, MemberRole, Outcome
from app.norms.norm_calculation import CostInput, IncomeInput, calculate
from app.norms.norm_table import load_norm_table
from app.printing.decision_letter import render_decision_letter

# The service fixtures: a migrated database per test, fixed clock, staff, make_case.
from tests.core.conftest import (  # noqa: F401
    _pg_template_database,
    _template_database,
    admin,
    caseworker,
    db,
    fixed_clock,
    make_case,
    pnr,
    session,
    staff,
)
from tests.test_configuration import SYSTEM, write_logo

D = Decimal
DEC_START, DEC_END = date(2026, 12, 1), date(2026, 12, 31)
ADDRESS = {"street_address": "Storgatan 1", "postal_code": "903 25", "city": "Umeå"}
LISA = "Lisa bor kvar och går kvar i förskolan; avslaget påverkar inte hennes vardag."
"""Not "Lisa får hela normen" (as it read before issue 19): nothing is granted."""
NOAH = "Noah kan fortsätta i fotbollslaget; hushållets inkomst räcker till avgiften."


def text_of(pdf: bytes) -> str:
    """All pages' text, no-break spaces made ordinary and whitespace runs collapsed, so a
    sentence wrapped over two lines still reads as one."""
    pages = PdfReader(BytesIO(pdf)).pages
    raw = " ".join(page.extract_text() for page in pages)
    return " ".join(raw.replace("\xa0", " ").replace("\u202f", " ").split())


def page_count(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def member_id(case, first_name: str) -> str:
    return next(
        str(m.person.id) for m in case.household.members if m.person.first_name == first_name
    )


@pytest.fixture
def unit(session, staff):
    staff.unit.board_name = "Individ- och familjenämnden"
    staff.unit.phone = "0123-45 67 00"
    staff.unit.postal_address = "Box 12, 123 45 Norrby"
    session.flush()
    return staff.unit


@pytest.fixture
def delegated(session, admin, caseworker) -> None:
    decisions.set_delegation(session, admin, caseworker.id, DecisionKind.SUPPORT, None)


def drafted(session, caseworker, case, costs, incomes=()):
    """The system's proposal from the real 2026 calculation for december 2026 (the shipped
    table, SFS 2025:1046)."""
    household = decisions.household_for_calculation(session, caseworker, case.id, DEC_START)
    calculation = calculate(load_norm_table(2026), household, costs, incomes)
    return decisions.draft_from_calculation(
        DecisionKind.SUPPORT, DEC_START, DEC_END, calculation, costs
    )


@pytest.fixture
def single(make_case, unit):
    return make_case(period_start=DEC_START, **ADDRESS)


@pytest.fixture
def family(make_case, pnr, unit):
    return make_case(
        members=[
            PersonInput(pnr("19870704", 456), "Ali", "Andersson", MemberRole.CO_APPLICANT),
            PersonInput(pnr("20190510", 123), "Lisa", "Andersson", MemberRole.CHILD),
            PersonInput(pnr("20140115", 234), "Noah", "Andersson", MemberRole.CHILD),
        ],
        period_start=DEC_START,
        **ADDRESS,
    )


def sign(session, caseworker, case, draft):
    decision = decisions.save_draft(session, caseworker, case.id, draft)
    return decisions.sign_decision(session, caseworker, decision.id, render_decision_letter)


def bifall_draft(session, caseworker, case, **changes):
    costs = [CostInput("boende", D("6500")), CostInput("hushallsel", D("350"))]
    draft = drafted(session, caseworker, case, costs)
    for key, value in changes.items():
        setattr(draft, key, value)
    return draft


class TestBifall:
    def test_the_signed_letter(self, session, caseworker, single, delegated) -> None:
        decision = sign(session, caseworker, single, bifall_draft(session, caseworker, single))
        assert (decision.outcome, decision.granted_total) == (Outcome.GRANTED, D("12070.00"))
        text = text_of(decision.letter_pdf)
        assert "Beslut om försörjningsstöd" in text
        assert "Du får 12 070,00 kr i försörjningsstöd för december 2026." in text
        assert "Beslutet gäller december 2026." in text
        assert "Anna Andersson Storgatan 1 903 25 Umeå" in text
        assert "Datum: 23 november 2026" in text
        assert f"Ärende: {single.case_number}" in text
        # the calculation and the items, every amount as "1 234,00 kr"
        assert "Personliga kostnader, ensamstående vuxen: Anna Andersson 3 940,00 kr" in text
        assert "Gemensamma hushållskostnader, 1 person 1 280,00 kr" in text
        assert "Riksnorm 5 220,00 kr 5 220,00 kr 5 220,00 kr" in text
        assert "Boende 6 500,00 kr 6 500,00 kr 6 500,00 kr" in text
        assert "Hushållsel 350,00 kr 350,00 kr 350,00 kr" in text
        assert "Att betala ut 12 070,00 kr" in text
        assert "Avgår: inkomster" not in text
        assert (
            "Beslutet är fattat enligt 12 kap. 1 § socialtjänstlagen (2025:400), "
            "12 kap. 7 § socialtjänstlagen (2025:400)." in text
        )
        assert "Sara Nilsson, Socialsekreterare" in text
        assert "Beslutet är fattat på delegation från Individ- och familjenämnden." in text
        # a bifall needs no motivation or barnets bästa section
        assert "Motivering" not in text and "Barnets bästa" not in text
        assert "UTKAST" not in text
        # the besvärshänvisning is included by default, on its own page
        assert page_count(decision.letter_pdf) == 2
        assert "Så överklagar du beslutet" in text
        assert "förvaltningsrätten" in text and "tre veckor" in text
        assert "telefon 0123-45 67 00" in text
        assert "{" not in text

    def test_without_the_appeal_page(self, session, caseworker, single, delegated) -> None:
        draft = bifall_draft(session, caseworker, single, include_appeal=False)
        decision = sign(session, caseworker, single, draft)
        text = text_of(decision.letter_pdf)
        assert "Du får 12 070,00 kr i försörjningsstöd för december 2026." in text
        assert page_count(decision.letter_pdf) == 1
        assert "förvaltningsrätten" not in text
        assert "tre veckor" not in text
        assert "Så överklagar" not in text

    def test_the_pdf_metadata(self, session, caseworker, single, delegated) -> None:
        decision = sign(session, caseworker, single, bifall_draft(session, caseworker, single))
        meta = PdfReader(BytesIO(decision.letter_pdf)).metadata
        assert meta.title == f"Beslut om försörjningsstöd {single.case_number}"
        assert meta.author == "Sara Nilsson"


class TestAvslagInAFamily:
    @pytest.fixture
    def decision(self, session, caseworker, family, delegated):
        costs = [CostInput("boende", D("9500"))]
        incomes = [IncomeInput("lon", "Ali Andersson", D("40000"), employment=True)]
        draft = drafted(session, caseworker, family, costs, incomes)
        phrase = next(p for p in legal_texts.phrases() if p.key == "avslag_inkomst")
        draft.motivation = legal_texts.fill(phrase.text, {"period": "december 2026"})
        draft.child_consideration = {
            member_id(family, "Lisa"): LISA,
            member_id(family, "Noah"): NOAH,
        }
        draft.bka_not_needed_reason = "Hushållets egen inkomst täcker barnens behov."
        return sign(session, caseworker, family, draft)

    def test_the_signed_letter(self, decision) -> None:
        assert (decision.outcome, decision.granted_total) == (Outcome.REFUSED, D("0.00"))
        text = text_of(decision.letter_pdf)
        assert "Du får inte försörjningsstöd för december 2026." in text
        assert "Anna Andersson och Ali Andersson Storgatan 1 903 25 Umeå" in text
        assert (
            "Du får inte försörjningsstöd för december 2026. Hushållets inkomster är högre än "
            "kostnaderna enligt riksnormen och dina skäliga kostnader." in text
        )
        assert "Boende 9 500,00 kr 9 500,00 kr 9 500,00 kr" in text
        assert "Avgår: inkomster −40 000,00 kr" in text
        assert "Att betala ut 0,00 kr" in text
        assert "Barnets bästa" in text
        assert f"Lisa Andersson (7 år): {LISA}" in text
        assert f"Noah Andersson (12 år): {NOAH}" in text
        assert "12 kap. 1 § socialtjänstlagen (2025:400)" in text
        # an avslag always has the besvärshänvisning
        assert "förvaltningsrätten" in text and "tre veckor" in text
        assert "Individ- och familjenämnden" in text

    def test_the_letter_states_which_years_riksnorm_was_used(self, decision) -> None:
        text = text_of(decision.letter_pdf)
        assert (
            "Så har vi räknat Riksnorm för 2026 enligt socialtjänstförordningen (2025:468) "
            "12 kap. 2 § i lydelse enligt SFS 2025:1046." in text
        )
        assert "inte kontrollerade" not in text  # no internal note (issue 19, defect 2)


class TestLetterDetails:
    def test_a_draft_says_utkast(self, session, caseworker, single) -> None:
        draft = bifall_draft(session, caseworker, single)
        decision = decisions.save_draft(session, caseworker, single.id, draft)
        letter = decisions.letter_preview(session, caseworker, decision.id)
        text = text_of(render_decision_letter(letter))
        assert "UTKAST – beslutet är inte fattat" in text
        assert "Datum: ej beslutat" in text
        assert "Du får 12 070,00 kr i försörjningsstöd för december 2026." in text

    def test_a_partial_bifall_headline(self, session, caseworker, single) -> None:
        draft = bifall_draft(session, caseworker, single)
        draft.items[1].granted = D("5800")
        draft.motivation = "Din hyra är högre än vad en låginkomsttagare på orten kan ha."
        decision = decisions.save_draft(session, caseworker, single.id, draft)
        text = text_of(render_decision_letter(decisions.letter_data(session, caseworker, decision)))
        assert (
            "Du får 11 370,00 kr i försörjningsstöd för december 2026. Du hade sökt "
            "12 070,00 kr. Resten av ansökan avslås." in text
        )
        assert "Boende 6 500,00 kr 6 500,00 kr 5 800,00 kr" in text

    def test_user_text_prints_literally(self, session, caseworker, single) -> None:
        motivation = (
            'Zoë Łukasiewicz-Ångström & Søn <b>fet</b> "citat" – 1 < 2 > 0; Ğüneş Ærø ß € №'
        )
        draft = bifall_draft(session, caseworker, single, motivation=motivation)
        draft.items[1].granted = D("6000")
        draft.items[1].motivation = "Hyran <i>sänks</i> & ändras"
        decision = decisions.save_draft(session, caseworker, single.id, draft)
        pdf = render_decision_letter(decisions.letter_data(session, caseworker, decision))
        text = text_of(pdf)
        assert motivation in text
        assert "Boende: Hyran <i>sänks</i> & ändras" in text
        assert "&amp;" not in text and "&lt;" not in text

    def test_an_avvisning_shows_no_calculation_and_no_amounts(
        self, session, caseworker, single
    ) -> None:
        """Issue 19, point 3: an application that was not examined has no calculation and
        nothing granted, whatever the draft's items still say."""
        draft = bifall_draft(
            session,
            caseworker,
            single,
            dismissed=True,
            motivation="Vi prövar inte din ansökan eftersom du bor i en annan kommun.",
        )
        decision = decisions.save_draft(session, caseworker, single.id, draft)
        text = text_of(render_decision_letter(decisions.letter_data(session, caseworker, decision)))
        assert "Vi prövar inte din ansökan om försörjningsstöd för december 2026." in text
        assert "Vi prövar inte din ansökan eftersom du bor i en annan kommun." in text
        for shown in ("Så har vi räknat", "Beslutet post för post", "Att betala ut", " kr"):
            assert shown not in text, shown

    def test_skyddade_personuppgifter(self, session, caseworker, make_case, unit) -> None:
        case = make_case(protected=True, period_start=DEC_START, **ADDRESS)
        decision = decisions.save_draft(
            session, caseworker, case.id, bifall_draft(session, caseworker, case)
        )
        text = text_of(render_decision_letter(decisions.letter_data(session, caseworker, decision)))
        # name and personnummer for Skatteverket's förmedling, nothing of the protection
        assert "Anna Andersson 19850312-1231 Datum: ej beslutat" in text
        assert "Skyddade" not in text
        assert "Storgatan" not in text and "903 25" not in text


class TestLetterheadFromConfiguration:
    """IT's logo and letterhead text (app.settings.configuration) on every page of the letter."""

    def test_logo_and_text_on_every_page(
        self, configure, tmp_path, session, caseworker, single, delegated
    ) -> None:
        write_logo(tmp_path / "config" / "logotyp.png")
        configure(system=SYSTEM + 'logo = "logotyp.png"\n')
        decision = sign(session, caseworker, single, bifall_draft(session, caseworker, single))
        pages = PdfReader(BytesIO(decision.letter_pdf)).pages
        assert len(pages) == 2  # the letter, then the besvärshänvisning
        for page in pages:
            text = page.extract_text()
            assert "Besöksadress: Storgatan 1, Exempelstad" in text
            assert "www.exempelstad.example · socialtjansten@exempelstad.example" in text
            assert len(page.images) == 1
            assert page.images[0].image.size == (300, 100)

    def test_without_configuration_no_logo(
        self, configure, session, caseworker, single, delegated
    ) -> None:
        configure()
        decision = sign(session, caseworker, single, bifall_draft(session, caseworker, single))
        for page in PdfReader(BytesIO(decision.letter_pdf)).pages:
            assert len(page.images) == 0
            assert "Besöksadress" not in page.extract_text()
