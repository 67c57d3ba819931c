"""Hushållstyp: one code list, Socialstyrelsen's (variabelförteckningen för registret över
ekonomiskt bistånd), for the statistics and the individual data export alike."""

from __future__ import annotations

from datetime import date

import pytest

from app.common import code_lists
from app.statistics import household_type
from app.statistics.household_type import MemberSpan, type_of_members

OCT = date(2026, 10, 1)

VARIABLE_LIST = {
    "1": "Enbart barn under 18 år",
    "3": "Ensamstående man utan barn",
    "4": "Ensamstående man med barn",
    "5": "Ensamstående kvinna utan barn",
    "6": "Ensamstående kvinna med barn",
    "7": "Sammanboende par utan barn",
    "8": "Sammanboende par med barn",
    "9": "Okänd hushållstyp",
}
"""The public variable list's codes, as the page gives them."""


def test_the_codes_are_socialstyrelsens_with_their_source():
    assert household_type.HOUSEHOLD_TYPES == VARIABLE_LIST
    assert not hasattr(household_type, "VERIFY")
    source = code_lists.source(code_lists.HOUSEHOLD_TYPE)
    assert "Variabelförteckning för registret över ekonomiskt bistånd" in source
    assert "socialstyrelsen.se/statistik-och-data/register/ekonomiskt-bistand" in source
    assert all(not c.verify for c in code_lists.codes(code_lists.HOUSEHOLD_TYPE))


def member(role: str, sex: str, born: date, *, visiting=False, start=None, until=None):
    return MemberSpan(role, visiting, start, until, sex, born)


ADULT = date(1985, 5, 5)
CHILD = date(2015, 5, 5)


@pytest.mark.parametrize(
    ("members", "code"),
    [
        ([member("sokande", "K", ADULT)], "5"),
        ([member("sokande", "K", ADULT), member("barn", "M", CHILD)], "6"),
        ([member("sokande", "M", ADULT)], "3"),
        ([member("sokande", "M", ADULT), member("barn", "K", CHILD)], "4"),
        ([member("sokande", "M", ADULT), member("medsokande", "K", ADULT)], "7"),
        (
            [
                member("sokande", "M", ADULT),
                member("medsokande", "K", ADULT),
                member("barn", "K", CHILD),
            ],
            "8",
        ),
        # an umgängesbarn lives with the other parent
        ([member("sokande", "K", ADULT), member("barn", "K", CHILD, visiting=True)], "5"),
        # "barn" is a child under 18: a son of 19 with role barn is not one
        ([member("sokande", "K", ADULT), member("barn", "M", date(2007, 1, 1))], "5"),
        # a member under 18 with another role is a child of the household
        ([member("sokande", "K", ADULT), member("ovrig", "M", CHILD)], "6"),
        # another adult does not change the type
        ([member("sokande", "M", ADULT), member("ovrig", "K", ADULT)], "3"),
        # a sökande of 17 alone with her child: only children under 18
        ([member("sokande", "K", date(2009, 3, 1)), member("barn", "M", date(2026, 1, 1))], "1"),
        # no sökande: the type is unknown
        ([member("medsokande", "K", ADULT)], "9"),
        ([], "9"),
    ],
)
def test_composition_to_code(members, code):
    assert type_of_members(members, OCT) == code


def test_a_child_turning_18_counts_as_a_child_until_the_month_after():
    household = [member("sokande", "K", ADULT), member("barn", "M", date(2008, 10, 15))]
    assert type_of_members(household, OCT) == "6"  # 17 on 1 October
    assert type_of_members(household, date(2026, 11, 1)) == "5"  # 18 on 1 November
    born_on_the_first = [member("sokande", "K", ADULT), member("barn", "M", date(2008, 10, 1))]
    assert type_of_members(born_on_the_first, OCT) == "5"


def test_members_of_other_months_do_not_count():
    household = [
        member("sokande", "K", ADULT),
        member("barn", "M", CHILD, start=date(2026, 11, 3)),
        member("medsokande", "M", ADULT, until=date(2026, 9, 30)),
    ]
    assert type_of_members(household, OCT) == "5"
    assert type_of_members(household, date(2026, 9, 1)) == "7"
    assert type_of_members(household, date(2026, 11, 1)) == "6"
