"""Sync between a laptop's replica and the server: push the outbox, pull the leased cases.

Push. The outbox goes to the server in order, in one transaction. Each change is applied
in a savepoint: an insert is added (append-only records never conflict); an update sets
each field whose server value is still the value the replica started from, leaves alone a
field that already has the replica's value, and records a conflict for a field changed on
both sides (the server's value stays until a person chooses; the replica's is kept in the
conflict); a change the server refuses (a signed row, no right to the case, a case checked out to
someone else's laptop) becomes a conflict with the reason, and comes back to the laptop in
the report's `refused`. Every change id is recorded as taken care of in the same
transaction (an inserted row is its own record: it carries the id the replica gave it),
so a push repeated after a crash (before or after the server's commit, before the
replica's acknowledgement) does nothing twice. Only then does the replica empty its
outbox. On the shared server the push says which replica it comes from
(`arendestod.replica_id`, for this transaction): the server lets only the holder's own
replica change a case checked out to it (migration 0019), and the push applies the same rule
itself, so SQLite and PostgreSQL answer alike.

Pull. After the push, the cases leased to the replica whose place in the server's change
sequence has moved since they were last copied (migration 0013; on a local SQLite server,
which keeps none, every leased case) are copied again, rows the server no longer has
removed; cases no longer leased to it (checked in elsewhere, revoked) are removed from the
laptop: their changes are on the server by then, applied or as conflicts.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, field

from sqlalchemy import Table, delete, func, select, text
from sqlalchemy.orm import Mapper, Session

from app.common import clock
from app.common.errors import AccessDenied, ServiceError
from app.db import bulk
from app.db.batches import among, in_batches
from app.models import (
    AppliedChange,
    AuditEntry,
    Case,
    ChangeOperation,
    Decision,
    HouseholdMember,
    OutboxChange,
    Plan,
    PulledCase,
    SyncConflict,
    SyncOutcome,
)
from app.models.base import Base
from app.offline import leases, replica_copy
from app.offline.checkout import replica_id
from app.offline.outbox import UNKNOWN, decode, encode
from app.offline.replica_copy import Progress
from app.security import access
from app.security.actor import Actor

CRASH_VARIABLE = "ARENDESTOD_SYNC_CRASH_AT"
"""For the fault tests: the name of a checkpoint at which the process dies on the spot."""


TABLE_LABELS = {
    "households": "Hushåll",
    "household_members": "Hushållsmedlem",
    "persons": "Person",
    "cases": "Ärende",
    "journal_entries": "Journalanteckning",
    "forms": "Blankett",
    "plans": "Plan",
    "plan_items": "Plansteg",
    "decisions": "Beslut",
    "decision_items": "Beslutspost",
    "applications": "Ansökan",
    "support_barriers": "Försörjningshinder",
    "follow_up_tasks": "Uppföljning",
    "case_status_changes": "Statusändring",
    "decision_deliveries": "Delgivning",
    "appeals": "Överklagande",
    "appeal_rulings": "Dom",
    "complaints": "Synpunkt",
    "letters": "Brev",
}
"""The Swedish words for what a change is about (conflicts, refused changes)."""


SERVER_REFUSED = "Servern tog inte emot ändringen: "
"""How a refusal by the database itself (its rules, migrations 0008–0021) begins."""


@dataclass(frozen=True)
class RefusedChange:
    """A change the server did not take: kept on the server as a conflict with the reason,
    for a person to choose once the reason is gone."""

    case_number: str
    table_name: str
    reason: str

    @property
    def what(self) -> str:
        """ "EB-2026-000014, journalanteckning"."""
        what = TABLE_LABELS.get(self.table_name, self.table_name).lower()
        return f"{self.case_number}, {what}" if self.case_number else what

    @property
    def plain_reason(self) -> str:
        """The reason without the preamble every refusal by the server starts with."""
        return self.reason.removeprefix(SERVER_REFUSED)


@dataclass
class SyncReport:
    pushed: int = 0
    applied: int = 0
    merged: int = 0
    conflicts: int = 0
    already_there: int = 0
    pulled_cases: int = 0
    pulled_rows: int = 0
    removed_cases: int = 0
    refused: list[RefusedChange] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def refusals_text(self, most: int = 5) -> str:
        """The changes the server did not take, by reason, for the laptop's user."""
        if not self.refused:
            return ""
        by_reason: dict[str, list[str]] = {}
        for refused in self.refused:
            by_reason.setdefault(refused.plain_reason, []).append(refused.what)
        lines = [f"Servern tog inte emot {len(self.refused)} av ändringarna:"]
        for reason, whats in list(by_reason.items())[:most]:
            shown = ", ".join(dict.fromkeys(whats))
            lines.append(f"• {reason} Gäller: {shown}.")
        if len(by_reason) > most:
            lines.append(f"… och {len(by_reason) - most} skäl till.")
        lines.append(
            "Ändringarna finns kvar på servern som konflikter att välja i "
            "(Arkiv → Konflikter från synkronisering)."
        )
        return "\n".join(lines)


def checkpoint(name: str) -> None:
    """Die here if the fault tests ask for it (a killed process: no cleanup, no rollback)."""
    if os.environ.get(CRASH_VARIABLE) == name:
        os._exit(99)


def pending(replica: Session) -> int:
    return replica.scalar(select(func.count()).select_from(OutboxChange)) or 0


def sync(
    server: Session, replica: Session, actor: Actor, progress: Progress | None = None
) -> SyncReport:
    """Push, then pull; commits as it goes (server first, then the replica)."""
    actor = _on_replica(replica, actor)
    report = SyncReport()
    push(server, replica, actor, report)
    pull(server, replica, actor, report, progress)
    return report


PUSH_BATCH = 500
"""Changes applied together in one savepoint; a batch the server refuses is applied again
change by change, so that one refused change does not hold back the others."""


def push(server: Session, replica: Session, actor: Actor, report: SyncReport) -> None:
    changes = replica.scalars(select(OutboxChange).order_by(OutboxChange.seq)).all()
    if not changes:
        return
    done: set[uuid.UUID] = set()
    for chunk in in_batches([c.change_id for c in changes]):
        done.update(
            server.scalars(
                select(AppliedChange.change_id).where(among(server, AppliedChange.change_id, chunk))
            )
        )
    todo = [change for change in changes if change.change_id not in done]
    report.pushed += len(changes)
    report.already_there += len(changes) - len(todo)
    assert actor.replica_id is not None  # sync() and check_in() gave the actor the replica's id
    _from_replica(server, actor.replica_id)
    cases = _CaseLookup(server, actor, report.refused)
    now = clock.now()
    for batch in in_batches(todo, PUSH_BATCH):
        for change, outcome in zip(batch, _apply_batch(server, actor, batch, cases), strict=True):
            setattr(report, outcome, getattr(report, outcome) + 1)
            if change.operation == ChangeOperation.INSERT and outcome is SyncOutcome.APPLIED:
                continue  # the row itself, under the change's id, says it arrived
            server.add(
                AppliedChange(
                    change_id=change.change_id,
                    user_id=actor.id,
                    replica_id=actor.replica_id,
                    applied_at=now,
                    outcome=outcome.value,
                )
            )
        server.flush()
    checkpoint("before_push_commit")
    server.commit()
    checkpoint("after_push_commit")
    replica.execute(delete(OutboxChange).where(OutboxChange.seq <= changes[-1].seq))
    replica.commit()
    checkpoint("after_push_acknowledged")


def _from_replica(server: Session, replica: uuid.UUID) -> None:
    """Tell the shared server, for this transaction, which laptop's replica the changes come
    from: the holder's sync may change a case checked out to that replica (migration 0019)."""
    if server.get_bind().dialect.name == "postgresql":
        server.execute(
            text("SELECT set_config('arendestod.replica_id', :replica, true)"),
            {"replica": str(replica)},
        )


def pull(
    server: Session,
    replica: Session,
    actor: Actor,
    report: SyncReport,
    progress: Progress | None = None,
) -> None:
    assert actor.replica_id is not None  # sync() gave the actor the replica's id
    leased = set(leases.leased_cases(server, actor, actor.replica_id))
    on_laptop = set(replica.scalars(select(Case.id)))
    gone = on_laptop - leased
    counters = replica_copy.server_case_counters(server, leased)
    if counters is None:
        changed = leased
    else:
        seen = dict(
            replica.execute(
                select(PulledCase.case_id, PulledCase.server_seq).where(
                    PulledCase.case_id.in_(leased)
                )
            ).all()
        )
        changed = {case_id for case_id in leased if seen.get(case_id) != counters.get(case_id)}
    copied = replica_copy.copy_cases(server, replica, sorted(changed), progress, prune=True)
    checkpoint("mid_pull")
    replica_copy.remove_cases(replica, gone)
    server.commit()  # the reads' audit rows
    replica.commit()
    report.pulled_cases = len(changed)
    report.pulled_rows = copied.total
    report.removed_cases = len(gone)


def check_in(
    server: Session, replica: Session, actor: Actor, case_ids: list[uuid.UUID]
) -> SyncReport:
    """Push what the laptop wrote, then end the leases and remove the cases from the laptop
    (nothing to pull: they are leaving it)."""
    actor = _on_replica(replica, actor)
    report = SyncReport()
    push(server, replica, actor, report)
    if pending(replica):
        raise ServiceError("Allt kunde inte skickas till servern. Försök igen.")
    assert actor.replica_id is not None  # _on_replica gave it
    leases.check_in(server, actor, case_ids, replica_id=actor.replica_id)
    server.commit()
    replica_copy.remove_cases(replica, set(case_ids))
    replica.commit()
    return report


def _on_replica(replica: Session, actor: Actor) -> Actor:
    return actor.on_replica(replica_id(replica))


# --- applying one change on the server -----------------------------------------------


@dataclass
class _Prepared:
    change: OutboxChange
    mapper: Mapper
    fields: dict
    """{column: [before, after]} as the outbox has them (JSON values)."""
    values: dict
    """{column: after} as Python values."""
    existing: object | None
    case: Case | None


class _CaseLookup:
    """The case of each changed row, and the actor's right to it, asked once per case."""

    def __init__(self, server: Session, actor: Actor, refused: list[RefusedChange]):
        self.server, self.actor, self.refused = server, actor, refused
        self.by_household: dict = {}
        self.allowed: set = set()

    def case_of(self, table_name: str, values: dict, existing) -> Case | None:
        return _case_of(self.server, table_name, values, existing, self.by_household)

    def require(self, case: Case) -> None:
        """The rights on the case, and its lease: a case checked out to this replica, or to
        no one (a change made before a chef revoked the lease, or before it expired, is
        merged field by field like any other), but not one checked out to someone else."""
        if case.id not in self.allowed:
            access.require_read(self.server, self.actor, case)
            lease = access.active_lease(self.server, case.id)
            if lease is not None and (
                lease.holder_id != self.actor.id or lease.replica_id != self.actor.replica_id
            ):
                raise AccessDenied(access.leased_message(self.server, lease))
            self.allowed.add(case.id)


class _Inserts:
    """The rows a batch inserts, by table: one statement per table (app.db.bulk), written
    when the batch ends or earlier, when a later change in it needs them."""

    def __init__(self, server: Session, actor: Actor):
        self.server, self.actor = server, actor
        self.now = clock.now()
        self.rows: dict[str, list[dict]] = {}
        self.ids: set = set()

    def add(self, change: OutboxChange, table: Table, values: dict) -> None:
        row = {"id": change.row_id, **values}
        if "version" in table.c:  # what the ORM fills in for a new row
            row.update(
                version=1, created_at=self.now, updated_at=self.now, updated_by=self.actor.id
            )
        self.rows.setdefault(table.name, []).append(row)
        self.ids.add(change.row_id)

    def write(self) -> None:
        for table in Base.metadata.sorted_tables:  # parents before children
            rows = self.rows.pop(table.name, None)
            if rows:
                bulk.insert_rows(self.server, table, rows)
        self.ids.clear()


def _prepare(server: Session, batch: list[OutboxChange], cases: _CaseLookup) -> list[_Prepared]:
    """Decode the changes and load the rows they touch, a table at a time."""
    wanted: dict[str, list] = {}
    for change in batch:
        wanted.setdefault(change.table_name, []).append(change.row_id)
    loaded: dict = {}
    for table_name, ids in wanted.items():
        model = _mapper(table_name).class_
        for chunk in in_batches(ids):
            loaded.update(
                (row.id, row)
                for row in server.scalars(select(model).where(among(server, model.id, chunk)))
            )
    prepared = []
    for change in batch:
        mapper = _mapper(change.table_name)
        fields = json.loads(change.fields_json)
        values = {
            name: decode(mapper.local_table.c[name], after)
            for name, (_before, after) in fields.items()
        }
        existing = loaded.get(change.row_id)
        case = (
            None
            if mapper.class_ is AuditEntry
            else cases.case_of(change.table_name, values, existing)
        )
        prepared.append(_Prepared(change, mapper, fields, values, existing, case))
    return prepared


def _apply_batch(
    server: Session, actor: Actor, batch: list[OutboxChange], cases: _CaseLookup
) -> list[SyncOutcome]:
    prepared = _prepare(server, batch, cases)
    try:
        with server.begin_nested():
            inserts = _Inserts(server, actor)
            outcomes = [_apply(server, actor, item, cases, inserts) for item in prepared]
            inserts.write()
            return outcomes
    except Exception:  # some change is refused: find it, keep the others
        prepared = _prepare(server, batch, cases)  # the rollback expired what was loaded
        return [_apply_in_savepoint(server, actor, item, cases) for item in prepared]


def _apply_in_savepoint(
    server: Session, actor: Actor, item: _Prepared, cases: _CaseLookup
) -> SyncOutcome:
    try:
        with server.begin_nested():
            inserts = _Inserts(server, actor)
            outcome = _apply(server, actor, item, cases, inserts)
            inserts.write()
            return outcome
    except Exception as error:  # refused by a rule or the database: kept as a conflict
        reason = str(error) if isinstance(error, ServiceError) else _database_reason(error)
        change = item.change
        _conflict(server, actor, change, item.case, "", None, None, change.fields_json, reason)
        cases.refused.append(
            RefusedChange(
                item.case.case_number if item.case is not None else "", change.table_name, reason
            )
        )
        return SyncOutcome.CONFLICTS


def _database_reason(error: Exception) -> str:
    """The server's own words: its rules (migrations 0008–0021) refuse in Swedish."""
    orig = getattr(error, "orig", error)
    diagnostic = getattr(orig, "diag", None)
    message = getattr(diagnostic, "message_primary", None) or str(orig).strip().splitlines()[0]
    return SERVER_REFUSED + message


def _apply(
    server: Session, actor: Actor, item: _Prepared, cases: _CaseLookup, inserts: _Inserts
) -> SyncOutcome:
    change, mapper, values, existing, case = (
        item.change,
        item.mapper,
        item.values,
        item.existing,
        item.case,
    )
    model = mapper.class_
    table = _table_of(mapper)
    if change.operation == ChangeOperation.INSERT and (
        existing is not None or change.row_id in inserts.ids
    ):
        return SyncOutcome.ALREADY_THERE
    if model is AuditEntry:
        # what was read offline: the replica's own audit rows, as they are
        inserts.add(change, table, values)
        return SyncOutcome.APPLIED
    if existing is None and change.operation != ChangeOperation.INSERT:
        # a row inserted earlier in the same batch (a journal entry written, then signed)
        inserts.write()
        existing = server.get(model, change.row_id)
    if case is None:
        # the case of a row whose parent came earlier in the batch (a new decision's items)
        inserts.write()
        case = cases.case_of(change.table_name, values, existing)
    if case is None:
        raise AccessDenied("Ärendet som ändringen hör till finns inte på servern.")
    cases.require(case)
    if change.operation == ChangeOperation.INSERT:
        inserts.add(change, table, values)
        return SyncOutcome.APPLIED
    if existing is None:
        if change.operation == ChangeOperation.DELETE:
            return SyncOutcome.ALREADY_THERE
        raise AccessDenied("Raden har tagits bort på servern.")
    if change.operation == ChangeOperation.DELETE:
        if getattr(existing, "version", None) != change.base_version:
            raise AccessDenied(
                "Raden har ändrats på servern sedan den hämtades; den togs inte bort."
            )
        server.delete(existing)
        return SyncOutcome.APPLIED
    return _update(server, actor, item, existing, case)


def _update(server, actor, item: _Prepared, existing, case) -> SyncOutcome:
    change = item.change
    keys = _keys(item.mapper)
    same_version = getattr(existing, "version", None) == change.base_version
    changed = conflicted = 0
    for name, (before, after) in item.fields.items():
        current = encode(getattr(existing, keys[name]))
        if current == after:
            continue
        if current == before or (before == UNKNOWN and same_version):
            setattr(existing, keys[name], item.values[name])
            changed += 1
        else:
            _conflict(
                server,
                actor,
                change,
                case,
                name,
                before,
                current,
                json.dumps(after, ensure_ascii=False),
                "Ändrat både på kontoret och på den bärbara datorn.",
            )
            conflicted += 1
    if changed:
        if hasattr(existing, "updated_by"):
            existing.updated_by = actor.id
        # the row's version counts up now: the next change to it from the replica was made
        # on top of this one (a decision signed, then its letter archived)
        server.flush()
    if conflicted:
        return SyncOutcome.CONFLICTS
    return SyncOutcome.APPLIED if same_version else SyncOutcome.MERGED


def apply_values(
    session: Session, actor: Actor, table_name: str, row_id: uuid.UUID, values: dict
) -> None:
    """Write JSON-encoded column values into a row (made if the server does not have it):
    a conflict resolved in the laptop's favour."""
    mapper = _mapper(table_name)
    decoded = {
        name: decode(mapper.local_table.c[name], value)
        for name, value in values.items()
        if value != UNKNOWN
    }
    existing = session.get(mapper.class_, row_id)
    if existing is None:
        session.add(mapper.class_(id=row_id, **_attributes(mapper, decoded)))
    else:
        for key, value in _attributes(mapper, decoded).items():
            setattr(existing, key, value)
        if hasattr(existing, "updated_by"):
            existing.updated_by = actor.id
    session.flush()


def _conflict(
    server, actor, change, case, field_name, before, current, replica_json, reason
) -> None:
    server.add(
        SyncConflict(
            change_id=change.change_id,
            case_id=case.id if case is not None else change.case_id,
            table_name=change.table_name,
            row_id=change.row_id,
            field=field_name,
            base_json=None if before is None else json.dumps(before, ensure_ascii=False),
            server_json=None if current is None else json.dumps(current, ensure_ascii=False),
            replica_json=replica_json,
            reason=reason,
            made_by=actor.id,
            made_at=change.made_at,
            updated_by=actor.id,
        )
    )


def _mapper(table_name: str) -> Mapper:
    mapper = _MAPPERS.get(table_name)
    if mapper is None:
        raise AccessDenied(f"Okänd tabell i ändringen: {table_name}.")
    return mapper


def _table_of(mapper: Mapper) -> Table:
    """The table of a model: each maps one table (no joins or inheritance)."""
    table = mapper.local_table
    assert isinstance(table, Table)
    return table


_MAPPERS = {_table_of(mapper).name: mapper for mapper in Base.registry.mappers}
"""Each table's mapped class (the sync asks for one per change)."""


def _keys(mapper: Mapper) -> dict[str, str]:
    return {attribute.columns[0].name: attribute.key for attribute in mapper.column_attrs}


def _attributes(mapper: Mapper, values: dict) -> dict:
    keys = _keys(mapper)
    return {keys[name]: value for name, value in values.items()}


def _case_of(
    server: Session, table_name: str, values: dict, existing, by_household: dict | None = None
) -> Case | None:
    """The case a row belongs to: the access rules are the case's."""

    def value(name: str):
        return values.get(name, getattr(existing, name, None) if existing is not None else None)

    if "case_id" in Base.metadata.tables[table_name].c:
        case_id = value("case_id")
    elif table_name == "plan_items":
        case_id = server.scalar(select(Plan.case_id).where(Plan.id == value("plan_id")))
    elif table_name == "decision_items":
        case_id = server.scalar(select(Decision.case_id).where(Decision.id == value("decision_id")))
    elif table_name in ("households", "household_members", "persons"):
        household = value("household_id") if table_name == "household_members" else None
        if table_name == "households":
            household = existing.id if existing is not None else None
        if table_name == "persons" and existing is not None:
            household = server.scalar(
                select(HouseholdMember.household_id).where(HouseholdMember.person_id == existing.id)
            )
        cache = {} if by_household is None else by_household
        if household not in cache:
            cache[household] = server.scalar(select(Case.id).where(Case.household_id == household))
        case_id = cache[household]
    else:
        case_id = None
    return None if case_id is None else server.get(Case, case_id)
