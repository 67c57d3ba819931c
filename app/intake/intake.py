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
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.common import clock
from app.common.errors import AccessDenied
from app.intake import application_format
from app.models import DeliveryStatus, IntakeDelivery, Unit
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


def take_in(session: Session, actor: Actor, raw: bytes, *, filename: str) -> TakeInResult:
    """Store the delivered file `raw` (called `filename`) for the actor's unit."""
    if actor.unit_id is None or actor.role.value not in ("handlaggare", "chef"):
        raise AccessDenied("Bara handläggare och chefer på en enhet kan ta emot ansökningar.")
    if actor.replica_id is not None:
        raise AccessDenied(
            "Ansökningar från e-tjänsten tas emot i den gemensamma databasen, inte på en "
            "utcheckad dator."
        )
    digest = hashlib.sha256(raw).hexdigest()
    earlier = _by_digest(session, digest)
    if earlier is not None:
        return _again(earlier)
    document, problems = application_format.parse(raw)
    if not problems:
        problems = application_format.validate(document)
    e_service, application_id = _identity(document)
    if not problems:
        problems = _other_municipality(session, actor.unit_id, document)
    if not problems and application_id is not None:
        problems = _conflict(session, e_service, application_id)
    delivery = IntakeDelivery(
        received_at=clock.now(),
        sha256=digest,
        filename=filename[:255],
        raw=raw,
        e_service=e_service,
        application_id=application_id,
        status=DeliveryStatus.QUARANTINED if problems else DeliveryStatus.RECEIVED,
        reason="\n".join(problems),
        unit_id=actor.unit_id,
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
    audit.record(
        session,
        actor,
        audit.Action.CREATE,
        "intake_delivery",
        entity_id=delivery.id,
        detail=f"{delivery.status.label}, sha256 {digest[:16]}",
    )
    return TakeInResult(delivery.id, delivery.status, delivery.reason, already_there=False)


def _by_digest(session: Session, digest: str) -> IntakeDelivery | None:
    return session.scalars(select(IntakeDelivery).where(IntakeDelivery.sha256 == digest)).first()


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
