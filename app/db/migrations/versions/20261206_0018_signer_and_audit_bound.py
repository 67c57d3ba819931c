"""signing is bound to the signer on the server, delegation checked by the server, and
audit rows stamped by the server

PostgreSQL only. Migration 0008 kept signed journal entries, forms and decisions from being
changed, but accepted any row that *became* signed: a handläggare could insert a journal
entry or a decision signed or "decided by" a colleague or the chef (a 500 000 kr decision
decided by the chef), or update a colleague's draft to signed in the colleague's name, and
delegation was checked only in the program (issue 18, point 3).

Now a trigger on each signed table (`bind_signer`, BEFORE INSERT OR UPDATE) holds, for the
users' own login roles, the rules the program applies:

- a row becomes signed (inserted signed, or a draft updated to signed) only when its signer
  (`signed_by`; `decided_by` for a decision) is the session's own user;
- a journal entry or a form is signed only by its author (journal.sign_entry and
  filled_forms.sign_form: "Bara den som skrivit ... kan ... signera"); a decision by anyone
  with the right to the case and delegation (decisions.sign_decision);
- a decision only when that user holds a delegation for its kind and amount
  (`arendestod_has_delegation`, the rule of decisions.has_delegation: a delegation row for
  the user and kind, with no amount limit or a limit at least the granted total);
- who wrote a draft (`author_id`) never changes;
- the items of a signed decision are as final as the decision (`keep_signed_items` on
  decision_items: 0008's keep_signed covered the decision's own row only, so the granted
  amounts of a signed decision could be changed).

The audit log accepted forged rows (issue 18, point 5): without a user, backdated, or with
the server's own actions (db_insert …). A trigger on audit_log (`stamp_audit`, BEFORE
INSERT) now stamps every row a user's login role writes: the user is the session's own (a
row naming someone else is refused, one naming no one gets her), the time is the server's
clock (`now()`), and the db_ actions are the server's alone. A row whose client time is more
than five minutes from the server's keeps that time in its detail text ("klientens tid …"):
a laptop's offline reads arrive at sync with the times they were made, now recorded as the
laptop's claim beside the server's time of arrival. A session with no active user (an
unknown or inactivated role) may log only its own failed login, without a user, its detail
naming the role. The insert policy of 0008 (`write_own`) no longer lets a user write rows
without a user id.

The schema owner (migrations, `db init-server`, the demo data) is trusted and not held by
these rules, as it is not held by row-level security.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 12:00:00
"""

from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

APP_ROLE = 'arendestod_app'
SIGNED_TABLES = ('journal_entries', 'forms', 'decisions')
"""Migration 0008's SIGNED_TABLES."""

USER_ID = '(SELECT arendestod_user_id())'
OLD_WRITE_OWN = f'user_id IS NULL OR user_id = {USER_ID}'
"""Migration 0008's insert policy on audit_log."""
WRITE_OWN = (
    f"user_id = {USER_ID} OR (user_id IS NULL AND {USER_ID} IS NULL AND action = 'login_failed')"
)

CLIENT_TIME_TOLERANCE = '5 minutes'

FUNCTIONS = f"""
-- Whether the session's own user may sign a decision of this kind and amount: the rule of
-- app.decisions.decisions.has_delegation. As the owner: the delegations are read here
-- whatever the user may see of them, and only her own are asked about.
CREATE FUNCTION arendestod_has_delegation(decision_kind text, amount numeric)
    RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT EXISTS (
        SELECT 1 FROM public.delegations d
        WHERE d.user_id = public.arendestod_user_id()
          AND d.kind = decision_kind
          AND (d.max_amount IS NULL OR amount <= d.max_amount)
    )
$$;

-- A row becomes signed only in the signer's own name (and a decision only with delegation).
-- Runs as the user (not SECURITY DEFINER): it needs no more than she has.
CREATE FUNCTION arendestod_bind_signer() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    who uuid;
    signer uuid;
BEGIN
    -- The schema owner (migrations, db init-server, demo data) is trusted, as row-level
    -- security trusts it: a session with the privileges of the table's owner.
    IF pg_catalog.pg_has_role(
        session_user,
        (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID),
        'USAGE'
    ) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.signed_at IS NULL
       AND NEW.author_id IS DISTINCT FROM OLD.author_id THEN
        RAISE EXCEPTION 'Vem som skrivit ett utkast kan inte ändras.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.signed_at IS NULL OR (TG_OP = 'UPDATE' AND OLD.signed_at IS NOT NULL) THEN
        RETURN NEW;  -- not becoming signed (a signed row is arendestod_keep_signed's)
    END IF;
    who := public.arendestod_user_id();
    -- one branch per table: a PL/pgSQL statement is prepared when first run, and each table
    -- has only its own signer column
    IF TG_TABLE_NAME = 'decisions' THEN
        signer := NEW.decided_by;
    ELSE
        signer := NEW.signed_by;
    END IF;
    IF who IS NULL OR signer IS DISTINCT FROM who THEN
        RAISE EXCEPTION 'Du kan bara signera i ditt eget namn.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_TABLE_NAME = 'journal_entries' AND NEW.author_id IS DISTINCT FROM who THEN
        RAISE EXCEPTION 'Bara den som skrivit anteckningen kan signera den.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_TABLE_NAME = 'forms' AND NEW.author_id IS DISTINCT FROM who THEN
        RAISE EXCEPTION 'Bara den som skapade utkastet kan signera det.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_TABLE_NAME = 'decisions' THEN
        -- nested, not with AND: an expression is planned whole, and only decisions have kind
        IF NOT public.arendestod_has_delegation(NEW.kind, NEW.granted_total) THEN
            RAISE EXCEPTION 'Du har inte delegation att fatta beslut om % på % kr.',
                CASE NEW.kind
                    WHEN 'forsorjningsstod' THEN 'försörjningsstöd'
                    WHEN 'livsforing_ovrigt' THEN 'livsföring i övrigt'
                    WHEN 'utover_ratten' THEN 'bistånd utöver rätten'
                    ELSE NEW.kind
                END,
                pg_catalog.translate(
                    pg_catalog.to_char(NEW.granted_total, 'FM999,999,999,990.00'), ',.', ' ,'
                )
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

-- The items of a signed decision are part of it: no item added, changed or removed.
CREATE FUNCTION arendestod_keep_signed_items() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF pg_catalog.pg_has_role(
        session_user,
        (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID),
        'USAGE'
    ) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;  -- the owner: demo data
    END IF;
    IF EXISTS (
        SELECT 1 FROM public.decisions d
        WHERE d.signed_at IS NOT NULL
          AND (   (TG_OP <> 'DELETE' AND d.id = NEW.decision_id)
               OR (TG_OP <> 'INSERT' AND d.id = OLD.decision_id))
    ) THEN
        RAISE EXCEPTION 'Beslutet är signerat: dess poster kan inte ändras.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

-- Every audit row a user writes carries her id and the server's time (the client's time,
-- when it is far off, in the detail); the db_ actions are the server's own rows.
CREATE FUNCTION arendestod_stamp_audit() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    who uuid;
BEGIN
    -- The owner is trusted: the schema owner's sessions and the server's own audit rows,
    -- written by arendestod_audit_rows as its definer (current_user, not session_user)
    IF pg_catalog.pg_has_role(
        current_user,
        (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID),
        'USAGE'
    ) THEN
        RETURN NEW;
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


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTIONS)
    for name in (
        'arendestod_has_delegation(text, numeric)',
        'arendestod_bind_signer()',
        'arendestod_stamp_audit()',
        'arendestod_keep_signed_items()',
    ):
        op.execute(f'REVOKE ALL ON FUNCTION {name} FROM PUBLIC')
    # the trigger calls it as the user; a trigger function itself needs no EXECUTE to fire
    op.execute(f'GRANT EXECUTE ON FUNCTION arendestod_has_delegation(text, numeric) TO {APP_ROLE}')
    for table in SIGNED_TABLES:
        op.execute(
            f'CREATE TRIGGER bind_signer BEFORE INSERT OR UPDATE ON {table} '
            'FOR EACH ROW EXECUTE FUNCTION arendestod_bind_signer()'
        )
    op.execute(
        'CREATE TRIGGER keep_signed_items BEFORE INSERT OR UPDATE OR DELETE ON decision_items '
        'FOR EACH ROW EXECUTE FUNCTION arendestod_keep_signed_items()'
    )
    op.execute(
        'CREATE TRIGGER stamp_audit BEFORE INSERT ON audit_log '
        'FOR EACH ROW EXECUTE FUNCTION arendestod_stamp_audit()'
    )
    _write_own(WRITE_OWN)


def _write_own(check: str) -> None:
    op.execute('DROP POLICY write_own ON audit_log')
    op.execute(
        f'CREATE POLICY write_own ON audit_log FOR INSERT TO {APP_ROLE} WITH CHECK ({check})'
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    _write_own(OLD_WRITE_OWN)
    op.execute('DROP TRIGGER IF EXISTS stamp_audit ON audit_log')
    op.execute('DROP TRIGGER IF EXISTS keep_signed_items ON decision_items')
    op.execute('DROP FUNCTION IF EXISTS arendestod_keep_signed_items()')
    op.execute('DROP FUNCTION IF EXISTS arendestod_stamp_audit()')
    for table in SIGNED_TABLES:
        op.execute(f'DROP TRIGGER IF EXISTS bind_signer ON {table}')
    op.execute('DROP FUNCTION IF EXISTS arendestod_bind_signer()')
    op.execute('DROP FUNCTION IF EXISTS arendestod_has_delegation(text, numeric)')
