"""The unit's name index (case_search_names, migration 0036) is kept by the database: after
any sequence of changes to cases, memberships and names it equals the index made anew, on
SQLite and PostgreSQL; and a common name elsewhere in the municipality does not crowd out
the unit's own hits."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from sqlalchemy import select, update

from app.cases import case_search, name_index
from app.cases.case_register import PersonInput, change_status
from app.common.identity_number import with_check_digit
from app.common.text_input import search_key
from app.models import Case, CaseStatus, HouseholdMember, MemberRole, Person

NAMES = ("Andersson", "Berg", "Östberg", "Ali", "Nilsson", "Åkesson")
FIRST = ("Anna", "Bo", "Émile", "Nour", "Lars", "Maja")


def _pnr(rng: random.Random) -> str:
    digits = with_check_digit(
        f"19{rng.randrange(40, 99)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
        f"{rng.randrange(100, 1000)}"
    )
    return f"{digits[:8]}-{digits[8:]}"


def _numbers(rng: random.Random) -> Callable[[], str]:
    """A maker of personnummer not given before (valid check digits, fictional)."""
    used: set[str] = set()

    def new_number() -> str:
        while (number := _pnr(rng)) in used:
            pass
        used.add(number)
        return number

    return new_number


def _agrees(session) -> None:
    session.flush()
    assert name_index.differences(session) == (set(), set())


def test_the_index_follows_every_change_and_equals_it_made_anew(
    session, make_case, staff, colleague, other_unit_caseworker
) -> None:
    rng = random.Random(2126)
    new_number = _numbers(rng)
    actors = [staff.caseworker, colleague, other_unit_caseworker]
    cases = [
        make_case(
            new_number(),
            rng.choice(FIRST),
            rng.choice(NAMES),
            actor=rng.choice(actors),
            members=[
                PersonInput(new_number(), rng.choice(FIRST), rng.choice(NAMES), MemberRole.CHILD)
                for _ in range(rng.randrange(3))
            ],
        )
        for _ in range(12)
    ]
    session.commit()
    _agrees(session)
    units = [staff.unit.id, staff.other_unit.id]
    for _step in range(40):
        case = rng.choice(cases)
        action = rng.randrange(6)
        if action == 0:  # a person renamed (a name change registered)
            person = session.scalar(
                select(Person)
                .join(HouseholdMember, HouseholdMember.person_id == Person.id)
                .where(HouseholdMember.household_id == case.household_id)
                .limit(1)
            )
            last = rng.choice(NAMES) + rng.choice(("", "-Lind", " Ek"))
            person.last_name, person.last_name_key = last, search_key(last)
        elif action == 1:  # a member added
            number = new_number().replace("-", "")
            person = Person(
                personal_number=number,
                birth_date=date(int(number[:4]), int(number[4:6]), int(number[6:8])),
                first_name="Ny",
                last_name=rng.choice(NAMES),
                first_name_key="ny",
                last_name_key=search_key(rng.choice(NAMES)),
                sex="K",
            )
            session.add(person)
            session.flush()
            session.add(
                HouseholdMember(
                    household_id=case.household_id, person_id=person.id, role=MemberRole.OTHER
                )
            )
        elif action == 2:  # a member leaves the household
            member = session.scalar(
                select(HouseholdMember)
                .where(HouseholdMember.household_id == case.household_id)
                .where(HouseholdMember.role != MemberRole.APPLICANT)
                .limit(1)
            )
            if member is not None:
                session.delete(member)
        elif action == 3:  # a member moves to another case's household
            member = session.scalar(
                select(HouseholdMember)
                .where(HouseholdMember.household_id == case.household_id)
                .where(HouseholdMember.role != MemberRole.APPLICANT)
                .limit(1)
            )
            target = rng.choice(cases)
            already = session.scalar(
                select(HouseholdMember.id)
                .where(HouseholdMember.household_id == target.household_id)
                .where(HouseholdMember.person_id == (member.person_id if member else None))
            )
            if member is not None and already is None:
                member.household_id = target.household_id
        elif action == 4:  # the case moves on in its lifecycle, or is closed
            session.refresh(case)
            following = {
                CaseStatus.REGISTERED: CaseStatus.INVESTIGATION,
                CaseStatus.INVESTIGATION: CaseStatus.ACTIVE,
                CaseStatus.ACTIVE: CaseStatus.CLOSED,
                CaseStatus.CLOSED: CaseStatus.REGISTERED,
            }[case.status]
            owner = next(a for a in actors if a.unit_id == case.unit_id)
            change_status(
                session,
                owner,
                case.id,
                following,
                closing_reason="arbete" if following is CaseStatus.CLOSED else None,
            )
        else:  # the case changes unit (as an administrator's reorganisation would)
            session.execute(
                update(Case).where(Case.id == case.id).values(unit_id=rng.choice(units))
            )
        _agrees(session)
    session.commit()
    _agrees(session)


def test_name_hits_in_the_unit_are_found_past_a_common_name_elsewhere(
    session, make_case, caseworker, other_unit_caseworker
) -> None:
    """300 Berg in the other unit, sorted before the unit's own: the search reads the unit's
    index, so the three of its own are all there, in order, open before closed."""
    rng = random.Random(7)
    new_number = _numbers(rng)
    for index in range(300):
        make_case(new_number(), f"Aa{index:03d}", "Berg", actor=other_unit_caseworker)
    ours = [make_case(new_number(), first, "Berg") for first in ("Örjan", "Cilla", "Bo")]
    change_status(session, caseworker, ours[2].id, CaseStatus.CLOSED, closing_reason="arbete")
    session.commit()
    result = case_search.search(session, caseworker, "berg")
    assert [h.person_name for h in result.hits] == ["Cilla Berg", "Örjan Berg", "Bo Berg"]
    assert [h.case_number for h in result.hits] == [
        ours[1].case_number,
        ours[0].case_number,
        ours[2].case_number,
    ]
    assert not result.truncated
    # a first-name prefix and two words take the same index
    assert [h.person_name for h in case_search.search(session, caseworker, "cil").hits] == [
        "Cilla Berg"
    ]
    assert [h.person_name for h in case_search.search(session, caseworker, "berg ö").hits] == [
        "Örjan Berg"
    ]
    assert case_search.search(session, other_unit_caseworker, "örjan").hits == []
