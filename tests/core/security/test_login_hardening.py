"""Local login hardening (issue 20): a growing wait after failed attempts, kept in the
database and audited; scrypt at OWASP's cost with a re-hash of weaker hashes; passphrases
of at least 12 characters for new passwords; failed attempts logged without what was typed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.common.errors import ValidationFailed
from app.demo import demo_data
from app.models import AuditEntry, Role, User
from app.security import accounts, audit, password_hashing
from app.security.local_key import open_for_user
from app.security.password_hashing import PRODUCTION_COST, ScryptCost
from tests.core.conftest import FIXED_NOW, PASSWORD


def _failed_rows(session) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == audit.Action.LOGIN_FAILED)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )


def test_forty_fast_guesses_make_even_the_right_password_wait(db, staff, set_clock) -> None:
    """The issue's finding: 40 wrong guesses in 1.8 s, then the right password worked."""
    with db.sessions.begin() as session:
        for guess in range(40):
            set_clock(FIXED_NOW + timedelta(milliseconds=45 * guess))
            assert accounts.login(session, "sara.nilsson", f"gissning-{guess}") is None
    set_clock(FIXED_NOW + timedelta(seconds=2))
    with db.sessions.begin() as session:
        refused = accounts.attempt_login(session, "sara.nilsson", PASSWORD)
    assert refused.actor is None and refused.wait_seconds > 0
    assert f"Vänta {refused.wait_seconds} sekund" in refused.message


def test_the_wait_grows_and_the_right_password_works_after_it(db, staff, set_clock) -> None:
    waits = []
    with db.sessions.begin() as session:
        for _ in range(6):
            attempt = accounts.attempt_login(session, "sara.nilsson", "fel-lösenord")
            waits.append(attempt.wait_seconds)
            # the next guess comes exactly when the wait is over
            set_clock(FIXED_NOW + timedelta(seconds=sum(waits)))
    assert waits == [0, 0, 0, 1, 2, 4]
    with db.sessions.begin() as session:
        assert accounts.attempt_login(session, "sara.nilsson", "fel-lösenord").wait_seconds == 8
    set_clock(FIXED_NOW + timedelta(seconds=sum(waits) + 7))
    with db.sessions.begin() as session:  # one second left: the right password is refused
        early = accounts.attempt_login(session, "sara.nilsson", PASSWORD)
    assert (early.actor, early.wait_seconds) == (None, 1)
    set_clock(FIXED_NOW + timedelta(seconds=sum(waits) + 8))
    with db.sessions.begin() as session:
        assert accounts.login(session, "sara.nilsson", PASSWORD) is not None
        # a successful login starts the count again
        assert accounts.attempt_login(session, "sara.nilsson", "fel").wait_seconds == 0


def test_the_wait_is_capped_at_a_minute(db, staff) -> None:
    with db.sessions.begin() as session:
        for _ in range(30):
            accounts.attempt_login(session, "sara.nilsson", "fel-lösenord")
        assert accounts.attempt_login(session, "sara.nilsson", "x").wait_seconds <= 60


def test_the_wait_survives_a_restart_of_the_program(db, staff) -> None:
    with db.sessions.begin() as session:
        for _ in range(4):
            accounts.attempt_login(session, "sara.nilsson", "fel-lösenord")
    url = db.engine.url.render_as_string(hide_password=False)
    db.dispose()
    reopened = open_for_user(url)  # as the program does: the key from the keyring
    try:
        with reopened.sessions.begin() as session:
            attempt = accounts.attempt_login(session, "sara.nilsson", PASSWORD)
        assert attempt.actor is None and attempt.wait_seconds == 1
    finally:
        reopened.dispose()


def test_an_attempt_in_the_wait_is_audited_and_not_counted(db, staff) -> None:
    with db.sessions.begin() as session:
        for _ in range(4):
            accounts.attempt_login(session, "sara.nilsson", "fel-lösenord")
        for _ in range(3):  # impatient: these do not make the wait longer
            assert accounts.attempt_login(session, "sara.nilsson", PASSWORD).wait_seconds == 1
        rows = _failed_rows(session)
    assert len(rows) == 7
    assert all(r.user_id == staff.caseworker.id for r in rows)
    details = sorted(r.detail for r in rows)
    assert details == ["Vänta 1 s: sara.nilsson"] * 3 + ["sara.nilsson"] * 4


def test_unknown_names_are_throttled_per_workstation(db, staff, set_clock) -> None:
    with db.sessions.begin() as session:
        waits = [accounts.attempt_login(session, f"namn{i}", "x").wait_seconds for i in range(5)]
        assert waits == [0, 0, 0, 1, 1]
        # an existing user on the same workstation has a count of her own
        assert accounts.login(session, "omar.haddad", PASSWORD) is not None


def test_a_failed_attempt_does_not_log_what_was_typed(db, staff) -> None:
    """A password typed in the name field must not end up in the audit log."""
    with db.sessions.begin() as session:
        accounts.login(session, "mitt-hemliga-lösen", "")
        (unknown,) = _failed_rows(session)
        accounts.login(session, "Sara.Nilsson ", "fel-lösenord")
        (known,) = [r for r in _failed_rows(session) if r.id != unknown.id]
    assert unknown.user_id is None
    assert unknown.detail.startswith("okänt användarnamn")
    assert "hemlig" not in unknown.detail
    assert (known.user_id, known.detail) == (staff.caseworker.id, "sara.nilsson")


def test_an_inactive_user_is_refused_and_named(db, staff) -> None:
    with db.sessions.begin() as session:
        session.execute(update(User).where(User.username == "omar.haddad").values(active=False))
        assert accounts.login(session, "omar.haddad", PASSWORD) is None
        (row,) = _failed_rows(session)
    assert (row.user_id, row.detail) == (staff.colleague.id, "omar.haddad (inaktiverad)")


# --- scrypt --------------------------------------------------------------------------------


def test_the_production_cost_is_owasps() -> None:
    assert (PRODUCTION_COST.n, PRODUCTION_COST.r, PRODUCTION_COST.p) == (2**17, 8, 1)


def test_a_new_hash_has_the_production_cost(production_cost) -> None:
    stored = password_hashing.hash_password("en lång lösenfras")
    assert stored.startswith("scrypt$131072$8$1$")
    assert password_hashing.verify_password("en lång lösenfras", stored)
    assert not password_hashing.verify_password("en lång lösenfraz", stored)
    assert not password_hashing.needs_rehash(stored)


def test_a_weaker_hash_is_replaced_at_the_next_login(db, staff, production_cost) -> None:
    password_hashing.use_cheap_cost_for_tests(ScryptCost(2**14, 8, 1))
    old = password_hashing.hash_password(PASSWORD)
    password_hashing.use_cheap_cost_for_tests(None)
    assert old.startswith("scrypt$16384$") and password_hashing.needs_rehash(old)
    with db.sessions.begin() as session:
        session.execute(
            update(User).where(User.username == "sara.nilsson").values(password_hash=old)
        )
    with db.sessions.begin() as session:
        assert accounts.login(session, "sara.nilsson", PASSWORD) is not None
    with db.sessions() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "sara.nilsson"))
        updated = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == audit.Action.UPDATE,
                AuditEntry.entity == "user",
                AuditEntry.entity_id == staff.caseworker.id,
                ~audit.written_by_server(),
            )
        ).all()
    assert stored.startswith("scrypt$131072$8$1$")
    assert len(updated) == 1 and "starkare" in updated[0].detail
    with db.sessions.begin() as session:
        assert accounts.login(session, "sara.nilsson", PASSWORD) is not None


def test_a_hash_asking_for_absurd_memory_is_refused_without_computing() -> None:
    crafted = "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA"
    assert not password_hashing.verify_password("x", crafted)


# --- passphrases ---------------------------------------------------------------------------


def test_a_new_password_needs_twelve_characters(session, staff, admin) -> None:
    with pytest.raises(ValidationFailed) as refused:
        accounts.add_user(
            session,
            admin,
            username="anna.berg",
            full_name="Anna Berg",
            role=Role.CASEWORKER,
            unit_id=staff.unit.id,
            password="elva-tecken",
        )
    assert "minst 12 tecken" in refused.value.field_errors["password"]
    user = accounts.add_user(
        session,
        admin,
        username="anna.berg",
        full_name="Anna Berg",
        role=Role.CASEWORKER,
        unit_id=staff.unit.id,
        password="tolv-tecken!",
    )
    assert user.username == "anna.berg"


def test_an_existing_shorter_password_still_logs_in(db, staff) -> None:
    with db.sessions.begin() as session:
        session.execute(
            update(User)
            .where(User.username == "eva.lind")
            .values(password_hash=password_hashing.hash_password("kort-pw1"))
        )
    with db.sessions.begin() as session:
        assert accounts.login(session, "eva.lind", "kort-pw1") is not None


def test_the_demo_password_is_a_passphrase() -> None:
    assert len(demo_data.DEMO_PASSWORD) >= accounts.MIN_PASSWORD_LENGTH
