"""The administrator's user list: add a user (with a local password, or without one for a
shared server), inactivate and activate again; nobody else may."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.common.errors import AccessDenied, StaleRecordError, ValidationFailed
from app.models import AuditEntry, Role, User
from app.security import accounts, audit
from tests.core.conftest import PASSWORD


def _add(session, actor, staff, **changes):
    fields = dict(
        username="Anna.Berg",
        full_name="Anna Berg",
        role=Role.CASEWORKER,
        unit_id=staff.unit.id,
        password="ett-lösenord-1",
    )
    fields.update(changes)
    return accounts.add_user(session, actor, **fields)


def test_an_administrator_adds_a_user_who_can_log_in(session, admin, staff) -> None:
    user = _add(session, admin, staff)
    assert (user.username, user.unit_id, user.title) == (
        "anna.berg",
        staff.unit.id,
        "Socialsekreterare",
    )
    assert accounts.login(session, "anna.berg", "ett-lösenord-1") is not None
    rows = {r.username: r for r in accounts.list_users(session, admin)}
    assert rows["anna.berg"].unit_name == staff.unit.name and rows["anna.berg"].active
    created = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "user", ~audit.written_by_server())
        .where(AuditEntry.action == "create", AuditEntry.user_id == admin.id)
    ).all()
    assert [c.entity_id for c in created] == [user.id]


def test_on_a_shared_server_a_user_has_no_local_password(session, admin, staff) -> None:
    user = _add(session, admin, staff, password=None)
    session.flush()
    assert session.scalar(select(User.password_hash).where(User.id == user.id)) is None
    assert accounts.login(session, "anna.berg", "") is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"full_name": "  "}, "full_name", "Namnet"),
        ({"username": "sara.nilsson"}, "username", "redan upptaget"),
        ({"password": "elva-tecken"}, "password", "minst 12 tecken"),
        ({"unit_id": None}, "unit", "Välj enheten"),
        ({"full_name": "x" * 201}, "full_name", "Namnet"),
    ],
)
def test_bad_input_is_refused_with_a_message(session, admin, staff, changes, field, message):
    with pytest.raises(ValidationFailed) as caught:
        _add(session, admin, staff, **changes)
    assert field in caught.value.field_errors
    assert message in caught.value.field_errors[field]


def test_inactivated_users_cannot_log_in_and_can_come_back(session, admin, staff) -> None:
    sara = staff.users["caseworker"]
    accounts.set_active(session, admin, sara.id, False, expected_version=sara.version)
    assert accounts.login(session, "sara.nilsson", PASSWORD) is None
    with pytest.raises(StaleRecordError):
        accounts.set_active(session, admin, sara.id, True, expected_version=sara.version - 1)
    accounts.set_active(session, admin, sara.id, True, expected_version=sara.version)
    assert accounts.login(session, "sara.nilsson", PASSWORD) is not None
    with pytest.raises(ValidationFailed, match="dig själv"):
        accounts.set_active(session, admin, admin.id, False, expected_version=1)


def test_only_administrators_manage_users(session, manager, caseworker, staff) -> None:
    for actor in (manager, caseworker):
        with pytest.raises(AccessDenied):
            accounts.list_users(session, actor)
        with pytest.raises(AccessDenied):
            _add(session, actor, staff)
        with pytest.raises(AccessDenied):
            accounts.set_active(session, actor, staff.other.id, False, expected_version=1)
