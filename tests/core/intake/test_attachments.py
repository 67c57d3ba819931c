"""An application's attachments are kept with it (both engines): found beside the JSON or in
`--bilagor MAPP`; a missing or altered one quarantines the delivery with the reason, the JSON
and every delivered file still kept whole; opening one is access-checked and audited."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from app.cli import main
from app.common.errors import ServiceError
from app.intake.attachments import attachment
from app.intake.intake import take_in
from app.models import AuditEntry, DeliveryStatus, IntakeAttachment, IntakeDelivery

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
GOOD = (EXAMPLES / "ansokan-barnfamilj.json").read_bytes()
RENT = (EXAMPLES / "bilagor" / "hyresavi-december.pdf").read_bytes()
PAY = (EXAMPLES / "bilagor" / "lonespecifikation-november.pdf").read_bytes()
FILES = {"hyresavi-december.pdf": RENT, "lonespecifikation-november.pdf": PAY}


def kept(session) -> list[tuple[str | None, str, str, bytes]]:
    session.expire_all()
    rows = session.scalars(select(IntakeAttachment).order_by(IntakeAttachment.filename))
    return [(a.ref, a.filename, a.media_type, a.content) for a in rows]


def test_the_attachments_are_kept_with_the_delivery(session, caseworker) -> None:
    result = take_in(session, caseworker, GOOD, filename="a.json", files=FILES)
    session.commit()
    assert result.summary == "mottagen"
    assert kept(session) == [
        ("b1", "hyresavi-december.pdf", "application/pdf", RENT),
        ("b2", "lonespecifikation-november.pdf", "application/pdf", PAY),
    ]
    opened = attachment(session, caseworker, result.delivery_id, "b1")
    session.commit()
    assert (opened.content, opened.media_type) == (RENT, "application/pdf")
    [row] = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "intake_attachment")
    ).all()
    assert (row.action, row.user_id) == ("open", caseworker.id)


def test_an_altered_or_missing_attachment_quarantines_and_everything_is_kept(
    session, caseworker
) -> None:
    altered = {"hyresavi-december.pdf": RENT + b"x"}
    result = take_in(session, caseworker, GOOD, filename="a.json", files=altered)
    session.commit()
    assert result.status is DeliveryStatus.QUARANTINED
    assert result.reason.splitlines() == [
        f"bilagor[0].storlek: filen är {len(RENT) + 1} byte, inte {len(RENT)}.",
        "bilagor[0].sha256: filens kontrollsumma stämmer inte; filen är ändrad eller skadad.",
        "bilagor[1].filnamn: filen lonespecifikation-november.pdf saknas i leveransen.",
    ]
    [delivery] = session.scalars(select(IntakeDelivery)).all()
    assert delivery.raw == GOOD
    assert kept(session) == [(None, "hyresavi-december.pdf", "application/pdf", RENT + b"x")]


def test_attachments_that_come_later_take_the_application_out_of_quarantine(
    session, caseworker
) -> None:
    first = take_in(session, caseworker, GOOD, filename="a.json", files={})
    session.commit()
    assert first.status is DeliveryStatus.QUARANTINED
    partly = take_in(
        session, caseworker, GOOD, filename="a.json", files={"hyresavi-december.pdf": RENT}
    )
    session.commit()
    assert partly.summary == (
        "redan i karantän: bilagor[1].filnamn: filen lonespecifikation-november.pdf saknas "
        "i leveransen."
    )
    whole = take_in(session, caseworker, GOOD, filename="a.json", files=FILES)
    session.commit()
    assert (whole.delivery_id, whole.summary) == (first.delivery_id, "mottagen")
    session.expire_all()
    [delivery] = session.scalars(select(IntakeDelivery)).all()
    assert (delivery.status, delivery.reason) == (DeliveryStatus.RECEIVED, "")
    assert len(kept(session)) == 2
    again = take_in(session, caseworker, GOOD, filename="a.json", files=FILES)
    assert again.summary == "redan mottagen"


def test_only_the_units_staff_open_an_attachment(
    session, caseworker, other_unit_caseworker, admin
) -> None:
    result = take_in(session, caseworker, GOOD, filename="a.json", files=FILES)
    session.commit()
    for outsider in (other_unit_caseworker, admin):
        with pytest.raises(ServiceError, match="inkorg"):
            attachment(session, outsider, result.delivery_id, "b1")
    with pytest.raises(ServiceError, match="Bilagan finns inte i leveransen"):
        attachment(session, caseworker, result.delivery_id, "b9")


def test_the_cli_finds_the_attachments_beside_or_in_a_folder(
    db, cli_as, staff, session, tmp_path, capsys
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "ansokan.json").write_bytes(GOOD)
    user = cli_as("sara.nilsson")
    assert main([*user.before, "intake", str(inbox / "ansokan.json"), *user.after]) == 1
    assert capsys.readouterr().out == (
        f"{inbox / 'ansokan.json'}: i karantän: bilagor[0].filnamn: filen "
        "hyresavi-december.pdf saknas i leveransen. bilagor[1].filnamn: filen "
        "lonespecifikation-november.pdf saknas i leveransen.\n"
    )
    other = GOOD.replace(b"EA-2026-000123", b"EA-2026-000124")
    (inbox / "andra.json").write_bytes(other)
    command = ["intake", str(inbox / "andra.json"), "--bilagor", str(EXAMPLES / "bilagor")]
    assert main([*user.before, *command, *user.after]) == 0
    assert capsys.readouterr().out == f"{inbox / 'andra.json'}: mottagen\n"
    shutil.copytree(EXAMPLES / "bilagor", tmp_path / "beside")
    (tmp_path / "beside" / "tredje.json").write_bytes(other.replace(b"000124", b"000125"))
    third = str(tmp_path / "beside" / "tredje.json")
    assert main([*user.before, "intake", third, *user.after]) == 0
    assert capsys.readouterr().out.endswith("tredje.json: mottagen\n")
    assert len(kept(session)) == 4


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
@pytest.mark.parametrize(
    "values",
    [
        # another document in place of the hyresavi the application describes, with the
        # described SHA-256 stated (the server computes it itself)
        "'b1', 'hyresavi-december.pdf', 'application/pdf', '{sha}', 'falsk'::bytea",
        # a file the application does not describe
        "'b3', 'intyg.pdf', 'application/pdf', '{sha}', 'falsk'::bytea",
        "NULL, 'intyg.pdf', 'application/pdf', '{sha}', 'falsk'::bytea",
    ],
)
def test_on_the_server_nobody_adds_a_file_to_an_application_afterwards(
    session, caseworker, login_roles, values
) -> None:
    received = take_in(session, caseworker, GOOD, filename="a.json", files=FILES)
    session.commit()
    assert received.summary == "mottagen"
    url = login_roles["sara.nilsson"].replace("postgresql+psycopg://", "postgresql://")
    sha = hashlib.sha256(RENT).hexdigest()
    refused = pytest.raises(psycopg.errors.InsufficientPrivilege, match="bilaga sparas bara")
    with psycopg.connect(url, autocommit=True) as conn, refused:
        conn.execute(
            "INSERT INTO intake_attachments "
            "(id, delivery_id, ref, filename, media_type, sha256, content) VALUES "
            f"(gen_random_uuid(), '{received.delivery_id}', {values.format(sha=sha)})"
        )
    assert [(ref, name) for ref, name, _type, _content in kept(session)] == [
        ("b1", "hyresavi-december.pdf"),
        ("b2", "lonespecifikation-november.pdf"),
    ]
