"""Lagrum, besvärshänvisningar, the motivation phrase bank and the addressing of protected
letters: texts kept as data in resources/, each fact with its source.

- Lagrum (resources/legal_references.json): which socialtjänstlag applies is decided by the
  decision period's dates, never by today's date: socialtjänstlagen (2001:453) for periods
  until 30 June 2025, socialtjänstlagen (2025:400) from 1 July 2025. The transition rules of
  SFS 2025:400 could not be read in any source the search tool reaches, so a period that
  straddles the date has no law here (`law_for_period` says why) and cannot be signed. Every
  paragraph carries `confirmed`: the 2025:400 paragraph numbers are not confirmed against the
  law text and are refused in a signed decision (decisions.signing_problems).
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
from app.common.resources import resource_path
from app.models import DecisionKind, Outcome
from app.norms.norm_calculation import COST_TYPES

FORVALTNINGSBESVAR = "forvaltningsbesvar"
LAGLIGHETSPROVNING = "laglighetsprovning"


@dataclass(frozen=True)
class Source:
    """Where a legal fact comes from: the SFS number (and paragraph), the förarbete, a URL
    where the text was read, and a note (what the source says, or why it is not enough)."""

    sfs: str = ""
    prop: str = ""
    url: str = ""
    note: str = ""

    @classmethod
    def of(cls, data: dict | None) -> Source:
        data = data or {}
        url = data.get("url", "")
        return cls(
            data.get("sfs", ""),
            data.get("prop", ""),
            " ".join(url) if isinstance(url, list) else url,
            data.get("note", ""),
        )

    def __bool__(self) -> bool:
        return bool(self.sfs or self.prop or self.url)


@dataclass(frozen=True)
class Law:
    sfs: str
    name: str
    """As cited in a letter: "socialtjänstlagen (2001:453)"."""
    periods_from: date | None
    periods_until: date | None
    confirmed: bool
    source: Source

    def covers(self, start: date, end: date) -> bool:
        return (self.periods_from is None or self.periods_from <= start) and (
            self.periods_until is None or end <= self.periods_until
        )


@dataclass(frozen=True)
class Transition:
    on: date
    confirmed: bool
    note: str
    source: Source


@dataclass(frozen=True)
class PeriodLaw:
    """The socialtjänstlag for a decision period, or why there is none."""

    law: Law | None
    problem: str = ""


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
    """The socialtjänstlagar and the periods each applies to."""
    return tuple(
        Law(
            law["sfs"],
            law["name"],
            _date(law["periods_from"]),
            _date(law["periods_until"]),
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
    )


def law_for_period(start: date, end: date) -> PeriodLaw:
    """The socialtjänstlag a decision for the period rests on. A period that straddles
    1 July 2025 has none: the transition rules are not confirmed, so the program does not
    choose (the decision is split into a period before and one from that day)."""
    for law in laws():
        if law.covers(start, end):
            return PeriodLaw(law)
    change = transition()
    old = next((law for law in laws() if law.periods_until is not None), None)
    new = next((law for law in laws() if law.periods_from == change.on), None)
    return PeriodLaw(
        None,
        f"Perioden {start.isoformat()} – {end.isoformat()} går över den "
        f"{_long(change.on)}, då {new.name if new else 'den nya socialtjänstlagen'} "
        f"ersatte {old.name if old else 'den gamla'}. Vilken lag som gäller för en sådan "
        "period avgörs av övergångsbestämmelserna, som inte är kontrollerade i programmet. "
        f"Dela upp beslutet i en period till och med den {_long(_day_before(change.on))} "
        f"och en från den {_long(change.on)}.",
    )


def _day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


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
    start: date, end: date, kind: DecisionKind, outcome: Outcome | None = None
) -> list[LegalReference]:
    """The lagrum that fit a decision: paragraphs of the period's socialtjänstlag and of
    laws that apply whatever the period (förvaltningslagen), for the kind and outcome."""
    period_law = law_for_period(start, end).law
    return [
        r
        for r in legal_references()
        if (r.law == (period_law.sfs if period_law else None) or not r.is_socialtjanstlag)
        and r.fits_kind(kind)
        and r.fits_outcome(outcome)
    ]


def default_references(kind: DecisionKind, period_start: date, period_end: date) -> list[str]:
    """The lagrum a decision of this kind normally rests on, in the law of its period
    (none for a period that straddles the change of law)."""
    period_law = law_for_period(period_start, period_end).law
    if period_law is None:
        return []
    return [
        r.code
        for r in legal_references()
        if r.law == period_law.sfs and kind.value in r.default_for
    ]


def reference_problems(
    codes: Iterable[str],
    kind: DecisionKind,
    outcome: Outcome,
    start: date,
    end: date,
) -> list[str]:
    """Why the chosen lagrum do not fit the decision, as sentences for the user: a period
    without a law, a paragraph of the wrong law for the period, of another kind of bistånd
    or outcome, or no paragraph of the socialtjänstlag at all."""
    period = law_for_period(start, end)
    if period.law is None:
        return [period.problem]
    law = period.law
    problems = []
    chosen = [r for c in codes if (r := reference(c)) is not None]
    for r in chosen:
        if r.is_socialtjanstlag and r.law != law.sfs:
            problems.append(
                f"{r.text} gäller inte för perioden: för perioder "
                + (
                    f"från den {_long(law.periods_from)}"
                    if law.periods_from
                    else f"till och med den {_long(law.periods_until)}"  # type: ignore[arg-type]
                )
                + f" gäller {law.name}."
            )
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
    Under 2025:400 the same route is assumed for its counterpart, whose lagrum is
    unconfirmed and so never signed."""
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
