"""The one text an audit row's chain hash is computed over (issue 20: tamper evidence).

Every audit row has a sequence number (`seq`, 1, 2, 3 … without gaps) and a hash
(`chain_hash`): hex SHA-256 over `chain_text` of the row's own content and the hash of the
row before it. A row edited, removed or inserted afterwards by hand (`sqlite3`, `psql` as the
owner) breaks the chain from that row on, which `arendestod db verify` reports.

The text, field by field in this order, each written as `<length>:<value>\\n` (length in
characters, so no value can run into the next):

    seq, previous row's chain_hash ("" for the first), id, at, user_id, case_id,
    person_id, action, entity, entity_id, detail

after the line `arendestod-audit-chain-v1\\n`. `at` is UTC as `YYYY-MM-DDTHH:MM:SS.ffffff`;
ids are UUIDs in their 36-character lower-case form; a missing value is "".

It is computed in three places, which must agree: here (the verifier and SQLite's trigger,
through `app/db/audit_chain.py`), and in PostgreSQL's trigger (in SQL: migration 0027's
`arendestod_audit_chain_hash`, whose expression migration 0039 writes into the trigger).
Changing the text breaks every stored chain: keep it as it is, or add a v2 beside it.

A chain without a secret detects edits made by hand, not someone who recomputes the whole
chain after editing (anyone with the file and its key can). What anchors it is a copy of the
chain head (sequence number and hash) kept elsewhere: `db verify` prints it for IT to note.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

CHAIN_VERSION_LINE = "arendestod-audit-chain-v1\n"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


def _uuid_text(value: uuid.UUID | None) -> str:
    return "" if value is None else str(value)


def _time_text(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime(TIME_FORMAT)


def chain_text(
    *,
    seq: int,
    previous_hash: str | None,
    id: uuid.UUID,
    at: datetime,
    user_id: uuid.UUID | None,
    case_id: uuid.UUID | None,
    person_id: uuid.UUID | None,
    action: str,
    entity: str,
    entity_id: uuid.UUID | None,
    detail: str | None,
) -> str:
    """The text hashed for one row (module docstring). A naive `at` is taken as UTC."""
    fields = (
        str(seq),
        previous_hash or "",
        _uuid_text(id),
        _time_text(at),
        _uuid_text(user_id),
        _uuid_text(case_id),
        _uuid_text(person_id),
        action,
        entity,
        _uuid_text(entity_id),
        detail or "",
    )
    return CHAIN_VERSION_LINE + "".join(f"{len(value)}:{value}\n" for value in fields)


def chain_hash(text: str) -> str:
    """Hex SHA-256 of a `chain_text` (UTF-8)."""
    return hashlib.sha256(text.encode()).hexdigest()
