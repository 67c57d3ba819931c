"""A letter per outcome and kind of bistånd, signed through the service and read back from the
PDF (issue 19, points 3, 4, 9 and 10): bifall, delvis bifall, avslag and avvisning of
försörjningsstöd, livsföring i övrigt and bistånd utöver rätten, for a period under
socialtjänstlagen (2001:453) and one under (2025:400); the besvärshänvisning each needs; the
avvisning without calculation or amounts; a person with skyddade personuppgifter."""

# The service fixtures are imported below; using them as test arguments "redefines" them.
# ruff: noqa: F811

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.cases.case_register import PersonInput
from app.common import clock
from app.common.formatting import money
from app.decisions import decisions, legal_texts
from app.decisions.decisions import DecisionDraft, ItemInput
from app.models import DecisionKind, MemberRole, Outcome
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
    set_clock,
    staff,
)
from tests.core.decisions.test_decisions import (  # noqa: F401
    ADDRESS,
    BOARD,
    UNIT_ADDRESS,
    delegated,
    member_id,
    render,
    unit,
)
from tests.printing.test_decision_letter import page_count, text_of

D = Decimal
PERIODS = {
    "juni 2025": (date(2025, 6, 1), date(2025, 6, 30), datetime(2025, 6, 14, 10, tzinfo=UTC)),
    "december 2026": (date(2026, 12, 1), date(2026, 12, 31), None),
}
COURT = "Förvaltningsrätten i Norrby, Box 1, 123 45 Norrby"
NOTICE_BOARD = "på www.norrby.example/anslagstavla"
CONFIG = f"""
[appeal]
notice_board = "{NOTICE_BOARD}"
administrative_court = "{COURT}"
"""

ITEMS = {
    DecisionKind.SUPPORT: [("riksnorm", "Riksnorm", "5220"), ("boende", "Boende", "6500")],
    DecisionKind.OTHER_LIVING: [("lakarvard_medicin", "Tandvård", "4200")],
    DecisionKind.BEYOND_RIGHT: [("ovrigt", "Körkort", "9000")],
}
PHRASES = {
    (DecisionKind.SUPPORT, Outcome.GRANTED): "bifall_norm",
    (DecisionKind.SUPPORT, Outcome.PARTLY): "boende_over_skalig",
    (DecisionKind.SUPPORT, Outcome.REFUSED): "avslag_ej_arbetssokande",
    (DecisionKind.OTHER_LIVING, Outcome.PARTLY): "tandvard_akut",
    (DecisionKind.OTHER_LIVING, Outcome.REFUSED): "avslag_behovs_inte",
    (DecisionKind.BEYOND_RIGHT, Outcome.REFUSED): "utover_avslag",
}
PARTLY_BEYOND = "Du får bistånd till hälften av kostnaden för körkortet."


def draft_for(kind: DecisionKind, outcome: Outcome, start: date, end: date) -> DecisionDraft:
    """A decision of this kind and outcome as a handläggare makes it in the editor: items,
    a phrase that fits, and the lagrum of the law in force today that fit the outcome."""
    items = []
    for index, (item_type, label, applied) in enumerate(ITEMS[kind]):
        granted = {
            Outcome.GRANTED: D(applied),
            # the last item is cut in a partial bifall (the rent, the dental care, ...)
            Outcome.PARTLY: D(applied) / 2 if index == len(ITEMS[kind]) - 1 else D(applied),
        }.get(outcome, D(0))
        items.append(ItemInput(item_type, label, D(applied), D(applied), granted))
    key = PHRASES.get((kind, outcome))
    if outcome is Outcome.DISMISSED:
        key = "avvisning_annan_kommun"
    motivation = (
        legal_texts.fill(
            legal_texts.phrase(key).text,
            {"period": decisions.period_text(start, end), "belopp": "2 100,00 kr", "vad": "det"},
        )
        if key
        else (PARTLY_BEYOND if outcome is Outcome.PARTLY else "")
    )
    today = clock.today()  # the day the decision is made decides the law
    references = [
        r.code
        for r in legal_texts.references_for(today, kind, outcome)
        if (outcome is Outcome.DISMISSED and r.confirmed)
        or (r.code in legal_texts.default_references(kind, today))
        or (r.code == "fl_32" and outcome is not Outcome.GRANTED)
    ]
    return DecisionDraft(
        kind=kind,
        period_start=start,
        period_end=end,
        items=[] if outcome is Outcome.DISMISSED else items,
        motivation=motivation,
        legal_references=references,
        dismissed=outcome is Outcome.DISMISSED,
    )


@pytest.fixture
def anna(session, make_case, unit, set_clock, configure, delegated, admin, caseworker):
    """Anna Andersson alone; her case registered in the month the period begins."""
    configure(system=CONFIG)

    def registered(period: str):
        start, _end, at = PERIODS[period]
        if at is not None:
            set_clock(at)
        return make_case(period_start=start, **ADDRESS)

    return registered


def signed(session, caseworker, case, draft, render):
    decision = decisions.save_draft(session, caseworker, case.id, draft)
    assert decisions.signing_problems(session, caseworker, decision) == []
    return decisions.sign_decision(session, caseworker, decision.id, render)


@pytest.mark.parametrize("period", list(PERIODS))
@pytest.mark.parametrize("kind", list(DecisionKind), ids=lambda k: k.value)
@pytest.mark.parametrize("outcome", list(Outcome), ids=lambda o: o.value)
def test_a_letter_per_outcome_and_kind(
    session, caseworker, anna, render, period, kind, outcome
) -> None:
    start, end, _at = PERIODS[period]
    case = anna(period)
    decision = signed(session, caseworker, case, draft_for(kind, outcome, start, end), render)
    letter = render.letters[-1]
    text = text_of(decision.letter_pdf)
    what = kind.label.lower()
    assert decision.outcome is outcome
    # the lagrum of the period's law, and only that law
    old, new = "socialtjänstlagen (2001:453)", "socialtjänstlagen (2025:400)"
    law, other = (old, new) if start.year == 2025 else (new, old)
    if outcome is not Outcome.DISMISSED or law == old:
        assert f"§ {law}" in text
    assert other not in text
    assert "Beslutet är fattat enligt " in text
    # the besvärshänvisning the route and the outcome need
    if kind is DecisionKind.BEYOND_RIGHT:
        assert letter.appeal.key == "laglighetsprovning_delegation"
        assert "laglighetsprövning enligt 13 kap. kommunallagen (2017:725)" in text
        assert f"Skicka överklagandet till {COURT}" in text
        assert f"kommunens anslagstavla finns {NOTICE_BOARD}" in text
        assert "förs in i protokollet från det sammanträde där det anmäls" in text
    elif outcome is Outcome.DISMISSED:
        assert "Så överklagar du beslutet att inte pröva din ansökan" in text
        assert "Förvaltningsrätten prövar då om det var rätt att inte pröva ansökan." in text
    else:
        assert "Så överklagar du beslutet" in text
        assert f"lämnar överklagandet till {BOARD}, {UNIT_ADDRESS}." in text
        assert "inom tre veckor från den dag du fick del av beslutet" in text
    assert page_count(decision.letter_pdf) >= 2  # the besvärshänvisning on a page of its own
    # what each outcome shows
    if outcome is Outcome.DISMISSED:
        assert f"Beslut om avvisning av ansökan om {what}" in text
        assert f"Vi prövar inte din ansökan om {what} för {period}." in text
        assert "Därför prövar vi inte din ansökan" in text
        assert "Du ska söka bistånd i den kommun där du bor." in text
        assert "Beslutet innebär att vi inte har prövat om du har rätt till bistånd." in text
        for shown in ("Så har vi räknat", "Beslutet post för post", "Att betala ut", " kr"):
            assert shown not in text, shown
    else:
        assert f"Beslut om {what}" in text
        assert "Beslutet post för post" in text
        assert (
            f"Att betala ut {decisions.money(decision.granted_total)}".replace("\xa0", " ") in text
        )
        if outcome is Outcome.GRANTED:
            assert f"Du får {money(decision.granted_total)}".replace("\xa0", " ") in text
        elif outcome is Outcome.REFUSED:
            assert f"Du får inte {what} för {period}." in text
            assert "Motivering" in text
        else:
            assert "Resten av ansökan avslås." in text and "Motivering" in text
    assert "{" not in text and "Skyddade" not in text


def test_the_avvisning_of_the_issue_shows_nothing_it_did_not_examine(
    session, caseworker, make_case, pnr, unit, delegated, render
) -> None:
    """Issue 19, point 3: the avvisning letter showed the calculation, 'Beviljat 8 397 /
    4 560 / 350 kr', 0 kr to pay and 'Hushållet får hela normen för barnet'."""
    case = make_case(
        members=[PersonInput(pnr("20250110", 345), "Elsa", "Andersson", MemberRole.CHILD)],
        period_start=date(2026, 12, 1),
        **ADDRESS,
    )
    elsa = member_id(case, "Elsa")
    draft = DecisionDraft(
        kind=DecisionKind.SUPPORT,
        period_start=date(2026, 12, 1),
        period_end=date(2026, 12, 31),
        items=[
            ItemInput("riksnorm", "Riksnorm", D("8397"), D("8397"), D("8397")),
            ItemInput("boende", "Boende", D("4560"), D("4560"), D("4560")),
            ItemInput("hushallsel", "Hushållsel", D("350"), D("350"), D("350")),
        ],
        calculation={
            "year": 2026,  # the period's riksnorm (its snapshot as the editor saves it)
            "rows": [{"section": "norm", "label": "Riksnorm", "amount": "8397"}],
        },
        motivation=legal_texts.phrase("avvisning_annan_kommun").text,
        legal_references=["fl_32"],
        child_consideration={
            elsa: legal_texts.fill(legal_texts.phrase("barn_hela_normen").text, {"barn": "Elsa"})
        },
        dismissed=True,
    )
    decision = decisions.save_draft(session, caseworker, case.id, draft)
    assert decisions.signing_problems(session, caseworker, decision) == [
        "En avvisning prövar inte ansökan och beviljar därför inget: sätt beviljat belopp till "
        "0 kr för varje post eller ta bort posterna.",
        "Beslutet går hushållet emot och hushållet har barn: hänvisa till en signerad "
        "barnkonsekvensanalys eller skriv varför beslutet inte får påtagliga konsekvenser för "
        "barnen.",
        "Texten om barnets bästa säger att hushållet får hela normen, men beslutet beviljar "
        "0 kr. Ändra texten så att den stämmer med beslutet.",
    ]
    # even the draft's letter shows no calculation and no amounts
    preview = text_of(render_decision_letter(decisions.letter_data(session, caseworker, decision)))
    for shown in ("Så har vi räknat", "Beviljat", "8 397", "4 560", "Att betala ut", " kr"):
        assert shown not in preview, shown
    draft.items = []
    draft.child_consideration = {
        elsa: legal_texts.phrase("barn_ej_provat").text.replace("{barn}", "Elsa")
        + "Hon har förskola och mat i hemmet i dag."
    }
    draft.bka_not_needed_reason = (
        "Ansökan prövas i den kommun där familjen bor; Elsas vardag ändras inte av beslutet."
    )
    decision = decisions.save_draft(session, caseworker, case.id, draft, decision_id=decision.id)
    signed_decision = decisions.sign_decision(session, caseworker, decision.id, render)
    text = text_of(signed_decision.letter_pdf)
    assert "normen" not in text and " kr" not in text
    assert "Elsa Andersson (1 år): Beslutet innebär att ansökan inte har prövats." in text


def test_a_protected_person_is_reached_through_skatteverket(
    session, caseworker, make_case, unit, delegated, render
) -> None:
    """Issue 19, point 10: the window showed '(Skyddade personuppgifter – adressen skrivs inte
    ut)' and no address that reaches the person. Now it shows what Skatteverket forwards by,
    name and full personnummer, and nothing of the protection; how to post the letter is
    data for whoever posts it, not printed."""
    case = make_case(protected=True, period_start=date(2026, 12, 1), **ADDRESS)
    draft = draft_for(DecisionKind.SUPPORT, Outcome.GRANTED, date(2026, 12, 1), date(2026, 12, 31))
    decision = signed(session, caseworker, case, draft, render)
    text = text_of(decision.letter_pdf)
    assert text.startswith("Anna Andersson 19850312-1231 Datum:")
    for revealing in ("Skydd", "skydd", "Storgatan", "903 25", "Umeå", "Skatteverket"):
        assert revealing not in text, revealing
    forwarding = render.letters[-1].forwarding
    assert forwarding.outer_envelope == ("Skatteverket", "Box 2820", "403 20 Göteborg")
    assert "ytterkuvert" in forwarding.instruction
