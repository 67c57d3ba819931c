"""The kommunkod of each unit (units.municipality_code), given by IT from the command line:
`arendestod unit list` and `arendestod unit set-municipality-code ENHET KOD`.

The first unit gets its code from the configuration file (unit.municipality_code); the
individual data for Socialstyrelsen (sos_export.py) refuses a unit without one. The form is
checked (app.common.municipality_code: SCB's four digits, län first); that the code is the
right municipality's is for IT to know. Each change is logged with the administrator who
made it (`--user`) and the detail "kommandorad".
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common import municipality_code
from app.common.errors import ValidationFailed
from app.models import Unit
from app.security import audit
from app.security.actor import Actor


def unit_codes(session: Session) -> list[tuple[str, str]]:
    """(unit name, kommunkod or '') of every unit, by name."""
    return [
        (name, code or "")
        for name, code in session.execute(
            select(Unit.name, Unit.municipality_code).order_by(Unit.name)
        )
    ]


def set_municipality_code(session: Session, unit_name: str, code: str, *, actor: Actor) -> Unit:
    """Give a unit its kommunkod (the command line: an administrator, logged as them)."""
    code = code.strip()
    wrong = municipality_code.problem(code)
    if wrong:
        raise ValidationFailed({"municipality_code": wrong})
    unit = session.scalar(select(Unit).where(Unit.name == unit_name))
    if unit is None:
        raise ValidationFailed({"unit": f"Enheten {unit_name} finns inte."})
    old = unit.municipality_code or "–"
    unit.municipality_code = code
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "setting",
        entity_id=unit.id,
        detail=f"kommandorad: kommunkod för {unit.name}: {old} → {code}",
    )
    return unit
