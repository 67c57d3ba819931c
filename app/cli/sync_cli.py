"""`arendestod sync`: sync the laptop's replica with the server from the command line.

On the shared server the user is the database role of the URL (its password from the URL,
$PGPASSWORD or the keyring, as the window saved it); on a local SQLite database `--user`
names the user and the password is checked (asked for, or the line after the passphrase on
standard input with `--password-stdin`). The replica is unlocked with the key in the
keyring, or with a passphrase read from standard input (`--passphrase-stdin`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_sync_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "sync", help="synkronisera den bärbara datorns offlinedatabas med servern"
    )
    parser.add_argument("--json", action="store_true", help="skriv ut resultatet som JSON")
    parser.add_argument("--replica", metavar="FIL", help="offlinedatabasen (annars standardfilen)")
    parser.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="läs offlinedatabasens lösenfras från standard in (datorer utan nyckelring)",
    )
    parser.add_argument("--user", metavar="ANVÄNDARNAMN", help="användaren (lokal SQLite-databas)")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="läs användarens lösenord från standard in (raden efter lösenfrasen)",
    )


def run_sync(args: argparse.Namespace) -> int:
    from app.cli import cli_login
    from app.cli.local_database import open_for_command
    from app.common.errors import ServiceError
    from app.db.location import default_replica_path
    from app.offline import offline_replica, sync, sync_conflicts
    from app.security import accounts, server_login

    passphrase = sys.stdin.readline().rstrip("\n") if args.passphrase_stdin else None
    path = Path(args.replica) if args.replica else default_replica_path()
    if not path.exists():
        return _fail(args, f"Det finns ingen offlinedatabas på {path}. Ta med ärenden först.")
    database = open_for_command(args, upgrade=False)
    password = None
    if not server_login.is_shared_server(database.url):
        if not args.user:
            database.dispose()
            return _fail(args, cli_login.USER_MISSING)
        password = cli_login.read_password(args.user, args.password_stdin)
    try:
        replica = offline_replica.unlock(path, passphrase)
    except ServiceError as error:
        database.dispose()
        return _fail(args, str(error))
    try:
        with database.sessions.begin() as session:
            if password is None:
                actor = accounts.login_connected(session)
            else:
                actor = accounts.login(session, args.user, password)
        if actor is None:
            return _fail(args, accounts.LOGIN_FAILED_MESSAGE)
        with database.sessions() as server, replica.sessions() as local:
            waiting = sync.pending(local)
            report = sync.sync(server, local, actor)
            open_conflicts = sync_conflicts.open_conflict_count(server, actor)
    except ServiceError as error:
        return _fail(args, str(error))
    finally:
        replica.dispose()
        database.dispose()
    result = {
        "status": "ok",
        "waiting": waiting,
        **report.as_dict(),
        "open_conflicts": open_conflicts,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(
            f"Skickade ändringar: {report.pushed} (konflikter: {report.conflicts}). Hämtade "
            f"ärenden: {report.pulled_cases}. Konflikter att välja i: {open_conflicts}."
        )
        if report.refused:
            print(report.refusals_text(most=len(report.refused)))
    return 0


def _fail(args: argparse.Namespace, message: str) -> int:
    if args.json:
        print(json.dumps({"status": "fel", "message": message}, ensure_ascii=False))
    else:
        print(message, file=sys.stderr)
    return 2
