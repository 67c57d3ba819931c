"""Issue 19, points 3, 4, 5, 9 and 10 in the decision service: lagrum as data by the decision
period's date, phrases tagged by kind and outcome with a check at signing, an avvisning that
grants nothing, the besvärshänvisning about laglighetsprövning, and the letter data of a
person with skyddade personuppgifter. Each legal fact is data with its source."""

# The service fixtures are imported below; using them as test arguments "redefines" them.
# ruff: noqa: F811

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.common.errors import ValidationFailed
from app.decisions import decisions, legal_texts
from app.models import DecisionKind, MemberRole, Outcome
from app.norms.norm_calculation import COST_TYPES
from tests.core.decisions.test_decisions import (  # noqa: F401
    ADDRESS,
    DEC_END,
    DEC_START,
    avslag,
    bifall,
    case,
    delegated,
    family,
    item,
    member_id,
    partly,
    render,
    sign,
    unit,
)

JUNE_START, JUNE_END = date(2025, 6, 1), date(2025, 6, 30)
OLD_LAW = ["sol_old_4_1", "sol_old_4_3"]
FOURTEEN_JUNE = datetime(2025, 6, 14, 10, 0, tzinfo=UTC)


def problems_of(session, caseworker, case, draft) -> list[str]:
    decision = decisions.save_draft(session, caseworker, case.id, draft)
    return decisions.signing_problems(session, caseworker, decision)


def kinds_of(session, caseworker, case, draft) -> list[decisions.SigningProblemKind]:
    decision = decisions.save_draft(session, caseworker, case.id, draft)
    return [p.kind for p in decisions._signing_problems(session, caseworker, decision)]


@pytest.fixture
def june_case(set_clock, make_case, unit):
    """Anna Andersson alone, her case registered and decided in June 2025, under
    socialtjänstlagen (2001:453)."""
    set_clock(FOURTEEN_JUNE)
    return make_case(period_start=JUNE_START, **ADDRESS)


def june(draft_factory, **changes):
    return draft_factory(
        period_start=JUNE_START,
        period_end=JUNE_END,
        legal_references=changes.pop("legal_references", OLD_LAW),
        **changes,
    )


# --- lagrum as data by date (point 4) --------------------------------------------------------


class TestLagrumByDate:
    def test_every_lagrum_has_its_law_and_source(self) -> None:
        laws = {law.sfs for law in legal_texts.laws()}
        assert laws == {"2001:453", "2025:400"}
        for reference in legal_texts.legal_references():
            assert reference.law in laws | {"2017:900"}, reference.code
            assert reference.source, reference.code
            assert f"({reference.law})" in reference.text, reference.code
            assert set(reference.kinds) <= {k.value for k in DecisionKind}
            assert set(reference.outcomes) <= {o.value for o in Outcome}
        for law in legal_texts.laws():
            assert law.source and law.confirmed

    def test_the_law_follows_the_period(self) -> None:
        assert legal_texts.law_for_period(JUNE_START, JUNE_END).law.sfs == "2001:453"
        assert legal_texts.law_for_period(date(2025, 7, 1), date(2025, 7, 31)).law.sfs == (
            "2025:400"
        )
        assert legal_texts.law_for_period(DEC_START, DEC_END).law.sfs == "2025:400"
        straddling = legal_texts.law_for_period(date(2025, 6, 15), date(2025, 7, 14))
        assert straddling.law is None
        assert "övergångsbestämmelserna" in straddling.problem
        assert "till och med den 30 juni 2025 och en från den 1 juli 2025" in (straddling.problem)
        assert legal_texts.transition().confirmed is False

    def test_the_proposal_takes_the_lagrum_of_the_period(self, session, caseworker, case) -> None:
        """draft_from_calculation for June 2025 cites 2001:453, for December 2026 2025:400."""
        from app.norms.norm_calculation import calculate
        from app.norms.norm_table import load_norm_table

        household = decisions.household_for_calculation(session, caseworker, case.id, DEC_START)
        calculation = calculate(load_norm_table(2026), household, [], [])
        for (start, end), expected in (
            ((JUNE_START, JUNE_END), OLD_LAW),
            ((DEC_START, DEC_END), ["sol_12_1", "sol_12_7"]),
        ):
            draft = decisions.draft_from_calculation(
                DecisionKind.SUPPORT, start, end, calculation, []
            )
            assert draft.legal_references == expected

    def test_a_decision_before_july_2025_signs_under_the_old_law(
        self, session, caseworker, june_case, sign, render
    ) -> None:
        decision = sign(june_case, june(bifall))
        assert decision.is_signed
        assert render.letters[-1].legal_references == [
            "4 kap. 1 § socialtjänstlagen (2001:453)",
            "4 kap. 3 § socialtjänstlagen (2001:453)",
        ]

    def test_the_new_law_is_refused_for_a_period_before_july_2025(
        self, session, caseworker, june_case, delegated
    ) -> None:
        problems = problems_of(
            session, caseworker, june_case, june(bifall, legal_references=["sol_12_1", "sol_12_7"])
        )
        assert problems == [
            "12 kap. 1 § socialtjänstlagen (2025:400) gäller inte för perioden: för perioder till "
            "och med den 30 juni 2025 gäller socialtjänstlagen (2001:453).",
            "12 kap. 7 § socialtjänstlagen (2025:400) gäller inte för perioden: för perioder till "
            "och med den 30 juni 2025 gäller socialtjänstlagen (2001:453).",
            "Ange det lagrum i socialtjänstlagen (2001:453) som beslutet grundar sig på.",
        ]

    def test_the_old_law_is_refused_for_a_period_after_june_2025(
        self, session, caseworker, case, delegated
    ) -> None:
        assert (
            kinds_of(session, caseworker, case, bifall(legal_references=OLD_LAW))
            == [decisions.SigningProblemKind.LEGAL_REFERENCE_MISMATCH] * 3
        )

    def test_a_period_across_the_change_of_law_is_refused(
        self, session, caseworker, june_case, delegated
    ) -> None:
        draft = bifall(period_start=date(2025, 6, 15), period_end=date(2025, 7, 14))
        draft.legal_references = OLD_LAW
        problems = problems_of(session, caseworker, june_case, draft)
        assert len(problems) == 1 and "går över den 1 juli 2025" in problems[0]

    @pytest.mark.parametrize(
        ("kind", "codes", "message"),
        [
            (
                DecisionKind.OTHER_LIVING,
                ["sol_12_1", "sol_12_7"],
                "12 kap. 7 § socialtjänstlagen (2025:400) gäller inte beslut om livsföring i "
                "övrigt.",
            ),
            (
                DecisionKind.BEYOND_RIGHT,
                ["sol_12_1", "sol_12_2"],
                "12 kap. 1 § socialtjänstlagen (2025:400) gäller inte beslut om bistånd utöver "
                "rätten.",
            ),
        ],
    )
    def test_a_lagrum_of_another_kind_is_refused(
        self, session, caseworker, case, delegated, kind, codes, message
    ) -> None:
        assert problems_of(
            session, caseworker, case, bifall(kind=kind, legal_references=codes)
        ) == [message]

    def test_unconfirmed_paragraphs_are_refused_in_a_signed_decision(
        self, session, caseworker, case, delegated, render, legal_references_as_shipped
    ) -> None:
        """The 2025:400 paragraph numbers could not be confirmed against the law text: as
        shipped, they are never signed, and the user is told why."""
        decision = decisions.save_draft(session, caseworker, case.id, bifall())
        assert decisions.signing_problems(session, caseworker, decision) == [
            f"{text} är inte kontrollerat mot lagtexten (SFS 2025:400) och kan inte stå i ett "
            "signerat beslut. Systemförvaltaren kontrollerar paragrafen och markerar den som "
            "kontrollerad i lagrumslistan."
            for text in (
                "12 kap. 1 § socialtjänstlagen (2025:400)",
                "12 kap. 7 § socialtjänstlagen (2025:400)",
            )
        ]
        with pytest.raises(ValidationFailed, match="inte kontrollerat mot lagtexten"):
            decisions.sign_decision(session, caseworker, decision.id, render)
        assert not decision.is_signed and render.letters == []
        unconfirmed = {r.code for r in legal_texts.legal_references() if not r.confirmed}
        assert unconfirmed == {"sol_12_1", "sol_12_2", "sol_12_7", "fl_20"}


# --- phrases by kind and outcome (point 5) ---------------------------------------------------


class TestPhrases:
    def test_every_phrase_is_tagged(self) -> None:
        keys = [p.key for p in legal_texts.phrases()]
        assert len(keys) == len(set(keys))
        for phrase in legal_texts.phrases():
            assert phrase.outcomes, phrase.key
            assert set(phrase.kinds) <= {k.value for k in DecisionKind}, phrase.key
            assert set(phrase.outcomes) <= {o.value for o in Outcome}, phrase.key
            assert set(phrase.cost_types) <= set(COST_TYPES), phrase.key
            assert set(phrase.where) <= {"motivation", "item", "child"}, phrase.key
            assert set(phrase.asserts) <= {
                "child_norm_granted",
                "income_covers_need",
                "item_reduced",
            }, phrase.key

    def test_only_fitting_phrases_are_offered(self) -> None:
        def offered(kind, outcome, *types):
            return {
                p.key for p in legal_texts.phrases_for(outcome, kind=kind, cost_types=set(types))
            }

        partly_support = offered(DecisionKind.SUPPORT, Outcome.PARTLY, "riksnorm", "boende")
        assert "bifall_norm" not in partly_support
        assert partly_support == {"boende_over_skalig", "gemensamt_hushall"}
        dental_refusal = offered(DecisionKind.OTHER_LIVING, Outcome.REFUSED, "lakarvard_medicin")
        assert "avslag_ej_arbetssokande" not in dental_refusal
        assert dental_refusal == {"avslag_behovs_inte"}
        licence = offered(DecisionKind.BEYOND_RIGHT, Outcome.PARTLY, "ovrigt")
        assert not licence & {"boende_over_skalig", "gemensamt_hushall"}
        assert offered(DecisionKind.SUPPORT, Outcome.DISMISSED) == {
            "avvisning_annan_kommun",
            "avvisning_ofullstandig",
        }
        assert offered(DecisionKind.SUPPORT, Outcome.GRANTED, "riksnorm") == {"bifall_norm"}

    def test_a_phrase_is_recognised_whatever_fills_its_placeholders(self) -> None:
        text = legal_texts.fill(
            legal_texts.phrase("boende_over_skalig").text,
            {"period": "december 2026", "belopp": "5 800,00 kr"},
        )
        wrapped = "Vi har gått igenom din ansökan.\n" + text.replace(". ", ".\n  ")
        assert [p.key for p in legal_texts.phrases_in(wrapped)] == ["boende_over_skalig"]
        assert legal_texts.phrases_in("Hyran är för hög.") == []

    def _text(self, key: str, **values: str) -> str:
        return legal_texts.fill(
            legal_texts.phrase(key).text,
            {"period": "december 2026", "belopp": "5 000,00 kr", "vad": "körkort", **values},
        )

    def test_a_bifall_phrase_in_a_refusal_is_refused(
        self, session, caseworker, case, delegated
    ) -> None:
        draft = avslag(motivation=self._text("bifall_norm"))
        assert problems_of(session, caseworker, case, draft) == [
            "Frasen ”Bifall enligt beräkning” passar inte beslutets utfall (avslag)."
        ]

    def test_bifall_enligt_berakning_is_refused_in_a_partial_bifall(
        self, session, caseworker, case, delegated
    ) -> None:
        draft = partly(motivation=self._text("bifall_norm"))
        assert problems_of(session, caseworker, case, draft) == [
            "Frasen ”Bifall enligt beräkning” passar inte beslutets utfall (delvis bifall)."
        ]

    def test_rent_in_a_driving_licence_decision_is_refused(
        self, session, caseworker, case, delegated
    ) -> None:
        draft = bifall(
            kind=DecisionKind.BEYOND_RIGHT,
            items=[item("ovrigt", "9000", "4500", label="Körkort")],
            motivation=self._text("boende_over_skalig"),
            legal_references=["sol_12_2"],
        )
        assert problems_of(session, caseworker, case, draft) == [
            "Frasen ”Boendekostnaden är för hög” passar inte ett beslut om bistånd utöver rätten."
        ]
        draft.kind = DecisionKind.SUPPORT
        draft.legal_references = ["sol_12_1"]
        assert problems_of(session, caseworker, case, draft) == [
            "Frasen ”Boendekostnaden är för hög” handlar om boende, men beslutet gäller inte det."
        ]

    def test_arbetsformedlingen_in_a_dental_refusal_is_refused(
        self, session, caseworker, case, delegated
    ) -> None:
        draft = avslag(
            kind=DecisionKind.OTHER_LIVING,
            items=[item("lakarvard_medicin", "4200", "0", label="Tandvård")],
            motivation=self._text("avslag_ej_arbetssokande"),
            legal_references=["sol_12_1"],
        )
        assert problems_of(session, caseworker, case, draft) == [
            "Frasen ”Står inte till arbetsmarknadens förfogande” passar inte ett beslut om "
            "livsföring i övrigt."
        ]
        draft.motivation = self._text("avslag_behovs_inte", vad="tandvård")
        assert problems_of(session, caseworker, case, draft) == []

    def test_hela_normen_when_the_childs_norm_is_not_granted_is_refused(
        self, session, caseworker, family, delegated
    ) -> None:
        lisa, noah = member_id(family, "Lisa"), member_id(family, "Noah")
        full_norm = self._text("barn_hela_normen", barn="Lisa")
        draft = avslag(child_consideration={lisa: full_norm, noah: "Noah påverkas inte."})
        # reported once, by the children's rule (decisions.child_problems), not as a phrase
        problems = problems_of(session, caseworker, family, draft)
        assert (
            "Texten om barnets bästa säger att hushållet får hela normen, men beslutet beviljar "
            "0 kr. Ändra texten så att den stämmer med beslutet."
        ) in problems
        assert not [p for p in problems if p.startswith("Frasen ”Barnet får hela normen”")]
        # a partial bifall that cuts the riksnorm: the claim is false
        cut = partly(
            items=[
                item("riksnorm", "5220", "4000", label="Riksnorm", motivation="Normen sänks."),
                item("boende", "6500", "6500", label="Boende"),
            ],
            child_consideration={lisa: full_norm, noah: "Noah påverkas inte."},
        )
        assert (
            "Texten om barnets bästa säger att hushållet får hela normen, men riksnormen beviljas "
            "inte fullt ut. Ändra texten så att den stämmer med beslutet."
        ) in problems_of(session, caseworker, family, cut)
        # and where the norm is granted in full, it stands
        kept = partly(child_consideration={lisa: full_norm, noah: "Noah påverkas inte."})
        assert not [p for p in problems_of(session, caseworker, family, kept) if "hela normen" in p]

    def test_income_covers_the_need_when_the_calculation_shows_a_deficit_is_refused(
        self, session, caseworker, case, delegated
    ) -> None:
        draft = avslag(motivation=self._text("avslag_inkomst"), income_counted=Decimal(0))
        assert problems_of(session, caseworker, case, draft) == [
            "Frasen ”Inkomsten räcker” säger att inkomsterna räcker, men beräkningen visar att "
            "de inte räcker till kostnaderna."
        ]
        draft.items = [
            item("riksnorm", "5220", "0", label="Riksnorm"),
            item("boende", "6500", "0", label="Boende"),
        ]
        draft.income_counted = Decimal(15_000)
        assert problems_of(session, caseworker, case, draft) == []

    def test_a_placeholder_left_from_the_bank_is_refused(
        self, session, caseworker, case, delegated
    ) -> None:
        text = legal_texts.fill(
            legal_texts.phrase("boende_over_skalig").text, {"period": "december 2026"}
        )
        assert problems_of(session, caseworker, case, partly(motivation=text)) == [
            "Texten har kvar {belopp} från frasbanken: skriv in det som ska stå där."
        ]

    def test_an_item_motivation_about_another_cost_is_refused(
        self, session, caseworker, case, delegated
    ) -> None:
        draft = partly()
        draft.items[1].motivation = ""
        draft.items.append(
            item(
                "hushallsel",
                "900",
                "500",
                label="Hushållsel",
                motivation=self._text("gemensamt_hushall"),
            )
        )
        assert problems_of(session, caseworker, case, draft) == [
            "Frasen ”Delat ansvar i gemensamt hushåll” handlar om boende, men posten "
            "hushållsel gäller inte det."
        ]


# --- the avvisning grants nothing (point 3) --------------------------------------------------


class TestAvvisning:
    def test_an_avvisning_with_granted_items_is_refused(
        self, session, caseworker, case, delegated, render, sign
    ) -> None:
        """The issue's letter: an avvisning that still 'granted' 8 397 / 4 560 / 350 kr."""
        draft = bifall(
            dismissed=True,
            items=[
                item("riksnorm", "8397", "8397", label="Riksnorm"),
                item("boende", "4560", "4560", label="Boende"),
                item("hushallsel", "350", "350", label="Hushållsel"),
            ],
            motivation=legal_texts.phrase("avvisning_annan_kommun").text,
            legal_references=["fl_32"],
        )
        assert kinds_of(session, caseworker, case, draft) == [
            decisions.SigningProblemKind.DISMISSAL_WITH_AMOUNTS
        ]
        for line in draft.items:
            line.granted = line.granted * 0
        decision = sign(case, draft)
        assert decision.outcome is Outcome.DISMISSED and decision.granted_total == 0
        letter = render.letters[-1]
        assert (letter.items, letter.calculation_rows, letter.examined) == ([], [], False)
        assert letter.appeal.key == "forvaltningsbesvar_avvisning"
        assert letter.title == "Beslut om avvisning av ansökan om försörjningsstöd"

    def test_an_avvisning_cites_the_rules_of_the_responsible_kommun(
        self, session, caseworker, june_case, delegated
    ) -> None:
        offered = {
            r.code
            for r in legal_texts.references_for(
                JUNE_START, JUNE_END, DecisionKind.SUPPORT, Outcome.DISMISSED
            )
        }
        assert offered == {"sol_old_2a_1", "sol_old_2a_3", "fl_32", "fl_20"}
        draft = june(
            bifall,
            dismissed=True,
            items=[],
            motivation=legal_texts.phrase("avvisning_annan_kommun").text,
            legal_references=["sol_old_2a_1", "sol_old_4_3"],
        )
        assert problems_of(session, caseworker, june_case, draft) == [
            "4 kap. 3 § socialtjänstlagen (2001:453) passar inte ett beslut om avvisning."
        ]


# --- besvärshänvisningar (points 3 and 9) ---------------------------------------------------


class TestAppealTexts:
    def test_every_paragraph_has_its_source(self) -> None:
        texts = legal_texts.appeal_texts()
        assert set(texts) == {
            "forvaltningsbesvar",
            "forvaltningsbesvar_avvisning",
            "laglighetsprovning_namnd",
            "laglighetsprovning_delegation",
        }
        for text in texts.values():
            assert text.verify is False, text.key
            assert len(text.sources) == len(text.paragraphs), text.key
            assert all(source.strip() for source in text.sources), text.key

    def test_which_text_a_decision_gets(self) -> None:
        key = legal_texts.appeal_key
        assert key(DecisionKind.SUPPORT, Outcome.REFUSED) == "forvaltningsbesvar"
        assert key(DecisionKind.OTHER_LIVING, Outcome.DISMISSED) == "forvaltningsbesvar_avvisning"
        assert key(DecisionKind.BEYOND_RIGHT, Outcome.REFUSED) == "laglighetsprovning_delegation"
        assert (
            key(DecisionKind.BEYOND_RIGHT, Outcome.REFUSED, delegated=False)
            == "laglighetsprovning_namnd"
        )

    def _filled(self, delegated: bool) -> str:
        return " ".join(
            legal_texts.appeal_text(
                DecisionKind.BEYOND_RIGHT,
                {
                    "namnd": "Socialnämnden",
                    "enhet": "Mottagningen",
                    "telefon": "010-1",
                    "anslagstavla": "på www.norrby.example/anslagstavla",
                    "forvaltningsratt": "Förvaltningsrätten i Norrby, Box 1, 123 45 Norrby",
                },
                outcome=Outcome.REFUSED,
                delegated=delegated,
            ).paragraphs
        )

    def test_laglighetsprovning_lets_a_resident_work_out_the_deadline(self) -> None:
        for by_delegation in (False, True):
            text = self._filled(by_delegation)
            # who may appeal, on what grounds, where to send it, where the notice is
            assert "varje medlem av kommunen" in text
            assert "folkbokförd i kommunen, äger fast egendom i kommunen eller ska betala " in text
            assert "13 kap. 8 § kommunallagen" in text
            assert "strider mot lag eller annan författning" in text
            assert "prövar inte om beslutet är lämpligt" in text
            assert (
                "Skicka överklagandet till Förvaltningsrätten i Norrby, Box 1, 123 45 Norrby"
                in (text)
            )
            assert "kommunens anslagstavla finns på www.norrby.example/anslagstavla" in text
            assert (
                "inom tre veckor från den dag då det tillkännagavs på kommunens anslagstavla"
                in (text)
            )
            assert "Tiden räknas alltså inte från den dag du fick det här brevet." in text
            assert "{" not in text
        namnd, delegation = self._filled(False), self._filled(True)
        assert "att protokollet med beslutet har justerats (13 kap. 5 § kommunallagen)" in namnd
        assert "delegation" not in namnd
        assert (
            "beslutet är fattat av en tjänsteman på delegation från Socialnämnden. Det anmäls "
            "till Socialnämnden och förs in i protokollet från det sammanträde där det anmäls."
        ) in delegation
        assert "att det protokollet har justerats" in delegation
        assert "som ett delegationsbeslut som inte ska anmälas till nämnden" in delegation


# --- skyddade personuppgifter (point 10) ------------------------------------------------------


class TestProtectedAddress:
    def test_skatteverkets_forwarding_is_data_with_its_source(self) -> None:
        forwarding = legal_texts.protected_forwarding()
        assert forwarding.outer_envelope == ("Skatteverket", "Box 2820", "403 20 Göteborg")
        assert forwarding.window_lines == ("{namn}", "{personnummer}")
        assert "skatteverket.se" in forwarding.source.url
        assert "personal identity number" in forwarding.source.note
        assert "Skatteverket, Box 2820, 403 20 Göteborg" in forwarding.instruction

    def test_the_recipient_is_the_protected_adult(
        self, session, caseworker, make_case, pnr, unit
    ) -> None:
        """A protected co-applicant: the window shows his personnummer, which Skatteverket
        forwards by, and no address."""
        from app.cases.case_register import PersonInput

        case = make_case(
            members=[
                PersonInput(
                    pnr("19870704", 456),
                    "Ali",
                    "Andersson",
                    MemberRole.CO_APPLICANT,
                    protected_identity=True,
                )
            ],
            period_start=DEC_START,
            **ADDRESS,
        )
        decision = decisions.save_draft(session, caseworker, case.id, bifall())
        letter = decisions.letter_data(session, caseworker, decision)
        ali = next(m.person for m in case.household.members if m.person.first_name == "Ali")
        assert letter.recipient_lines == ["Anna Andersson och Ali Andersson", ali.display_number]
        assert not any("Storgatan" in line or "Skydd" in line for line in letter.recipient_lines)

    def test_the_editor_is_told_how_to_post_the_letter(
        self, session, caseworker, make_case, pnr, case, unit
    ) -> None:
        protected = make_case(
            pnr("19900101", 1), "Bo", "Berg", protected=True, period_start=DEC_START, **ADDRESS
        )
        for household, expected in ((protected, True), (case, False)):
            decision = decisions.save_draft(session, caseworker, household.id, bifall())
            detail = decisions.open_decision(session, caseworker, decision.id)
            assert ("Skatteverket, Box 2820, 403 20 Göteborg" in detail.forwarding_instruction) is (
                expected
            )
