"""The rules after a decision as data with their sources (resources/after_decision.json).

Every rule the appeal and complaint registers apply (the three weeks, what counts as the day
of delgivning, the week to överlämnande, the nämnd's own three weeks, lex Sarah's "genast")
is read from there with its source. A rule whose paragraph is not confirmed against the
statute is shown with that reservation and refused in a signed letter (`signing_problems`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from app.common.legal_source import Source
from app.common.resources import resource_path
from app.models.appeal import DeliveryMethod

APPEAL_PERIOD = "appeal_period"
DEADLINE_MOVES = "deadline_moves"
LATE_DISMISSAL = "late_dismissal"
DISMISSAL_APPEALABLE = "dismissal_appealable"
RECONSIDERATION = "reconsideration"
FORWARDING = "forwarding"
BOARD_APPEAL_PERIOD = "board_appeal_period"
LEAVE_TO_APPEAL = "leave_to_appeal"
RULING_ENFORCED = "ruling_enforced"
LEX_SARAH = "lex_sarah"
LEX_SARAH_2025 = "lex_sarah_2025"


@dataclass(frozen=True)
class Rule:
    code: str
    text: str
    """The rule in plain Swedish, as a letter or the screen may state it."""
    paragraph: str
    """Where it stands ("44 § förvaltningslagen (2017:900)"); empty when not given."""
    confirmed: bool
    source: Source
    weeks: int | None = None
    days: int | None = None

    def cited(self) -> str:
        """The text with its paragraph, as printed: "… (44 § förvaltningslagen (2017:900))"."""
        return f"{self.text} ({self.paragraph})" if self.paragraph else self.text


@dataclass(frozen=True)
class DeliveryRule:
    method: DeliveryMethod
    delivered: str
    """How the day of delgivning follows: "given" (recorded), "sent_plus_two_weeks",
    "given_or_unknown" (post: known only if documented otherwise)."""
    text: str
    confirmed: bool
    source: Source


@cache
def _data() -> dict:
    path = resource_path("after_decision.json")
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def rules() -> dict[str, Rule]:
    return {
        code: Rule(
            code,
            body["text"],
            body.get("paragraph", ""),
            bool(body.get("confirmed")),
            Source.of(body.get("source")),
            body.get("weeks"),
            body.get("days"),
        )
        for code, body in _data()["rules"].items()
    }


def rule(code: str) -> Rule:
    return rules()[code]


@cache
def delivery_rules() -> dict[DeliveryMethod, DeliveryRule]:
    return {
        DeliveryMethod(code): DeliveryRule(
            DeliveryMethod(code),
            body["delivered"],
            body["text"],
            bool(body.get("confirmed")),
            Source.of(body.get("source")),
        )
        for code, body in _data()["delivery_methods"].items()
    }


def signing_problems(codes: list[str]) -> list[str]:
    """Why a letter resting on these rules cannot be signed: a rule without a confirmed
    paragraph or without a source (Swedish, one line each)."""
    problems = []
    for code in codes:
        r = rule(code)
        if not r.confirmed:
            problems.append(
                f"Regeln ”{r.text}” är inte kontrollerad mot författningstexten och kan inte stå "
                "i ett signerat brev."
            )
        elif not r.source:
            problems.append(f"Regeln ”{r.text}” saknar källa och kan inte stå i ett signerat brev.")
    return problems


def delivery_problems(method: DeliveryMethod) -> list[str]:
    """Why a signed letter cannot rest on a day of delgivning given by `method`: its rule is
    not confirmed against the statute or has no source (Swedish, one line each)."""
    found = delivery_rules()[method]
    if not found.confirmed:
        return [
            f"Regeln för {method.label.lower()} (”{found.text}”) är inte kontrollerad mot "
            "författningstexten, så dagen den ger kan inte stå i ett signerat brev. Registrera "
            "delgivningen på ett sätt vars regel är kontrollerad, om det finns stöd för det."
        ]
    if not found.source:
        return [
            f"Regeln för {method.label.lower()} saknar källa och kan inte stå i ett signerat brev."
        ]
    return []
