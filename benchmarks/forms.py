"""Forms on the benchmark database: open a signed FIA interview, and fill in and save an
initial bedömning (IB) as the handläggare does – a new draft for her case, then autosaves.

Targets: the issue names none for forms; they are held to the open-case target (< 150 ms),
since opening or saving a form is the same kind of wait for the user. Every call runs as the
UI calls it (own transaction, audit row, commit). The drafts and audit rows the run makes are
removed afterwards.

    uv run python -m benchmarks.forms
"""

from __future__ import annotations

import sys

from sqlalchemy import delete, func, select

from app.db.database import Database
from app.forms import filled_forms
from app.models import AuditEntry, Case, CaseStatus, FormInstance, User
from app.security.actor import Actor
from benchmarks.measure import (
    Measurement,
    ensure_user_roles,
    measured,
    part_parser,
    reported,
    run_part,
    timed,
    ui_call,
    with_database,
)

TARGET_MS = 150.0
FILLED_IN = {
    "ansokan_avser": "Försörjningsstöd för december: hyra, el och riksnorm för hushållet.",
    "hushall": "Sökande bor ensam i en tvåa; inga barn i hushållet.",
    "barnens_situation": "Inga barn.",
}


def _samples(database: Database, count: int) -> tuple[list, list]:
    """Signed FIA forms with their authors, and open cases with their handläggare."""
    with database.sessions() as session:
        signed = session.execute(
            select(FormInstance.id, FormInstance.author_id)
            .join(User, User.id == FormInstance.author_id)
            .join(Case, Case.id == FormInstance.case_id)
            .where(FormInstance.form_key == "fia", FormInstance.signed_at.is_not(None))
            # the author can still read it (the 2 000-case unit moved cases between units)
            .where(User.unit_id == FormInstance.unit_id, Case.unit_id == FormInstance.unit_id)
            .order_by(FormInstance.id)
            .limit(count)
        ).all()
        cases = session.execute(
            select(Case.id, Case.responsible_user_id)
            .join(User, User.id == Case.responsible_user_id)
            .where(Case.status != CaseStatus.CLOSED, User.unit_id == Case.unit_id)
            .order_by(Case.id)
            .limit(count)
        ).all()
        ids = {uid for _, uid in signed} | {uid for _, uid in cases}
        actors = {uid: Actor.of(session.get(User, uid)) for uid in ids}
    ensure_user_roles(database, list(actors.values()))
    return (
        [(form_id, actors[uid]) for form_id, uid in signed],
        [(case_id, actors[uid]) for case_id, uid in cases],
    )


def measure(database: Database, repeat: int = 100, warmup: int = 10) -> list[Measurement]:
    signed, cases = _samples(database, repeat + warmup)
    with database.sessions() as session:
        audit_before = session.scalar(select(func.max(AuditEntry.at)))
    made: list = []
    try:
        opening = [
            ui_call(database, actor, lambda s, a, f=form_id: filled_forms.open_form(s, a, f))
            for form_id, actor in signed
        ]
        open_form = measured(
            database,
            "form: open a signed FIA interview",
            TARGET_MS,
            opening,
            warmup,
            lambda views: (
                f"{sum(len(group) for group in views[0].answers.values())} answered groups "
                "in the first"
            ),
        )

        def create(case_id):
            def work(session, actor):
                form = filled_forms.create_form(session, actor, "ib", case_id=case_id)
                made.append(form.id)
                return form.id

            return work

        creating = [ui_call(database, actor, create(case_id)) for case_id, actor in cases]
        times, form_ids = timed(creating, warmup)
        new_draft = reported(Measurement("form: new IB draft for a case", TARGET_MS, times))

        def save(form_id):
            def work(session, actor):
                view = filled_forms.open_form(session, actor, form_id)
                answers = view.answers
                first = next(iter(answers))
                answers[first] = {**answers[first], **FILLED_IN}
                return filled_forms.save_draft(session, actor, form_id, answers).id

            return work

        saving = [
            ui_call(database, actor, save(form_id))
            for form_id, (_case, actor) in zip(made, cases, strict=True)
        ]
        times, _ = timed(saving, warmup)
        save_draft = reported(
            Measurement("form: fill in and save an IB draft", TARGET_MS, times, "open + save")
        )
        assert len(form_ids) == repeat
        return [open_form, new_draft, save_draft]
    finally:
        with database.sessions.begin() as session:
            session.execute(delete(FormInstance).where(FormInstance.id.in_(made)))
            if audit_before is not None:
                session.execute(delete(AuditEntry).where(AuditEntry.at > audit_before))


def main(argv: list[str] | None = None) -> int:
    args = part_parser("python -m benchmarks.forms", __doc__, repeat=100).parse_args(argv)
    return run_part(args, lambda url: with_database(url, lambda db: measure(db, args.repeat)))


if __name__ == "__main__":
    sys.exit(main())
