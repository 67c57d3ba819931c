"""Attacks on the registers after the decision (issue 23: delgivning, appeals, rulings,
complaints, their measures and letters), straight to PostgreSQL as each user's own login
role (psycopg, never through the program): migration 0045 makes the server refuse what the
program refuses, and the program's own writes, connected as the right user, still work.

The data is registered as the schema owner (the ORM, as the services will write it); the
attacks are raw SQL as Sara (handläggare, responsible for cases.own and cases.protected),
Omar (handläggare of the same unit), Eva (chef of the unit), Karin (handläggare of another
unit) and Ada (administrator)."""

from __future__ import annotations

import importlib.util
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

import app
from app.common import clock
from app.db.database import open_database
from app.decisions import decisions
from app.models import (
    Appeal,
    AppealRuling,
    AuditEntry,
    Complaint,
    ComplaintMeasure,
    CourtInstance,
    DecisionDelivery,
    DecisionKind,
    DeliveryMethod,
    FeedbackKind,
    Letter,
    LetterKind,
    ReceivedVia,
    RulingOutcome,
)
from tests.core.decisions.test_decisions import LetterRecorder, bifall
from tests.core.offline.sync_helpers import take_along
from tests.core.security.test_server_access_control import connect, on_postgresql

pytestmark = on_postgresql

REFUSED = psycopg.errors.InsufficientPrivilege
TODAY = date(2026, 11, 23)
TABLES = (
    "decision_deliveries",
    "appeals",
    "appeal_rulings",
    "complaints",
    "complaint_measures",
    "letters",
)


@dataclass
class World:
    signed: uuid.UUID
    """Sara's signed decision in cases.own."""
    draft: uuid.UUID
    """An unsigned decision in cases.own."""
    replacing: uuid.UUID
    """A signed decision in cases.own replacing `signed` (an omprövning)."""
    unrelated: uuid.UUID
    """A signed decision in cases.own replacing nothing."""
    protected_signed: uuid.UUID
    """Sara's signed decision in cases.protected."""
    foreign: uuid.UUID
    """Karin's signed decision in cases.other_unit."""
    delivery: uuid.UUID
    appeal: uuid.UUID
    """An appeal of `signed` in cases.own."""
    protected_appeal: uuid.UUID
    foreign_appeal: uuid.UUID
    ruling: uuid.UUID
    avvisning: uuid.UUID
    """An unsigned avvisning letter of `appeal`."""
    cover: uuid.UUID
    """A signed överlämnande letter of `appeal`, its PDF not stored yet."""
    by_omar: uuid.UUID
    """Complaints of unit Norr: registered by Omar, no case."""
    about_omar: uuid.UUID
    """Registered by Eva, about Omar."""
    of_saras_case: uuid.UUID
    """Registered by Eva, linked to cases.own (Sara is responsible)."""
    of_protected_case: uuid.UUID
    """Registered by Eva about Omar, linked to cases.protected."""
    of_other_unit: uuid.UUID
    """Registered by Karin in unit Söder."""
    measure: uuid.UUID
    """Of `about_omar`, Sara responsible."""
    answer: uuid.UUID
    """Eva's unsigned answer to `of_saras_case`."""
    signed_answer: uuid.UUID
    """Eva's signed answer to `about_omar`."""


def _complaint(staff, number, registrar, *, unit=None, case=None, about=None) -> Complaint:
    return Complaint(
        number=number,
        unit_id=(unit or staff.unit).id,
        case_id=case,
        concerns_user_id=about,
        kind=FeedbackKind.COMPLAINT,
        received_on=TODAY,
        received_via=ReceivedVia.LETTER,
        sender_name="Någon",
        description="Synpunkt.",
        registered_by=registrar,
        updated_by=registrar,
    )


@pytest.fixture
def world(session, cases, staff, caseworker, admin, other_unit_caseworker) -> World:
    for unit in (staff.unit, staff.other_unit):
        unit.board_name = "Individ- och familjenämnden"
        unit.municipality = "Norrby kommun"
    for user in (caseworker, other_unit_caseworker):
        decisions.set_delegation(session, admin, user.id, DecisionKind.SUPPORT, None)
    render = LetterRecorder()

    def signed(actor, case_id, **changes):
        draft = decisions.save_draft(session, actor, case_id, bifall(), **changes)
        return decisions.sign_decision(session, actor, draft.id, render)

    first = signed(caseworker, cases.own)
    replacing = signed(caseworker, cases.own, replaces_id=first.id)
    unrelated = signed(caseworker, cases.own)
    draft = decisions.save_draft(session, caseworker, cases.own, bifall())
    protected = signed(caseworker, cases.protected)
    foreign = signed(other_unit_caseworker, cases.other_unit)
    sara, eva, omar = staff.caseworker.id, staff.manager.id, staff.colleague.id
    delivery = DecisionDelivery(
        case_id=cases.own,
        decision_id=first.id,
        method=DeliveryMethod.POST,
        sent_on=TODAY,
        recorded_by=sara,
    )

    def appeal(case_id, decision_id, by):
        return Appeal(case_id=case_id, decision_id=decision_id, received_on=TODAY, registered_by=by)

    appeals = [
        appeal(cases.own, first.id, sara),
        appeal(cases.protected, protected.id, sara),
        appeal(cases.other_unit, foreign.id, other_unit_caseworker.id),
    ]
    session.add_all([delivery, *appeals])
    session.flush()
    ruling = AppealRuling(
        case_id=cases.own,
        appeal_id=appeals[0].id,
        instance=CourtInstance.ADMINISTRATIVE_COURT,
        ruled_on=TODAY,
        outcome=RulingOutcome.REFUSED,
        recorded_by=sara,
    )
    letters = [
        Letter(
            kind=LetterKind.APPEAL_DISMISSAL,
            unit_id=staff.unit.id,
            case_id=cases.own,
            appeal_id=appeals[0].id,
            body="Avvisning.",
            author_id=sara,
        ),
        Letter(
            kind=LetterKind.APPEAL_FORWARDING,
            unit_id=staff.unit.id,
            case_id=cases.own,
            appeal_id=appeals[0].id,
            body="Överlämnande.",
            author_id=sara,
            signed_by=sara,
            signed_at=clock.now(),
        ),
    ]
    complaints = [
        _complaint(staff, "S-1", omar),
        _complaint(staff, "S-2", eva, about=omar),
        _complaint(staff, "S-3", eva, case=cases.own),
        _complaint(staff, "S-4", eva, case=cases.protected, about=omar),
        _complaint(
            staff, "S-5", other_unit_caseworker.id, unit=staff.other_unit, case=cases.other_unit
        ),
    ]
    session.add_all([ruling, *letters, *complaints])
    session.flush()
    measure = ComplaintMeasure(
        complaint_id=complaints[1].id,
        description="Ny rutin.",
        due_on=TODAY + timedelta(30),
        responsible_user_id=sara,
    )
    answers = [
        Letter(
            kind=LetterKind.COMPLAINT_ANSWER,
            unit_id=staff.unit.id,
            case_id=cases.own,
            complaint_id=complaints[2].id,
            body="Svar.",
            author_id=eva,
        ),
        Letter(
            kind=LetterKind.COMPLAINT_ANSWER,
            unit_id=staff.unit.id,
            complaint_id=complaints[1].id,
            body="Svar.",
            author_id=eva,
            signed_by=eva,
            signed_at=clock.now(),
        ),
    ]
    session.add_all([measure, *answers])
    session.commit()
    return World(
        first.id,
        draft.id,
        replacing.id,
        unrelated.id,
        protected.id,
        foreign.id,
        delivery.id,
        appeals[0].id,
        appeals[1].id,
        appeals[2].id,
        ruling.id,
        letters[0].id,
        letters[1].id,
        *(c.id for c in complaints),
        measure.id,
        answers[0].id,
        answers[1].id,
    )


def _ids(conn, table: str) -> set[uuid.UUID]:
    return {row[0] for row in conn.execute(f"SELECT id FROM {table}")}


# --- reading ---------------------------------------------------------------------------------


def test_the_case_registers_are_read_with_the_case(world, login_roles) -> None:
    with connect(login_roles, "sara.nilsson") as sara:
        assert _ids(sara, "appeals") == {world.appeal, world.protected_appeal}
        assert _ids(sara, "decision_deliveries") == {world.delivery}
        assert _ids(sara, "appeal_rulings") == {world.ruling}
        # and the answer to the complaint linked to her case (read with the complaint)
        assert _ids(sara, "letters") == {world.avvisning, world.cover, world.answer}
    with connect(login_roles, "omar.haddad") as omar:  # not the protected case
        assert _ids(omar, "appeals") == {world.appeal}
    with connect(login_roles, "karin.holm") as karin:  # another unit
        assert _ids(karin, "appeals") == {world.foreign_appeal}
        assert _ids(karin, "decision_deliveries") == set()
        assert _ids(karin, "letters") == set()
    with connect(login_roles, "ada.admin") as ada:  # no case content, no complaints
        for table in TABLES:
            assert _ids(ada, table) == set(), table


def test_complaints_are_read_by_the_chef_and_those_they_concern(world, login_roles) -> None:
    with connect(login_roles, "eva.lind") as eva:
        assert _ids(eva, "complaints") == {
            world.by_omar,
            world.about_omar,
            world.of_saras_case,
            world.of_protected_case,
        }
        assert _ids(eva, "complaint_measures") == {world.measure}
        assert _ids(eva, "letters") >= {world.answer, world.signed_answer}
    with connect(login_roles, "omar.haddad") as omar:
        # his own and the one about him; not a colleague's case's, nor one linked to a
        # protected case he may not read, even though it is about him
        assert _ids(omar, "complaints") == {world.by_omar, world.about_omar}
        assert _ids(omar, "letters") == {world.avvisning, world.cover, world.signed_answer}
    with connect(login_roles, "sara.nilsson") as sara:
        # those linked to her cases; not the complaint about her colleague ...
        assert _ids(sara, "complaints") == {world.of_saras_case, world.of_protected_case}
        assert world.signed_answer not in _ids(sara, "letters")
        # ... but the measure she is responsible for
        assert _ids(sara, "complaint_measures") == {world.measure}
    with connect(login_roles, "karin.holm") as karin:
        assert _ids(karin, "complaints") == {world.of_other_unit}


# --- case content ----------------------------------------------------------------------------

INSERT_DELIVERY = (
    "INSERT INTO decision_deliveries (id, case_id, decision_id, method, note, recorded_by, "
    "version, created_at, updated_at) VALUES (gen_random_uuid(), %s, %s, 'post', '', %s, 1, "
    "now(), now())"
)
INSERT_APPEAL = (
    "INSERT INTO appeals (id, case_id, decision_id, received_on, appellant, appellant_name, "
    "claims, timeliness_reason, reconsideration_note, replacing_decision_id, "
    "forwarded_documents, court, court_case_number, registered_by, version, created_at, "
    "updated_at) VALUES (gen_random_uuid(), %s, %s, current_date, 'sokande', '', '', '', '', "
    "%s, '[]', '', '', %s, 1, now(), now())"
)
INSERT_RULING = (
    "INSERT INTO appeal_rulings (id, case_id, appeal_id, instance, appealed_by, ruled_on, "
    "outcome, court_case_number, note, follow_up_decision_id, recorded_by, version, "
    "created_at, updated_at) VALUES (gen_random_uuid(), %s, %s, 'kammarratten', "
    "'sokande', current_date, 'avslag', '', '', %s, %s, 1, now(), now())"
)


def test_a_delivery_is_of_a_signed_decision_of_the_same_case(
    world, cases, login_roles, staff
) -> None:
    sara_id = staff.caseworker.id
    with connect(login_roles, "sara.nilsson") as sara:
        for case_id, decision_id in (
            (cases.own, world.draft),  # not signed
            (cases.own, world.protected_signed),  # another of her cases
            (cases.own, world.foreign),  # another unit's
            (cases.other_unit, world.foreign),  # a case she may not see
        ):
            with pytest.raises(REFUSED):
                sara.execute(INSERT_DELIVERY, (case_id, decision_id, sara_id))
        with pytest.raises(REFUSED, match="samma ärende"):
            sara.execute(
                "UPDATE decision_deliveries SET decision_id = %s WHERE id = %s",
                (world.draft, world.delivery),
            )
        sara.execute(INSERT_DELIVERY, (cases.own, world.replacing, sara_id))


def test_an_appeal_is_of_a_signed_decision_of_the_same_case_and_its_replacement_too(
    world, cases, login_roles, staff
) -> None:
    sara_id = staff.caseworker.id
    with connect(login_roles, "sara.nilsson") as sara:
        for decision_id, replacing in (
            (world.draft, None),
            (world.protected_signed, None),
            (world.foreign, None),
            (world.signed, world.unrelated),  # does not replace the appealed decision
            (world.signed, world.draft),
            (world.signed, world.protected_signed),
        ):
            with pytest.raises(REFUSED):
                sara.execute(INSERT_APPEAL, (cases.own, decision_id, replacing, sara_id))
        with pytest.raises(REFUSED, match="ersätter"):
            sara.execute(
                "UPDATE appeals SET replacing_decision_id = %s WHERE id = %s",
                (world.unrelated, world.appeal),
            )
        with pytest.raises(REFUSED, match="stannar i sitt ärende"):
            sara.execute(
                "UPDATE appeals SET case_id = %s, decision_id = %s WHERE id = %s",
                (cases.protected, world.protected_signed, world.appeal),
            )
        sara.execute(
            "UPDATE appeals SET reconsideration = 'andras', replacing_decision_id = %s "
            "WHERE id = %s",
            (world.replacing, world.appeal),
        )
        sara.execute(INSERT_APPEAL, (cases.own, world.signed, None, sara_id))


def test_a_ruling_is_of_an_appeal_of_the_same_case(world, cases, login_roles, staff) -> None:
    sara_id = staff.caseworker.id
    with connect(login_roles, "sara.nilsson") as sara:
        with pytest.raises(REFUSED, match="samma ärende"):
            sara.execute(INSERT_RULING, (cases.own, world.protected_appeal, None, sara_id))
        with pytest.raises(REFUSED, match="samma ärende"):
            sara.execute(INSERT_RULING, (cases.own, world.appeal, world.protected_signed, sara_id))
        with pytest.raises(REFUSED):
            sara.execute(INSERT_RULING, (cases.other_unit, world.foreign_appeal, None, sara_id))
        sara.execute(INSERT_RULING, (cases.own, world.appeal, world.unrelated, sara_id))


def test_the_writer_is_the_session_user(world, cases, login_roles, staff) -> None:
    omar_id = staff.colleague.id
    with connect(login_roles, "sara.nilsson") as sara:
        with pytest.raises(REFUSED, match="eget namn"):
            sara.execute(INSERT_DELIVERY, (cases.own, world.replacing, omar_id))
        with pytest.raises(REFUSED, match="eget namn"):
            sara.execute(INSERT_APPEAL, (cases.own, world.signed, None, omar_id))
        with pytest.raises(REFUSED, match="eget namn"):
            sara.execute(INSERT_RULING, (cases.own, world.appeal, None, omar_id))
        with pytest.raises(REFUSED, match="eget namn"):
            sara.execute(
                "UPDATE appeal_rulings SET recorded_by = %s WHERE id = %s", (omar_id, world.ruling)
            )
    with connect(login_roles, "omar.haddad") as omar:
        # a colleague corrects Sara's delivery: it keeps Sara's name or gets his own
        omar.execute(
            "UPDATE decision_deliveries SET note = 'Rättad' WHERE id = %s", (world.delivery,)
        )
        omar.execute(
            "UPDATE decision_deliveries SET recorded_by = %s WHERE id = %s",
            (omar_id, world.delivery),
        )


def test_nothing_is_deleted(world, login_roles) -> None:
    rows = {
        "decision_deliveries": world.delivery,
        "appeals": world.appeal,
        "appeal_rulings": world.ruling,
        "complaints": world.about_omar,
        "complaint_measures": world.measure,
        "letters": world.avvisning,
    }
    assert set(rows) == set(TABLES)
    for user in ("sara.nilsson", "eva.lind"):
        with connect(login_roles, user) as conn:
            for table, row_id in rows.items():
                with pytest.raises(REFUSED):
                    conn.execute(f"DELETE FROM {table} WHERE id = %s", (row_id,))


def test_a_checked_out_case_is_changed_only_from_its_laptop(
    db, world, cases, login_roles, staff, colleague, laptops
) -> None:
    omars = open_database(login_roles["omar.haddad"], upgrade=False)
    try:
        take_along(omars, laptops("omar", colleague), colleague, [cases.own])
    finally:
        omars.dispose()
    for user in ("sara.nilsson", "omar.haddad"):  # the holder at the office too
        with connect(login_roles, user) as conn:
            for statement, params in (
                ("UPDATE appeals SET claims = 'Mer' WHERE id = %s", (world.appeal,)),
                ("UPDATE decision_deliveries SET note = 'x' WHERE id = %s", (world.delivery,)),
                ("UPDATE appeal_rulings SET note = 'x' WHERE id = %s", (world.ruling,)),
                ("UPDATE letters SET body = 'x' WHERE id = %s", (world.avvisning,)),
            ):
                with pytest.raises(REFUSED, match="utcheckat"):
                    conn.execute(statement, params)


def test_the_server_audits_every_write_and_moves_the_case_counter(
    db, world, cases, login_roles, staff
) -> None:
    def counter() -> int:
        with db.engine.connect() as connection:
            return connection.exec_driver_sql(
                "SELECT seq FROM case_changes WHERE case_id = %(id)s", {"id": cases.own}
            ).scalar_one()

    before = counter()
    with connect(login_roles, "sara.nilsson") as sara:
        sara.execute("UPDATE appeals SET claims = 'Ändrat' WHERE id = %s", (world.appeal,))
    assert counter() > before
    with db.sessions() as session:
        rows = session.execute(
            select(AuditEntry.user_id, AuditEntry.case_id, AuditEntry.entity_id).where(
                AuditEntry.action == "db_update", AuditEntry.entity == "appeals"
            )
        ).all()
    assert [tuple(row) for row in rows] == [(staff.caseworker.id, cases.own, world.appeal)]


# --- complaints ------------------------------------------------------------------------------

INSERT_COMPLAINT = (
    "INSERT INTO complaints (id, number, unit_id, case_id, concerns_user_id, kind, "
    "received_on, received_via, themes, sender_name, sender_address, wants_answer, "
    "description, contact_note, registered_by, version, created_at, updated_at) VALUES "
    "(gen_random_uuid(), %s, %s, %s, NULL, 'klagomal', current_date, 'blankett', '[]', '', "
    "'', true, 'Synpunkt.', '', %s, 1, now(), now())"
)


def test_a_complaint_is_registered_for_ones_own_unit_in_ones_own_name(
    world, cases, login_roles, staff
) -> None:
    norr, soder = staff.unit.id, staff.other_unit.id
    sara_id = staff.caseworker.id
    with connect(login_roles, "sara.nilsson") as sara:
        for number, unit, case, registrar in (
            ("X-1", norr, None, staff.colleague.id),  # in a colleague's name
            ("X-2", soder, None, sara_id),  # for another unit
            ("X-3", norr, cases.other_unit, sara_id),  # linked to another unit's case
        ):
            with pytest.raises(REFUSED):
                sara.execute(INSERT_COMPLAINT, (number, unit, case, registrar))
        sara.execute(INSERT_COMPLAINT, ("X-4", norr, cases.own, sara_id))
    with connect(login_roles, "ada.admin") as ada, pytest.raises(REFUSED):
        ada.execute(INSERT_COMPLAINT, ("X-5", norr, None, staff.admin.id))


def test_only_a_chef_of_the_unit_changes_a_complaint_or_its_measures(
    world, login_roles, staff
) -> None:
    close = "UPDATE complaints SET closed_on = current_date WHERE id = %s"
    with connect(login_roles, "omar.haddad") as omar:
        # he registered it and reads it, but handling it is the chef's
        assert omar.execute(close, (world.by_omar,)).rowcount == 0
    with connect(login_roles, "sara.nilsson") as sara:
        assert sara.execute(close, (world.of_saras_case,)).rowcount == 0
        done = "UPDATE complaint_measures SET done_on = current_date WHERE id = %s"
        assert sara.execute(done, (world.measure,)).rowcount == 0
        with pytest.raises(REFUSED):
            sara.execute(
                "INSERT INTO complaint_measures (id, complaint_id, description, due_on, "
                "done_note, version, created_at, updated_at) VALUES (gen_random_uuid(), %s, "
                "'Egen åtgärd', current_date, '', 1, now(), now())",
                (world.of_saras_case,),
            )
    with connect(login_roles, "karin.holm") as karin:
        assert karin.execute(close, (world.by_omar,)).rowcount == 0
    with connect(login_roles, "eva.lind") as eva:
        with pytest.raises(REFUSED, match="ändras inte"):
            eva.execute(
                "UPDATE complaints SET registered_by = %s WHERE id = %s",
                (staff.manager.id, world.by_omar),
            )
        with pytest.raises(REFUSED):
            eva.execute(
                "UPDATE complaints SET unit_id = %s WHERE id = %s",
                (staff.other_unit.id, world.by_omar),
            )
        assert eva.execute(close, (world.by_omar,)).rowcount == 1
        assert (
            eva.execute(
                "UPDATE complaint_measures SET done_on = current_date WHERE id = %s",
                (world.measure,),
            ).rowcount
            == 1
        )


# --- letters ---------------------------------------------------------------------------------

SIGN_LETTER = "UPDATE letters SET signed_at = now(), signed_by = %s WHERE id = %s"


def test_a_signed_letter_never_changes_but_its_pdf_is_stored_once(world, login_roles) -> None:
    with connect(login_roles, "sara.nilsson") as sara:
        with pytest.raises(REFUSED, match="signerad"):
            sara.execute("UPDATE letters SET body = 'Ändrat' WHERE id = %s", (world.cover,))
        with pytest.raises(REFUSED, match="signerad"):
            sara.execute("UPDATE letters SET signed_at = now() WHERE id = %s", (world.cover,))
        sara.execute(
            "UPDATE letters SET letter_pdf = '\\x2550'::bytea, letter_sha256 = 'a' WHERE id = %s",
            (world.cover,),
        )
        with pytest.raises(REFUSED, match="signerad"):
            sara.execute(
                "UPDATE letters SET letter_pdf = '\\x00'::bytea, letter_sha256 = 'b' WHERE id = %s",
                (world.cover,),
            )
    with connect(login_roles, "eva.lind") as eva, pytest.raises(REFUSED, match="signerad"):
        eva.execute("UPDATE letters SET body = 'Ändrat' WHERE id = %s", (world.signed_answer,))


def test_a_letter_is_signed_in_ones_own_name_and_a_draft_has_no_signer(
    world, login_roles, staff
) -> None:
    with connect(login_roles, "sara.nilsson") as sara:
        with pytest.raises(REFUSED, match="eget namn"):
            sara.execute(SIGN_LETTER, (staff.colleague.id, world.avvisning))
        with pytest.raises(REFUSED, match="framtiden"):
            sara.execute(
                "UPDATE letters SET signed_at = now() + interval '1 day', signed_by = %s "
                "WHERE id = %s",
                (staff.caseworker.id, world.avvisning),
            )
        with pytest.raises(REFUSED, match="först när det signeras"):
            sara.execute(
                "UPDATE letters SET signed_by = %s WHERE id = %s",
                (staff.caseworker.id, world.avvisning),
            )
        with pytest.raises(REFUSED, match="utkast"):
            sara.execute(
                "UPDATE letters SET author_id = %s WHERE id = %s",
                (staff.colleague.id, world.avvisning),
            )


def test_an_avvisning_is_signed_only_with_a_refusal_delegation(world, login_roles, staff) -> None:
    with connect(login_roles, "omar.haddad") as omar, pytest.raises(REFUSED, match="delegation"):
        omar.execute(SIGN_LETTER, (staff.colleague.id, world.avvisning))
    with connect(login_roles, "sara.nilsson") as sara:
        sara.execute(SIGN_LETTER, (staff.caseworker.id, world.avvisning))


def test_a_complaint_answer_is_drafted_and_signed_only_by_a_chef_of_its_unit(
    world, cases, login_roles, staff
) -> None:
    draft = (
        "INSERT INTO letters (id, kind, unit_id, case_id, complaint_id, recipient, body, "
        "content_json, author_id, version, created_at, updated_at) VALUES "
        "(gen_random_uuid(), 'svar_synpunkt', %s, %s, %s, '', 'Svar', '{}', %s, 1, now(), now())"
    )
    norr = staff.unit.id
    with connect(login_roles, "sara.nilsson") as sara:
        # a handläggare: neither drafts nor signs an answer, even to her own case's complaint
        with pytest.raises(REFUSED):
            sara.execute(draft, (norr, cases.own, world.of_saras_case, staff.caseworker.id))
        assert sara.execute(SIGN_LETTER, (staff.caseworker.id, world.answer)).rowcount == 0
        sara.execute(INSERT_COMPLAINT, ("X-6", norr, None, staff.caseworker.id))
        [(mine,)] = sara.execute("SELECT id FROM complaints WHERE number = 'X-6'")
        with pytest.raises(REFUSED):  # an answer to a complaint she registered
            sara.execute(draft, (norr, None, mine, staff.caseworker.id))
    with connect(login_roles, "karin.holm") as karin:
        assert karin.execute(SIGN_LETTER, (staff.other.id, world.answer)).rowcount == 0
    with connect(login_roles, "eva.lind") as eva:
        with pytest.raises(REFUSED):  # another unit's complaint
            eva.execute(draft, (staff.other_unit.id, None, world.of_other_unit, staff.manager.id))
        with pytest.raises(REFUSED, match="hör till synpunkten"):  # the wrong case
            eva.execute(draft, (norr, cases.protected, world.of_saras_case, staff.manager.id))
        with pytest.raises(REFUSED, match="eget namn"):
            eva.execute(SIGN_LETTER, (staff.caseworker.id, world.answer))
        eva.execute(SIGN_LETTER, (staff.manager.id, world.answer))


def test_the_programs_writes_work_for_the_right_roles(world, cases, login_roles, staff) -> None:
    """As the services will write (the ORM, connected as the user's own role)."""
    sara_db = open_database(login_roles["sara.nilsson"], upgrade=False)
    eva_db = open_database(login_roles["eva.lind"], upgrade=False)
    try:
        with sara_db.sessions.begin() as session:
            session.add(
                DecisionDelivery(
                    case_id=cases.own,
                    decision_id=world.unrelated,
                    method=DeliveryMethod.RECEIPT,
                    delivered_on=TODAY,
                    recorded_by=staff.caseworker.id,
                    updated_by=staff.caseworker.id,
                )
            )
            appeal = session.get(Appeal, world.appeal)
            appeal.forwarded_on = TODAY
            appeal.updated_by = staff.caseworker.id
            session.add(
                AppealRuling(
                    case_id=cases.own,
                    appeal_id=world.appeal,
                    instance=CourtInstance.COURT_OF_APPEAL,
                    ruled_on=TODAY,
                    outcome=RulingOutcome.REFUSED,
                    recorded_by=staff.caseworker.id,
                    updated_by=staff.caseworker.id,
                )
            )
            session.add(
                _complaint(staff, "P-1", staff.caseworker.id, case=cases.own),
            )
        with eva_db.sessions.begin() as session:
            complaint = session.get(Complaint, world.of_saras_case)
            complaint.contact_on = TODAY
            session.add(
                ComplaintMeasure(
                    complaint_id=complaint.id,
                    description="Utbildning.",
                    due_on=TODAY + timedelta(60),
                    responsible_user_id=staff.caseworker.id,
                    updated_by=staff.manager.id,
                )
            )
            answer = session.get(Letter, world.answer)
            answer.signed_by = staff.manager.id
            answer.signed_at = clock.now()
            answer.decided_on = TODAY
        with eva_db.sessions.begin() as session:
            answer = session.get(Letter, world.answer)
            answer.letter_pdf = b"%PDF-1.4"
            answer.letter_sha256 = "0" * 64
    finally:
        sara_db.dispose()
        eva_db.dispose()


# --- the audit log's words -------------------------------------------------------------------


def test_the_program_may_log_its_reads_of_the_new_registers(world, login_roles) -> None:
    path = next(Path(app.__file__).parent.glob("db/migrations/versions/*_0045_*.py"))
    spec = importlib.util.spec_from_file_location("after_decision_server_rules", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert {"appeal", "complaint", "letter"} <= set(migration.AUDIT_ENTITIES)
    with connect(login_roles, "sara.nilsson") as sara:
        for entity in migration.AUDIT_ENTITIES:
            sara.execute(
                "INSERT INTO audit_log (id, at, action, entity, detail) "
                "VALUES (gen_random_uuid(), now(), 'open', %s, '')",
                (entity,),
            )
        with pytest.raises(psycopg.errors.CheckViolation, match="uppgiften"):
            sara.execute(
                "INSERT INTO audit_log (id, at, action, entity, detail) "
                "VALUES (gen_random_uuid(), now(), 'open', 'appeals; allt', '')"
            )


def test_the_complaint_numbers_only_count_up(world, login_roles) -> None:
    """The series of SYN-ÅÅÅÅ-NNNN as case numbers' (0017): started at its first number,
    taken one at a time, never set back, moved or deleted; an administrator takes none."""
    with connect(login_roles, "sara.nilsson") as sara:
        sara.execute("INSERT INTO complaint_number_series (year, last_number) VALUES (2031, 1)")
        sara.execute(
            "UPDATE complaint_number_series SET last_number = last_number + 1 WHERE year = 2031"
        )
        for attack in (
            "UPDATE complaint_number_series SET last_number = 1 WHERE year = 2031",
            "UPDATE complaint_number_series SET last_number = 90 WHERE year = 2031",
            "UPDATE complaint_number_series SET year = 2032 WHERE year = 2031",
            "DELETE FROM complaint_number_series WHERE year = 2031",
            "INSERT INTO complaint_number_series (year, last_number) VALUES (2033, 50)",
        ):
            with pytest.raises(REFUSED):
                sara.execute(attack)
        assert sara.execute(
            "SELECT last_number FROM complaint_number_series WHERE year = 2031"
        ).fetchone() == (2,)
    with connect(login_roles, "ada.admin") as ada, pytest.raises(REFUSED):
        ada.execute("INSERT INTO complaint_number_series (year, last_number) VALUES (2034, 1)")
