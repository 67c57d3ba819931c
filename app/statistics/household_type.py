"""Hushållstyp: Socialstyrelsen's household type of a household in one month.

The type follows the members of that month, so a household changes type mid-year when
someone moves in or out: a single woman whose child moves in during June is "1" up to May
and "4" from June. A member counts for a month if the membership overlaps any day of it
(the same rule as the child gate in decisions.py).

Rules, from the members of the month:
- vuxna: sökande and medsökande. One vuxen and no "övrig i hushållet": ensamstående (the
  sex of the sökande decides kvinna/man); two vuxna and no övrig: sammanboende; anything
  else (no sökande, more adults, or an övrig vuxen such as a grown-up child): övriga.
- med barn: at least one member with role barn who is not an umgängesbarn. Umgängesbarn
  live with the other parent and do not make a household "med barn".

VERIFY: the numeric codes below follow the issue's brief and have not been checked against
Socialstyrelsen's technical description of the HSLF-FS 2015:30 file. A public variable list
for Socialstyrelsen's register of ekonomiskt bistånd numbers the types differently
(1 enbart barn under 18 år, 3 ensamstående man utan barn, 4 ensamstående man med barn,
5 ensamstående kvinna utan barn, 6 ensamstående kvinna med barn, 7 sammanboende utan barn,
8 sammanboende med barn, 9 okänd), and whether "barn" means role barn or age under 18 is not
confirmed either. The codes are data: change `HOUSEHOLD_TYPES` and `CODE_FOR`, nothing else.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common.periods import month_end, month_start
from app.models import HouseholdMember, MemberRole, Person

VERIFY = True
"""The codes have not been checked against Socialstyrelsen's file description (see above)."""

HOUSEHOLD_TYPES: dict[str, str] = {
    "1": "Ensamstående kvinna utan barn",
    "3": "Ensamstående man utan barn",
    "4": "Ensamstående kvinna med barn",
    "5": "Ensamstående man med barn",
    "6": "Sammanboende utan barn",
    "7": "Sammanboende med barn",
    "8": "Övriga hushåll utan barn",
    "9": "Övriga hushåll med barn",
}
"""Code -> Swedish label, in the order statistics show them."""

SINGLE_WOMAN = "ensam_kvinna"
SINGLE_MAN = "ensam_man"
COUPLE = "sammanboende"
OTHER = "ovriga"

CODE_FOR: dict[tuple[str, bool], str] = {
    (SINGLE_WOMAN, False): "1",
    (SINGLE_MAN, False): "3",
    (SINGLE_WOMAN, True): "4",
    (SINGLE_MAN, True): "5",
    (COUPLE, False): "6",
    (COUPLE, True): "7",
    (OTHER, False): "8",
    (OTHER, True): "9",
}
"""(composition, med barn) -> code."""

ADULT_ROLES = frozenset({MemberRole.APPLICANT.value, MemberRole.CO_APPLICANT.value})


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


def in_month(member_from: date | None, member_until: date | None, month: date) -> bool:
    """A membership that overlaps any day of the month."""
    start = month_start(month)
    return (member_from is None or member_from <= month_end(start)) and (
        member_until is None or start <= member_until
    )


def classify(adults: int, others: int, children: int, applicant_sex: str | None) -> str:
    """The code for a composition: counts of vuxna (sökande + medsökande), övriga and barn
    (umgängesbarn already left out), and the sökande's sex (K/M)."""
    if others == 0 and adults == 1 and applicant_sex in ("K", "M"):
        composition = SINGLE_WOMAN if applicant_sex == "K" else SINGLE_MAN
    elif others == 0 and adults == 2 and applicant_sex is not None:
        composition = COUPLE
    else:
        composition = OTHER
    return CODE_FOR[(composition, children > 0)]


def type_of_members(members: list[MemberSpan], month: date) -> str:
    """The code from the memberships of one household (any months); only those of `month` count."""
    adults = others = children = 0
    applicant_sex: str | None = None
    for m in members:
        if not in_month(m.member_from, m.member_until, month):
            continue
        if m.role in ADULT_ROLES:
            adults += 1
            if m.role == MemberRole.APPLICANT.value and applicant_sex is None:
                applicant_sex = m.sex
        elif m.role == MemberRole.CHILD.value:
            if not m.visiting_child:
                children += 1
        else:
            others += 1
    return classify(adults, others, children, applicant_sex)


def household_type(session: Session, household_id: uuid.UUID, month: date) -> str:
    """Socialstyrelsen's hushållstyp code of one household in `month`."""
    rows = session.execute(
        select(
            HouseholdMember.role,
            HouseholdMember.visiting_child,
            HouseholdMember.member_from,
            HouseholdMember.member_until,
            Person.sex,
        )
        .join(Person, Person.id == HouseholdMember.person_id)
        .where(HouseholdMember.household_id == household_id)
        .order_by(HouseholdMember.sort_order)
    ).all()
    return type_of_members(
        [MemberSpan(MemberRole(r[0]).value, bool(r[1]), r[2], r[3], r[4]) for r in rows], month
    )
