"""Filled-in forms through the service: create (with per-child and fixed groups), autosave,
sign (locked and hashed), what signing creates (plans, follow-up tasks), new versions,
ärendegenomgång access, the FIA suggestion and publishing a new definition version."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.cases.case_register import PersonInput
from app.cases.support_barriers import set_barrier
from app.common.errors import (
    AccessDenied,
    NotFound,
    SignedRecordError,
    StaleRecordError,
    ValidationFailed,
)
from app.deadlines.deadlines import Deadline, deadlines_for_cases
from app.forms import filled_forms
from app.forms.answers import FormContext, groups, new_row
from app.forms.definition import Field, FieldType, FormDefinition, RepeatKind
from app.forms.form_definitions import BUILTIN_DIR, list_definitions, publish_version
from app.forms.form_definitions import latest_record as latest_definition_record
from app.models import (
    Application,
    AuditEntry,
    FollowUpTask,
    FormDefinitionRecord,
    FormInstance,
    MemberRole,
    Plan,
    Role,
)
from app.security import audit
from app.security.actor import Actor

TODAY = date(2026, 11, 23)

IB_REQUIRED = [
    "underlag.ansokan_avser",
    "underlag.hushall",
    "underlag.inkomster",
    "underlag.boende",
    "vagen.hinder",
    "vagen.bedomning",
    "forandringsplan.aktuell_situation",
    "forandringsplan.forandring",
    "forandringsplan.krav_for_bistand",
    "freda.fysiskt",
    "freda.psykiskt",
    "freda.sexuellt",
    "freda.hjalpmedel",
    "freda.omsorg",
]

FIA_AREAS = [
    ("boende", "Boende"),
    ("situationen_hemma", "Situationen hemma"),
    ("socialt_natverk", "Socialt nätverk"),
    ("kroppslig_halsa", "Kroppslig hälsa"),
    ("psykisk_halsa", "Psykisk hälsa"),
    ("funktionsnedsattning", "Funktionsnedsättning"),
    ("levnadsvanor", "Levnadsvanor och beteenden"),
    ("skulder", "Skulder"),
    ("vald_i_nara_relation", "Våld i nära relation"),
    ("fritid", "Fritid"),
    ("ekonomi", "Ekonomi"),
    ("kriminalitet", "Kriminalitet"),
    ("vardagsfungerande", "Vardagsfungerande"),
]


# --- helpers ------------------------------------------------------------------------------


def valid_value(field: Field, context: FormContext) -> str | None:
    """A valid answer for any field type (None for computed fields)."""
    if field.type is FieldType.COMPUTED:
        return None
    if field.type in (FieldType.TEXT, FieldType.LONG_TEXT):
        return f"Svar: {field.label}"[: field.max_length]
    if field.type is FieldType.DATE:
        return "2026-12-01"
    if field.type in (FieldType.YES_NO, FieldType.YES_NO_UNKNOWN):
        return "nej"
    if field.type is FieldType.PERSON:
        return context.members[0].id
    return field.choices()[0].key


def fill(definition: FormDefinition, answers: dict, context: FormContext) -> dict:
    """Answer every field that is not already answered; one row in each "rows" section."""
    for section in definition.sections:
        answers.setdefault(section.key, {} if section.repeat is None else [])
        is_rows = section.repeat is not None and section.repeat.kind is RepeatKind.ROWS
        if is_rows and not answers[section.key]:
            answers[section.key].append(new_row())
        for group in groups(section, answers):
            for field in section.fields:
                value = valid_value(field, context)
                if value is not None and not group.get(field.key):
                    group[field.key] = value
    return answers


def answers_of(form: FormInstance) -> dict:
    return json.loads(form.answers_json)


def filled_answers(session, actor, form: FormInstance) -> dict:
    view = filled_forms.open_form(session, actor, form.id)
    return fill(view.definition, view.answers, view.context)


def fill_and_save(session, actor, form: FormInstance, **changes) -> dict:
    answers = filled_answers(session, actor, form)
    answers.update(changes)
    filled_forms.save_draft(session, actor, form.id, answers)
    return answers


def audit_rows(session, entity: str) -> list[tuple]:
    return [
        (a.action, a.entity_id, a.case_id, a.user_id)
        for a in session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, ~audit.written_by_server())
            .order_by(AuditEntry.at)
        )
    ]


def member_ids(case) -> dict[str, str]:
    return {m.person.first_name: str(m.person.id) for m in case.household.members}


def builtin_raw(key: str) -> dict:
    return json.loads((BUILTIN_DIR / key / "v1.json").read_text(encoding="utf-8"))


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def case(make_case):
    return make_case()


@pytest.fixture
def family(make_case, pnr):
    """Anna (41) and Ali (39) with Lisa (7) and Noah (12)."""
    return make_case(
        members=[
            PersonInput(pnr("19870704", 456), "Ali", "Andersson", MemberRole.CO_APPLICANT),
            PersonInput(pnr("20190510", 123), "Lisa", "Andersson", MemberRole.CHILD),
            PersonInput(pnr("20140115", 234), "Noah", "Andersson", MemberRole.CHILD),
        ]
    )


@pytest.fixture
def signed_ib(session, caseworker, case) -> FormInstance:
    form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
    fill_and_save(session, caseworker, form)
    return filled_forms.sign_form(session, caseworker, form.id)


# --- creating -----------------------------------------------------------------------------


class TestCreate:
    def test_ib_starts_empty_with_no_plan_rows(self, session, caseworker, staff, case) -> None:
        form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        assert (form.form_key, form.form_version, form.definition.version) == ("ib", 1, 1)
        assert (form.case_id, form.unit_id, form.author_id) == (
            case.id,
            staff.unit.id,
            caseworker.id,
        )
        assert (form.signed_at, form.signed_by, form.content_hash) == (None, None, None)
        assert (form.subject_user_id, form.supersedes_id) == (None, None)
        assert answers_of(form) == {
            "underlag": {},
            "kartlaggning": {},
            "vagen": {},
            "forandringsplan": {},
            "plansteg": [],
            "freda": {},
        }
        assert audit_rows(session, "form:ib") == [("create", form.id, case.id, caseworker.id)]

    def test_bka_has_one_group_per_current_child(self, session, caseworker, family) -> None:
        ids = member_ids(family)
        form = filled_forms.create_form(session, caseworker, "bka", case_id=family.id)
        assert answers_of(form) == {
            "beslut": {},
            "barn": [
                {"_item": ids["Lisa"], "_label": "Lisa Andersson (7 år)"},
                {"_item": ids["Noah"], "_label": "Noah Andersson (12 år)"},
            ],
            "sammanfattning": {},
        }

    def test_bka_leaves_out_a_child_who_has_moved_out(self, session, caseworker, family) -> None:
        noah = next(m for m in family.household.members if m.person.first_name == "Noah")
        noah.member_until = date(2026, 10, 31)
        session.flush()
        form = filled_forms.create_form(session, caseworker, "bka", case_id=family.id)
        assert [g["_label"] for g in answers_of(form)["barn"]] == ["Lisa Andersson (7 år)"]

    def test_bka_without_children_has_no_groups(self, session, caseworker, case) -> None:
        form = filled_forms.create_form(session, caseworker, "bka", case_id=case.id)
        assert answers_of(form)["barn"] == []

    def test_fia_has_the_thirteen_livsomraden(self, session, caseworker, family) -> None:
        form = filled_forms.create_form(session, caseworker, "fia", case_id=family.id)
        areas = answers_of(form)["livsomraden"]
        assert [(g["_item"], g["_label"]) for g in areas] == FIA_AREAS
        assert all(set(g) == {"_item", "_label"} for g in areas)
        assert answers_of(form)["planering"] == []

    def test_the_context_lists_the_household(self, session, caseworker, family) -> None:
        form = filled_forms.create_form(session, caseworker, "bka", case_id=family.id)
        view = filled_forms.open_form(session, caseworker, form.id)
        ids = member_ids(family)
        assert view.context.case_number == family.case_number
        assert [(p.id, p.name, p.age, p.role) for p in view.context.members] == [
            (ids["Anna"], "Anna Andersson", 41, "sokande"),
            (ids["Ali"], "Ali Andersson", 39, "medsokande"),
            (ids["Lisa"], "Lisa Andersson", 7, "barn"),
            (ids["Noah"], "Noah Andersson", 12, "barn"),
        ]
        assert (view.title, view.case_number, view.author_name, view.is_signed) == (
            "Barnkonsekvensanalys – prövning av barnets bästa",
            family.case_number,
            "Sara Nilsson",
            False,
        )

    @pytest.mark.parametrize("key", ["ib", "fia", "bka"])
    def test_a_case_form_needs_a_case(self, session, caseworker, count_rows, key) -> None:
        with pytest.raises(ValidationFailed) as caught:
            filled_forms.create_form(session, caseworker, key)
        title = latest_definition_record(session, key).title
        assert caught.value.field_errors == {"case": f"{title} hör till ett ärende."}
        assert count_rows(FormInstance) == 0

    def test_unknown_form(self, session, caseworker, case) -> None:
        with pytest.raises(NotFound, match=r"Formuläret 'okand' finns inte\."):
            filled_forms.create_form(session, caseworker, "okand", case_id=case.id)

    @pytest.mark.parametrize("who", ["admin", "other"])
    def test_administrator_and_other_unit_cannot_create(
        self, session, staff, case, count_rows, who
    ) -> None:
        actor = getattr(staff, who)
        with pytest.raises(AccessDenied):
            filled_forms.create_form(session, actor, "ib", case_id=case.id)
        assert count_rows(FormInstance) == 0

    @pytest.mark.parametrize("who", ["admin", "other"])
    def test_administrator_and_other_unit_cannot_open(
        self, session, staff, caseworker, case, who
    ) -> None:
        form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        with pytest.raises(AccessDenied):
            filled_forms.open_form(session, getattr(staff, who), form.id)
        assert [r[0] for r in audit_rows(session, "form:ib")] == ["create"]

    def test_colleague_and_chef_of_the_unit_can_open_and_it_is_logged(
        self, session, caseworker, colleague, manager, case
    ) -> None:
        form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        for actor in (colleague, manager):
            assert filled_forms.open_form(session, actor, form.id).author_name == "Sara Nilsson"
        assert audit_rows(session, "form:ib")[1:] == [
            ("open", form.id, case.id, colleague.id),
            ("open", form.id, case.id, manager.id),
        ]

    def test_a_protected_case_is_closed_to_a_colleague(
        self, session, caseworker, colleague, make_case
    ) -> None:
        protected = make_case(protected=True)
        form = filled_forms.create_form(session, caseworker, "ib", case_id=protected.id)
        with pytest.raises(AccessDenied):
            filled_forms.create_form(session, colleague, "ib", case_id=protected.id)
        with pytest.raises(AccessDenied):
            filled_forms.open_form(session, colleague, form.id)

    def test_open_unknown_form(self, session, caseworker) -> None:
        with pytest.raises(NotFound):
            filled_forms.open_form(session, caseworker, uuid.uuid4())


# --- drafts -------------------------------------------------------------------------------


class TestSaveDraft:
    def test_stores_answers_and_is_audited(self, session, caseworker, case) -> None:
        form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        answers = answers_of(form)
        answers["underlag"]["ansokan_avser"] = "Försörjningsstöd för december – åäö 👍"
        answers["freda"]["fysiskt"] = "nej"
        saved = filled_forms.save_draft(session, caseworker, form.id, answers, expected_version=1)
        assert saved is form and form.version == 2
        assert answers_of(form) == answers
        assert filled_forms.open_form(session, caseworker, form.id).answers == answers
        assert ("update", form.id, case.id, caseworker.id) in audit_rows(session, "form:ib")

    def test_saving_the_same_answers_again_changes_nothing(self, session, caseworker, case) -> None:
        form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        filled_forms.save_draft(session, caseworker, form.id, answers_of(form))
        assert form.version == 1
        assert [r[0] for r in audit_rows(session, "form:ib")] == ["create"]

    def test_a_half_done_draft_is_fine(self, session, caseworker, family) -> None:
        form = filled_forms.create_form(session, caseworker, "bka", case_id=family.id)
        answers = answers_of(form)
        answers["barn"][1]["har_horts"] = "nej"
        filled_forms.save_draft(session, caseworker, form.id, answers)
        assert answers_of(form)["barn"][1]["har_horts"] == "nej"

    def test_bad_values_are_refused_by_path_and_nothing_is_stored(
        self, session, caseworker, family
    ) -> None:
        form = filled_forms.create_form(session, caseworker, "bka", case_id=family.id)
        before = form.answers_json
        answers = answers_of(form)
        answers["beslut"]["datum"] = "2026-13-01"
        answers["barn"][1]["paverkan"] = "ibland"
        answers["barn"][0]["behov"] = "x" * 10_001
        with pytest.raises(ValidationFailed) as caught:
            filled_forms.save_draft(session, caseworker, form.id, answers)
        assert caught.value.field_errors == {
            "beslut.datum": "Datum: skriv datumet som ÅÅÅÅ-MM-DD.",
            "barn[0].behov": "Barnets behov är för lång: 10001 tecken, högst 10000 är tillåtet.",
            "barn[1].paverkan": "Hur berörs barnet?: välj ett av alternativen.",
        }
        assert (form.answers_json, form.version) == (before, 1)

    def test_a_stale_version_is_refused(self, session, caseworker, case) -> None:
        form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        answers = answers_of(form)
        answers["vagen"]["hinder"] = "Första fönstret"
        filled_forms.save_draft(session, caseworker, form.id, answers, expected_version=1)
        answers["vagen"]["hinder"] = "Andra fönstret"
        with pytest.raises(StaleRecordError):
            filled_forms.save_draft(session, caseworker, form.id, answers, expected_version=1)
        with pytest.raises(StaleRecordError):
            filled_forms.sign_form(session, caseworker, form.id, expected_version=1)
        assert answers_of(form)["vagen"]["hinder"] == "Första fönstret"
        filled_forms.save_draft(session, caseworker, form.id, answers, expected_version=2)
        assert (answers_of(form)["vagen"]["hinder"], form.version) == ("Andra fönstret", 3)

    @pytest.mark.parametrize("who", ["colleague", "manager"])
    def test_only_the_author_may_change_or_sign(self, session, staff, caseworker, case, who):
        form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        answers = fill_and_save(session, caseworker, form)
        other = getattr(staff, who)
        message = "Bara den som skapade utkastet kan ändra eller signera det."
        with pytest.raises(AccessDenied, match=message):
            filled_forms.save_draft(session, other, form.id, answers | {"vagen": {}})
        with pytest.raises(AccessDenied, match=message):
            filled_forms.sign_form(session, other, form.id)
        assert form.signed_at is None

    def test_another_unit_cannot_save(self, session, caseworker, other_unit_caseworker, case):
        form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        with pytest.raises(AccessDenied, match="läsa det här ärendet"):
            filled_forms.save_draft(session, other_unit_caseworker, form.id, answers_of(form))


# --- signing ------------------------------------------------------------------------------


class TestSign:
    def test_missing_required_fields_are_listed_and_the_form_stays_a_draft(
        self, session, caseworker, case
    ) -> None:
        form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        with pytest.raises(ValidationFailed) as caught:
            filled_forms.sign_form(session, caseworker, form.id)
        errors = caught.value.field_errors
        assert sorted(errors) == sorted(IB_REQUIRED)
        assert errors["freda.fysiskt"] == (
            "Har du blivit utsatt för någon form av fysiskt övergrepp av någon? måste fyllas i."
        )
        assert errors["underlag.ansokan_avser"] == "Vad gäller ansökan? måste fyllas i."
        assert (form.signed_at, form.signed_by, form.content_hash) == (None, None, None)
        assert [r[0] for r in audit_rows(session, "form:ib")] == ["create"]

    def test_a_yes_in_freda_requires_the_vinr_action(self, session, caseworker, case) -> None:
        form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        answers = filled_answers(session, caseworker, form)
        answers["freda"]["psykiskt"] = "ja"
        answers["freda"].pop("vinr_atgard")
        filled_forms.save_draft(session, caseworker, form.id, answers)
        with pytest.raises(ValidationFailed) as caught:
            filled_forms.sign_form(session, caseworker, form.id)
        assert caught.value.field_errors == {
            "freda.vinr_atgard": "Åtgärd enligt rutinen för våld i nära relationer måste fyllas i."
        }
        assert form.signed_at is None

    def test_a_complete_form_signs_and_is_locked(
        self, session, caseworker, case, fixed_clock
    ) -> None:
        form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        answers = fill_and_save(session, caseworker, form)
        version = form.version
        signed = filled_forms.sign_form(session, caseworker, form.id, expected_version=version)
        assert signed is form
        assert (form.signed_at, form.signed_by) == (fixed_clock, caseworker.id)
        assert form.content_hash == filled_forms.content_hash(form)
        assert len(form.content_hash) == 64
        assert answers_of(form) == answers
        assert audit_rows(session, "form:ib")[-1] == ("sign", form.id, case.id, caseworker.id)

        view = filled_forms.open_form(session, caseworker, form.id)
        assert (view.is_signed, view.signer_name, view.signed_at) == (
            True,
            "Sara Nilsson",
            fixed_clock,
        )
        with pytest.raises(SignedRecordError):
            filled_forms.save_draft(session, caseworker, form.id, answers)
        with pytest.raises(SignedRecordError):
            filled_forms.sign_form(session, caseworker, form.id)
        assert form.content_hash == filled_forms.content_hash(form)

    def test_the_hash_covers_the_answers(self, session, caseworker, signed_ib) -> None:
        original = signed_ib.content_hash
        answers = answers_of(signed_ib)
        answers["vagen"]["hinder"] = "Ändrat i efterhand"
        signed_ib.answers_json = json.dumps(answers, ensure_ascii=False)
        assert filled_forms.content_hash(signed_ib) != original

    @pytest.mark.parametrize("key", ["fia", "bka"])
    def test_fia_and_bka_sign_when_complete(self, session, caseworker, family, key) -> None:
        form = filled_forms.create_form(session, caseworker, key, case_id=family.id)
        fill_and_save(session, caseworker, form)
        filled_forms.sign_form(session, caseworker, form.id)
        assert form.is_signed and form.content_hash == filled_forms.content_hash(form)

    def test_bka_summary_for_the_decision_letter(self, session, caseworker, family) -> None:
        form = filled_forms.create_form(session, caseworker, "bka", case_id=family.id)
        answers = filled_answers(session, caseworker, form)
        answers["barn"][0]["barnets_basta"] = "Lisa får bo kvar."
        answers["barn"][1]["barnets_basta"] = "Noah får gå kvar i skolan."
        filled_forms.save_draft(session, caseworker, form.id, answers)
        filled_forms.sign_form(session, caseworker, form.id)
        view = filled_forms.open_form(session, caseworker, form.id)
        assert filled_forms.computed_value(
            view.definition, view.answers, view.definition.summary_field
        ) == (
            "Lisa Andersson (7 år): Lisa får bo kvar.\n"
            "Noah Andersson (12 år): Noah får gå kvar i skolan."
        )
        assert filled_forms.computed_value(view.definition, view.answers, "beslut.fraga") == (
            "Svar: Vilket beslut eller vilken fråga gäller prövningen?"
        )


class TestPlansFromSigning:
    def test_ib_plan_steps_become_a_forandringsplan(self, session, caseworker, case) -> None:
        form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        answers = filled_answers(session, caseworker, form)
        answers["plansteg"] = [
            {**new_row(), "steg": "Skriva in sig på Arbetsförmedlingen", "ansvarig": "Sökande"}
            | {"datum": "2026-12-15"},
            {**new_row(), "steg": "Boka tid på vårdcentralen", "ansvarig": "Handläggare"},
            {**new_row(), "steg": "Söka tre jobb i veckan", "ansvarig": "Sökande"}
            | {"datum": "2027-01-31"},
        ]
        filled_forms.save_draft(session, caseworker, form.id, answers)
        filled_forms.sign_form(session, caseworker, form.id)

        plan = session.scalar(select(Plan).where(Plan.case_id == case.id))
        assert (plan.kind, plan.goal) == (
            "forandringsplan",
            "Plan från initial bedömning 2026-11-23",
        )
        assert (plan.start_on, plan.follow_up_on, plan.closed_on) == (
            TODAY,
            date(2027, 1, 31),
            None,
        )
        assert [(i.description, i.owner, i.due_on, i.sort_order) for i in plan.items] == [
            ("Skriva in sig på Arbetsförmedlingen", "Sökande", date(2026, 12, 15), 0),
            ("Boka tid på vårdcentralen", "Handläggare", None, 1),
            ("Söka tre jobb i veckan", "Sökande", date(2027, 1, 31), 2),
        ]
        assert audit_rows(session, "plan") == [("create", plan.id, case.id, caseworker.id)]
        plan_deadlines = [
            d
            for d in deadlines_for_cases(session, [case.id])[case.id]
            if d.kind in ("plansteg", "plan_uppfoljning")
        ]
        assert sorted((d.due, d.kind) for d in plan_deadlines) == [
            (date(2026, 12, 15), "plansteg"),
            (date(2027, 1, 31), "plan_uppfoljning"),
            (date(2027, 1, 31), "plansteg"),
        ]

    def test_fia_planering_becomes_a_handlingsplan(self, session, caseworker, family) -> None:
        form = filled_forms.create_form(session, caseworker, "fia", case_id=family.id)
        answers = filled_answers(session, caseworker, form)
        answers["planering"] = [
            {
                **new_row(),
                "steg": "Praktik fyra timmar om dagen",
                "ansvarig": "Arbetsmarknadsenheten",
            }
        ]
        filled_forms.save_draft(session, caseworker, form.id, answers)
        filled_forms.sign_form(session, caseworker, form.id)

        plan = session.scalar(select(Plan).where(Plan.case_id == family.id))
        assert (plan.kind, plan.goal) == (
            "handlingsplan",
            "Plan från fia – förutsättningar inför arbete 2026-11-23",
        )
        # no dates on the steps: follow up in 90 days
        assert (plan.start_on, plan.follow_up_on) == (TODAY, TODAY + timedelta(days=90))
        assert [(i.description, i.owner, i.due_on) for i in plan.items] == [
            ("Praktik fyra timmar om dagen", "Arbetsmarknadsenheten", None)
        ]

    def test_no_rows_no_plan(self, session, caseworker, case, count_rows) -> None:
        form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        answers = filled_answers(session, caseworker, form)
        answers["plansteg"] = []
        filled_forms.save_draft(session, caseworker, form.id, answers)
        filled_forms.sign_form(session, caseworker, form.id)
        assert form.is_signed
        assert count_rows(Plan) == 0

    def test_a_refused_signing_creates_no_plan(self, session, caseworker, case, count_rows):
        form = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        answers = answers_of(form)
        answers["plansteg"] = [{**new_row(), "steg": "Steg", "ansvarig": "Sökande"}]
        filled_forms.save_draft(session, caseworker, form.id, answers)
        with pytest.raises(ValidationFailed):
            filled_forms.sign_form(session, caseworker, form.id)
        assert count_rows(Plan) == 0


# --- ärendegenomgång ----------------------------------------------------------------------


@pytest.fixture
def review(session, manager, staff) -> FormInstance:
    return filled_forms.create_form(
        session, manager, "arendegenomgang", subject_user_id=staff.caseworker.id
    )


class TestArendegenomgang:
    def test_a_chef_creates_it_with_the_meeting_prefilled(
        self, session, manager, staff, review
    ) -> None:
        assert (review.case_id, review.unit_id, review.subject_user_id, review.author_id) == (
            None,
            staff.unit.id,
            staff.caseworker.id,
            manager.id,
        )
        answers = answers_of(review)
        assert answers["genomgang"] == {
            "datum": "2026-11-23",
            "chef": "Eva Lind",
            "handlaggare": "Sara Nilsson",
        }
        assert answers["atgarder"] == []
        assert audit_rows(session, "form:arendegenomgang") == [
            ("create", review.id, None, manager.id)
        ]

    @pytest.mark.parametrize("who", ["caseworker", "admin", "other"])
    def test_only_a_chef_can_create_it(self, session, staff, count_rows, who) -> None:
        with pytest.raises(AccessDenied, match="Bara chefer"):
            filled_forms.create_form(
                session, getattr(staff, who), "arendegenomgang", subject_user_id=staff.colleague.id
            )
        assert count_rows(FormInstance) == 0

    @pytest.mark.parametrize("subject", [None, "other", "admin", "manager"])
    def test_the_subject_must_be_a_handlaggare_of_the_unit(
        self, session, manager, staff, count_rows, subject
    ) -> None:
        subject_id = getattr(staff, subject).id if subject else None
        with pytest.raises(ValidationFailed) as caught:
            filled_forms.create_form(
                session, manager, "arendegenomgang", subject_user_id=subject_id
            )
        assert caught.value.field_errors == {"subject": "Välj en handläggare på din enhet."}
        assert count_rows(FormInstance) == 0

    def test_who_can_open_it(self, session, staff, review) -> None:
        for who in ("manager", "caseworker"):
            view = filled_forms.open_form(session, getattr(staff, who), review.id)
            assert (view.case_id, view.case_number, view.author_name) == (None, "", "Eva Lind")
            assert view.context == FormContext()
        for who in ("colleague", "admin", "other"):
            with pytest.raises(AccessDenied, match="ärendegenomgången"):
                filled_forms.open_form(session, getattr(staff, who), review.id)

    def test_the_subject_cannot_change_it(self, session, caseworker, review) -> None:
        with pytest.raises(AccessDenied, match="Bara den som skapade utkastet"):
            filled_forms.save_draft(session, caseworker, review.id, answers_of(review))

    def test_an_unknown_case_number_is_refused_and_nothing_is_created(
        self, session, manager, review, case, count_rows
    ) -> None:
        answers = filled_answers(session, manager, review)
        answers["atgarder"][0]["arende"] = "EB-2026-999999"
        filled_forms.save_draft(session, manager, review.id, answers)
        with pytest.raises(ValidationFailed) as caught:
            filled_forms.sign_form(session, manager, review.id)
        assert caught.value.field_errors == {
            "atgarder[0].arende": "Ärendet EB-2026-999999 finns inte på enheten. "
            "Skriv numret som EB-ÅÅÅÅ-NNNNNN."
        }
        session.flush()
        assert count_rows(FollowUpTask) == 0
        assert (review.signed_at, review.content_hash) == (None, None)

    def test_a_case_of_another_unit_is_refused(
        self, session, manager, review, make_case, pnr, other_unit_caseworker, count_rows
    ) -> None:
        elsewhere = make_case(pnr("19700101", 111), "Karl", "Söder", actor=other_unit_caseworker)
        answers = filled_answers(session, manager, review)
        answers["atgarder"][0]["arende"] = elsewhere.case_number
        filled_forms.save_draft(session, manager, review.id, answers)
        with pytest.raises(ValidationFailed) as caught:
            filled_forms.sign_form(session, manager, review.id)
        assert list(caught.value.field_errors) == ["atgarder[0].arende"]
        session.flush()
        assert count_rows(FollowUpTask) == 0

    def test_signing_creates_follow_up_tasks_that_become_deadlines(
        self, session, manager, review, case
    ) -> None:
        answers = filled_answers(session, manager, review)
        answers["atgarder"][0].update(
            arende=f"  {case.case_number.lower()} ",
            atgard="Ta fram en aktuell plan",
            ansvarig="Sara Nilsson",
            senast="2026-12-01",
        )
        filled_forms.save_draft(session, manager, review.id, answers)
        filled_forms.sign_form(session, manager, review.id)
        assert review.is_signed and review.content_hash == filled_forms.content_hash(review)

        tasks = session.scalars(select(FollowUpTask)).all()
        assert [
            (t.case_id, t.description, t.owner, t.due_on, t.done_on, t.source_form_id)
            for t in tasks
        ] == [
            (case.id, "Ta fram en aktuell plan", "Sara Nilsson", date(2026, 12, 1), None, review.id)
        ]
        actions = [
            d for d in deadlines_for_cases(session, [case.id])[case.id] if d.kind == "atgard"
        ]
        assert actions == [
            Deadline(case.id, "atgard", "Åtgärd: Ta fram en aktuell plan", date(2026, 12, 1))
        ]


# --- new versions -------------------------------------------------------------------------


class TestSupersedes:
    def test_a_new_version_of_a_signed_form_copies_its_answers(
        self, session, caseworker, case, signed_ib
    ) -> None:
        new = filled_forms.create_form(
            session, caseworker, "ib", case_id=case.id, supersedes_id=signed_ib.id
        )
        assert answers_of(new) == answers_of(signed_ib)
        assert (new.supersedes_id, new.signed_at, new.author_id) == (
            signed_ib.id,
            None,
            caseworker.id,
        )
        assert filled_forms.open_form(session, caseworker, new.id).supersedes_id == signed_ib.id

    def test_a_colleague_may_start_the_new_version(
        self, session, colleague, case, signed_ib
    ) -> None:
        new = filled_forms.create_form(
            session, colleague, "ib", case_id=case.id, supersedes_id=signed_ib.id
        )
        assert new.author_id == colleague.id
        assert answers_of(new) == answers_of(signed_ib)

    def test_an_unsigned_form_cannot_be_superseded(self, session, caseworker, case) -> None:
        draft = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        with pytest.raises(ValidationFailed) as caught:
            filled_forms.create_form(
                session, caseworker, "ib", case_id=case.id, supersedes_id=draft.id
            )
        assert list(caught.value.field_errors) == ["supersedes"]

    def test_another_kind_or_another_case_is_refused(
        self, session, caseworker, signed_ib, make_case, pnr
    ) -> None:
        other_case = make_case(pnr("19900202", 222), "Bo", "Berg")
        for key, case_id in (("bka", signed_ib.case_id), ("ib", other_case.id)):
            with pytest.raises(ValidationFailed) as caught:
                filled_forms.create_form(
                    session, caseworker, key, case_id=case_id, supersedes_id=signed_ib.id
                )
            assert list(caught.value.field_errors) == ["supersedes"]

    def test_a_review_of_another_handlaggare_cannot_be_copied(
        self, session, manager, staff, review
    ) -> None:
        answers = filled_answers(session, manager, review)
        answers["atgarder"] = []
        filled_forms.save_draft(session, manager, review.id, answers)
        filled_forms.sign_form(session, manager, review.id)
        again = filled_forms.create_form(
            session,
            manager,
            "arendegenomgang",
            subject_user_id=staff.caseworker.id,
            supersedes_id=review.id,
        )
        assert answers_of(again)["arendestock"] == answers["arendestock"]
        with pytest.raises(ValidationFailed) as caught:
            filled_forms.create_form(
                session,
                manager,
                "arendegenomgang",
                subject_user_id=staff.colleague.id,
                supersedes_id=review.id,
            )
        assert list(caught.value.field_errors) == ["supersedes"]

    def test_a_review_from_another_unit_cannot_be_copied(
        self, session, manager, staff, review
    ) -> None:
        """Sara moves to Söder; Söder's new chef cannot copy Norr's review of her."""
        answers = filled_answers(session, manager, review)
        answers["atgarder"] = []
        filled_forms.save_draft(session, manager, review.id, answers)
        filled_forms.sign_form(session, manager, review.id)
        staff.users["caseworker"].unit_id = staff.other_unit.id
        chef = staff.users["colleague"]
        chef.unit_id, chef.role = staff.other_unit.id, Role.MANAGER
        session.flush()
        soder_chef = Actor.of(chef)
        with pytest.raises(ValidationFailed) as caught:
            filled_forms.create_form(
                session,
                soder_chef,
                "arendegenomgang",
                subject_user_id=staff.caseworker.id,
                supersedes_id=review.id,
            )
        assert list(caught.value.field_errors) == ["supersedes"]
        fresh = filled_forms.create_form(
            session, soder_chef, "arendegenomgang", subject_user_id=staff.caseworker.id
        )
        assert fresh.unit_id == staff.other_unit.id


# --- list ---------------------------------------------------------------------------------


def test_list_forms_newest_first_and_audited(
    session, caseworker, other_unit_caseworker, case, set_clock, fixed_clock
) -> None:
    ib = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
    fill_and_save(session, caseworker, ib)
    filled_forms.sign_form(session, caseworker, ib.id)
    set_clock(fixed_clock + timedelta(days=1))
    bka = filled_forms.create_form(session, caseworker, "bka", case_id=case.id)
    before = len(audit_rows(session, "forms"))

    rows = filled_forms.list_forms(session, caseworker, case.id)
    assert [
        (r.id, r.form_key, r.title, r.form_version, r.created_on, r.author_name, r.status_label)
        for r in rows
    ] == [
        (
            bka.id,
            "bka",
            "Barnkonsekvensanalys – prövning av barnets bästa",
            1,
            date(2026, 11, 24),
            "Sara Nilsson",
            "Utkast",
        ),
        (ib.id, "ib", "Initial bedömning", 1, TODAY, "Sara Nilsson", "Signerad"),
    ]
    assert audit_rows(session, "forms")[before:] == [("open", None, case.id, caseworker.id)]
    with pytest.raises(AccessDenied):
        filled_forms.list_forms(session, other_unit_caseworker, case.id)


def test_list_forms_of_a_case_without_forms(session, caseworker, case) -> None:
    assert filled_forms.list_forms(session, caseworker, case.id) == []
    assert audit_rows(session, "forms") == [("open", None, case.id, caseworker.id)]


# --- FIA suggestion -----------------------------------------------------------------------


def decide(session, case, *months: date) -> None:
    """Decided applications for the given months."""
    for start in months:
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        session.add(
            Application(
                case_id=case.id,
                received_at=datetime(start.year, start.month, 1, 9, tzinfo=UTC),
                channel="papper",
                period_start=start,
                period_end=end,
                decided_on=start + timedelta(days=5),
            )
        )
    session.flush()


def months(*pairs: tuple[int, int]) -> list[date]:
    return [date(year, month, 1) for year, month in pairs]


FIVE_MONTHS = months((2026, 6), (2026, 7), (2026, 8), (2026, 9), (2026, 10))


class TestFiaSuggestion:
    @pytest.fixture
    def anna(self, case):
        return next(m.person.id for m in case.household.members)

    def test_unemployed_after_five_decided_months(self, session, caseworker, case, anna):
        decide(session, case, *FIVE_MONTHS)
        set_barrier(session, caseworker, case.id, anna, date(2026, 11, 1), "arbetslos")
        text = filled_forms.fia_suggestion(session, case.id)
        assert "FIA" in text
        assert text == (
            "FIA bör erbjudas: en arbetslös vuxen i hushållet och bistånd "
            "5 av de senaste tolv månaderna."
        )

    def test_fewer_than_five_months(self, session, caseworker, case, anna) -> None:
        decide(session, case, *FIVE_MONTHS[1:])
        set_barrier(session, caseworker, case.id, anna, date(2026, 11, 1), "arbetslos")
        assert filled_forms.fia_suggestion(session, case.id) == ""

    def test_undecided_applications_do_not_count(self, session, caseworker, case, anna) -> None:
        decide(session, case, *FIVE_MONTHS[1:])  # plus the case's own, undecided, November
        set_barrier(session, caseworker, case.id, anna, date(2026, 11, 1), "arbetslos")
        assert session.scalar(
            select(Application).where(Application.decided_on.is_(None))
        ).period_start == date(2026, 11, 1)
        assert filled_forms.fia_suggestion(session, case.id) == ""

    def test_two_decisions_for_one_month_count_once(self, session, caseworker, case, anna):
        decide(session, case, *FIVE_MONTHS[1:], FIVE_MONTHS[1])
        set_barrier(session, caseworker, case.id, anna, date(2026, 11, 1), "arbetslos")
        assert filled_forms.fia_suggestion(session, case.id) == ""

    def test_only_the_last_twelve_months_count(self, session, caseworker, case, anna) -> None:
        # November 2025 is thirteen months back, outside the window
        decide(session, case, date(2025, 11, 1), *FIVE_MONTHS[1:])
        set_barrier(session, caseworker, case.id, anna, date(2026, 11, 1), "arbetslos")
        assert filled_forms.fia_suggestion(session, case.id) == ""

    def test_at_most_twelve_of_twelve_months(self, session, caseworker, case, anna) -> None:
        own = session.scalar(select(Application).where(Application.case_id == case.id))
        own.decided_on = TODAY
        decide(session, case, *[date(2025, 11, 1) + timedelta(days=31 * i) for i in range(12)])
        set_barrier(session, caseworker, case.id, anna, date(2026, 11, 1), "arbetslos")
        assert filled_forms.fia_suggestion(session, case.id).endswith(
            "bistånd 12 av de senaste tolv månaderna."
        )

    def test_no_barrier_registered(self, session, case) -> None:
        decide(session, case, *FIVE_MONTHS)
        assert filled_forms.fia_suggestion(session, case.id) == ""

    def test_the_latest_barrier_is_not_arbetslos(self, session, caseworker, case, anna) -> None:
        decide(session, case, *FIVE_MONTHS)
        set_barrier(session, caseworker, case.id, anna, date(2026, 10, 1), "arbetslos")
        set_barrier(session, caseworker, case.id, anna, date(2026, 11, 1), "sjukskriven_lakarintyg")
        assert filled_forms.fia_suggestion(session, case.id) == ""

    def test_not_once_a_fia_exists(self, session, caseworker, case, anna) -> None:
        decide(session, case, *FIVE_MONTHS)
        set_barrier(session, caseworker, case.id, anna, date(2026, 11, 1), "arbetslos")
        assert filled_forms.fia_suggestion(session, case.id) != ""
        filled_forms.create_form(session, caseworker, "fia", case_id=case.id)
        assert filled_forms.fia_suggestion(session, case.id) == ""


# --- publishing a new definition version -------------------------------------------------


def ib_v2() -> dict:
    raw = builtin_raw("ib")
    raw["version"] = 2
    underlag = raw["sections"][0]
    underlag["fields"] = [f for f in underlag["fields"] if f["key"] != "ovrigt"]
    underlag["fields"].append({"key": "skulder", "label": "Skulder", "type": "long_text"})
    return raw


class TestPublishVersion:
    @pytest.mark.parametrize("who", ["caseworker", "manager"])
    def test_only_administrators(self, session, staff, who) -> None:
        with pytest.raises(AccessDenied):
            publish_version(session, getattr(staff, who), json.dumps(ib_v2()))

    @pytest.mark.parametrize("version", [1, 3, 0])
    def test_the_next_version_number_is_required(self, session, admin, version) -> None:
        raw = ib_v2() | {"version": version}
        with pytest.raises(ValidationFailed) as caught:
            publish_version(session, admin, json.dumps(raw))
        assert caught.value.field_errors == {
            "definition": "Nästa version av ib ska ha versionsnummer 2."
        }

    @pytest.mark.parametrize(
        "text",
        ["{inte json", "", "[]", "null", '{"key": "ib", "version": 2}'],
        ids=["broken", "empty", "list", "null", "no-title"],
    )
    def test_invalid_json_is_refused(self, session, admin, text) -> None:
        with pytest.raises(ValidationFailed) as caught:
            publish_version(session, admin, text)
        assert list(caught.value.field_errors) == ["definition"]
        assert caught.value.field_errors["definition"].startswith("Definitionen kan inte användas:")

    @pytest.mark.parametrize(
        "breakage",
        ["no_label", "no_section_title", "section_not_object", "choice_without_options"]
        + ["unknown_section_reference"],
    )
    def test_a_broken_definition_is_refused_with_a_message(self, session, admin, breakage) -> None:
        raw = ib_v2()
        underlag = raw["sections"][0]
        if breakage == "no_label":
            del underlag["fields"][0]["label"]
        elif breakage == "no_section_title":
            del underlag["title"]
        elif breakage == "section_not_object":
            raw["sections"].append("avsnitt")
        elif breakage == "choice_without_options":
            underlag["fields"][0] |= {"type": "choice"}
        else:
            underlag["fields"][0]["required_when"] = {"field": "saknas.x", "equals": "ja"}
        with pytest.raises(ValidationFailed) as caught:
            publish_version(session, admin, json.dumps(raw))
        assert caught.value.field_errors["definition"].startswith("Definitionen kan inte användas:")
        assert latest_definition_record(session, "ib").version == 1

    def test_an_unknown_form_cannot_get_a_first_version_this_way(self, session, admin) -> None:
        raw = builtin_raw("ib") | {"key": "nytt"}
        with pytest.raises(ValidationFailed) as caught:
            publish_version(session, admin, json.dumps(raw))
        assert caught.value.field_errors == {"definition": "Det finns inget formulär 'nytt'."}

    def test_a_valid_version_becomes_latest_and_old_forms_keep_theirs(
        self, session, admin, caseworker, case, signed_ib
    ) -> None:
        draft = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        text = json.dumps(ib_v2(), ensure_ascii=False)
        definition = publish_version(session, admin, text)
        assert (definition.key, definition.version) == ("ib", 2)

        record = latest_definition_record(session, "ib")
        assert (record.version, record.published_by, record.definition_json) == (2, admin.id, text)
        assert audit_rows(session, "form_definition") == [("create", record.id, None, admin.id)]
        assert session.scalar(
            select(AuditEntry.detail).where(AuditEntry.entity == "form_definition")
        ) == ("Initial bedömning, version 2")

        for old in (draft, signed_ib):
            assert old.form_version == 1
            view = filled_forms.open_form(session, caseworker, old.id)
            assert view.definition.version == 1
            assert "ovrigt" in [f.key for f in view.definition.section("underlag").fields]

        new = filled_forms.create_form(session, caseworker, "ib", case_id=case.id)
        assert (new.form_version, new.definition_id) == (2, record.id)
        assert "skulder" in [
            f.key
            for f in filled_forms.open_form(session, caseworker, new.id)
            .definition.sections[0]
            .fields
        ]

        rows = [(r.key, r.version, r.builtin, r.is_latest) for r in list_definitions(session)]
        assert ("ib", 1, True, False) in rows
        assert ("ib", 2, False, True) in rows
        assert (
            session.scalar(
                select(FormDefinitionRecord.version)
                .where(FormDefinitionRecord.key == "bka")
                .order_by(FormDefinitionRecord.version.desc())
            )
            == 1
        )

    def test_a_new_version_of_an_old_form_carries_over_the_fields_that_remain(
        self, session, admin, caseworker, case, signed_ib
    ) -> None:
        publish_version(session, admin, json.dumps(ib_v2()))
        old_answers = answers_of(signed_ib)
        assert "ovrigt" in old_answers["underlag"]
        new = filled_forms.create_form(
            session, caseworker, "ib", case_id=case.id, supersedes_id=signed_ib.id
        )
        assert new.form_version == 2
        carried = answers_of(new)
        expected_underlag = {k: v for k, v in old_answers["underlag"].items() if k != "ovrigt"}
        assert carried["underlag"] == expected_underlag
        assert {k: v for k, v in carried.items() if k != "underlag"} == {
            k: v for k, v in old_answers.items() if k != "underlag"
        }
