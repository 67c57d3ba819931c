"""`arendestod intake FIL…` (both engines), and as a process killed midway (SQLite): every
file wholly taken in or not at all, and the next run takes the rest without duplicates."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.models import DeliveryStatus, IntakeDelivery
from app.settings import configuration
from tests.core.conftest import PASSWORD
from tests.file_keyring import shared_with_process

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
GOOD = json.loads((EXAMPLES / "ansokan-barnfamilj.json").read_text(encoding="utf-8"))


def write(folder: Path, name: str, document: object) -> Path:
    """The application as a file, with the attachments it names beside it."""
    for attachment in (EXAMPLES / "bilagor").iterdir():
        if not (folder / attachment.name).exists():
            shutil.copy(attachment, folder)
    path = folder / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_intake_prints_each_files_fate_and_fails_on_quarantine(
    db, cli_as, staff, session, tmp_path, capsys
) -> None:
    good = write(tmp_path, "bra.json", GOOD)
    bad = tmp_path / "trasig.json"
    bad.write_bytes(b"{")
    user = cli_as("sara.nilsson")
    assert main([*user.before, "intake", str(good), *user.after]) == 0
    assert capsys.readouterr().out == f"{good}: mottagen\n"
    missing = tmp_path / "finns-inte.json"
    code = main([*user.before, "intake", str(good), str(bad), str(missing), *user.after])
    assert code == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{good}: redan mottagen",
        f"{bad}: i karantän: Filen är inte giltig JSON (rad 1, kolumn 2).",
        f"{missing}: kan inte läsas (No such file or directory).",
    ]
    session.expire_all()
    assert sorted(d.status for d in session.scalars(select(IntakeDelivery))) == sorted(
        [DeliveryStatus.RECEIVED, DeliveryStatus.QUARANTINED]
    )


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_run_killed_midway_leaves_whole_files_and_the_next_takes_the_rest(
    db, staff, session, tmp_path
) -> None:
    files = []
    for number in range(60):
        document = json.loads(json.dumps(GOOD))
        document["ansokan_id"] = f"EA-2026-{number:06d}"
        if number % 7 == 3:
            document["period"]["tom"] = "2026-12-15"  # quarantined
        files.append(write(tmp_path, f"ansokan-{number:02d}.json", document))
    by_bytes = {path.read_bytes(): path for path in files}
    env = shared_with_process(dict(os.environ), tmp_path)
    command = [sys.executable, "-m", "app", "--db", db.url, "intake", *map(str, files)]
    command += ["--user", "sara.nilsson", "--password-stdin"]
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(PASSWORD + "\n")
    process.stdin.close()
    for _line in range(15):
        assert process.stdout.readline()
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    process.stdout.close()

    session.expire_all()
    kept = list(session.scalars(select(IntakeDelivery)))
    assert 15 <= len(kept) < len(files)
    for delivery in kept:  # wholly there: the bytes of one of the files, under its name
        assert by_bytes[delivery.raw].name == delivery.filename

    again = subprocess.run(
        command, input=PASSWORD + "\n", capture_output=True, text=True, env=env, timeout=300
    )
    assert again.returncode == 1, again.stderr
    lines = again.stdout.splitlines()
    assert len(lines) == len(files)
    assert sum(line.endswith(": redan mottagen") for line in lines) == sum(
        d.status is DeliveryStatus.RECEIVED for d in kept
    )
    session.expire_all()
    rows = list(session.scalars(select(IntakeDelivery)))
    assert sorted(d.filename for d in rows) == sorted(p.name for p in files)
    quarantined = {d.filename for d in rows if d.status is DeliveryStatus.QUARANTINED}
    assert quarantined == {f"ansokan-{n:02d}.json" for n in range(60) if n % 7 == 3}


def test_intake_says_what_it_needs(tmp_path, capsys, monkeypatch) -> None:
    assert main(["intake"]) == 2
    assert capsys.readouterr().err == (
        "Ange ansökningsfiler, --from-server eller --watch MAPP (ett av dem).\n"
    )
    missing = tmp_path / "finns-inte"
    assert main(["intake", "--watch", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"Mappen {missing} finns inte. Ange en mapp: --watch MAPP, eller inställningen "
        "intake.folder.\n"
    )
    monkeypatch.setenv("ARENDESTOD_SYSTEM_CONFIG", str(tmp_path / "ingen.toml"))
    monkeypatch.setenv("ARENDESTOD_CONFIG", str(tmp_path / "ingen-heller.toml"))
    configuration.reload()
    try:
        assert main(["intake", "--watch"]) == 2
    finally:
        monkeypatch.undo()
        configuration.reload()
    assert capsys.readouterr().err == (
        "Ange en mapp: --watch MAPP, eller inställningen intake.folder.\n"
    )


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_intake_watch_takes_in_what_is_dropped_and_survives_a_kill(
    db, staff, session, tmp_path
) -> None:
    folder = tmp_path / "e-ansokan"
    folder.mkdir()
    env = shared_with_process(dict(os.environ), tmp_path)
    command = [sys.executable, "-m", "app", "--db", db.url, "intake", "--watch", str(folder)]
    command += ["--interval", "0.2", "--user", "sara.nilsson", "--password-stdin"]

    def watch() -> subprocess.Popen:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            # as a shell starts a job in the background: SIGINT ignored, inherited
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(PASSWORD + "\n")
        process.stdin.close()
        assert process.stdout.readline() == f"Bevakar {folder} (avsluta med Ctrl+C).\n"
        return process

    process = watch()
    for number in range(20):
        document = json.loads(json.dumps(GOOD))
        document["ansokan_id"] = f"EA-2026-{number:06d}"
        write(folder, f"ansokan-{number:02d}.json", document)
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    while len(list(folder.glob("mottagna/*.json"))) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)  # midway: some taken in and moved, perhaps one not
    process.wait(timeout=60)
    process.stdout.close()

    process = watch()
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    while list(folder.glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    process.stdout.close()
    assert sorted(p.name for p in folder.glob("*.json")) == []
    moved = sorted(p.name for p in (folder / "mottagna").glob("*.json"))
    assert moved == [f"ansokan-{n:02d}.json" for n in range(20)]
    session.expire_all()
    rows = list(session.scalars(select(IntakeDelivery)))
    assert len(rows) == 20 and {d.status for d in rows} == {DeliveryStatus.RECEIVED}
