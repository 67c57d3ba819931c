"""Codes from the code lists (resources/code_lists.json) that rules in the program depend on.

The lists themselves stay data: labels are read by code_lists.py. Rules treat some codes
specially (a home visit counts in the statistics, a telephone call to a young adult clears a
deadline, a nybesök answers a new application), so the codes are named here once instead of
being spelled in each rule. The values are the codes as stored in the database.
"""

from __future__ import annotations

from enum import StrEnum


class JournalType(StrEnum):
    """Codes of the "journaltyp" list."""

    NOTE = "anteckning"
    FIRST_VISIT = "nybesok"
    VISIT = "besok"
    HOME_VISIT = "hembesok"
    PHONE_CALL = "telefon"
    FIRST_RESPONSE = "aterkoppling"
    """Återkoppling to the applicant; signing one answers a new application."""
    SIP = "sip"
    """Samordnad individuell plan: a meeting counted in the statistics."""
    COOPERATION = "samverkan"
    CORRECTION = "rattelse"
    """A rättelse: the type of an addendum that corrects a signed entry."""
    REGISTER_DATA = "registeruppgifter"
    """The answer of a register look-up (app.registers.lookups), signed when stored."""


MEETING_TYPES = (JournalType.FIRST_VISIT, JournalType.VISIT, JournalType.HOME_VISIT)
"""Journal types that are a personal meeting with the household."""


class PlanKind(StrEnum):
    """Codes of the "plantyp" list."""

    ACTION_PLAN = "handlingsplan"
    CHANGE_PLAN = "forandringsplan"
    """Förändringsplan: the plan an initial bedömning (IB) leads to."""
    IMPLEMENTATION_PLAN = "genomforandeplan"
