"""Collecting the e-service's submissions (the service; the server's rules are attacked in
tests/core/security/test_attacks_eservice.py): one delivery per key, wholly moved into the
inbox with its attachments and the arrival time, or left waiting."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.common.errors import AccessDenied
from app.intake.server_intake import collect_from_server
from app.models import DeliveryStatus, IntakeAttachment, IntakeDelivery, IntakeSubmission

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
GOOD = (EXAMPLES / "ansokan-barnfamilj.json").read_bytes()
ATTACHED = {p.name: p.read_bytes() for p in (EXAMPLES / "bilagor").iterdir()}
ARRIVED = datetime(2026, 11, 30, 6, 15, tzinfo=UTC)
on_sqlite = pytest.mark.parametrize("db", ["sqlite"], indirect=True)


def submit(session, key: str, files: dict[str, bytes]) -> None:
    """What the e-service's insert leaves (on SQLite, where it has no role of its own)."""
    for name, content in files.items():
        session.add(
            IntakeSubmission(delivery_key=key, filename=name, content=content, arrived_at=ARRIVED)
        )
    session.commit()


@on_sqlite
def test_each_delivery_is_collected_whole_with_its_arrival_time(
    db, session, caseworker, admin
) -> None:
    submit(session, "EA-1", {"ansokan.json": GOOD, **ATTACHED})
    submit(session, "EA-2", {"trasig.json": b"{", "extra.pdf": b"%PDF"})
    with pytest.raises(AccessDenied, match="Bara handläggare och chefer"):
        collect_from_server(db.sessions, admin)
    assert len(session.scalars(select(IntakeSubmission)).all()) == 5  # still waiting
    done = collect_from_server(db.sessions, caseworker)
    assert [(c.delivery_key, c.filename, c.summary) for c in done] == [
        ("EA-1", "ansokan.json", "mottagen"),
        ("EA-2", "trasig.json", "i karantän: Filen är inte giltig JSON (rad 1, kolumn 2)."),
    ]
    session.expire_all()
    deliveries = session.scalars(select(IntakeDelivery).order_by(IntakeDelivery.filename)).all()
    assert [(d.filename, d.status, d.received_at) for d in deliveries] == [
        ("ansokan.json", DeliveryStatus.RECEIVED, ARRIVED),
        ("trasig.json", DeliveryStatus.QUARANTINED, ARRIVED),
    ]
    files = session.execute(select(IntakeAttachment.filename, IntakeAttachment.ref)).all()
    assert sorted(files) == [
        ("extra.pdf", None),
        ("hyresavi-december.pdf", "b1"),
        ("lonespecifikation-november.pdf", "b2"),
    ]
    assert session.scalars(select(IntakeSubmission)).all() == []
