"""A proposed decision from an e-ansökan and the registers' answers (issue 24), exact on
hand-built applications (both engines): norm year by period (never another year), costs as
applied for, incomes from the registers after tax, incomes stated but not in the registers,
and every difference between what the applicant stated and what the registers say."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from app.cases.case_register import PersonInput
from app.decisions import decisions, proposal
from app.decisions.proposal import Difference, DifferenceKind, ProposedIncome
from app.intake import application_format
from app.intake.intake import take_in
from app.models import Case, DecisionKind, MemberRole
from app.norms.norm_calculation import CostInput
from app.registers import lookups
from app.registers.register_service import (
    ItemKind,
    MonthRange,
    RegisterAnswer,
    RegisterItem,
    RegisterRequest,
    Source,
    SourceAnswer,
)
from tests.core.decisions.test_decisions import bifall, partly

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "ansokan-barnfamilj.json"
NOVEMBER = MonthRange.of(date(2026, 11, 1))

ANNA = "198503121231"
"""The case's sökande (make_case's default)."""


def plain(text: str) -> str:
    """Money as formatted (non-breaking spaces) in the plain spaces of this file."""
    return text.replace("\xa0", " ")


def digits(personnummer: str) -> str:
    return personnummer.replace("-", "")


class HandBuilt:
    """A register service answering what the test says, per personnummer."""

    name = "Registertjänst i testet"

    def __init__(self, items: dict[str, list[RegisterItem]]) -> None:
        self.items = items

    def incomes_and_benefits(self, request: RegisterRequest) -> RegisterAnswer:
        found = self.items.get(request.personal_number, [])
        return RegisterAnswer(
            request,
            tuple(
                SourceAnswer(source, tuple(i for i in found if i.source is source))
                for source in Source
            ),
            f"TEST-{request.personal_number[-4:]}",
        )


def paid(
    source: Source,
    kind: ItemKind,
    amount: str,
    tax: str = "0",
    month: MonthRange = NOVEMBER,
    payer: str = "",
) -> RegisterItem:
    return RegisterItem(source, kind, kind.label, D(amount), month.first, month.end, D(tax), payer)


def application(
    persons: list[tuple[str, str, str, str]],
    incomes: list[tuple[str, str, str]],
    costs: list[tuple[str, str, str]],
    *,
    month: str = "2026-11",
    application_id: str = "EA-TEST-1",
) -> bytes:
    """An e-ansökan for `month`: persons (personnummer, förnamn, efternamn, roll), incomes
    (personnummer, slag, belopp), costs (slag, belopp, beskrivning)."""
    document = json.loads(EXAMPLE.read_bytes())
    year, number = map(int, month.split("-"))
    first = date(year, number, 1)
    last = MonthRange.of(first).end
    document.update(
        ansokan_id=application_id,
        period={"from": first.isoformat(), "tom": last.isoformat()},
        hushall={
            "personer": [
                {"personnummer": p, "fornamn": f, "efternamn": e, "roll": r}
                for p, f, e, r in persons
            ]
        },
        inkomster=[{"personnummer": p, "slag": s, "belopp": b} for p, s, b in incomes],
        kostnader=[
            {"slag": s, "belopp": b, **({"beskrivning": t} if t else {})} for s, b, t in costs
        ],
        bilagor=[],
    )
    document["signering"]["personnummer"] = persons[0][0]
    assert application_format.validate(document) == []
    return json.dumps(document, ensure_ascii=False).encode()


def deliver(session, actor, raw: bytes):
    result = take_in(session, actor, raw, filename="ansokan.json")
    session.commit()
    return result.delivery_id


def ask(session, actor, case: Case, service: HandBuilt, month: MonthRange = NOVEMBER) -> None:
    for member in case.household.members:
        if member.person.personal_number in service.items:
            lookups.look_up(
                session, actor, case.id, member.person_id, month, "ansokan", service=service
            ).result()
    session.commit()


def person_id(case: Case, first_name: str) -> str:
    return next(
        str(m.person_id) for m in case.household.members if m.person.first_name == first_name
    )


ALONE = [(ANNA, "Anna", "Andersson", "sokande")]


def test_a_single_adult_with_rent_and_electricity(session, caseworker, make_case) -> None:
    """Aktivitetsstöd 4 906 kr before tax with 1 227 kr withheld: 3 679 kr counts, as the
    applicant stated; so no difference."""
    case = make_case()
    delivery = deliver(
        session,
        caseworker,
        application(
            ALONE,
            [(ANNA, "aktivitetsstod", "3679")],
            [("boende", "6500", "Hyra två rum"), ("hushallsel", "350", "")],
        ),
    )
    ask(
        session,
        caseworker,
        case,
        HandBuilt(
            {ANNA: [paid(Source.FORSAKRINGSKASSAN, ItemKind.ACTIVITY_SUPPORT, "4906", "1227")]}
        ),
    )
    (pending,) = proposal.pending_applications(session, caseworker, case.id)
    assert (pending.delivery_id, pending.period_start) == (delivery, date(2026, 11, 1))
    found = proposal.propose(session, caseworker, case.id, delivery)
    assert (found.kind, found.period_start, found.period_end) == (
        DecisionKind.SUPPORT,
        date(2026, 11, 1),
        date(2026, 11, 30),
    )
    assert found.norm_year == 2026 and found.notes == []
    assert found.costs == [
        CostInput("boende", D("6500"), None, "Hyra två rum"),
        CostInput("hushallsel", D("350"), None, ""),
    ]
    (income,) = found.incomes
    assert income == ProposedIncome(
        "aktivitetsstod",
        person_id(case, "Anna"),
        D("3679.00"),
        "Försäkringskassan",
        income.note,
        ANNA,
    )
    assert plain(income.note) == (
        "Före skatt 4 906,00 kr, avdragen skatt 1 227,00 kr: 3 679,00 kr räknas."
    )
    assert found.differences == []


@pytest.fixture
def family_case(make_case, pnr) -> Case:
    return make_case(
        members=[
            PersonInput(pnr("19870704", 456), "Ali", "Andersson", MemberRole.CO_APPLICANT),
            PersonInput(pnr("20190510", 123), "Lisa", "Andersson", MemberRole.CHILD),
            PersonInput(pnr("20140115", 234), "Noah", "Andersson", MemberRole.CHILD),
        ]
    )


def test_a_family_with_children_allowances_from_the_registers(
    session, caseworker, family_case, pnr
) -> None:
    """Barnbidrag as stated; underhållsstöd only in the registers; Ali's a-kassa stated
    lower than the registers pay after tax; Anna's lön the same after tax; the children's
    part of the household's incomes go to the household."""
    ali, lisa = digits(pnr("19870704", 456)), digits(pnr("20190510", 123))
    persons = [
        (ANNA, "Anna", "Andersson", "sokande"),
        (ali, "Ali", "Andersson", "medsokande"),
        (lisa, "Lisa", "Andersson", "barn"),
        (digits(pnr("20140115", 234)), "Noah", "Andersson", "barn"),
    ]
    delivery = deliver(
        session,
        caseworker,
        application(
            persons,
            [
                (ANNA, "lon", "9000"),
                (ANNA, "barnbidrag", "2650"),
                (ali, "a_kassa", "6000"),
            ],
            [("boende", "8450", "Fyra rum och kök"), ("barnomsorg", "650", "")],
        ),
    )
    fk = Source.FORSAKRINGSKASSAN
    ask(
        session,
        caseworker,
        family_case,
        HandBuilt(
            {
                ANNA: [
                    paid(Source.SKATTEVERKET, ItemKind.SALARY, "12000", "3000", payer="Butik AB"),
                    paid(fk, ItemKind.CHILD_ALLOWANCE, "2650"),
                    paid(fk, ItemKind.MAINTENANCE_SUPPORT, "1673"),
                ],
                ali: [paid(Source.A_KASSA, ItemKind.UNEMPLOYMENT_BENEFIT, "9000", "2700")],
            }
        ),
    )
    found = proposal.propose(session, caseworker, family_case.id, delivery)
    anna, ali_id = person_id(family_case, "Anna"), person_id(family_case, "Ali")
    assert found.norm_year == 2026 and found.notes == []
    assert found.costs == [
        CostInput("boende", D("8450"), None, "Fyra rum och kök"),
        CostInput("barnomsorg", D("650"), None, ""),
    ]
    assert [(i.income_type, i.person_id, i.amount, i.origin) for i in found.incomes] == [
        ("lon", anna, D("9000.00"), "Skatteverket"),
        ("barnbidrag", anna, D("2650.00"), "Försäkringskassan"),
        ("underhallsstod", anna, D("1673.00"), "Försäkringskassan"),
        ("a_kassa", ali_id, D("6300.00"), "a-kassan"),
    ]
    assert found.differences == [
        Difference(
            DifferenceKind.REGISTER_ONLY,
            "Anna Andersson",
            "underhallsstod",
            None,
            D("1673.00"),
            "Försäkringskassan",
            ANNA,
        ),
        Difference(
            DifferenceKind.AMOUNTS_DIFFER,
            "Ali Andersson",
            "a_kassa",
            D("6000"),
            D("6300.00"),
            "a-kassan",
            ali,
        ),
    ]
    assert [plain(d.text) for d in found.differences] == [
        "Underhållsstöd, Anna Andersson: uppges inte i ansökan; registren 1 673,00 kr "
        "(Försäkringskassan).",
        "A-kassa, Ali Andersson: ansökan 6 000,00 kr; registren 6 300,00 kr (a-kassan).",
    ]
    assert found.differs(found.incomes[3]) is found.differences[1]
    assert found.differs(found.incomes[0]) is None


def test_an_income_stated_but_missing_in_the_registers(session, caseworker, make_case) -> None:
    """Föräldrapenning stated, the registers show only lön: the stated amount is proposed
    (from the application) and flagged."""
    case = make_case()
    delivery = deliver(
        session,
        caseworker,
        application(
            ALONE,
            [(ANNA, "foraldrapenning", "5000"), (ANNA, "lon", "2100")],
            [("boende", "5200", "")],
        ),
    )
    ask(
        session,
        caseworker,
        case,
        HandBuilt({ANNA: [paid(Source.SKATTEVERKET, ItemKind.SALARY, "3000", "900")]}),
    )
    found = proposal.propose(session, caseworker, case.id, delivery)
    assert [(i.income_type, i.amount, i.origin) for i in found.incomes] == [
        ("lon", D("2100.00"), "Skatteverket"),
        ("foraldrapenning", D("5000"), "ansökan"),
    ]
    (difference,) = found.differences
    assert difference.kind is DifferenceKind.STATED_ONLY
    assert plain(difference.text) == (
        "Föräldrapenning, Anna Andersson: ansökan 5 000,00 kr; finns inte i registren."
    )


def test_an_income_in_the_registers_not_stated(session, caseworker, make_case) -> None:
    case = make_case()
    delivery = deliver(session, caseworker, application(ALONE, [], [("boende", "5200", "")]))
    ask(
        session,
        caseworker,
        case,
        HandBuilt(
            {ANNA: [paid(Source.FORSAKRINGSKASSAN, ItemKind.SICKNESS_BENEFIT, "8000", "2400")]}
        ),
    )
    found = proposal.propose(session, caseworker, case.id, delivery)
    (income,) = found.incomes
    assert (income.income_type, income.amount, income.origin) == (
        "sjukpenning",
        D("5600.00"),
        "Försäkringskassan",
    )
    (difference,) = found.differences
    assert (difference.kind, difference.stated, difference.register) == (
        DifferenceKind.REGISTER_ONLY,
        None,
        D("5600.00"),
    )


def test_registers_not_asked_compares_nothing_and_says_so(session, caseworker, make_case) -> None:
    case = make_case()
    delivery = deliver(
        session, caseworker, application(ALONE, [(ANNA, "lon", "4000")], [("boende", "5200", "")])
    )
    found = proposal.propose(session, caseworker, case.id, delivery)
    assert [(i.income_type, i.amount, i.origin) for i in found.incomes] == [
        ("lon", D("4000"), "ansökan")
    ]
    assert found.differences == []
    assert found.notes == [
        "Registren har inte frågats om Anna Andersson (19850312-1231) för 2026-11: de "
        "inkomster som uppges i ansökan är inte jämförda. Hämta registeruppgifter i "
        "journalen om de behövs."
    ]


def test_a_period_whose_norm_year_is_missing(session, caseworker, make_case) -> None:
    """November 2023: no riksnorm for 2023 in the program; the proposal says so and leaves the
    year unset (never 2024's or 2021's)."""
    case = make_case()
    month = MonthRange.of(date(2023, 11, 1))
    delivery = deliver(
        session,
        caseworker,
        application(ALONE, [(ANNA, "lon", "4000")], [("boende", "5200", "")], month="2023-11"),
    )
    ask(
        session,
        caseworker,
        case,
        HandBuilt({ANNA: [paid(Source.SKATTEVERKET, ItemKind.SALARY, "4000", month=month)]}),
        month,
    )
    found = proposal.propose(session, caseworker, case.id, delivery)
    assert found.norm_year is None
    (note,) = found.notes
    assert note.startswith("Riksnormen för 2023 finns inte i programmet, så förslaget har")
    assert found.differences == [] and found.incomes[0].amount == D("4000.00")


def test_an_application_with_a_decision_is_not_pending(
    session, caseworker, make_case, delegated
) -> None:
    case = make_case()
    deliver(session, caseworker, application(ALONE, [], [("boende", "5200", "")]))
    assert len(proposal.pending_applications(session, caseworker, case.id)) == 1
    decisions.save_draft(
        session,
        caseworker,
        case.id,
        decisions.DecisionDraft(
            DecisionKind.SUPPORT,
            date(2026, 11, 1),
            date(2026, 11, 30),
            items=[decisions.ItemInput("boende", "Boende", D("5200"), D("5200"), D("5200"))],
        ),
    )
    assert proposal.pending_applications(session, caseworker, case.id) == []


def test_another_applicants_application_is_not_the_cases(
    session, caseworker, make_case, pnr
) -> None:
    case = make_case()
    other = digits(pnr("19700101", 11))
    delivery = deliver(
        session,
        caseworker,
        application([(other, "Bo", "Ek", "sokande")], [], [("boende", "5200", "")]),
    )
    assert proposal.pending_applications(session, caseworker, case.id) == []
    with pytest.raises(Exception, match="hör inte till ärendet"):
        proposal.propose(session, caseworker, case.id, delivery)


def test_an_unknown_cost_slag_keeps_its_word() -> None:
    notes: list[str] = []
    cost = proposal._cost({"slag": "tandvard", "belopp": "900", "beskrivning": "Lagning"}, notes)
    assert cost == CostInput("ovrigt", D("900"), None, "tandvard: Lagning")
    assert [plain(n) for n in notes] == [
        'Kostnaden "tandvard" (900,00 kr) har inget motsvarande slag i beräkningen; den står '
        "under Övrigt med sitt namn. Bedöm den."
    ]
    assert replace(cost, description="") != cost


def test_signing_remembers_whether_the_proposal_was_signed_unchanged(session, case, sign) -> None:
    proposed = bifall()
    snapshot = decisions.proposal_snapshot(proposed)
    delivery = uuid.uuid4()
    unchanged = sign(case, replace(proposed, from_delivery_id=delivery, proposal=snapshot))
    assert unchanged.from_delivery_id == delivery and unchanged.proposal_unchanged is True
    assert json.loads(unchanged.proposal_json) == {"proposed": snapshot, "notes": []}
    changed = sign(case, replace(partly(), from_delivery_id=delivery, proposal=snapshot))
    assert changed.proposal_unchanged is False
    by_hand = sign(case, partly())
    assert by_hand.proposal_json is None and by_hand.proposal_unchanged is None
