"""The riksnorm in a decision (issue 19): an amount without a source cannot be used in a
signed decision, nor another year's table than the period's; no internal note about the
amounts ever reaches a letter; the letter states which year's riksnorm was used (read back
from the PDF with pypdf)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from app.cases.case_register import PersonInput
from app.common.errors import ValidationFailed
from app.decisions import decisions
from app.decisions.decisions import SigningProblemKind
from app.models import Decision, DecisionKind, MemberRole
from app.norms import applicable_table
from app.norms.norm_calculation import LEGACY_INTERNAL_NOTE, CostInput, calculate
from app.norms.norm_table import load_norm_table
from app.printing.decision_letter import render_decision_letter

D = Decimal
DEC_START, DEC_END = date(2026, 12, 1), date(2026, 12, 31)
ADDRESS = {"street_address": "Storgatan 1", "postal_code": "903 25", "city": "Umeå"}
COSTS = [CostInput("boende", D("6500"))]


def text_of(pdf: bytes) -> str:
    raw = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    return " ".join(raw.replace("\xa0", " ").replace("\u202f", " ").split())


@pytest.fixture
def delegated(session, admin, caseworker, staff) -> None:
    staff.unit.board_name = "Individ- och familjenämnden"
    for kind in DecisionKind:
        decisions.set_delegation(session, admin, caseworker.id, kind, None)


@pytest.fixture
def single(make_case, delegated):
    return make_case(period_start=DEC_START, **ADDRESS)


@pytest.fixture
def family(make_case, pnr, delegated):
    return make_case(
        members=[
            PersonInput(pnr("19870704", 456), "Ali", "Andersson", MemberRole.CO_APPLICANT),
            PersonInput(pnr("20190510", 123), "Lisa", "Andersson", MemberRole.CHILD),
        ],
        period_start=DEC_START,
        **ADDRESS,
    )


def computed(session, caseworker, case, start: date, end: date, *, year: int | None = None):
    """What the editor does: the household (as registered), the period's table (or `year`'s),
    the proposal."""
    household = decisions.household_for_calculation(session, caseworker, case.id, DEC_START)
    table = (
        load_norm_table(year)
        if year is not None
        else applicable_table.table_for_period(session, start, end)
    )
    calculation = calculate(table, household, COSTS)
    draft = decisions.draft_from_calculation(DecisionKind.SUPPORT, start, end, calculation, COSTS)
    return decisions.save_draft(session, caseworker, case.id, draft)


def problems(session, caseworker, decision: Decision) -> dict[SigningProblemKind, str]:
    return {p.kind: p.message for p in decisions._signing_problems(session, caseworker, decision)}


def test_amounts_without_a_source_stop_signing_and_say_why(session, caseworker, family) -> None:
    """A family in 2025: the amounts of 2025 have no source (the ändringsförordning was not
    found)."""
    start, end = date(2025, 12, 1), date(2025, 12, 31)
    decision = computed(session, caseworker, family, start, end)
    message = problems(session, caseworker, decision)[SigningProblemKind.UNSOURCED_NORM]
    assert message.startswith("Riksnormen för 2025 har belopp utan källa: ")
    assert "Barn 7–10 år: 3\xa0790,00\xa0kr" in message
    assert "Ett belopp utan källa kan inte användas i ett beslut som undertecknas." in message
    assert "under Arkiv → Riksnormen och en annan administratör godkänner dem" in message
    with pytest.raises(ValidationFailed) as caught:
        decisions.sign_decision(session, caseworker, decision.id, render_decision_letter)
    assert message in caught.value.field_errors["decision"]
    assert session.get(Decision, decision.id).signed_at is None


CITATION_2026 = "socialtjänstförordningen (2025:468) 12 kap. 2 § i lydelse enligt SFS 2025:1046"


def considered(session, case, decision: Decision) -> None:
    """A documented consideration for each child (whatever the outcome needs)."""
    children = decisions.children_of(session, case, decision.period_start, decision.period_end)
    decision.child_consideration = json.dumps(
        {c.person_id: f"{c.name} får hela normen för sin ålder." for c in children},
        ensure_ascii=False,
    )
    session.flush()


def test_a_2026_family_with_children_signs_with_the_shipped_tables(
    session, caseworker, family
) -> None:
    """Issue 19: the 2026 amounts stand in SFS 2025:1046, so a family's decision for a 2026
    period signs with the table shipped with the program, and its letter names the source."""
    decision = computed(session, caseworker, family, DEC_START, DEC_END)
    considered(session, family, decision)
    assert problems(session, caseworker, decision) == {}
    signed = decisions.sign_decision(session, caseworker, decision.id, render_decision_letter)
    text = text_of(signed.letter_pdf)
    assert f"Riksnorm för 2026 enligt {CITATION_2026}." in text
    assert "utan källa" not in text


def test_a_single_persons_2026_norm_signs(session, caseworker, single) -> None:
    decision = computed(session, caseworker, single, DEC_START, DEC_END)
    assert problems(session, caseworker, decision) == {}
    signed = decisions.sign_decision(session, caseworker, decision.id, render_decision_letter)
    text = text_of(signed.letter_pdf)
    assert f"Så har vi räknat Riksnorm för 2026 enligt {CITATION_2026}." in text


def test_the_letter_states_2021_and_its_ändringsförordning(session, caseworker, single) -> None:
    march = date(2021, 3, 1)
    decision = computed(session, caseworker, single, march, date(2021, 3, 31))
    signed = decisions.sign_decision(session, caseworker, decision.id, render_decision_letter)
    text = text_of(signed.letter_pdf)
    assert (
        "Riksnorm för 2021 enligt socialtjänstförordningen (2001:937) 2 kap. 1 § i lydelse "
        "enligt SFS 2020:1013." in text
    )
    assert "Personliga kostnader, ensamstående vuxen: Anna Andersson 3 160,00 kr" in text


def test_another_years_table_cannot_be_signed(session, caseworker, single) -> None:
    """What the year box did (issue 19, defect 1): december 2026 computed with 2019."""
    decision = computed(session, caseworker, single, DEC_START, DEC_END, year=2019)
    assert problems(session, caseworker, decision)[SigningProblemKind.NORM_YEAR] == (
        "Beräkningen använder riksnormen för 2019, men beslutet gäller december 2026. Räkna "
        "om beslutet med riksnormen för 2026."
    )
    with pytest.raises(ValidationFailed):
        decisions.sign_decision(session, caseworker, decision.id, render_decision_letter)


def test_no_internal_note_reaches_a_letter(session, caseworker, family) -> None:
    """Issue 19, defect 2: "(… Beloppet är inte kontrollerat mot socialtjänstförordningen.)"
    stood in letters. Neither a draft's letter nor one of a decision saved by an older
    version (whose rows carry that note) prints it or any other word about it. (2025: its
    amounts have no source.)"""
    decision = computed(session, caseworker, family, date(2025, 12, 1), date(2025, 12, 31))
    texts = [text_of(render_decision_letter(decisions.letter_data(session, caseworker, decision)))]
    snapshot = json.loads(decision.calculation_json)
    for row in snapshot["rows"]:
        row["note"] = f"{row['note']} {LEGACY_INTERNAL_NOTE}".strip()
    decision.calculation_json = json.dumps(snapshot, ensure_ascii=False)
    session.flush()
    texts.append(
        text_of(render_decision_letter(decisions.letter_data(session, caseworker, decision)))
    )
    for text in texts:
        assert "Riksnorm för 2025." in text  # the year, and no source to cite
        assert "inte kontrollerat" not in text and "inte kontrollerade" not in text
        assert "förordningen.)" not in text and "Obs:" not in text
        assert "källa" not in text
        assert "Åldersgrupp 7–10 år" in text  # the rows' public notes stay
