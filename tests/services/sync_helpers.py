"""Steps of the sync tests: take cases along to a laptop, work offline, sync (the laptops
themselves: the `laptops` fixture in conftest.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.services import checkout, clock, sync


def take_along(db, laptop, actor, case_ids) -> None:
    with db.sessions() as server, laptop.sessions() as local:
        checkout.check_out(server, local, actor, case_ids, due_on=clock.today() + timedelta(1))
        server.commit()
        local.commit()


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
