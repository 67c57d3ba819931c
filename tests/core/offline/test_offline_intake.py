"""An e-ansökan taken into a case travels with the case to a laptop (issue 24): readable at
the hembesök, not to be changed there, and a sync back loses nothing of it or of the work
done offline. Server on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.common.errors import AccessDenied
from app.intake import inbox
from app.intake.intake import take_in
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import DeliveryStatus, IntakeDelivery, JournalEntry
from tests.core.intake.test_inbox import APPLICANT, GOOD
from tests.core.offline.sync_helpers import offline, run_sync, take_along


def test_the_e_application_is_readable_offline_and_nothing_is_lost(
    db, session, make_case, caseworker, laptops
) -> None:
    case = make_case(APPLICANT, "Tolvan", "Tolvansson")
    received = take_in(session, caseworker, GOOD, filename="a.json")
    session.commit()
    inbox.take_into_case(session, caseworker, received.delivery_id, case.id)
    session.commit()
    laptop = laptops("laptop", caseworker)
    take_along(db, laptop, caseworker, [case.id])

    away = offline(laptop, caseworker)
    with laptop.sessions() as local:
        content = inbox.details(local, away, received.delivery_id)
        assert content.taken_case_number == case.case_number
        assert content.period == "december 2026"
        assert [name for name, _number, _role in content.household][:2] == [
            "Tolvan Tolvansson",
            "Elva Elvasson",
        ]
        assert [c.label for c in content.costs][:1] == ["Boende"]
        assert content.signature.startswith("Signerad med BankID")
        with pytest.raises(AccessDenied):
            inbox.mark_handled(local, away, received.delivery_id, "på hembesök")
        entry = journal.create_entry(
            local,
            away,
            case.id,
            JournalDraft(date(2026, 11, 23), "hembesok", "Hembesök", "Gick igenom ansökan."),
        )
        local.commit()
        entry_id = entry.id

    report = run_sync(db, laptop, caseworker)
    assert not report.refused
    with db.sessions() as server:
        delivery = server.get(IntakeDelivery, received.delivery_id)
        assert (delivery.raw, delivery.status) == (GOOD, DeliveryStatus.TAKEN)
        assert server.get(JournalEntry, entry_id) is not None
    with laptop.sessions() as local:
        kept = local.scalars(select(IntakeDelivery.raw)).all()
        assert kept == [GOOD]
