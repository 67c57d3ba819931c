"""Administrator-editable settings with documented defaults."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Setting


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: str
    description: str


DECISION_WARNING_DAYS = SettingSpec(
    "decision_warning_days",
    "30",
    "Dagar från ansökan till varning för ansökan utan beslut (FL 9 och 11 §§; en kommun "
    "räknar ungefär en månad som väsentligt försenat).",
)


def get_int(session: Session, spec: SettingSpec) -> int:
    value = session.scalar(select(Setting.value).where(Setting.key == spec.key))
    try:
        return int(value) if value is not None else int(spec.default)
    except ValueError:
        return int(spec.default)
