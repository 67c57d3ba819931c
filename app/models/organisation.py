"""Units (enheter) and users (handläggare, chefer, administratörer)."""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, VersionedMixin


class Unit(VersionedMixin, Base):
    __tablename__ = "units"

    name: Mapped[str] = mapped_column(String(200))
    board_name: Mapped[str] = mapped_column(String(200), default="Socialnämnden")
    """The nämnd that decisions are made on behalf of (shown in letterheads)."""
    municipality: Mapped[str] = mapped_column(String(200), default="")
    municipality_code: Mapped[str] = mapped_column(String(4), default="", server_default="")
    """The municipality's four-digit kommunkod (SCB's code, two digits län and two
    kommun): Socialstyrelsen's statistics identify the municipality by it. Empty until IT
    gives it (app.statistics.municipality_code)."""
    phone: Mapped[str] = mapped_column(String(50), default="")
    postal_address: Mapped[str] = mapped_column(String(300), default="")


class Role(enum.StrEnum):
    CASEWORKER = "handlaggare"
    MANAGER = "chef"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return {"handlaggare": "Handläggare", "chef": "Chef", "administrator": "Administratör"}[
            self.value
        ]


class User(VersionedMixin, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(100), default="Socialsekreterare")
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(300), default=None, deferred=True)
    """Local mode only (scrypt). Deferred: loaded only by the login that checks it, so that
    on a shared server, where users log in with a database role of their own and the
    column is not readable for them (migration 0008), reading users never touches it."""

    unit: Mapped[Unit | None] = relationship(lazy="joined")
