"""`arendestod db verify`: is the audit log's hash chain whole, and does every signed journal
entry, form and decision still match the hash stored when it was signed (issue 20)?

Exit status 0 when everything matches, 1 when something does not, 2 when the check could
not be made (no access, wrong password). It reads the whole database, so it needs an
administrator: on a local database `--user` with the password asked (or one line of
standard input with `--password-stdin`); on a shared server the administrator's own login
role, or the schema owner (IT).

What it proves, honestly: rows edited, removed or added by hand without recomputing the
chain. Someone with the database file and its key who recomputes the whole chain after an
edit is found only against a head noted earlier: the command prints the head (number and
hash) for IT to keep elsewhere, and `--expect-head NUMMER:HASH` checks that the chain still
passes through it.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.cli.cli_login import add_user_options, read_password
from app.common.formatting import local_datetime

WHOLE = "Stämmer"


def add_verify_parser(db_commands: argparse._SubParsersAction) -> None:
    verify = db_commands.add_parser(
        "verify",
        help="kontrollera loggkedjan och att signerade anteckningar, blanketter och beslut "
        "inte har ändrats (kräver administratör)",
    )
    add_user_options(verify)
    verify.add_argument(
        "--expect-head",
        metavar="NUMMER:HASH",
        help="kedjans huvud från en tidigare körning: kedjan ska fortfarande gå genom det",
    )


def run_verify(args: argparse.Namespace) -> int:
    from app.cli.local_database import open_for_command

    try:
        expected = _expected_head(args.expect_head)
    except ValueError:
        print(
            "--expect-head ska vara NUMMER:HASH, som verify skrev ut förra gången.",
            file=sys.stderr,
        )
        return 2
    database = open_for_command(args)
    try:
        with database.sessions.begin() as session:
            allowed = _authorise(session, args, database.engine.dialect.name)
        if allowed is None:
            return 2
        with database.sessions() as session:
            return _verify(session, expected, signed_content=allowed)
    finally:
        database.dispose()


def _expected_head(value: str | None) -> tuple[int, str] | None:
    """`NUMMER:HASH` as printed by an earlier run; ValueError when it is not."""
    if value is None:
        return None
    number, _, digest = value.partition(":")
    digest = digest.strip().lower()
    if not number.strip().isdigit() or len(digest) != 64:
        raise ValueError(value)
    return int(number), digest


def _authorise(session: Session, args: argparse.Namespace, dialect: str) -> bool | None:
    """Whether the check may read signed content too (True: a local database, or the
    server's owner; False: an administrator's own role on the server, which reads the whole
    log but no case content); None, with a message, when it may not run at all."""
    from app.models import Role
    from app.security import accounts, audit

    if dialect == "postgresql" and args.user is None:
        actor = accounts.login_connected(session)
        if actor is None and _owns_schema(session):
            audit.record(session, None, audit.Action.OPEN, "audit_log", detail="db verify (ägaren)")
            return True
    else:
        if not args.user:
            print("Ange administratören med --user ANVÄNDARNAMN.", file=sys.stderr)
            return None
        attempt = accounts.attempt_login(
            session, args.user, read_password(args.user, args.password_stdin)
        )
        actor = attempt.actor
        if actor is None:
            print(attempt.message, file=sys.stderr)
            return None
    if actor is None or actor.role is not Role.ADMINISTRATOR:
        print("Bara en administratör kan kontrollera hela databasen.", file=sys.stderr)
        return None
    audit.record(session, actor, audit.Action.OPEN, "audit_log", detail="db verify")
    return dialect != "postgresql"


def _owns_schema(session: Session) -> bool:
    return bool(
        session.scalar(
            text(
                "SELECT pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE') "
                "FROM pg_catalog.pg_class c WHERE c.oid = 'public.audit_log'::regclass"
            )
        )
    )


def _verify(session: Session, expected: tuple[int, str] | None, *, signed_content: bool) -> int:
    from app.models import AuditEntry
    from app.security.integrity import verify_audit_chain

    chain = verify_audit_chain(session)
    ok = chain.intact
    print(f"Loggkedjan: {chain.rows} rader, kedjans huvud nummer {chain.head_seq}.")
    if chain.intact:
        print("Loggkedjan: stämmer.")
    else:
        print(f"Loggkedjan: STÄMMER INTE från nummer {chain.first_bad_seq}.")
        if chain.gaps:
            print(
                f"  {_rows(chain.missing)} saknas, i {len(chain.gaps)} "
                + ("lucka" if len(chain.gaps) == 1 else "luckor")
                + " (efter nummer "
                + ", ".join(str(gap.after_seq) for gap in chain.gaps[:10])
                + (" …" if len(chain.gaps) > 10 else "")
                + ")."
            )
        if chain.edited:
            print(
                f"  {_rows(len(chain.edited))} ändrade (nummer "
                + ", ".join(str(seq) for seq in chain.edited[:10])
                + (" …" if len(chain.edited) > 10 else "")
                + ")."
            )
        if chain.unchained:
            print(f"  {_rows(chain.unchained)} saknar plats i kedjan.")
    if expected is not None:
        number, digest = expected
        stored = session.scalar(select(AuditEntry.chain_hash).where(AuditEntry.seq == number))
        if stored == digest:
            print(f"Det noterade huvudet (nummer {number}) finns kvar i kedjan.")
        else:
            ok = False
            print(
                f"Det noterade huvudet (nummer {number}) STÄMMER INTE: loggen har kortats "
                "eller räknats om efteråt."
            )
    if not _signed_content_holds(session, signed_content):
        ok = False
    print(f"Anteckna kedjans huvud för nästa kontroll: {chain.head_seq}:{chain.head_hash}")
    print("Resultat: allt stämmer." if ok else "Resultat: något stämmer inte (se ovan).")
    return 0 if ok else 1


def _signed_content_holds(session: Session, readable: bool) -> bool:
    """Check and print every signed item; True when all match (or they cannot be read)."""
    from app.decisions.signed_content import check_signed_content

    if not readable:
        print(
            "Signerat innehåll: kontrolleras bara som databasens ägare (en administratör "
            "läser inget ärendeinnehåll på servern)."
        )
        return True
    signed = check_signed_content(session)
    if not signed.mismatches:
        print(f"Signerat innehåll: alla {signed.checked} stämmer med sina signaturer.")
        return True
    print(
        f"Signerat innehåll: {len(signed.mismatches)} av {signed.checked} stämmer INTE med "
        "signaturen (ändrade efter signering):"
    )
    for item in signed.mismatches:
        when = local_datetime(item.signed_at) if item.signed_at else "–"
        print(f"  {item.kind} · ärende {item.case_number} · signerad {when} av {item.signer}")
    return False


def _rows(count: int) -> str:
    return "1 rad" if count == 1 else f"{count} rader"
