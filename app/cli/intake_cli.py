"""`arendestod intake`: take in the applications the e-service delivered (E-ansökan).

- `intake FIL…`: each JSON file with the attachments it names (`bilagor[].filnamn`), found
  beside it or in the folder given with `--bilagor MAPP`;
- `intake --from-server`: the deliveries the e-service dropped on the shared server
  (app.intake.server_intake);
- `intake --watch [MAPP]`: the watched folder (app.intake.watched_folder; MAPP defaults to
  the setting intake.folder), scanned every few seconds until stopped with Ctrl+C.

One transaction per delivery: a delivery is wholly taken in or not at all, so a run that is
stopped midway is simply run again (files already in are recognised by their bytes). Per
delivery one line: "mottagen", "redan mottagen" or "i karantän: <skäl>". Exit status 1 when
any delivery was quarantined or could not be read, else 0.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import time
from pathlib import Path

from app.cli import cli_login


def add_intake_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("intake", help="ta emot ansökningar från e-tjänsten (JSON-filer)")
    parser.add_argument("files", nargs="*", metavar="FIL", help="ansökningsfiler (JSON)")
    parser.add_argument(
        "--bilagor",
        metavar="MAPP",
        help="mappen där ansökningarnas bilagor ligger (annars bredvid JSON-filen)",
    )
    parser.add_argument(
        "--from-server",
        action="store_true",
        help="hämta ansökningar som e-tjänsten lämnat på den delade servern",
    )
    parser.add_argument(
        "--watch",
        nargs="?",
        const="",
        metavar="MAPP",
        help="bevaka en mapp och ta emot ansökningar som läggs där (standard: intake.folder); "
        "avsluta med Ctrl+C",
    )
    parser.add_argument(
        "--interval", type=float, default=5.0, metavar="SEK", help=argparse.SUPPRESS
    )
    cli_login.add_user_options(parser)


def run_intake(args: argparse.Namespace) -> int:
    modes = [bool(args.files), args.from_server, args.watch is not None]
    if sum(modes) != 1:
        print(
            "Ange ansökningsfiler, --from-server eller --watch MAPP (ett av dem).",
            file=sys.stderr,
        )
        return 2
    folder = None
    if args.watch is not None:
        from app.settings import configuration

        named = args.watch or configuration.current().intake_folder
        if not named:
            print("Ange en mapp: --watch MAPP, eller inställningen intake.folder.", file=sys.stderr)
            return 2
        folder = Path(named)
        if not folder.is_dir():
            print(
                f"Mappen {folder} finns inte. Ange en mapp: --watch MAPP, eller inställningen "
                "intake.folder.",
                file=sys.stderr,
            )
            return 2
    logged_in = cli_login.open_as_user(args)
    try:
        if folder is not None:
            return _watch(logged_in, folder, args.interval)
        if args.from_server:
            return _from_server(logged_in)
        return _files(logged_in, args.files, args.bilagor)
    finally:
        logged_in.dispose()


def _files(logged_in: cli_login.LoggedIn, names: list[str], attachments: str | None) -> int:
    from app.common.errors import ServiceError
    from app.intake.intake import named_attachments, take_in
    from app.models import DeliveryStatus

    faults = 0
    for name in names:
        path = Path(name)
        try:
            raw = path.read_bytes()
        except OSError as error:
            print(f"{name}: kan inte läsas ({error.strerror or error}).", flush=True)
            faults += 1
            continue
        beside = Path(attachments) if attachments else path.parent
        files = {}
        for attached in named_attachments(raw):
            # a missing one is left out: the delivery is quarantined, saying which file
            with contextlib.suppress(OSError):
                files[attached] = (beside / attached).read_bytes()
        try:
            with logged_in.database.sessions.begin() as session:
                result = take_in(session, logged_in.actor, raw, filename=path.name, files=files)
        except ServiceError as error:
            print(f"{name}: {error}", flush=True)
            faults += 1
            continue
        reason = result.summary.replace("\n", " ")
        print(f"{name}: {reason}", flush=True)
        if result.status is DeliveryStatus.QUARANTINED:
            faults += 1
    return 1 if faults else 0


def _from_server(logged_in: cli_login.LoggedIn) -> int:
    from app.common.errors import ServiceError
    from app.intake.server_intake import Collected, collect_from_server
    from app.models import DeliveryStatus

    def show(collected: Collected) -> None:
        name = collected.filename or collected.delivery_key
        print(f"{name}: {collected.summary.replace(chr(10), ' ')}", flush=True)

    try:
        done = collect_from_server(logged_in.database.sessions, logged_in.actor, on_each=show)
    except ServiceError as error:
        print(str(error), file=sys.stderr)
        return 1
    if not done:
        print("Inga nya ansökningar på servern.")
    faults = [c for c in done if c.result is None or c.result.status is DeliveryStatus.QUARANTINED]
    return 1 if faults else 0


def _watch(logged_in: cli_login.LoggedIn, folder: Path, interval: float) -> int:
    from app.intake.watched_folder import FolderWatch, scan_folder

    # Ctrl+C (SIGINT) and a service manager's stop (SIGTERM) end the watch between two
    # transactions' statements; installed here because a process started in the background
    # by a shell inherits SIGINT ignored, and Python then installs no handler of its own.
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, _stop)
    print(f"Bevakar {folder} (avsluta med Ctrl+C).", flush=True)
    watch = FolderWatch()
    try:
        while True:
            for done in scan_folder(logged_in.database.sessions, logged_in.actor, folder, watch):
                print(f"{done.filename}: {done.summary.replace(chr(10), ' ')}", flush=True)
            time.sleep(interval)
    except KeyboardInterrupt:
        return 0


def _stop(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt
