"""Attacks on what signing demands, and on the signing times, straight to PostgreSQL as a
user's own login role (psycopg, never through the program): migration server_signing_rules
(issue 18).

The parity tests put each rule of the program to both: a draft the program will not sign
(`decisions.signing_problems`, `journal.sign_entry`) is refused by the server too when Sara
signs it with plain SQL, in the program's own words; a draft the program signs, the server
signs. Signing times: the signer's claim is kept unless it lies in the future, and the
server records its own time beside it.

Fixtures as in test_server_access_control.py: `login_roles` gives every user of the staff a
login role; the data is registered through the services as the schema owner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from app import storage
from app.cases.case_register import PersonInput
from app.common import clock
from app.common.errors import ValidationFailed
from app.db.database import open_database
from app.decisions import decisions, kommunicering
from app.decisions.kommunicering import SentCommunication
from app.forms import filled_forms, form_definitions
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import (
    Case,
    Decision,
    DecisionKind,
    FormInstance,
    JournalEntry,
    MemberRole,
)
from tests.core.decisions.test_decisions import (
    BKA_UNSIGNED,
    CHILD_MISSING,
    DEC_START,
    NO_BKA_OR_REASON,
    NO_MOTIVATION,
    NOT_TANGIBLE,
    LetterRecorder,
    avslag,
    bifall,
    item,
    make_bka,
    partly,
)
from tests.core.forms.test_forms import fill_and_save
from tests.core.offline.sync_helpers import offline, run_sync, take_along
from tests.core.security.test_server_access_control import connect, on_postgresql

RULE_BROKEN = psycopg.errors.CheckViolation

SIGN_DECISION = (
    "UPDATE decisions SET signed_at = now(), decided_on = current_date, decided_by = %s "
    "WHERE id = %s"
)
SIGN_ENTRY = "UPDATE journal_entries SET signed_at = now(), signed_by = %s WHERE id = %s"
SIGN_FORM = "UPDATE forms SET signed_at = now(), signed_by = %s WHERE id = %s"

AVVISNING = ["fl_32"]
"""The lagrum of an avvisning (an avvisning examines no SoL paragraph; issue 19)."""


def _server_now(db) -> datetime:
    with db.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT now()").scalar_one()


@dataclass
class Family:
    case: Case
    lisa: str
    noah: str
    """The children's person ids, as child_consideration keys them."""

    def considered(
        self, noah: str = "Noah påverkas inte.", lisa: str = "Lisa påverkas inte."
    ) -> dict[str, str]:
        return {self.lisa: lisa, self.noah: noah}

    def documented(self, **changes) -> dict:
        """What an adverse decision in the family needs for the children (issue 19): each
        child considered and why there are no tangible consequences."""
        return {
            "child_consideration": self.considered(),
            "bka_not_needed_reason": NOT_TANGIBLE,
            **changes,
        }


@pytest.fixture
def family(session, make_case, pnr, staff, admin, caseworker) -> Family:
    """Sara's case of Anna with Lisa (7) and Noah (12), applying for december 2026; Sara
    may decide every kind, without a limit (the rules, not her delegation, are tested)."""
    staff.unit.board_name = "Individ- och familjenämnden"
    staff.unit.municipality = "Norrby kommun"
    for kind in DecisionKind:
        decisions.set_delegation(session, admin, caseworker.id, kind, None)
    case = make_case(
        pnr("19840615", 345),
        "Anna",
        "Andersson",
        members=[
            PersonInput(pnr("20190510", 123), "Lisa", "Andersson", MemberRole.CHILD),
            PersonInput(pnr("20140115", 234), "Noah", "Andersson", MemberRole.CHILD),
        ],
        period_start=DEC_START,
    )
    ids = {m.person.first_name: str(m.person_id) for m in case.household.members}
    session.commit()
    return Family(case, ids["Lisa"], ids["Noah"])


def _save(session, caseworker, family: Family, draft) -> Decision:
    return decisions.save_draft(session, caseworker, family.case.id, draft)


def _past_the_program(session, decision: Decision, **values) -> Decision:
    """Columns written as the owner, past the program's own checks when saving."""
    session.execute(update(Decision).where(Decision.id == decision.id).values(**values))
    session.commit()
    session.expire_all()
    return session.get_one(Decision, decision.id)


def _other_case_bka(session, caseworker, make_case, pnr, family: Family):
    other = make_case(
        pnr("19900101", 111),
        "Bo",
        "Berg",
        members=[PersonInput(pnr("20200202", 222), "Maja", "Berg", MemberRole.CHILD)],
    )
    bka = make_bka(session, caseworker, other, {})
    return _save(session, caseworker, family, avslag(bka_form_id=bka.id))


FULL_NORM_ZERO = (
    "Texten om barnets bästa säger att hushållet får hela normen, men beslutet beviljar 0 kr. "
    "Ändra texten så att den stämmer med beslutet."
)
FULL_NORM_NOT_GRANTED = (
    "Texten om barnets bästa säger att hushållet får hela normen, men riksnormen beviljas inte "
    "fullt ut. Ändra texten så att den stämmer med beslutet."
)
LOWERED_NORM = [
    item("riksnorm", "5220", "4000", label="Riksnorm", motivation="Del av månaden."),
    item("boende", "6500", "6500", label="Boende"),
]
SENT = SentCommunication(
    date(2026, 11, 2), "brev", "Försäkringskassan", "Bostadsbidrag 4 200 kr.", date(2026, 11, 10)
)
"""A kommunicering whose time to answer has passed (for the program's fixed clock and the
server's real one)."""


def _communicated(session, caseworker, family: Family, sent: SentCommunication, answer=False):
    decision = _save(
        session, caseworker, family, avslag(others_information=True, **family.documented())
    )
    kommunicering.record_sent(session, caseworker, decision.id, sent)
    if answer:
        kommunicering.record_answer(session, caseworker, decision.id, date(2026, 11, 5), "Nej.")
    return decision


DECISION_RULES: dict[str, tuple[Callable, list[str]]] = {
    # name: (the draft, given session, caseworker, family, make_case, pnr; the program's
    # problems with it, [] for one the program signs)
    "no motivering, not full bifall": (
        lambda s, cw, f, *_: _save(s, cw, f, partly(motivation="", **f.documented())),
        [NO_MOTIVATION],
    ),
    "no motivering at all, items refused": (
        lambda s, cw, f, *_: _save(s, cw, f, avslag(motivation="", **f.documented())),
        [
            NO_MOTIVATION,
            "Motivera varför riksnorm inte beviljas fullt ut.",
            "Motivera varför boende inte beviljas fullt ut.",
        ],
    ),
    "a motivering of no-break spaces only (past the program)": (
        lambda s, cw, f, *_: _past_the_program(
            s, _save(s, cw, f, partly(**f.documented())), motivation="\u00a0\u2003 "
        ),
        [NO_MOTIVATION],
    ),
    "no lagrum": (
        lambda s, cw, f, *_: _save(
            s, cw, f, bifall(legal_references=[], child_consideration=f.considered())
        ),
        ["Ange lagrum."],
    ),
    "lagrum not a list (past the program)": (
        lambda s, cw, f, *_: _past_the_program(
            s, _save(s, cw, f, bifall(child_consideration=f.considered())), legal_references=""
        ),
        ["Ange lagrum."],
    ),
    # children (issue 19, defect 6): every child in every decision
    "full bifall, the children not considered": (
        lambda s, cw, f, *_: _save(s, cw, f, bifall()),
        [CHILD_MISSING + "Lisa Andersson, Noah Andersson."],
    ),
    "avslag, the children not considered": (
        lambda s, cw, f, *_: _save(s, cw, f, avslag(bka_not_needed_reason=NOT_TANGIBLE)),
        [CHILD_MISSING + "Lisa Andersson, Noah Andersson."],
    ),
    "one child considered with blank space": (
        lambda s, cw, f, *_: _save(
            s, cw, f, avslag(**f.documented(child_consideration=f.considered("   ")))
        ),
        [CHILD_MISSING + "Noah Andersson."],
    ),
    "a consideration that is not a text (past the program)": (
        lambda s, cw, f, *_: _past_the_program(
            s,
            _save(s, cw, f, bifall(child_consideration=f.considered())),
            child_consideration=f'{{"{f.lisa}": 5, "{f.noah}": "Ja."}}',
        ),
        [CHILD_MISSING + "Lisa Andersson."],
    ),
    "avslag, no barnkonsekvensanalys and no reason": (
        lambda s, cw, f, *_: _save(s, cw, f, avslag(child_consideration=f.considered())),
        [NO_BKA_OR_REASON],
    ),
    "avvisning, no barnkonsekvensanalys and no reason": (
        lambda s, cw, f, *_: _save(
            s,
            cw,
            f,
            avslag(dismissed=True, legal_references=AVVISNING, child_consideration=f.considered()),
        ),
        [NO_BKA_OR_REASON],
    ),
    "a reason of no-break spaces (past the program)": (
        lambda s, cw, f, *_: _past_the_program(
            s, _save(s, cw, f, partly(**f.documented())), bka_not_needed_reason="\u00a0 "
        ),
        [NO_BKA_OR_REASON],
    ),
    "an unsigned barnkonsekvensanalys": (
        lambda s, cw, f, *_: _save(
            s, cw, f, avslag(bka_form_id=make_bka(s, cw, f.case, {}, sign=False).id)
        ),
        [BKA_UNSIGNED],
    ),
    "the barnkonsekvensanalys of another case": (
        lambda s, cw, f, make_case, pnr: _other_case_bka(s, cw, make_case, pnr, f),
        [BKA_UNSIGNED],
    ),
    "hela normen in an avslag": (
        lambda s, cw, f, *_: _save(
            s,
            cw,
            f,
            avslag(**f.documented(child_consideration=f.considered(lisa="Får HELA normen."))),
        ),
        [FULL_NORM_ZERO],
    ),
    "hela normen in the reason of an avvisning": (
        lambda s, cw, f, *_: _save(
            s,
            cw,
            f,
            avslag(
                dismissed=True,
                legal_references=AVVISNING,
                **f.documented(bka_not_needed_reason="Får hela normen."),
            ),
        ),
        [FULL_NORM_ZERO],
    ),
    "full riksnorm when the riksnorm is lowered": (
        lambda s, cw, f, *_: _save(
            s,
            cw,
            f,
            partly(
                items=LOWERED_NORM,
                **f.documented(child_consideration=f.considered(lisa="Full riksnorm.")),
            ),
        ),
        [FULL_NORM_NOT_GRANTED],
    ),
    "hela normen in the barnkonsekvensanalys of an avslag": (
        lambda s, cw, f, *_: _save(
            s,
            cw,
            f,
            avslag(bka_form_id=make_bka(s, cw, f.case, {"Lisa": "Lisa får hela normen."}).id),
        ),
        [FULL_NORM_ZERO],
    ),
    # kommunicering (issue 19, defect 8)
    "others' information, no kommunicering": (
        lambda s, cw, f, *_: _save(s, cw, f, avslag(others_information=True, **f.documented())),
        [kommunicering.NOT_COMMUNICATED],
    ),
    "the time to answer runs": (
        lambda s, cw, f, *_: _communicated(
            s, cw, f, SentCommunication(date(2026, 11, 20), "brev", "FK", "X.", date(2099, 1, 1))
        ),
        [
            "Tiden för sökanden att yttra sig går ut 2099-01-01: vänta på svaret eller tills "
            "tiden har gått ut."
        ],
    ),
    "kommunicering without material (past the program)": (
        lambda s, cw, f, *_: _past_the_program(
            s, _communicated(s, cw, f, SENT), communication_material=" "
        ),
        [kommunicering.NOT_COMMUNICATED],
    ),
    "an exception without its reason": (
        lambda s, cw, f, *_: _save(
            s,
            cw,
            f,
            avslag(
                others_information=True,
                communication_exception="kan_inte_skjutas_upp",
                **f.documented(),
            ),
        ),
        [kommunicering.NO_EXCEPTION_REASON],
    ),
    "an exception the program does not have (past the program)": (
        lambda s, cw, f, *_: _past_the_program(
            s,
            _save(s, cw, f, avslag(others_information=True, **f.documented())),
            communication_exception="anstallning",
            communication_exception_reason="Det är bråttom.",
        ),
        ["Okänt undantag från kommunicering: anstallning."],
    ),
    # and what the program signs, the server signs
    "full bifall with every child considered": (
        lambda s, cw, f, *_: _save(s, cw, f, bifall(child_consideration=f.considered())),
        [],
    ),
    "avslag with every child considered and a reason": (
        lambda s, cw, f, *_: _save(s, cw, f, avslag(**f.documented())),
        [],
    ),
    "avslag with a signed barnkonsekvensanalys": (
        lambda s, cw, f, *_: _save(s, cw, f, avslag(bka_form_id=make_bka(s, cw, f.case, {}).id)),
        [],
    ),
    "a child who moved out before the period": (
        lambda s, cw, f, *_: _moved_out(s, cw, f),
        [],
    ),
    "hela normen, true in a delvis bifall": (
        lambda s, cw, f, *_: _save(
            s,
            cw,
            f,
            partly(**f.documented(child_consideration=f.considered(lisa="Får hela normen."))),
        ),
        [],
    ),
    "the time to answer has passed": (
        lambda s, cw, f, *_: _communicated(s, cw, f, SENT),
        [],
    ),
    "the answer came": (
        lambda s, cw, f, *_: _communicated(
            s,
            cw,
            f,
            SentCommunication(date(2026, 11, 2), "brev", "FK", "X.", date(2099, 1, 1)),
            answer=True,
        ),
        [],
    ),
    "an exception with its reason": (
        lambda s, cw, f, *_: _save(
            s,
            cw,
            f,
            avslag(
                others_information=True,
                communication_exception="uppenbart_obehovligt",
                communication_exception_reason="Uppgiften saknar betydelse för beslutet.",
                **f.documented(),
            ),
        ),
        [],
    ),
    "others' information in a bifall": (
        lambda s, cw, f, *_: _save(
            s, cw, f, bifall(others_information=True, child_consideration=f.considered())
        ),
        [],
    ),
}


def _moved_out(session, caseworker, family: Family) -> Decision:
    noah = next(m for m in family.case.household.members if str(m.person_id) == family.noah)
    noah.member_until = date(2026, 11, 30)
    session.flush()
    return _save(
        session,
        caseworker,
        family,
        avslag(child_consideration={family.lisa: "Ja."}, bka_not_needed_reason=NOT_TANGIBLE),
    )


@on_postgresql
@pytest.mark.parametrize("rule", list(DECISION_RULES))
def test_the_server_and_the_program_hold_the_same_decision_rules(
    session, family, caseworker, make_case, pnr, login_roles, db, rule
) -> None:
    make_draft, expected = DECISION_RULES[rule]
    draft = make_draft(session, caseworker, family, make_case, pnr)
    session.commit()
    program = decisions.signing_problems(session, caseworker, draft)
    assert program == expected
    with connect(login_roles, "sara.nilsson") as conn, conn.transaction(force_rollback=True):
        if program:
            with pytest.raises(RULE_BROKEN) as refused:
                conn.execute(SIGN_DECISION, (caseworker.id, draft.id))
            assert refused.value.diag.message_primary == " ".join(program)
        else:
            conn.execute(SIGN_DECISION, (caseworker.id, draft.id))


DERIVED_COLUMNS = [
    # what save_draft derives from the items, changed past the program before signing
    ({"granted_total": Decimal("100")}, "Beviljat belopp 100.00 kr stämmer inte"),
    ({"outcome": "bifall"}, "Beslutets utfall stämmer inte med posterna."),
    ({"include_appeal": False}, "ska ha en besvärshänvisning"),
    ({"income_counted": Decimal("-1")}, "belopp som inte är tillåtna"),
    ({"period_end": date(2026, 11, 30)}, "Periodens slut kan inte ligga före dess början."),
]


@on_postgresql
@pytest.mark.parametrize(("values", "message"), DERIVED_COLUMNS)
def test_a_decision_signs_only_as_its_items_make_it(
    session, family, caseworker, login_roles, values, message
) -> None:
    """A partly granted decision passed off as bifall skips the motivering and the child
    gate; a lower granted total is what the delegation is checked against (0018)."""
    draft = _save(session, caseworker, family, partly(**family.documented()))
    session.commit()
    assert decisions.signing_problems(session, caseworker, draft) == []
    _past_the_program(session, draft, **values)
    with connect(login_roles, "sara.nilsson") as conn, pytest.raises(RULE_BROKEN, match=message):
        conn.execute(SIGN_DECISION, (caseworker.id, draft.id))


@on_postgresql
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE decision_items SET granted = -100 WHERE decision_id = %(id)s AND granted > 0",
        "UPDATE decision_items SET granted = applied + 100 WHERE decision_id = %(id)s "
        "AND item_type <> 'riksnorm'",
        "DELETE FROM decision_items WHERE decision_id = %(id)s",
    ],
)
def test_the_items_of_a_draft_are_checked_when_it_is_signed(
    session, family, caseworker, login_roles, statement
) -> None:
    draft = _save(session, caseworker, family, bifall())
    session.commit()
    with connect(login_roles, "sara.nilsson") as conn:
        conn.execute(statement, {"id": draft.id})  # a draft's items are hers to change
        with pytest.raises(RULE_BROKEN):
            conn.execute(SIGN_DECISION, (caseworker.id, draft.id))


# --- journal entries and forms ----------------------------------------------------------------

FAR_AHEAD = date(2099, 1, 1)

JOURNAL_RULES = [
    # (columns written past the program, the server's words)
    ({"text": " \t\n\u00a0"}, "Texten måste fyllas i."),
    ({"text": "Ringde\x07 om ansökan."}, "Texten innehåller otillåtna styrtecken."),
    ({"text": "x" * 20_001}, "Texten är för lång: 20001 tecken, högst 20000 är tillåtet."),
    ({"title": "Två\nrader"}, "Rubriken får bara vara en rad."),
    ({"entry_date": FAR_AHEAD}, "En journalanteckning kan inte dateras i framtiden."),
    ({}, None),  # as the program wrote it: signed by both
]


@on_postgresql
@pytest.mark.parametrize(("values", "message"), JOURNAL_RULES)
def test_the_server_and_the_program_hold_the_same_journal_rules(
    session, cases, caseworker, login_roles, values, message
) -> None:
    entry = journal.create_entry(
        session, caseworker, cases.own, JournalDraft(date(2026, 11, 23), "telefon", "S", "T")
    )
    if values:
        session.execute(update(JournalEntry).where(JournalEntry.id == entry.id).values(**values))
    session.commit()
    session.expire_all()
    if message:
        with pytest.raises(ValidationFailed):
            journal.sign_entry(session, caseworker, entry.id)
    else:
        journal.sign_entry(session, caseworker, entry.id)
    session.rollback()
    with connect(login_roles, "sara.nilsson") as conn, conn.transaction(force_rollback=True):
        if message:
            with pytest.raises(RULE_BROKEN) as refused:
                conn.execute(SIGN_ENTRY, (caseworker.id, entry.id))
            assert refused.value.diag.message_primary == message
        else:
            conn.execute(SIGN_ENTRY, (caseworker.id, entry.id))


@on_postgresql
@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        # an initial bedömning passed off as a barnkonsekvensanalys, for a decision's
        # child gate (which asks for a signed form of key "bka")
        ("form_key", "bka", "stämmer inte med formulärversionen"),
        ("form_version", 99, "stämmer inte med formulärversionen"),
        ("answers_json", "[1, 2]", "Blankettens svar går inte att läsa."),
        ("answers_json", "{inte json", "Blankettens svar går inte att läsa."),
    ],
)
def test_a_form_signs_only_as_what_its_definition_says(
    session, cases, caseworker, login_roles, db, column, value, message
) -> None:
    form = filled_forms.create_form(session, caseworker, "ib", case_id=cases.own)
    fill_and_save(session, caseworker, form)
    session.commit()
    with connect(login_roles, "sara.nilsson") as conn:
        conn.execute(f"UPDATE forms SET {column} = %s WHERE id = %s", (value, form.id))  # a draft
        with pytest.raises(RULE_BROKEN, match=message):
            conn.execute(SIGN_FORM, (caseworker.id, form.id))
    with db.sessions() as check:
        assert check.get_one(FormInstance, form.id).signed_at is None


# --- signing times ----------------------------------------------------------------------------


@on_postgresql
def test_a_signature_in_the_future_is_refused(
    session, family, caseworker, cases, login_roles
) -> None:
    entry = journal.create_entry(
        session, caseworker, cases.own, JournalDraft(date(2026, 11, 23), "telefon", "S", "T")
    )
    decision = _save(session, caseworker, family, bifall(child_consideration=family.considered()))
    session.commit()
    with connect(login_roles, "sara.nilsson") as conn:
        with pytest.raises(RULE_BROKEN, match=r"Signeringstiden .* ligger i framtiden"):
            conn.execute(
                "UPDATE journal_entries SET signed_at = now() + interval '1 hour', "
                "signed_by = %s WHERE id = %s",
                (caseworker.id, entry.id),
            )
        with pytest.raises(RULE_BROKEN, match=r"Beslutsdatumet .* ligger i framtiden"):
            conn.execute(
                "UPDATE decisions SET signed_at = now(), decided_on = current_date + 3, "
                "decided_by = %s WHERE id = %s",
                (caseworker.id, decision.id),
            )
        with pytest.raises(RULE_BROKEN, match="ska ha ett beslutsdatum"):
            conn.execute(
                "UPDATE decisions SET signed_at = now(), decided_by = %s WHERE id = %s",
                (caseworker.id, decision.id),
            )
        # a few minutes ahead is a clock's drift, and the day after today a date line
        conn.execute(
            "UPDATE decisions SET signed_at = now() + interval '4 minutes', "
            "decided_on = current_date + 1, decided_by = %s WHERE id = %s",
            (caseworker.id, decision.id),
        )


@on_postgresql
def test_the_server_records_its_own_time_of_signing_beside_the_claim(
    session, cases, caseworker, login_roles, db
) -> None:
    """Sara claims a signing in 2020 and a recorded time of her own: the claim stays (a
    laptop signs offline), the recorded time is the server's; neither changes afterwards."""
    draft = journal.create_entry(
        session, caseworker, cases.own, JournalDraft(date(2026, 11, 23), "telefon", "S", "T")
    )
    session.commit()
    claimed = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    before = _server_now(db)
    with connect(login_roles, "sara.nilsson") as conn:
        # a draft has no time of signing
        conn.execute(
            "UPDATE journal_entries SET signed_recorded_at = %s WHERE id = %s", (claimed, draft.id)
        )
        assert conn.execute(
            "SELECT signed_recorded_at FROM journal_entries WHERE id = %s", (draft.id,)
        ).fetchone() == (None,)
        conn.execute(
            "UPDATE journal_entries SET signed_at = %s, signed_by = %s, signed_recorded_at = %s "
            "WHERE id = %s",
            (claimed, caseworker.id, claimed, draft.id),
        )
        for column, value in (("signed_recorded_at", claimed), ("signed_recorded_at", None)):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="signerad"):
                conn.execute(
                    f"UPDATE journal_entries SET {column} = %s WHERE id = %s", (value, draft.id)
                )
    with db.sessions() as check:
        entry = check.get_one(JournalEntry, draft.id)
        assert entry.signed_at == claimed
        assert entry.signed_recorded_at is not None and entry.signed_recorded_at >= before


@on_postgresql
def test_offline_signing_keeps_the_laptops_time_and_the_server_records_its_own(
    session, cases, caseworker, laptops, login_roles, db, set_clock
) -> None:
    """Signed during a hembesök three hours ago, synced now as Sara's own role."""
    server_db = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        laptop = laptops("sara", caseworker)
        take_along(server_db, laptop, caseworker, [cases.own])
        me = offline(laptop, caseworker)
        signed_on_laptop = _server_now(db) - timedelta(hours=3)
        set_clock(signed_on_laptop)
        with laptop.sessions.begin() as local:
            entry = journal.create_entry(
                local, me, cases.own, JournalDraft(clock.today(), "hembesok", "Besök", "Hemma.")
            )
            journal.sign_entry(local, me, entry.id)
            entry_id = entry.id
        before = _server_now(db)
        report = run_sync(server_db, laptop, caseworker)
        assert report.conflicts == 0
        with laptop.sessions() as local:  # the pull brings the server's time to the laptop
            on_laptop = local.get_one(JournalEntry, entry_id)
            assert on_laptop.signed_recorded_at >= before
    finally:
        server_db.dispose()
    with db.sessions() as check:
        entry = check.get_one(JournalEntry, entry_id)
        assert entry.signed_at == signed_on_laptop
        assert entry.signed_recorded_at >= before


# --- the program, connected as the user's own role --------------------------------------------


@on_postgresql
def test_the_program_signs_under_the_servers_rules(
    session, family, cases, caseworker, login_roles, db
) -> None:
    """As Sara's own role: a barnkonsekvensanalys, then an avslag in the family referring
    to it, a decision considering each child, a journal entry and an initial bedömning.
    The server records its own time of each signing; the program's claim stays."""
    form_definitions.publish_builtin(session)  # as db init-server does (migration 0017)
    session.commit()
    before = _server_now(db)
    render = LetterRecorder()
    database = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        with database.sessions.begin() as s:
            bka = make_bka(s, caseworker, family.case, {"Lisa": "Bor kvar.", "Noah": "Ja."})
            with_bka = _save(s, caseworker, family, avslag(bka_form_id=bka.id))
            decisions.sign_decision(s, caseworker, with_bka.id, render)
            considered = _save(s, caseworker, family, partly(**family.documented()))
            decisions.sign_decision(s, caseworker, considered.id, render)
            entry = journal.create_entry(
                s, caseworker, cases.own, JournalDraft(date(2026, 11, 23), "telefon", "S", "T")
            )
            journal.sign_entry(s, caseworker, entry.id)
            form = filled_forms.create_form(s, caseworker, "ib", case_id=cases.own)
            fill_and_save(s, caseworker, form)
            filled_forms.sign_form(s, caseworker, form.id)
            signed = [
                (Decision, with_bka.id),
                (Decision, considered.id),
                (FormInstance, bka.id),
                (JournalEntry, entry.id),
                (FormInstance, form.id),
            ]
    finally:
        database.dispose()
    with db.sessions() as check:
        for model, row_id in signed:
            row = check.get_one(model, row_id)
            assert row.signed_at == clock.now()  # the program's (fixed) clock: its claim
            assert row.signed_recorded_at >= before  # the server's


@on_postgresql
def test_the_owner_keeps_the_time_it_gives(session, cases, caseworker, db) -> None:
    """The schema owner (demo data, a restore) is trusted as in migration 0018: a recorded
    time it gives is kept; without one the server records its own."""
    entries = [
        journal.create_entry(
            session, caseworker, cases.own, JournalDraft(date(2026, 11, 23), "telefon", "S", "T")
        )
        for _ in range(2)
    ]
    journal.sign_entry(session, caseworker, entries[0].id)  # fills it in: the fixed clock
    session.execute(
        update(JournalEntry)
        .where(JournalEntry.id == entries[1].id)
        .values(signed_at=clock.now(), signed_by=caseworker.id)
    )
    session.commit()
    recorded = dict(
        session.execute(
            select(JournalEntry.id, JournalEntry.signed_recorded_at).where(
                JournalEntry.id.in_([e.id for e in entries])
            )
        ).all()
    )
    assert recorded[entries[0].id] == clock.now()
    assert recorded[entries[1].id] > clock.now()  # the server's clock is the real one


def test_the_program_records_the_time_of_signing_itself_where_no_server_does(
    db, session, cases, caseworker
) -> None:
    """On SQLite (and a laptop's replica) the program fills the recorded time in itself."""
    entry = journal.create_entry(
        session, caseworker, cases.own, JournalDraft(date(2026, 11, 23), "telefon", "S", "T")
    )
    journal.sign_entry(session, caseworker, entry.id)
    session.commit()
    session.expire_all()
    signed = session.get_one(JournalEntry, entry.id)
    if db.engine.dialect.name == "sqlite":
        assert signed.signed_recorded_at == signed.signed_at == clock.now()
    else:  # the owner's session: the program's time kept
        assert signed.signed_recorded_at == clock.now()


@on_postgresql
def test_a_broken_rule_reaches_the_user_in_swedish(session, family, caseworker, login_roles):
    """A modified client signing an avslag without motivering through the ORM as Sara:
    the window shows the server's reason (app.storage.error_message)."""
    draft = _save(session, caseworker, family, avslag(**family.documented()))
    _past_the_program(session, draft, motivation="")
    database = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        with database.sessions() as s:
            decision = s.get_one(Decision, draft.id)
            decision.signed_at, decision.decided_on = clock.now(), clock.today()
            decision.decided_by = caseworker.id
            with pytest.raises(DBAPIError) as refused:
                s.flush()
        assert storage.error_message(refused.value) == (
            "Servern tog inte emot ändringen: "
            + " ".join(
                [
                    NO_MOTIVATION,
                    "Motivera varför riksnorm inte beviljas fullt ut.",
                    "Motivera varför boende inte beviljas fullt ut.",
                ]
            )
        )
    finally:
        database.dispose()


@on_postgresql
@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "UPDATE decisions SET decided_on = current_date, decided_by = %(me)s "
            "WHERE id = %(decision)s",
            "först när det signeras",
        ),
        ("UPDATE decisions SET decided_by = %(me)s WHERE id = %(decision)s", "beslutsfattare"),
        ("UPDATE journal_entries SET signed_by = %(me)s WHERE id = %(entry)s", "den som signerar"),
    ],
)
def test_a_draft_is_not_dressed_up_as_signed(
    session, family, cases, caseworker, login_roles, statement, message
) -> None:
    """The decision list shows a decision with a decision date as decided (DecisionRow)."""
    decision = _save(session, caseworker, family, bifall())
    entry = journal.create_entry(
        session, caseworker, cases.own, JournalDraft(date(2026, 11, 23), "telefon", "S", "T")
    )
    session.commit()
    with connect(login_roles, "sara.nilsson") as conn, pytest.raises(RULE_BROKEN, match=message):
        conn.execute(statement, {"me": caseworker.id, "decision": decision.id, "entry": entry.id})


# --- the server's copies of the program's data (migration 0022) -------------------------------


def _migration_0022():
    import importlib.util
    from pathlib import Path

    from app.db import migrate

    (path,) = (Path(migrate.MIGRATIONS_DIR) / "versions").glob(
        "*_children_delegation_kommunicering.py"
    )
    spec = importlib.util.spec_from_file_location("children_delegation_kommunicering", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_server_knows_the_programs_exceptions_and_claims() -> None:
    """The exceptions of 25 § a decision may name and the wordings that claim the full norm
    are data in resources/; the server's rule has them as constants."""
    migration = _migration_0022()
    assert list(migration.EXCEPTION_CODES) == [e.code for e in kommunicering.exceptions()]
    assert list(migration.FULL_NORM_CLAIMS) == decisions.child_rules()["full_norm_claims"]
    assert migration.NOT_COMMUNICATED == kommunicering.NOT_COMMUNICATED
    assert migration.NO_EXCEPTION_REASON == kommunicering.NO_EXCEPTION_REASON
    assert (migration.CHILDREN_MISSING, migration.NO_BKA_OR_REASON, migration.FULL_NORM) == (
        decisions.CHILDREN_MISSING,
        decisions.NO_BKA_OR_REASON,
        decisions.FULL_NORM,
    )
