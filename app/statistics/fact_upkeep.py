"""The statistics' kept facts follow every change in the transaction that makes it.

A listener on every ORM session notes, at each flush, the cases whose facts a change can
move: decisions and status changes (their case), cases (unit, status, household, avslutsorsak),
memberships (their household's cases) and persons (sex, birth date: the cases of their
households). Applications keep their case's unit (app.statistics.application_units): a
new application, or a case moved to another unit, has it set at the same moment; SIP and
hembesök journal entries (signed, or once signed) have their case's event facts computed
anew (app.statistics.event_facts), as have the cases of a household whose members or cases
changed (the household's sex, whether it has other cases); a BKA (barnkonsekvensanalys) form
signed, or once signed, has its case's children's documentation audit computed anew
(app.statistics.child_facts; a decision counts only a BKA of its own case); a
försörjningshinder registered, changed or removed has its case's barrier facts computed anew
(app.statistics.barrier_facts; a case moved or a person's sex changed moves them too). Before the
commit, and before the statistics are read in the same session (`refresh`), those cases'
facts are computed anew (facts.py, the rebuild's own code) and written in the same
transaction. So every path that goes through the ORM keeps them current: the services, the
command line, the offline sync's apply on the server.

Rows inserted many at a time through app/db/bulk.py (the sync's apply) are noted through
its `on_insert` hook. Other core statements (`insert(...)`, `update(...)` on tables, as
demo_data.generate uses) bypass it: those end with `facts.rebuild` or leave the facts to
`arendestod stats rebuild`.

Registered when the `app` package is imported (app/__init__.py); what it needs is loaded at
the first flush, so that importing the package stays cheap.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.db import bulk

_KEY = "statistics_touched"

CASE_COLUMNS = ("unit_id", "status", "household_id", "closing_reason")
PERSON_COLUMNS = ("sex", "birth_date")


@dataclass
class _Touched:
    cases: set[uuid.UUID] = field(default_factory=set)
    households: set[uuid.UUID] = field(default_factory=set)
    persons: set[uuid.UUID] = field(default_factory=set)
    applications: set[uuid.UUID] = field(default_factory=set)
    """Applications written with a case: their kept unit_id to set from it."""
    moved_cases: set[uuid.UUID] = field(default_factory=set)
    """Cases whose unit changed: their applications' kept unit_id to follow."""
    event_cases: set[uuid.UUID] = field(default_factory=set)
    """Cases with a SIP or hembesök journal entry written: their event facts anew."""
    child_cases: set[uuid.UUID] = field(default_factory=set)
    """Cases with a signed BKA form written: their children's audit anew."""
    barrier_cases: set[uuid.UUID] = field(default_factory=set)
    """Cases with a försörjningshinder written: their barrier facts anew."""

    def __bool__(self) -> bool:
        return bool(
            self.cases
            or self.households
            or self.persons
            or self.applications
            or self.moved_cases
            or self.event_cases
            or self.child_cases
            or self.barrier_cases
        )


def _values(instance: Any, name: str) -> list[Any]:
    """The attribute's value now and, if the flush changed it, before."""
    history = inspect(instance).attrs[name].history
    return [v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None]


def _changed(instance: Any, names: tuple[str, ...]) -> bool:
    attrs = inspect(instance).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _after_flush(session: Session, _context: Any) -> None:
    from app.models import (
        Application,
        Case,
        CaseStatusChange,
        Decision,
        FormInstance,
        FormKey,
        HouseholdMember,
        JournalEntry,
        Person,
        SupportBarrier,
    )
    from app.statistics.event_facts import KINDS

    touched: _Touched = session.info.setdefault(_KEY, _Touched())
    for state, objects in (
        ("new", session.new),
        ("dirty", session.dirty),
        ("deleted", session.deleted),
    ):
        for instance in objects:
            if isinstance(instance, CaseStatusChange) or (
                # a draft (never signed) counts nowhere: saving one costs the facts nothing
                isinstance(instance, Decision) and _values(instance, "signed_at")
            ):
                touched.cases.update(_values(instance, "case_id"))
            elif isinstance(instance, SupportBarrier):
                touched.barrier_cases.update(_values(instance, "case_id"))
            elif isinstance(instance, JournalEntry):
                if any(kind in KINDS for kind in _values(instance, "entry_type")) and _values(
                    instance, "signed_at"
                ):
                    touched.event_cases.update(_values(instance, "case_id"))
            elif isinstance(instance, FormInstance):
                if FormKey.CHILD_IMPACT in _values(instance, "form_key") and _values(
                    instance, "signed_at"
                ):
                    touched.child_cases.update(_values(instance, "case_id"))
            elif isinstance(instance, Application):
                if state == "new" or (state == "dirty" and _changed(instance, ("case_id",))):
                    touched.applications.add(instance.id)
            elif isinstance(instance, Case):
                if state == "dirty" and _changed(instance, ("unit_id",)):
                    touched.moved_cases.add(instance.id)
                if state != "dirty" or _changed(instance, CASE_COLUMNS):
                    touched.cases.add(instance.id)
                    touched.households.update(_values(instance, "household_id"))
            elif isinstance(instance, HouseholdMember):
                touched.households.update(_values(instance, "household_id"))
            elif (
                isinstance(instance, Person)
                and state == "dirty"
                and _changed(instance, PERSON_COLUMNS)
            ):
                touched.persons.add(instance.id)


def _after_bulk_insert(session: Session, table: Any, rows: list[dict]) -> None:
    name = table.name
    if name not in (
        "decisions",
        "case_status_changes",
        "cases",
        "household_members",
        "applications",
        "journal_entries",
        "forms",
        "support_barriers",
    ):
        return
    touched: _Touched = session.info.setdefault(_KEY, _Touched())
    if name == "journal_entries":  # as at a flush: a signed SIP or hembesök entry counts
        from app.statistics.event_facts import KINDS

        touched.event_cases.update(
            row["case_id"]
            for row in rows
            if row.get("entry_type") in KINDS and row.get("signed_at") is not None
        )
    elif name == "forms":  # as at a flush: a signed BKA
        from app.models import FormKey

        touched.child_cases.update(
            row["case_id"]
            for row in rows
            if row.get("form_key") == FormKey.CHILD_IMPACT
            and row.get("signed_at") is not None
            and row.get("case_id") is not None
        )
    elif name == "support_barriers":
        touched.barrier_cases.update(row["case_id"] for row in rows if row.get("case_id"))
    elif name == "applications":
        touched.applications.update(row["id"] for row in rows)
    elif name == "cases":
        touched.cases.update(row["id"] for row in rows)
        # a case in a household that has others: theirs count the household once now
        touched.households.update(row["household_id"] for row in rows if row.get("household_id"))
    elif name == "household_members":
        touched.households.update(row["household_id"] for row in rows if row.get("household_id"))
    else:
        touched.cases.update(row["case_id"] for row in rows if row.get("case_id"))


def _before_commit(session: Session) -> None:
    refresh(session)


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_KEY, None)


def refresh(session: Session) -> None:
    """Compute and write the facts of the cases changed in this session since the last
    refresh (flushing first)."""
    if not session.info.get(_KEY) and not session.new and not session.dirty and not session.deleted:
        return
    session.flush()
    touched: _Touched | None = session.info.pop(_KEY, None)
    if not touched:
        return
    from sqlalchemy import select

    from app.db.batches import in_batches
    from app.models import Case, HouseholdMember
    from app.statistics import application_units, barrier_facts, child_facts, event_facts, facts

    application_units.keep(session, touched.applications, touched.moved_cases)
    households = set(touched.households)
    for chunk in in_batches(sorted(touched.persons, key=str)):
        households.update(
            session.scalars(
                select(HouseholdMember.household_id).where(HouseholdMember.person_id.in_(chunk))
            )
        )
    # every case of a household whose members or cases changed: its sex, its cases' `shared`
    household_cases: set[uuid.UUID] = set()
    for chunk in in_batches(sorted(households, key=str)):
        household_cases.update(session.scalars(select(Case.id).where(Case.household_id.in_(chunk))))
    # a person's sex is in the facts of every case with her registrations
    barrier_cases = touched.barrier_cases | barrier_facts.cases_of_persons(session, touched.persons)
    with session.no_autoflush:
        events = touched.event_cases | touched.moved_cases | household_cases
        if events:
            event_facts.replace(session, events)
        cases = touched.cases | household_cases
        facts.replace(session, cases)  # their children's and barrier facts included
        if touched.child_cases - cases:
            child_facts.replace(session, touched.child_cases - cases)
        if barrier_cases - cases:
            barrier_facts.replace(session, barrier_cases - cases)


bulk.on_insert(_after_bulk_insert)
event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "before_commit", _before_commit)
event.listen(Session, "after_rollback", _forget)
