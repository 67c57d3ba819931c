"""An e-ansökan's attached files, for viewing inside the program.

The one place the program gets an attachment's bytes: the files the e-service delivered
with the application are kept whole in intake_attachments (app.intake.intake.take_in, in the
same transaction as the delivery). Whoever may read the delivery (the unit's staff while it
waits in the inbox, or those who may read the case it was taken into, also on a laptop's
replica) may open its attachments; every opening is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common.errors import ServiceError
from app.intake import inbox
from app.models import IntakeAttachment
from app.security import audit
from app.security.actor import Actor

MISSING = "Bilagan finns inte i leveransen."


@dataclass(frozen=True)
class Attachment:
    content: bytes
    media_type: str
    filename: str


def attachment(session: Session, actor: Actor, delivery_id: uuid.UUID, ref: str) -> Attachment:
    """The attachment `ref` (its id in the document, `bilagor[].id`) of a delivery the actor
    may read. ServiceError MISSING when no file was delivered for it."""
    delivery = inbox.readable_delivery(session, actor, delivery_id)
    stored = session.scalars(
        select(IntakeAttachment).where(
            IntakeAttachment.delivery_id == delivery.id, IntakeAttachment.ref == ref
        )
    ).first()
    if stored is None:
        raise ServiceError(MISSING)
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "intake_attachment",
        entity_id=stored.id,
        detail=f"ansökan {delivery.id}, {stored.filename}",
    )
    return Attachment(stored.content, stored.media_type, stored.filename)
