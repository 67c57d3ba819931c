"""The watched folder (local mode): the e-service, or a person, drops applications in a
folder and the program takes them in (`arendestod intake --watch MAPP`, setting
intake.folder).

A delivery is an application's JSON file and the attachments it names (`bilagor[].filnamn`)
beside it. A file is taken only once it is stable: the same size and modification time in
two scans in a row, so a file still being copied is not taken half. Each delivery is taken
in in one transaction (`take_in`), and then its files are moved to `MAPP/mottagna/` or
`MAPP/karantan/` (with `<namn>.skal.txt` giving the reason beside the JSON). Kill-safe: a
stop between the commit and the move leaves files that the next scan takes in again, which
`take_in` recognises by their bytes ("redan mottagen"), and just moves.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from app.common.errors import ServiceError
from app.intake.intake import TakeInResult, named_attachments, take_in
from app.models import DeliveryStatus
from app.security.actor import Actor

RECEIVED_FOLDER = "mottagna"
QUARANTINE_FOLDER = "karantan"
REASON_SUFFIX = ".skal.txt"
MISSING_ATTACHMENT_WAIT = 15 * 60
"""Seconds a stable application waits for an attachment it names that is not there yet;
after that it is taken in (and quarantined: the attachment is missing)."""


@dataclass
class FolderWatch:
    """What the previous scan saw (file name -> size and modification time)."""

    seen: dict[str, tuple[int, int]] = field(default_factory=dict)
    named: dict[str, tuple[tuple[int, int], list[str]]] = field(default_factory=dict)
    """The attachments each application file names, read once per version of the file."""

    def attachments_of(self, folder: Path, name: str, state: tuple[int, int]) -> list[str]:
        cached = self.named.get(name)
        if cached is None or cached[0] != state:
            cached = (state, named_attachments((folder / name).read_bytes()))
            self.named[name] = cached
        return cached[1]


@dataclass(frozen=True)
class FolderResult:
    filename: str
    result: TakeInResult | None
    problem: str = ""

    @property
    def summary(self) -> str:
        return self.problem if self.result is None else self.result.summary


def scan_folder(
    sessions: Callable[[], Session],
    actor: Actor,
    folder: Path,
    watch: FolderWatch,
    *,
    now: Callable[[], float] = time.time,
) -> list[FolderResult]:
    """Take in every complete, stable delivery in `folder` and move its files; returns what
    became of each. Call it again and again with the same `watch` (every few seconds)."""
    current = {
        entry.name: (entry.stat().st_size, entry.stat().st_mtime_ns)
        for entry in os.scandir(folder)
        if entry.is_file() and not entry.name.endswith(REASON_SUFFIX)
    }
    stable = {name for name, state in current.items() if watch.seen.get(name) == state}
    watch.seen = dict(current)  # a copy: what is moved below is forgotten there only
    applications = sorted(name for name in current if name.lower().endswith(".json"))
    watch.named = {name: watch.named[name] for name in applications if name in watch.named}
    # how many application files in the folder name each attachment
    wanted = Counter(
        attached
        for name in applications
        for attached in set(watch.attachments_of(folder, name, current[name]))
    )
    done: list[FolderResult] = []
    for name in applications:
        if name not in stable:
            continue
        raw = (folder / name).read_bytes()
        named = watch.attachments_of(folder, name, current[name])
        if any(n in current and n not in stable for n in named):
            continue  # an attachment still being copied
        missing = [n for n in named if n not in current]
        if missing and now() - current[name][1] / 1e9 < MISSING_ATTACHMENT_WAIT:
            continue
        files = {n: (folder / n).read_bytes() for n in named if n in current}
        session = sessions()
        try:
            with session.begin():
                result = take_in(session, actor, raw, filename=name, files=files)
        except ServiceError as error:
            done.append(FolderResult(name, None, str(error)))
            continue
        finally:
            session.close()
        wanted.subtract(set(named))
        _move(folder, name, list(files), {n for n in files if wanted[n] > 0}, result)
        for moved in (name, *files):
            watch.seen.pop(moved, None)
        done.append(FolderResult(name, result))
    return done


def _move(
    folder: Path, name: str, attached: list[str], still_named: set[str], result: TakeInResult
) -> None:
    """The delivery's files into mottagna/ or karantan/; an attachment that another
    application still in the folder names too is copied there instead, for that one."""
    quarantined = result.status is DeliveryStatus.QUARANTINED
    target = folder / (QUARANTINE_FOLDER if quarantined else RECEIVED_FOLDER)
    target.mkdir(exist_ok=True)
    if quarantined:
        reason = target / f"{name}{REASON_SUFFIX}"
        reason.write_text(result.reason + "\n", encoding="utf-8")
    for moved in (*attached, name):  # the JSON last: the next scan finds it if stopped here
        if moved in still_named:
            shutil.copy2(folder / moved, _free(target / moved))
        else:
            os.replace(folder / moved, _free(target / moved))


def _free(path: Path) -> Path:
    """`path`, or `namn (2).ext`… when a file of that name was moved there before."""
    number = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} ({number}){path.suffix}")
        number += 1
    return candidate
