"""Checks that nothing was changed behind the program's back (issue 20): the audit log's
hash chain (app/common/audit_chain.py, migration 0027).

The chain is walked in the order of its sequence numbers, each row's hash recomputed from its
content and the stored hash of the row before. What it finds:

- a gap: sequence numbers missing (rows deleted), also at the start (the first row is not 1);
- an edited row: its hash does not match its content and its predecessor's hash;
- an unchained row: no sequence number (inserted with the trigger removed).

What it cannot find without a copy kept elsewhere: rows cut from the end of the log, or a
chain recomputed from scratch after an edit (anyone with the file and its key can). The
head (`ChainReport.head_seq`, `head_hash`) is the anchor: note it, compare it later; a
later head must continue from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.common.audit_chain import chain_hash, chain_text
from app.common.errors import AccessDenied
from app.models import AuditEntry, Role
from app.security import audit
from app.security.actor import Actor

BATCH = 5000


@dataclass(frozen=True)
class Gap:
    after_seq: int
    """The last number before the gap (0: the gap is at the start)."""
    missing: int


@dataclass
class ChainReport:
    rows: int = 0
    head_seq: int = 0
    head_hash: str = ""
    gaps: list[Gap] = field(default_factory=list)
    edited: list[int] = field(default_factory=list)
    """Sequence numbers of rows whose hash does not match (without a gap just before)."""
    unchained: int = 0

    @property
    def missing(self) -> int:
        return sum(gap.missing for gap in self.gaps)

    @property
    def first_bad_seq(self) -> int | None:
        candidates = [gap.after_seq + 1 for gap in self.gaps] + self.edited[:1]
        return min(candidates) if candidates else None

    @property
    def intact(self) -> bool:
        return not self.gaps and not self.edited and not self.unchained


def verify_audit_chain(session: Session) -> ChainReport:
    """Walk the whole chain (module docstring). Reads the audit log only."""
    report = ChainReport()
    report.unchained = (
        session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.seq.is_(None)))
        or 0
    )
    columns = (
        AuditEntry.seq,
        AuditEntry.chain_hash,
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.user_id,
        AuditEntry.case_id,
        AuditEntry.person_id,
        AuditEntry.action,
        AuditEntry.entity,
        AuditEntry.entity_id,
        AuditEntry.detail,
    )
    previous_seq, previous_hash = 0, ""
    while True:
        rows = session.execute(
            select(*columns)
            .where(AuditEntry.seq > previous_seq)
            .order_by(AuditEntry.seq)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        for row in rows:
            report.rows += 1
            gap = row.seq != previous_seq + 1
            if gap:
                report.gaps.append(Gap(previous_seq, row.seq - previous_seq - 1))
            expected = expected_chain_hash(row, previous_hash or None)
            if expected != row.chain_hash and not gap:
                report.edited.append(row.seq)
            previous_seq, previous_hash = row.seq, row.chain_hash or ""
    report.head_seq, report.head_hash = previous_seq, previous_hash
    return report


def check_audit_chain(session: Session, actor: Actor) -> ChainReport:
    """The check for an administrator in the program (loggranskning). Logged after the walk:
    a row of this transaction would not be in the chain yet on PostgreSQL (its rows are
    chained at commit)."""
    if actor.role is not Role.ADMINISTRATOR:
        raise AccessDenied("Bara en administratör kan kontrollera loggkedjan.")
    report = verify_audit_chain(session)
    audit.record(session, actor, audit.Action.OPEN, "audit_log", detail="kontroll av loggkedjan")
    return report


def expected_chain_hash(row: Any, previous_hash: str | None) -> str:
    """The chain hash an audit row (anything with the audit log's columns and `seq`) should
    carry after the row with `previous_hash`."""
    return chain_hash(
        chain_text(
            seq=row.seq,
            previous_hash=previous_hash,
            id=row.id,
            at=row.at,
            user_id=row.user_id,
            case_id=row.case_id,
            person_id=row.person_id,
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id,
            detail=row.detail,
        )
    )
