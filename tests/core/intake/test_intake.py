"""Taking in the e-service's files (both engines): received, recognised again, quarantined
with the reason, never lost; on PostgreSQL only the unit's staff see its deliveries."""

from __future__ import annotations

import dataclasses
import json
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select

from app.common.errors import AccessDenied
from app.intake.intake import take_in
from app.models import AuditEntry, DeliveryStatus, IntakeDelivery

on_postgresql = pytest.mark.parametrize("db", ["postgresql"], indirect=True)
EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
GOOD = (EXAMPLES / "ansokan-barnfamilj.json").read_bytes()


def changed(**fields) -> bytes:
    document = json.loads(GOOD)
    document.update(fields)
    return json.dumps(document, ensure_ascii=False).encode()


def deliveries(session) -> list[IntakeDelivery]:
    return list(session.scalars(select(IntakeDelivery).order_by(IntakeDelivery.filename)))


def test_a_valid_application_is_received_whole_and_audited(session, caseworker, staff) -> None:
    result = take_in(session, caseworker, GOOD, filename="a.json")
    session.commit()
    assert (result.summary, result.already_there) == ("mottagen", False)
    [delivery] = deliveries(session)
    assert delivery.raw == GOOD
    assert delivery.status is DeliveryStatus.RECEIVED
    assert (delivery.e_service, delivery.application_id) == (
        "e-ansokan.exempelkommun",
        "EA-2026-000123",
    )
    assert delivery.applicant_digits == "198507122383"
    assert delivery.unit_id == staff.unit.id
    audited = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "intake_delivery")
    ).all()
    assert [(a.action, a.entity_id, a.user_id) for a in audited] == [
        ("create", delivery.id, caseworker.id)
    ]


def test_the_same_file_twice_is_recognised(session, caseworker) -> None:
    first = take_in(session, caseworker, GOOD, filename="a.json")
    session.commit()
    again = take_in(session, caseworker, GOOD, filename="kopia.json")
    session.commit()
    assert again.summary == "redan mottagen"
    assert again.delivery_id == first.delivery_id
    assert session.scalar(select(func.count()).select_from(IntakeDelivery)) == 1


def test_a_bad_application_is_quarantined_with_its_reasons_and_kept(session, caseworker) -> None:
    raw = (EXAMPLES / "felaktig-halv-manad.json").read_bytes()
    result = take_in(session, caseworker, raw, filename="halv.json")
    session.commit()
    assert result.status is DeliveryStatus.QUARANTINED
    assert result.summary.startswith("i karantän: period: ska vara en hel kalendermånad")
    [delivery] = deliveries(session)
    assert (delivery.raw, delivery.reason) == (raw, result.reason)
    assert delivery.applicant_digits == "198507122383"


def test_bytes_that_are_not_json_are_quarantined(session, caseworker) -> None:
    result = take_in(session, caseworker, b"\x00\x01 not json", filename="trasig.json")
    session.commit()
    assert result.summary == "i karantän: Filen är inte giltig JSON (rad 1, kolumn 1)."
    [delivery] = deliveries(session)
    assert (delivery.raw, delivery.application_id, delivery.applicant_digits) == (
        b"\x00\x01 not json",
        None,
        None,
    )


def test_the_same_application_with_other_content_is_quarantined(session, caseworker) -> None:
    take_in(session, caseworker, GOOD, filename="a.json")
    session.commit()
    other = changed(kostnader=[{"slag": "boende", "belopp": "9999"}])
    result = take_in(session, caseworker, other, filename="b.json")
    session.commit()
    assert result.summary == (
        "i karantän: ansokan_id: ansökan EA-2026-000123 från e-tjänsten "
        "e-ansokan.exempelkommun är redan mottagen med annat innehåll; den nya leveransen "
        "tas inte in automatiskt."
    )
    assert [d.status for d in deliveries(session)] == [
        DeliveryStatus.RECEIVED,
        DeliveryStatus.QUARANTINED,
    ]
    # a quarantined delivery does not block the next valid one of another application
    third = take_in(session, caseworker, changed(ansokan_id="EA-2026-000124"), filename="c.json")
    assert third.summary == "mottagen"


def test_an_application_for_another_municipality_is_quarantined(session, caseworker, staff) -> None:
    staff.unit.municipality_code = "1480"
    session.commit()
    result = take_in(session, caseworker, GOOD, filename="a.json")
    assert result.summary == (
        "i karantän: mottagare.kommunkod: ansökan gäller kommun 0180, men enheten tar emot "
        "ansökningar för kommun 1480."
    )


def test_only_staff_of_a_unit_take_in_and_not_on_a_laptop(session, admin, caseworker) -> None:
    with pytest.raises(AccessDenied, match="Bara handläggare och chefer"):
        take_in(session, admin, GOOD, filename="a.json")
    on_laptop = dataclasses.replace(caseworker, replica_id=uuid.uuid4())
    with pytest.raises(AccessDenied, match="inte på en utcheckad dator"):
        take_in(session, on_laptop, GOOD, filename="a.json")
    assert deliveries(session) == []


@on_postgresql
def test_on_the_server_only_the_units_staff_see_it_and_nobody_deletes(
    session, caseworker, login_roles, fixed_clock
) -> None:
    take_in(session, caseworker, GOOD, filename="a.json")
    session.commit()
    [delivery] = deliveries(session)
    assert delivery.received_at != fixed_clock  # the server's time, not the workstation's

    def visible(username: str) -> int:
        url = login_roles[username].replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute("SELECT count(*) FROM intake_deliveries").fetchone()
            assert row is not None
            return int(row[0])

    assert (visible("sara.nilsson"), visible("eva.lind")) == (1, 1)
    assert (visible("karin.holm"), visible("ada.admin")) == (0, 0)
    url = login_roles["sara.nilsson"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM intake_deliveries")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "UPDATE intake_deliveries SET unit_id = "
                "(SELECT id FROM units WHERE id <> intake_deliveries.unit_id LIMIT 1)"
            )


@on_postgresql
@pytest.mark.parametrize(
    "change",
    [
        "raw = 'x'::bytea",
        "sha256 = repeat('0', 64)",
        "application_id = 'EA-ANNAN'",
        "applicant_digits = '191212121212'",
        "received_at = now() - interval '1 year'",
    ],
)
def test_on_the_server_what_was_delivered_never_changes(
    session, caseworker, login_roles, change
) -> None:
    take_in(session, caseworker, GOOD, filename="a.json")
    session.commit()
    url = login_roles["sara.nilsson"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="ändras inte"):
            conn.execute(f"UPDATE intake_deliveries SET {change}")
        # (taken into a case needs the link and who took it in: tests/core/intake/test_inbox)
        conn.execute("UPDATE intake_deliveries SET status = 'karantan', reason = 'granskad'")
    session.expire_all()
    [delivery] = deliveries(session)
    assert (delivery.raw, delivery.status) == (GOOD, DeliveryStatus.QUARANTINED)
