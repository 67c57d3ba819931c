"""Lagrum, besvärshänvisningar and the motivation phrase bank: texts kept as data in resources/."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from app.common.resources import resource_path
from app.models import DecisionKind, Outcome


@dataclass(frozen=True)
class LegalReference:
    code: str
    text: str
    about: str
    appeal: str  # "forvaltningsbesvar", "laglighetsprovning" or ""
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class AppealText:
    key: str
    title: str
    paragraphs: tuple[str, ...]
    verify: bool


@dataclass(frozen=True)
class Phrase:
    key: str
    outcome: str
    cost_type: str
    label: str
    text: str


def _json(name: str) -> dict:
    return json.loads(resource_path(*name.split("/")).read_text(encoding="utf-8"))


@cache
def legal_references() -> tuple[LegalReference, ...]:
    return tuple(
        LegalReference(r["code"], r["text"], r["about"], r["appeal"], tuple(r["kinds"]))
        for r in _json("legal_references.json")["references"]
    )


def reference(code: str) -> LegalReference | None:
    return next((r for r in legal_references() if r.code == code), None)


def default_references(kind: DecisionKind) -> list[str]:
    """The lagrum a decision of this kind normally rests on (the current law's chapter 12)."""
    return {
        DecisionKind.SUPPORT: ["sol_12_1", "sol_12_7"],
        DecisionKind.OTHER_LIVING: ["sol_12_1"],
        DecisionKind.BEYOND_RIGHT: ["sol_12_2"],
    }[kind]


def appeal_route(kind: DecisionKind) -> str:
    """Förvaltningsbesvär for the right to bistånd; laglighetsprövning (kommunallagen 13 kap.)
    for bistånd beyond the right, which is not open to förvaltningsbesvär (DOMAIN.md)."""
    return "laglighetsprovning" if kind is DecisionKind.BEYOND_RIGHT else "forvaltningsbesvar"


@cache
def _appeals() -> dict[str, AppealText]:
    data = _json("texts/besvarshanvisning.json")
    return {
        key: AppealText(key, body["title"], tuple(body["paragraphs"]), bool(body["verify"]))
        for key, body in data.items()
        if not key.startswith("_")
    }


def appeal_text(kind: DecisionKind, values: dict[str, str]) -> AppealText:
    """The besvärshänvisning for the decision's kind, with nämnd, unit and contact filled in."""
    text = _appeals()[appeal_route(kind)]
    return AppealText(
        text.key, text.title, tuple(fill(p, values) for p in text.paragraphs), text.verify
    )


@cache
def phrases() -> tuple[Phrase, ...]:
    return tuple(
        Phrase(p["key"], p["outcome"], p["cost_type"], p["label"], p["text"])
        for p in _json("decision_phrases.json")["phrases"]
    )


def phrases_for(outcome: Outcome | None = None, cost_type: str | None = None) -> list[Phrase]:
    return [
        p
        for p in phrases()
        if (outcome is None or p.outcome == outcome.value)
        and (cost_type is None or p.cost_type in ("", cost_type))
    ]


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {placeholders} that have values; leave unknown ones visible for the editor."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)
