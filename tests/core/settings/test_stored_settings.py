"""Settings in the database: an administrator changes them in the program (logged), nobody
else can, a bad value is refused with a message and changes nothing, and the rules that use
a setting follow the new value at once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.common.errors import AccessDenied, ValidationFailed
from app.deadlines.deadlines import deadlines_for_cases
from app.models import AuditEntry, Setting
from app.security import office_settings
from app.settings import registry, stored_settings

KEY = registry.DECISION_WARNING_DAYS.key


def warning_due(session, case) -> date:
    deadlines = deadlines_for_cases(session, [case.id])[case.id]
    return next(d.due for d in deadlines if d.kind == "beslut")


def stored(session) -> str | None:
    return session.scalar(select(Setting.value).where(Setting.key == KEY))


def setting_audit(session) -> list[tuple[str, object, str]]:
    return [
        (a.action, a.user_id, a.detail)
        for a in session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "setting").order_by(AuditEntry.at)
        )
    ]


def test_without_a_row_the_declared_default_applies(session) -> None:
    assert stored_settings.get_int(session, registry.DECISION_WARNING_DAYS) == 30
    settings = stored_settings.adjustable_settings(session)
    assert [(s.declaration, s.value, s.stored) for s in settings] == [
        (registry.DECISION_WARNING_DAYS, 30, False),
        (registry.IDLE_LOCK_MINUTES, 10, False),
        (registry.LEX_SARAH_FUNCTION, "", False),
    ]


def test_the_lex_sarah_function_is_a_text_an_administrator_sets(session, admin, manager) -> None:
    key = registry.LEX_SARAH_FUNCTION.key
    assert stored_settings.get_text(session, registry.LEX_SARAH_FUNCTION) == ""
    typed = "  Kvalitetsenheten,\n lex Sarah-funktionen "
    assert office_settings.change_setting(session, admin, key, typed) == (
        "Kvalitetsenheten, lex Sarah-funktionen"
    )
    assert stored_settings.get_text(session, registry.LEX_SARAH_FUNCTION) == (
        "Kvalitetsenheten, lex Sarah-funktionen"
    )
    with pytest.raises(ValidationFailed) as refused:
        office_settings.change_setting(session, admin, key, "x" * 201)
    assert "högst 200 tecken" in refused.value.field_errors[key]
    with pytest.raises(ValidationFailed):
        office_settings.change_setting(session, admin, key, "Kvalitet\x00enheten")
    with pytest.raises(AccessDenied):
        office_settings.change_setting(session, manager, key, "Chefen själv")
    assert stored_settings.get_text(session, registry.LEX_SARAH_FUNCTION) == (
        "Kvalitetsenheten, lex Sarah-funktionen"
    )


def test_administrator_changes_the_warning_days_and_the_deadline_follows(
    session, admin, make_case
) -> None:
    case = make_case()  # received Monday 23 November 2026
    assert warning_due(session, case) == date(2026, 12, 23)

    assert office_settings.change_setting(session, admin, KEY, " 14 ") == 14
    assert stored(session) == "14"
    assert warning_due(session, case) == date(2026, 12, 7)
    assert stored_settings.adjustable_settings(session)[0].value == 14

    office_settings.change_setting(session, admin, KEY, "45")
    assert session.scalars(select(Setting).where(Setting.key == KEY)).one().value == "45"
    assert warning_due(session, case) == date(2027, 1, 7)
    assert setting_audit(session) == [
        ("update", admin.id, "decision_warning_days: 30 (standard) → 14"),
        ("update", admin.id, "decision_warning_days: 14 → 45"),
    ]


def test_a_caseworker_is_refused_in_swedish(session, admin, caseworker, manager) -> None:
    office_settings.change_setting(session, admin, KEY, "20")
    for actor in (caseworker, manager):
        with pytest.raises(AccessDenied, match=r"^Bara administratörer kan ändra inställningarna"):
            office_settings.change_setting(session, actor, KEY, "60")
    assert stored(session) == "20"
    assert [who for _a, who, _d in setting_audit(session)] == [admin.id]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Fyll i antalet dagar, 1–180."),
        ("   ", "Fyll i antalet dagar, 1–180."),
        ("trettio", "Skriv antalet dagar som ett heltal, t.ex. 30."),
        ("30,5", "Skriv antalet dagar som ett heltal, t.ex. 30."),
        ("1_000", "Skriv antalet dagar som ett heltal, t.ex. 30."),
        ("-5", "Antalet dagar kan inte vara negativt."),
        ("−5", "Antalet dagar kan inte vara negativt."),  # typographic minus
        ("0", "Antalet dagar måste vara minst 1."),
        ("181", "Antalet dagar får vara högst 180."),
        ("99999999999999999999999", "Antalet dagar får vara högst 180."),
    ],
)
def test_bad_values_are_refused_and_nothing_is_lost(session, admin, typed, message) -> None:
    office_settings.change_setting(session, admin, KEY, "21")
    with pytest.raises(ValidationFailed) as refused:
        office_settings.change_setting(session, admin, KEY, typed)
    assert refused.value.field_errors == {KEY: message}
    assert stored(session) == "21"
    assert len(setting_audit(session)) == 1


def test_settings_not_for_the_program_are_refused(session, admin) -> None:
    with pytest.raises(AccessDenied, match="kan inte ändras i programmet"):
        office_settings.change_setting(session, admin, registry.REPLICA_ID.key, "x")
    with pytest.raises(AccessDenied, match="kan inte ändras i programmet"):
        office_settings.change_setting(session, admin, registry.DATABASE_URL.key, "sqlite://")
    with pytest.raises(ValidationFailed, match="Det finns ingen inställning som heter"):
        office_settings.change_setting(session, admin, "no_such_setting", "1")
    assert setting_audit(session) == []


@pytest.mark.parametrize("written_with_sql", ["trettio", "-3", "0", "100000", ""])
def test_a_value_the_program_would_refuse_is_not_used(session, written_with_sql) -> None:
    session.add(Setting(key=KEY, value=written_with_sql))
    session.flush()
    assert stored_settings.get_int(session, registry.DECISION_WARNING_DAYS) == 30
