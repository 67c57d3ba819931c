"""Taking in the files the e-service delivers (E-ansökan): each kept whole, once.

`take_in` stores one file as a delivery of the actor's unit: received when it is a valid
application (app.intake.application_format), quarantined with the reason when it is not,
when it is for another municipality, or when the e-service delivers an application it has
delivered before with other content. The same bytes twice are recognised and not stored
again. The caller commits once per file (app.cli.intake_cli): a file is wholly taken in or
not at all.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.common import clock
from app.common.errors import AccessDenied
from app.intake import application_format
from app.models import DeliveryStatus, IntakeAttachment, IntakeDelivery, Unit
from app.security import audit
from app.security.actor import Actor

_DIGITS = re.compile(r"[0-9]{12}")


@dataclass(frozen=True)
class TakeInResult:
    delivery_id: uuid.UUID
    status: DeliveryStatus
    reason: str
    already_there: bool
    """The same bytes were delivered before: nothing new was stored."""

    @property
    def summary(self) -> str:
        """Swedish, one line: "mottagen", "redan mottagen" or "i karantän: <skäl>"."""
        if self.already_there:
            if self.status is DeliveryStatus.QUARANTINED:
                return f"redan i karantän: {self.reason}"
            return "redan mottagen"
        if self.status is DeliveryStatus.QUARANTINED:
            return f"i karantän: {self.reason}"
        return "mottagen"


def take_in(
    session: Session,
    actor: Actor,
    raw: bytes,
    *,
    filename: str,
    files: Mapping[str, bytes] | None = None,
    received_at: datetime | None = None,
) -> TakeInResult:
    """Store the delivered file `raw` (called `filename`) for the actor's unit, with the
    attached files `files` (filename -> bytes; None: attachments not checked).

    `received_at` is when the e-service delivered it (on PostgreSQL the server decides: the
    arrival time of the submission with these bytes, else now)."""
    unit_id = require_intake_staff(actor)
    digest = hashlib.sha256(raw).hexdigest()
    earlier = _by_digest(session, digest)
    if earlier is not None:
        _keep_files(
            session,
            earlier.id,
            _listed(application_format.parse(raw)[0]),
            files or {},
            quarantined=earlier.status is DeliveryStatus.QUARANTINED,
        )
        if earlier.status is DeliveryStatus.QUARANTINED and files:
            return _check_again(session, actor, unit_id, earlier)
        return _again(earlier)
    document, problems = application_format.parse(raw)
    if not problems:
        problems = application_format.validate(document, files)
    e_service, application_id = _identity(document)
    if not problems:
        problems = _other_municipality(session, unit_id, document)
    if not problems and application_id is not None:
        problems = _conflict(session, e_service, application_id)
    delivery = IntakeDelivery(
        received_at=received_at or clock.now(),
        sha256=digest,
        filename=filename[:255],
        raw=raw,
        e_service=e_service,
        application_id=application_id,
        status=DeliveryStatus.QUARANTINED if problems else DeliveryStatus.RECEIVED,
        reason="\n".join(problems),
        unit_id=unit_id,
        applicant_digits=_applicant(document),
        **application_format.summary(document, _applicant(document)),
    )
    savepoint = session.begin_nested()
    session.add(delivery)
    try:
        session.flush()
    except IntegrityError:
        # delivered at the same moment by another run, or held by another unit
        savepoint.rollback()
        earlier = _by_digest(session, digest)
        if earlier is not None:
            return _again(earlier)
        raise AccessDenied(
            "Filen är redan mottagen av en annan enhet eller krockar med en mottagen ansökan."
        ) from None
    savepoint.commit()
    _keep_files(
        session,
        delivery.id,
        _listed(document),
        files or {},
        quarantined=delivery.status is DeliveryStatus.QUARANTINED,
    )
    audit.record(
        session,
        actor,
        audit.Action.CREATE,
        "intake_delivery",
        entity_id=delivery.id,
        detail=f"{delivery.status.label}, sha256 {digest[:16]}",
    )
    return TakeInResult(delivery.id, delivery.status, delivery.reason, already_there=False)


def require_intake_staff(actor: Actor) -> uuid.UUID:
    """The actor's unit, when she may take in applications (a handläggare or chef of a
    unit, in the shared database); else AccessDenied."""
    if actor.unit_id is None or actor.role.value not in ("handlaggare", "chef"):
        raise AccessDenied("Bara handläggare och chefer på en enhet kan ta emot ansökningar.")
    if actor.replica_id is not None:
        raise AccessDenied(
            "Ansökningar från e-tjänsten tas emot i den gemensamma databasen, inte på en "
            "utcheckad dator."
        )
    return actor.unit_id


def named_attachments(raw: bytes) -> list[str]:
    """The file names of the attachments the application `raw` names (`bilagor[].filnamn`),
    those that are plain names (no folder); [] when it cannot be read."""
    document, problems = application_format.parse(raw)
    if problems or not isinstance(document, dict):
        return []
    names = []
    for entry in document.get("bilagor") or []:
        name = entry.get("filnamn") if isinstance(entry, dict) else None
        if isinstance(name, str) and name and Path(name).name == name and name[0] != ".":
            names.append(name)
    return names


def _listed(document: Any) -> dict[str, dict[str, Any]]:
    """The document's attachments by filename (empty when it cannot say)."""
    try:
        return {a["filnamn"]: a for a in document["bilagor"] if isinstance(a["filnamn"], str)}
    except (KeyError, TypeError):
        return {}


UNKNOWN_MEDIA_TYPE = "application/octet-stream"


def _keep_files(
    session: Session,
    delivery_id: uuid.UUID,
    listed: Mapping[str, Mapping[str, Any]],
    files: Mapping[str, bytes],
    *,
    quarantined: bool,
) -> None:
    """The delivered files kept with the delivery, once (by name). A file the document
    describes (name, SHA-256, media type) is kept with its id; for a quarantined delivery an
    altered or unlisted file is kept too, without an id, as what came. The server keeps
    to the same rule (migration 0048)."""
    if not files:
        return
    kept = set(
        session.scalars(
            select(IntakeAttachment.filename).where(IntakeAttachment.delivery_id == delivery_id)
        )
    )
    for name, content in sorted(files.items()):
        if name in kept:
            continue
        entry = listed.get(name, {})
        media_type = entry.get("mediatyp")
        digest = hashlib.sha256(content).hexdigest()
        described = entry.get("sha256") == digest and isinstance(media_type, str)
        if not described and not quarantined:
            continue  # a received application's files are the ones it describes
        session.add(
            IntakeAttachment(
                delivery_id=delivery_id,
                ref=_text(entry.get("id")) if described else None,
                filename=name[:255],
                media_type=media_type if isinstance(media_type, str) else UNKNOWN_MEDIA_TYPE,
                sha256=digest,
                content=content,
            )
        )
    session.flush()


def _by_digest(session: Session, digest: str) -> IntakeDelivery | None:
    return session.scalars(select(IntakeDelivery).where(IntakeDelivery.sha256 == digest)).first()


def _check_again(
    session: Session, actor: Actor, unit_id: uuid.UUID, earlier: IntakeDelivery
) -> TakeInResult:
    """A quarantined application delivered again with attachments: checked anew with every
    file now kept for it, and received when nothing is wrong any more (the attachments
    came later, e.g. to the watched folder after the application had waited for them)."""
    document, problems = application_format.parse(earlier.raw)
    if problems:
        return _again(earlier)
    kept = session.execute(
        select(IntakeAttachment.filename, IntakeAttachment.content).where(
            IntakeAttachment.delivery_id == earlier.id
        )
    )
    problems = application_format.validate(document, {row.filename: row.content for row in kept})
    if not problems:
        problems = _other_municipality(session, unit_id, document)
    if not problems and earlier.application_id is not None:
        problems = _conflict(session, earlier.e_service, earlier.application_id)
    reason = "\n".join(problems)
    if reason == earlier.reason:
        return _again(earlier)
    if not problems:
        earlier.status = DeliveryStatus.RECEIVED
    earlier.reason = reason
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "intake_delivery",
        entity_id=earlier.id,
        detail=f"{earlier.status.label}: fler bilagor kom i en senare leverans",
    )
    return TakeInResult(earlier.id, earlier.status, reason, already_there=bool(problems))


def _again(earlier: IntakeDelivery) -> TakeInResult:
    return TakeInResult(earlier.id, earlier.status, earlier.reason, already_there=True)


def _text(value: Any, limit: int = 64) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def _identity(document: Any) -> tuple[str | None, str | None]:
    """The e-service and its application id, when the document states them as text."""
    if not isinstance(document, dict):
        return None, None
    service = document.get("e_tjanst")
    e_service = _text(service.get("id")) if isinstance(service, dict) else None
    return e_service, _text(document.get("ansokan_id"))


def _applicant(document: Any) -> str | None:
    """The sökande's 12 digits, for finding her case, even in a quarantined document."""
    try:
        persons = document["hushall"]["personer"]
        for person in persons:
            if person.get("roll") == "sokande" and _DIGITS.fullmatch(person["personnummer"]):
                return str(person["personnummer"])
    except (KeyError, TypeError, AttributeError):
        return None
    return None


def _other_municipality(session: Session, unit_id: uuid.UUID, document: Any) -> list[str]:
    own = session.get(Unit, unit_id)
    code = document["mottagare"]["kommunkod"]
    if own is None or not own.municipality_code or own.municipality_code == code:
        return []
    return [
        f"mottagare.kommunkod: ansökan gäller kommun {code}, men enheten tar emot "
        f"ansökningar för kommun {own.municipality_code}."
    ]


def _conflict(session: Session, e_service: str | None, application_id: str) -> list[str]:
    earlier = session.scalars(
        select(IntakeDelivery).where(
            IntakeDelivery.e_service == e_service,
            IntakeDelivery.application_id == application_id,
            IntakeDelivery.status != DeliveryStatus.QUARANTINED,
        )
    ).first()
    if earlier is None:
        return []
    return [
        f"ansokan_id: ansökan {application_id} från e-tjänsten {e_service} är redan mottagen "
        "med annat innehåll; den nya leveransen tas inte in automatiskt."
    ]
