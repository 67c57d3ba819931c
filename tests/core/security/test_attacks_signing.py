"""Attacks on signing, straight to PostgreSQL as a user's own login role (psycopg, never
through the program): a signature is bound to the session's own user, a journal entry or a
form to its author, and a decision to a delegation for its kind and amount (migration 0018,
issue 18 point 3). The program's own signing, connected as the user's role, still works.

Fixtures as in test_server_access_control.py: `login_roles` gives every user of the staff a
login role; the data is registered through the services as the schema owner."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.exc import DBAPIError

from app import storage
from app.common import clock
from app.db.database import open_database
from app.decisions import decisions
from app.forms import filled_forms, form_definitions
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import (
    Decision,
    DecisionKind,
    Delegation,
    DelegationScope,
    FormInstance,
    JournalEntry,
    SyncConflict,
)
from tests.core.decisions.test_decisions import LetterRecorder, bifall, item
from tests.core.forms.test_forms import fill_and_save
from tests.core.offline.sync_helpers import offline, run_sync, take_along
from tests.core.security.test_server_access_control import connect, on_postgresql

D = Decimal
TODAY = date(2026, 11, 23)

REFUSED = psycopg.errors.InsufficientPrivilege

SIGN_ENTRY = "UPDATE journal_entries SET signed_at = now(), signed_by = %s WHERE id = %s"
SIGN_DECISION = (
    "UPDATE decisions SET signed_at = now(), decided_on = current_date, decided_by = %s "
    "WHERE id = %s"
)
COPY_SIGNED_ENTRY = """
INSERT INTO journal_entries
SELECT (jsonb_populate_record(NULL::journal_entries, to_jsonb(e) || jsonb_build_object(
    'id', gen_random_uuid(), 'author_id', %(author)s::uuid, 'signed_by', %(signer)s::uuid,
    'signed_at', now()))).*
FROM journal_entries e WHERE e.id = %(model)s
"""
"""A signed entry with the author and signer given, its other columns from a model row."""
COPY_SIGNED_DECISION = """
INSERT INTO decisions
SELECT (jsonb_populate_record(NULL::decisions, to_jsonb(d) || jsonb_build_object(
    'id', gen_random_uuid(), 'decided_by', %(signer)s::uuid, 'signed_at', now(),
    'decided_on', current_date, 'granted_total', %(total)s::numeric))).*
FROM decisions d WHERE d.id = %(model)s
"""
"""A signed decision decided by the signer, for the total, its other columns from a draft."""


@dataclass
class Drafts:
    omars_entry: uuid.UUID
    """Omar's unsigned journal entry in Sara's case."""
    saras_entry: uuid.UUID
    saras_decision: uuid.UUID
    """Sara's decision draft: försörjningsstöd 11 720 kr."""
    large_decision: uuid.UUID
    """Sara's decision draft: försörjningsstöd 500 000 kr."""


def items_for(amount: str) -> list:
    """Items granting `amount` in all (one item may be at most 200 000 kr)."""
    total, parts = D(amount), []
    while total > 0 or not parts:
        part = min(total, D("200000"))
        parts.append(item(f"post{len(parts)}", str(part), str(part), label=f"Post {len(parts)}"))
        total -= part
    return parts


def _grant(session, admin, user_id, kind, max_amount) -> None:
    decisions.set_delegation(session, admin, user_id, kind, max_amount)


@pytest.fixture
def drafts(session, cases, staff, caseworker, colleague, admin) -> Drafts:
    """Sara may decide on försörjningsstöd up to 30 000 kr; Eva (chef) without a limit."""
    staff.unit.board_name = "Individ- och familjenämnden"
    staff.unit.municipality = "Norrby kommun"
    _grant(session, admin, caseworker.id, DecisionKind.SUPPORT, D("30000"))
    _grant(session, admin, staff.manager.id, DecisionKind.SUPPORT, None)
    omars = journal.create_entry(
        session, colleague, cases.own, JournalDraft(TODAY, "anteckning", "Omars", "Utkast.")
    )
    saras = journal.create_entry(
        session, caseworker, cases.own, JournalDraft(TODAY, "anteckning", "Saras", "Utkast.")
    )
    decision = decisions.save_draft(session, caseworker, cases.own, bifall())
    large = decisions.save_draft(
        session,
        caseworker,
        cases.own,
        bifall(items=items_for("500000")),
    )
    session.commit()
    assert large.granted_total == D("500000")
    return Drafts(omars.id, saras.id, decision.id, large.id)


def _signed(db, model, row_id) -> bool:
    with db.sessions() as session:
        return session.get(model, row_id).signed_at is not None


# --- journal entries ------------------------------------------------------------------------


@on_postgresql
@pytest.mark.parametrize(
    ("author", "signer"),
    [("colleague", "colleague"), ("caseworker", "colleague"), ("colleague", "caseworker")],
)
def test_a_signed_journal_entry_cannot_be_inserted_in_someone_elses_name(
    drafts, login_roles, staff, author, signer
) -> None:
    ids = {"caseworker": staff.caseworker.id, "colleague": staff.colleague.id}
    with connect(login_roles, "sara.nilsson") as conn, pytest.raises(REFUSED, match=r"Du kan|Bara"):
        conn.execute(
            COPY_SIGNED_ENTRY,
            {"author": ids[author], "signer": ids[signer], "model": drafts.saras_entry},
        )


@on_postgresql
def test_a_colleagues_draft_cannot_be_signed_in_her_name(drafts, login_roles, staff, db) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        with pytest.raises(REFUSED, match="Du kan bara signera i ditt eget namn"):
            conn.execute(SIGN_ENTRY, (staff.colleague.id, drafts.omars_entry))
        with pytest.raises(REFUSED, match="Bara den som skrivit anteckningen"):
            conn.execute(SIGN_ENTRY, (staff.caseworker.id, drafts.omars_entry))
        with pytest.raises(REFUSED, match="Vem som skrivit ett utkast kan inte ändras"):
            conn.execute(
                "UPDATE journal_entries SET author_id = %s WHERE id = %s",
                (staff.caseworker.id, drafts.omars_entry),
            )
    assert not _signed(db, JournalEntry, drafts.omars_entry)


@on_postgresql
def test_a_chef_cannot_sign_a_caseworkers_draft_either(drafts, login_roles, staff) -> None:
    with connect(login_roles, "eva.lind") as conn:
        with pytest.raises(REFUSED, match="Bara den som skrivit anteckningen"):
            conn.execute(SIGN_ENTRY, (staff.manager.id, drafts.saras_entry))
        with pytest.raises(REFUSED, match="Du kan bara signera i ditt eget namn"):
            conn.execute(SIGN_ENTRY, (staff.caseworker.id, drafts.saras_entry))


@on_postgresql
def test_her_own_draft_she_signs_herself(drafts, login_roles, staff, db) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        conn.execute(SIGN_ENTRY, (staff.caseworker.id, drafts.saras_entry))
    assert _signed(db, JournalEntry, drafts.saras_entry)


# --- forms ----------------------------------------------------------------------------------


@on_postgresql
def test_a_colleagues_form_cannot_be_signed_in_her_name(
    session, cases, login_roles, staff, colleague, db
) -> None:
    form = filled_forms.create_form(session, colleague, "ib", case_id=cases.own)
    fill_and_save(session, colleague, form)
    session.commit()
    with connect(login_roles, "sara.nilsson") as conn:
        for signer, message in (
            (staff.colleague.id, "Du kan bara signera i ditt eget namn"),
            (staff.caseworker.id, "Bara den som skapade utkastet"),
        ):
            with pytest.raises(REFUSED, match=message):
                conn.execute(
                    "UPDATE forms SET signed_at = now(), signed_by = %s WHERE id = %s",
                    (signer, form.id),
                )
    assert not _signed(db, FormInstance, form.id)


# --- decisions ------------------------------------------------------------------------------


@on_postgresql
def test_a_decision_cannot_be_inserted_as_decided_by_the_chef(drafts, login_roles, staff) -> None:
    with (
        connect(login_roles, "sara.nilsson") as conn,
        pytest.raises(REFUSED, match="Du kan bara signera i ditt eget namn"),
    ):
        conn.execute(
            COPY_SIGNED_DECISION,
            {"signer": staff.manager.id, "total": "500000", "model": drafts.saras_decision},
        )


@on_postgresql
def test_a_decision_cannot_be_signed_in_the_chefs_name(drafts, login_roles, staff, db) -> None:
    with (
        connect(login_roles, "sara.nilsson") as conn,
        pytest.raises(REFUSED, match="Du kan bara signera i ditt eget namn"),
    ):
        conn.execute(SIGN_DECISION, (staff.manager.id, drafts.large_decision))
    assert not _signed(db, Decision, drafts.large_decision)


@on_postgresql
def test_no_decision_above_her_delegation(drafts, login_roles, staff, db) -> None:
    message = "Du har inte delegation att fatta beslut om försörjningsstöd på 500 000,00 kr"
    with connect(login_roles, "sara.nilsson") as conn:
        with pytest.raises(REFUSED, match=message):
            conn.execute(SIGN_DECISION, (staff.caseworker.id, drafts.large_decision))
        with pytest.raises(REFUSED, match=message):
            conn.execute(
                COPY_SIGNED_DECISION,
                {"signer": staff.caseworker.id, "total": "500000", "model": drafts.saras_decision},
            )
    assert not _signed(db, Decision, drafts.large_decision)


@on_postgresql
def test_no_decision_without_delegation(drafts, login_roles, staff, session, db) -> None:
    session.execute(delete(Delegation).where(Delegation.user_id == staff.caseworker.id))
    session.commit()
    with (
        connect(login_roles, "sara.nilsson") as conn,
        pytest.raises(REFUSED, match=r"Du har inte delegation .* på 11 720,00 kr"),
    ):
        conn.execute(SIGN_DECISION, (staff.caseworker.id, drafts.saras_decision))
    assert not _signed(db, Decision, drafts.saras_decision)


@on_postgresql
def test_within_her_delegation_she_decides(drafts, login_roles, staff, db) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        conn.execute(SIGN_DECISION, (staff.caseworker.id, drafts.saras_decision))
    assert _signed(db, Decision, drafts.saras_decision)


# --- the program's rule and the server's are the same ----------------------------------------

DELEGATION_CASES = [
    # (what Sara has: [(kind, max)], kind signed, amount, may she?)
    ([], DecisionKind.SUPPORT, "5000", False),  # no delegation
    ([(DecisionKind.OTHER_LIVING, None)], DecisionKind.SUPPORT, "5000", False),  # another kind
    ([(DecisionKind.SUPPORT, "30000")], DecisionKind.SUPPORT, "30000.01", False),  # over limit
    ([(DecisionKind.SUPPORT, "30000")], DecisionKind.SUPPORT, "30000", True),  # at the limit
    ([(DecisionKind.SUPPORT, "30000")], DecisionKind.SUPPORT, "11720", True),  # within
    ([(DecisionKind.SUPPORT, None)], DecisionKind.SUPPORT, "500000", True),  # no limit
    ([(DecisionKind.SUPPORT, "0")], DecisionKind.SUPPORT, "0", True),  # an avslag, limit 0
    ([(DecisionKind.SUPPORT, None)], DecisionKind.BEYOND_RIGHT, "100", False),
    ([(DecisionKind.BEYOND_RIGHT, "1000")], DecisionKind.BEYOND_RIGHT, "999.99", True),
]
"""The delegation model has no validity dates (app.models.decision.Delegation): a
delegation is valid until an administrator takes it away, in the program and on the server."""


@on_postgresql
def test_the_server_and_the_program_apply_the_same_delegation_rule(
    session, cases, login_roles, staff, admin, caseworker, db
) -> None:
    """Each case through the program's check (decisions.has_delegation), the server's
    function, and the server's trigger on an actual signing as Sara's own role."""
    # a colleague's delegation is not hers
    _grant(session, admin, staff.colleague.id, DecisionKind.SUPPORT, None)
    outcomes = []
    for granted, kind, amount, _expected in DELEGATION_CASES:
        session.execute(delete(Delegation).where(Delegation.user_id == caseworker.id))
        for granted_kind, limit in granted:
            _grant(session, admin, caseworker.id, granted_kind, None if limit is None else D(limit))
        draft = decisions.save_draft(
            session,
            caseworker,
            cases.own,
            # a motivering: the 0 kr case is an avslag, which needs one (server_signing_rules)
            bifall(kind=kind, items=items_for(amount), motivation="Inkomsten räcker."),
        )
        session.commit()
        assert draft.granted_total == D(amount)
        program = decisions.has_delegation(session, caseworker, kind, D(amount))
        with connect(login_roles, "sara.nilsson") as conn:
            server = conn.execute(
                "SELECT arendestod_has_delegation(%s, 'bevilja', %s)", (kind.value, D(amount))
            ).fetchone()[0]
            try:
                with conn.transaction(force_rollback=True):
                    conn.execute(SIGN_DECISION, (caseworker.id, draft.id))
                trigger = True
            except REFUSED:
                trigger = False
        outcomes.append((program, server, trigger))
    assert outcomes == [(expected,) * 3 for *_case, expected in DELEGATION_CASES]


# --- the program, connected as the user's own role --------------------------------------------


@on_postgresql
def test_the_program_signs_as_the_users_own_role(
    drafts, cases, login_roles, caseworker, manager, db, session
) -> None:
    """A journal entry, a form and a decision signed through the services as Sara; a
    decision on Sara's draft signed by the chef as Eva (the program lets anyone with
    delegation decide)."""
    form_definitions.publish_builtin(session)  # as db init-server does (migration 0017)
    session.commit()
    render = LetterRecorder()
    database = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        with database.sessions.begin() as session:
            journal.sign_entry(session, caseworker, drafts.saras_entry)
            form = filled_forms.create_form(session, caseworker, "ib", case_id=cases.own)
            fill_and_save(session, caseworker, form)
            filled_forms.sign_form(session, caseworker, form.id)
            decisions.sign_decision(session, caseworker, drafts.saras_decision, render)
            form_id = form.id
    finally:
        database.dispose()
    database = open_database(login_roles["eva.lind"], upgrade=False)
    try:
        with database.sessions.begin() as session:
            decisions.sign_decision(session, manager, drafts.large_decision, render)
    finally:
        database.dispose()
    assert _signed(db, JournalEntry, drafts.saras_entry)
    assert _signed(db, FormInstance, form_id)
    assert _signed(db, Decision, drafts.saras_decision)
    with db.sessions() as session:
        large = session.get_one(Decision, drafts.large_decision)
        assert (large.decided_by, large.author_id) == (manager.id, caseworker.id)


@on_postgresql
def test_a_refusal_reaches_the_user_in_swedish(drafts, login_roles, caseworker, colleague) -> None:
    """A modified client signing Omar's draft in his name, through the ORM as Sara: the
    window shows the server's reason (app.storage.error_message)."""
    database = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        with database.sessions() as session:
            entry = session.get_one(JournalEntry, drafts.omars_entry)
            entry.signed_at, entry.signed_by = clock.now(), colleague.id
            with pytest.raises(DBAPIError) as refused:
                session.flush()
        assert storage.error_message(refused.value) == (
            "Servern tog inte emot ändringen: Du kan bara signera i ditt eget namn."
        )
        # PostgreSQL's own refusal: no such grant
        with database.sessions() as session, pytest.raises(DBAPIError) as refused:
            session.execute(text("DELETE FROM alembic_version"))
        assert storage.error_message(refused.value) == (
            "Servern tog inte emot ändringen: du har inte behörighet till de uppgifterna."
        )
    finally:
        database.dispose()


@on_postgresql
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE decision_items SET granted = 500000 WHERE decision_id = %(decision)s",
        "DELETE FROM decision_items WHERE decision_id = %(decision)s",
        "INSERT INTO decision_items SELECT (jsonb_populate_record(NULL::decision_items, "
        "to_jsonb(i) || jsonb_build_object('id', gen_random_uuid(), 'granted', 200000))).* "
        "FROM decision_items i WHERE i.decision_id = %(decision)s",
        # moved from a signed decision to a draft
        "UPDATE decision_items SET decision_id = %(draft)s WHERE decision_id = %(decision)s",
    ],
)
def test_the_items_of_a_signed_decision_are_final(
    drafts, login_roles, session, caseworker, db, statement
) -> None:
    decisions.sign_decision(session, caseworker, drafts.saras_decision, LetterRecorder())
    session.commit()
    with (
        connect(login_roles, "sara.nilsson") as conn,
        pytest.raises(REFUSED, match="Beslutet är signerat: dess poster kan inte ändras"),
    ):
        conn.execute(statement, {"decision": drafts.saras_decision, "draft": drafts.large_decision})
    with db.sessions() as check:
        signed = check.get_one(Decision, drafts.saras_decision)
        assert [i.granted for i in signed.items] == [D("5220"), D("6500")]
        assert decisions.content_hash(signed) == signed.content_hash


# --- offline sync pushes as the user's own role ------------------------------------------------


@on_postgresql
def test_a_laptops_forged_signatures_come_back_as_conflicts_with_the_reason(
    drafts, cases, login_roles, laptops, caseworker, colleague, db
) -> None:
    """Sync pushes with the user's own login role, so the server's rules hold for a
    laptop's changes too: her own entry signed offline arrives signed; a decision above her
    delegation and an entry signed in Omar's name (a modified laptop, writing past the
    services) are refused and come back as conflicts with the server's reason."""
    server_db = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        laptop = laptops("sara", caseworker)
        take_along(server_db, laptop, caseworker, [cases.own])
        me = offline(laptop, caseworker)
        with laptop.sessions.begin() as local:
            own = journal.create_entry(
                local, me, cases.own, JournalDraft(TODAY, "hembesok", "Besök", "Offline.")
            )
            journal.sign_entry(local, me, own.id)
            forged = journal.create_entry(
                local, me, cases.own, JournalDraft(TODAY, "hembesok", "Besök", "Förfalskad.")
            )
            local.flush()
            forged.signed_at, forged.signed_by = clock.now(), colleague.id
            large = local.get_one(Decision, drafts.large_decision)
            large.signed_at, large.decided_on, large.decided_by = clock.now(), TODAY, me.id
            own_id, forged_id = own.id, forged.id
        report = run_sync(server_db, laptop, caseworker)
    finally:
        server_db.dispose()
    assert _signed(db, JournalEntry, own_id)
    assert not _signed(db, JournalEntry, forged_id)
    assert not _signed(db, Decision, drafts.large_decision)
    with db.sessions() as session:
        reasons = {
            c.row_id: c.reason
            for c in session.scalars(select(SyncConflict).where(SyncConflict.made_by == me.id))
        }
    assert report.conflicts == 2
    assert "Du kan bara signera i ditt eget namn" in reasons[forged_id]
    assert (
        "Du har inte delegation att fatta beslut om försörjningsstöd på 500 000,00 kr"
        in (reasons[drafts.large_decision])
    )


# --- delegation by outcome (issue 19, defect 7; migration 0022) -------------------------------

GRANT, REFUSE = DelegationScope.GRANT, DelegationScope.REFUSE
REFUSED_ITEMS = [item("riksnorm", "5220", "0", label="Riksnorm"), item("boende", "6500", "0")]
PARTLY_ITEMS = [item("riksnorm", "5220", "5220", label="Riksnorm"), item("boende", "6500", "5800")]

SCOPE_CASES: dict[str, tuple[list[tuple[DelegationScope, str | None]], dict, list[str]]] = {
    # name: (Sara's rights for försörjningsstöd, the draft's changes, the program's problems)
    "an avslag checked against what was applied for, not the 0 kr": (
        [(GRANT, "5000"), (REFUSE, "5000")],
        {"items": REFUSED_ITEMS},
        [
            "Du har inte delegation att avslå eller avvisa en ansökan om försörjningsstöd på "
            "11 720,00 kr (det sökta beloppet)."
        ],
    ),
    "an avslag within the refusal limit": (
        [(REFUSE, "11720")],
        {"items": REFUSED_ITEMS},
        [],
    ),
    "the applied amount less the income counted": (
        [(REFUSE, "10000")],
        {"items": REFUSED_ITEMS, "income_counted": D("1720")},
        [],
    ),
    "an avvisning needs the refusal right": (
        [(GRANT, None)],
        {"items": REFUSED_ITEMS, "dismissed": True, "legal_references": ["fl_32"]},
        [
            "Du har inte delegation att avslå eller avvisa en ansökan om försörjningsstöd på "
            "11 720,00 kr (det sökta beloppet)."
        ],
    ),
    "a bifall needs the grant right": (
        [(REFUSE, None)],
        {},
        ["Du har inte delegation att fatta beslut om försörjningsstöd på 11 720,00 kr."],
    ),
    "a delvis bifall needs both": (
        [(GRANT, "11000"), (REFUSE, "11000")],
        {"items": PARTLY_ITEMS},
        [
            "Du har inte delegation att fatta beslut om försörjningsstöd på 11 020,00 kr.",
            "Du har inte delegation att avslå eller avvisa en ansökan om försörjningsstöd på "
            "11 720,00 kr (det sökta beloppet).",
        ],
    ),
    "a delvis bifall within both": (
        [(GRANT, "11020"), (REFUSE, "11720")],
        {"items": PARTLY_ITEMS},
        [],
    ),
}


def _plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


@on_postgresql
@pytest.mark.parametrize("case", list(SCOPE_CASES))
def test_the_server_and_the_program_check_delegation_by_outcome(
    session, cases, login_roles, admin, caseworker, case
) -> None:
    rights, changes, expected = SCOPE_CASES[case]
    session.execute(delete(Delegation).where(Delegation.user_id == caseworker.id))
    for scope, limit in rights:
        decisions.set_delegation(
            session,
            admin,
            caseworker.id,
            DecisionKind.SUPPORT,
            None if limit is None else D(limit),
            scope=scope,
        )
    draft = decisions.save_draft(
        session, caseworker, cases.own, bifall(motivation="Prövat.", **changes)
    )
    session.commit()
    program = [
        _plain(p)
        for p in decisions.signing_problems(session, caseworker, draft)
        if p.startswith("Du har inte delegation")
    ]
    assert program == expected
    assert decisions.signing_problems(session, caseworker, draft)[len(program) :] == []
    with connect(login_roles, "sara.nilsson") as conn, conn.transaction(force_rollback=True):
        if expected:
            with pytest.raises(REFUSED) as refused:
                conn.execute(SIGN_DECISION, (caseworker.id, draft.id))
            assert refused.value.diag.message_primary == " ".join(expected)
        else:
            conn.execute(SIGN_DECISION, (caseworker.id, draft.id))
