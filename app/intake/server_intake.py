"""Collecting what the e-service dropped on the shared server (intake_submissions).

The e-service's login role may only insert files into intake_submissions, all files of one
application in one transaction under one `delivery_key` (migration 0048; docs/e-ansokan.md).
A handläggare's program moves them into the unit's inbox through `take_in` (validation,
quarantine, duplicates): one transaction per delivery, in which the submissions are deleted,
so a delivery is either still waiting or wholly in the inbox. The server lets staff delete a
submission only once its bytes are kept in the inbox, and sets the delivery's received_at to
the submission's arrival time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.common.errors import ServiceError
from app.intake.intake import TakeInResult, require_intake_staff, take_in
from app.models import IntakeSubmission
from app.security import audit
from app.security.actor import Actor


@dataclass(frozen=True)
class Collected:
    delivery_key: str
    filename: str
    """The application's file (the delivery's JSON)."""
    result: TakeInResult | None
    """None when it could not be taken in (`problem` says why; it is still waiting)."""
    problem: str = ""

    @property
    def summary(self) -> str:
        return self.problem if self.result is None else self.result.summary


def waiting_keys(session: Session, actor: Actor) -> list[str]:
    """The delivery keys waiting on the server, oldest delivery first (to the unit's staff,
    who may collect them)."""
    require_intake_staff(actor)
    return list(
        session.scalars(
            select(IntakeSubmission.delivery_key)
            .group_by(IntakeSubmission.delivery_key)
            .order_by(func.min(IntakeSubmission.arrived_at), IntakeSubmission.delivery_key)
        )
    )


def collect_delivery(session: Session, actor: Actor, delivery_key: str) -> Collected | None:
    """Take the delivery `delivery_key` into the actor's unit's inbox and delete its
    submissions; the caller commits. None when nothing is waiting under that key."""
    files = list(
        session.scalars(
            select(IntakeSubmission)
            .where(IntakeSubmission.delivery_key == delivery_key)
            .order_by(IntakeSubmission.filename, IntakeSubmission.id)
        )
    )
    if not files:
        return None
    document = next((f for f in files if f.filename.lower().endswith(".json")), files[0])
    attached = {f.filename: f.content for f in files if f is not document}
    result = take_in(
        session,
        actor,
        document.content,
        filename=document.filename,
        files=attached,
        received_at=document.arrived_at,
    )
    session.execute(
        delete(IntakeSubmission).where(IntakeSubmission.id.in_([f.id for f in files])),
        execution_options={"synchronize_session": False},
    )
    audit.record(
        session,
        actor,
        audit.Action.CREATE,
        "intake_submission",
        entity_id=result.delivery_id,
        detail=f"hämtad från servern: leverans {delivery_key[:80]}, {len(files)} filer",
    )
    return Collected(delivery_key, document.filename, result)


def collect_from_server(
    sessions: Callable[[], Session],
    actor: Actor,
    *,
    on_each: Callable[[Collected], None] | None = None,
) -> list[Collected]:
    """Move every waiting delivery into the actor's unit's inbox (one transaction each) and
    return what became of each; the inbox view's "Hämta nya ansökningar" calls this."""
    with sessions() as session:
        keys = waiting_keys(session, actor)
    done: list[Collected] = []
    for key in keys:
        session = sessions()
        try:
            with session.begin():
                collected = collect_delivery(session, actor, key)
        except ServiceError as error:
            collected = Collected(key, "", None, str(error))
        finally:
            session.close()
        if collected is not None:
            if on_each is not None:
                on_each(collected)
            done.append(collected)
    return done
