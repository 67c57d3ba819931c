"""Loggranskning: chefs review their unit's staff, administrators everyone; by user, by
person (their cases included), by period and action; CSV export; every review logged."""

from __future__ import annotations

import csv
import importlib
import io
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.cases import case_overview, case_search
from app.common.errors import AccessDenied, ValidationFailed
from app.forms import form_definitions
from app.models import AuditEntry, FormKey
from app.security import audit, audit_review
from app.security.audit_review import ReviewFilter
from tests.core.security.test_attacks_audit_log import program_entities

NOVEMBER = ReviewFilter(since=date(2026, 11, 1), until=date(2026, 11, 30))


@pytest.fixture
def activity(session, make_case, pnr, caseworker, colleague, other_unit_caseworker, set_clock):
    """Sara registers Anna's case and opens it; Omar searches for Anna and opens her case a
    day later; Karin (other unit) registers and opens Bo's case. Then it is Monday 23rd."""
    set_clock(datetime.fromisoformat("2026-11-20T08:00:00+00:00"))
    anna = make_case(pnr("19850312", 123), "Anna", "Andersson")
    case_overview.open_case(session, caseworker, anna.id)
    bo = make_case(pnr("19770505", 789), "Bo", "Berg", actor=other_unit_caseworker)
    case_overview.open_case(session, other_unit_caseworker, bo.id)
    set_clock(datetime.fromisoformat("2026-11-21T13:30:00+00:00"))
    case_search.search(session, colleague, "Andersson")
    set_clock(datetime.fromisoformat("2026-11-21T13:31:00+00:00"))
    case_overview.open_case(session, colleague, anna.id)
    set_clock(datetime.fromisoformat("2026-11-23T09:00:00+00:00"))  # the chef reviews
    session.flush()
    return anna, bo


def test_a_chef_reviews_her_units_staff_newest_first(session, manager, activity) -> None:
    anna, bo = activity
    result = audit_review.review(session, manager, NOVEMBER)
    assert not result.truncated
    names = {r.user_name for r in result.rows}
    assert names == {"Sara Nilsson", "Omar Haddad"}  # not Karin of the other unit
    assert [r.at for r in result.rows] == sorted((r.at for r in result.rows), reverse=True)
    first = result.rows[0]
    assert (first.user_name, first.action_label, first.entity_label, first.case_number) == (
        "Omar Haddad",
        "Öppnade",
        "ärende",
        anna.case_number,
    )
    assert bo.case_number not in {r.case_number for r in result.rows}


def test_by_person_shows_who_looked_at_her_and_her_case(
    session, manager, colleague, activity, pnr
) -> None:
    anna, _bo = activity
    number = pnr("19850312", 123)  # ÅÅÅÅMMDD-NNNN; searched in the short form
    wanted = ReviewFilter(NOVEMBER.since, NOVEMBER.until, personal_number=number[2:])
    result = audit_review.review(session, manager, wanted)
    assert result.person_name == "Anna Andersson"
    seen = {(r.user_name, r.action_label, r.entity_label) for r in result.rows}
    assert ("Omar Haddad", "Sökte", "person") in seen
    assert ("Omar Haddad", "Öppnade", "ärende") in seen
    assert ("Sara Nilsson", "Öppnade", "ärende") in seen
    searched = next(r for r in result.rows if r.action_label == "Sökte")
    assert searched.person == f"Anna Andersson ({number})"
    only_omar = audit_review.review(
        session, manager, ReviewFilter(wanted.since, wanted.until, colleague.id, number)
    )
    assert {r.user_name for r in only_omar.rows} == {"Omar Haddad"}
    opened = audit_review.review(
        session,
        manager,
        ReviewFilter(wanted.since, wanted.until, personal_number=number, action="open"),
    )
    assert {(r.user_name, r.case_number) for r in opened.rows} == {
        ("Sara Nilsson", anna.case_number),
        ("Omar Haddad", anna.case_number),
    }


def test_the_period_limits_the_rows(session, manager, activity) -> None:
    result = audit_review.review(
        session, manager, ReviewFilter(date(2026, 11, 20), date(2026, 11, 20))
    )
    assert {r.user_name for r in result.rows} == {"Sara Nilsson"}
    assert (
        audit_review.review(
            session, manager, ReviewFilter(date(2026, 10, 1), date(2026, 10, 31))
        ).rows
        == []
    )


@pytest.mark.parametrize(
    ("wanted", "field", "message"),
    [
        (ReviewFilter(date(2026, 11, 30), date(2026, 11, 1)), "until", "före startdatumet"),
        (ReviewFilter(date(2025, 1, 1), date(2026, 11, 30)), "until", "högst ett år"),
        (
            ReviewFilter(NOVEMBER.since, NOVEMBER.until, personal_number="19850312-1230"),
            "personal_number",
            "Kontrollsiffran",
        ),
        (
            ReviewFilter(NOVEMBER.since, NOVEMBER.until, personal_number="'; DROP TABLE audit_log"),
            "personal_number",
            "bara innehålla siffror",
        ),
        (
            ReviewFilter(NOVEMBER.since, NOVEMBER.until, personal_number="19121212-1212"),
            "personal_number",
            "Ingen person",
        ),
    ],
)
def test_bad_filters_get_a_message(session, manager, activity, wanted, field, message) -> None:
    with pytest.raises(ValidationFailed) as caught:
        audit_review.review(session, manager, wanted)
    assert list(caught.value.field_errors) == [field]
    assert message in str(caught.value)


def test_only_chefs_and_administrators_review(session, caseworker, admin, activity) -> None:
    with pytest.raises(AccessDenied):
        audit_review.review(session, caseworker, NOVEMBER)
    with pytest.raises(AccessDenied):
        audit_review.reviewable_users(session, caseworker)
    everyone = audit_review.review(session, admin, NOVEMBER)
    assert {"Sara Nilsson", "Omar Haddad", "Karin Holm"} <= {r.user_name for r in everyone.rows}
    assert [name for _id, name in audit_review.reviewable_users(session, admin)] == [
        "Ada Admin",
        "Eva Lind",
        "Karin Holm",
        "Omar Haddad",
        "Sara Nilsson",
    ]


def test_each_review_and_export_is_itself_logged(session, manager, activity, tmp_path) -> None:
    before = audit_review.review(session, manager, NOVEMBER)
    target = tmp_path / "logg.csv"
    written = audit_review.export_csv(session, manager, NOVEMBER, target)
    logged = session.execute(
        select(AuditEntry.action, AuditEntry.detail)
        .where(AuditEntry.entity == "audit_log", ~audit.written_by_server())
        .order_by(AuditEntry.action)
    ).all()
    # the export runs a review (logged) and is logged as an export
    assert [action for action, _ in logged] == ["export", "open", "open"]
    assert all(d.startswith("Logggranskning 2026-11-01–2026-11-30") for _, d in logged)
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode())  # Excel reads å ä ö right
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert written == len(rows) - 1
    assert rows[0] == ["Tid", "Användare", "Åtgärd", "Gäller", "Ärende", "Person", "Detalj"]
    assert len(rows) - 1 == len(before.rows) + 1  # and the review logged in between
    assert rows[1][1:4] == ["Eva Lind", "Öppnade", "logggranskning"]
    anna, _bo = activity
    assert ["Omar Haddad", "Öppnade", "ärende", anna.case_number] in [r[1:5] for r in rows]
    assert all(r[0].startswith("2026-11-2") for r in rows[1:])


def test_a_long_log_is_cut_and_says_so(session, manager, activity, monkeypatch) -> None:
    monkeypatch.setattr(audit_review, "ROW_LIMIT", 2)
    result = audit_review.review(session, manager, NOVEMBER)
    assert len(result.rows) == 2 and result.truncated


def _server_audited_tables() -> set[str]:
    """The tables whose rows the PostgreSQL server logs itself (db_insert …)."""
    tables: set[str] = set()
    for name in ("20261130_0014_statement_audit_triggers", "20261206_0017_reference_data"):
        module = importlib.import_module(f"app.db.migrations.versions.{name}")
        tables |= set(module.AUDITED_TABLES)
    return tables


def test_every_code_of_the_log_has_a_swedish_label() -> None:
    """Issue 22: the review showed raw keys. Every entity the program writes (read from the
    code), every table the server logs and every action has a label of its own."""
    entities = program_entities() - {"form:<key>"}
    assert {"case", "session", "sos_export", "sync_conflict"} <= entities
    missing = sorted((entities | _server_audited_tables()) - set(audit_review.ENTITY_LABELS))
    assert missing == []
    actions = [value for key, value in vars(audit.Action).items() if key.isupper()]
    server = [f"db_{kind}" for kind in ("insert", "update", "delete")]
    assert sorted(set(actions + server) - set(audit_review.ACTION_LABELS)) == []


def test_a_form_row_is_named_by_the_forms_title(session, manager, colleague, set_clock) -> None:
    form_definitions.publish_builtin(session)
    set_clock(datetime.fromisoformat("2026-11-23T09:00:00+00:00"))
    for key in FormKey:
        audit.record(session, colleague, audit.Action.OPEN, f"form:{key.value}")
    audit.record(session, colleague, audit.Action.OPEN, "form:finns_inte")
    session.flush()
    shown = {r.entity_label for r in audit_review.review(session, manager, NOVEMBER).rows}
    assert "blankett Ärendegenomgång" in shown
    assert "blankett Barnkonsekvensanalys – prövning av barnets bästa" in shown
    assert "blankett" in shown  # a key without a definition: never the raw "form:…"
    assert not [label for label in shown if ":" in label]
