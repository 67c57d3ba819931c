"""`arendestod decision list|pdf`: decisions from the command line, for checks and IT."""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path

from app.common.formatting import money


def add_decision_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("decision", help="beslut: lista eller spara beslutsbrev")
    sub = parser.add_subparsers(dest="decision_command", required=True)
    listing = sub.add_parser("list", help="lista beslut")
    listing.add_argument("--case", metavar="ÄRENDENUMMER")
    listing.add_argument("--limit", type=int, default=1000)
    listing.add_argument("--json", action="store_true")
    pdf = sub.add_parser("pdf", help="spara ett besluts brev som PDF")
    pdf.add_argument("id", metavar="ID")
    pdf.add_argument("--out", required=True, metavar="FIL")


def run_decision(args: argparse.Namespace) -> int:
    from app.cli.local_database import open_for_command
    from app.common.errors import ServiceError
    from app.decisions import decisions
    from app.printing.decision_letter import render_decision_letter

    database = open_for_command(args)
    try:
        with database.sessions.begin() as session:
            if args.decision_command == "list":
                rows = decisions.list_all(session, case_number=args.case, limit=args.limit)
                _print_list(rows, as_json=args.json)
                return 0
            try:
                decision_id = uuid.UUID(args.id)
            except ValueError:
                print("Ogiltigt beslut-id.", file=sys.stderr)
                return 2
            pdf = decisions.letter_for_export(session, decision_id, render_decision_letter)
        Path(args.out).write_bytes(pdf)
        print(f"Beslutsbrevet sparades som {args.out} ({len(pdf)} byte).")
        return 0
    except ServiceError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        database.dispose()


def _print_list(rows, *, as_json: bool) -> None:
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "id": str(r.id),
                        "case_number": r.case_number,
                        "kind": r.kind.value,
                        "outcome": r.outcome.value,
                        "period_start": r.period_start.isoformat(),
                        "period_end": r.period_end.isoformat(),
                        "granted_total": str(r.granted_total),
                        "decided_on": r.decided_on.isoformat() if r.decided_on else None,
                        "has_archived_letter": r.has_letter,
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for r in rows:
        print(
            f"{r.id}  {r.case_number}  {r.period_start:%Y-%m}  {r.kind.label:<24} "
            f"{r.outcome.label:<14} {money(r.granted_total):>14}  "
            f"{r.decided_on.isoformat() if r.decided_on else 'utkast'}"
        )
