"""The watched folder (both engines): a delivery is taken once its files are stable, then
moved to mottagna/ or karantan/ (with the reason beside it); a file still being copied is
not taken half; a stop between the commit and the move is mended by the next scan."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.intake.intake import take_in
from app.intake.watched_folder import MISSING_ATTACHMENT_WAIT, FolderWatch, scan_folder
from app.models import DeliveryStatus, IntakeAttachment, IntakeDelivery

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
GOOD = (EXAMPLES / "ansokan-barnfamilj.json").read_bytes()
ATTACHED = {p.name: p.read_bytes() for p in (EXAMPLES / "bilagor").iterdir()}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The watched folder (the test's SQLite file lies in tmp_path)."""
    path = tmp_path / "e-ansokan"
    path.mkdir()
    return path


def put_attachments(folder: Path) -> None:
    for name, content in ATTACHED.items():
        (folder / name).write_bytes(content)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def summaries(results) -> list[tuple[str, str]]:
    return [(r.filename, r.summary) for r in results]


def test_a_half_copied_file_waits_until_it_is_whole(db, session, caseworker, folder) -> None:
    watch = FolderWatch()
    put_attachments(folder)
    (folder / "ansokan.json").write_bytes(GOOD[: len(GOOD) // 2])
    assert scan_folder(db.sessions, caseworker, folder, watch) == []
    with (folder / "ansokan.json").open("ab") as file:  # the copy goes on
        file.write(GOOD[len(GOOD) // 2 :])
    assert scan_folder(db.sessions, caseworker, folder, watch) == []
    done = scan_folder(db.sessions, caseworker, folder, watch)
    assert summaries(done) == [("ansokan.json", "mottagen")]
    assert names(folder) == []
    assert names(folder / "mottagna") == ["ansokan.json", *sorted(ATTACHED)]
    [delivery] = session.scalars(select(IntakeDelivery)).all()
    assert delivery.raw == GOOD
    assert session.scalar(select(func.count()).select_from(IntakeAttachment)) == 2


def test_an_attachment_being_copied_holds_the_delivery(db, caseworker, folder) -> None:
    watch = FolderWatch()
    put_attachments(folder)
    (folder / "ansokan.json").write_bytes(GOOD)
    scan_folder(db.sessions, caseworker, folder, watch)
    with (folder / "hyresavi-december.pdf").open("ab") as file:
        file.write(b"%")
    assert scan_folder(db.sessions, caseworker, folder, watch) == []
    (folder / "hyresavi-december.pdf").write_bytes(ATTACHED["hyresavi-december.pdf"])
    scan_folder(db.sessions, caseworker, folder, watch)
    done = scan_folder(db.sessions, caseworker, folder, watch)
    assert summaries(done) == [("ansokan.json", "mottagen")]


def test_a_bad_delivery_goes_to_quarantine_with_its_reason(db, caseworker, folder) -> None:
    watch = FolderWatch()
    (folder / "trasig.json").write_bytes(b"{")
    scan_folder(db.sessions, caseworker, folder, watch)
    done = scan_folder(db.sessions, caseworker, folder, watch)
    reason = "Filen är inte giltig JSON (rad 1, kolumn 2)."
    assert summaries(done) == [("trasig.json", f"i karantän: {reason}")]
    assert names(folder / "karantan") == ["trasig.json", "trasig.json.skal.txt"]
    skal = (folder / "karantan" / "trasig.json.skal.txt").read_text(encoding="utf-8")
    assert skal == reason + "\n"


def test_a_missing_attachment_is_waited_for_then_quarantined(db, caseworker, folder) -> None:
    watch = FolderWatch()
    (folder / "ansokan.json").write_bytes(GOOD)
    scan_folder(db.sessions, caseworker, folder, watch)
    assert scan_folder(db.sessions, caseworker, folder, watch) == []
    later = time.time() + MISSING_ATTACHMENT_WAIT + 1
    [done] = scan_folder(db.sessions, caseworker, folder, watch, now=lambda: later)
    assert done.result is not None and done.result.status is DeliveryStatus.QUARANTINED
    assert "hyresavi-december.pdf saknas i leveransen" in done.summary
    assert names(folder / "karantan") == ["ansokan.json", "ansokan.json.skal.txt"]


def test_a_stop_between_commit_and_move_is_mended(db, session, caseworker, folder) -> None:
    put_attachments(folder)
    (folder / "ansokan.json").write_bytes(GOOD)
    # what a scan killed after its commit leaves: the delivery in, its files not moved
    take_in(session, caseworker, GOOD, filename="ansokan.json", files=ATTACHED)
    session.commit()
    watch = FolderWatch()
    scan_folder(db.sessions, caseworker, folder, watch)
    done = scan_folder(db.sessions, caseworker, folder, watch)
    assert summaries(done) == [("ansokan.json", "redan mottagen")]
    assert names(folder / "mottagna") == ["ansokan.json", *sorted(ATTACHED)]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(IntakeDelivery)) == 1
    assert session.scalar(select(func.count()).select_from(IntakeAttachment)) == 2


def test_attachments_named_by_several_applications_serve_each(db, caseworker, folder) -> None:
    watch = FolderWatch()
    put_attachments(folder)
    (folder / "a.json").write_bytes(GOOD)
    (folder / "b.json").write_bytes(GOOD.replace(b"EA-2026-000123", b"EA-2026-000124"))
    scan_folder(db.sessions, caseworker, folder, watch)
    done = scan_folder(db.sessions, caseworker, folder, watch)
    assert summaries(done) == [("a.json", "mottagen"), ("b.json", "mottagen")]
    assert names(folder) == []
