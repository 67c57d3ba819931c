"""audit rows chained by hash

Issue 20: rows of the audit log removed or edited by hand (`sqlite3` on a workstation's
file, the owner or a DBA on the server) went unnoticed. Every audit row now has a sequence
number (`seq`) and a hash over its own content and the previous row's hash (`chain_hash`);
the text hashed is defined in app/common/audit_chain.py, `arendestod db verify` walks it.

The database fills both columns itself, for every row however it is written (the program's
audit writer, the demo data's bulk inserts, the server's own db_ rows of migration 0014,
a sync's push of a laptop's reads); a row inserted with either column set is refused on
SQLite, and on PostgreSQL the values are discarded.

- PostgreSQL: `arendestod_audit_chain_hash(...)` computes the hash (pg_catalog.sha256);
  a deferred constraint trigger (`audit_chain`, AFTER INSERT, INITIALLY DEFERRED) chains the
  transaction's rows at its commit, under a transaction-level advisory lock, so concurrent
  sessions make one chain and the lock is held only from the commit's start to its end,
  not through the reads of a transaction that wrote its audit row early. READ COMMITTED
  (the program's level) lets each chained row see the head committed just before.
  Users have no UPDATE on audit_log (0008), so they cannot change the columns afterwards;
  the function runs as the owner.
- SQLite: an AFTER INSERT trigger calls the same hash, registered on every connection
  from Python (app/db/audit_chain.py; SQLite has no SHA-256 of its own).

Existing rows are chained here in the order of (at, id).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 16:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.common.audit_chain import chain_hash, chain_text


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

SEARCH_PATH = 'SET search_path = pg_catalog, public, pg_temp'
CHAIN_LOCK = 2026120627
"""The key of the transaction-level advisory lock that makes one chain of concurrent
commits (pg_advisory_xact_lock)."""

COLUMNS = ('id', 'at', 'user_id', 'case_id', 'person_id', 'action', 'entity', 'entity_id',
           'detail')

PG_FUNCTIONS = f"""
-- The text of app/common/audit_chain.py, hashed: keep the two alike. PL/pgSQL: its plan is
-- kept for the session (a SQL function with an aggregate is planned anew on every call).
CREATE FUNCTION arendestod_audit_chain_hash(
    seq bigint, previous text, id uuid, at timestamptz, user_id uuid, case_id uuid,
    person_id uuid, action text, entity text, entity_id uuid, detail text
) RETURNS text LANGUAGE plpgsql STABLE {SEARCH_PATH} AS $$
DECLARE
    field text;
    payload text := 'arendestod-audit-chain-v1' || E'\n';
BEGIN
    FOREACH field IN ARRAY ARRAY[
        seq::text,
        coalesce(previous, ''),
        id::text,
        pg_catalog.to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        coalesce(user_id::text, ''),
        coalesce(case_id::text, ''),
        coalesce(person_id::text, ''),
        action,
        entity,
        coalesce(entity_id::text, ''),
        coalesce(detail, '')
    ] LOOP
        payload := payload || pg_catalog.length(field) || ':' || field || E'\n';
    END LOOP;
    RETURN pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(payload, 'UTF8')), 'hex');
END
$$;

-- Whatever a row comes with, its place in the chain is the database's to give.
CREATE FUNCTION arendestod_audit_unchained() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
BEGIN
    NEW.seq := NULL;
    NEW.chain_hash := NULL;
    RETURN NEW;
END
$$;

-- At commit (deferred), one row at a time, under the chain's lock: the next number and
-- the hash over this row and the head. As the owner: users may not update audit_log.
CREATE FUNCTION arendestod_audit_chain() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER {SEARCH_PATH} AS $$
DECLARE
    head_seq bigint;
    head_hash text;
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock({CHAIN_LOCK});
    SELECT a.seq, a.chain_hash INTO head_seq, head_hash
    FROM public.audit_log a WHERE a.seq IS NOT NULL ORDER BY a.seq DESC LIMIT 1;
    head_seq := coalesce(head_seq, 0) + 1;
    UPDATE public.audit_log a
    SET seq = head_seq,
        chain_hash = public.arendestod_audit_chain_hash(
            head_seq, head_hash, a.id, a.at, a.user_id, a.case_id, a.person_id, a.action,
            a.entity, a.entity_id, a.detail)
    WHERE a.id = NEW.id;
    RETURN NULL;
END
$$;
"""

PG_BACKFILL = """
DO $$
DECLARE
    row record;
    n bigint := 0;
    previous text := NULL;
BEGIN
    FOR row IN SELECT * FROM public.audit_log ORDER BY at, id LOOP
        n := n + 1;
        previous := public.arendestod_audit_chain_hash(
            n, previous, row.id, row.at, row.user_id, row.case_id, row.person_id, row.action,
            row.entity, row.entity_id, row.detail);
        UPDATE public.audit_log SET seq = n, chain_hash = previous WHERE id = row.id;
    END LOOP;
END
$$;
"""

SQLITE_TRIGGERS = (
    """
CREATE TRIGGER audit_log_unchained BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT NULL OR NEW.chain_hash IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'Loggradens plats i kedjan sätts av databasen.');
END
""",
    f"""
CREATE TRIGGER audit_log_chain AFTER INSERT ON audit_log
BEGIN
    UPDATE audit_log SET (seq, chain_hash) = (
        SELECT head.seq + 1,
               arendestod_audit_chain_hash(head.seq + 1, head.hash,
                                           {', '.join(f'NEW.{c}' for c in COLUMNS)})
        FROM (SELECT coalesce((SELECT seq FROM audit_log WHERE seq IS NOT NULL
                               ORDER BY seq DESC LIMIT 1), 0) AS seq,
                     (SELECT chain_hash FROM audit_log WHERE seq IS NOT NULL
                      ORDER BY seq DESC LIMIT 1) AS hash) AS head
    )
    WHERE rowid = NEW.rowid;
END
""",
)
"""SQLite writes one transaction at a time: the head read right after the insert is the
head. The function is app/db/audit_chain.py's, registered on every connection."""


def _backfill_sqlite() -> None:
    """Chain the rows there are, in Python (the function may not be registered on the
    migration's connection when it is not the program's engine); written back by rowid."""
    bind = op.get_bind()
    table = sa.table(
        'audit_log',
        sa.column('id', sa.Uuid()),
        sa.column('at', sa.DateTime()),
        *(sa.column(name, sa.Uuid()) for name in ('user_id', 'case_id', 'person_id',
                                                  'entity_id')),
        *(sa.column(name, sa.Text()) for name in ('action', 'entity', 'detail')),
    )
    rows = bind.execute(
        sa.select(sa.literal_column('rowid'), *(table.c[name] for name in COLUMNS))
        .order_by(table.c.at, table.c.id)
    ).all()
    previous = None
    updates = []
    for seq, (rowid, *values) in enumerate(rows, start=1):
        previous = chain_hash(
            chain_text(seq=seq, previous_hash=previous, **dict(zip(COLUMNS, values)))
        )
        updates.append((seq, previous, rowid))
    if updates:
        bind.exec_driver_sql(
            'UPDATE audit_log SET seq = ?, chain_hash = ? WHERE rowid = ?', updates
        )


def upgrade() -> None:
    with op.batch_alter_table('audit_log') as batch:
        batch.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('chain_hash', sa.String(length=64), nullable=True))
    postgresql = op.get_bind().dialect.name == 'postgresql'
    if postgresql:
        op.execute(PG_FUNCTIONS)
        for name in ('arendestod_audit_chain_hash(bigint, text, uuid, timestamptz, uuid, '
                     'uuid, uuid, text, text, uuid, text)',
                     'arendestod_audit_unchained()', 'arendestod_audit_chain()'):
            op.execute(f'REVOKE ALL ON FUNCTION {name} FROM PUBLIC')
        op.execute(PG_BACKFILL)
    else:
        _backfill_sqlite()
    op.create_index(
        'ix_audit_log_seq', 'audit_log', ['seq'], unique=True,
        postgresql_where=sa.text('seq IS NOT NULL'), sqlite_where=sa.text('seq IS NOT NULL'),
    )
    if postgresql:
        # BEFORE triggers fire in the order of their names: after audit_vocabulary and
        # stamp_audit (0018, 0021), which may change the row
        op.execute(
            'CREATE TRIGGER zz_audit_unchained BEFORE INSERT ON audit_log '
            'FOR EACH ROW EXECUTE FUNCTION arendestod_audit_unchained()'
        )
        op.execute(
            'CREATE CONSTRAINT TRIGGER audit_chain AFTER INSERT ON audit_log '
            'DEFERRABLE INITIALLY DEFERRED '
            'FOR EACH ROW EXECUTE FUNCTION arendestod_audit_chain()'
        )
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_chain ON audit_log')
        op.execute('DROP TRIGGER IF EXISTS zz_audit_unchained ON audit_log')
        op.execute('DROP FUNCTION IF EXISTS arendestod_audit_chain()')
        op.execute('DROP FUNCTION IF EXISTS arendestod_audit_unchained()')
        op.execute(
            'DROP FUNCTION IF EXISTS arendestod_audit_chain_hash(bigint, text, uuid, '
            'timestamptz, uuid, uuid, uuid, text, text, uuid, text)'
        )
    else:
        op.execute('DROP TRIGGER IF EXISTS audit_log_chain')
        op.execute('DROP TRIGGER IF EXISTS audit_log_unchained')
    op.drop_index('ix_audit_log_seq', table_name='audit_log')
    with op.batch_alter_table('audit_log') as batch:
        batch.drop_column('chain_hash')
        batch.drop_column('seq')
