"""parse_identity_number against python-stdnum: for the numbers both handle, the same
validity and the same birth date. stdnum does not know samordningsnummer (day + 60) and
reads the century from the real date, so the clock is set to the real date here."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum.se import personnummer as stdnum_pnr

from app.common import clock
from app.common.identity_number import (
    InvalidIdentityNumber,
    parse_identity_number,
    with_check_digit,
)

REAL_TODAY = datetime.now(UTC).date()


@pytest.fixture(autouse=True)
def real_clock():
    """stdnum has no injectable today: both sides use the system clock."""
    clock.set_now(lambda: datetime.now(UTC))
    yield
    clock.set_now(None)


def _ours(text: str) -> date | None:
    try:
        return parse_identity_number(text, today=REAL_TODAY).birth_date
    except InvalidIdentityNumber:
        return None


def _stdnum(text: str) -> date | None:
    if not stdnum_pnr.is_valid(text):
        return None
    return stdnum_pnr.get_birth_date(text)


ten_or_twelve = st.one_of(
    st.from_regex(r"\A[0-9]{6}[-+][0-9]{4}\Z"),
    st.from_regex(r"\A[0-9]{10}\Z"),
    st.from_regex(r"\A(18|19|20)[0-9]{6}-?[0-9]{4}\Z"),
)


@st.composite
def with_valid_check_digit(draw) -> str:
    """A date-shaped number whose Luhn digit is right, in any of the spellings."""
    born = draw(st.dates(min_value=date(1830, 1, 1), max_value=REAL_TODAY))
    serial = draw(st.integers(min_value=0, max_value=999))
    digits = with_check_digit(f"{born:%Y%m%d}{serial:03d}")
    age = REAL_TODAY.year - born.year
    spelling = "twelve" if age >= 200 else draw(st.sampled_from(["twelve", "twelve-dash", "ten"]))
    if spelling == "twelve":
        return digits
    if spelling == "twelve-dash":
        return f"{digits[:8]}-{digits[8:]}"
    return f"{digits[2:8]}{'+' if age >= 100 else '-'}{digits[8:]}"


def _both_handle(text: str) -> bool:
    """Not a samordningsnummer, and (for our part) not in the future: stdnum accepts future
    dates and knows no day + 60."""
    date_part = stdnum_pnr.compact(text)[:-5]
    return len(date_part) in (6, 8) and int(date_part[-2:]) <= 60


@settings(max_examples=400, deadline=None)
@given(st.one_of(ten_or_twelve, with_valid_check_digit()))
@example("261231+1239")  # turns 100 in 2026: "+" all year, also before the birthday
@example("19121212\u20131212")  # an en dash from a word processor
def test_same_validity_and_birth_date_as_stdnum(text: str) -> None:
    ours, theirs = _ours(text), _stdnum(text)
    if not _both_handle(text) or (theirs is not None and theirs > REAL_TODAY):
        return
    assert ours == theirs


@settings(max_examples=200, deadline=None)
@given(with_valid_check_digit())
def test_valid_numbers_are_read_alike(text: str) -> None:
    assert _ours(text) is not None
    assert _ours(text) == _stdnum(text)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=REAL_TODAY), st.integers(0, 999))
def test_samordningsnummer_is_the_birth_date_plus_60_days(born: date, serial: int) -> None:
    """stdnum refuses these; the program reads them as the birth date with day + 60."""
    digits = with_check_digit(f"{born:%Y%m}{born.day + 60:02d}{serial:03d}")
    number = parse_identity_number(digits, today=REAL_TODAY)
    assert number.is_coordination_number
    assert number.birth_date == born
    assert not stdnum_pnr.is_valid(digits)
    sign = "+" if REAL_TODAY.year - born.year >= 100 else "-"
    assert parse_identity_number(f"{digits[2:8]}{sign}{digits[8:]}").birth_date == born
