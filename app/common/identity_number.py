"""Personnummer and samordningsnummer: parsing any common spelling, validation, display.

python-stdnum cleans the input and checks the Luhn digit; it does not know samordningsnummer
(day of birth + 60, Skatteverket), nor a century relative to an injectable "today", so those
two rules live here. Numbers are stored as 12 digits (ÅÅÅÅMMDDNNNN) and shown ÅÅÅÅMMDD-NNNN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.se import personnummer as stdnum_pnr

from app.common import clock

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
"""Hyphen, non-breaking hyphen, figure dash, en dash, em dash and minus sign: what a word
processor or a web page makes of the "-" in a personnummer that is then copied and pasted."""
_AS_HYPHEN = str.maketrans(dict.fromkeys(DASHES, "-"))


def normalise_dashes(text: str) -> str:
    """Every common dash character as an ASCII hyphen-minus (the one place for this)."""
    return text.translate(_AS_HYPHEN)


class InvalidIdentityNumber(ValueError):
    """Raised with a Swedish message that can be shown next to the field."""


@dataclass(frozen=True)
class IdentityNumber:
    digits: str  # 12 digits, ÅÅÅÅMMDDNNNN
    birth_date: date
    sex: str  # "K" (kvinna) or "M" (man), from the second-to-last digit
    is_coordination_number: bool

    @property
    def display(self) -> str:
        return format_identity_number(self.digits)


def format_identity_number(digits: str) -> str:
    """12 stored digits -> ÅÅÅÅMMDD-NNNN."""
    return f"{digits[:8]}-{digits[8:]}" if len(digits) == 12 else digits


def parse_identity_number(text: str, *, today: date | None = None) -> IdentityNumber:
    """Parse a personnummer or samordningsnummer written with or without century,
    hyphen (or any dash pasted from a document) or plus ("+" marks a person who turns 100
    or more this year, when the century is omitted)."""
    raw = normalise_dashes(text or "").strip()
    if not raw:
        raise InvalidIdentityNumber("Ange ett personnummer eller samordningsnummer.")
    if not re.fullmatch(r"[0-9\s+\-]+", raw):
        raise InvalidIdentityNumber(
            "Personnumret får bara innehålla siffror och bindestreck, t.ex. 19121212-1212."
        )
    compact = stdnum_pnr.compact(raw)  # 'YYMMDD-NNNN' or 'YYYYMMDD-NNNN'
    separator = compact[-5] if len(compact) in (11, 13) else ""
    digits = compact.replace("-", "").replace("+", "")
    if len(digits) not in (10, 12) or separator not in "-+":
        raise InvalidIdentityNumber("Personnumret ska ha 10 eller 12 siffror, t.ex. 19121212-1212.")
    today = today or clock.today()
    if len(digits) == 12:
        century_digits = digits
    else:
        yy = int(digits[:2])
        # Folkbokföringslagen (1991:481) 18 §: "-" until the year the person turns 100, "+"
        # from the first day of that year (not from the birthday). So "-" is a year among
        # the latest hundred up to this one, "+" a year among the hundred before them; a
        # date later this year with "-" is in the future and refused below.
        century = today.year // 100
        if yy > today.year % 100:
            century -= 1
        if separator == "+":
            century -= 1
        century_digits = f"{century:02d}{digits}"
    year, month, day = (
        int(century_digits[:4]),
        int(century_digits[4:6]),
        int(century_digits[6:8]),
    )
    is_coordination = day > 60
    try:
        birth = date(year, month, day - 60 if is_coordination else day)
    except ValueError:
        raise InvalidIdentityNumber(
            "Datumdelen i personnumret är inte ett giltigt datum."
        ) from None
    if birth > today:
        raise InvalidIdentityNumber("Födelsedatumet i personnumret ligger i framtiden.")
    try:
        luhn.validate(century_digits[2:])
    except ValidationError:
        raise InvalidIdentityNumber(
            "Kontrollsiffran stämmer inte. Kontrollera att personnumret är rätt skrivet."
        ) from None
    sex = "M" if int(century_digits[10]) % 2 else "K"
    return IdentityNumber(century_digits, birth, sex, is_coordination)


def with_check_digit(first_eleven: str) -> str:
    """Complete ÅÅÅÅMMDDNNN with its Luhn check digit (used to generate fictional numbers)."""
    return first_eleven + luhn.calc_check_digit(first_eleven[2:])


def age_on(birth_date: date, on: date) -> int:
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
