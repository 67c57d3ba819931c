"""Attacks on a colleague's drafts, straight to PostgreSQL as a user's own login role
(psycopg, never through the program), migration server_signing_rules (issue 18).

What the program allows, the server allows: a journal entry or form draft is changed only
by its author (journal.update_draft, filled_forms.save_draft), a decision draft by anyone
with the right to the case (decisions.save_draft); a conflict from the author's own sync
may be resolved by anyone with the right to the case, with her laptop's value
(sync_conflicts.resolve). Nothing else: no draft written in a colleague's name, no draft
deleted, no conflict forged.

Fixtures as in test_server_access_control.py: `login_roles` gives every user of the staff a
login role; the data is registered through the services as the schema owner."""

from __future__ import annotations

import json
import uuid
from datetime import date

import psycopg
import pytest
from sqlalchemy import select

from app.common.errors import AccessDenied
from app.db.database import open_database
from app.decisions import decisions
from app.forms import filled_forms
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import ConflictStatus, Decision, JournalEntry, SyncConflict
from app.offline import leases, sync_conflicts
from tests.core.decisions.test_decisions import bifall
from tests.core.forms.test_forms import fill_and_save
from tests.core.offline.sync_helpers import offline, run_sync, take_along
from tests.core.security.test_server_access_control import connect, on_postgresql

REFUSED = psycopg.errors.InsufficientPrivilege
TODAY = date(2026, 11, 23)

NOT_HIS_ENTRY = "Bara den som skrivit anteckningen kan ändra eller signera den."
NOT_HIS_FORM = "Bara den som skapade utkastet kan ändra eller signera det."


@pytest.fixture
def omars(session, cases, colleague, db) -> dict[str, uuid.UUID]:
    """Omar's drafts in Sara's case: a journal entry, an initial bedömning, a decision."""
    entry = journal.create_entry(
        session, colleague, cases.own, JournalDraft(TODAY, "anteckning", "Omars", "Utkast.")
    )
    form = filled_forms.create_form(session, colleague, "ib", case_id=cases.own)
    fill_and_save(session, colleague, form)
    decision = decisions.save_draft(session, colleague, cases.own, bifall())
    session.commit()
    return {"journal_entries": entry.id, "forms": form.id, "decisions": decision.id}


def _text(db, entry_id) -> str:
    with db.sessions() as session:
        return session.get_one(JournalEntry, entry_id).text


@on_postgresql
def test_a_colleagues_journal_entry_or_form_draft_is_hers_alone(
    omars, login_roles, session, caseworker, db
) -> None:
    """The program refuses Sara (journal._editable, filled_forms._editable), and so does
    the server, in the program's words."""
    with pytest.raises(AccessDenied, match=NOT_HIS_ENTRY):
        journal.update_draft(
            session,
            caseworker,
            omars["journal_entries"],
            JournalDraft(TODAY, "anteckning", "Omars", "Skrivet av Sara."),
        )
    with pytest.raises(AccessDenied, match=NOT_HIS_FORM):
        filled_forms.save_draft(session, caseworker, omars["forms"], {})
    session.rollback()
    with connect(login_roles, "sara.nilsson") as conn:
        with pytest.raises(REFUSED, match=NOT_HIS_ENTRY):
            conn.execute(
                "UPDATE journal_entries SET text = 'Skrivet av Sara.' WHERE id = %s",
                (omars["journal_entries"],),
            )
        with pytest.raises(REFUSED, match=NOT_HIS_FORM):
            conn.execute("UPDATE forms SET answers_json = '{}' WHERE id = %s", (omars["forms"],))
    assert _text(db, omars["journal_entries"]) == "Utkast."


@on_postgresql
def test_a_colleagues_decision_draft_may_be_changed_as_in_the_program(
    omars, cases, login_roles, caseworker, db
) -> None:
    """decisions.save_draft lets anyone with the right to the case change a draft (a
    colleague takes it over, the chef decides it): the server writes nothing against it."""
    with connect(login_roles, "sara.nilsson") as conn:
        conn.execute(
            "UPDATE decisions SET motivation = 'Kompletterat av Sara.' WHERE id = %s",
            (omars["decisions"],),
        )
    database = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        with database.sessions.begin() as session:
            decisions.save_draft(
                session,
                caseworker,
                cases.own,
                bifall(motivation="Sara tog över."),
                decision_id=omars["decisions"],
            )
    finally:
        database.dispose()
    with db.sessions() as session:
        decision = session.get_one(Decision, omars["decisions"])
        assert decision.motivation == "Sara tog över."
        assert decision.author_id != caseworker.id  # still Omar's draft


@on_postgresql
@pytest.mark.parametrize("table", ["journal_entries", "forms", "decisions"])
def test_no_draft_is_written_in_a_colleagues_name(omars, login_roles, staff, table) -> None:
    with (
        connect(login_roles, "sara.nilsson") as conn,
        pytest.raises(REFUSED, match="Du kan bara skriva utkast i ditt eget namn"),
    ):
        conn.execute(
            f"INSERT INTO {table} SELECT (jsonb_populate_record(NULL::{table}, to_jsonb(t) "
            f"|| jsonb_build_object('id', gen_random_uuid()))).* FROM {table} t WHERE t.id = %s",
            (omars[table],),
        )


@on_postgresql
@pytest.mark.parametrize("table", ["journal_entries", "forms", "decisions"])
def test_no_draft_is_deleted(omars, login_roles, session, colleague, cases, table):
    """The program deletes none of them, a draft of one's own neither (migration 0020)."""
    message = "Uppgifter i ett ärende tas inte bort"
    entry = journal.create_entry(
        session, colleague, cases.own, JournalDraft(TODAY, "anteckning", "Egen", "Utkast.")
    )
    session.commit()
    ids = {**omars, "own": entry.id}
    with connect(login_roles, "omar.haddad") as conn:
        if table == "decisions":
            conn.execute("DELETE FROM decision_items WHERE decision_id = %s", (ids[table],))
        with pytest.raises(REFUSED, match=message):
            conn.execute(f"DELETE FROM {table} WHERE id = %s", (ids[table],))
        with pytest.raises(REFUSED, match=message):
            conn.execute("DELETE FROM journal_entries WHERE id = %s", (ids["own"],))


# --- conflicts from a sync --------------------------------------------------------------------


@pytest.fixture
def text_conflict(cases, login_roles, laptops, caseworker, manager, db):
    """Sara's draft, written on at the office and on her laptop after the chef revoked the
    lease: her sync (as her own role) leaves a conflict on its text."""
    with db.sessions.begin() as session:
        entry = journal.create_entry(
            session, caseworker, cases.own, JournalDraft(TODAY, "anteckning", "Besök", "Utkast.")
        )
    server_db = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        laptop = laptops("sara", caseworker)
        take_along(server_db, laptop, caseworker, [cases.own])
        with laptop.sessions.begin() as local:
            journal.update_draft(
                local,
                offline(laptop, caseworker),
                entry.id,
                JournalDraft(TODAY, "anteckning", "Besök", "Från hembesöket."),
            )
        with db.sessions.begin() as session:
            [lease] = leases.my_leases(session, caseworker)
            leases.revoke(session, manager, lease.lease_id, expected_version=lease.version)
            journal.update_draft(
                session,
                caseworker,
                entry.id,
                JournalDraft(TODAY, "anteckning", "Besök", "Från kontoret."),
            )
        report = run_sync(server_db, laptop, caseworker)
        assert report.conflicts == 1
    finally:
        server_db.dispose()
    return entry.id


@on_postgresql
def test_the_chef_resolves_a_conflict_on_a_caseworkers_draft_with_her_laptops_value(
    text_conflict, login_roles, manager, staff, db
) -> None:
    """The program lets the unit's chef choose (sync_conflicts.resolve): the server lets
    her write the author's own value, and no other."""
    with connect(login_roles, "eva.lind") as conn:
        with pytest.raises(REFUSED, match=NOT_HIS_ENTRY):
            conn.execute(
                "UPDATE journal_entries SET text = 'Evas egen text.' WHERE id = %s",
                (text_conflict,),
            )
        with pytest.raises(REFUSED, match=NOT_HIS_ENTRY):  # the value, but another column too
            conn.execute(
                "UPDATE journal_entries SET text = 'Från hembesöket.', title = 'Eva' WHERE id = %s",
                (text_conflict,),
            )
    database = open_database(login_roles["eva.lind"], upgrade=False)
    try:
        with database.sessions.begin() as session:
            [row] = sync_conflicts.open_conflicts(session, manager)
            sync_conflicts.resolve(
                session, manager, row.id, take_laptop=True, expected_version=row.version
            )
    finally:
        database.dispose()
    assert _text(db, text_conflict) == "Från hembesöket."
    with connect(login_roles, "eva.lind") as conn, pytest.raises(REFUSED, match=NOT_HIS_ENTRY):
        conn.execute(  # resolved: the exception is over
            "UPDATE journal_entries SET text = 'Från hembesöket!' WHERE id = %s", (text_conflict,)
        )


@on_postgresql
def test_a_conflict_cannot_be_forged_or_resolved_twice(
    text_conflict, login_roles, staff, colleague, db
) -> None:
    """Omar cannot write Sara's draft by recording a conflict in her name, nor open a
    resolved conflict again, nor change what a conflict says."""
    with db.sessions() as session:
        conflict = session.scalars(
            select(SyncConflict).where(SyncConflict.row_id == text_conflict)
        ).one()
        conflict_id, case_id = conflict.id, conflict.case_id
    forged = {
        "id": uuid.uuid4(),
        "change": uuid.uuid4(),
        "case": case_id,
        "row": text_conflict,
        "value": json.dumps("Omars text."),
        "sara": staff.caseworker.id,
    }
    insert = (
        "INSERT INTO sync_conflicts (id, change_id, case_id, table_name, row_id, field, "
        "replica_json, reason, made_by, made_at, status, version, created_at, updated_at) "
        "VALUES (%(id)s, %(change)s, %(case)s, 'journal_entries', %(row)s, 'text', %(value)s, "
        "'', %(made_by)s, now(), %(status)s, 1, now(), now())"
    )
    with connect(login_roles, "omar.haddad") as conn:
        with pytest.raises(REFUSED, match="bara i ditt eget namn"):
            conn.execute(insert, {**forged, "made_by": staff.caseworker.id, "status": "oppen"})
        with pytest.raises(REFUSED, match="kan inte redan vara löst"):
            conn.execute(insert, {**forged, "made_by": colleague.id, "status": "replika"})
        with pytest.raises(REFUSED, match="inget annat i den ändras"):
            conn.execute(
                "UPDATE sync_conflicts SET replica_json = %s WHERE id = %s",
                (forged["value"], conflict_id),
            )
        with pytest.raises(REFUSED, match="inget annat i den ändras"):  # in Sara's name
            conn.execute(
                "UPDATE sync_conflicts SET status = 'server', resolved_by = %s WHERE id = %s",
                (staff.caseworker.id, conflict_id),
            )
        # a conflict in his own name is his, but it is not the author's: no way into her draft
        conn.execute(insert, {**forged, "made_by": colleague.id, "status": "oppen"})
        with pytest.raises(REFUSED, match=NOT_HIS_ENTRY):
            conn.execute(
                "UPDATE journal_entries SET text = 'Omars text.' WHERE id = %s", (text_conflict,)
            )
        conn.execute(  # Omar may choose, in his own name (the program lets him: his unit)
            "UPDATE sync_conflicts SET status = 'server', resolved_by = %s, resolved_at = now() "
            "WHERE id = %s",
            (colleague.id, conflict_id),
        )
        with pytest.raises(REFUSED, match="Konflikten är redan löst"):
            conn.execute(
                "UPDATE sync_conflicts SET status = 'oppen', resolved_by = NULL WHERE id = %s",
                (conflict_id,),
            )
        with pytest.raises(REFUSED, match=NOT_HIS_ENTRY):
            conn.execute(
                "UPDATE journal_entries SET text = 'Från hembesöket.' WHERE id = %s",
                (text_conflict,),
            )
    with db.sessions() as session:
        assert session.get_one(SyncConflict, conflict_id).status is ConflictStatus.KEPT_SERVER
    assert _text(db, text_conflict) == "Från kontoret."
