"""What has arrived since the inbox was last read: the e-service's deliveries waiting on the
shared server (app.intake.server_intake) and the files in the watched folder
(app.intake.watched_folder, setting intake.folder), taken into the unit's inbox before it
is read. The inbox view calls `take_arrivals` on every reload, off the GUI thread.

Nothing is taken on a laptop's replica (deliveries live in the shared database), nor by a
user who has no inbox (only a unit's handläggare and chefs take applications in).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from app.intake.server_intake import collect_from_server
from app.intake.watched_folder import FolderWatch, scan_folder
from app.security.actor import Actor


def take_arrivals(
    sessions: Callable[[], Session],
    actor: Actor,
    *,
    folder: Path | None,
    watch: FolderWatch,
) -> list[str]:
    """Take in what waits on the server and (when `folder` is an existing folder) in the
    watched folder; one Swedish line per delivery: "<fil>: mottagen" etc. `watch` is the
    caller's, kept between calls (a file is taken once it is the same in two scans)."""
    if actor.replica_id is not None or actor.unit_id is None:
        return []
    if actor.role.value not in ("handlaggare", "chef"):
        return []
    lines = [
        f"{collected.filename or collected.delivery_key}: {collected.summary}"
        for collected in collect_from_server(sessions, actor)
    ]
    if folder is not None and folder.is_dir():
        lines += [
            f"{done.filename}: {done.summary}"
            for done in scan_folder(sessions, actor, folder, watch)
        ]
    return lines
