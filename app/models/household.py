"""Households (hushåll) and their members."""

from __future__ import annotations

import enum
import uuid
from datetime import date

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, VersionedMixin
from app.models.person import Person


def _enum(cls: type[enum.Enum], length: int = 30) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class MemberRole(enum.StrEnum):
    APPLICANT = "sokande"
    CO_APPLICANT = "medsokande"
    CHILD = "barn"
    OTHER = "ovrig"

    @property
    def label(self) -> str:
        return {
            "sokande": "Sökande",
            "medsokande": "Medsökande",
            "barn": "Barn",
            "ovrig": "Övrig i hushållet",
        }[self.value]


class Household(VersionedMixin, Base):
    __tablename__ = "households"

    street_address: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    housing_type: Mapped[str] = mapped_column(String(40), default="")
    """Code from the 'boendeform' code list (resources/code_lists.json)."""

    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="household",
        cascade="all, delete-orphan",
        order_by="HouseholdMember.sort_order",
    )

    def current_members(self, on: date) -> list[HouseholdMember]:
        return [m for m in self.members if m.is_current(on)]


class HouseholdMember(VersionedMixin, Base):
    __tablename__ = "household_members"
    __table_args__ = (
        Index("ix_household_members_person", "person_id"),
        # A household's memberships in order without reading the table
        # (app.statistics.statistics).
        Index(
            "ix_household_members_cover",
            "household_id",
            "sort_order",
            "role",
            "visiting_child",
            "member_from",
            "member_until",
            "person_id",
        ),
    )

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole))
    visiting_child: Mapped[bool] = mapped_column(default=False)
    """Umgängesbarn: lives elsewhere but stays with the household part of the time."""
    member_from: Mapped[date | None] = mapped_column(default=None)
    member_until: Mapped[date | None] = mapped_column(default=None)
    sort_order: Mapped[int] = mapped_column(default=0)

    household: Mapped[Household] = relationship(back_populates="members")
    person: Mapped[Person] = relationship(lazy="joined")

    def is_current(self, on: date) -> bool:
        return (self.member_from is None or self.member_from <= on) and (
            self.member_until is None or on <= self.member_until
        )
