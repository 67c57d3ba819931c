"""Children in every decision (issue 19, defect 6): a documented consideration for every
child in the household during the period whatever the outcome; before an adverse decision
(delvis bifall, avslag, avvisning) a signed barnkonsekvensanalys or a documented reason why
the consequences are not tangible (seed 002 L80, resources/barnets_basta.json); and no
"hela normen" in the barnets bästa text when nothing, or not the whole riksnorm, is
granted."""

from __future__ import annotations

import json

import pytest

from app.common.errors import ValidationFailed
from app.decisions import decisions
from app.models import Outcome
from tests.core.decisions.test_decisions import (
    BKA_UNSIGNED,
    avslag,
    bifall,
    item,
    make_bka,
    member_id,
    partly,
)

CHILDREN_MISSING = (
    "Hushållet har barn: dokumentera för varje barn hur beslutet påverkar barnet, eller "
    "hänvisa till en signerad barnkonsekvensanalys. Saknas för: "
)
NO_BKA_OR_REASON = (
    "Beslutet går hushållet emot och hushållet har barn: hänvisa till en signerad "
    "barnkonsekvensanalys eller skriv varför beslutet inte får påtagliga konsekvenser för "
    "barnen."
)
FULL_NORM_ZERO = (
    "Texten om barnets bästa säger att hushållet får hela normen, men beslutet beviljar "
    "0 kr. Ändra texten så att den stämmer med beslutet."
)
FULL_NORM_NOT_GRANTED = (
    "Texten om barnets bästa säger att hushållet får hela normen, men riksnormen beviljas "
    "inte fullt ut. Ändra texten så att den stämmer med beslutet."
)
NOT_TANGIBLE = "Avslaget gäller en engångskostnad; barnens vardag påverkas inte påtagligt."


def considered(case, lisa: str = "Lisa påverkas inte.", noah: str = "Noah påverkas inte."):
    return {member_id(case, "Lisa"): lisa, member_id(case, "Noah"): noah}


def problems(session, caseworker, case, draft) -> list[str]:
    decision = decisions.save_draft(session, caseworker, case.id, draft)
    return decisions.signing_problems(session, caseworker, decision)


class TestEveryDecision:
    def test_full_bifall_in_a_family_needs_every_child_considered(
        self, session, caseworker, family, delegated
    ) -> None:
        """Defect 6: the check ran only when the decision was not full bifall."""
        assert problems(session, caseworker, family, bifall()) == [
            CHILDREN_MISSING + "Lisa Andersson, Noah Andersson."
        ]
        assert problems(
            session, caseworker, family, bifall(child_consideration=considered(family, noah=" "))
        ) == [CHILDREN_MISSING + "Noah Andersson."]

    def test_full_bifall_with_every_child_considered_signs_and_the_letter_says_so(
        self, session, family, sign, render
    ) -> None:
        decision = sign(family, bifall(child_consideration=considered(family)))
        assert decision.is_signed and decision.outcome is Outcome.GRANTED
        assert decision.child_summary == (
            "Lisa Andersson (7 år): Lisa påverkas inte.\n"
            "Noah Andersson (12 år): Noah påverkas inte."
        )
        assert render.letters[-1].child_summary == decision.child_summary

    def test_a_household_without_children_needs_nothing(self, session, case, sign) -> None:
        assert sign(case, avslag()).is_signed

    def test_a_signed_bka_documents_every_child(
        self, session, caseworker, family, delegated
    ) -> None:
        bka = make_bka(session, caseworker, family, {"Lisa": "Bor kvar.", "Noah": "Bor kvar."})
        assert problems(session, caseworker, family, bifall(bka_form_id=bka.id)) == []
        unsigned = make_bka(session, caseworker, family, {}, sign=False)
        assert problems(session, caseworker, family, bifall(bka_form_id=unsigned.id)) == [
            BKA_UNSIGNED
        ]


class TestAdverseDecisions:
    @pytest.mark.parametrize(
        "draft",
        [
            pytest.param(avslag, id="avslag"),
            pytest.param(partly, id="delvis bifall"),
            pytest.param(
                lambda **kw: avslag(dismissed=True, legal_references=["fl_32"], **kw),
                id="avvisning",
            ),
        ],
    )
    def test_considerations_alone_are_not_enough(
        self, session, caseworker, family, delegated, draft
    ) -> None:
        """Defect 6: any text passed; an adverse decision needs a signed BKA or a reason
        why the consequences are not tangible."""
        assert problems(
            session, caseworker, family, draft(child_consideration=considered(family))
        ) == [NO_BKA_OR_REASON]
        assert (
            problems(
                session,
                caseworker,
                family,
                draft(child_consideration=considered(family), bka_not_needed_reason=NOT_TANGIBLE),
            )
            == []
        )

    def test_a_blank_reason_does_not_count(self, session, caseworker, family, delegated) -> None:
        draft = avslag(child_consideration=considered(family), bka_not_needed_reason=" \n ")
        assert problems(session, caseworker, family, draft) == [NO_BKA_OR_REASON]

    def test_missing_children_and_the_missing_bka_are_both_said(
        self, session, caseworker, family, delegated
    ) -> None:
        assert problems(session, caseworker, family, avslag()) == [
            CHILDREN_MISSING + "Lisa Andersson, Noah Andersson.",
            NO_BKA_OR_REASON,
        ]

    def test_a_signed_bka_is_enough(self, session, caseworker, family, delegated, sign) -> None:
        bka = make_bka(session, caseworker, family, {"Lisa": "Bor kvar.", "Noah": "Bor kvar."})
        decision = sign(family, avslag(bka_form_id=bka.id))
        assert decision.is_signed

    def test_the_reason_is_kept_in_the_signed_decision(
        self, session, caseworker, family, sign
    ) -> None:
        draft = partly(child_consideration=considered(family), bka_not_needed_reason=NOT_TANGIBLE)
        decision = sign(family, draft)
        assert decision.bka_not_needed_reason == NOT_TANGIBLE
        detail = decisions.open_decision(session, caseworker, decision.id)
        assert detail.draft.bka_not_needed_reason == NOT_TANGIBLE


class TestConsistentWithTheAmounts:
    def test_hela_normen_is_refused_when_nothing_is_granted(
        self, session, caseworker, family, delegated
    ) -> None:
        """Defect 6 (and 3): a total refusal signed with "Hushållet får hela normen för
        barnet" while 0 kr was granted."""
        draft = avslag(
            child_consideration=considered(family, lisa="Hushållet får hela normen för barnet."),
            bka_not_needed_reason=NOT_TANGIBLE,
        )
        assert problems(session, caseworker, family, draft) == [FULL_NORM_ZERO]

    def test_in_an_avvisning_too(self, session, caseworker, family, delegated) -> None:
        draft = bifall(
            dismissed=True,
            legal_references=["fl_32"],
            child_consideration=considered(family, noah="Noah får HELA NORMEN."),
            bka_not_needed_reason=NOT_TANGIBLE,
            motivation="Du bor inte i kommunen.",
        )
        assert problems(session, caseworker, family, draft) == [
            "En avvisning prövar inte ansökan och beviljar därför inget: sätt beviljat belopp "
            "till 0 kr för varje post eller ta bort posterna.",
            FULL_NORM_ZERO,
        ]

    def test_when_the_riksnorm_is_not_granted_in_full(
        self, session, caseworker, family, delegated
    ) -> None:
        draft = partly(
            items=[
                item("riksnorm", "5220", "4000", label="Riksnorm"),
                item("boende", "6500", "6500", label="Boende"),
            ],
            child_consideration=considered(family, lisa="Lisa får hela riksnormen."),
            bka_not_needed_reason=NOT_TANGIBLE,
        )
        assert problems(session, caseworker, family, draft) == [FULL_NORM_NOT_GRANTED]

    def test_in_the_reason_too(self, session, caseworker, family, delegated) -> None:
        draft = avslag(
            child_consideration=considered(family),
            bka_not_needed_reason="Hushållet får hela normen för barnen.",
        )
        assert problems(session, caseworker, family, draft) == [FULL_NORM_ZERO]

    def test_in_a_barnkonsekvensanalys_too(self, session, caseworker, family, delegated) -> None:
        bka = make_bka(session, caseworker, family, {"Lisa": "Lisa får full norm.", "Noah": "Ja."})
        assert problems(session, caseworker, family, avslag(bka_form_id=bka.id)) == [FULL_NORM_ZERO]

    def test_true_when_the_riksnorm_is_granted_and_only_a_cost_is_lowered(
        self, session, caseworker, family, sign
    ) -> None:
        draft = partly(
            child_consideration=considered(family, lisa="Hushållet får hela normen för Lisa."),
            bka_not_needed_reason=NOT_TANGIBLE,
        )
        decision = sign(family, draft)
        assert decision.is_signed and "hela normen" in decision.child_summary

    def test_signing_refuses_it(self, session, caseworker, family, delegated, render) -> None:
        draft = avslag(
            child_consideration=considered(family, lisa="Hushållet får hela normen för barnet."),
            bka_not_needed_reason=NOT_TANGIBLE,
        )
        decision = decisions.save_draft(session, caseworker, family.id, draft)
        with pytest.raises(ValidationFailed, match="hela normen"):
            decisions.sign_decision(session, caseworker, decision.id, render)
        assert not decision.is_signed and render.letters == []


def test_the_requirements_are_data_with_their_sources() -> None:
    rules = decisions.child_rules()
    assert {r["code"] for r in rules["requirements"]} == {
        "every_child_every_decision",
        "bka_when_tangible",
    }
    assert all(r["source"] for r in rules["requirements"])
    assert all(b["source"] for b in rules["legal_basis"] if b["text"])
    assert "hela normen" in rules["full_norm_claims"]
    assert "Seed 002" in json.dumps(rules, ensure_ascii=False)
