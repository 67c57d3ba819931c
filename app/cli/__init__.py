"""Command line: `arendestod` opens the window; sub-commands serve administrators and checks."""

from __future__ import annotations

import argparse
import signal
import sys
import time

from app import __version__
from app.cli import cli_login, swedish_argparse
from app.cli.swedish_argparse import SwedishArgumentParser


def _parser() -> argparse.ArgumentParser:
    parser = SwedishArgumentParser(
        prog="arendestod",
        description="Ärendestöd – handläggarstöd för ekonomiskt bistånd.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"Ärendestöd {__version__}",
        help="visa programmets version och avsluta",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="visa hela felutskriften (traceback) vid fel, för utvecklare "
        "(samma som ARENDESTOD_DEBUG=1)",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="databas, t.ex. postgresql://user@host/db (annars $ARENDESTOD_DB "
        "eller en lokal SQLite-fil)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="arbeta utan nätverk i den bärbara datorns krypterade offlinedatabas",
    )
    from app.cli.local_database import add_passphrase_option

    add_passphrase_option(parser)
    commands = parser.add_subparsers(dest="command")
    db = commands.add_parser("db", help="databasunderhåll")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="uppgradera databasens schema (säkerhetskopia först)")
    db_commands.add_parser("status", help="visa databasens schemaversion")
    server = db_commands.add_parser(
        "init-server",
        help="delad PostgreSQL-server: skapa schema, roller och behörighetsregler "
        "(köras av administratör)",
    )
    server.add_argument(
        "--first-admin",
        metavar="ANVÄNDARNAMN",
        help="på en tom server: skapa den första administratören med inloggningsroll",
    )
    server.add_argument("--full-name", metavar="NAMN", default="", help="administratörens namn")
    server.add_argument("--unit", metavar="ENHET", default="", help="den första enhetens namn")
    server.add_argument("--password-stdin", action="store_true")
    login = db_commands.add_parser(
        "create-login",
        help="delad PostgreSQL-server: inloggningsroll för en användare "
        "(lösenordet frågas efter, eller läses från standard in med --password-stdin)",
    )
    login.add_argument("username", metavar="ANVÄNDARNAMN")
    login.add_argument("--password-stdin", action="store_true")
    eservice = db_commands.add_parser(
        "create-eservice-login",
        help="delad PostgreSQL-server: inloggningsroll för e-tjänsten, som bara kan lämna "
        "ansökningar (lösenordet frågas efter, eller läses från standard in)",
    )
    eservice.add_argument("username", metavar="ROLLNAMN")
    eservice.add_argument("--password-stdin", action="store_true")
    from app.cli.verify_cli import add_verify_parser

    add_verify_parser(db_commands)
    demo = commands.add_parser("demo", help="lägg in fiktiva demohushåll")
    demo.add_argument(
        "--households",
        type=swedish_argparse.count_between(1, 1_000_000),
        default=60,
        metavar="N",
    )
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument(
        "--no-letters",
        action="store_true",
        help="arkivera inga beslutsbrev (snabbare för stora testdatabaser)",
    )
    cli_login.add_user_options(demo)  # a database with users: only an administrator
    commands.add_parser(
        "selftest", help="kontroll utan fönster: inställningar, databas, demodata, PDF, Qt"
    )
    commands.add_parser(
        "config", help="visa var inställningsfilerna ligger och vad som gäller (för IT)"
    )
    from app.cli.decision_cli import add_decision_parser
    from app.cli.norm_cli import add_norm_parser

    add_norm_parser(commands)
    add_decision_parser(commands)
    from app.cli.stats_cli import add_stats_parsers
    from app.cli.sync_cli import add_sync_parser

    add_stats_parsers(commands)
    add_sync_parser(commands)
    from app.cli.intake_cli import add_intake_parser

    add_intake_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE"):  # `arendestod decision list | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    from app.common.gc_tuning import tune_garbage_collector

    tune_garbage_collector()  # before the parser's and the commands' imports (gc_tuning)
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a Swedish argparse error (status 2)
        return stop.code if isinstance(stop.code, int) else 0
    from app.common.logging_setup import setup_logging

    setup_logging(__version__)
    from app.cli.cli_errors import guarded

    if argv is None and args.command is not None:
        # the process's own command line (the `arendestod` script, `python -m app`, the
        # bundle's launcher; a test passes its arguments): the process ends with the command
        from app.common.gc_tuning import freeze_at_exit

        freeze_at_exit()
    return guarded(lambda: _run(args), debug=args.debug)


def _run(args: argparse.Namespace) -> int:
    """The command named by the arguments (errors become sentences in cli_errors)."""
    from app.settings import configuration

    try:
        configuration.current()
    except configuration.ConfigurationError as error:
        if args.command is None:
            from app.ui.application import show_startup_error

            return show_startup_error(str(error))
        print(str(error), file=sys.stderr)
        return 2
    if args.command is None:
        from app.ui.application import run_gui

        return run_gui(args.db, offline=args.offline)
    if args.command == "db":
        return _db(args)
    if args.command == "demo":
        return _demo(args)
    if args.command == "selftest":
        from app.cli.selftest import run_selftest

        return run_selftest()
    if args.command == "config":
        return _config()
    if args.command == "decision":
        from app.cli.decision_cli import run_decision

        return run_decision(args)
    if args.command == "norm":
        from app.cli.norm_cli import run_norm

        return run_norm(args)
    if args.command == "stats":
        from app.cli.stats_cli import run_stats

        return run_stats(args)
    if args.command == "export":
        from app.cli.stats_cli import run_export

        return run_export(args)
    if args.command == "unit":
        from app.cli.stats_cli import run_unit

        return run_unit(args)
    if args.command == "sync":
        from app.cli.sync_cli import run_sync

        return run_sync(args)
    if args.command == "intake":
        from app.cli.intake_cli import run_intake

        return run_intake(args)
    return 2


def _config() -> int:
    """Where the configuration files are and what they set: for IT checking a deployment."""
    from sqlalchemy.engine import make_url

    from app.common.logging_setup import log_file
    from app.db.location import resolve_database_url
    from app.settings import configuration

    config = configuration.current()
    for label, path in (
        ("Systemets inställningsfil", configuration.system_config_path()),
        ("Användarens inställningsfil", configuration.user_config_path()),
    ):
        print(f"{label}: {path} ({'läst' if path in config.files else 'finns inte'})")
    unit = config.unit
    print(f"Databas: {make_url(resolve_database_url()).render_as_string(hide_password=True)}")
    print(f"Loggfil: {log_file()}")
    print(f"Ny enhet: {unit.name}; nämnd: {unit.board_name}; kommun: {unit.municipality or '–'}")
    print(f"Kommunkod: {unit.municipality_code or '–'}")
    print(f"Enhetens telefon: {unit.phone or '–'}; adress: {unit.postal_address or '–'}")
    print(f"Brevhuvudets logotyp: {config.letterhead.logo or '–'}")
    print("Brevhuvudets text: " + (" / ".join(config.letterhead.lines) or "–"))
    return 0


def _db(args: argparse.Namespace) -> int:
    from app.cli.local_database import open_for_command
    from app.db import migrate

    if args.db_command in ("init-server", "create-login", "create-eservice-login"):
        return _server(args)
    if args.db_command == "verify":
        from app.cli.verify_cli import run_verify

        return run_verify(args)
    if args.db_command == "status":
        database = open_for_command(args, upgrade=False)
        current = migrate.current_revision(database.engine)
        print(f"Databas: {database.display_url}")
        print(f"Schemaversion: {current or 'tom databas'} (senaste: {migrate.HEAD_REVISION})")
        return 0
    database = open_for_command(args)
    print(f"Databasen {database.display_url} har schemaversion {migrate.HEAD_REVISION}.")
    if database.backup:
        print(f"Säkerhetskopia före uppgraderingen: {database.backup}")
    return 0


def _server(args: argparse.Namespace) -> int:
    """`db init-server`, `db create-login` and `db create-eservice-login`
    (app.db.server_roles)."""
    from sqlalchemy import create_engine

    from app.cli.local_database import open_for_command
    from app.common.errors import ServiceError
    from app.db import server_roles
    from app.db.engine import database_url
    from app.db.location import resolve_database_url
    from app.forms import form_definitions
    from app.security import accounts
    from app.settings import configuration

    # before opening: a local file would ask for its passphrase only to be refused
    unopened = create_engine(database_url(resolve_database_url(args.db)))
    try:
        server_roles.require_postgresql(unopened)
    except server_roles.ServerSetupError as error:
        print(str(error), file=sys.stderr)
        return 2
    finally:
        unopened.dispose()
    database = open_for_command(args, upgrade=False)
    try:
        if args.db_command == "create-login":
            password = _new_password(args.username, args.password_stdin)
            if password is None:
                return 2
            server_roles.create_login(database.engine, args.username, password)
            print(f"{args.username} kan nu logga in mot {database.display_url}.")
            return 0
        if args.db_command == "create-eservice-login":
            password = _new_password(args.username, args.password_stdin)
            if password is None:
                return 2
            server_roles.create_eservice_login(database.engine, args.username, password)
            print(
                f"E-tjänsten kan nu logga in som {args.username} mot {database.display_url} "
                "och lämna ansökningar i tabellen intake_submissions (inget annat)."
            )
            return 0
        report = server_roles.init_server(database.engine)
        with database.sessions.begin() as session:
            # the shipped form versions: on a server only administrators may publish them
            form_definitions.publish_builtin(session)
        if args.first_admin:
            with database.sessions() as session:
                if accounts.has_users(session):
                    print("Servern har redan användare.", file=sys.stderr)
                    return 2
            password = _new_password(args.first_admin, args.password_stdin)
            if password is None:
                return 2
            with database.sessions.begin() as session:
                admin = accounts.create_first_administrator(
                    session,
                    username=args.first_admin,
                    full_name=args.full_name or args.first_admin,
                    password=None,
                    unit_name=args.unit or configuration.current().unit.name,
                    unit_details=configuration.current().unit,
                )
            server_roles.create_login(database.engine, admin.username, password)
            report = server_roles.server_report(database.engine)
        print(f"Databas: {database.display_url}, schemaversion {report.schema_version}.")
        print(
            f"Radbehörighet (row-level security) på {len(report.protected_tables)} "
            f"tabeller: {', '.join(report.protected_tables)}."
        )
        print(f"Serverns logg över läsningar: {report.read_log}.")
        print(f"Användarna kan skapa egna objekt: {report.user_objects}.")
        print(
            f"Gruppen {server_roles.APP_ROLE} har {report.login_roles} inloggningsroller. "
            "Ge en användare inloggning med: arendestod --db URL db create-login NAMN"
        )
        print(
            f"Gruppen {server_roles.ESERVICE_ROLE} (e-tjänsten, får bara lämna ansökningar) har "
            f"{report.eservice_logins} inloggningsroller. Skapa en med: "
            "arendestod --db URL db create-eservice-login NAMN"
        )
        return 0
    except (server_roles.ServerSetupError, ServiceError) as error:
        print(str(error), file=sys.stderr)
        return 2
    finally:
        database.dispose()


def _new_password(username: str, from_stdin: bool) -> str | None:
    """A new password for `username`: one line of standard input, or asked twice."""
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass(f"Nytt lösenord för {username}: ")
    if getpass.getpass("Upprepa lösenordet: ") != password:
        print("Lösenorden är inte lika.", file=sys.stderr)
        return None
    return password


def _demo(args: argparse.Namespace) -> int:
    from app.cli.local_database import open_for_command
    from app.demo import demo_data
    from app.security import accounts, server_login

    database = open_for_command(args)
    with database.sessions() as session:
        in_use = accounts.has_users(session)
    # Demo staff with a known password must not appear in a local database in use unless
    # its administrator says so; on a shared server the server's roles decide (its owner
    # sets up, as with db init-server).
    if in_use and not server_login.is_shared_server(database.url):
        database.dispose()
        logged_in = cli_login.open_as_user(args)
        database = logged_in.database
        try:
            cli_login.require_administrator(
                logged_in.actor, "lägga in demohushåll i en databas som har användare"
            )
        except BaseException:
            database.dispose()
            raise
    started = time.perf_counter()

    def report(done: int) -> None:
        if done <= args.households:
            text = f"{done} av {args.households} hushåll"
        else:
            text = f"beslutsbrev: {done - args.households} arkiverade"
        print(f"\r{text:<60}", end="", file=sys.stderr, flush=True)

    render = None
    if not args.no_letters:
        from app.printing.decision_letter import render_decision_letter

        render = render_decision_letter
    try:
        with database.sessions.begin() as session:
            summary = demo_data.generate(
                session, args.households, args.seed, progress=report, render_letter=render
            )
    finally:
        database.dispose()
    print(file=sys.stderr)
    print(
        f"{summary.households} hushåll, {summary.persons} personer, "
        f"{summary.journal_entries} journalanteckningar, {summary.applications} "
        f"ansökningar och {summary.decisions} beslut på {time.perf_counter() - started:.1f} s."
    )
    print(
        f"Demoanvändare (lösenord {demo_data.DEMO_PASSWORD}): " + ", ".join(summary.usernames[:8])
    )
    return 0
