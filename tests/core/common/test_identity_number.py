"""parse_identity_number: every common spelling, samordningsnummer, century, and bad input."""

from __future__ import annotations

from datetime import date

import pytest

from app.common.identity_number import (
    IdentityNumber,
    InvalidIdentityNumber,
    age_on,
    format_identity_number,
    parse_identity_number,
    with_check_digit,
)

TODAY = date(2026, 11, 23)

TOLVAN = IdentityNumber("191212121212", date(1912, 12, 12), "M", False)
"""Skatteverket's classic test person Tolvan Tolvansson, 19121212-1212."""


def parse(text: str, today: date = TODAY) -> IdentityNumber:
    return parse_identity_number(text, today=today)


@pytest.mark.parametrize(
    "text",
    [
        "191212121212",
        "19121212-1212",
        "19121212+1212",  # with the century written out, "+" changes nothing
        " 19121212-1212 ",
        "1912 1212 1212",
        "19121212 - 1212",
        "121212+1212",  # 10 digits, "+" = 100 years or older
    ],
)
def test_spellings_of_a_person_born_1912(text: str) -> None:
    assert parse(text) == TOLVAN


@pytest.mark.parametrize("text", ["121212-1212", "1212121212", "121212 1212", "12 12 12-1212"])
def test_ten_digits_without_plus_mean_under_100_years(text: str) -> None:
    assert parse(text) == IdentityNumber("201212121212", date(2012, 12, 12), "M", False)


@pytest.mark.parametrize(
    "dash",
    ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", " \u2013 "],
    ids=["hyphen-minus", "hyphen", "nb-hyphen", "figure", "en", "em", "minus", "spaced-en"],
)
def test_dashes_pasted_from_documents_are_accepted(dash: str) -> None:
    assert parse(f"19121212{dash}1212") == TOLVAN
    assert parse(f"850312{dash}1231").birth_date == date(1985, 3, 12)


def test_display_form_is_eight_digits_hyphen_four() -> None:
    assert parse("1212121212").display == "20121212-1212"
    assert format_identity_number("198503121231") == "19850312-1231"
    assert format_identity_number("12345") == "12345"


def test_woman_from_even_second_to_last_digit() -> None:
    number = parse("19850312-1249")
    assert number.sex == "K"
    assert number.birth_date == date(1985, 3, 12)
    assert number.digits == "198503121249"


def test_man_from_odd_second_to_last_digit() -> None:
    assert parse("19850312-1231").sex == "M"


def test_samordningsnummer_day_plus_60() -> None:
    number = parse("19780975-5676")
    assert number.is_coordination_number is True
    assert number.birth_date == date(1978, 9, 15)
    assert number.digits == "197809755676"
    assert number.sex == "M"
    assert parse("780975-5676") == number


def test_ordinary_number_is_not_samordningsnummer() -> None:
    assert parse("19780915-5679").is_coordination_number is False


def test_samordningsnummer_with_invalid_day_is_refused() -> None:
    # day 92 - 60 = 32
    with pytest.raises(InvalidIdentityNumber, match="giltigt datum"):
        parse(with_check_digit("19780992556"))


class TestCenturyInference:
    def test_year_digits_after_this_year_mean_last_century(self) -> None:
        assert parse("850312-1231").birth_date == date(1985, 3, 12)

    def test_year_digits_up_to_this_year_mean_this_century(self) -> None:
        assert parse("150607-3459").birth_date == date(2015, 6, 7)

    def test_same_year_digits_relative_to_given_today(self) -> None:
        # In 2030, "27" is 2027; in 2026 it is 1927.
        number = with_check_digit("20270101123")[2:]
        assert parse(number, today=date(2030, 1, 1)).birth_date == date(2027, 1, 1)
        assert parse(number, today=date(2026, 11, 23)).birth_date == date(1927, 1, 1)

    def test_born_today_is_this_century(self) -> None:
        assert parse("261123-0018").birth_date == date(2026, 11, 23)

    def test_plus_from_the_year_the_person_turns_100(self) -> None:
        # Folkbokföringslagen (1991:481) 18 §: "+" from the start of the year the person
        # turns 100, not from the birthday. 1926-12-24 turns 100 in 2026 and writes "+".
        number = parse("261224+1238")
        assert number.birth_date == date(1926, 12, 24)
        assert number.digits == "192612241238"
        assert age_on(number.birth_date, TODAY) == 99

    def test_minus_in_the_year_of_the_hundredth_birthday_is_this_century(self) -> None:
        # "-" in 2026 means born 1927–2026: 261224 is then 2026-12-24, in the future.
        with pytest.raises(InvalidIdentityNumber, match="framtiden"):
            parse("261224-1238")

    @pytest.mark.parametrize(
        ("today", "text", "born"),
        [
            # New Year's Eve: one born 1927-01-01 is 99 and still writes "-".
            (date(2026, 12, 31), "270101-1237", date(1927, 1, 1)),
            # New Year's Day: the same person turns 100 this year and writes "+".
            (date(2027, 1, 1), "270101+1237", date(1927, 1, 1)),
            (date(2027, 1, 1), "261231+1239", date(1926, 12, 31)),
            # One born on New Year's Eve writes "+" for a whole year before turning 100.
            (date(2026, 1, 1), "261231+1239", date(1926, 12, 31)),
            (date(2026, 12, 31), "261231+1239", date(1926, 12, 31)),
            (date(2026, 12, 31), "261231-1239", date(2026, 12, 31)),
        ],
    )
    def test_new_years_eve_and_day(self, today: date, text: str, born: date) -> None:
        assert parse(text, today=today).birth_date == born

    def test_minus_on_new_years_day_for_one_turning_100_is_refused(self) -> None:
        # 1927-01-02 writes "+" from 2027-01-01; with "-" it is tomorrow, in the future.
        assert parse("270102+1236", today=date(2027, 1, 1)).birth_date == date(1927, 1, 2)
        with pytest.raises(InvalidIdentityNumber, match="framtiden"):
            parse("270102-1236", today=date(2027, 1, 1))

    def test_plus_means_a_century_earlier(self) -> None:
        assert parse("850312+1231").birth_date == date(1885, 3, 12)

    def test_century_when_today_is_injected(self) -> None:
        assert parse("121212-1212", today=date(2011, 1, 1)).birth_date == date(1912, 12, 12)

    def test_today_defaults_to_the_clock(self) -> None:
        # The autouse fixed clock says 2026-11-23.
        assert parse_identity_number("261123-0018").birth_date == date(2026, 11, 23)
        with pytest.raises(InvalidIdentityNumber, match="framtiden"):
            parse_identity_number("20261124-0017")


class TestRefused:
    def test_wrong_check_digit(self) -> None:
        with pytest.raises(InvalidIdentityNumber, match="Kontrollsiffran stämmer inte"):
            parse("19121212-1213")

    def test_wrong_check_digit_ten_digits(self) -> None:
        with pytest.raises(InvalidIdentityNumber, match="Kontrollsiffran"):
            parse("8503121232")

    def test_samordningsnummer_wrong_check_digit(self) -> None:
        with pytest.raises(InvalidIdentityNumber, match="Kontrollsiffran"):
            parse("19780975-5677")

    @pytest.mark.parametrize(
        "text",
        ["19851312-1234", "19850230-1234", "19850000-1234", "19000229-0000", "00000000-0000"],
    )
    def test_invalid_date(self, text: str) -> None:
        with pytest.raises(InvalidIdentityNumber, match="inte ett giltigt datum"):
            parse(text)

    def test_leap_day_is_a_valid_date(self) -> None:
        assert parse("20000229-0120").birth_date == date(2000, 2, 29)

    def test_future_date(self) -> None:
        with pytest.raises(InvalidIdentityNumber, match="ligger i framtiden"):
            parse("20261124-0017")

    def test_future_date_far(self) -> None:
        with pytest.raises(InvalidIdentityNumber, match="framtiden"):
            parse(with_check_digit("20991212121"))

    @pytest.mark.parametrize("text", ["", "   ", None])
    def test_empty(self, text) -> None:
        with pytest.raises(InvalidIdentityNumber, match="Ange ett personnummer"):
            parse(text)

    @pytest.mark.parametrize(
        "text",
        [
            "abc",
            "19121212-121A",
            "Tolvan Tolvansson",
            "1' OR '1'='1",
            "19121212-1212; DROP TABLE persons;--",
            "19121212:1212",
            "19121212.1212",
            "١٩١٢١٢١٢-١٢١٢",  # Arabic-Indic digits
            "１９１２１２１２-１２１２",  # full-width digits
            "19121212\u200b-1212",  # zero-width space
            "\u200b",
            "19121212-1212\x00",
        ],
    )
    def test_characters_other_than_digits(self, text: str) -> None:
        with pytest.raises(InvalidIdentityNumber, match="bara innehålla siffror"):
            parse(text)

    @pytest.mark.parametrize(
        "text",
        ["1" * 10_000, "9" * 13, "12121212121", "121212-121", "1912121212121", "+", "--", "-+-"],
    )
    def test_wrong_number_of_digits(self, text: str) -> None:
        with pytest.raises(InvalidIdentityNumber, match="10 eller 12 siffror"):
            parse(text)

    def test_very_long_string_of_mixed_characters(self) -> None:
        with pytest.raises(InvalidIdentityNumber, match="bara innehålla siffror"):
            parse("19121212-1212" + "x" * 100_000)

    def test_error_is_a_value_error(self) -> None:
        with pytest.raises(ValueError):
            parse("nonsense")


def test_with_check_digit_completes_luhn() -> None:
    assert with_check_digit("19121212121") == "191212121212"
    assert with_check_digit("19850312123") == "198503121231"


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2000, 2, 29), date(2026, 2, 28), 25),
        (date(2000, 2, 29), date(2026, 3, 1), 26),
        (date(1985, 3, 12), date(2026, 3, 11), 40),
        (date(1985, 3, 12), date(2026, 3, 12), 41),
        (date(2026, 11, 23), date(2026, 11, 23), 0),
    ],
)
def test_age_on(birth: date, on: date, age: int) -> None:
    assert age_on(birth, on) == age
