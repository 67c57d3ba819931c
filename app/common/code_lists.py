"""Code lists (försörjningshinder, avslutsorsak, journaltyp, ...) kept as data in resources/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from app.common.resources import resource_path


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    verify: bool = False


@cache
def _load() -> dict[str, list[Code]]:
    data = json.loads(resource_path("code_lists.json").read_text(encoding="utf-8"))
    return {
        name: [Code(c["code"], c["label"], bool(c.get("verify"))) for c in body["codes"]]
        for name, body in data.items()
        if not name.startswith("_")
    }


@cache
def _sources() -> dict[str, str]:
    data = json.loads(resource_path("code_lists.json").read_text(encoding="utf-8"))
    return {name: body.get("source", "") for name, body in data.items() if not name.startswith("_")}


def source(list_name: str) -> str:
    """Where the list comes from (its "source" in the file; empty for the program's own)."""
    return _sources()[list_name]


def codes(list_name: str) -> list[Code]:
    return list(_load()[list_name])


@cache
def _labels(list_name: str) -> dict[str, str]:
    """code -> label of one list: `label` is asked per row (the chef's caseload, thousands
    of times a call), and a list scan each time showed in its profile."""
    return {item.code: item.label for item in _load()[list_name]}


def label(list_name: str, code: str | None) -> str:
    if not code:
        return ""
    return _labels(list_name).get(code, code)


def is_valid(list_name: str, code: str) -> bool:
    return any(item.code == code for item in _load()[list_name])


# Names of the lists, so callers don't spell them twice.
SUPPORT_BARRIER = "forsorjningshinder"
CLOSING_REASON = "avslutsorsak"
HOUSEHOLD_TYPE = "hushallstyp"
JOURNAL_TYPE = "journaltyp"
APPLICATION_CHANNEL = "ansokningssatt"
HOUSING_TYPE = "boendeform"
PLAN_KIND = "plantyp"
COMPLAINT_THEME = "klagomalstema"
REGISTER_PURPOSE = "registerandamal"
