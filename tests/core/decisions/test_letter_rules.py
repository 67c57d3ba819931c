"""Issue 19, points 3, 4, 5, 9 and 10 in the decision service: lagrum as data by the day the
decision is made (övergångsbestämmelserna till SFS 2025:400), phrases tagged by kind and
outcome with a check at signing, an avvisning that grants nothing, the besvärshänvisning about
laglighetsprövning, and the letter data of a person with skyddade personuppgifter. Each legal
fact is data with its source."""

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

NEW_LAW = ["sol_12_1", "sol_12_7"]
DECEMBER_2026 = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
SFS_2025_400_PDF = (
    "https://svenskforfattningssamling.se/sites/default/files/sfs/2025-05/SFS2025-400.pdf"
)


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

    def test_every_paragraph_of_the_new_law_is_confirmed_against_its_text(self) -> None:
        """Issue 19: the 2025:400 paragraphs are checked against the law text (SFS 2025:400,
        read in se-lex/sfs-processor; the official PDF is cited), so they can be signed."""
        new = [r for r in legal_texts.legal_references() if r.law == "2025:400"]
        assert {r.code for r in new} == {"sol_12_1", "sol_12_2", "sol_12_7", "sol_29_1", "sol_29_4"}
        for r in new:
            assert r.confirmed, r.code
            assert r.source.url == SFS_2025_400_PDF, r.code
            assert "se-lex/sfs-processor" in r.source.note, r.code
            assert r.source.sfs.startswith("2025:400, "), r.code
        assert "levnadskostnader i övrigt" in legal_texts.reference("sol_12_1").source.note
        assert "(riksnorm)" in legal_texts.reference("sol_12_7").source.note
        assert "utöver vad som följer av 1 §" in legal_texts.reference("sol_12_2").source.note
        assert "35 kap. 1 §" in legal_texts.reference("sol_12_2").source.note
        unconfirmed = {r.code for r in legal_texts.legal_references() if not r.confirmed}
        assert unconfirmed == {"fl_20"}  # förvaltningslagen 20 §: its text was not found

    def test_the_law_follows_the_day_of_the_decision(self) -> None:
        """Övergångsbestämmelserna till SFS 2025:400: in force 1 July 2025 (punkt 1), 2001:453
        repealed (punkt 2), the repealed law only for återkrav and appeals of older decisions
        (punkt 5 and 6); nothing about applications or periods."""
        assert legal_texts.law_for_decision(date(2025, 6, 30)).sfs == "2001:453"
        assert legal_texts.law_for_decision(date(2025, 7, 1)).sfs == "2025:400"
        assert legal_texts.law_for_decision(date(2026, 12, 3)).sfs == "2025:400"
        change = legal_texts.transition()
        assert change.confirmed is True
        assert change.on == date(2025, 7, 1)
        assert [point.split(".")[0] for point in change.points] == ["1", "2", "5", "6"]
        assert change.points[3] == (
            "6. Den upphävda lagen gäller fortfarande vid prövningen av ett överklagande av ett "
            "beslut som har meddelats före ikraftträdandet."
        )
        assert change.source.url == SFS_2025_400_PDF

    def test_the_proposal_takes_the_lagrum_of_the_day(self, session, caseworker, case, set_clock):
        """draft_from_calculation in June 2025 cites 2001:453, from July 2025 2025:400,
        whatever the period."""
        from app.norms.norm_calculation import calculate
        from app.norms.norm_table import load_norm_table

        household = decisions.household_for_calculation(session, caseworker, case.id, DEC_START)
        calculation = calculate(load_norm_table(2026), household, [], [])
        july = (date(2025, 7, 1), date(2025, 7, 31))
        for now, period, expected in (
            (FOURTEEN_JUNE, (JUNE_START, JUNE_END), OLD_LAW),
            (FOURTEEN_JUNE, july, OLD_LAW),
            (DECEMBER_2026, (JUNE_START, JUNE_END), NEW_LAW),
            (DECEMBER_2026, (DEC_START, DEC_END), NEW_LAW),
        ):
            set_clock(now)
            draft = decisions.draft_from_calculation(DecisionKind.SUPPORT, *period, calculation, [])
            assert draft.legal_references == expected, (now, period)

    def test_a_decision_before_july_2025_signs_under_the_old_law(
        self, session, caseworker, june_case, sign, render
    ) -> None:
        decision = sign(june_case, june(bifall))
        assert decision.is_signed
        assert render.letters[-1].legal_references == [
            "4 kap. 1 § socialtjänstlagen (2001:453)",
            "4 kap. 3 § socialtjänstlagen (2001:453)",
        ]

    def test_the_new_law_is_refused_in_a_decision_before_july_2025(
        self, session, caseworker, june_case, delegated
    ) -> None:
        problems = problems_of(
            session, caseworker, june_case, june(bifall, legal_references=NEW_LAW)
        )
        assert problems == [
            f"{text} kan inte användas i ett beslut som fattas den 14 juni 2025: "
            "socialtjänstlagen (2025:400) gäller för beslut från och med den 1 juli 2025 "
            "(övergångsbestämmelserna till SFS 2025:400, punkt 1), beslut före den dagen "
            "grundas på socialtjänstlagen (2001:453)."
            for text in (
                "12 kap. 1 § socialtjänstlagen (2025:400)",
                "12 kap. 7 § socialtjänstlagen (2025:400)",
            )
        ] + ["Ange det lagrum i socialtjänstlagen (2001:453) som beslutet grundar sig på."]

    def test_the_old_law_is_refused_in_a_decision_after_june_2025(
        self, session, caseworker, case, delegated
    ) -> None:
        assert (
            kinds_of(session, caseworker, case, bifall(legal_references=OLD_LAW))
            == [decisions.SigningProblemKind.LEGAL_REFERENCE_MISMATCH] * 3
        )

    def test_a_decision_made_now_for_june_2025_rests_on_the_new_law(
        self, session, caseworker, june_case, delegated, set_clock, sign, render
    ) -> None:
        """2001:453 is repealed from 1 July 2025 and kept only for återkrav and appeals of
        older decisions (punkt 2, 5, 6): a decision made in December 2026 for June 2025
        rests on 2025:400."""
        set_clock(DECEMBER_2026)
        problems = problems_of(session, caseworker, june_case, june(bifall))
        assert problems[0] == (
            "4 kap. 1 § socialtjänstlagen (2001:453) kan inte användas i ett beslut som fattas "
            "den 3 december 2026: från den 1 juli 2025 grundas nya beslut på socialtjänstlagen "
            "(2025:400), även för tid före den dagen (övergångsbestämmelserna till SFS "
            "2025:400, punkt 1, 2, 5 och 6)."
        )
        decision = sign(june_case, june(bifall, legal_references=NEW_LAW))
        assert decision.is_signed and decision.decided_on == date(2026, 12, 3)
        assert render.letters[-1].legal_references == [
            "12 kap. 1 § socialtjänstlagen (2025:400)",
            "12 kap. 7 § socialtjänstlagen (2025:400)",
        ]

    def test_a_period_across_the_change_of_law_follows_the_day_of_the_decision(
        self, session, caseworker, june_case, delegated, set_clock
    ) -> None:
        """Before, refused until split: the övergångsbestämmelser have no rule for such a
        period, so the day of the decision decides, as for any other."""
        draft = bifall(period_start=date(2025, 6, 15), period_end=date(2025, 7, 14))
        draft.legal_references = OLD_LAW
        assert problems_of(session, caseworker, june_case, draft) == []
        set_clock(DECEMBER_2026)
        draft.legal_references = NEW_LAW
        assert problems_of(session, caseworker, june_case, draft) == []

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

    def test_the_new_law_signs_as_shipped(
        self, session, caseworker, case, delegated, sign, render
    ) -> None:
        """Issue 19: with the paragraphs confirmed, a decision for a period from 1 July 2025
        signs with the lagrum exactly as resources/legal_references.json has them."""
        decision = sign(case, bifall())
        assert decision.is_signed
        assert render.letters[-1].legal_references == [
            "12 kap. 1 § socialtjänstlagen (2025:400)",
            "12 kap. 7 § socialtjänstlagen (2025:400)",
        ]

    def test_an_unconfirmed_paragraph_is_refused_in_a_signed_decision(
        self, session, caseworker, case, delegated, render, monkeypatch
    ) -> None:
        """A paragraph nobody has checked against the law text (here a test-only entry) is
        never signed, and the user is told why."""
        unchecked = legal_texts.LegalReference(
            "sol_12_3_test",
            "12 kap. 3 § socialtjänstlagen (2025:400)",
            "Att stå till arbetsmarknadens förfogande (test)",
            "forvaltningsbesvar",
            ("forsorjningsstod",),
            law="2025:400",
            confirmed=False,
        )
        shipped = legal_texts.legal_references()
        monkeypatch.setattr(legal_texts, "legal_references", lambda: (*shipped, unchecked))
        decision = decisions.save_draft(
            session, caseworker, case.id, bifall(legal_references=[*NEW_LAW, unchecked.code])
        )
        assert decisions.signing_problems(session, caseworker, decision) == [
            "12 kap. 3 § socialtjänstlagen (2025:400) är inte kontrollerat mot lagtexten "
            "(SFS 2025:400) och kan inte stå i ett signerat beslut. Systemförvaltaren "
            "kontrollerar paragrafen och markerar den som kontrollerad i lagrumslistan."
        ]
        with pytest.raises(ValidationFailed, match="inte kontrollerat mot lagtexten"):
            decisions.sign_decision(session, caseworker, decision.id, render)
        assert not decision.is_signed and render.letters == []


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
                FOURTEEN_JUNE.date(), DecisionKind.SUPPORT, Outcome.DISMISSED
            )
        }
        assert offered == {"sol_old_2a_1", "sol_old_2a_3", "fl_32", "fl_20"}
        offered_now = {
            r.code
            for r in legal_texts.references_for(
                DECEMBER_2026.date(), DecisionKind.SUPPORT, Outcome.DISMISSED
            )
        }
        assert offered_now == {"sol_29_1", "sol_29_4", "fl_32", "fl_20"}
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
            "forvaltningsbesvar_avvisat_overklagande",
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
