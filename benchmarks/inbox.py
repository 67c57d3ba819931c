"""The unit's inbox of e-ansökningar with 5 000 waiting (issue 24): the service, as the
window's call makes it, beside its SQL replayed raw.

The deliveries are put in the 2 000-case unit "Enhet 2000" (`chef.prepare`) once and kept
(fictional, marked by their e-service id): three in five from sökande of the unit's open
cases (several months of some), the rest from people the register does not know, one in
twenty quarantined (half a month applied for). They arrived over the last five days, so
some första återkoppling deadlines have passed. The window's time, Ctrl+I to the table
painted, is a row of `benchmarks.gui`.

    uv run python -m benchmarks.inbox                  # 100 000 households
    uv run python -m benchmarks.inbox --households 10000 --repeat 10
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from datetime import date, timedelta

from sqlalchemy import func, insert, select

from app.common import clock
from app.common.identity_number import with_check_digit
from app.common.periods import month_end
from app.db.database import Database
from app.intake import application_format, inbox
from app.models import (
    Case,
    CaseStatus,
    DeliveryStatus,
    HouseholdMember,
    IntakeDelivery,
    MemberRole,
    Person,
    Role,
    Unit,
    User,
)
from app.security.actor import Actor
from benchmarks.chef import BENCH_UNIT
from benchmarks.measure import (
    Measurement,
    ensure_user_roles,
    measured,
    part_parser,
    run_part,
    ui_call,
    with_database,
)

WAITING = 5000
E_SERVICE = "e-ansokan.bench"
INBOX_TARGET_MS = 1000.0
"""No target is given in the issue; a second, as the window's other large lists."""
GUI_INBOX_TARGET_MS = 1000.0


def bench_caseworker(database: Database) -> Actor:
    """A handläggare of the 2 000-case unit."""
    with database.sessions() as session:
        user = session.scalars(
            select(User)
            .join(Unit, Unit.id == User.unit_id)
            .where(Unit.name == BENCH_UNIT, User.role == Role.CASEWORKER, User.active.is_(True))
            .order_by(User.username)
        ).first()
        assert user is not None, f"{BENCH_UNIT} has no handläggare (run chef.prepare)"
        return Actor.of(user)


def ensure_inbox(database: Database, waiting: int = WAITING, seed: int = 24) -> Actor:
    """The bench unit's inbox holding `waiting` deliveries (added once); its handläggare."""
    actor = bench_caseworker(database)
    with database.sessions() as session:
        there = session.scalar(
            select(func.count())
            .select_from(IntakeDelivery)
            .where(IntakeDelivery.e_service == E_SERVICE)
        )
        if there >= waiting:
            return actor
        applicants = session.execute(
            select(Person.personal_number, Person.first_name, Person.last_name)
            .join(HouseholdMember, HouseholdMember.person_id == Person.id)
            .join(Case, Case.household_id == HouseholdMember.household_id)
            .where(Case.unit_id == actor.unit_id, Case.status != CaseStatus.CLOSED)
            .where(HouseholdMember.role == MemberRole.APPLICANT)
            .where(Person.protected_identity.is_(False))
        ).all()
        code = session.scalar(select(Unit.municipality_code).where(Unit.id == actor.unit_id))
    rng = random.Random(seed)
    now = clock.now()
    period = month_end(now.date()) + timedelta(days=1)
    rows = []
    for index in range(there, waiting):
        if applicants and rng.random() < 0.6:
            person = rng.choice(applicants)
            number, first, last = person.personal_number, person.first_name, person.last_name
        else:
            birth = date(1960 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28))
            number = with_check_digit(f"{birth:%Y%m%d}{rng.randrange(1000):03d}")
            first, last = "Bench", f"Sökande{index}"
        quarantined = rng.random() < 0.05
        document = _document(index, number, first, last, period, code or "0180", rng)
        if quarantined:
            document["period"]["tom"] = (period + timedelta(days=14)).isoformat()
        raw = json.dumps(document, ensure_ascii=False).encode()
        rows.append(
            {
                "id": clock.new_id(),
                "received_at": now - timedelta(minutes=rng.randrange(5 * 24 * 60)),
                "sha256": hashlib.sha256(raw).hexdigest(),
                "filename": f"{document['ansokan_id']}.json",
                "raw": raw,
                "e_service": E_SERVICE,
                "application_id": document["ansokan_id"],
                "status": DeliveryStatus.QUARANTINED if quarantined else DeliveryStatus.RECEIVED,
                "reason": "period: ska vara en hel kalendermånad." if quarantined else "",
                "unit_id": actor.unit_id,
                "applicant_digits": number,
                **application_format.summary(document, number),
            }
        )
    with database.sessions.begin() as session:
        session.execute(insert(IntakeDelivery), rows)
    print(f"inbox: {len(rows):,} deliveries added to {BENCH_UNIT}", file=sys.stderr, flush=True)
    return actor


def _document(
    index: int, number: str, first: str, last: str, period: date, code: str, rng: random.Random
) -> dict:
    return {
        "version": "1.0",
        "ansokan_id": f"BENCH-{index:06d}",
        "e_tjanst": {"id": E_SERVICE, "namn": "Benchmarkens e-tjänst"},
        "mottagare": {"kommunkod": code},
        "period": {"from": period.isoformat(), "tom": month_end(period).isoformat()},
        "hushall": {
            "personer": [
                {"personnummer": number, "fornamn": first, "efternamn": last, "roll": "sokande"}
            ]
        },
        "inkomster": [
            {"personnummer": number, "slag": "a_kassa", "belopp": str(rng.randrange(2000, 9000))}
        ],
        "kostnader": [
            {"slag": "boende", "belopp": str(rng.randrange(4000, 11000))},
            {"slag": "hushallsel", "belopp": str(rng.randrange(200, 600))},
        ],
        "forandringar": {"har_forandringar": False},
        "bilagor": [
            {
                "id": "b1",
                "typ": "hyresavi",
                "filnamn": "hyresavi.pdf",
                "mediatyp": "application/pdf",
                "storlek": 1400,
                "sha256": "0" * 64,
            }
        ],
        "signering": {
            "metod": "BankID",
            "signerad": "2026-11-20T10:00:00+01:00",
            "personnummer": number,
        },
    }


def run(database: Database, repeat: int, warmup: int) -> list[Measurement]:
    actor = ensure_inbox(database)
    ensure_user_roles(database, [actor])
    call = ui_call(database, actor, lambda s, a: inbox.inbox(s, a))

    def note(results: list) -> str:
        found = results[-1]
        matched = sum(1 for r in found.rows if r.case_id is not None)
        return (
            f"{len(found.rows):,} rows ({found.quarantined:,} in karantän), "
            f"{matched:,} matched to an open case"
        )

    return [
        measured(
            database,
            f"inbox, {WAITING:,} waiting e-ansökningar (service)",
            INBOX_TARGET_MS,
            [call] * (repeat + warmup),
            warmup,
            note,
            raw_sample=min(repeat, 10),
        ),
        measured(
            database,
            "inbox: waiting count (Mina ärenden)",
            50.0,
            [ui_call(database, actor, lambda s, a: inbox.waiting_count(s, a))] * (repeat + warmup),
            warmup,
            raw_sample=min(repeat, 10),
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    args = part_parser("python -m benchmarks.inbox", __doc__, 10).parse_args(argv)
    return run_part(args, lambda url: with_database(url, lambda db: run(db, args.repeat, 2)))


if __name__ == "__main__":
    sys.exit(main())
