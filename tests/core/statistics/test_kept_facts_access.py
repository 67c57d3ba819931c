"""The kept facts on the shared server (migration 0028): attacks straight to PostgreSQL as
the users' own login roles (psycopg, never through the program).

A fact row goes with its case: a handläggare reads and writes the facts of the cases she
may write (her unit's, a protected household's only when it is hers), a chef reads her
unit's, nobody another unit's; the definition state is the owner's. What a handläggare can
still do – change her own cases' facts by hand – `stats rebuild --check` (as the owner)
finds."""

from __future__ import annotations

import psycopg
import pytest

from app.cli import main
from tests.core.security.test_server_access_control import connect, on_postgresql

DENIED = psycopg.errors.InsufficientPrivilege


def _fact_cases(conn: psycopg.Connection) -> set:
    return {row[0] for row in conn.execute("SELECT case_id FROM statistics_month_facts")}


@on_postgresql
def test_a_handlaggare_reads_and_writes_only_her_units_facts(cases, login_roles) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        seen = _fact_cases(conn)
        assert cases.own in seen and cases.protected in seen
        assert cases.other_unit not in seen
        changed = conn.execute(
            "UPDATE statistics_month_facts SET granted = granted + 1 WHERE case_id = %s",
            (cases.other_unit,),
        )
        assert changed.rowcount == 0
        deleted = conn.execute(
            "DELETE FROM statistics_year_facts WHERE case_id = %s", (cases.other_unit,)
        )
        assert deleted.rowcount == 0
        with pytest.raises(DENIED):  # a fact for another unit's case
            conn.execute(
                "INSERT INTO statistics_month_facts (case_id, month, unit_id, sex, "
                "household_type, with_children, young, decision, support, new, closed, long12, "
                "long36, support_months, granted, granted_support, paid) "
                "SELECT %s, 1, unit_id, 'K', '5', 0, 0, 1, 1, 0, 0, 0, 0, 1, 100, 100, 0 "
                "FROM statistics_month_facts WHERE case_id = %s LIMIT 1",
                (cases.other_unit, cases.own),
            )
    # her own case's facts moved to the other unit
    with connect(login_roles, "sara.nilsson") as conn, pytest.raises(DENIED):
        conn.execute(
            "UPDATE statistics_month_facts SET unit_id = "
            "(SELECT unit_id FROM users WHERE username = 'karin.holm') WHERE case_id = %s",
            (cases.own,),
        )
    with connect(login_roles, "sara.nilsson") as conn, pytest.raises(DENIED):
        conn.execute("UPDATE statistics_fact_state SET definition_version = 99")
    with connect(login_roles, "omar.haddad") as conn:  # a colleague: not the protected one
        seen = _fact_cases(conn)
        assert cases.own in seen and cases.protected not in seen


@on_postgresql
def test_a_chef_reads_her_unit_and_another_unit_sees_nothing(cases, login_roles) -> None:
    with connect(login_roles, "eva.lind") as conn:
        seen = _fact_cases(conn)
        assert {cases.own, cases.protected} <= seen and cases.other_unit not in seen
    with connect(login_roles, "karin.holm") as conn:
        seen = _fact_cases(conn)
        assert cases.other_unit in seen and cases.own not in seen
        assert conn.execute(
            "SELECT count(*) FROM statistics_year_facts WHERE case_id = %s", (cases.own,)
        ).fetchone() == (0,)


@on_postgresql
def test_facts_changed_by_hand_are_found_by_the_check(db, cases, login_roles, capsys) -> None:
    """What a handläggare can still do over psql: change (or delete) the facts of her own
    cases. The statistics would count them; `stats rebuild --check` names the case, and
    `stats rebuild` puts the right facts back."""
    with connect(login_roles, "sara.nilsson") as conn:
        changed = conn.execute(
            "UPDATE statistics_month_facts SET granted = granted + 100000 WHERE case_id = %s",
            (cases.own,),
        )
        assert changed.rowcount >= 1
        (number,) = conn.execute(
            "SELECT case_number FROM cases WHERE id = %s", (cases.own,)
        ).fetchone()
    assert main(["--db", db.url, "stats", "rebuild", "--check"]) == 1
    assert number in capsys.readouterr().out
    assert main(["--db", db.url, "stats", "rebuild"]) == 0
    assert main(["--db", db.url, "stats", "rebuild", "--check"]) == 0


@on_postgresql
def test_only_the_owner_rebuilds_on_the_server(cases, login_roles, capsys) -> None:
    assert main(["--db", login_roles["ada.admin"], "stats", "rebuild"]) == 2
    assert "databasens ägare" in capsys.readouterr().err


@on_postgresql
def test_a_handlaggare_cannot_move_an_application_to_another_units_statistics(
    session, cases, login_roles
) -> None:
    """The unit kept on an application (migration 0031) is the server's copy of its case's:
    whatever she sends over psql, the row keeps her case's unit."""
    from datetime import UTC, date, datetime

    from sqlalchemy import select

    from app.models import Application, Case

    session.add(
        Application(
            case_id=cases.own,
            received_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
            channel="papper",
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 30),
        )
    )
    session.commit()
    own_unit = session.scalar(select(Case.unit_id).where(Case.id == cases.own))
    other_unit = session.scalar(select(Case.unit_id).where(Case.id == cases.other_unit))
    with connect(login_roles, "sara.nilsson") as conn:
        conn.execute(
            "UPDATE applications SET unit_id = %s WHERE case_id = %s", (other_unit, cases.own)
        )
        kept = {
            r[0]
            for r in conn.execute(
                "SELECT unit_id FROM applications WHERE case_id = %s", (cases.own,)
            )
        }
    assert kept == {own_unit}


@on_postgresql
def test_sip_counts_are_seen_only_with_their_case(session, cases, login_roles) -> None:
    """statistics_event_facts (migration 0031) under row-level security like the month
    facts: another unit's SIP counts are neither seen nor written."""
    from datetime import UTC, date, datetime

    from sqlalchemy import select

    from app.models import JournalEntry, User

    author = session.scalar(select(User.id).order_by(User.username).limit(1))
    session.add(
        JournalEntry(
            case_id=cases.other_unit,
            entry_date=date(2026, 11, 3),
            entry_type="sip",
            title="SIP-möte",
            author_id=author,
            signed_at=datetime(2026, 11, 3, 15, tzinfo=UTC),
        )
    )
    session.commit()
    query = "SELECT count(*) FROM statistics_event_facts WHERE case_id = %s"
    with connect(login_roles, "karin.holm") as conn:
        assert conn.execute(query, (cases.other_unit,)).fetchone() == (1,)
    with connect(login_roles, "sara.nilsson") as conn:
        assert conn.execute(query, (cases.other_unit,)).fetchone() == (0,)
        changed = conn.execute(
            "UPDATE statistics_event_facts SET entries = entries + 1 WHERE case_id = %s",
            (cases.other_unit,),
        )
        assert changed.rowcount == 0
