"""Accounts: login (local passwords, scrypt from the stdlib; or, on a shared server, the
database role the user connected with), users, the first administrator."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.common.errors import AccessDenied, ServiceError, StaleRecordError, ValidationFailed
from app.common.text_input import clean_text
from app.models import Role, Unit, User
from app.security import audit, login_throttle
from app.security.actor import Actor
from app.security.password_hashing import hash_password, needs_rehash, verify_password
from app.settings.configuration import UnitDefaults

if TYPE_CHECKING:
    from app.security.early_password_check import EarlyPasswordCheck

MIN_PASSWORD_LENGTH = 12
"""A passphrase (NIST SP 800-63B, OWASP): length beats complexity rules. Only new passwords
are held to it; a shorter one set earlier still logs in."""

PASSWORD_HELP = (
    f"Minst {MIN_PASSWORD_LENGTH} tecken. Välj gärna en lösenfras, några ord i rad som du "
    "minns, t.ex. ”blå cykel vid havet”."
)


PASSWORD_PLACEHOLDER = f"minst {MIN_PASSWORD_LENGTH} tecken, gärna en lösenfras"

LOGIN_FAILED_MESSAGE = "Fel användarnamn eller lösenord."


def has_users(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User)))


@dataclass(frozen=True)
class LoginAttempt:
    """What a local login attempt came to: the user, or a refusal with the seconds left
    to wait before the next attempt is checked (0: the password or name was wrong)."""

    actor: Actor | None
    wait_seconds: int = 0

    @property
    def message(self) -> str:
        if self.actor is not None:
            return ""
        if self.wait_seconds:
            return wait_message(self.wait_seconds)
        return LOGIN_FAILED_MESSAGE


def wait_message(seconds: int) -> str:
    unit = "sekund" if seconds == 1 else "sekunder"
    return f"För många misslyckade inloggningar. Vänta {seconds} {unit} och försök sedan igen."


def verify_login(
    session: Session,
    username: str,
    password: str,
    stored_hash: Callable[[User], str | None] = lambda user: user.password_hash,
    *,
    password_check: EarlyPasswordCheck | None = None,
) -> LoginAttempt:
    """The throttled check of a password (`login_throttle`): during the wait after repeated
    failures the password is not even checked (a guess in the wait tells nothing). Every
    refusal is an audit row, naming the user only when the name is an existing user's and
    never holding what was typed otherwise (a password typed in the name field). Writes no
    row for a success: the caller says what it was (a login, an unlock).

    `stored_hash` is the user's hash to check against: the local password, or the offline
    password kept in a laptop's replica. `password_check`: the same check, started earlier
    by a command (app.security.early_password_check); its result is used here, in order."""
    user = session.scalar(select(User).where(User.username == username.strip().casefold()))
    who = user.username if user is not None else login_throttle.unknown_name_detail()
    user_id = user.id if user is not None else None
    wait = login_throttle.wait_seconds(session, user_id)
    if wait:
        audit.record(
            session,
            Actor.of(user) if user else None,
            audit.Action.LOGIN_FAILED,
            "user",
            entity_id=user_id,
            detail=login_throttle.throttled_detail(wait, who),
        )
        return LoginAttempt(None, wait)
    verify = password_check.verify if password_check is not None else verify_password
    if user is None or not user.active or not verify(password, stored_hash(user)):
        audit.record(
            session,
            Actor.of(user) if user else None,
            audit.Action.LOGIN_FAILED,
            "user",
            entity_id=user_id,
            detail=who if user is None or user.active else f"{who} (inaktiverad)",
        )
        return LoginAttempt(None, login_throttle.wait_seconds(session, user_id))
    return LoginAttempt(Actor.of(user))


def attempt_login(
    session: Session,
    username: str,
    password: str,
    *,
    password_check: EarlyPasswordCheck | None = None,
) -> LoginAttempt:
    """A local login (`verify_login`). A hash of a lower cost than today's is replaced at a
    successful login (an audited update).

    Returns instead of raising so the caller's transaction commits the audit rows."""
    attempt = verify_login(session, username, password, password_check=password_check)
    actor = attempt.actor
    if actor is None:
        return attempt
    user = session.get(User, actor.id)
    assert user is not None
    audit.record(session, actor, audit.Action.LOGIN, "user", entity_id=user.id)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.flush()
        audit.record(
            session,
            actor,
            audit.Action.UPDATE,
            "user",
            entity_id=user.id,
            detail=f"{user.username}: lösenordets hash förnyad med starkare parametrar",
        )
    return attempt


def login(session: Session, username: str, password: str) -> Actor | None:
    """The user, or None (logged) when the login is refused (`attempt_login`, whose
    `message` says why: wrong name or password, or a wait)."""
    return attempt_login(session, username, password).actor


def login_connected(session: Session) -> Actor | None:
    """Shared mode: the user whose username is the database role of this connection, or
    None (logged) when there is none or they are inactivated. The server has checked the
    password already; the role-to-user mapping is the same one its policies use."""
    role_name = session.scalar(select(func.session_user()))
    user = session.scalar(select(User).where(User.username == role_name))
    if user is None or not user.active:
        # without a user id: the server takes audit rows only as the user connected, and
        # an inactivated user is no one to it (the detail names the role)
        audit.record(
            session, None, audit.Action.LOGIN_FAILED, "user", detail=f"databasroll {role_name}"
        )
        return None
    actor = Actor.of(user)
    audit.record(session, actor, audit.Action.LOGIN, "user", entity_id=user.id)
    return actor


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            {
                "password": f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken. "
                "Välj gärna en lösenfras, några ord i rad."
            }
        )


def create_user(
    session: Session,
    actor: Actor | None,
    *,
    username: str,
    full_name: str,
    role: Role,
    unit: Unit | None,
    password: str | None,
    title: str = "",
) -> User:
    """A user; `password` None for a user of a shared server, who logs in with a database
    role of their own (`app.db.server_roles.create_login`) and has no local password."""
    username = clean_text(
        username, field="username", label="Användarnamnet", max_length=64, required=True
    ).casefold()
    full_name = clean_text(
        full_name, field="full_name", label="Namnet", max_length=200, required=True
    )
    if password is not None:
        _check_password(password)
    if session.scalar(select(User.id).where(User.username == username)):
        raise ValidationFailed({"username": "Användarnamnet är redan upptaget."})
    default_title = {
        Role.CASEWORKER: "Socialsekreterare",
        Role.MANAGER: "Enhetschef",
        Role.ADMINISTRATOR: "Systemförvaltare",
    }[role]
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        unit=unit,
        title=title or default_title,
        password_hash=hash_password(password) if password is not None else None,
        updated_by=actor.id if actor else None,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.CREATE,
        "user",
        entity_id=user.id,
        detail=f"{username} ({role.label})",
    )
    return user


def create_first_administrator(
    session: Session,
    *,
    username: str,
    full_name: str,
    password: str | None,
    unit_name: str,
    unit_details: UnitDefaults | None = None,
) -> Actor:
    """First run: the person installing becomes administrator of a first unit (`password`
    None on a shared server: see `create_user`). The unit's nämnd, municipality and contact
    details, printed on its letters, come from `unit_details` (IT's configuration file)."""
    if has_users(session):
        raise ServiceError("Det finns redan användare i databasen.")
    unit_name = clean_text(
        unit_name, field="unit_name", label="Enhetens namn", max_length=200, required=True
    )
    unit_details = unit_details or UnitDefaults()
    unit = Unit(
        name=unit_name,
        board_name=unit_details.board_name,
        municipality=unit_details.municipality,
        municipality_code=unit_details.municipality_code,
        phone=unit_details.phone,
        postal_address=unit_details.postal_address,
    )
    session.add(unit)
    user = create_user(
        session,
        None,
        username=username,
        full_name=full_name,
        role=Role.ADMINISTRATOR,
        unit=unit,
        password=password,
    )
    return Actor.of(user)


# --- the administrator's user list ------------------------------------------------------------


@dataclass(frozen=True)
class UserRow:
    id: uuid.UUID
    username: str
    full_name: str
    title: str
    role: Role
    unit_name: str
    active: bool
    version: int


def _require_administrator(actor: Actor) -> None:
    if not actor.is_administrator:
        raise AccessDenied("Bara systemförvaltare kan hantera användare.")


def list_users(session: Session, actor: Actor) -> list[UserRow]:
    """Every user, active first, by name. Administrators only."""
    _require_administrator(actor)
    users = session.scalars(select(User).order_by(User.active.desc(), User.full_name))
    return [
        UserRow(
            u.id,
            u.username,
            u.full_name,
            u.title,
            u.role,
            u.unit.name if u.unit else "",
            u.active,
            u.version,
        )
        for u in users
    ]


def list_units(session: Session, actor: Actor) -> list[tuple[uuid.UUID, str]]:
    _require_administrator(actor)
    return [(u.id, u.name) for u in session.scalars(select(Unit).order_by(Unit.name))]


def add_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    full_name: str,
    role: Role,
    unit_id: uuid.UUID | None,
    password: str | None,
) -> User:
    """An administrator adds a user (`create_user`; `password` None on a shared server)."""
    _require_administrator(actor)
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None and role is not Role.ADMINISTRATOR:
        raise ValidationFailed({"unit": "Välj enheten som handläggaren eller chefen hör till."})
    return create_user(
        session,
        actor,
        username=username,
        full_name=full_name,
        role=role,
        unit=unit,
        password=password,
    )


def set_active(
    session: Session, actor: Actor, user_id: uuid.UUID, active: bool, *, expected_version: int
) -> None:
    """Inactivate a user (they can no longer log in; their name stays on what they wrote)
    or activate them again. Administrators only, never themselves."""
    _require_administrator(actor)
    user = session.get(User, user_id)
    if user is None:
        raise ValidationFailed({"user": "Användaren finns inte."})
    if user.id == actor.id:
        raise ValidationFailed({"user": "Du kan inte inaktivera dig själv."})
    if user.version != expected_version:
        raise StaleRecordError("Användaren har ändrats av någon annan. Läs in listan på nytt.")
    user.active = active
    user.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "user",
        entity_id=user.id,
        detail=f"{user.username} {'aktiverad' if active else 'inaktiverad'}",
    )
