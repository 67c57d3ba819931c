"""Every service function that reads case data writes an audit row (Lag 2001:454).

The services are listed from the code: every public function in the core areas taking
(session, actor, …). Each is classified below as a read (called here, on a demo database,
and must leave an audit row of the reading user), a write (each write's audit rows are
asserted by that service's own tests) or not case content (with the reason). A new service
function fails `test_every_service_function_is_classified` until someone decides which it is.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.appeals import appeal_register, delivery, dismissal
from app.appeals import court_proceedings as court
from app.appeals.appeal_register import AppealInput
from app.appeals.court_proceedings import ForwardingInput
from app.cases import (
    case_overview,
    case_register,
    case_search,
    caseload_review,
    my_cases,
)
from app.common import clock
from app.common.identity_number import format_identity_number
from app.complaints import complaint_answer, complaint_register
from app.db.database import Database, open_database
from app.decisions import decisions, kommunicering, letters, proposal
from app.decisions.kommunicering import SentCommunication
from app.demo import demo_data
from app.forms import filled_forms, form_printout
from app.intake import attachments, inbox, intake
from app.journal import journal, journal_printout, plans
from app.models import (
    Appeal,
    AppealRuling,
    AuditEntry,
    Case,
    CaseStatus,
    Complaint,
    Decision,
    DeliveryStatus,
    FormInstance,
    IntakeDelivery,
    Letter,
    Role,
    SyncConflict,
    Timeliness,
    Unit,
    User,
)
from app.offline import sync_conflicts
from app.printing.appeal_dismissal_letter import render_dismissal_letter
from app.printing.complaint_answer_letter import render_complaint_answer
from app.printing.decision_letter import render_decision_letter
from app.printing.forwarding_letter import render_forwarding_letter
from app.registers import register_answers
from app.security import audit, audit_review
from app.security.actor import Actor
from app.security.audit_review import ReviewFilter
from app.statistics import sos_export, statistics, trends

EXAMPLE_APPLICATION = (
    Path(__file__).resolve().parents[3] / "docs" / "examples" / "ansokan-barnfamilj.json"
)

READ_ACTIONS = {
    audit.Action.OPEN,
    audit.Action.SEARCH,
    audit.Action.PRINT,
    audit.Action.EXPORT,
}


@dataclass(frozen=True)
class World:
    """A demo database and what the reads are called with."""

    database: Database
    caseworker: Actor
    chef: Actor
    case_id: Any
    personal_number: str
    decision_id: Any
    form_id: Any
    tmp: Path
    appeal_id: Any
    """The demo's appeal on a case of the caseworker's own, not yet överlämnat."""
    appeal_case_id: Any
    appealed_decision_id: Any
    """Its appealed decision, delivered (delgivning recorded)."""
    forwarded_appeal_id: Any
    """An appeal registered and överlämnat here, with its signed cover letter."""
    ruled_appeal_id: Any
    """The demo's appeal with rulings."""
    late_appeal_id: Any
    """The demo's late appeal, its avvisning drafted and signed here."""
    dismissal_id: Any
    complaint_id: Any
    answer_id: Any
    """The signed answer to `complaint_id`, made here."""
    draft_answer_id: Any
    """An answer to another synpunkt, a draft."""
    e_application_id: Any
    """An e-ansökan of the case's sökande for november 2026, taken in here (a proposal's)."""
    delivery_id: Any
    """A received e-ansökan of the demo in the caseworker's unit's inbox."""


FORWARDING = ForwardingInput(
    date(2026, 11, 23),
    "Förvaltningsrätten i Linköping",
    ("Överklagandet", "Det överklagade beslutet"),
    "Nämnden står fast vid beslutet.",
)


Call = Callable[[Session, Actor], Any]

INTAKE_EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def _open_intake_attachment(session: Session, actor: Actor) -> Any:
    """A delivery with its attachments taken in, and one of them opened."""
    files = {p.name: p.read_bytes() for p in (INTAKE_EXAMPLES / "bilagor").iterdir()}
    raw = (INTAKE_EXAMPLES / "ansokan-barnfamilj.json").read_bytes()
    delivery = intake.take_in(session, actor, raw, filename="a.json", files=files)
    return attachments.attachment(session, actor, delivery.delivery_id, "b1")


READS: dict[str, tuple[str, Callable[[World], Call]]] = {
    "proposal.pending_applications": (
        "caseworker",
        lambda w: lambda s, a: proposal.pending_applications(s, a, w.case_id),
    ),
    "proposal.propose": (
        "caseworker",
        lambda w: lambda s, a: proposal.propose(s, a, w.case_id, w.e_application_id),
    ),
    "register_answers.answers_for_month": (
        "caseworker",
        lambda w: (
            lambda s, a: register_answers.answers_for_month(s, a, w.case_id, date(2026, 11, 1))
        ),
    ),
    "inbox.inbox": ("caseworker", lambda w: lambda s, a: inbox.inbox(s, a)),
    "inbox.details": ("caseworker", lambda w: lambda s, a: inbox.details(s, a, w.delivery_id)),
    "inbox.new_case_data": (
        "caseworker",
        lambda w: lambda s, a: inbox.new_case_data(s, a, w.delivery_id),
    ),
    "attachments.attachment": ("caseworker", lambda w: _open_intake_attachment),
    "sync_conflicts.open_conflicts": (
        "caseworker",
        lambda w: lambda s, a: sync_conflicts.open_conflicts(s, a),
    ),
    "audit_review.review": (
        "chef",
        lambda w: (
            lambda s, a: audit_review.review(
                s, a, ReviewFilter(date(2026, 11, 1), date(2026, 11, 30))
            )
        ),
    ),
    "audit_review.export_csv": (
        "chef",
        lambda w: (
            lambda s, a: audit_review.export_csv(
                s, a, ReviewFilter(date(2026, 11, 1), date(2026, 11, 30)), w.tmp / "logg.csv"
            )
        ),
    ),
    "case_overview.open_case": (
        "caseworker",
        lambda w: lambda s, a: case_overview.open_case(s, a, w.case_id),
    ),
    "case_register.lookup_person": (
        "caseworker",
        lambda w: lambda s, a: case_register.lookup_person(s, a, w.personal_number),
    ),
    "case_search.search": (
        "caseworker",
        lambda w: lambda s, a: case_search.search(s, a, w.personal_number),
    ),
    "caseload_review.caseload": ("chef", lambda w: caseload_review.caseload),
    "decisions.archived_letter": (
        "caseworker",
        lambda w: lambda s, a: decisions.archived_letter(s, a, w.decision_id),
    ),
    "decisions.letter_for_export": (
        "caseworker",
        lambda w: (
            lambda s, a: decisions.letter_for_export(s, a, w.decision_id, render_decision_letter)
        ),
    ),
    "decisions.list_all": (
        "caseworker",
        lambda w: lambda s, a: decisions.list_all(s, a),
    ),
    "decisions.household_for_calculation": (
        "caseworker",
        lambda w: (
            lambda s, a: decisions.household_for_calculation(s, a, w.case_id, date(2026, 12, 1))
        ),
    ),
    "decisions.jobbstimulans_for_calculation": (
        "caseworker",
        lambda w: (
            lambda s, a: decisions.jobbstimulans_for_calculation(s, a, w.case_id, date(2026, 12, 1))
        ),
    ),
    "decisions.new_decision_defaults": (
        "caseworker",
        lambda w: lambda s, a: decisions.new_decision_defaults(s, a, w.case_id),
    ),
    "decisions.letter_preview": (
        "caseworker",
        lambda w: lambda s, a: decisions.letter_preview(s, a, w.decision_id),
    ),
    "decisions.list_decisions": (
        "caseworker",
        lambda w: lambda s, a: decisions.list_decisions(s, a, w.case_id),
    ),
    "kommunicering.letter_data": (
        "caseworker",
        lambda w: (
            lambda s, a: kommunicering.letter_data(
                s,
                a,
                w.decision_id,
                SentCommunication(
                    date(2026, 11, 20), "brev", "FK", "Uppgifter.", date(2026, 12, 4)
                ),
            )
        ),
    ),
    "decisions.open_decision": (
        "caseworker",
        lambda w: lambda s, a: decisions.open_decision(s, a, w.decision_id),
    ),
    "filled_forms.list_forms": (
        "caseworker",
        lambda w: lambda s, a: filled_forms.list_forms(s, a, w.case_id),
    ),
    "filled_forms.open_form": (
        "caseworker",
        lambda w: lambda s, a: filled_forms.open_form(s, a, w.form_id),
    ),
    "journal.list_entries": (
        "caseworker",
        lambda w: lambda s, a: journal.list_entries(s, a, w.case_id),
    ),
    "my_cases.my_cases": ("caseworker", lambda w: my_cases.my_cases),
    "plans.list_plans": ("caseworker", lambda w: lambda s, a: plans.list_plans(s, a, w.case_id)),
    "form_printout.form_printout": (
        "caseworker",
        lambda w: lambda s, a: form_printout.form_printout(s, a, w.form_id),
    ),
    "journal_printout.journal_printout": (
        "caseworker",
        lambda w: lambda s, a: journal_printout.journal_printout(s, a, w.case_id),
    ),
    "sos_export.individual_data": (
        "chef",
        lambda w: lambda s, a: sos_export.individual_data(s, a, date(2026, 10, 1)),
    ),
    "statistics.month_statistics": (
        "chef",
        lambda w: lambda s, a: statistics.month_statistics(s, a, date(2026, 10, 1)),
    ),
    "statistics.year_statistics": (
        "chef",
        lambda w: lambda s, a: statistics.year_statistics(s, a, 2026),
    ),
    "trends.monthly_trends": ("chef", lambda w: lambda s, a: trends.monthly_trends(s, a)),
    # after the decision (issue 23)
    "appeal_register.appeal_row": (
        "caseworker",
        lambda w: lambda s, a: appeal_register.appeal_row(s, a, w.appeal_id),
    ),
    "appeal_register.appealable_decisions": (
        "caseworker",
        lambda w: lambda s, a: appeal_register.appealable_decisions(s, a, w.appeal_case_id),
    ),
    "appeal_register.list_appeals": (
        "caseworker",
        lambda w: lambda s, a: appeal_register.list_appeals(s, a, w.appeal_case_id),
    ),
    "appeal_register.replacing_candidates": (
        "caseworker",
        lambda w: lambda s, a: appeal_register.replacing_candidates(s, a, w.appeal_id),
    ),
    "appeal_register.timeliness_proposal": (
        "caseworker",
        lambda w: lambda s, a: appeal_register.timeliness_proposal(s, a, w.appeal_id),
    ),
    "delivery.delivery_of": (
        "caseworker",
        lambda w: lambda s, a: delivery.delivery_of(s, a, w.appealed_decision_id),
    ),
    "delivery.deliveries_of_case": (
        "caseworker",
        lambda w: lambda s, a: delivery.deliveries_of_case(s, a, w.appeal_case_id),
    ),
    "court_proceedings.court_history": (
        "chef",
        lambda w: lambda s, a: court.court_history(s, a, w.ruled_appeal_id),
    ),
    "court_proceedings.signed_decisions": (
        "caseworker",
        lambda w: lambda s, a: court.signed_decisions(s, a, w.appeal_case_id),
    ),
    "court_proceedings.forwarding_preview": (
        "caseworker",
        lambda w: lambda s, a: court.forwarding_preview(s, a, w.appeal_id, FORWARDING),
    ),
    "court_proceedings.preview_forwarding": (
        "caseworker",
        lambda w: (
            lambda s, a: court.preview_forwarding(
                s, a, w.appeal_id, FORWARDING, render_forwarding_letter
            )
        ),
    ),
    "court_proceedings.forwarding_letter_pdf": (
        "caseworker",
        lambda w: lambda s, a: court.forwarding_letter_pdf(s, a, w.forwarded_appeal_id),
    ),
    "dismissal.dismissal_of": (
        "chef",
        lambda w: lambda s, a: dismissal.dismissal_of(s, a, w.late_appeal_id),
    ),
    "dismissal.dismissal_preview": (
        "chef",
        lambda w: lambda s, a: dismissal.dismissal_preview(s, a, w.dismissal_id),
    ),
    "dismissal.archived_dismissal": (
        "chef",
        lambda w: lambda s, a: dismissal.archived_dismissal(s, a, w.dismissal_id),
    ),
    "dismissal.proposed_motivation": (
        "chef",
        lambda w: lambda s, a: dismissal.proposed_motivation(s, a, w.late_appeal_id),
    ),
    "letters.archived_pdf": (
        "chef",
        lambda w: lambda s, a: letters.archived_pdf(s, a, s.get(Letter, w.dismissal_id)),
    ),
    "complaint_register.complaint_list": (
        "chef",
        lambda w: lambda s, a: complaint_register.complaint_list(s, a, only_open=False),
    ),
    "complaint_register.view": (
        "chef",
        lambda w: lambda s, a: complaint_register.view(s, a, w.complaint_id),
    ),
    "complaint_register.watches": ("chef", lambda w: complaint_register.watches),
    "complaint_answer.answer_data": (
        "chef",
        lambda w: lambda s, a: complaint_answer.answer_data(s, a, w.draft_answer_id),
    ),
    "complaint_answer.preview": (
        "chef",
        lambda w: (
            lambda s, a: complaint_answer.preview(s, a, w.draft_answer_id, render_complaint_answer)
        ),
    ),
    "complaint_answer.archived": (
        "chef",
        lambda w: lambda s, a: complaint_answer.archived(s, a, w.answer_id),
    ),
}

WRITES = {
    "accounts.add_user",
    "accounts.create_user",
    "accounts.set_active",
    "case_register.change_status",
    "case_register.create_case",
    "case_register.find_or_create_person",
    "decisions.record_execution",
    "decisions.save_draft",
    "decisions.set_delegation",
    "decisions.sign_decision",
    "kommunicering.record_answer",
    "kommunicering.record_sent",
    "form_definitions.publish_version",
    "filled_forms.create_case_review",
    "filled_forms.create_form",
    "filled_forms.save_draft",
    "filled_forms.sign_form",
    "journal.create_entry",
    "journal.sign_entry",
    "journal.update_draft",
    "applicable_table.import_table",
    "applicable_table.approve_table",
    "applicable_table.discard_draft",
    "plans.add_step",
    "plans.close_plan",
    "plans.create_plan",
    "plans.mark_step_done",
    "support_barriers.set_barrier",
    "office_settings.change_setting",
    "leases.check_out",
    "leases.check_in",
    "leases.revoke",
    "sync.apply_values",
    "sync_conflicts.resolve",
    # after the decision (issue 23)
    "appeal_register.record_reconsideration",
    "appeal_register.record_timeliness",
    "appeal_register.record_withdrawal",
    "appeal_register.register_appeal",
    "court_proceedings.forward",
    "court_proceedings.record_board_appeal",
    "court_proceedings.record_carried_out",
    "court_proceedings.register_ruling",
    "delivery.record_delivery",
    "dismissal.draft_dismissal",
    "dismissal.sign_dismissal",
    "complaint_register.add_measure",
    "complaint_register.close",
    "complaint_register.complete_measure",
    "complaint_register.mark_lex_sarah",
    "complaint_register.record_contact",
    "complaint_register.record_lex_sarah_reported",
    "complaint_register.register",
    "complaint_answer.draft_answer",
    "complaint_answer.sign_answer",
    "complaint_answer.update_answer",
    "letters.draft_letter",
    "letters.sign_letter",
    "letters.update_draft",
    # register look-ups (issue 24): the look-up's own row, and the journal entry's
    "lookups.look_up",
    # an appeal's change (withdrawn, rättidsprövning, omprövning, överlämnande)
    "appeal_register.record_change",
    # e-ansökan intake (issue 24): the delivery's row; collecting adds the submission's
    "intake.take_in",
    "server_intake.collect_delivery",
    "register_answers.keep",
    # the unit's inbox (issue 24): tests/core/intake
    "inbox.take_into_case",
    "inbox.create_case_from_delivery",
    "inbox.mark_handled",
}
"""Each writes its own audit rows, asserted in that service's tests."""
# READS: name -> (who reads: "caseworker" or "chef", the call given the world)

NOT_CASE_CONTENT = {
    "access.can_read_case": "the access check the reads call",
    "access.require_read": "the access check the reads call",
    "access.require_write": "the access check the writes call",
    "audit.record": "the audit writer itself",
    "audit.record_persons": "the audit writer itself (one row per person shown, one statement)",
    "statistics.audit_aggregate": "the audit row of the statistics reads",
    "audit_review.reviewable_users": "names of the unit's staff",
    "accounts.list_users": "the staff list (administrators)",
    "accounts.list_units": "the units' names (administrators)",
    "session_lock.unlock_local": "the user's own password at the lock screen (audited itself)",
    "session_lock.record_unlock": "writes the unlock's own audit row",
    "case_register.unit_caseworkers": "names of the unit's handläggare",
    "caseload_review.review_status": "per handläggare: open cases and ärendegenomgångar counted",
    "decisions.has_delegation": "the user's own delegation",
    "my_cases.change_stamp": "row counts and times of change of the user's cases (polling)",
    "decisions.letter_data": "part of sign_decision and letter_preview (both logged)",
    "decisions.signing_problems": "part of sign_decision and the editor's check (logged reads)",
    "leases.lease_of_case": "who has the case checked out until when, shown on the opened case",
    "leases.my_leases": "the user's own check-outs: case numbers and dates",
    "leases.leased_cases": "ids of the user's own check-outs to one laptop (sync, check-in)",
    "sync_conflicts.open_conflict_count": "how many conflicts wait (a number)",
    "integrity.check_audit_chain": "the audit chain's numbers and hashes (administrators; logged)",
    "appeal_register.readable_appeal": "the access check the appeal reads call (loads the row)",
    "appeal_register.writable_appeal": "the access check the appeal writes call",
    "dismissal.may_sign": "the user's own delegation to sign an avvisning",
    "dismissal.may_sign_dismissal": "the user's own delegation, yes or no, before she signs",
    "complaint_register.can_read": "the access check the complaint reads call",
    "complaint_register.load": "the access check the complaint reads call (loads the row)",
    "complaint_register.load_for_handling": "the access check the chef's writes call",
    "complaint_register.overdue_count": "how many bevakningar are late (a number, Översikt)",
    "complaint_register.unit_staff": "names of the unit's handläggare and chefs",
    "complaint_answer.load_answer": "the access check the answer's reads and writes call",
    "server_intake.waiting_keys": "the e-service's keys of waiting deliveries (collect is logged)",
    "inbox.readable_delivery": "the access check the inbox's and the attachments' reads call",
    "inbox.waiting_count": "how many e-ansökningar wait in the unit's inbox (a number)",
}


# The packages that hold use cases (ARCHITECTURE.md: the core, grouped by domain area).
CORE_AREAS = (
    "appeals",
    "cases",
    "common",
    "complaints",
    "deadlines",
    "decisions",
    "demo",
    "forms",
    "intake",
    "journal",
    "norms",
    "offline",
    "registers",
    "security",
    "settings",
    "statistics",
)


def service_functions() -> set[str]:
    found = set()
    for area in CORE_AREAS:
        package = importlib.import_module(f"app.{area}")
        for info in pkgutil.iter_modules(package.__path__):
            found |= _session_actor_functions(importlib.import_module(f"app.{area}.{info.name}"))
    return found


def _session_actor_functions(module: ModuleType) -> set[str]:
    """`module.function` for each public function that takes (session, actor) first."""
    short = module.__name__.rsplit(".", 1)[1]
    return {
        f"{short}.{name}"
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
        and not name.startswith("_")
        and list(inspect.signature(function).parameters)[:2] == ["session", "actor"]
    }


def test_every_service_function_is_classified() -> None:
    found = service_functions()
    classified = set(READS) | WRITES | set(NOT_CASE_CONTENT)
    assert not found - classified, f"unclassified service functions: {sorted(found - classified)}"
    assert not classified - found, f"gone from the code: {sorted(classified - found)}"
    assert not (set(READS) & WRITES) and not (set(READS) & set(NOT_CASE_CONTENT))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, fixed_clock_module) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("audit-coverage")
    database = open_database(f"sqlite:///{folder / 'demo.sqlite3'}", plain_sqlite_for_tests=True)
    with database.sessions.begin() as session:
        demo_data.generate(session, 12, seed=5, render_letter=render_decision_letter)
    with database.sessions() as session:
        user = session.scalar(select(User).where(User.username == "sara.nilsson"))
        chef = session.scalar(
            select(User).where(User.role == Role.MANAGER, User.unit_id == user.unit_id)
        )
        case_id, decision_id = session.execute(
            select(Case.id, Decision.id)
            .join(Decision, Decision.case_id == Case.id)
            .where(Case.responsible_user_id == user.id, Case.status != CaseStatus.CLOSED)
            .where(Decision.letter_pdf.is_not(None))
            .order_by(Case.case_number)
        ).first()
        form_id = session.scalar(select(FormInstance.id).where(FormInstance.case_id == case_id))
    if form_id is None:
        with database.sessions.begin() as session:
            form_id = filled_forms.create_form(session, Actor.of(user), "fia", case_id=case_id).id
    with database.sessions.begin() as session:  # a conflict from an offline sync
        session.add(
            SyncConflict(
                change_id=clock.new_id(),
                case_id=case_id,
                table_name="households",
                row_id=clock.new_id(),
                field="city",
                server_json='"Kontorsby"',
                replica_json='"Laptopstad"',
                made_by=user.id,
                made_at=clock.now(),
            )
        )
    after = _after_decision(database, Actor.of(user), Actor.of(chef), case_id, decision_id)
    after["e_application_id"] = _e_application(database, Actor.of(user), case_id)
    with database.sessions() as session:
        case = session.get(Case, case_id)
        applicant = case.household.members[0].person
        delivery_id = session.scalar(
            select(IntakeDelivery.id)
            .where(IntakeDelivery.unit_id == user.unit_id)
            .where(IntakeDelivery.status == DeliveryStatus.RECEIVED)
            .order_by(IntakeDelivery.application_id)
        )
        yield World(
            database,
            Actor.of(user),
            Actor.of(chef),
            case_id,
            format_identity_number(applicant.personal_number),
            decision_id,
            form_id,
            folder,
            **after,
            delivery_id=delivery_id,
        )
    database.dispose()


def _e_application(database: Database, caseworker: Actor, case_id: Any) -> Any:
    """An e-ansökan from the case's sökande for november 2026, taken in."""
    with database.sessions.begin() as session:
        case = session.get(Case, case_id)
        person = case.household.members[0].person
        unit = session.get(Unit, case.unit_id)
        document = json.loads(EXAMPLE_APPLICATION.read_bytes())
        document["hushall"]["personer"] = [
            {
                "personnummer": person.personal_number,
                "fornamn": person.first_name,
                "efternamn": person.last_name,
                "roll": "sokande",
            }
        ]
        document.update(
            period={"from": "2026-11-01", "tom": "2026-11-30"},
            inkomster=[],
            kostnader=[{"slag": "boende", "belopp": "5200"}],
            bilagor=[],
        )
        document["signering"]["personnummer"] = person.personal_number
        document["mottagare"]["kommunkod"] = unit.municipality_code or "0180"
        raw = json.dumps(document, ensure_ascii=False).encode()
        result = intake.take_in(session, caseworker, raw, filename="ansokan.json")
        assert result.summary == "mottagen", result.summary
        return result.delivery_id


def _after_decision(
    database: Database, caseworker: Actor, chef: Actor, case_id: Any, decision_id: Any
) -> dict[str, Any]:
    """The demo's appeals and synpunkter read here, and the signed letters the demo leaves
    out (an överlämnande, an avvisning, an answer), made with the services."""
    with database.sessions() as session:
        unit_case = select(Case.id).where(Case.unit_id == chef.unit_id)
        own = session.scalar(
            select(Appeal)
            .join(Case, Case.id == Appeal.case_id)
            .where(Case.responsible_user_id == caseworker.id, Appeal.forwarded_on.is_(None))
            .where(Appeal.timeliness.in_(court.FORWARDABLE), Appeal.withdrawn_on.is_(None))
            .order_by(Appeal.received_on)
        )
        late = session.scalar(
            select(Appeal.id).where(
                Appeal.case_id.in_(unit_case), Appeal.timeliness == Timeliness.LATE
            )
        )
        ruled = session.scalar(
            select(AppealRuling.appeal_id)
            .where(AppealRuling.case_id.in_(unit_case))
            .order_by(AppealRuling.ruled_on)
        )
        to_answer = session.scalars(
            select(Complaint.id)
            .where(Complaint.unit_id == chef.unit_id, Complaint.closed_on.is_(None))
            .where(Complaint.wants_answer.is_(True), Complaint.sender_name != "")
            .order_by(Complaint.number)
        ).all()
        assert own is not None and late and ruled and len(to_answer) >= 2, "demo changed"
        own_id, own_case_id, own_decision_id = own.id, own.case_id, own.decision_id
    with database.sessions.begin() as session:
        decided_on = session.get(Decision, decision_id).decided_on
        appeal = appeal_register.register_appeal(
            session,
            caseworker,
            case_id,
            AppealInput(decision_id, decided_on, claims="Jag vill få bistånd."),
        )
        proposal = appeal_register.timeliness_proposal(session, caseworker, appeal.id)
        appeal_register.record_timeliness(session, caseworker, appeal.id, proposal.proposed)
        court.forward(session, caseworker, appeal.id, FORWARDING, render_forwarding_letter)
        forwarded_id = appeal.id
    with database.sessions.begin() as session:
        letter = dismissal.draft_dismissal(session, chef, late)
        dismissal.sign_dismissal(session, chef, letter.id, render_dismissal_letter)
        dismissal_id = letter.id
    with database.sessions.begin() as session:
        answered, drafted = to_answer[:2]
        answer = complaint_answer.draft_answer(
            session, chef, answered, "Tack. Vi har gått igenom hur vi återkopplar."
        )
        complaint_answer.sign_answer(session, chef, answer.id, render_complaint_answer)
        draft = complaint_answer.draft_answer(session, chef, drafted, "Tack, vi ses på mötet.")
        answer_id, draft_id = answer.id, draft.id
    return {
        "appeal_id": own_id,
        "appeal_case_id": own_case_id,
        "appealed_decision_id": own_decision_id,
        "forwarded_appeal_id": forwarded_id,
        "ruled_appeal_id": ruled,
        "late_appeal_id": late,
        "dismissal_id": dismissal_id,
        "complaint_id": answered,
        "answer_id": answer_id,
        "draft_answer_id": draft_id,
    }


@pytest.fixture(scope="module")
def fixed_clock_module() -> Iterator[None]:
    clock.set_now(lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    yield
    clock.set_now(None)


@pytest.fixture(autouse=True)
def fixed_clock(fixed_clock_module) -> None:
    """This module's world is built once, under its own fixed clock (same instant)."""


@pytest.mark.parametrize("name", sorted(READS))
def test_each_read_is_logged_as_the_reader(world: World, name: str) -> None:
    who, make_call = READS[name]
    actor = world.chef if who == "chef" else world.caseworker
    call = make_call(world)

    def rows(session: Session) -> int:
        return session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.user_id == actor.id, AuditEntry.action.in_(READ_ACTIONS))
        )

    with world.database.sessions() as session:
        before = rows(session)
    with world.database.sessions.begin() as session:
        call(session, actor)
    with world.database.sessions() as session:
        assert rows(session) > before, f"{name} read case data without an audit row"
