"""`arendestod stats rebuild [--check]`: the statistics' kept facts built anew from the raw
rows (app.statistics.facts), for IT: after an upgrade that changes a definition, after rows
were written past the program, or to check them (`--check` recomputes and lists the cases
whose kept facts differ, exit code 1; nothing is written).

Who: on a local database an administrator (`--user`); on a shared PostgreSQL server the
database's owner (the role that runs `arendestod db migrate`), the only role that sees every
case (row-level security hides the case content from administrators). Progress goes to
standard error; the whole rebuild is one transaction.
"""

from __future__ import annotations

import argparse
import sys
import time

from sqlalchemy import text
from sqlalchemy.orm import Session

NOT_OWNER = (
    "På en delad server byggs statistikens underlag om av databasens ägare (den roll som kör "
    "arendestod db migrate): ange ägarens adress med --db."
)


def _progress(done: int, total: int) -> None:
    print(f"\r  {done} av {total} ärenden", end="" if done < total else "\n", file=sys.stderr)


def _is_owner(session: Session) -> bool:
    """The connection's role bypasses row-level security (owner, superuser, BYPASSRLS)."""
    return bool(
        session.execute(
            text(
                "SELECT r.rolsuper OR r.rolbypassrls OR t.tableowner = current_user "
                "FROM pg_catalog.pg_roles r, pg_catalog.pg_tables t "
                "WHERE r.rolname = current_user AND t.schemaname = 'public' "
                "AND t.tablename = 'cases'"
            )
        ).scalar()
    )


def _work(session: Session, check: bool) -> int:
    from app.models import Case
    from app.statistics import facts

    started = time.perf_counter()
    if check:
        differing = facts.differences(session, _progress)
        totals = facts.total_differences(session)
        if not differing and not totals:
            print("Statistikens underlag stämmer med en ny beräkning.")
            return 0
        if totals:
            print(f"Statistikens summor skiljer sig i {len(totals)} grupper:")
            for table, group in totals[:20]:
                print(f"  {table}: {', '.join(map(str, group))}")
        if not differing:
            print("Kör arendestod stats rebuild för att bygga om det.")
            return 1
        numbers = dict(session.query(Case.id, Case.case_number).filter(Case.id.in_(differing[:50])))
        print(f"Statistikens underlag skiljer sig för {len(differing)} ärenden:")
        for case_id in differing[:50]:
            print(f"  {numbers.get(case_id, case_id)}")
        print("Kör arendestod stats rebuild för att bygga om det.")
        return 1
    cases = facts.rebuild(session, _progress)
    print(
        f"Statistikens underlag byggdes om: {cases} ärenden på "
        f"{time.perf_counter() - started:.1f} s."
    )
    return 0


def run_rebuild(args: argparse.Namespace) -> int:
    from app.cli import cli_login
    from app.cli.local_database import open_for_command
    from app.common.errors import ServiceError
    from app.db.location import resolve_database_url
    from app.security import audit, server_login

    check = bool(args.check)
    try:
        if server_login.is_shared_server(resolve_database_url(args.db)):
            database = open_for_command(args, upgrade=False)
            try:
                with database.sessions.begin() as session:
                    if not _is_owner(session):
                        print(NOT_OWNER, file=sys.stderr)
                        return 2
                    return _work(session, check)
            finally:
                database.dispose()
        logged_in = cli_login.open_as_user(args)
        try:
            cli_login.require_administrator(logged_in.actor, "bygga om statistikens underlag")
            with logged_in.database.sessions.begin() as session:
                result = _work(session, check)
                audit.record(
                    session,
                    logged_in.actor,
                    audit.Action.OPEN if check else audit.Action.UPDATE,
                    "statistics",
                    detail="kontroll av statistikens underlag"
                    if check
                    else "statistikens underlag ombyggt",
                )
                return result
        finally:
            logged_in.dispose()
    except ServiceError as exc:
        print(str(exc), file=sys.stderr)
        return 2
