"""An e-ansökan's attached files, for viewing inside the program.

The one place the program gets an attachment's bytes. The deliveries hold the application
document only; where the e-service's files are kept (a table of attachments beside the
deliveries) is not here yet, so `attachment` finds no bytes and says so. When the files
are stored, only `_stored_bytes` changes.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.common.errors import ServiceError
from app.intake import inbox
from app.security.actor import Actor

MISSING = "Bilagan finns inte i leveransen."


def attachment(
    session: Session, actor: Actor, delivery_id: uuid.UUID, ref: str
) -> tuple[bytes, str, str]:
    """The attachment `ref` (its id in the document) of a delivery the actor may read:
    (bytes, media type, filename). ServiceError MISSING when its bytes are not stored."""
    content = inbox.details(session, actor, delivery_id)
    described = next((a for a in content.attachments if a.ref == ref), None)
    if described is None:
        raise ServiceError(MISSING)
    raw = _stored_bytes(session, delivery_id, described.filename)
    if raw is None:
        raise ServiceError(MISSING)
    return raw, described.media_type, described.filename


def _stored_bytes(session: Session, delivery_id: uuid.UUID, filename: str) -> bytes | None:
    """The file's bytes as delivered; none are stored yet (see the module docstring)."""
    return None
