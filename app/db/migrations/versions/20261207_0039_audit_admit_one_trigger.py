"""an audit row admitted by one trigger, its chain hash one expression (issue 21)

PostgreSQL only. A name search writes ~50 audit rows (one per person shown and a summary),
and each went through three BEFORE INSERT triggers of its own and a deferred one at commit:
`audit_vocabulary` (0021), `stamp_audit` (0018), `zz_audit_unchained` (0027) and
`audit_chain` (0027). Measured on the 10 000-household benchmark database (PG 15, EXPLAIN
ANALYZE of a user's 50-row INSERT): the vocabulary 100–200 µs a row (its entity test, with
the form definitions' EXISTS in the same expression, was run by the executor, not as a
simple expression), the stamp 30–60 µs, and at commit 150–200 µs a row for the chain, of
which ~35 µs the hash (a call of arendestod_audit_chain_hash, which builds the text field by
field in a loop).

- `arendestod_audit_admit()` (trigger `audit_admit`, BEFORE INSERT) does what the three did,
  in the order they fired (their names' order): the vocabulary's refusals, then the stamp's
  refusals and stamping, then the chain's columns cleared – for every row, the owner's too.
  The same tests, messages and error codes; the owner (current_user: its sessions and the
  server's own rows of arendestod_audit_rows, a definer function) is tested once, and the
  entity's list is tested before the form definitions are read.
- `arendestod_audit_chain()` writes the hash's expression into its UPDATE instead of calling
  `arendestod_audit_chain_hash(...)`: the same text (app/common/audit_chain.py), ~20 µs a
  row instead of ~35 (the function's own search_path, a SET clause, is saved and restored
  on every call). Checked: the same hash as the function for all 33 715 rows of the
  10 000-household benchmark database. The function stays, for whoever computes one by hand.

The chain's way (`audit_chain`, deferred, one row at a time under the advisory lock) is
unchanged: its order is the order the rows were written, and concurrent commits still make
one chain. The three old trigger functions stay (the downgrade fires them again); they
are not executable by anyone but the owner (0018, 0021, 0027).

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-07 08:00:00
"""

from alembic import op


revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None

SEARCH_PATH = 'SET search_path = pg_catalog, public, pg_temp'
CLIENT_TIME_TOLERANCE = '5 minutes'
"""As migration 0018's audit stamp."""

ACTIONS = (
    'open', 'search', 'create', 'update', 'sign', 'print', 'export', 'login',
    'login_failed', 'status', 'checkout', 'checkin', 'revoke',
    'db_insert', 'db_update', 'db_delete',
)
"""Migration 0021's PROGRAM_ACTIONS + SERVER_ACTIONS."""
ENTITIES = (
    'audit_log', 'case', 'case_lease', 'case_list', 'caseload', 'decision',
    'decision_letter', 'decisions', 'delegation', 'form_definition', 'forms', 'household',
    'journal', 'journal_entry', 'norm_table', 'person', 'plan', 'plans', 'search',
    'session', 'setting', 'sos_export', 'statistics', 'support_barrier', 'sync_conflict',
    'sync_conflicts', 'user',
)
"""Migration 0021's PROGRAM_ENTITIES ("form:<key>" besides)."""

CHAIN_LOCK = 2026120627
"""Migration 0027's advisory lock key: one chain of concurrent commits."""


def _field_texts(seq: str, previous: str, row: str) -> tuple[str, ...]:
    """The fields of the chain text in its order (app/common/audit_chain.py), as 0027's
    arendestod_audit_chain_hash writes them, of the row `row` (a table alias)."""
    return (
        f'{seq}::text',
        f"coalesce({previous}, '')",
        f'{row}.id::text',
        f"pg_catalog.to_char({row}.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')",
        f"coalesce({row}.user_id::text, '')",
        f"coalesce({row}.case_id::text, '')",
        f"coalesce({row}.person_id::text, '')",
        f'{row}.action',
        f'{row}.entity',
        f"coalesce({row}.entity_id::text, '')",
        f"coalesce({row}.detail, '')",
    )


def chain_hash_expression(seq: str, previous: str, row: str) -> str:
    """0027's arendestod_audit_chain_hash(...) as one expression: each field appended as
    `<length>:<value>\\n` after the version line, as its loop did (a NULL field makes the
    whole NULL there too). Written into the chain's UPDATE rather than called: the function
    has its own search_path, and a function with a SET clause saves and restores the
    setting on every call."""
    payload = "'arendestod-audit-chain-v1' || E'\\n'" + ''.join(
        f"\n                || pg_catalog.length({field}) || ':' || {field} || E'\\n'"
        for field in _field_texts(seq, previous, row)
    )
    return (
        'pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(\n'
        f"                {payload}, 'UTF8')), 'hex')"
    )


CHAIN_FUNCTION = """
-- At commit (deferred), one row at a time, under the chain's lock: the next number and
-- the hash over this row and the head. As the owner: users may not update audit_log.
CREATE OR REPLACE FUNCTION arendestod_audit_chain() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER {search_path} AS $$
DECLARE
    head_seq bigint;
    head_hash text;
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock({lock});
    SELECT a.seq, a.chain_hash INTO head_seq, head_hash
    FROM public.audit_log a WHERE a.seq IS NOT NULL ORDER BY a.seq DESC LIMIT 1;
    head_seq := coalesce(head_seq, 0) + 1;
    UPDATE public.audit_log a
    SET seq = head_seq,
        chain_hash = {hash}
    WHERE a.id = NEW.id;
    RETURN NULL;
END
$$;
"""

CHAIN_INLINE = CHAIN_FUNCTION.format(
    search_path=SEARCH_PATH, lock=CHAIN_LOCK, hash=chain_hash_expression('head_seq', 'head_hash', 'a')
)
CHAIN_CALLING = CHAIN_FUNCTION.format(
    search_path=SEARCH_PATH,
    lock=CHAIN_LOCK,
    hash='public.arendestod_audit_chain_hash(\n'
    '            head_seq, head_hash, a.id, a.at, a.user_id, a.case_id, a.person_id, a.action,\n'
    '            a.entity, a.entity_id, a.detail)',
)
"""Migration 0027's function, for the downgrade."""


def _array(values: tuple[str, ...]) -> str:
    return 'ARRAY[' + ', '.join(f"'{v}'" for v in values) + ']::text[]'


ADMIT = f"""
-- Every audit row: a user's speaks the program's words (0021's audit_vocabulary), carries
-- her id and the server's time (0018's stamp_audit), and gets its place in the chain from
-- the database alone (0027's zz_audit_unchained). Runs as the writer (current_user tells
-- the owner's rows, the server's own among them, from the users').
CREATE FUNCTION arendestod_audit_admit() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
DECLARE
    who uuid;
BEGIN
    NEW.seq := NULL;
    NEW.chain_hash := NULL;
    IF pg_catalog.pg_has_role(
        current_user,
        (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID),
        'USAGE'
    ) THEN
        RETURN NEW;
    END IF;
    IF NEW.action IS NULL OR NOT NEW.action = ANY ({_array(ACTIONS)}) THEN
        RAISE EXCEPTION 'Loggen tar inte emot händelsen "%": programmet har ingen sådan.',
            NEW.action USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.entity IS NULL OR NOT NEW.entity = ANY ({_array(ENTITIES)}) THEN
        -- read only for an entity off the list: a published form's "form:<key>"
        IF NEW.entity IS NULL OR NOT (NEW.entity LIKE 'form:%' AND EXISTS (
            SELECT 1 FROM public.form_definitions d
            WHERE d.key = pg_catalog.substr(NEW.entity, 6)))
        THEN
            RAISE EXCEPTION 'Loggen tar inte emot uppgiften "%": programmet har ingen sådan.',
                NEW.entity USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF NEW.action LIKE 'db\\_%' THEN
        RAISE EXCEPTION 'Loggrader om databasändringar skrivs bara av servern själv.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    who := public.arendestod_user_id();
    IF who IS NULL THEN
        -- an unknown or inactivated role: only its own failed login (accounts.login_connected)
        IF NEW.action <> 'login_failed' OR NEW.user_id IS NOT NULL THEN
            RAISE EXCEPTION 'Loggen tar bara emot rader från en aktiv användare.'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        NEW.detail := 'databasroll ' || session_user;
    ELSIF NEW.user_id IS NULL THEN
        NEW.user_id := who;  -- e.g. a command-line export, run with the user's own role
    ELSIF NEW.user_id <> who THEN
        RAISE EXCEPTION 'Du kan bara skriva loggrader i ditt eget namn.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.at NOT BETWEEN pg_catalog.now() - interval '{CLIENT_TIME_TOLERANCE}'
                      AND pg_catalog.now() + interval '{CLIENT_TIME_TOLERANCE}' THEN
        NEW.detail := pg_catalog.concat_ws(
            ' ',
            NULLIF(NEW.detail, ''),
            '(klientens tid '
                || pg_catalog.to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
                || ' UTC)'
        );
    END IF;
    NEW.at := pg_catalog.now();
    RETURN NEW;
END
$$;
"""

REPLACED_TRIGGERS = (
    ('audit_vocabulary', 'arendestod_audit_vocabulary()'),
    ('stamp_audit', 'arendestod_stamp_audit()'),
    ('zz_audit_unchained', 'arendestod_audit_unchained()'),
)
"""The BEFORE INSERT triggers on audit_log that `audit_admit` replaces, in firing order."""

def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(CHAIN_INLINE)
    op.execute(ADMIT)
    op.execute('REVOKE ALL ON FUNCTION arendestod_audit_admit() FROM PUBLIC')
    for name, _function in REPLACED_TRIGGERS:
        op.execute(f'DROP TRIGGER {name} ON audit_log')
    op.execute(
        'CREATE TRIGGER audit_admit BEFORE INSERT ON audit_log '
        'FOR EACH ROW EXECUTE FUNCTION arendestod_audit_admit()'
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('DROP TRIGGER IF EXISTS audit_admit ON audit_log')
    op.execute('DROP FUNCTION IF EXISTS arendestod_audit_admit()')
    for name, function in REPLACED_TRIGGERS:
        op.execute(
            f'CREATE TRIGGER {name} BEFORE INSERT ON audit_log '
            f'FOR EACH ROW EXECUTE FUNCTION {function}'
        )
    op.execute(CHAIN_CALLING)
