"""A command's password check started as soon as the local file is open
(app.security.early_password_check, issue 21): scrypt in a thread while the program goes on,
its result used by the login in the login's own order, and only for the same password and
stored hash."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.models import AuditEntry, User
from app.security import accounts, audit, early_password_check, password_hashing
from tests.core.conftest import PASSWORD

pytestmark = pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # a local file's login


@pytest.fixture
def scrypt_calls(monkeypatch) -> list[str]:
    """The passwords scrypt was computed for, by the early check or by the login."""
    calls: list[str] = []
    verify = password_hashing.verify_password

    def counting(password: str, stored: str | None) -> bool:
        calls.append(password)
        return verify(password, stored)

    monkeypatch.setattr(early_password_check, "verify_password", counting)
    monkeypatch.setattr(accounts, "verify_password", counting)
    return calls


def _failed_rows(session) -> list[AuditEntry]:
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.action == audit.Action.LOGIN_FAILED))
    )


def test_the_login_takes_the_early_result_instead_of_computing_it_again(
    db, staff, scrypt_calls
) -> None:
    check = early_password_check.start(db.engine, " Sara.Nilsson ", PASSWORD)
    assert check is not None
    with db.sessions.begin() as session:
        attempt = accounts.attempt_login(session, "Sara.Nilsson ", PASSWORD, password_check=check)
    assert attempt.actor is not None and attempt.actor.id == staff.caseworker.id
    assert scrypt_calls == [PASSWORD]


def test_a_wrong_password_checked_early_is_refused_and_logged_as_before(
    db, staff, scrypt_calls
) -> None:
    check = early_password_check.start(db.engine, "sara.nilsson", "fel-lösenord")
    with db.sessions.begin() as session:
        attempt = accounts.attempt_login(
            session, "sara.nilsson", "fel-lösenord", password_check=check
        )
        rows = _failed_rows(session)
    assert (attempt.actor, attempt.message) == (None, accounts.LOGIN_FAILED_MESSAGE)
    assert [(row.user_id, row.detail) for row in rows] == [(staff.caseworker.id, "sara.nilsson")]
    assert scrypt_calls == ["fel-lösenord"]


def test_in_the_throttles_wait_the_early_result_is_not_used(db, staff) -> None:
    with db.sessions.begin() as session:
        for _ in range(4):
            accounts.attempt_login(session, "sara.nilsson", "fel-lösenord")
    check = early_password_check.start(db.engine, "sara.nilsson", PASSWORD)
    with db.sessions.begin() as session:
        attempt = accounts.attempt_login(session, "sara.nilsson", PASSWORD, password_check=check)
    assert (attempt.actor, attempt.wait_seconds) == (None, 1)


def test_no_check_is_started_for_an_unknown_or_inactivated_user(db, staff) -> None:
    assert early_password_check.start(db.engine, "finns.inte", PASSWORD) is None
    with db.sessions.begin() as session:
        session.execute(update(User).where(User.username == "omar.haddad").values(active=False))
    assert early_password_check.start(db.engine, "omar.haddad", PASSWORD) is None
    assert early_password_check.start(db.engine, "sara.nilsson", PASSWORD) is not None


def test_another_password_or_a_changed_hash_is_checked_anew(db, staff, scrypt_calls) -> None:
    check = early_password_check.start(db.engine, "sara.nilsson", PASSWORD)
    assert check is not None
    changed = password_hashing.hash_password("ett-annat-lösenord")
    assert check.verify(PASSWORD, changed) is False
    assert check.verify("ett-annat-lösenord", changed) is True
    assert sorted(scrypt_calls) == sorted([PASSWORD, PASSWORD, "ett-annat-lösenord"])
