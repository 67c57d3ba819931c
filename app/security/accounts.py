"""Accounts: login (local passwords, scrypt from the stdlib; or, on a shared server, the
database role the user connected with), users, the first administrator."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.common.errors import AccessDenied, ServiceError, StaleRecordError, ValidationFailed
from app.common.text_input import clean_text
from app.models import Role, Unit, User
from app.security import audit
from app.security.actor import Actor
from app.settings.configuration import UnitDefaults

# scrypt parameters (RFC 7914): n=2**14, r=8 costs ~16 MiB and ~50 ms: slow for guessing,
# fast enough for a login.
_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    encoded_salt = base64.b64encode(salt).decode()
    encoded_digest = base64.b64encode(digest).decode()
    return f"scrypt${_N}${_R}${_P}${encoded_salt}${encoded_digest}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, n, r, p, salt_b64, digest_b64 = stored.split("$")
    digest = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt_b64), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


LOGIN_FAILED_MESSAGE = "Fel användarnamn eller lösenord."


def has_users(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User)))


def login(session: Session, username: str, password: str) -> Actor | None:
    """The user, or None (with the failed attempt logged) when the login is refused.

    Returns instead of raising so the caller's transaction commits the audit row."""
    user = session.scalar(select(User).where(User.username == username.strip().casefold()))
    if user is None or not user.active or not verify_password(password, user.password_hash):
        audit.record(
            session,
            Actor.of(user) if user else None,
            audit.Action.LOGIN_FAILED,
            "user",
            detail=username[:64],
        )
        return None
    actor = Actor.of(user)
    audit.record(session, actor, audit.Action.LOGIN, "user", entity_id=user.id)
    return actor


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
            {"password": f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken."}
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
