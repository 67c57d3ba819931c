"""`arendestod intake FIL…`: take in the files the e-service delivered (E-ansökan).

One transaction per file: a file is wholly taken in or not at all, so a run that is
stopped midway is simply run again (files already in are recognised by their bytes). Per
file one line: "mottagen", "redan mottagen" or "i karantän: <skäl>". Exit status 1 when any
file was quarantined or could not be read, else 0.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import cli_login


def add_intake_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("intake", help="ta emot ansökningar från e-tjänsten (JSON-filer)")
    parser.add_argument("files", nargs="+", metavar="FIL", help="ansökningsfiler (JSON)")
    cli_login.add_user_options(parser)


def run_intake(args: argparse.Namespace) -> int:
    from app.common.errors import ServiceError
    from app.intake.intake import take_in
    from app.models import DeliveryStatus

    logged_in = cli_login.open_as_user(args)
    faults = 0
    try:
        for name in args.files:
            path = Path(name)
            try:
                raw = path.read_bytes()
            except OSError as error:
                print(f"{name}: kan inte läsas ({error.strerror or error}).", flush=True)
                faults += 1
                continue
            try:
                with logged_in.database.sessions.begin() as session:
                    result = take_in(session, logged_in.actor, raw, filename=path.name)
            except ServiceError as error:
                print(f"{name}: {error}", flush=True)
                faults += 1
                continue
            reason = result.summary.replace("\n", " ")
            print(f"{name}: {reason}", flush=True)
            if result.status is DeliveryStatus.QUARANTINED:
                faults += 1
    finally:
        logged_in.dispose()
    return 1 if faults else 0
