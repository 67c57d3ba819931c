"""Lagrum, besvärshänvisningar, the motivation phrase bank and the addressing of protected
letters: texts kept as data in resources/, each fact with its source.

- Lagrum (resources/legal_references.json): which socialtjänstlag a decision rests on is
  decided by the day the decision is made, whatever period it is for. The transition rules
  of SFS 2025:400 (read in its text, see the JSON's `transition`): the new law is in force
  from 1 July 2025 (punkt 1) and socialtjänstlagen (2001:453) is repealed that day (punkt 2);
  the repealed law still applies only to återkrav of bistånd granted before (punkt 5 a) and to
  the appeal of a decision made before (punkt 6). There is no rule for an application or a
  period from before 1 July 2025: a decision made until 30 June 2025 rests on 2001:453, one
  made from 1 July 2025 on 2025:400 (`law_for_decision`). Every paragraph carries
  `confirmed`: one not checked against the law text is refused in a signed decision
  (decisions.signing_problems).
- Phrases (resources/decision_phrases.json) are tagged by kind of bistånd, outcome, cost type
  and what they claim, so the editor offers only those that fit and signing refuses a phrase
  that contradicts the decision (`phrase_problems`).
- Besvärshänvisningar (resources/texts/besvarshanvisning.json): förvaltningsbesvär, its
  variant for an avvisning, and laglighetsprövning (kommunallagen 13 kap.) for a decision by
  the nämnd and for one made on delegation.
- Skyddade personuppgifter (resources/texts/skyddad_adress.json): Skatteverket's forwarding.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from app.common.formatting import long_date
from app.common.legal_source import Source
from app.common.resources import resource_path
from app.models import DecisionKind, Household, Outcome, Person
from app.norms.norm_calculation import COST_TYPES

FORVALTNINGSBESVAR = "forvaltningsbesvar"
LAGLIGHETSPROVNING = "laglighetsprovning"


@dataclass(frozen=True)
class Law:
    sfs: str
    name: str
    """As cited in a letter: "socialtjänstlagen (2001:453)"."""
    decided_from: date | None
    """The first day a decision rests on this law (its entry into force)."""
    decided_until: date | None
    """The last day a decision rests on it (the day before it was repealed)."""
    confirmed: bool
    source: Source

    def covers(self, decided_on: date) -> bool:
        return (self.decided_from is None or self.decided_from <= decided_on) and (
            self.decided_until is None or decided_on <= self.decided_until
        )


@dataclass(frozen=True)
class Transition:
    on: date
    confirmed: bool
    note: str
    source: Source
    points: tuple[str, ...] = ()
    """The övergångsbestämmelser the rule rests on, quoted with their numbers."""


@dataclass(frozen=True)
class LegalReference:
    code: str
    text: str
    about: str
    appeal: str  # "forvaltningsbesvar", "laglighetsprovning" or ""
    kinds: tuple[str, ...]
    law: str = ""
    """The SFS number of the law the paragraph is in."""
    outcomes: tuple[str, ...] = ()
    """The outcomes it fits; empty: every outcome."""
    default_for: tuple[str, ...] = ()
    confirmed: bool = False
    """False: the paragraph number is not checked against the law text; never in a signed
    decision."""
    source: Source = field(default_factory=Source)

    def fits_kind(self, kind: DecisionKind) -> bool:
        return not self.kinds or kind.value in self.kinds

    def fits_outcome(self, outcome: Outcome | None) -> bool:
        return outcome is None or not self.outcomes or outcome.value in self.outcomes

    @property
    def is_socialtjanstlag(self) -> bool:
        return any(law.sfs == self.law for law in laws())


@dataclass(frozen=True)
class AppealText:
    key: str
    title: str
    paragraphs: tuple[str, ...]
    verify: bool
    sources: tuple[str, ...] = ()
    """The source of each paragraph, in the same order."""


@dataclass(frozen=True)
class Phrase:
    key: str
    outcome: str
    """The first outcome it fits ("" for all): kept for callers of the first version."""
    cost_type: str
    label: str
    text: str
    kinds: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    cost_types: tuple[str, ...] = ()
    where: tuple[str, ...] = ("motivation",)
    asserts: tuple[str, ...] = ()
    source: str = ""

    def fits(
        self,
        kind: DecisionKind | None = None,
        outcome: Outcome | None = None,
        cost_types: Iterable[str] | None = None,
        where: str | None = None,
    ) -> bool:
        """Whether the phrase may be offered: its kind and outcome match, and a phrase about
        a cost is offered only when the decision has such a cost."""
        if kind is not None and self.kinds and kind.value not in self.kinds:
            return False
        if outcome is not None and self.outcomes and outcome.value not in self.outcomes:
            return False
        if (
            cost_types is not None
            and self.cost_types
            and not set(self.cost_types) & set(cost_types)
        ):
            return False
        return where is None or where in self.where

    @property
    def pattern(self) -> re.Pattern[str]:
        return _pattern(self.text)


@dataclass(frozen=True)
class Forwarding:
    """How a letter reaches a person with skyddade personuppgifter: what the envelope
    window shows, the outer envelope's address and the instruction for whoever posts it."""

    window_lines: tuple[str, ...]
    outer_envelope: tuple[str, ...]
    instruction: str
    source: Source


def _json(name: str) -> dict:
    return json.loads(resource_path(*name.split("/")).read_text(encoding="utf-8"))


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# --- laws and lagrum ---------------------------------------------------------------------
@cache
def laws() -> tuple[Law, ...]:
    """The socialtjänstlagar and the days of decision each applies to."""
    return tuple(
        Law(
            law["sfs"],
            law["name"],
            _date(law["decided_from"]),
            _date(law["decided_until"]),
            bool(law["confirmed"]),
            Source.of(law.get("source")),
        )
        for law in _json("legal_references.json")["laws"]
    )


@cache
def transition() -> Transition:
    data = _json("legal_references.json")["transition"]
    return Transition(
        date.fromisoformat(data["date"]),
        bool(data["confirmed"]),
        data["note"],
        Source.of(data.get("source")),
        tuple(data.get("points", ())),
    )


def law_for_decision(decided_on: date) -> Law:
    """The socialtjänstlag a decision made on `decided_on` rests on, whatever period it is
    for: 2001:453 until 30 June 2025, 2025:400 from 1 July 2025 (övergångsbestämmelserna
    till SFS 2025:400, punkt 1, 2, 5 och 6; resources/legal_references.json)."""
    for law in laws():
        if law.covers(decided_on):
            return law
    raise LookupError(f"Ingen socialtjänstlag för beslut den {decided_on.isoformat()}.")


def _long(day: date) -> str:
    return long_date(day)


@cache
def legal_references() -> tuple[LegalReference, ...]:
    return tuple(
        LegalReference(
            r["code"],
            r["text"],
            r["about"],
            r["appeal"],
            tuple(r["kinds"]),
            r.get("law", ""),
            tuple(r.get("outcomes", ())),
            tuple(r.get("default_for", ())),
            bool(r.get("confirmed", False)),
            Source.of(r.get("source")),
        )
        for r in _json("legal_references.json")["references"]
    )


def reference(code: str) -> LegalReference | None:
    return next((r for r in legal_references() if r.code == code), None)


def references_for(
    decided_on: date, kind: DecisionKind, outcome: Outcome | None = None
) -> list[LegalReference]:
    """The lagrum that fit a decision made on `decided_on`: paragraphs of the socialtjänstlag
    in force that day and of laws that apply whatever the day (förvaltningslagen), for the
    kind and outcome."""
    law = law_for_decision(decided_on)
    return [
        r
        for r in legal_references()
        if (r.law == law.sfs or not r.is_socialtjanstlag)
        and r.fits_kind(kind)
        and r.fits_outcome(outcome)
    ]


def default_references(kind: DecisionKind, decided_on: date) -> list[str]:
    """The lagrum a decision of this kind made on `decided_on` normally rests on."""
    law = law_for_decision(decided_on)
    return [r.code for r in legal_references() if r.law == law.sfs and kind.value in r.default_for]


def law_statement(decided_on: date, *, decided: bool = False) -> str:
    """The editor's line on which law the decision rests on, and why."""
    law = law_for_decision(decided_on)
    when = (
        f"Beslutet fattades den {_long(decided_on)}" if decided else "Ett beslut som fattas i dag"
    )
    return f"{when} grundas på {law.name}, vilken period det än gäller."


def _wrong_law(r: LegalReference, law: Law, decided_on: date) -> str:
    """Why a paragraph of the other socialtjänstlag cannot be used the day the decision is
    made, with the övergångsbestämmelse it rests on."""
    if law.decided_from is not None:  # the new law: the old one is repealed
        return (
            f"{r.text} kan inte användas i ett beslut som fattas den {_long(decided_on)}: "
            f"från den {_long(law.decided_from)} grundas nya beslut på {law.name}, även "
            "för tid före den dagen (övergångsbestämmelserna till SFS "
            f"{law.sfs}, punkt 1, 2, 5 och 6)."
        )
    new = next((other for other in laws() if other.decided_from is not None), None)
    return (
        f"{r.text} kan inte användas i ett beslut som fattas den {_long(decided_on)}: "
        + (
            f"{new.name} gäller för beslut från och med den {_long(new.decided_from)} "
            f"(övergångsbestämmelserna till SFS {new.sfs}, punkt 1), "
            if new is not None and new.decided_from is not None
            else ""
        )
        + f"beslut före den dagen grundas på {law.name}."
    )


def reference_problems(
    codes: Iterable[str],
    kind: DecisionKind,
    outcome: Outcome,
    decided_on: date,
) -> list[str]:
    """Why the chosen lagrum do not fit a decision made on `decided_on`, as sentences for the
    user: a paragraph of the other socialtjänstlag, of another kind of bistånd or outcome, or
    no paragraph of the socialtjänstlag at all."""
    law = law_for_decision(decided_on)
    problems = []
    chosen = [r for c in codes if (r := reference(c)) is not None]
    for r in chosen:
        if r.is_socialtjanstlag and r.law != law.sfs:
            problems.append(_wrong_law(r, law, decided_on))
        elif not r.fits_kind(kind):
            problems.append(f"{r.text} gäller inte beslut om {kind.label.lower()}.")
        elif not r.fits_outcome(outcome):
            problems.append(f"{r.text} passar inte ett beslut om {outcome.label.lower()}.")
    if chosen and outcome is not Outcome.DISMISSED and not any(r.law == law.sfs for r in chosen):
        problems.append(f"Ange det lagrum i {law.name} som beslutet grundar sig på.")
    return problems


def unconfirmed_references(codes: Iterable[str]) -> list[LegalReference]:
    """The chosen lagrum whose paragraph number is not confirmed against the law text."""
    return [r for c in codes if (r := reference(c)) is not None and not r.confirmed]


def appeal_route(kind: DecisionKind) -> str:
    """Förvaltningsbesvär for the right to bistånd; laglighetsprövning (kommunallagen 13 kap.)
    for bistånd beyond the right, which is not open to förvaltningsbesvär: SoL (2001:453)
    16 kap. 3 § lets decisions on bistånd under 4 kap. 1 § be appealed, not those under
    4 kap. 2 § (RÅ 2001 not 169; JO dnr 3309-2008; resources/texts/besvarshanvisning.json).
    Under 2025:400 the same: 35 kap. 1 § lets decisions on ekonomiskt bistånd under 12 kap.
    1 § (and nekat or nedsatt försörjningsstöd under 12 kap. 5 §) be appealed to allmän
    förvaltningsdomstol, not those under 12 kap. 2 § (bistånd beyond the right)."""
    return LAGLIGHETSPROVNING if kind is DecisionKind.BEYOND_RIGHT else FORVALTNINGSBESVAR


def appeal_key(
    kind: DecisionKind, outcome: Outcome | None = None, *, delegated: bool = True
) -> str:
    """Which besvärshänvisning a decision gets: förvaltningsbesvär (its own text for an
    avvisning), or laglighetsprövning, whose three weeks start differently for a decision
    the nämnd made itself and one made on delegation."""
    if appeal_route(kind) == LAGLIGHETSPROVNING:
        return "laglighetsprovning_delegation" if delegated else "laglighetsprovning_namnd"
    if outcome is Outcome.DISMISSED:
        return "forvaltningsbesvar_avvisning"
    return FORVALTNINGSBESVAR


@cache
def _appeals() -> dict[str, AppealText]:
    data = _json("texts/besvarshanvisning.json")
    return {
        key: AppealText(
            key,
            body["title"],
            tuple(p["text"] for p in body["paragraphs"]),
            bool(body["verify"]),
            tuple(p.get("source", "") for p in body["paragraphs"]),
        )
        for key, body in data.items()
        if not key.startswith("_")
    }


def appeal_texts() -> dict[str, AppealText]:
    """Every besvärshänvisning, unfilled (for checks and the administrator)."""
    return dict(_appeals())


def appeal_text(
    kind: DecisionKind,
    values: dict[str, str],
    *,
    outcome: Outcome | None = None,
    delegated: bool = True,
) -> AppealText:
    """The besvärshänvisning for the decision, with nämnd, unit, contact, anslagstavla and
    förvaltningsrätt filled in."""
    text = _appeals()[appeal_key(kind, outcome, delegated=delegated)]
    return AppealText(
        text.key,
        text.title,
        tuple(fill(p, values) for p in text.paragraphs),
        text.verify,
        text.sources,
    )


# --- phrases -------------------------------------------------------------------------------
@cache
def phrases() -> tuple[Phrase, ...]:
    return tuple(
        Phrase(
            p["key"],
            (p.get("outcomes") or [""])[0],
            (p.get("cost_types") or [""])[0],
            p["label"],
            p["text"],
            tuple(p.get("kinds", ())),
            tuple(p.get("outcomes", ())),
            tuple(p.get("cost_types", ())),
            tuple(p.get("where", ("motivation",))),
            tuple(p.get("asserts", ())),
            p.get("source", ""),
        )
        for p in _json("decision_phrases.json")["phrases"]
    )


def phrase(key: str) -> Phrase:
    return next(p for p in phrases() if p.key == key)


def phrases_for(
    outcome: Outcome | None = None,
    cost_type: str | None = None,
    *,
    kind: DecisionKind | None = None,
    cost_types: Iterable[str] | None = None,
    where: str | None = "motivation",
) -> list[Phrase]:
    """The phrases that fit a decision of this kind and outcome with these cost items
    (`cost_type`: one item's type, for the motivation of that item)."""
    if cost_type is not None:
        return [
            p
            for p in phrases()
            if p.fits(kind, outcome, None, "item")
            and (not p.cost_types or cost_type in p.cost_types)
        ]
    return [p for p in phrases() if p.fits(kind, outcome, cost_types, where)]


@cache
def _pattern(text: str) -> re.Pattern[str]:
    """A phrase as inserted, whatever its placeholders were filled with, whitespace-blind."""
    parts = re.split(r"\{\w+\}", text)
    fixed = [re.escape(" ".join(part.split())).replace(r"\ ", r"\s+") for part in parts]
    return re.compile(r"\s*(?:.+?)\s*".join(fixed), re.IGNORECASE | re.DOTALL)


def phrases_in(text: str) -> list[Phrase]:
    """The bank's phrases that stand in `text` (as inserted, placeholders filled)."""
    flat = " ".join(text.split())
    return [p for p in phrases() if p.text.strip() and p.pattern.search(flat)]


@dataclass(frozen=True)
class DecisionFacts:
    """What a phrase's claims are checked against: the decision as its items make it."""

    kind: DecisionKind
    outcome: Outcome
    item_types: frozenset[str]
    reduced_types: frozenset[str]
    """Cost types with an item granted below what was applied for."""
    child_norm_granted: bool
    """The riksnorm (with the children's part) is granted in full and something is paid."""
    income_covers_need: bool
    """The counted income is at least what the calculation proposed."""


_CLAIMS = {
    "child_norm_granted": (
        lambda facts, _types: facts.child_norm_granted,
        "säger att hushållet får hela normen för barnet, men beslutet beviljar inte "
        "riksnormen i sin helhet",
    ),
    "income_covers_need": (
        lambda facts, _types: facts.income_covers_need,
        "säger att inkomsterna räcker, men beräkningen visar att de inte räcker till kostnaderna",
    ),
    "item_reduced": (
        lambda facts, types: bool(facts.reduced_types & set(types)) if types else True,
        "säger att kostnaden inte beviljas fullt ut, men den beviljas som ansökt",
    ),
}


def _cost_names(types: Iterable[str]) -> str:
    return " eller ".join(COST_TYPES.get(t, t).lower() for t in types)


@cache
def _placeholders() -> frozenset[str]:
    """The {names} the bank's phrases use."""
    return frozenset(name for p in phrases() for name in re.findall(r"\{(\w+)\}", p.text))


def claims_hold(phrase: Phrase, facts: DecisionFacts) -> bool:
    """Whether what the phrase claims is true of the decision (its kind, outcome and cost
    types aside): the editor offers only phrases whose claims hold."""
    return all(_CLAIMS[claim][0](facts, phrase.cost_types) for claim in phrase.asserts)


def phrase_problems(
    facts: DecisionFacts,
    motivation: str,
    item_motivations: Iterable[tuple[str, str, str]] = (),
    child_texts: Iterable[str] = (),
) -> list[str]:
    """Why phrases from the bank do not fit the decision, one sentence per phrase and
    place: the wrong kind of bistånd or outcome, a cost the decision does not have, or a
    claim the amounts contradict. `item_motivations`: (item type, label, motivation);
    `child_texts`: the considerations for the children, checked for placeholders only."""
    problems: list[str] = []

    def check(p: Phrase, types: tuple[str, ...], where: str) -> None:
        name = f"Frasen ”{p.label}”"
        if p.kinds and facts.kind.value not in p.kinds:
            problems.append(f"{name} passar inte ett beslut om {facts.kind.label.lower()}.")
            return
        if p.outcomes and facts.outcome.value not in p.outcomes:
            problems.append(f"{name} passar inte beslutets utfall ({facts.outcome.label.lower()}).")
            return
        if p.cost_types and not set(p.cost_types) & set(types):
            problems.append(
                f"{name} handlar om {_cost_names(p.cost_types)}, men {where} gäller inte det."
            )
            return
        for claim in p.asserts:
            holds, what = _CLAIMS[claim]
            if not holds(facts, p.cost_types):
                problems.append(f"{name} {what}.")
                return

    placeholders = _placeholders()
    for text in (motivation, *(t for _type, _label, t in item_motivations), *child_texts):
        for name in dict.fromkeys(re.findall(r"\{(\w+)\}", text)):
            if name in placeholders:
                problems.append(
                    f"Texten har kvar {{{name}}} från frasbanken: skriv in det som ska stå där."
                )
    for p in phrases_in(motivation):
        check(p, tuple(facts.item_types), "beslutet")
    for item_type, label, text in item_motivations:
        for p in phrases_in(text):
            check(p, (item_type,), f"posten {label.lower()}")
    # the children's texts are checked for what they claim by decisions.child_problems
    # (any wording, phrase or not); here only for placeholders left in them
    return list(dict.fromkeys(problems))


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {placeholders} that have values; leave unknown ones visible for the editor."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)


# --- skyddade personuppgifter ---------------------------------------------------------------
@cache
def protected_forwarding() -> Forwarding:
    data = _json("texts/skyddad_adress.json")
    source = data["source"]
    return Forwarding(
        tuple(data["window_lines"]),
        tuple(data["outer_envelope"]),
        data["instruction"],
        Source(
            url=" ".join(source["url"]),
            note=f"{source['name']}: {source['steps']}",
        ),
    )


def recipient_lines(
    adults: list[Person], household: Household, protected: bool
) -> tuple[list[str], Forwarding | None]:
    """A letter's window lines (decision and kommunicering alike), and for a protected
    household how the letter is forwarded: Skatteverket forwards a sealed envelope marked
    with the recipient's full personnummer (resources/texts/skyddad_adress.json), so the
    window shows name and personnummer, no address and no word of the protection."""
    names = " och ".join(p.full_name for p in adults)
    if not protected:
        return [names] + [
            line
            for line in (
                household.street_address,
                f"{household.postal_code} {household.city}".strip(),
            )
            if line
        ], None
    forwarding = protected_forwarding()
    recipient = next((p for p in adults if p.protected_identity), adults[0] if adults else None)
    values = {
        "namn": names,
        "personnummer": recipient.display_number if recipient else "",
    }
    return [line for line in (fill(t, values) for t in forwarding.window_lines) if line], (
        forwarding
    )
