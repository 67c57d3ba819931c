"""children in every decision, delegation by kind and outcome, kommunicering (issue 19,
defects 6, 7 and 8)

Schema (both dialects):

- `delegations.scope` ('bevilja' or 'avsla'): a delegation row is now per user, kind and
  scope (the unique constraint takes the scope too). Granting up to an amount and refusing
  (avslag, avvisning) are separate rights; a refusal's limit is checked against what was
  applied for (the items' applied sum less the income counted, never below zero), not the
  0 kr it grants. Existing rows keep their grant right, and each gets a refusal row with the
  same limit: whoever could decide up to X kr may refuse an application of up to X kr (and
  a row without a limit refuses without one). Before, a user with a limit could refuse any
  amount; an administrator who wants that gives the refusal row no limit.
- `decisions.bka_not_needed_reason`: why an adverse decision has no tangible consequences
  for the children when no barnkonsekvensanalys is referred to (seed 002 L80).
- `decisions.others_information` and `decisions.communication_*`: the decision rests on
  information from others than the applicant, and the kommunicering (förvaltningslagen
  (2017:900) 25 §): when what was sent, how, from whom the information came, the last day to
  answer, the answer, or the exception of 25 § with its reason.

PostgreSQL (the server mirrors decisions.signing_problems; issue 18's rule that the server
refuses what the program refuses):

- `arendestod_has_delegation(kind, scope, amount)` replaces `(kind, amount)` of 0018, and
  `arendestod_bind_signer` asks it for the grant right on the granted total when the
  decision grants something (bifall, delvis bifall) and for the refusal right on the applied
  amount when it refuses something (delvis bifall, avslag, avvisning), in the program's
  words (decisions.delegation_problems).
- `arendestod_signing_rules`: the child rule of 0021 (only when not full bifall) is now
  decisions.child_problems: every child in the household during the period, whatever the
  outcome, has a documented consideration or the decision refers to a signed
  barnkonsekvensanalys of the case; an adverse decision without one has a documented reason
  why the consequences are not tangible; and no text about the children (the
  considerations, that reason, the referred analysis' answers) claims the full norm
  (resources/barnets_basta.json "full_norm_claims") when the decision grants 0 kr or the
  riksnorm below what was applied for. Then kommunicering.communication_problem: an adverse
  decision resting on others' information has an exception of 25 § with a reason, or a
  kommunicering sent whose answer came or whose last day to answer is before the decision
  date (and before the server's today).

What stays in the program: the barnets bästa summary of a barnkonsekvensanalys is computed
from its form definition (the server checks the analysis' answers as stored instead, which
is a superset of the summary); the labels of the exceptions of 25 §.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 10:00:00
"""

import uuid

from alembic import op
import sqlalchemy as sa


revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

APP_ROLE = "arendestod_app"
SEARCH_PATH = "SET search_path = pg_catalog, public, pg_temp"

SCOPE = sa.Enum("bevilja", "avsla", name="delegationscope", native_enum=False, length=10)


def _decision_columns() -> list[sa.Column]:
    return [
        sa.Column("bka_not_needed_reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("others_information", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("communication_sent_on", sa.Date(), nullable=True),
        sa.Column("communication_method", sa.String(length=20), nullable=False, server_default=""),
        sa.Column("communication_sources", sa.Text(), nullable=False, server_default=""),
        sa.Column("communication_material", sa.Text(), nullable=False, server_default=""),
        sa.Column("communication_answer_by", sa.Date(), nullable=True),
        sa.Column("communication_answer_on", sa.Date(), nullable=True),
        sa.Column("communication_answer", sa.Text(), nullable=False, server_default=""),
        sa.Column(
            "communication_exception", sa.String(length=40), nullable=False, server_default=""
        ),
        sa.Column("communication_exception_reason", sa.Text(), nullable=False, server_default=""),
    ]


EXCEPTION_CODES = ("uppenbart_obehovligt", "forsvarar_genomforandet", "kan_inte_skjutas_upp")
"""The exceptions of 25 § offered for ekonomiskt bistånd (resources/kommunicering.json with
"for_bistand": true; a test compares them)."""
FULL_NORM_CLAIMS = ("hela normen", "hela riksnormen", "fulla normen", "full norm", "full riksnorm")
"""resources/barnets_basta.json "full_norm_claims" (a test compares them)."""

BLANK = (
    r"^[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f"
    r"\u205f\u3000]*$"
)
"""Migration 0021's BLANK: the program's `not text.strip()`."""
CONTROL = r"[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]"
"""Migration 0021's CONTROL."""


def _array(values: tuple[str, ...]) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]::text[]"


def _owner(who: str = "session_user") -> str:
    """The session has the privileges of the table's owner (0018's test)."""
    return f"""pg_catalog.pg_has_role(
        {who},
        (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID),
        'USAGE'
    )"""


KIND_LABEL = """CASE NEW.kind
                    WHEN 'forsorjningsstod' THEN 'försörjningsstöd'
                    WHEN 'livsforing_ovrigt' THEN 'livsföring i övrigt'
                    WHEN 'utover_ratten' THEN 'bistånd utöver rätten'
                    ELSE NEW.kind
                END"""


def _money(expression: str) -> str:
    """app.common.formatting.money, but with ordinary spaces: 11 720,00."""
    return (
        f"pg_catalog.translate(pg_catalog.to_char({expression}, 'FM999,999,999,990.00'), "
        "',.', ' ,')"
    )


# --- delegation (0018's functions, the delegation by scope) -----------------------------------

HAS_DELEGATION = f"""
-- Whether the session's own user may sign a decision of this kind, scope ('bevilja' for
-- what it grants, 'avsla' for an application it refuses) and amount: the rule of
-- app.decisions.decisions.has_delegation. As the owner: the delegations are read here
-- whatever the user may see of them, and only her own are asked about.
CREATE FUNCTION arendestod_has_delegation(decision_kind text, delegation_scope text,
                                          amount numeric)
    RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    {SEARCH_PATH} AS $$
    SELECT EXISTS (
        SELECT 1 FROM public.delegations d
        WHERE d.user_id = public.arendestod_user_id()
          AND d.kind = decision_kind
          AND d.scope = delegation_scope
          AND (d.max_amount IS NULL OR amount <= d.max_amount)
    )
$$;
"""

OLD_HAS_DELEGATION = f"""
CREATE FUNCTION arendestod_has_delegation(decision_kind text, amount numeric)
    RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    {SEARCH_PATH} AS $$
    SELECT EXISTS (
        SELECT 1 FROM public.delegations d
        WHERE d.user_id = public.arendestod_user_id()
          AND d.kind = decision_kind
          AND (d.max_amount IS NULL OR amount <= d.max_amount)
    )
$$;
"""
"""Migration 0018's function (with the scope the downgrade leaves only grant rows)."""

NEW_DELEGATION_CHECK = f"""
    IF TG_TABLE_NAME = 'decisions' THEN
        -- decisions.delegation_problems: the grant right for what it grants, the refusal
        -- right for what was applied for (the items less the income counted, at least 0)
        SELECT greatest(coalesce(sum(i.applied), 0) - NEW.income_counted, 0)
          INTO applied FROM public.decision_items i WHERE i.decision_id = NEW.id;
        IF NEW.outcome IN ('bifall', 'delvis_bifall')
           AND NOT public.arendestod_has_delegation(NEW.kind, 'bevilja', NEW.granted_total) THEN
            missing := missing || pg_catalog.format(
                'Du har inte delegation att fatta beslut om %s på %s kr.',
                {KIND_LABEL}, {_money("NEW.granted_total")});
        END IF;
        IF NEW.outcome <> 'bifall'
           AND NOT public.arendestod_has_delegation(NEW.kind, 'avsla', applied) THEN
            missing := missing || pg_catalog.format(
                'Du har inte delegation att avslå eller avvisa en ansökan om %s på %s kr '
                '(det sökta beloppet).',
                {KIND_LABEL}, {_money("applied")});
        END IF;
        IF pg_catalog.cardinality(missing) > 0 THEN
            RAISE EXCEPTION '%', pg_catalog.array_to_string(missing, ' ')
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;"""

OLD_DELEGATION_CHECK = f"""
    IF TG_TABLE_NAME = 'decisions' THEN
        -- nested, not with AND: an expression is planned whole, and only decisions have kind
        IF NOT public.arendestod_has_delegation(NEW.kind, NEW.granted_total) THEN
            RAISE EXCEPTION 'Du har inte delegation att fatta beslut om % på % kr.',
                {KIND_LABEL},
                {_money("NEW.granted_total")}
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;"""


def _bind_signer(delegation_check: str) -> str:
    """Migration 0018's arendestod_bind_signer with its decision's delegation check."""
    return f"""
CREATE OR REPLACE FUNCTION arendestod_bind_signer() RETURNS trigger
    LANGUAGE plpgsql
    {SEARCH_PATH} AS $$
DECLARE
    who uuid;
    signer uuid;
    applied numeric;
    missing text[] := ARRAY[]::text[];
BEGIN
    -- The schema owner (migrations, db init-server, demo data) is trusted, as row-level
    -- security trusts it: a session with the privileges of the table's owner.
    IF {_owner()} THEN
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
    END IF;{delegation_check}
    RETURN NEW;
END
$$;
"""


# --- what signing demands (0021's function, the children and kommunicering) -------------------

CHILDREN_MISSING = (
    "Hushållet har barn: dokumentera för varje barn hur beslutet påverkar barnet, eller "
    "hänvisa till en signerad barnkonsekvensanalys. Saknas för: "
)
NO_BKA_OR_REASON = (
    "Beslutet går hushållet emot och hushållet har barn: hänvisa till en signerad "
    "barnkonsekvensanalys eller skriv varför beslutet inte får påtagliga konsekvenser för "
    "barnen."
)
BKA_UNSIGNED = "Barnkonsekvensanalysen som beslutet hänvisar till är inte signerad."
FULL_NORM = (
    "Texten om barnets bästa säger att hushållet får hela normen, men {why}. Ändra texten så "
    "att den stämmer med beslutet."
)
NOT_COMMUNICATED = (
    "Beslutet går sökanden emot och grundar sig på uppgifter från annan än sökanden: "
    "låt sökanden yttra sig över uppgifterna först (kommunicering), eller ange varför det "
    "inte behövs (25 § förvaltningslagen)."
)
NO_EXCEPTION_REASON = (
    "Skriv varför kommunicering inte behövs i det här ärendet (25 § förvaltningslagen)."
)
"""The program's sentences (app.decisions.decisions, app.decisions.kommunicering)."""

NEW_CHILD_RULE = f"""
        -- decisions.child_problems: the children of the household on some day of the period,
        -- in every decision
        SELECT array_agg(m.person_id::text ORDER BY m.sort_order, m.id),
               array_agg(p.first_name || ' ' || p.last_name ORDER BY m.sort_order, m.id)
          INTO children, missing
          FROM public.cases c
          JOIN public.household_members m ON m.household_id = c.household_id
          JOIN public.persons p ON p.id = m.person_id
         WHERE c.id = NEW.case_id AND m.role = 'barn'
           AND (m.member_from IS NULL OR m.member_from <= NEW.period_end)
           AND (m.member_until IS NULL OR NEW.period_start <= m.member_until);
        IF children IS NOT NULL THEN
            IF NEW.bka_form_id IS NOT NULL THEN
                SELECT f.answers_json INTO claims FROM public.forms f
                 WHERE f.id = NEW.bka_form_id AND f.case_id = NEW.case_id
                   AND f.form_key = 'bka' AND f.signed_at IS NOT NULL;
                IF NOT FOUND THEN
                    problems := problems || '{BKA_UNSIGNED}'::text;
                END IF;
            ELSE
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
                    problems := problems || ('{CHILDREN_MISSING}'
                        || pg_catalog.array_to_string(missing, ', ') || '.');
                END IF;
                IF NEW.outcome <> 'bifall' AND (NEW.bka_not_needed_reason IS NULL
                                               OR NEW.bka_not_needed_reason ~ '{BLANK}') THEN
                    problems := problems || '{NO_BKA_OR_REASON}'::text;
                END IF;
                claims := coalesce(NEW.child_consideration, '') || ' '
                          || coalesce(NEW.bka_not_needed_reason, '');
            END IF;
            -- no "hela normen" when nothing, or not the whole riksnorm, is granted
            IF EXISTS (
                SELECT 1 FROM unnest({_array(FULL_NORM_CLAIMS)}) AS claim
                WHERE pg_catalog.strpos(pg_catalog.lower(coalesce(claims, '')), claim) > 0
            ) THEN
                IF NEW.granted_total <= 0 THEN
                    problems := problems
                        || '{FULL_NORM.format(why="beslutet beviljar 0 kr")}'::text;
                ELSIF EXISTS (
                    SELECT 1 FROM public.decision_items i
                    WHERE i.decision_id = NEW.id AND i.item_type = 'riksnorm'
                      AND i.granted < i.applied
                ) THEN
                    problems := problems
                        || '{FULL_NORM.format(why="riksnormen beviljas inte fullt ut")}'::text;
                END IF;
            END IF;
        END IF;
        -- kommunicering.communication_problem (förvaltningslagen 25 §)
        IF NEW.outcome <> 'bifall' AND NEW.others_information THEN
            IF NEW.communication_exception <> '' THEN
                IF NOT NEW.communication_exception = ANY ({_array(EXCEPTION_CODES)}) THEN
                    problems := problems || pg_catalog.format(
                        'Okänt undantag från kommunicering: %s.', NEW.communication_exception);
                ELSIF NEW.communication_exception_reason ~ '{BLANK}' THEN
                    problems := problems || '{NO_EXCEPTION_REASON}'::text;
                END IF;
            ELSIF NEW.communication_sent_on IS NULL OR NEW.communication_answer_by IS NULL
                  OR NEW.communication_material ~ '{BLANK}' THEN
                problems := problems || '{NOT_COMMUNICATED}'::text;
            ELSIF NEW.communication_answer_on IS NULL
                  AND NEW.communication_answer_by
                      >= least(coalesce(NEW.decided_on, tomorrow - 1), tomorrow - 1)
            THEN
                problems := problems || pg_catalog.format(
                    'Tiden för sökanden att yttra sig går ut %s: vänta på svaret eller tills '
                    'tiden har gått ut.', pg_catalog.to_char(NEW.communication_answer_by,
                                                             'YYYY-MM-DD'));
            END IF;
        END IF;"""

OLD_CHILD_RULE = f"""
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
        END IF;"""
"""Migration 0021's child rule, for the downgrade."""


def _signing_rules(child_rule: str) -> str:
    """Migration 0021's arendestod_signing_rules, unchanged but for its child rule (and the
    kommunicering after it)."""
    return f"""
CREATE OR REPLACE FUNCTION arendestod_signing_rules() RETURNS trigger
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
    claims text;
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
    IF NEW.signed_at > pg_catalog.clock_timestamp() + interval '5 minutes' THEN
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
        -- then decisions._signing_problems, in its order and words (delegation: bind_signer)
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
        END IF;{child_rule}
    END IF;
    IF pg_catalog.cardinality(problems) > 0 THEN
        RAISE EXCEPTION '%', pg_catalog.array_to_string(problems, ' ')
            USING ERRCODE = 'check_violation';
    END IF;
    NEW.signed_recorded_at := pg_catalog.now();
    RETURN NEW;
END
$$;
"""


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("decisions") as batch:
        for column in _decision_columns():
            batch.add_column(column)
    with op.batch_alter_table("delegations") as batch:
        batch.add_column(sa.Column("scope", SCOPE, nullable=False, server_default="bevilja"))
        batch.drop_constraint("uq_delegations_user_id", type_="unique")
        batch.create_unique_constraint("uq_delegations_user_id", ["user_id", "kind", "scope"])
    # every grant row gets a refusal row with the same limit (see the docstring)
    delegations = sa.table(
        "delegations",
        sa.column("id", sa.Uuid()),
        sa.column("user_id", sa.Uuid()),
        sa.column("kind", sa.String()),
        sa.column("scope", sa.String()),
        sa.column("max_amount", sa.Numeric(12, 2)),
        sa.column("version", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("updated_by", sa.Uuid()),
    )
    existing = bind.execute(
        sa.select(
            delegations.c.user_id,
            delegations.c.kind,
            delegations.c.max_amount,
            delegations.c.created_at,
            delegations.c.updated_at,
            delegations.c.updated_by,
        ).where(delegations.c.scope == "bevilja")
    ).all()
    if existing:
        bind.execute(
            delegations.insert(),
            [
                {
                    "id": uuid.uuid4(),
                    "user_id": row.user_id,
                    "kind": row.kind,
                    "scope": "avsla",
                    "max_amount": row.max_amount,
                    "version": 1,
                    "created_at": row.created_at,
                    "updated_at": row.updated_at,
                    "updated_by": row.updated_by,
                }
                for row in existing
            ],
        )
    if bind.dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION arendestod_has_delegation(text, numeric)")
    op.execute(HAS_DELEGATION)
    op.execute("REVOKE ALL ON FUNCTION arendestod_has_delegation(text, text, numeric) FROM PUBLIC")
    op.execute(
        f"GRANT EXECUTE ON FUNCTION arendestod_has_delegation(text, text, numeric) TO {APP_ROLE}"
    )
    op.execute(_bind_signer(NEW_DELEGATION_CHECK))
    op.execute(_signing_rules(NEW_CHILD_RULE))


def downgrade() -> None:
    """The rules of 0018 and 0021 again; the refusal rows go (a grant row is what a
    delegation was), and the new columns."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(_signing_rules(OLD_CHILD_RULE))
        op.execute(_bind_signer(OLD_DELEGATION_CHECK))
        op.execute("DROP FUNCTION arendestod_has_delegation(text, text, numeric)")
        op.execute(OLD_HAS_DELEGATION)
        op.execute("REVOKE ALL ON FUNCTION arendestod_has_delegation(text, numeric) FROM PUBLIC")
        op.execute(
            f"GRANT EXECUTE ON FUNCTION arendestod_has_delegation(text, numeric) TO {APP_ROLE}"
        )
    op.execute("DELETE FROM delegations WHERE scope <> 'bevilja'")
    with op.batch_alter_table("delegations") as batch:
        batch.drop_constraint("uq_delegations_user_id", type_="unique")
        batch.create_unique_constraint("uq_delegations_user_id", ["user_id", "kind"])
        batch.drop_column("scope")
    with op.batch_alter_table("decisions") as batch:
        for column in reversed(_decision_columns()):
            batch.drop_column(column.name)
