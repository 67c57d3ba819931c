"""Fictional e-ansökningar waiting in each unit's inbox for the demo data (issue 24).

Per unit: two monthly applications from sökande of open cases of the unit (one received
four days ago, so its första återkoppling is late), one from a household the program does
not know (a new case is proposed) and one that is quarantined (half a month applied for).
The documents follow the published format (app.intake.application_format) and are built
from the demo's own people; the kept rows are the same as `take_in` writes.

A separate random generator (seed-derived) keeps the rest of the demo data identical.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.common.identity_number import with_check_digit
from app.common.periods import month_end
from app.intake import application_format
from app.models import (
    Case,
    CaseStatus,
    DeliveryStatus,
    HouseholdMember,
    IntakeDelivery,
    MemberRole,
    Person,
)

E_SERVICE = ("e-ansokan.demokommun", "Demokommunens e-tjänst för ekonomiskt bistånd")
_ROLES = {
    MemberRole.APPLICANT: "sokande",
    MemberRole.CO_APPLICANT: "medsokande",
    MemberRole.CHILD: "barn",
    MemberRole.OTHER: "annan_vuxen",
}
NEW_HOUSEHOLD = (("Nadia", "Demosson", "K"), ("Yusuf", "Demosson", "M"))
QUARANTINED_HOUSEHOLD = (("Linnea", "Provsson", "K"), ("Erik", "Provsson", "M"))


def add_e_applications(
    session: Session, seed: int, now: datetime, units: dict[uuid.UUID, str]
) -> int:
    """Add the waiting deliveries of each unit in `units` (id -> kommunkod); their count."""
    rng = random.Random(seed * 104729 + 24)
    used = set(session.scalars(select(Person.personal_number)))
    period = _next_period(now)
    # the e-service's ids go on from those of an earlier run (the demo made twice)
    earlier = session.scalar(select(func.count()).select_from(IntakeDelivery)) or 0
    added = 0
    for number, (unit_id, code) in enumerate(units.items(), start=1):
        cases = session.scalars(
            select(Case)
            .where(Case.unit_id == unit_id, Case.status != CaseStatus.CLOSED)
            .order_by(Case.case_number)
            .limit(40)
        ).all()
        households = [
            members
            for case in cases
            if (members := _members(session, case))
            and not any(person.protected_identity for person, _role in members)
        ][:2]
        documents: list[tuple[dict[str, Any], timedelta]] = [
            (_document(members, period, code, rng, f"{earlier + number}-{index}", now - age), age)
            for index, (members, age) in enumerate(
                zip(households, (timedelta(days=4), timedelta(hours=3)), strict=False)
            )
        ]
        documents.append(
            (
                _document(
                    _new_household(rng, used), period, code, rng, f"{earlier + number}-ny", now
                ),
                timedelta(hours=1),
            )
        )
        half = _document(
            _new_household(rng, used, QUARANTINED_HOUSEHOLD),
            period,
            code,
            rng,
            f"{earlier + number}-halv",
            now,
        )
        half["period"]["tom"] = (period + timedelta(days=14)).isoformat()
        documents.append((half, timedelta(minutes=20)))
        for document, age in documents:
            raw = json.dumps(document, ensure_ascii=False, indent=2).encode()
            problems = application_format.validate(document)
            session.add(
                IntakeDelivery(
                    received_at=now - age,
                    sha256=hashlib.sha256(raw).hexdigest(),
                    filename=f"{document['ansokan_id']}.json",
                    raw=raw,
                    e_service=E_SERVICE[0],
                    application_id=document["ansokan_id"],
                    status=DeliveryStatus.QUARANTINED if problems else DeliveryStatus.RECEIVED,
                    reason="\n".join(problems),
                    unit_id=unit_id,
                    applicant_digits=document["hushall"]["personer"][0]["personnummer"],
                    **application_format.summary(
                        document, document["hushall"]["personer"][0]["personnummer"]
                    ),
                )
            )
            added += 1
    session.flush()
    return added


def _next_period(now: datetime) -> date:
    """The month after `now`'s: applications come in the month before."""
    return month_end(now.date()) + timedelta(days=1)


def _members(session: Session, case: Case) -> list[tuple[Person, MemberRole]]:
    rows = session.execute(
        select(Person, HouseholdMember.role)
        .join(HouseholdMember, HouseholdMember.person_id == Person.id)
        .where(HouseholdMember.household_id == case.household_id)
        .where(HouseholdMember.member_until.is_(None))
        .order_by(HouseholdMember.sort_order)
    ).all()
    members = [(person, role) for person, role in rows]
    if not members or members[0][1] is not MemberRole.APPLICANT:
        return []
    return members


def _new_household(
    rng: random.Random, used: set[str], names: tuple = NEW_HOUSEHOLD
) -> list[tuple[Any, MemberRole]]:
    people = []
    for (first, last, sex), role in zip(
        names, (MemberRole.APPLICANT, MemberRole.CO_APPLICANT), strict=True
    ):
        birth = date(1980 + rng.randrange(15), 1 + rng.randrange(12), 1 + rng.randrange(28))
        while True:
            serial = rng.randrange(100) * 10 + rng.choice(
                (1, 3, 5, 7, 9) if sex == "M" else (0, 2, 4, 6, 8)
            )
            digits = with_check_digit(f"{birth:%Y%m%d}{serial:03d}")
            if digits not in used:
                used.add(digits)
                break
        person = Person(personal_number=digits, first_name=first, last_name=last)
        people.append((person, role))
    return people


def _document(
    members: list[tuple[Any, MemberRole]],
    period: date,
    code: str,
    rng: random.Random,
    suffix: str,
    sent: datetime,
) -> dict[str, Any]:
    applicant = members[0][0]
    rent = 5200 + 100 * rng.randrange(40)
    return {
        "version": "1.0",
        "ansokan_id": f"DEMO-{period:%Y%m}-{suffix}",
        "e_tjanst": {"id": E_SERVICE[0], "namn": E_SERVICE[1]},
        "mottagare": {"kommunkod": code},
        "period": {"from": period.isoformat(), "tom": month_end(period).isoformat()},
        "hushall": {
            "personer": [
                {
                    "personnummer": person.personal_number,
                    "fornamn": person.first_name,
                    "efternamn": person.last_name,
                    "roll": _ROLES[role],
                }
                for person, role in members
            ]
        },
        "inkomster": [
            {
                "personnummer": applicant.personal_number,
                "slag": rng.choice(("a_kassa", "sjukpenning", "aktivitetsstod")),
                "belopp": str(2000 + 50 * rng.randrange(60)),
            }
        ],
        "kostnader": [
            {"slag": "boende", "belopp": str(rent), "beskrivning": "Hyra"},
            {"slag": "hushallsel", "belopp": str(250 + 10 * rng.randrange(30))},
            {"slag": "hemforsakring", "belopp": "159"},
        ],
        "forandringar": {"har_forandringar": False},
        "bilagor": [],
        "signering": {
            "metod": "BankID",
            "signerad": (sent - timedelta(hours=2)).replace(microsecond=0).isoformat(),
            "personnummer": applicant.personal_number,
        },
    }
