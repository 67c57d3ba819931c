"""`arendestod stats`, `arendestod export underlag|csv|report` and `arendestod unit`:
statistics from the command line, and the units' kommunkod they need.

Statistics need a user (`--user`, app.cli.cli_login) with the rights of the window: a chef
for their own unit, an administrator for any unit or all of them. Every call is audited
with that user. `unit list` shows no personal data and needs none; `unit
set-municipality-code` changes data and needs an administrator.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from datetime import date

from app.cli import cli_login, swedish_argparse
from app.common.formatting import money


def _add_scope(
    parser: argparse.ArgumentParser, *, year: bool = True, required: bool = True
) -> None:
    """--month (and --year, one of them required unless `required` is false) and --unit."""
    if year:
        period = parser.add_mutually_exclusive_group(required=required)
        period.add_argument("--month", type=swedish_argparse.month, metavar="ÅÅÅÅ-MM")
        period.add_argument("--year", type=swedish_argparse.year, metavar="ÅÅÅÅ")
    else:
        parser.add_argument(
            "--month", type=swedish_argparse.month, required=True, metavar="ÅÅÅÅ-MM"
        )
    parser.add_argument("--unit", metavar="ENHET", help="enhetens namn (annars alla enheter)")


def add_stats_parsers(commands: argparse._SubParsersAction) -> None:
    stats = commands.add_parser(
        "stats",
        help="statistik för en månad eller ett år; stats rebuild bygger om underlaget",
    )
    stats.add_argument(
        "action",
        nargs="?",
        choices=["rebuild"],
        help="rebuild: bygg om statistikens underlag (administratör; på en delad server "
        "databasens ägare)",
    )
    stats.add_argument(
        "--check",
        action="store_true",
        help="med rebuild: jämför bara underlaget med en ny beräkning (slutkod 1 om det skiljer)",
    )
    _add_scope(stats, required=False)
    stats.add_argument("--json", action="store_true", help="skriv ut som JSON")
    cli_login.add_user_options(stats)
    export = commands.add_parser("export", help="exportera statistik till fil")
    sub = export.add_subparsers(dest="export_command", required=True)
    for name, help_text, year, out in (
        (
            "underlag",
            "underlag för Socialstyrelsens individstatistik för en månad "
            "(inte Socialstyrelsens filformat)",
            False,
            "FIL",
        ),
        ("csv", "statistiken som CSV-fil för Excel", True, "FIL"),
        ("report", "statistikrapport som PDF med diagram", True, "FIL.pdf"),
    ):
        parser = sub.add_parser(name, help=help_text)
        _add_scope(parser, year=year)
        parser.add_argument("--out", required=True, metavar=out)
        cli_login.add_user_options(parser)
    # The old name: refused with the reason (no file of Socialstyrelsen's format is made).
    refused = sub.add_parser("sos", help="görs inte (se export underlag)")
    refused.add_argument("--month", metavar="ÅÅÅÅ-MM")
    refused.add_argument("--unit", metavar="ENHET")
    refused.add_argument("--out", metavar="FIL")
    unit = commands.add_parser("unit", help="enheternas kommunkod (för IT)")
    unit_commands = unit.add_subparsers(dest="unit_command", required=True)
    unit_commands.add_parser("list", help="visa enheterna och deras kommunkod")
    code = unit_commands.add_parser(
        "set-municipality-code", help="ange en enhets kommunkod (SCB:s fyra siffror)"
    )
    code.add_argument("unit", metavar="ENHET")
    code.add_argument("code", metavar="KOMMUNKOD")
    cli_login.add_user_options(code)


SOS_REFUSED = (
    "Ärendestöd kan inte göra Socialstyrelsens fil: Socialstyrelsens tekniska beskrivning av "
    "filen har inte kunnat kontrolleras. Använd arendestod export underlag --month ÅÅÅÅ-MM "
    "--out FIL för ett underlag med Ärendestödets egen uppställning."
)


def _unit_id(session, name: str | None) -> uuid.UUID | None:
    from sqlalchemy import select

    from app.models import Unit

    if not name:
        return None
    unit_id = session.scalar(select(Unit.id).where(Unit.name == name))
    if unit_id is None:
        raise ValueError(f"Enheten {name} finns inte.")
    return unit_id


def _run(args: argparse.Namespace, work) -> int:
    """`work(session, actor, unit_id, month)` as the user of --user. The statistics read
    their pages once: a local file is opened with a small page cache (less memory, the same
    time; encrypted_file.READ_ONCE_PAGE_CACHE_KIB)."""
    from app.common.errors import ServiceError
    from app.db.encrypted_file import READ_ONCE_PAGE_CACHE_KIB

    month = getattr(args, "month", None)
    logged_in = cli_login.open_as_user(
        args, page_cache_kib=READ_ONCE_PAGE_CACHE_KIB, meanwhile=_import_statistics
    )
    try:
        with logged_in.database.sessions.begin() as session:
            return work(session, logged_in.actor, _unit_id(session, args.unit), month)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ServiceError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        logged_in.dispose()


def _import_statistics() -> None:
    """The statistics' modules, imported while the password is checked (cli_login)."""
    from app.statistics import statistics  # noqa: F401


def _statistics(session, actor, unit_id: uuid.UUID | None, month: date | None, year: int | None):
    """The month's statistics when a month is given, else the year's."""
    from app.statistics import statistics

    if month is not None:
        return statistics.month_statistics(session, actor, month, unit_id=unit_id)
    assert year is not None  # argparse requires --month or --year
    return statistics.year_statistics(session, actor, year, unit_id=unit_id)


def run_stats(args: argparse.Namespace) -> int:
    if args.action == "rebuild":
        from app.cli.stats_rebuild_cli import run_rebuild

        return run_rebuild(args)
    if args.month is None and args.year is None:
        print("Ange --month ÅÅÅÅ-MM eller --year ÅÅÅÅ.", file=sys.stderr)
        return 2

    def work(session, actor, unit_id, month) -> int:
        from app.statistics import statistics

        stats = _statistics(session, actor, unit_id, month, args.year)
        if args.json:
            print(json.dumps(statistics.as_json_dict(stats), ensure_ascii=False, indent=2))
        else:
            _print_summary(stats)
        return 0

    return _run(args, work)


def run_export(args: argparse.Namespace) -> int:
    if args.export_command == "sos":
        print(SOS_REFUSED, file=sys.stderr)
        return 2

    def work(session, actor, unit_id, month) -> int:
        from app.statistics import sos_export, statistics_csv

        if args.export_command == "underlag":
            underlag = sos_export.individual_data(session, actor, month, unit_id=unit_id)
            sos_export.write_underlag(underlag, args.out)
            print(
                f"Underlaget ({len(underlag.persons)} personer i {underlag.households} hushåll, "
                f"{len(underlag.closings)} avslut) sparades i {args.out}."
            )
            print("Obs! " + sos_export.FORMAT_NOTE)
            for missing in sos_export.MISSING:
                print("Saknas: " + missing)
            return 0
        stats = _statistics(session, actor, unit_id, month, args.year)
        if args.export_command == "report":
            from pathlib import Path

            from app.cases.letterhead import organisation_name
            from app.common import clock
            from app.common.formatting import local_datetime
            from app.printing.statistics_report import render_statistics_report

            pdf = render_statistics_report(
                stats,
                printed=f"Utskriven {local_datetime(clock.now())} från kommandoraden",
                organisation=organisation_name(session, unit_id),
            )
            Path(args.out).write_bytes(pdf)
            print(f"Rapporten sparades i {args.out}.")
            return 0
        statistics_csv.write_statistics_csv(stats, args.out)
        print(f"Statistiken sparades i {args.out}.")
        return 0

    return _run(args, work)


def run_unit(args: argparse.Namespace) -> int:
    """`arendestod unit list` and `unit set-municipality-code ENHET KOD`."""
    from app.cli.local_database import open_for_command
    from app.common.errors import ServiceError
    from app.statistics import unit_codes

    if args.unit_command == "list":
        database = open_for_command(args)
        try:
            with database.sessions.begin() as session:
                for name, code in unit_codes.unit_codes(session):
                    print(f"{name}: kommunkod {code or 'saknas'}")
            return 0
        finally:
            database.dispose()
    logged_in = cli_login.open_as_user(args)
    try:
        cli_login.require_administrator(logged_in.actor, "ange en enhets kommunkod")
        with logged_in.database.sessions.begin() as session:
            unit = unit_codes.set_municipality_code(
                session, args.unit, args.code, actor=logged_in.actor
            )
            print(f"{unit.name} har kommunkod {unit.municipality_code}.")
            return 0
    except ServiceError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        logged_in.dispose()


def _print_summary(stats) -> None:
    period = f"{stats.month:%Y-%m}" if hasattr(stats, "month") else f"{stats.year} (helår)"
    print(f"Statistik {period}, {stats.unit_name}")
    for label, counts in (
        ("Beslutshushåll", stats.decision_households.total),
        ("Bidragshushåll", stats.support_households.total),
        ("Nya hushåll", stats.new_households.total),
        ("Avslutade hushåll", stats.closed_households.total),
        ("Långvarigt bistånd 10 av 12", stats.long_term_10_of_12.total),
        ("Långvarigt bistånd 32 av 36", stats.long_term_32_of_36.total),
    ):
        print(f"  {label:<30} {counts.total:>8}  (kvinnor {counts.women}, män {counts.men})")
    print(f"  {'Beviljat':<30} {money(stats.amount_granted):>20}")
    print(f"  {'  varav försörjningsstöd':<30} {money(stats.amount_granted_support):>20}")
    print(f"  {'Utbetalt (verkställda beslut)':<30} {money(stats.amount_paid):>20}")
    print(f"  {'Kostnad per bidragshushåll':<30} {money(stats.cost_per_support_household):>20}")
    if stats.appeals is not None:
        rulings = sum(t.total.total for t in stats.appeals.instance_totals.values())
        print(f"  {'Inkomna överklaganden':<30} {stats.appeals.received.total:>8}")
        print(f"  {'Domar':<30} {rulings:>8}")
    if stats.complaints is not None:
        print(f"  {'Synpunkter och klagomål':<30} {stats.complaints.total.received:>8}")
