"""the server holds the signing rules, records its own time of signing, keeps the audit
log's vocabulary and a colleague's drafts

Migration 0018 bound a signature to the session's own user and a decision to a delegation,
but the server still took any row that became signed as it came (issue 18): a handläggare
with psql could sign, in her own name and within her delegation, a decision the program
refuses (an avslag without motivering, a partial bifall hiding a refusal behind the outcome
"bifall", a granted total below what its items grant, so that the delegation check looked
at the smaller sum, no lagrum, no barnkonsekvensanalys in a household with children), an
empty journal entry, or a form that does not match its definition. The signing times were
the client's claim alone, in the future too. The audit log took any action and entity as
free text ("deleted_everything"). A colleague's journal entry or form draft could be
rewritten or deleted, and a draft inserted "written by" a colleague, none of which the
program allows.

Now, for the users' own login roles (members of arendestod_app; the schema owner, who runs
migrations, `db init-server` and `demo`, is trusted as in 0018):

- `signing_rules` (BEFORE INSERT OR UPDATE on journal_entries, forms, decisions): a row
  becomes signed only when (and a draft has no signer, decision date or decider yet: the
  decision list shows a dated decision as decided)
  - a decision holds what decisions.save_draft derives and checks (the granted total is
    the items' granted sum less the counted income, never below zero, 0 for an avvisning;
    the outcome follows from the items; besvärshänvisning unless full bifall; at least one
    item unless avvisning; no negative amounts, none over 200 000 kr, nothing granted above
    what was applied for but the riksnorm; the period in order; a decision date) and what
    decisions.signing_problems demands (a motivering when not full bifall, FL 32 §; a
    motivering for every item granted below what was applied for, unless the decision has
    one; lagrum; the child gate: not full bifall and children in the household during the
    period need a signed barnkonsekvensanalys of the same case or a documented
    consideration for every child), refused with the program's own sentences;
  - a journal entry has a text (not only blank space), at most 20 000 characters, no
    control characters, a one-line title, and is not dated after tomorrow;
  - a form is of the key and version of the definition it names, its answers a JSON
    object;
- the signing times: a `signed_at` more than five minutes after the server's clock, or a
  decision date after tomorrow (Stockholm time, not the session's TimeZone, which a client
  sets), is refused; everything earlier is kept as the signer's claim, so a laptop that
  signed offline during a hembesök still syncs. Beside the claim, the server now records
  its own time: `signed_recorded_at` (new column on the three tables, in the models too;
  on SQLite and the laptop the program fills it in) is stamped with now() when a row of a
  user becomes signed, is empty on drafts, and never changes afterwards (0008's
  keep_signed compares the whole row but `changeable`, and the column is not in it). The
  owner's rows keep a time it gives (a restore), else get now();
- `own_drafts` (BEFORE INSERT OR UPDATE on the same tables): a draft is written
  in the session's own name; a colleague's journal entry or form draft is changed only
  by its author (journal._editable, filled_forms._editable), with one exception the
  program has: taking the author's own value from an open conflict of her sync
  (sync_conflicts.resolve, by anyone with the right to the case), checked column by
  column against that conflict (that none of the three is deleted is migration 0020's
  `no_delete`). A decision draft may be changed by colleagues, as in the program.
- `conflict_rules` (BEFORE INSERT OR UPDATE on sync_conflicts): a conflict is recorded in
  the session's own name and open; it is resolved once, in the resolver's own name, and
  nothing else of it changes (the exception above trusts it).
- `audit_vocabulary` (BEFORE INSERT on audit_log): a user's row has one of the program's
  actions (app.security.audit.Action; the db_ actions are the server's, 0018) and one of
  the entities the program writes, or "form:<key>" of a published form definition.

And from the catalog sweep (tests/core/security/test_server_catalog.py): the trigger
functions of 0008 and 0012 that were left executable by PUBLIC no longer are.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 14:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

APP_ROLE = 'arendestod_app'
SIGNED_TABLES = ('journal_entries', 'forms', 'decisions')
"""Migration 0008's SIGNED_TABLES."""
SEARCH_PATH = 'SET search_path = pg_catalog, public, pg_temp'
CLIENT_TIME_TOLERANCE = '5 minutes'
"""As migration 0018's audit stamp: how far ahead of the server a client's clock may be."""

BLANK = (
    r'^[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f'
    r'\u205f\u3000]*$'
)
"""Nothing but the characters Python's str.strip() removes (str.isspace): the program's
"blank" (`not text.strip()`)."""
CONTROL = r'[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]'
"""The control characters app.common.text_input refuses (Cc but tab and line breaks; NUL
PostgreSQL refuses itself)."""

PROGRAM_ACTIONS = (
    'open', 'search', 'create', 'update', 'sign', 'print', 'export', 'login',
    'login_failed', 'status', 'checkout', 'checkin', 'revoke',
)
"""app.security.audit.Action (a test checks that every value is accepted)."""
SERVER_ACTIONS = ('db_insert', 'db_update', 'db_delete')
"""The server's own rows (0008, 0014, 0016, 0017); 0018's stamp_audit keeps them to it."""
PROGRAM_ENTITIES = (
    'audit_log', 'case', 'case_lease', 'case_list', 'caseload', 'decision',
    'decision_letter', 'decisions', 'delegation', 'form_definition', 'forms', 'household',
    'journal', 'journal_entry', 'norm_table', 'person', 'plan', 'plans', 'search',
    'session', 'setting', 'sos_export', 'statistics', 'support_barrier', 'sync_conflict',
    'sync_conflicts', 'user',
)
"""The entities of the program's audit.record calls (a test reads them from the code), and
"form:<key>" besides."""


def _array(values: tuple[str, ...]) -> str:
    return 'ARRAY[' + ', '.join(f"'{v}'" for v in values) + ']::text[]'


def _owner(who: str = 'session_user') -> str:
    """The session has the privileges of the table's owner (0018's test)."""
    return f"""pg_catalog.pg_has_role(
        {who},
        (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID),
        'USAGE'
    )"""


FUNCTIONS = f"""
-- What signing demands, the signing times, and the server's own time of signing. Runs as
-- the user (not SECURITY DEFINER): whoever may sign a row sees its case, its items, its
-- household and its forms.
CREATE FUNCTION arendestod_signing_rules() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
DECLARE
    problems text[] := ARRAY[]::text[];
    tomorrow date := (pg_catalog.now() AT TIME ZONE 'Europe/Stockholm')::date + 1;
    items_total numeric;
    items_count bigint;
    all_granted boolean;
    bad_amounts boolean;
    expected_total numeric;
    derived text;
    item_label text;
    parsed jsonb;
    children text[];
    missing text[];
BEGIN
    IF NEW.signed_at IS NULL THEN
        -- a draft has no signer yet (the decision list shows a decision date as decided),
        -- and no time of signing
        IF TG_TABLE_NAME = 'decisions' THEN
            IF (NEW.decided_on IS NOT NULL OR NEW.decided_by IS NOT NULL)
               AND NOT {_owner()} THEN
                RAISE EXCEPTION 'Ett beslut får beslutsdatum och beslutsfattare först när det '
                    'signeras.' USING ERRCODE = 'check_violation';
            END IF;
        ELSIF NEW.signed_by IS NOT NULL AND NOT {_owner()} THEN
            RAISE EXCEPTION 'Ett utkast får den som signerar först när det signeras.'
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.signed_recorded_at IS NOT NULL AND NOT {_owner()} THEN
            NEW.signed_recorded_at := NULL;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.signed_at IS NOT NULL THEN
        RETURN NEW;  -- signed before: arendestod_keep_signed's
    END IF;
    IF {_owner()} THEN
        NEW.signed_recorded_at := coalesce(NEW.signed_recorded_at, pg_catalog.now());
        RETURN NEW;
    END IF;
    IF NEW.signed_at > pg_catalog.clock_timestamp() + interval '{CLIENT_TIME_TOLERANCE}' THEN
        problems := problems || pg_catalog.format(
            'Signeringstiden %s ligger i framtiden enligt serverns klocka. '
            'Kontrollera datorns klocka.',
            pg_catalog.to_char(NEW.signed_at AT TIME ZONE 'Europe/Stockholm',
                               'YYYY-MM-DD HH24:MI'));
    END IF;
    -- one branch per table: a PL/pgSQL statement is prepared when first run, and each
    -- table has only its own columns
    IF TG_TABLE_NAME = 'journal_entries' THEN
        -- journal._validated (the journal type is a code list of the program's resources)
        IF NEW.title ~ '[\\n\\r]' THEN
            problems := problems || 'Rubriken får bara vara en rad.'::text;
        ELSIF NEW.title ~ '{CONTROL}' THEN
            problems := problems || 'Rubriken innehåller otillåtna styrtecken.'::text;
        END IF;
        IF NEW.text ~ '{CONTROL}' THEN
            problems := problems || 'Texten innehåller otillåtna styrtecken.'::text;
        ELSIF NEW.text IS NULL OR NEW.text ~ '{BLANK}' THEN
            problems := problems || 'Texten måste fyllas i.'::text;
        ELSIF pg_catalog.char_length(NEW.text) > 20000 THEN
            problems := problems || pg_catalog.format(
                'Texten är för lång: %s tecken, högst 20000 är tillåtet.',
                pg_catalog.char_length(NEW.text));
        END IF;
        IF NEW.entry_date > tomorrow THEN
            problems := problems || 'En journalanteckning kan inte dateras i framtiden.'::text;
        END IF;
    ELSIF TG_TABLE_NAME = 'forms' THEN
        -- the answers against the definition's fields: filled_forms.sign_form
        IF NOT EXISTS (
            SELECT 1 FROM public.form_definitions d
            WHERE d.id = NEW.definition_id AND d.key = NEW.form_key
              AND d.version = NEW.form_version
        ) THEN
            problems := problems || 'Blanketten stämmer inte med formulärversionen den anger.'::text;
        END IF;
        BEGIN
            parsed := NEW.answers_json::jsonb;
        EXCEPTION WHEN invalid_text_representation THEN
            parsed := NULL;
        END;
        IF parsed IS NULL OR pg_catalog.jsonb_typeof(parsed) <> 'object' THEN
            problems := problems || 'Blankettens svar går inte att läsa.'::text;
        END IF;
    ELSE
        -- decisions: first what save_draft derives from the items and checks
        SELECT coalesce(sum(i.granted), 0), count(*),
               coalesce(bool_and(i.granted >= i.applied), true),
               coalesce(bool_or(
                   least(i.applied, i.proposed, i.granted) < 0
                   OR greatest(i.applied, i.proposed, i.granted) > 200000
                   OR (i.granted > i.applied AND i.item_type <> 'riksnorm')), false)
          INTO items_total, items_count, all_granted, bad_amounts
          FROM public.decision_items i WHERE i.decision_id = NEW.id;
        IF NEW.outcome = 'avvisning' THEN
            expected_total := 0;
        ELSE
            expected_total := greatest(items_total - NEW.income_counted, 0);
            derived := CASE WHEN expected_total <= 0 THEN 'avslag'
                            WHEN all_granted THEN 'bifall' ELSE 'delvis_bifall' END;
        END IF;
        IF NEW.period_end < NEW.period_start THEN
            problems := problems || 'Periodens slut kan inte ligga före dess början.'::text;
        END IF;
        IF items_count = 0 AND NEW.outcome <> 'avvisning' THEN
            problems := problems || 'Beslutet behöver minst en post.'::text;
        END IF;
        IF bad_amounts OR NEW.income_counted < 0 THEN
            problems := problems || ('Beslutet har belopp som inte är tillåtna: negativa, över '
                '200 000 kr för en post eller mer beviljat än ansökt.')::text;
        END IF;
        IF NEW.granted_total IS DISTINCT FROM expected_total THEN
            problems := problems || pg_catalog.format(
                'Beviljat belopp %s kr stämmer inte med beslutets poster (%s kr).',
                NEW.granted_total, expected_total);
        END IF;
        IF derived IS NOT NULL AND NEW.outcome IS DISTINCT FROM derived THEN
            problems := problems || 'Beslutets utfall stämmer inte med posterna.'::text;
        END IF;
        IF NEW.outcome <> 'bifall' AND NOT NEW.include_appeal THEN
            problems := problems || ('Ett beslut som inte är fullt bifall ska ha en '
                'besvärshänvisning (33 § förvaltningslagen).')::text;
        END IF;
        IF NEW.decided_on IS NULL THEN
            problems := problems || 'Ett signerat beslut ska ha ett beslutsdatum.'::text;
        ELSIF NEW.decided_on > tomorrow THEN
            problems := problems || pg_catalog.format(
                'Beslutsdatumet %s ligger i framtiden enligt serverns klocka.', NEW.decided_on);
        END IF;
        -- then decisions._signing_problems, in its order and words (delegation: 0018)
        IF NEW.outcome <> 'bifall' AND (NEW.motivation IS NULL OR NEW.motivation ~ '{BLANK}') THEN
            problems := problems
                || 'Skriv en motivering: beslutet är inte fullt bifall (32 § förvaltningslagen).'::text;
        END IF;
        IF NEW.motivation IS NULL OR NEW.motivation ~ '{BLANK}' THEN
            FOR item_label IN
                SELECT i.label FROM public.decision_items i
                WHERE i.decision_id = NEW.id AND i.granted < i.applied
                  AND (i.motivation IS NULL OR i.motivation ~ '{BLANK}')
                ORDER BY i.sort_order, i.id
            LOOP
                problems := problems || pg_catalog.format(
                    'Motivera varför %s inte beviljas fullt ut.', pg_catalog.lower(item_label));
            END LOOP;
        END IF;
        BEGIN
            parsed := NEW.legal_references::jsonb;
        EXCEPTION WHEN invalid_text_representation THEN
            parsed := NULL;
        END;
        IF parsed IS NULL OR pg_catalog.jsonb_typeof(parsed) <> 'array'
           OR pg_catalog.jsonb_array_length(parsed) = 0 THEN
            problems := problems || 'Ange lagrum.'::text;
        END IF;
        IF NEW.outcome <> 'bifall' THEN
            -- decisions.child_gate: the children of the household on some day of the period
            SELECT array_agg(m.person_id::text ORDER BY m.sort_order, m.id),
                   array_agg(p.first_name || ' ' || p.last_name ORDER BY m.sort_order, m.id)
              INTO children, missing
              FROM public.cases c
              JOIN public.household_members m ON m.household_id = c.household_id
              JOIN public.persons p ON p.id = m.person_id
             WHERE c.id = NEW.case_id AND m.role = 'barn'
               AND (m.member_from IS NULL OR m.member_from <= NEW.period_end)
               AND (m.member_until IS NULL OR NEW.period_start <= m.member_until);
            IF children IS NOT NULL AND NEW.bka_form_id IS NOT NULL THEN
                IF NOT EXISTS (
                    SELECT 1 FROM public.forms f
                    WHERE f.id = NEW.bka_form_id AND f.case_id = NEW.case_id
                      AND f.form_key = 'bka' AND f.signed_at IS NOT NULL
                ) THEN
                    problems := problems || ('Barnkonsekvensanalysen som beslutet hänvisar '
                        'till är inte signerad.')::text;
                END IF;
            ELSIF children IS NOT NULL THEN
                BEGIN
                    parsed := NEW.child_consideration::jsonb;
                EXCEPTION WHEN invalid_text_representation THEN
                    parsed := NULL;
                END;
                IF parsed IS NULL OR pg_catalog.jsonb_typeof(parsed) <> 'object' THEN
                    parsed := '{{}}'::jsonb;
                END IF;
                SELECT array_agg(name ORDER BY n) INTO missing
                  FROM unnest(children, missing) WITH ORDINALITY AS c(person, name, n)
                 WHERE NOT coalesce(pg_catalog.jsonb_typeof(parsed -> c.person) = 'string'
                                     AND NOT (parsed ->> c.person) ~ '{BLANK}', false);
                IF missing IS NOT NULL THEN
                    problems := problems || ('Beslutet är inte fullt bifall och hushållet har '
                        'barn. Hänvisa till en signerad barnkonsekvensanalys eller dokumentera '
                        'hur beslutet påverkar varje barn. Saknas för: '
                        || pg_catalog.array_to_string(missing, ', ') || '.');
                END IF;
            END IF;
        END IF;
    END IF;
    IF pg_catalog.cardinality(problems) > 0 THEN
        RAISE EXCEPTION '%', pg_catalog.array_to_string(problems, ' ')
            USING ERRCODE = 'check_violation';
    END IF;
    NEW.signed_recorded_at := pg_catalog.now();
    RETURN NEW;
END
$$;

-- Drafts are written in one's own name; a colleague's journal entry or form draft only
-- takes her own value from an open conflict of her sync; nothing is deleted.
CREATE FUNCTION arendestod_own_drafts() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
DECLARE
    who uuid;
    author uuid;
    before_row jsonb;
    after_row jsonb;
    changed_column text;
    changed_value jsonb;
BEGIN
    IF {_owner()} THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    who := public.arendestod_user_id();
    IF TG_OP = 'INSERT' THEN
        author := NEW.author_id;
        IF author IS NOT DISTINCT FROM who THEN
            RETURN NEW;
        END IF;
        after_row := to_jsonb(NEW) - ARRAY['id', 'version', 'created_at', 'updated_at',
                                           'updated_by'];
    ELSE
        author := OLD.author_id;
        IF OLD.signed_at IS NOT NULL OR TG_TABLE_NAME = 'decisions'
           OR author IS NOT DISTINCT FROM who THEN
            RETURN NEW;  -- signed rows are keep_signed's; decision drafts are shared
        END IF;
        before_row := to_jsonb(OLD);
        after_row := to_jsonb(NEW) - ARRAY['version', 'updated_at', 'updated_by'];
    END IF;
    -- someone else's draft: every changed column must be the author's own value from an
    -- open conflict of her sync (sync_conflicts.resolve writes it)
    FOR changed_column, changed_value IN SELECT e.key, e.value FROM jsonb_each(after_row) e
    LOOP
        CONTINUE WHEN before_row IS NOT NULL
                      AND before_row -> changed_column IS NOT DISTINCT FROM changed_value;
        CONTINUE WHEN EXISTS (
            SELECT 1 FROM public.sync_conflicts c
            WHERE c.table_name = TG_TABLE_NAME AND c.row_id = NEW.id AND c.status = 'oppen'
              AND c.made_by = author
              AND CASE WHEN c.field = '' THEN c.replica_json::jsonb -> changed_column -> 1
                       WHEN c.field = changed_column THEN c.replica_json::jsonb
                  END = changed_value
        );
        RAISE EXCEPTION '%', CASE
                WHEN TG_OP = 'INSERT' THEN 'Du kan bara skriva utkast i ditt eget namn.'
                WHEN TG_TABLE_NAME = 'journal_entries'
                    THEN 'Bara den som skrivit anteckningen kan ändra eller signera den.'
                ELSE 'Bara den som skapade utkastet kan ändra eller signera det.' END
            USING ERRCODE = 'insufficient_privilege';
    END LOOP;
    RETURN NEW;
END
$$;

-- A conflict of a sync is recorded in one's own name, open, and resolved once.
CREATE FUNCTION arendestod_conflict_rules() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
DECLARE
    who uuid;
    resolution text[] := ARRAY['status', 'resolved_by', 'resolved_at', 'version',
                               'updated_at', 'updated_by'];
BEGIN
    IF {_owner()} THEN
        RETURN NEW;
    END IF;
    who := public.arendestod_user_id();
    IF TG_OP = 'INSERT' THEN
        IF NEW.made_by IS DISTINCT FROM who THEN
            RAISE EXCEPTION 'En konflikt från synkroniseringen registreras bara i ditt eget namn.'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.status <> 'oppen' OR NEW.resolved_by IS NOT NULL OR NEW.resolved_at IS NOT NULL
        THEN
            RAISE EXCEPTION 'En ny konflikt kan inte redan vara löst.'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status <> 'oppen' THEN
        RAISE EXCEPTION 'Konflikten är redan löst.' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (to_jsonb(NEW) - resolution) IS DISTINCT FROM (to_jsonb(OLD) - resolution)
       OR NEW.status NOT IN ('server', 'replika') OR NEW.resolved_by IS DISTINCT FROM who THEN
        RAISE EXCEPTION 'En konflikt löses i ditt eget namn med kontorets eller den bärbara '
            'datorns värde; inget annat i den ändras.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

-- A user's audit row speaks the program's words. The owner is trusted: its sessions and
-- the server's own rows (written by definer functions: current_user, not session_user).
CREATE FUNCTION arendestod_audit_vocabulary() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
BEGIN
    IF {_owner('current_user')} THEN
        RETURN NEW;
    END IF;
    IF NEW.action IS NULL
       OR NOT NEW.action = ANY ({_array(PROGRAM_ACTIONS + SERVER_ACTIONS)}) THEN
        RAISE EXCEPTION 'Loggen tar inte emot händelsen "%": programmet har ingen sådan.',
            NEW.action USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.entity IS NULL OR NOT (
        NEW.entity = ANY ({_array(PROGRAM_ENTITIES)})
        OR (NEW.entity LIKE 'form:%' AND EXISTS (
            SELECT 1 FROM public.form_definitions d
            WHERE d.key = pg_catalog.substr(NEW.entity, 6)))
    ) THEN
        RAISE EXCEPTION 'Loggen tar inte emot uppgiften "%": programmet har ingen sådan.',
            NEW.entity USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
"""

FUNCTION_NAMES = (
    'arendestod_signing_rules()',
    'arendestod_own_drafts()',
    'arendestod_conflict_rules()',
    'arendestod_audit_vocabulary()',
)

TRIGGERS = (
    # (name, table, events, function); BEFORE triggers fire in the order of their names:
    # bind_signer and keep_signed (0008, 0018) first, then own_drafts, then signing_rules
    *(
        ('own_drafts', table, 'INSERT OR UPDATE', 'arendestod_own_drafts()')
        for table in SIGNED_TABLES
    ),
    *(
        ('signing_rules', table, 'INSERT OR UPDATE', 'arendestod_signing_rules()')
        for table in SIGNED_TABLES
    ),
    ('conflict_rules', 'sync_conflicts', 'INSERT OR UPDATE', 'arendestod_conflict_rules()'),
    ('audit_vocabulary', 'audit_log', 'INSERT', 'arendestod_audit_vocabulary()'),
)

NO_PUBLIC_EXECUTE = """
DO $$
DECLARE
    function regprocedure;
BEGIN
    FOR function IN
        SELECT p.oid::regprocedure
        FROM pg_catalog.pg_proc p
        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = pg_catalog.current_schema() AND p.proname LIKE 'arendestod\\_%'
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', function);
    END LOOP;
END
$$;
"""
"""PostgreSQL grants EXECUTE to PUBLIC on every new function: 0008 and 0012 did not take it
from arendestod_keep_signed, arendestod_audit_write, arendestod_member_protection and
arendestod_person_protection (trigger functions, which cannot be called directly; the
catalog sweep asks for no PUBLIC grant at all)."""


def upgrade() -> None:
    for table in SIGNED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column('signed_recorded_at', sa.DateTime(timezone=True), nullable=True)
            )
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTIONS)
    for name, table, events, function in TRIGGERS:
        op.execute(
            f'CREATE TRIGGER {name} BEFORE {events} ON {table} '
            f'FOR EACH ROW EXECUTE FUNCTION {function}'
        )
    op.execute(NO_PUBLIC_EXECUTE)  # the new functions too


def downgrade() -> None:
    """The rules and the column go. The PUBLIC grants on the old trigger functions are not
    given back: they were never needed (a trigger function cannot be called directly)."""
    if op.get_bind().dialect.name == 'postgresql':
        for name, table, _events, _function in TRIGGERS:
            op.execute(f'DROP TRIGGER IF EXISTS {name} ON {table}')
        for name in FUNCTION_NAMES:
            op.execute(f'DROP FUNCTION IF EXISTS {name}')
    for table in SIGNED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('signed_recorded_at')
