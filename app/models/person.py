"""Persons, identified by personnummer or samordningsnummer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.common.identity_number import format_identity_number
from app.models.base import Base, VersionedMixin, key_string


class Person(VersionedMixin, Base):
    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint("sex IN ('K', 'M')", name="sex_code"),
        # Sex and birth date by id without reading the table (app.statistics.statistics).
        Index("ix_persons_sex_birth", "id", "sex", "birth_date"),
        # The household members' names by id without a table page per person: the chef's
        # caseload on an encrypted file (migration 0038).
        Index(
            "ix_persons_member_cover",
            "id",
            "first_name",
            "last_name",
            "personal_number",
            "birth_date",
            "sex",
            "protected_identity",
        ),
        # The few persons with skyddade personuppgifter, read whole by the server's access
        # rules in shared mode once per statement (migration 0008).
        Index(
            "ix_persons_protected",
            "id",
            postgresql_where=text("protected_identity"),
            sqlite_where=text("protected_identity"),
        ),
    )

    personal_number: Mapped[str] = mapped_column(key_string(12), unique=True)
    """12 digits ÅÅÅÅMMDDNNNN (personnummer or samordningsnummer)."""
    is_coordination_number: Mapped[bool] = mapped_column(default=False)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    first_name_key: Mapped[str] = mapped_column(key_string(100))
    """Search key: lower case, accents folded (see app.common.text_input.search_key);
    compared code point by code point on every database (prefix ranges, name order)."""
    last_name_key: Mapped[str] = mapped_column(key_string(100))
    birth_date: Mapped[date]
    sex: Mapped[str] = mapped_column(String(1))
    """K or M, derived from the personnummer (statistics are split by it)."""
    protected_identity: Mapped[bool] = mapped_column(default=False)
    """Skyddade personuppgifter: address never shown on screens or printed."""
    phone: Mapped[str] = mapped_column(String(50), default="")

    @property
    def display_number(self) -> str:
        return format_identity_number(self.personal_number)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
