"""Kommunkod: the four-digit code of a Swedish municipality.

The codes are SCB's: its list "Län och kommuner i kodnummerordning" (scb.se, Regionala
indelningar), republished each year, earlier in the series Meddelanden i samordningsfrågor
(e.g. MIS 2011:1, "Regionala indelningar i Sverige den 1 januari 2011"). Socialstyrelsen's
register over ekonomiskt bistånd identifies the municipality by it ("Kommun – fyrsiffrig
kod, varav de två första anger län", the register's variable list; household_type.py gives
its address). The program does not hold SCB's list of the 290 municipalities (nothing here
to keep up to date when municipalities merge): it checks the form, four digits, the first
two the code of one of the 21 län of SCB's division.
"""

from __future__ import annotations

import re

COUNTY_CODES = frozenset(
    {
        "01",  # Stockholms län
        "03",  # Uppsala län
        "04",  # Södermanlands län
        "05",  # Östergötlands län
        "06",  # Jönköpings län
        "07",  # Kronobergs län
        "08",  # Kalmar län
        "09",  # Gotlands län
        "10",  # Blekinge län
        "12",  # Skåne län
        "13",  # Hallands län
        "14",  # Västra Götalands län
        "17",  # Värmlands län
        "18",  # Örebro län
        "19",  # Västmanlands län
        "20",  # Dalarnas län
        "21",  # Gävleborgs län
        "22",  # Västernorrlands län
        "23",  # Jämtlands län
        "24",  # Västerbottens län
        "25",  # Norrbottens län
    }
)
"""SCB's länskoder (02, 11, 15 and 16 are no longer used)."""

_CODE = re.compile(r"[0-9]{4}")


def problem(code: str) -> str | None:
    """None for a code of the right form, else what is wrong with it (Swedish)."""
    if not _CODE.fullmatch(code):
        return f"Kommunkoden ska vara fyra siffror, t.ex. 0180 (nu: {code or 'tom'})."
    if code[:2] not in COUNTY_CODES:
        return f"Kommunkoden {code} börjar inte med en länskod (SCB:s koder 01–25)."
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None
