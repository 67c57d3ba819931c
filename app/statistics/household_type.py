"""Hushållstyp: Socialstyrelsen's household type of a household in one month.

The codes and their names are data, one list for the chef's statistics and the individual
data export alike: resources/code_lists.json, list "hushallstyp", taken from Socialstyrelsen's
Variabelförteckning för registret över ekonomiskt bistånd (part Biståndshushåll, variable
Hushållstyp; the source with its address stands beside the list):

    1 enbart barn under 18 år          6 ensamstående kvinna med barn
    3 ensamstående man utan barn       7 sammanboende par utan barn
    4 ensamstående man med barn        8 sammanboende par med barn
    5 ensamstående kvinna utan barn    9 okänd hushållstyp

"Barn" there is a child under 18 (the same page's variable Barn: "antal barn under 18 år i
hushållet"), whatever the person's role in the case: a son of 19 registered with role barn
does not make the household "med barn".

How the program reads the list (the variable list names the types; how a month's members
map onto them is the program's reading, stated here so that it can be checked):
- A member counts for a month if the membership overlaps any day of it (the same rule as the
  child gate in decisions.py). Umgängesbarn live with the other parent and are not counted
  (they are counted in the household where they live).
- Under 18 in a month: not yet 18 on the month's first day (as the statistics' ungdomshushåll,
  18–24 on the first day).
- Every counted member under 18 and nobody 18 or older: 1.
- A sökande and a medsökande: sammanboende par, 7 or 8. A sökande alone: ensamstående, by the
  sökande's sex (K kvinna 5/6, M man 3/4).
- Other adults of the household (role "övrig", or a child of 18 or more) do not change the
  type: the variable list defines the types by sökande, medsökande and barn only.
- Anything else (no sökande, a sex other than K/M): 9, okänd hushållstyp.

The type follows the members of that month, so a household changes type mid-year when
someone moves in or out: a single woman whose child moves in during June is 5 up to May and
6 from June.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common import code_lists
from app.common.periods import month_end, month_start
from app.models import HouseholdMember, MemberRole, Person

ONLY_CHILDREN = "1"
UNKNOWN = "9"
SINGLE_MAN = ("3", "4")
"""(utan barn, med barn)"""
SINGLE_WOMAN = ("5", "6")
COUPLE = ("7", "8")

HOUSEHOLD_TYPES: dict[str, str] = {
    c.code: c.label for c in code_lists.codes(code_lists.HOUSEHOLD_TYPE)
}
"""Code -> Swedish name, in the order statistics show them (the list's order)."""

SOURCE = code_lists.source(code_lists.HOUSEHOLD_TYPE)


ADULT_AGE = 18


def label(code: str | None) -> str:
    return HOUSEHOLD_TYPES.get(code or "", code or "")


@dataclass(frozen=True)
class MemberSpan:
    """What the type needs to know about one membership (roles as their string values)."""

    role: str
    visiting_child: bool
    member_from: date | None
    member_until: date | None
    sex: str
    birth_date: date


def in_month(member_from: date | None, member_until: date | None, month: date) -> bool:
    """A membership that overlaps any day of the month."""
    start = month_start(month)
    return (member_from is None or member_from <= month_end(start)) and (
        member_until is None or start <= member_until
    )


def adult_on(birth_date: date, month: date) -> bool:
    """18 or older on the first day of `month`."""
    first = month_start(month)
    before_birthday = (first.month, first.day) < (birth_date.month, birth_date.day)
    return first.year - birth_date.year - before_birthday >= ADULT_AGE


def classify(
    *,
    applicant: bool,
    applicant_sex: str | None,
    co_applicant: bool,
    grown: int,
    children: int,
) -> str:
    """The code of one month's composition: whether there is a sökande (and her/his sex) and
    a medsökande, how many counted members are 18 or older (`grown`, any role) and how many
    are under 18 (`children`, umgängesbarn already left out)."""
    if grown == 0 and (children > 0 or applicant or co_applicant):
        return ONLY_CHILDREN
    with_children = 1 if children > 0 else 0
    if applicant and co_applicant:
        return COUPLE[with_children]
    if applicant:
        if applicant_sex == "K":
            return SINGLE_WOMAN[with_children]
        if applicant_sex == "M":
            return SINGLE_MAN[with_children]
    return UNKNOWN


@dataclass(frozen=True)
class MonthComposition:
    applicant_sex: str | None
    """The first sökande's sex, None when no sökande is a member that month."""
    code: str
    with_children: bool
    """A child under 18 (umgängesbarn left out) lives there that month."""


def month_composition(members: Sequence[MemberSpan], month: date) -> MonthComposition:
    """The household in `month` from its memberships (any months); only those of `month`
    count. The statistics' kept facts and `type_of_members` read it alike."""
    applicant = co_applicant = False
    applicant_sex: str | None = None
    grown = children = 0
    for m in members:
        if not in_month(m.member_from, m.member_until, month):
            continue
        if m.role == MemberRole.CHILD.value and m.visiting_child:
            continue
        if m.role == MemberRole.APPLICANT.value and not applicant:
            applicant, applicant_sex = True, m.sex
        elif m.role == MemberRole.CO_APPLICANT.value:
            co_applicant = True
        if adult_on(m.birth_date, month):
            grown += 1
        else:
            children += 1
    code = classify(
        applicant=applicant,
        applicant_sex=applicant_sex,
        co_applicant=co_applicant,
        grown=grown,
        children=children,
    )
    return MonthComposition(applicant_sex, code, children > 0)


def statistics_sex(members: Sequence[MemberSpan], found: MonthComposition) -> str:
    """The household's sex in the statistics in a month whose composition is `found`: its
    sökande's that month, else that of the household's sökande in any month, else K."""
    any_applicant = next((m.sex for m in members if m.role == MemberRole.APPLICANT.value), None)
    return found.applicant_sex or any_applicant or "K"


def sex_in_month(members: Sequence[MemberSpan], month: date) -> str:
    """`statistics_sex` of `month` (the SIP and hembesök facts keep it per case and month)."""
    return statistics_sex(members, month_composition(members, month))


def type_of_members(members: Sequence[MemberSpan], month: date) -> str:
    """The code from the memberships of one household (any months); only those of `month` count."""
    return month_composition(members, month).code


def memberships_of(
    session: Session, household_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[MemberSpan]]:
    """Each household's memberships (all months, in their sort order), as the type reads them."""
    found: dict[uuid.UUID, list[MemberSpan]] = defaultdict(list)
    for row in session.execute(
        select(
            HouseholdMember.household_id,
            HouseholdMember.role,
            HouseholdMember.visiting_child,
            HouseholdMember.member_from,
            HouseholdMember.member_until,
            Person.sex,
            Person.birth_date,
        )
        .join(Person, Person.id == HouseholdMember.person_id)
        .where(HouseholdMember.household_id.in_(household_ids))
        .order_by(HouseholdMember.household_id, HouseholdMember.sort_order)
    ):
        found[row.household_id].append(
            MemberSpan(
                MemberRole(row.role).value,
                bool(row.visiting_child),
                row.member_from,
                row.member_until,
                row.sex,
                row.birth_date,
            )
        )
    return found


def household_type(session: Session, household_id: uuid.UUID, month: date) -> str:
    """Socialstyrelsen's hushållstyp code of one household in `month`."""
    return type_of_members(memberships_of(session, [household_id]).get(household_id, []), month)
