"""A conflict from sync waits for a person: the office's value stays until someone picks,
the laptop's value is shown and can be chosen; every choice is written and logged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.common.errors import NotFound, StaleRecordError
from app.models import AuditEntry, ConflictStatus, Household, SyncConflict
from app.offline import leases, sync_conflicts
from tests.core.offline.sync_helpers import hand_over, run_sync, take_along


@pytest.fixture
def conflict(db, session, make_case, caseworker, colleague, manager, laptops):
    """Sara's laptop and Omar's both changed the household's city; Omar synced first."""
    case = make_case()
    session.commit()
    sara, omar = laptops("sara", caseworker), laptops("omar", colleague)
    take_along(db, sara, caseworker, [case.id])
    hand_over(db, manager, caseworker, omar, colleague, case.id)
    with sara.sessions.begin() as local:
        local.get(Household, case.household_id).city = "Sarastad"
    with omar.sessions.begin() as local:
        local.get(Household, case.household_id).city = "Omarby"
    run_sync(db, omar, colleague)
    with db.sessions.begin() as server:  # Omar is done: the case is back at the office
        leases.check_in(
            server,
            colleague,
            [case.id],
            replica_id=leases.my_leases(server, colleague)[0].replica_id,
        )
    run_sync(db, sara, caseworker)
    return case


def test_the_user_sees_both_values_and_who_made_the_conflict(
    db, conflict, caseworker, manager, other_unit_caseworker
) -> None:
    with db.sessions.begin() as server:
        [row] = sync_conflicts.open_conflicts(server, caseworker)
        assert (row.what, row.office_value, row.laptop_value) == (
            "Hushåll: ort",
            "Omarby",
            "Sarastad",
        )
        assert row.case_number == conflict.case_number and row.made_by_name == "Sara Nilsson"
        assert sync_conflicts.open_conflict_count(server, caseworker) == 1
        assert [r.id for r in sync_conflicts.open_conflicts(server, manager)] == [row.id]
        assert sync_conflicts.open_conflicts(server, other_unit_caseworker) == []
    with db.sessions() as server:
        assert (
            server.scalar(
                select(AuditEntry.case_id).where(
                    AuditEntry.entity == "sync_conflicts", AuditEntry.user_id == caseworker.id
                )
            )
            == conflict.id
        )


def test_choosing_the_laptops_value_writes_it_into_the_case(db, conflict, caseworker) -> None:
    with db.sessions.begin() as server:
        [row] = sync_conflicts.open_conflicts(server, caseworker)
        with pytest.raises(StaleRecordError):
            sync_conflicts.resolve(
                server, caseworker, row.id, take_laptop=True, expected_version=row.version + 1
            )
        sync_conflicts.resolve(
            server, caseworker, row.id, take_laptop=True, expected_version=row.version
        )
    with db.sessions() as server:
        assert server.get(Household, conflict.household_id).city == "Sarastad"
        resolved = server.get(SyncConflict, row.id)
        assert resolved.status is ConflictStatus.TOOK_REPLICA
        assert resolved.resolved_by == caseworker.id
        assert sync_conflicts.open_conflicts(server, caseworker) == []
        with pytest.raises(NotFound, match="redan löst"):
            sync_conflicts.resolve(
                server, caseworker, row.id, take_laptop=False, expected_version=resolved.version
            )


def test_keeping_the_office_value_changes_nothing_in_the_case(db, conflict, caseworker) -> None:
    with db.sessions.begin() as server:
        [row] = sync_conflicts.open_conflicts(server, caseworker)
        sync_conflicts.resolve(
            server, caseworker, row.id, take_laptop=False, expected_version=row.version
        )
    with db.sessions() as server:
        assert server.get(Household, conflict.household_id).city == "Omarby"
        assert server.get(SyncConflict, row.id).status is ConflictStatus.KEPT_SERVER
