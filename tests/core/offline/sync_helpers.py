"""Steps of the sync tests: take cases along to a laptop, work offline, sync (the laptops
themselves: the `laptops` fixture in conftest.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.common import clock
from app.journal import plans
from app.journal.plans import PlanInput
from app.models import Plan
from app.offline import checkout, leases, sync

OFFLINE_PASSWORD = "offline-lösen-för-hembesök"


def take_along(db, laptop, actor, case_ids) -> None:
    with db.sessions() as server, laptop.sessions() as local:
        checkout.check_out(
            server,
            local,
            actor,
            case_ids,
            due_on=clock.today() + timedelta(1),
            offline_password=OFFLINE_PASSWORD,
        )
        server.commit()
        local.commit()


def plan_for(session, actor, case_id) -> Plan:
    """A förändringsplan for the case, as the handläggare makes it at the office."""
    return plans.create_plan(
        session,
        actor,
        case_id,
        PlanInput("forandringsplan", "Egen försörjning", clock.today(), None),
    )


def hand_over(db, manager, holder, laptop, new_holder, case_id) -> None:
    """The holder's laptop stays away: the chef revokes the lease and a colleague takes the
    case along on another laptop."""
    with db.sessions.begin() as server:
        [lease] = leases.my_leases(server, holder)
        leases.revoke(server, manager, lease.lease_id, expected_version=lease.version)
    take_along(db, laptop, new_holder, [case_id])


def check_in(db, laptop, actor, case_id) -> None:
    """The holder's laptop is done with the case: it is back at the office."""
    with db.sessions() as server, laptop.sessions() as local:
        sync.check_in(server, local, actor, [case_id])


def offline(laptop, actor):
    """The actor working on the laptop."""
    with laptop.sessions() as local:
        return actor.on_replica(checkout.replica_id(local))


def run_sync(db, laptop, actor) -> sync.SyncReport:
    with db.sessions() as server, laptop.sessions() as local:
        return sync.sync(server, local, actor)


def count(db, model, *where) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))
