"""Opening the database for a command: the local SQLite file is encrypted, and where the
computer has no keyring its passphrase is asked for (getpass, at a terminal) or read as the
first line of standard input with `--db-passphrase-stdin` (scripts). A database that cannot
be opened raises a ServiceError: the command ends with its sentence and exit status 2
(app.cli.cli_errors)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.db.database import Database

STDIN_OPTION = "--db-passphrase-stdin"


def add_passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        STDIN_OPTION,
        action="store_true",
        help="läs den lokala databasens lösenfras från standard in (datorer utan nyckelring)",
    )


def open_for_command(
    args: argparse.Namespace, *, upgrade: bool = True, page_cache_kib: int | None = None
) -> Database:
    """The database of `--db` (or the default), opened for this command; `page_cache_kib`
    for a command that reads its pages once (encrypted_file.READ_ONCE_PAGE_CACHE_KIB)."""
    from app.common.errors import ServiceError
    from app.security.local_key import LocalPassphraseNeeded, open_for_user

    passphrase = _passphrase_from_stdin(args)
    try:
        return open_for_user(
            args.db, passphrase=passphrase, upgrade=upgrade, page_cache_kib=page_cache_kib
        )
    except LocalPassphraseNeeded as question:
        if passphrase is not None or not sys.stdin.isatty():
            raise ServiceError(
                f"{question} Ange den vid en terminal, eller på första raden av standard "
                f"in med {STDIN_OPTION}."
            ) from question
        passphrase = _ask(question.new)
        if passphrase is None:
            raise ServiceError("Lösenfraserna är inte lika.") from question
        return open_for_user(
            args.db, passphrase=passphrase, upgrade=upgrade, page_cache_kib=page_cache_kib
        )


def _passphrase_from_stdin(args: argparse.Namespace) -> str | None:
    if not getattr(args, "db_passphrase_stdin", False):
        return None
    if not hasattr(args, "_db_passphrase"):
        args._db_passphrase = sys.stdin.readline().rstrip("\n")
    return args._db_passphrase


def _ask(new: bool) -> str | None:
    import getpass

    if not new:
        return getpass.getpass("Databasens lösenfras: ")
    print(
        "Databasen krypteras. Datorn har ingen nyckelring, så välj en lösenfras (minst 12 "
        "tecken); den frågas efter vid varje start. Glömmer du den går uppgifterna inte att "
        "läsa.",
        file=sys.stderr,
    )
    first = getpass.getpass("Ny lösenfras för databasen: ")
    if getpass.getpass("Upprepa lösenfrasen: ") != first:
        return None
    return first
